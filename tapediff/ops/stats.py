"""Statistics reductions: nansum, nanmean, average, median, quantile, percentile, nanmedian,
nanquantile, nanpercentile (NumPy's names and signatures).

nansum/nanmean treat NaN as missing: their gradient is 0 at NaN positions. The order statistics
(median, quantile...) are one primitive whose VJP routes the cotangent to the one or two sorted
elements each result is interpolated from, with constant weights found by argsort, so the
gradient is piecewise constant and the second derivative is 0. With ties, argsort's choice
among equal elements receives the gradient (a valid subgradient).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._errors import non_numeric_error
from ..tensor import Axis, Tensor, TensorLike, _wrap, operand
from ._axes import axis_tuple
from ._primitive import primitive, value_of
from .elementwise import where
from .reductions import _count, _kept_shape, sum
from .shape import broadcast_to, reshape, transpose

__all__ = [
    "average",
    "median",
    "nanmean",
    "nanmedian",
    "nanpercentile",
    "nanquantile",
    "nansum",
    "percentile",
    "quantile",
]

_Axes = tuple[int, ...] | None


def _axes(op: str, x: Tensor, axis: Axis) -> _Axes:
    return None if axis is None else axis_tuple(op, axis, x.shape)


# ----- nansum, nanmean -----


def _nan_mask(t: Tensor, op: str) -> Any:
    arr = value_of(t)
    refused = non_numeric_error(op, [arr])  # named here, not by the where() inside
    if refused is not None:
        raise refused
    return np.isnan(arr) if arr.dtype.kind in "fc" else np.zeros(arr.shape, bool)


def nansum(a: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Sum treating NaN as zero (numpy.nansum); the gradient is 0 at NaN positions."""
    t = operand(a, "nansum")
    axes = _axes("nansum", t, axis)
    # NaN replaced by a constant 0 through where: no gradient reaches those positions.
    return sum(where(_wrap(_nan_mask(t, "nansum")), 0.0, t), axis=axes, keepdims=keepdims)


def nanmean(a: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Mean ignoring NaN (numpy.nanmean); NaN for an all-NaN slice, gradient 0 at NaN."""
    t = operand(a, "nanmean")
    axes = _axes("nanmean", t, axis)
    nan = _nan_mask(t, "nanmean")
    count = np.sum(~nan, axis=axes, keepdims=keepdims)
    total = sum(where(_wrap(nan), 0.0, t), axis=axes, keepdims=keepdims)
    # The count in the sum's real precision: complex64 stays complex64, as in NumPy.
    dtype = np.finfo(total.dtype).dtype if total.dtype.kind in "fc" else np.dtype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / _wrap(np.asarray(count, dtype=dtype))


# ----- average -----


def average(
    a: TensorLike,
    axis: Axis = None,
    weights: TensorLike | None = None,
    returned: bool = False,
    *,
    keepdims: bool = False,
) -> Any:
    """Weighted mean over the given axes (numpy.average); differentiable in a and weights."""
    t = operand(a, "average")
    axes = _axes("average", t, axis)
    if weights is None:
        avg = sum(t, axis=axes, keepdims=keepdims) / _count(t.shape, axes)
        n = np.asarray(_count(t.shape, axes), dtype=avg.dtype)
        return (avg, broadcast_to(_wrap(n), avg.shape)) if returned else avg
    w = operand(weights, "average")
    if w.shape != t.shape:
        if axes is None:
            raise TypeError(
                "average: axis must be specified when shapes of a and weights differ "
                f"(a {t.shape}, weights {w.shape})"
            )
        if w.ndim != len(axes):
            raise TypeError(
                f"average: 1D weights expected when shapes of a and weights differ, "
                f"got weights of shape {w.shape} for a of shape {t.shape}"
            )
        if w.shape != tuple(t.shape[i] for i in axes):
            raise ValueError(
                f"average: length of weights {w.shape} not compatible with specified axis "
                f"{axis} of a of shape {t.shape}"
            )
        # Weights laid along the given axes in increasing order (NumPy accepts them in the
        # order the axes are listed), size 1 elsewhere so they broadcast against a.
        full = tuple(t.shape[i] if i in axes else 1 for i in range(t.ndim))
        w = reshape(transpose(w, tuple(int(i) for i in np.argsort(axes))), full)
        w = broadcast_to(w, t.shape)
    scl = sum(w, axis=axes, keepdims=keepdims)
    if np.any(value_of(scl) == 0.0):
        raise ZeroDivisionError("average: weights sum to zero, can't be normalized")
    avg = sum(t * w, axis=axes, keepdims=keepdims) / scl
    if returned:
        return avg, broadcast_to(scl, avg.shape) if scl.shape != avg.shape else scl
    return avg


# ----- median, quantile, percentile (and their nan* forms) -----

_METHODS = ("linear", "lower", "higher", "midpoint")


def _quantile_weights(x: Any, q: Any, axes: _Axes, method: str, skip_nan: bool) -> Any:
    """Constant weights ``W`` of shape ``q.shape + x.shape``: result[k] = sum(W[k] * x) over the
    reduced axes, for each quantile ``q[k]`` (each row of W has one or two nonzero entries)."""
    nd = x.ndim
    red = tuple(range(nd)) if axes is None else axes
    keep = tuple(i for i in range(nd) if i not in red)
    perm = keep + red
    moved = np.transpose(x, perm)
    rest: tuple[int, ...] = moved.shape[: len(keep)]
    flat = moved.reshape((*rest, -1))
    n = flat.shape[-1]
    order = np.argsort(flat, axis=-1, kind="stable")  # NaN sort last
    valid = np.sum(~np.isnan(flat), axis=-1) if skip_nan else np.full(rest, n)
    qs = np.atleast_1d(q).reshape(-1)
    weights = np.zeros((qs.size, *flat.shape))
    last = np.maximum(valid - 1, 0)
    for k, qk in enumerate(qs):
        pos = qk * last
        lo = np.floor(pos).astype(np.intp)
        hi = np.minimum(lo + 1, last)
        frac = pos - lo
        if method == "lower":
            frac = np.zeros_like(frac)
        elif method == "higher":
            lo = np.ceil(pos).astype(np.intp)
            frac = np.zeros_like(frac)
        elif method == "midpoint":
            frac = np.where(hi > lo, 0.5, 0.0) * (pos != lo)
        wk = weights[k]
        for idx, w_ in ((lo, 1.0 - frac), (hi, frac)):
            src = np.take_along_axis(order, idx[..., None], axis=-1)
            cur = np.take_along_axis(wk, src, axis=-1)
            np.put_along_axis(wk, src, cur + np.asarray(w_)[..., None], axis=-1)
        if skip_nan:
            wk[valid == 0] = 0.0
    # Back to x's layout.
    weights = weights.reshape((qs.size, *moved.shape))
    inverse = np.argsort(perm)
    return np.transpose(weights, (0, *tuple(int(i) + 1 for i in inverse)))


def _quantile_forward(
    x: Any, *, q: Any, axes: _Axes, keepdims: bool, method: str, skip_nan: bool
) -> Any:
    fn: Any = np.nanquantile if skip_nan else np.quantile
    out = fn(x, np.asarray(q), axis=axes, keepdims=keepdims, method=method)
    # float32 stays float32 (NumPy promotes to q's float64); q itself stays float64 so that
    # the selected elements are NumPy's.
    return out.astype(x.dtype, copy=False) if x.dtype.kind == "f" else out


_quantile = primitive("quantile")(_quantile_forward)


def _quantile_vjp(
    g: Tensor,
    out: Tensor,
    x: Tensor,
    *,
    q: Any,
    axes: _Axes,
    keepdims: bool,
    method: str,
    skip_nan: bool,
) -> Tensor:
    arr = value_of(x)
    w = _quantile_weights(arr, q, axes, method, skip_nan).astype(arr.dtype, copy=False)
    nq = int(np.size(q))
    kept = _kept_shape(arr.shape, axes)
    # The cotangent as (nq,) + kept shape, times the weights, summed over the quantiles.
    gk = reshape(g, (nq, *kept))
    return sum(gk * _wrap(w), axis=0)


_quantile.defvjp(_quantile_vjp)


def _quantile_call(
    op: str, a: TensorLike, q: Any, axis: Axis, keepdims: bool, method: str, skip_nan: bool
) -> Tensor:
    t = operand(a, op)
    if isinstance(q, Tensor):
        q = value_of(q)
    qa = np.asarray(q, dtype=np.float64)
    if qa.ndim > 1:
        raise ValueError(f"{op}: q must be a scalar or 1-d, got shape {qa.shape}")
    if not np.all((qa >= 0) & (qa <= 1)):
        raise ValueError(f"{op}: quantiles must be in the range [0, 1], got {q!r}")
    if method not in _METHODS:
        raise ValueError(f"{op}: method must be one of {_METHODS}, got {method!r}")
    if t.size == 0:
        raise ValueError(f"{op}: cannot take the quantile of an empty array")
    axes = _axes(op, t, axis)
    q_param: Any = float(qa) if qa.ndim == 0 else tuple(float(v) for v in qa)
    return _quantile.bind(
        t, q=q_param, axes=axes, keepdims=keepdims, method=method, skip_nan=skip_nan
    )


def quantile(
    a: TensorLike, q: Any, axis: Axis = None, keepdims: bool = False, *, method: str = "linear"
) -> Tensor:
    """The q-th quantiles over the given axes (numpy.quantile); gradient to the elements the
    result interpolates between."""
    return _quantile_call("quantile", a, q, axis, keepdims, method, False)


def nanquantile(
    a: TensorLike, q: Any, axis: Axis = None, keepdims: bool = False, *, method: str = "linear"
) -> Tensor:
    """Quantiles ignoring NaN (numpy.nanquantile)."""
    return _quantile_call("nanquantile", a, q, axis, keepdims, method, True)


def _percent(op: str, q: Any) -> Any:
    qa = np.asarray(value_of(q) if isinstance(q, Tensor) else q, dtype=np.float64)
    if not np.all((qa >= 0) & (qa <= 100)):
        raise ValueError(f"{op}: percentiles must be in the range [0, 100], got {q!r}")
    return qa / 100


def percentile(
    a: TensorLike, q: Any, axis: Axis = None, keepdims: bool = False, *, method: str = "linear"
) -> Tensor:
    """The q-th percentiles over the given axes (numpy.percentile)."""
    return _quantile_call("percentile", a, _percent("percentile", q), axis, keepdims, method, False)


def nanpercentile(
    a: TensorLike, q: Any, axis: Axis = None, keepdims: bool = False, *, method: str = "linear"
) -> Tensor:
    """Percentiles ignoring NaN (numpy.nanpercentile)."""
    qq = _percent("nanpercentile", q)
    return _quantile_call("nanpercentile", a, qq, axis, keepdims, method, True)


def median(a: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Median over the given axes (numpy.median); gradient to the middle element(s)."""
    return _quantile_call("median", a, 0.5, axis, keepdims, "linear", False)


def nanmedian(a: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Median ignoring NaN (numpy.nanmedian)."""
    return _quantile_call("nanmedian", a, 0.5, axis, keepdims, "linear", True)
