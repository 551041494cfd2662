"""higher-order: a Hessian-vector product of the mlp loss by double backward (nested tapes).

The outer tape records the inner tape's backward pass, then differentiates ``grad(loss) . v``.
The budget compares it with one hand-written NumPy gradient evaluation: a finite-difference HVP
would cost two. For reference the table also shows the exact hand-written NumPy HVP (the
R-operator) and tapediff's own single gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import tapediff as td

from ..peers import load as load_peers
from ..results import Check, Config, Row, Section, Target, close_all, tolerances
from ..timing import Plan, compare, ratio, round_ratios
from . import _mlp
from .mlp import problem

NAME = "higher-order"
TARGET = 4.0  # x one hand-written NumPy gradient evaluation
DTYPE = np.float64
NUMPY_GRAD = "numpy gradient (hand-written)"
NUMPY_HVP = "numpy HVP (hand-written R-op)"
TAPEDIFF_GRAD = "tapediff gradient"
TAPEDIFF_HVP = "tapediff HVP (nested tapes)"


def _hvps(cfg: Config, p: _mlp.Problem) -> dict[str, Callable[[], list[Any]]]:
    v = _mlp.directions(p, cfg.seed)
    model = _mlp.TapediffMLP(p)
    tv = [td.tensor(vi) for vi in v]
    impls: dict[str, Callable[[], list[Any]]] = {
        NUMPY_HVP: lambda: _mlp.numpy_hvp(p, v),
        TAPEDIFF_HVP: lambda: model.hvp(tv),
    }
    if cfg.peers:
        for peer in load_peers(cfg.threads)[0]:
            make = getattr(peer.module, "hvp", None)
            if make is not None:
                impls[f"{peer.name} HVP"] = make(p, v)
    return impls


def profile_target(cfg: Config) -> Callable[[], object]:
    """The tapediff HVP alone, for ``--profile``."""
    return _hvps(Config(quick=cfg.quick, seed=cfg.seed), problem(cfg, DTYPE))[TAPEDIFF_HVP]


def checks(cfg: Config) -> list[Check]:
    p = problem(cfg, DTYPE)
    impls = _hvps(cfg, p)
    want = impls.pop(NUMPY_HVP)()
    rtol, atol = tolerances(DTYPE)
    out = []
    # The hand-written R-operator is itself checked against central differences of the
    # hand-written gradient, so that the reference cannot be wrong in the same way as tapediff.
    v = _mlp.directions(p, cfg.seed)
    eps = 1e-5
    plus = _mlp.Problem(p.x, p.labels, tuple(w + eps * d for w, d in zip(p.params, v, strict=True)))
    minus = _mlp.Problem(
        p.x, p.labels, tuple(w - eps * d for w, d in zip(p.params, v, strict=True))
    )
    fd = [
        (a - b) / (2 * eps)
        for a, b in zip(_mlp.numpy_step(plus)[1], _mlp.numpy_step(minus)[1], strict=True)
    ]
    out += close_all(
        NAME, "numpy R-op vs finite differences", want, fd, _mlp.PARAM_NAMES, 1e-6, 1e-8
    )
    for name, fn in impls.items():
        out += close_all(NAME, name, fn(), want, _mlp.PARAM_NAMES, rtol, atol)
    return out


def run(cfg: Config) -> Section:
    p = problem(cfg, DTYPE)
    model = _mlp.TapediffMLP(p)
    impls: dict[str, Callable[[], object]] = {
        NUMPY_GRAD: lambda: _mlp.numpy_step(p),
        TAPEDIFF_GRAD: model.step,
        **_hvps(cfg, p),
    }
    plan = Plan(repeats=3, warmup=1, min_sample_s=0.01) if cfg.quick else Plan(repeats=9)
    times = compare(impls, plan)
    base = times[NUMPY_GRAD]
    section = Section(NAME, "Hessian-vector product of the mlp loss (float64)")
    variant = f"float64, batch {p.x.shape[0]}"
    for name, t in times.items():
        section.rows.append(
            Row(variant, name, seconds=t.median, ratio=ratio(t, base), samples=t.samples)
        )
    section.targets.append(
        Target(
            "HVP vs one NumPy gradient",
            ratio(times[TAPEDIFF_HVP], base),
            TARGET,
            "x",
            judged=not cfg.quick,
            spread=round_ratios(times[TAPEDIFF_HVP], times[NUMPY_GRAD]),
        )
    )
    section.notes.append(
        f"tapediff HVP / tapediff gradient: "
        f"{ratio(times[TAPEDIFF_HVP], times[TAPEDIFF_GRAD]):.2f}x; "
        f"ratios in this section are against one hand-written NumPy gradient"
    )
    return section
