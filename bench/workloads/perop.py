"""per-op: a 1,000-op chain on a float64 array of shape (4,), recorded and differentiated.

Small arrays make NumPy's own work tiny, so this measures what the library adds to every op:
wrapping, recording, and replaying it backward.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import tapediff as td

from ..peers import load as load_peers
from ..results import NUMPY, TAPEDIFF, Check, Config, Row, Section, Target, close, tolerances
from ..timing import Plan, Timing, compare, ratio, round_ratios
from . import _chain

NAME = "per-op"
SHAPE = (4,)
TARGET = 3.5  # x hand-written NumPy, forward + backward


def _n_ops(cfg: Config) -> int:
    return 100 if cfg.quick else 1000


def _impls(cfg: Config) -> dict[str, Callable[[], tuple[np.ndarray, np.ndarray]]]:
    ops = _chain.kinds(_n_ops(cfg))
    x0, a, b = _chain.array_constants(SHAPE, cfg.seed)
    tx, ta, tb = td.tensor(x0), td.tensor(a), td.tensor(b)
    impls: dict[str, Callable[[], tuple[np.ndarray, np.ndarray]]] = {
        NUMPY: lambda: _chain.numpy_chain(x0, a, b, ops),
        TAPEDIFF: lambda: _chain.tapediff_chain(tx, ta, tb, ops),
    }
    if cfg.peers:
        for peer in load_peers(cfg.threads)[0]:
            impls[peer.name] = peer.module.chain(x0, a, b, ops)
    return impls


def profile_target(cfg: Config) -> Callable[[], object]:
    """The tapediff implementation alone, for ``--profile``."""
    return _impls(Config(quick=cfg.quick, seed=cfg.seed))[TAPEDIFF]


def checks(cfg: Config) -> list[Check]:
    impls = _impls(cfg)
    want_y, want_g = impls.pop(NUMPY)()
    rtol, atol = tolerances(np.float64)
    out = []
    for name, fn in impls.items():
        y, g = fn()
        out.append(close(NAME, f"{name} value", y, want_y, rtol, atol))
        out.append(close(NAME, f"{name} gradient", g, want_g, rtol, atol))
    return out


def run(cfg: Config) -> Section:
    n = _n_ops(cfg)
    plan = Plan(repeats=3, warmup=1, min_sample_s=0.01) if cfg.quick else Plan(repeats=9)
    section = Section(NAME, f"chain of {n} elementwise ops (*, +, tanh every 10th)")
    times = compare(_impls(cfg), plan)
    _rows(section, f"float64 {SHAPE}, {n} ops, fwd+bwd", times, n)
    section.targets.append(
        Target(
            "per-op vs NumPy",
            ratio(times[TAPEDIFF], times[NUMPY]),
            TARGET,
            "x",
            judged=not cfg.quick,
            spread=round_ratios(times[TAPEDIFF], times[NUMPY]),
        )
    )
    # Diagnostic, not a target: the same forward with no tape, i.e. the cost of the op wrapper.
    ops = _chain.kinds(n)
    x0, a, b = _chain.array_constants(SHAPE, cfg.seed)
    tx, ta, tb = td.tensor(x0), td.tensor(a), td.tensor(b)
    forward = {
        NUMPY: lambda: _chain.numpy_forward(x0, a, b, ops),
        TAPEDIFF: lambda: _chain.tapediff_forward(tx, ta, tb, ops),
    }
    _rows(section, "forward only, no tape", compare(forward, plan), n)
    return section


def _rows(section: Section, variant: str, times: dict[str, Timing], n: int) -> None:
    base = times[NUMPY]
    for name, t in times.items():
        section.rows.append(
            Row(
                variant,
                name,
                seconds=t.median,
                us_per_op=t.median / n * 1e6,
                ratio=ratio(t, base),
                samples=t.samples,
            )
        )
