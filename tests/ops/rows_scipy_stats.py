"""Rows for ``tapediff.scipy.stats`` (issue 7), checked against ``scipy.stats``.

Points are drawn inside the support, at least 0.05 (standardized) from its edges: x = loc +
scale * z with z inside; loc, scale and the shape parameters broadcast against x. Shape
parameters are differentiated in logpdf/pdf and static in cdf/logcdf (no gradient is provided
there). Dirichlet points are softmax(y) along the first axis and covariances are
``A A^T + I``, built inside the row, so finite differences stay on the simplex and on symmetric
positive-definite matrices.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.stats as ss
from hypothesis import strategies as st
from op_case import Inputs, OpCase, _op, arr, away, floats

import tapediff as td
from tapediff import testing as tdt
from tapediff.scipy import stats

MODULES = (stats,)

REQUIRED = {
    f"scipy.stats.{name}"
    for name in [
        "norm",
        "t",
        "beta",
        "gamma",
        "chi2",
        "poisson",
        "dirichlet",
        "multivariate_normal",
    ]
}


@st.composite
def _broadcastable_to(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple[int, ...]:
    keep = draw(st.integers(0, len(shape)))
    return tuple(n if draw(st.booleans()) else 1 for n in shape[len(shape) - keep :])


@st.composite
def located(
    draw: st.DrawFn,
    z: st.SearchStrategy[float],
    shapes: tuple[st.SearchStrategy[float], ...],
    static_shapes: bool,
) -> Inputs:
    """(x, loc, scale) and the shape parameters: in the arrays, or static as kwargs p0, p1."""
    full = draw(tdt.shapes(0, 3, max_side=3))
    zs = draw(arr(full, z))
    loc = draw(arr(draw(_broadcastable_to(full)), floats(-1, 1)))
    scale = draw(arr(draw(_broadcastable_to(full)), floats(0.5, 2)))
    x = np.asarray(loc + scale * zs)
    params = [draw(arr(draw(_broadcastable_to(full)), s)) for s in shapes]
    if static_shapes:
        return (x, loc, scale), {f"p{i}": p for i, p in enumerate(params)}
    return (x, *params, loc, scale), {}


def _static_call(f: Any) -> Any:
    """``f(x, p0, ..., loc, scale)`` called as ``(x, loc, scale, p0=..., ...)``."""

    def call(x: Any, loc: Any, scale: Any, **ps: Any) -> Any:
        return f(x, *(ps[k] for k in sorted(ps)), loc, scale)

    return call


SUPPORT = {
    "norm": (floats(-3, 3), ()),
    "t": (floats(-3, 3), (floats(0.5, 8),)),
    "beta": (floats(0.05, 0.95), (floats(0.5, 4), floats(0.5, 4))),
    "gamma": (floats(0.1, 6), (floats(0.5, 4),)),
    "chi2": (floats(0.1, 6), (floats(0.5, 6),)),
}


def _rows() -> list[OpCase]:
    rows = []
    for dist, (z, shapes) in SUPPORT.items():
        for method in ("logpdf", "pdf", "cdf", "logcdf"):
            static = method in ("cdf", "logcdf") and bool(shapes)
            if dist == "t" and static:
                # SciPy's stdtr at exactly df=1 (its Cauchy case) is off by ~3e-11 relative
                # for |t| < 1e-5 (1e-13 at 1e-4): central differences of the gradient with
                # eps=1e-6 then err by ~5e-5, while the tape's derivatives (the exact t pdf)
                # are right. df=1 at t=0 is checked exactly in test_scipy_special_stats.py.
                shapes = (away([1.0], 0.5, 8),)
            ours = _op(f"scipy.stats.{dist}.{method}")
            theirs = getattr(getattr(ss, dist), method)
            rows.append(
                OpCase(
                    f"scipy.stats.{dist}[{method}]",
                    _static_call(ours) if static else ours,
                    _static_call(theirs) if static else theirs,
                    located(z, shapes, static),
                    "inside the support; shape parameters static" if static else "inside",
                )
            )
    return rows


# ----- poisson -----


@st.composite
def poisson_inputs(draw: st.DrawFn, halves: bool, lowest: float = -1.0) -> Inputs:
    sk, smu = draw(tdt.broadcastable_shapes(2, 0, 3, max_side=3))
    mu = draw(arr(smu, floats(0.2, 6)))
    if halves:  # the cdf of a non-integer k is that of floor(k); negative k: 0
        k = draw(tdt.arrays(np.float64, sk, elements=tdt.grid(lowest, 8.0, 0.5)))
    else:
        k = draw(tdt.arrays(np.int64, sk, elements=st.integers(0, 8)))
    return (mu,), {"k": k}


def _poisson(method: str, ours: bool) -> Any:
    f = _op(f"scipy.stats.poisson.{method}") if ours else getattr(ss.poisson, method)
    return lambda mu, k: f(k, mu)


POISSON = [
    OpCase(
        f"scipy.stats.poisson[{method}]",
        _poisson(method, True),
        _poisson(method, False),
        # logcdf is -inf below 0 (no finite differences there); the cdf is 0 with gradient 0.
        poisson_inputs(halves=method in ("cdf", "logcdf"), lowest=-1.0 if method == "cdf" else 0),
        "mu in [0.2, 6]; k static (integers, or halves >= -1 for the cdf, >= 0 for logcdf)",
    )
    for method in ("logpmf", "pmf", "cdf", "logcdf")
]


# ----- dirichlet -----


def _softmax_np(y: Any) -> Any:
    e = np.exp(y - np.max(y, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


@st.composite
def dirichlet_inputs(draw: st.DrawFn) -> Inputs:
    k = draw(st.integers(2, 4))
    rest = draw(st.sampled_from([(), (1,), (3,)]))
    y = draw(arr((k, *rest), floats(-2, 2)))
    alpha = draw(arr((k,), floats(0.5, 3)))
    return (y, alpha), {"drop_last": draw(st.booleans())}


def _dirichlet(method: str, ours: bool) -> Any:
    def call(y: Any, alpha: Any, drop_last: bool) -> Any:
        if ours:
            x = td.softmax(y, axis=0)
            return _op(f"scipy.stats.dirichlet.{method}")(x[:-1] if drop_last else x, alpha)
        x = _softmax_np(y)
        return getattr(ss.dirichlet, method)(x[:-1] if drop_last else x, alpha)

    return call


DIRICHLET = [
    OpCase(
        f"scipy.stats.dirichlet[{method}]",
        _dirichlet(method, True),
        _dirichlet(method, False),
        dirichlet_inputs(),
        "x = softmax(y) on the simplex (components on the first axis), last one left out or not",
    )
    for method in ("logpdf", "pdf")
]


# ----- multivariate_normal -----


@st.composite
def mvn_inputs(draw: st.DrawFn) -> Inputs:
    d = draw(st.integers(1, 3))
    lead = draw(st.sampled_from([(), (1,), (4,), (2, 2)]))
    x = draw(arr((*lead, d), floats(-2, 2)))
    mean = draw(arr((d,), floats(-1, 1)))
    a = draw(arr((d, d), floats(-1, 1)))
    return (x, mean, a), {}


def _mvn(method: str, ours: bool) -> Any:
    def call(x: Any, mean: Any, a: Any) -> Any:
        if ours:
            cov = td.matmul(a, td.transpose(a)) + np.eye(a.shape[0], dtype=a.dtype)
            return _op(f"scipy.stats.multivariate_normal.{method}")(x, mean, cov)
        cov = a @ a.T + np.eye(a.shape[0])
        return getattr(ss.multivariate_normal, method)(x, mean, cov)

    return call


MVN = [
    OpCase(
        f"scipy.stats.multivariate_normal[{method}]",
        _mvn(method, True),
        _mvn(method, False),
        mvn_inputs(),
        "cov = A A^T + I (symmetric positive definite), x of rank 1-3",
    )
    for method in ("logpdf", "pdf")
]


ROWS: tuple[OpCase, ...] = (*_rows(), *POISSON, *DIRICHLET, *MVN)
