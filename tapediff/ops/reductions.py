"""Reductions over ``axis=None|int|tuple`` (negative axes too) with ``keepdims``.

sum, prod, max, min and logsumexp are primitives with their VJPs beside them; mean, var and std
are compositions. Conventions: ties in max/min split the gradient evenly among the tied
elements (their second derivative is 0); prod's first and second derivatives are exact with
zeros in the input (the product of the other elements, never 0/0); std's gradient is 0 where
the standard deviation is 0 (as abs'(0) = 0); argmax/argmin return integer tensors and are
never recorded.

Axes are checked up front (see ``_axes.axis_tuple``): an error names the op and the shape.
sum, prod, mean, max and min take NumPy's full signatures: ``dtype`` casts first (a
differentiable cast), ``where`` masks elements out through ``where`` (a select: the masked ones
get an exact zero gradient), ``initial`` is added/multiplied in, or for max/min is one more
candidate in every slice (so empty slices reduce to it; a slice whose maximum is ``initial``
passes no gradient). ``out=`` is refused: tensors are immutable.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np
import numpy.typing as npt

from ..tensor import Axis, Tensor, TensorLike, _wrap, operand
from ._axes import axis_index, axis_tuple
from ._primitive import primitive, value_of
from .elementwise import absolute, astype, equal, exp, log, not_equal, square, where
from .shape import broadcast_to, concatenate, reshape, transpose

__all__ = [
    "all",
    "amax",
    "amin",
    "any",
    "argmax",
    "argmin",
    "logsumexp",
    "max",
    "mean",
    "min",
    "prod",
    "std",
    "sum",
    "var",
]

# Reduced axes as they reach a primitive: None (all) or a tuple of distinct non-negative ints.
_Axes = tuple[int, ...] | None


def _axes(op: str, x: Tensor, axis: Axis) -> _Axes:
    # None stays None so that NumPy takes its whole-array path (and sums in the same order).
    return None if axis is None else axis_tuple(op, axis, x.shape)


def _kept_shape(shape: tuple[int, ...], axes: _Axes) -> tuple[int, ...]:
    """``shape`` with the reduced axes set to 1 (the keepdims=True result shape)."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _count(shape: tuple[int, ...], axes: _Axes) -> int:
    """Number of elements each reduced value is made from."""
    return math.prod(shape if axes is None else (shape[i] for i in axes))


def _kept(t: Tensor, x: Tensor, axes: _Axes, keepdims: bool) -> Tensor:
    """A reduction's output or cotangent reshaped so that it broadcasts against ``x``."""
    return t if keepdims else reshape(t, _kept_shape(x.shape, axes))


def _restore(g: Tensor, x: Tensor, axes: _Axes, keepdims: bool) -> Tensor:
    """Broadcast a reduction's cotangent back over the reduced axes of ``x``."""
    return broadcast_to(_kept(g, x, axes, keepdims), x.shape)


# ----- NumPy's dtype=, out=, initial= and where= arguments -----

# NumPy's "not given" marker: initial=None is a value for NumPy (an error), not "no initial".
_NO_VALUE: Any = np._NoValue


def _no_out(op: str, out: Any) -> None:
    if out is not None:
        raise TypeError(
            f"{op}: out= is not supported (tensors are immutable); leave it out and use the result"
        )


def _mask(op: str, where_arg: Any, shape: tuple[int, ...]) -> Any:
    """NumPy's ``where=`` of a reduction as a boolean array of ``shape`` (a constant)."""
    m = where_arg._array if isinstance(where_arg, Tensor) else np.asarray(where_arg)
    if m.dtype != np.bool_:
        raise TypeError(f"{op}: where= must be booleans; got dtype {m.dtype}")
    try:
        return np.broadcast_to(m, shape)
    except ValueError:
        raise ValueError(
            f"{op}: where= of shape {m.shape} does not broadcast to the input's shape {shape}"
        ) from None


def _initial(op: str, initial: Any, dtype: np.dtype[Any]) -> Any:
    """``initial`` as a value of ``dtype`` (NumPy casts it so); a tensor stays a tensor."""
    if initial is None:
        raise TypeError(f"{op}: initial= must be a number; got None")
    if isinstance(initial, Tensor):
        return initial
    value = np.asarray(initial)
    if value.ndim != 0:
        raise ValueError(f"{op}: initial= must be a scalar; got shape {value.shape}")
    return value.astype(dtype)


def _prepared(op: str, t: Tensor, dtype: Any, out: Any, where_arg: Any, fill: float) -> Tensor:
    """``t`` cast to ``dtype`` and with ``fill`` where ``where_arg`` is False."""
    _no_out(op, out)
    if dtype is not None:
        t = astype(t, dtype)
    if where_arg is not True:
        mask = _mask(op, where_arg, t.shape)
        t = where(mask, t, np.asarray(fill, dtype=t.dtype))
    return t


# ----- sum, mean -----

# The ufunc reductions are what numpy.sum/prod/max/min call, minus a Python wrapper layer.
_sum = primitive("sum")(np.add.reduce)
_sum.defvjp(lambda g, out, x, axis, keepdims: _restore(g, x, axis, keepdims))


def sum(
    a: TensorLike,
    axis: Axis = None,
    dtype: npt.DTypeLike | None = None,
    out: None = None,
    keepdims: bool = False,
    initial: Any = _NO_VALUE,
    where: Any = True,
) -> Tensor:
    """Sum of the elements over the given axes (numpy.sum); ``initial`` is added, elements
    where ``where`` is False are left out."""
    t = operand(a, "sum")
    if dtype is None and out is None and initial is _NO_VALUE and where is True:
        return _sum.bind(t, axis=_axes("sum", t, axis), keepdims=keepdims)
    t = _prepared("sum", t, dtype, out, where, 0)
    result = _sum.bind(t, axis=_axes("sum", t, axis), keepdims=keepdims)
    if initial is not _NO_VALUE:
        result = result + _initial("sum", initial, result.dtype)
    return result


def mean(
    a: TensorLike,
    axis: Axis = None,
    dtype: npt.DTypeLike | None = None,
    out: None = None,
    keepdims: bool = False,
    *,
    where: Any = True,
) -> Tensor:
    """Arithmetic mean over the given axes (numpy.mean) of the elements where ``where`` is
    True; NaN for an empty slice."""
    t = operand(a, "mean")
    if dtype is None and out is None and where is True:
        axes = _axes("mean", t, axis)
        return _sum.bind(t, axis=axes, keepdims=keepdims) / _count(t.shape, axes)
    t = _prepared("mean", t, dtype, out, where, 0)
    axes = _axes("mean", t, axis)
    total = _sum.bind(t, axis=axes, keepdims=keepdims)
    if where is True:
        return total / _count(t.shape, axes)
    n = np.sum(_mask("mean", where, t.shape), axis=axes, keepdims=keepdims)
    with np.errstate(divide="ignore", invalid="ignore"):  # as NumPy: NaN for an empty slice
        result: Tensor = total / n.astype(total.dtype if total.dtype.kind in "fc" else np.float64)
    return result


# ----- prod -----

_prod = primitive("prod")(np.multiply.reduce)


def _prod_vjp(g: Tensor, out: Tensor, x: Tensor, axis: _Axes, keepdims: bool) -> Tensor:
    arr = value_of(x)
    zero = arr == 0
    if not zero.any():
        return _restore(g, x, axis, keepdims) * (_kept(out, x, axis, keepdims) / x)
    # d prod / d x_i is the product of the other elements. Dividing out by x_i would give 0/0
    # at a zero, so zeros are set aside: P is the product of the nonzero elements and Z the
    # product of the zeros (0 by value, kept as an expression for the second derivative).
    # A nonzero x_i gets P / x_i * Z. A zero gets P times the product of the other zeros:
    # 1 if it is the only one; with two, the other one, written as (sum of the zeros) - x_i so
    # that its derivative is right; with three or more, 0 to second order as well.
    z = _wrap(zero)
    count = np.sum(zero, axis=axis, keepdims=True)
    nonzero = where(z, 1.0, x)
    p = prod(nonzero, axis=axis, keepdims=True)
    zeros = prod(where(z, x, 1.0), axis=axis, keepdims=True)
    pair_partner = sum(where(z, x, 0.0), axis=axis, keepdims=True) - x
    others = where(_wrap(count == 1), 1.0, where(_wrap(count == 2), pair_partner, 0.0))
    factor = where(z, p * others, p / nonzero * zeros)
    return _restore(g, x, axis, keepdims) * factor


_prod.defvjp(_prod_vjp)


def prod(
    a: TensorLike,
    axis: Axis = None,
    dtype: npt.DTypeLike | None = None,
    out: None = None,
    keepdims: bool = False,
    initial: Any = _NO_VALUE,
    where: Any = True,
) -> Tensor:
    """Product of the elements over the given axes (numpy.prod), times ``initial``, of the
    elements where ``where`` is True; exact gradient with zeros."""
    t = operand(a, "prod")
    if dtype is None and out is None and initial is _NO_VALUE and where is True:
        return _prod.bind(t, axis=_axes("prod", t, axis), keepdims=keepdims)
    t = _prepared("prod", t, dtype, out, where, 1)
    result = _prod.bind(t, axis=_axes("prod", t, axis), keepdims=keepdims)
    if initial is not _NO_VALUE:
        result = result * _initial("prod", initial, result.dtype)
    return result


# ----- max, min -----


def _tie_share(g: Tensor, out: Tensor, x: Tensor, axis: _Axes, keepdims: bool) -> Tensor:
    """VJP of max/min: the cotangent split evenly among the elements equal to the result."""
    arr = value_of(x)
    best = value_of(out) if keepdims else value_of(out).reshape(_kept_shape(x.shape, axis))
    hit = arr == best
    if arr.dtype.kind in "fc":
        # A NaN result (NumPy propagates NaN) is attributed to the NaNs of its slice.
        hit |= np.isnan(arr) & np.isnan(best)
    share = hit / np.sum(hit, axis=axis, keepdims=True)
    # A constant factor: the VJP is linear in g, so the second derivative is 0, as it should be.
    return _restore(g, x, axis, keepdims) * _wrap(share.astype(g.dtype, copy=False))


_max = primitive("max")(np.maximum.reduce)
_max.defvjp(_tie_share)
_min = primitive("min")(np.minimum.reduce)
_min.defvjp(_tie_share)


def _extreme_with_initial(
    op: str,
    prim: Any,
    t: Tensor,
    axis: Axis,
    out: Any,
    keepdims: bool,
    initial: Any,
    where_arg: Any,
) -> Tensor:
    """max/min with NumPy's ``initial`` (one more candidate in every slice, so empty slices
    are allowed) and ``where`` (elements left out)."""
    _no_out(op, out)
    if initial is _NO_VALUE:
        raise ValueError(
            f"{op}: a where= mask needs initial= (the reduction has no identity to put in "
            "the left-out places)"
        )
    init = _initial(op, initial, t.dtype)
    if where_arg is not True:
        t = where(_mask(op, where_arg, t.shape), t, init)
    axes = _axes(op, t, axis)
    reduced = tuple(range(t.ndim)) if axes is None else tuple(sorted(axes))
    kept = tuple(i for i in range(t.ndim) if i not in reduced)
    kept_shape = tuple(t.shape[i] for i in kept)
    # The reduced axes flattened into one last axis, with the initial value appended to it.
    flat = reshape(transpose(t, kept + reduced), (*kept_shape, _count(t.shape, reduced)))
    column = broadcast_to(reshape(init, (1,) * (len(kept_shape) + 1)), (*kept_shape, 1))
    result = prim.bind(concatenate([flat, column], axis=-1), axis=(len(kept),), keepdims=False)
    return reshape(result, _kept_shape(t.shape, reduced)) if keepdims else result


def max(
    a: TensorLike,
    axis: Axis = None,
    out: None = None,
    keepdims: bool = False,
    initial: Any = _NO_VALUE,
    where: Any = True,
) -> Tensor:
    """Largest element over the given axes (numpy.max), ``initial`` among the candidates,
    elements where ``where`` is False left out; ties split the gradient evenly."""
    t = operand(a, "max")
    if out is None and initial is _NO_VALUE and where is True:
        return _max.bind(t, axis=_axes("max", t, axis), keepdims=keepdims)
    return _extreme_with_initial("max", _max, t, axis, out, keepdims, initial, where)


def min(
    a: TensorLike,
    axis: Axis = None,
    out: None = None,
    keepdims: bool = False,
    initial: Any = _NO_VALUE,
    where: Any = True,
) -> Tensor:
    """Smallest element over the given axes (numpy.min), ``initial`` among the candidates,
    elements where ``where`` is False left out; ties split the gradient evenly."""
    t = operand(a, "min")
    if out is None and initial is _NO_VALUE and where is True:
        return _min.bind(t, axis=_axes("min", t, axis), keepdims=keepdims)
    return _extreme_with_initial("min", _min, t, axis, out, keepdims, initial, where)


amax = max
amin = min


# ----- var, std -----


def var(a: TensorLike, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """Variance ``sum((a - mean)**2) / (n - ddof)`` over the given axes (numpy.var)."""
    t = operand(a, "var")
    axes = _axes("var", t, axis)
    # Not stopping the gradient through the mean: its first-order contribution is zero, but
    # the second derivative needs it.
    centered = t - _sum.bind(t, axis=axes, keepdims=True) / _count(t.shape, axes)
    if centered.dtype.kind == "c":
        # NumPy's complex variance is the mean of |a - mean|^2, a real number.
        from .complex import imag, real

        squares = square(real(centered)) + square(imag(centered))
    else:
        squares = square(centered)
    total = _sum.bind(squares, axis=axes, keepdims=keepdims)
    # As NumPy: n - ddof <= 0 divides by zero (inf or nan, with a RuntimeWarning).
    return total / builtins.max(_count(t.shape, axes) - ddof, 0)


# sqrt with derivative 0 at 0: std is a norm of the centered slice, not differentiable where the
# slice is constant. Plain sqrt would give inf * 0 = NaN there; 0 is a subgradient (as abs'(0)).
_std_sqrt = primitive("std_sqrt")(np.sqrt)
_std_sqrt.defvjp(
    lambda g, out, x: where(not_equal(out, 0), g / (2 * where(equal(out, 0), 1.0, out)), 0.0)
)


def std(a: TensorLike, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """Standard deviation ``sqrt(var)`` over the given axes (numpy.std); its gradient is 0
    where all elements of a slice are equal."""
    return _std_sqrt.bind(var(a, axis=axis, ddof=ddof, keepdims=keepdims))


# ----- logsumexp -----


@primitive("logsumexp")
def _logsumexp(a: Any, axis: _Axes, keepdims: bool) -> Any:
    if a.dtype.kind not in "fc":
        a = a.astype(np.float64)
    # initial=-inf makes an empty slice give -inf (log of an empty sum), as scipy does.
    shift = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    shift = np.where(np.isfinite(shift), shift, 0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(a - shift), axis=axis, keepdims=True)) + shift
    return out if keepdims else out.squeeze(axis=axis)


# Its own VJP rather than a composite, for speed: the forward is one NumPy pass with no tape
# records, and the backward is one exp: d/da = exp(a - out), the softmax, which never overflows.
# A slice of all -inf (or an empty one) has out = -inf; its gradient is 0 rather than NaN.
_logsumexp.defvjp(
    lambda g, out, a, axis, keepdims: (
        _kept(g, a, axis, keepdims) * exp(a - _finite_or_zero(_kept(out, a, axis, keepdims)))
    )
)


def _finite_or_zero(t: Tensor) -> Tensor:
    return where(equal(t, -np.inf), 0.0, t)


def logsumexp(
    a: TensorLike,
    axis: Axis = None,
    b: TensorLike | None = None,
    keepdims: bool = False,
    return_sign: bool = False,
) -> Any:
    """``log(sum(b * exp(a)))`` over the given axes, computed without overflow
    (scipy.special.logsumexp); differentiable in ``a`` and ``b``."""
    t = operand(a, "logsumexp")
    if b is None and not return_sign:
        return _logsumexp.bind(t, axis=_axes("logsumexp", t, axis), keepdims=keepdims)
    scale = operand(1.0 if b is None else b, "logsumexp")
    try:
        shape = np.broadcast_shapes(t.shape, scale.shape)
    except ValueError:
        raise ValueError(
            f"logsumexp: b of shape {scale.shape} does not broadcast against a of shape {t.shape}"
        ) from None
    if shape != t.shape:
        t = broadcast_to(t, shape)
    axes = _axes("logsumexp", t, axis)
    # The shift is a constant (its derivative cancels exactly), so it is taken by value.
    arr = value_of(t)
    shift = np.max(arr, axis=axes, keepdims=True, initial=-np.inf) if arr.size else arr
    shift = np.where(np.isfinite(shift), shift, 0).astype(t.dtype if t.dtype.kind == "f" else float)
    total = sum(scale * exp(t - _wrap(shift)), axis=axes, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        if return_sign:
            out = log(absolute(total)) + _wrap(shift)
            sgn = _wrap(np.sign(value_of(total)))
        else:
            out = log(total) + _wrap(shift)
    if not keepdims:
        out = reshape(out, _reduced_shape(t.shape, axes))
        if return_sign:
            sgn = reshape(sgn, _reduced_shape(t.shape, axes))
    return (out, sgn) if return_sign else out


def _reduced_shape(shape: tuple[int, ...], axes: _Axes) -> tuple[int, ...]:
    return () if axes is None else tuple(n for i, n in enumerate(shape) if i not in axes)


# ----- any, all: boolean results, no VJP, never recorded -----

_any = primitive("any")(np.any)
_all = primitive("all")(np.all)


def any(a: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Whether any element along the axes is true (numpy.any); not differentiable."""
    t = operand(a, "any")
    return _any.bind(t, axis=_axes("any", t, axis), keepdims=keepdims)


def all(a: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Whether every element along the axes is true (numpy.all); not differentiable."""
    t = operand(a, "all")
    return _all.bind(t, axis=_axes("all", t, axis), keepdims=keepdims)


# ----- argmax, argmin: integer results, no VJP, never recorded -----

_argmax = primitive("argmax")(np.argmax)
_argmin = primitive("argmin")(np.argmin)


def argmax(a: TensorLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the largest element, over the flattened tensor if ``axis`` is None
    (numpy.argmax); not differentiable."""
    t = operand(a, "argmax")
    ax = None if axis is None else axis_index("argmax", axis, t.shape)
    return _argmax.bind(t, axis=ax, keepdims=keepdims)


def argmin(a: TensorLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the smallest element, over the flattened tensor if ``axis`` is None
    (numpy.argmin); not differentiable."""
    t = operand(a, "argmin")
    ax = None if axis is None else axis_index("argmin", axis, t.shape)
    return _argmin.bind(t, axis=ax, keepdims=keepdims)


# sum is linear and prod holomorphic: their VJPs are right for complex values. max, min,
# logsumexp and std's sqrt compare or assume real numbers and refuse complex ones.
_sum.allow_complex()
_prod.allow_complex()
