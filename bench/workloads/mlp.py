"""mlp: one training step's forward pass and all weight gradients, float32 and float64.

Batch 256, 784-512-512-10, tanh, mean softmax cross-entropy. The matrix products dominate, so
this measures how close the library stays to NumPy when the kernels are big: any extra copy,
cast or temporary shows up directly in the ratio.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..peers import load as load_peers
from ..results import NUMPY, TAPEDIFF, Check, Config, Row, Section, Target, close_all, tolerances
from ..timing import Plan, compare, ratio, round_ratios
from . import _mlp

NAME = "mlp"
TARGET = 1.03  # x hand-written NumPy
DTYPES = (np.float32, np.float64)

Step = Callable[[], tuple[Any, list[Any]]]


def problem(cfg: Config, dtype: Any) -> _mlp.Problem:
    if cfg.quick:
        return _mlp.problem(_mlp.QUICK_BATCH, _mlp.QUICK_DIMS, dtype, cfg.seed)
    return _mlp.problem(_mlp.FULL_BATCH, _mlp.FULL_DIMS, dtype, cfg.seed)


def _impls(cfg: Config, p: _mlp.Problem) -> dict[str, Step]:
    impls: dict[str, Step] = {
        NUMPY: lambda: _mlp.numpy_step(p),
        TAPEDIFF: _mlp.TapediffMLP(p).step,
    }
    if cfg.peers:
        for peer in load_peers(cfg.threads)[0]:
            impls[peer.name] = peer.module.mlp_step(p)
    return impls


def profile_target(cfg: Config) -> Callable[[], object]:
    """The float32 tapediff step alone, for ``--profile``."""
    return _mlp.TapediffMLP(problem(cfg, np.float32)).step


def checks(cfg: Config) -> list[Check]:
    out = []
    for dtype in DTYPES:
        p = problem(cfg, dtype)
        impls = _impls(cfg, p)
        want_loss, want_grads = impls.pop(NUMPY)()
        rtol, atol = tolerances(dtype)
        for name, fn in impls.items():
            loss, grads = fn()
            what = f"{name} {np.dtype(dtype).name}"
            out += close_all(NAME, what, [loss], [want_loss], ["loss"], rtol, atol)
            out += close_all(NAME, what, grads, want_grads, _mlp.PARAM_NAMES, rtol, atol)
    return out


def run(cfg: Config) -> Section:
    plan = (
        Plan(repeats=3, warmup=1, min_sample_s=0.01)
        if cfg.quick
        else Plan(repeats=25, min_sample_s=0.1)
    )
    p0 = problem(cfg, np.float64)
    dims = "-".join(str(w.shape[0]) for w in p0.params[::2]) + f"-{p0.params[-1].shape[0]}"
    section = Section(NAME, f"one training step (forward + all weight gradients), {dims}")
    for dtype in DTYPES:
        p = problem(cfg, dtype)
        times = compare(_impls(cfg, p), plan)
        base = times[NUMPY]
        variant = f"{np.dtype(dtype).name}, batch {p.x.shape[0]}"
        for name, t in times.items():
            section.rows.append(
                Row(variant, name, seconds=t.median, ratio=ratio(t, base), samples=t.samples)
            )
        section.targets.append(
            Target(
                f"mlp {np.dtype(dtype).name} vs NumPy",
                ratio(times[TAPEDIFF], base),
                TARGET,
                "x",
                judged=not cfg.quick,
                spread=round_ratios(times[TAPEDIFF], times[NUMPY]),
            )
        )
    return section
