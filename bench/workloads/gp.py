"""gp: the gradient of a Gaussian-process marginal likelihood (solve and slogdet on a kernel).

Typical scientific code: a few elementwise ops build a 200x200 kernel, then linear algebra
dominates. Measures whether differentiating through ``solve`` and ``slogdet`` costs close to
the textbook hand-written gradient (which needs one inverse).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import tapediff as td

from ..peers import load as load_peers
from ..results import NUMPY, TAPEDIFF, Check, Config, Row, Section, Target, close_all, tolerances
from ..timing import Plan, compare, ratio, round_ratios
from . import _gp

NAME = "gp"
TARGET = 1.2  # x hand-written NumPy

Step = Callable[[], tuple[Any, list[Any]]]


def problem(cfg: Config) -> _gp.Problem:
    return _gp.problem(_gp.QUICK_N if cfg.quick else _gp.FULL_N, cfg.seed)


def tapediff_step(p: _gp.Problem) -> Step:
    # Constants as tensors once: a raw ndarray operand is copied at record time (its owner
    # could change it before the backward pass), a tensor is immutable.
    sqdist, y, eye = td.tensor(p.sqdist), td.tensor(p.y), td.tensor(np.eye(p.y.shape[0]))
    vg = td.value_and_grad(lambda th: _gp.nll(td, td.linalg, th, sqdist, y, eye))
    theta = td.tensor(p.theta)

    def run() -> tuple[Any, list[Any]]:
        value, grad = vg(theta)
        return value.numpy(), [grad.numpy()]

    return run


def _impls(cfg: Config, p: _gp.Problem) -> dict[str, Step]:
    impls: dict[str, Step] = {NUMPY: lambda: _gp.numpy_step(p), TAPEDIFF: tapediff_step(p)}
    if cfg.peers:
        for peer in load_peers(cfg.threads)[0]:
            make = getattr(peer.module, "gp_step", None)
            if make is not None:
                impls[peer.name] = make(p)
    return impls


def profile_target(cfg: Config) -> Callable[[], object]:
    """The tapediff step alone, for ``--profile``."""
    return tapediff_step(problem(cfg))


def checks(cfg: Config) -> list[Check]:
    p = problem(cfg)
    impls = _impls(cfg, p)
    want_loss, want_grads = impls.pop(NUMPY)()
    rtol, atol = tolerances(np.float64)
    out = []
    for name, fn in impls.items():
        loss, grads = fn()
        out += close_all(NAME, name, [loss], [want_loss], ["nll"], rtol, atol)
        out += close_all(NAME, name, grads, want_grads, ["d nll / d theta"], rtol, atol)
    return out


def run(cfg: Config) -> Section:
    plan = (
        Plan(repeats=3, warmup=1, min_sample_s=0.01)
        if cfg.quick
        else Plan(repeats=25, min_sample_s=0.1)
    )
    p = problem(cfg)
    n = p.y.shape[0]
    section = Section(NAME, f"GP marginal likelihood gradient, {n}x{n} kernel, solve + slogdet")
    times = compare(_impls(cfg, p), plan)
    base = times[NUMPY]
    for name, t in times.items():
        section.rows.append(
            Row(f"n={n}", name, seconds=t.median, ratio=ratio(t, base), samples=t.samples)
        )
    section.targets.append(
        Target(
            "gp vs NumPy",
            ratio(times[TAPEDIFF], base),
            TARGET,
            "x",
            judged=not cfg.quick,
            spread=round_ratios(times[TAPEDIFF], base),
        )
    )
    return section
