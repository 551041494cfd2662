"""Rows for the statistics reductions (tapediff/ops/stats.py and logsumexp's b=, issue 7).

Order statistics draw distinct elements (so argsort's choice is unique and the result is not at
a kink); nansum/nanmean/nanmedian draw NaNs among the inputs (their gradient there is 0).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st
from op_case import Inputs, OpCase, _op, arr, floats, grid

from tapediff import testing as tdt
from tapediff.ops import stats

MODULES = (stats,)

REQUIRED = {
    "nansum",
    "nanmean",
    "average",
    "logsumexp",
    "median",
    "quantile",
    "percentile",
    "nanmedian",
    "nanquantile",
    "nanpercentile",
}


@st.composite
def reduce_inputs(
    draw: st.DrawFn,
    elements: st.SearchStrategy[float] | None = None,
    unique: bool = False,
    min_dims: int = 0,
) -> Inputs:
    shape = draw(tdt.shapes(min_dims, 3, max_side=3))
    el = floats() if elements is None else elements
    x = draw(tdt.arrays(np.float64, shape, elements=el, unique=unique))
    return (x,), {"axis": draw(tdt.axes(len(shape))), "keepdims": draw(st.booleans())}


WITH_NAN = floats() | st.just(math.nan)
# Distinct values 1/32 apart: quantiles never sit on a tie.
DISTINCT = grid(1 / 32, -4, 4)


@st.composite
def nan_order_inputs(draw: st.DrawFn) -> Inputs:
    """Distinct values with some NaNs, at least one finite value per reduced slice."""
    (x,), kw = draw(reduce_inputs(DISTINCT, unique=True, min_dims=1))
    mask = draw(tdt.arrays(np.bool_, x.shape))
    y = np.where(mask, math.nan, x)
    ok = np.any(~np.isnan(y), axis=kw["axis"], keepdims=True)
    y = np.where(ok, y, x)  # all-NaN slices have no gradient to check: refill them
    return (y,), kw


# Quantiles k/64 (exact in float32 and float64, so the float32 run selects the same elements);
# percentiles as whole numbers, only with method="linear", which is continuous in q.
QUANTILE = st.integers(0, 64).map(lambda k: k / 64)
PERCENT = st.integers(0, 100).map(float)


@st.composite
def quantile_inputs(draw: st.DrawFn, percent: bool = False, nan: bool = False) -> Inputs:
    (x,), kw = draw(nan_order_inputs() if nan else reduce_inputs(DISTINCT, unique=True))
    if x.size == 0:
        x = np.array([0.25])
        kw["axis"] = None
    one = PERCENT if percent else QUANTILE
    q = draw(one | st.lists(one, min_size=1, max_size=3))
    methods = ("linear",) if percent else ("linear", "lower", "higher", "midpoint")
    kw["method"] = draw(st.sampled_from(methods))
    return (x,), {"q": q, **kw}


@st.composite
def nonempty(draw: st.DrawFn, strategy: st.SearchStrategy[Inputs]) -> Inputs:
    (x,), kw = draw(strategy)
    if x.size == 0:
        return (np.array([0.5, -1.25]),), {**kw, "axis": None}
    return (x,), kw


@st.composite
def average_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, min_side=1, max_side=3))
    a = draw(arr(shape))
    kwargs: dict[str, Any] = {"returned": False}
    kind = draw(st.sampled_from(("none", "full", "axis")))
    if kind == "none":
        kwargs["axis"] = draw(tdt.axes(len(shape)))
        return (a,), kwargs
    axis = (
        draw(tdt.axes(len(shape)))
        if kind == "full"
        else draw(st.integers(-len(shape), len(shape) - 1))
    )
    if kind == "full":
        w = draw(arr(shape, floats(0.5, 2.0)))
    else:
        w = draw(arr((shape[axis],), floats(0.5, 2.0)))
    kwargs["axis"] = axis
    return (a, w), kwargs


def _average(a: Any, w: Any = None, **kw: Any) -> Any:
    return np.average(a, weights=w, **kw)


def _td_average(a: Any, w: Any = None, **kw: Any) -> Any:
    return _op("average")(a, weights=w, **kw)


@st.composite
def logsumexp_b_inputs(draw: st.DrawFn) -> Inputs:
    sa, sb = draw(tdt.broadcastable_shapes(2, 0, 3, max_side=3))
    a = draw(arr(sa))
    b = draw(arr(sb, floats(0.25, 2.0)))  # positive: the sum stays away from 0
    shape = np.broadcast_shapes(sa, sb)
    return (a, b), {"axis": draw(tdt.axes(len(shape))), "keepdims": draw(st.booleans())}


def _lse_b(a: Any, b: Any, **kw: Any) -> Any:
    from scipy.special import logsumexp

    out = logsumexp(a, b=b, **kw)
    # SciPy 1.17 returns shape (1,) for 0-d inputs with keepdims=True; keepdims keeps the
    # input's (broadcast) number of dimensions, as in NumPy, so () here.
    return out.reshape(()) if np.ndim(a) == np.ndim(b) == 0 else out


def _td_lse_b(a: Any, b: Any, **kw: Any) -> Any:
    return _op("logsumexp")(a, b=b, **kw)


ROWS: tuple[OpCase, ...] = (
    OpCase("nansum", _op("nansum"), np.nansum, reduce_inputs(WITH_NAN), "NaNs among the inputs"),
    OpCase(
        "nanmean",
        _op("nanmean"),
        np.nanmean,
        nonempty(nan_order_inputs()),
        "NaNs, at least one number per slice",
    ),
    OpCase("average", _td_average, _average, average_inputs(), "positive weights"),
    OpCase("logsumexp[b]", _td_lse_b, _lse_b, logsumexp_b_inputs(), "b > 0, broadcast against a"),
    OpCase(
        "median",
        _op("median"),
        np.median,
        nonempty(reduce_inputs(DISTINCT, unique=True)),
        "distinct values",
    ),
    OpCase(
        "nanmedian",
        _op("nanmedian"),
        np.nanmedian,
        nonempty(nan_order_inputs()),
        "distinct values, NaNs, a number per slice",
    ),
    OpCase("quantile", _op("quantile"), np.quantile, quantile_inputs(), "distinct values"),
    OpCase(
        "percentile",
        _op("percentile"),
        np.percentile,
        quantile_inputs(percent=True),
        "distinct values",
    ),
    OpCase(
        "nanquantile",
        _op("nanquantile"),
        np.nanquantile,
        quantile_inputs(nan=True),
        "distinct values and NaNs",
    ),
    OpCase(
        "nanpercentile",
        _op("nanpercentile"),
        np.nanpercentile,
        quantile_inputs(percent=True, nan=True),
        "distinct values and NaNs",
    ),
)
