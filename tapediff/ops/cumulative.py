"""Cumulative sums and products, differences and numerical gradients (NumPy's names).

cumsum is a primitive whose VJP is a reversed cumsum (so it is linear to every order); cumprod is
a primitive whose VJP is exact with zeros in the input, to second order too (see
``_cumprod_vjp``); diff and gradient are compositions of slicing and arithmetic, so their
gradients (and those w.r.t. ``prepend``/``append`` and the spacings of ``gradient``) follow.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import numpy.typing as npt

from .._record import tracks
from ..tensor import Tensor, TensorLike, _wrap, operand
from ._axes import axis_index, axis_tuple
from ._primitive import VJPArg, primitive, value_of
from .elementwise import astype, where
from .reductions import sum
from .shape import broadcast_to, concatenate, reshape

__all__ = ["cumprod", "cumsum", "diff", "gradient"]


def _flip(x: Any, axis: int) -> Any:
    """``x`` reversed along ``axis`` (a differentiable slice)."""
    return x[(slice(None),) * axis + (slice(None, None, -1),)]


def _flat_axis(op: str, a: TensorLike, axis: Any, dtype: npt.DTypeLike | None) -> tuple[Any, int]:
    t = operand(a, op)
    if dtype is not None:
        t = astype(t, dtype)
    if axis is None or t.ndim == 0:
        # NumPy treats a 0-d input as 1-d here, also for axis=0 or -1.
        t = reshape(t, -1)
    return t, 0 if axis is None else axis_index(op, axis, t.shape)


# ----- cumsum -----

_cumsum = primitive("cumsum")(np.cumsum)
# The cotangent of x_j collects g_i for every i >= j: a cumsum from the end.
_cumsum.defvjp(lambda g, out, x, axis: _flip(cumsum(_flip(g, axis), axis), axis))


def cumsum(a: TensorLike, axis: int | None = None, dtype: npt.DTypeLike | None = None) -> Tensor:
    """Cumulative sum along ``axis``, over the flattened input if None (numpy.cumsum)."""
    t, ax = _flat_axis("cumsum", a, axis, dtype)
    return _cumsum.bind(t, axis=ax)


# ----- cumprod -----

_cumprod = primitive("cumprod")(np.cumprod)
_TINY = {
    np.dtype(t): float(np.sqrt(np.finfo(t).tiny)) for t in (np.float16, np.float32, np.float64)
}


def _cumprod_vjp(g: VJPArg, out: VJPArg, x: VJPArg, axis: int) -> Any:
    """d/dx_j of sum_i g_i y_i, y = cumprod(x): sum over i >= j of g_i times the product of
    x_k, k <= i, k != j.

    At a nonzero x_j that product is y_i / x_j, so the cotangent is a reversed cumsum of g*y
    divided by x_j (exact to second order too, since y is itself differentiable). At zeros the
    division is impossible; there, with C the cumprod of x with its zeros replaced by 1 and Z_i
    the number of zeros among x_0..x_i, the product is C_i times the other zeros up to i. For
    the first zero of a slice this is C_i while Z_i = 1, plus the second zero times C_i while
    Z_i = 2; for the second zero, the first zero times C_i while Z_i = 2; with three or more
    zeros involved the product and its first derivatives vanish. The other zeros stay in as
    expressions (0 by value), so the second derivative is exact as well.
    """
    arr = value_of(x)
    # Zeros, and values so small that dividing by them would overflow in the second
    # derivative (1 / x**2), take the division-free path.
    zero = np.abs(arr) < _TINY.get(arr.dtype, 0.0)
    gy = _flip(cumsum(_flip(g * out, axis), axis), axis)
    if not zero.any():
        return gy / x
    z = _wrap(zero)
    nonzero = where(z, 1.0, x)
    count = np.cumsum(zero, axis=axis)
    gc = g * cumprod(nonzero, axis)
    first, second = _wrap(count == 1), _wrap(count == 2)
    s1 = sum(where(first, gc, 0.0), axis=axis, keepdims=True)
    s2 = sum(where(second, gc, 0.0), axis=axis, keepdims=True)
    z1 = sum(where(_wrap(zero & (count == 1)), x, 0.0), axis=axis, keepdims=True)
    z2 = sum(where(_wrap(zero & (count == 2)), x, 0.0), axis=axis, keepdims=True)
    at_zero = where(first, s1 + z2 * s2, where(second, z1 * s2, 0.0))
    return where(z, at_zero, gy / nonzero)


_cumprod.defvjp(_cumprod_vjp)


def cumprod(a: TensorLike, axis: int | None = None, dtype: npt.DTypeLike | None = None) -> Tensor:
    """Cumulative product along ``axis``, over the flattened input if None (numpy.cumprod);
    the gradient is exact with zeros in the input."""
    t, ax = _flat_axis("cumprod", a, axis, dtype)
    return _cumprod.bind(t, axis=ax)


# ----- diff -----

_NO_VALUE = np._NoValue  # NumPy's "argument not given" marker: prepend=None is a value


def _along(t: Tensor, start: int | None, stop: int | None, axis: int) -> Tensor:
    return t[(slice(None),) * axis + (slice(start, stop),)]


def _edge(op: str, what: str, value: Any, t: Tensor, axis: int) -> Tensor:
    """``prepend``/``append`` as a tensor that joins ``t`` along ``axis``: a scalar is
    broadcast to one slice, as NumPy does."""
    v = operand(value, op)
    if v.ndim == 0:
        v = broadcast_to(v, (*t.shape[:axis], 1, *t.shape[axis + 1 :]))
    elif v.ndim != t.ndim or any(
        n != m for i, (n, m) in enumerate(zip(v.shape, t.shape, strict=True)) if i != axis
    ):
        raise ValueError(
            f"{op}: {what} of shape {v.shape} does not join a tensor of shape {t.shape} along "
            f"axis {axis}: it must be a scalar or match every other axis"
        )
    return v


def diff(
    a: TensorLike,
    n: int = 1,
    axis: int = -1,
    prepend: Any = _NO_VALUE,
    append: Any = _NO_VALUE,
) -> Tensor:
    """The ``n``-th discrete difference along ``axis`` (numpy.diff); ``prepend``/``append``
    are joined first and are differentiable too."""
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"diff: n must be an integer; got {n!r}") from None
    if n < 0:
        raise ValueError(f"diff: order n must be non-negative; got {n}")
    t = operand(a, "diff")
    if t.ndim == 0:
        raise ValueError("diff: the input must be at least one-dimensional; got a 0-d tensor")
    ax = axis_index("diff", axis, t.shape)
    if n == 0:
        return t
    parts = [t]
    if prepend is not _NO_VALUE:
        parts.insert(0, _edge("diff", "prepend", prepend, t, ax))
    if append is not _NO_VALUE:
        parts.append(_edge("diff", "append", append, t, ax))
    if len(parts) > 1:
        t = concatenate(parts, axis=ax)
    if t.dtype == np.bool_:
        # NumPy's diff of booleans is "not equal" (subtracting booleans is an error).
        for _ in range(n):
            t = _along(t, 1, None, ax) != _along(t, None, -1, ax)
        return t
    for _ in range(n):
        t = _along(t, 1, None, ax) - _along(t, None, -1, ax)
    return t


# ----- gradient -----


def _spacing(op: str, f: Tensor, axes: tuple[int, ...], varargs: tuple[Any, ...]) -> list[Any]:
    """One spacing per axis: a scalar (uniform) or a 1-D tensor of coordinates."""
    n = len(varargs)
    if n == 0:
        return [1.0] * len(axes)
    if n == 1 and np.ndim(varargs[0]) == 0:
        return [varargs[0]] * len(axes)
    if n != len(axes):
        raise TypeError(
            f"{op}: expected no spacing, one scalar, or one spacing per axis ({len(axes)}); got {n}"
        )
    out: list[Any] = []
    for ax, d in zip(axes, varargs, strict=True):
        if np.ndim(d) == 0:
            out.append(d)
            continue
        c = operand(d, op)
        if c.ndim != 1:
            raise ValueError(
                f"{op}: a spacing must be a scalar or 1-D coordinates; got shape {c.shape}"
            )
        if c.shape[0] != f.shape[ax]:
            raise ValueError(
                f"{op}: coordinates of length {c.shape[0]} do not match axis {ax} of length "
                f"{f.shape[ax]}"
            )
        out.append(c)
    return out


def _axis_gradient(f: Tensor, ax: int, d: Any, edge_order: int) -> Tensor:
    """np.gradient along one axis: central differences inside, one-sided at the edges."""
    nd = f.ndim

    def part(start: int | None, stop: int | None) -> Tensor:
        return _along(f, start, stop, ax)

    def line(x: Any) -> Any:
        # A 1-D coefficient tensor shaped to broadcast along ``ax``.
        return reshape(x, (-1,) + (1,) * (nd - 1 - ax)) if np.ndim(x) else x

    if isinstance(d, Tensor) and d.ndim == 1:
        dx = d[1:] - d[:-1]
        # Evenly spaced coordinates take the uniform formulas, as NumPy does; not when a tape
        # tracks them: moving one coordinate leaves the uniform case, so the derivative is
        # that of the general formula (equal in value up to rounding).
        dxv = value_of(dx)
        if (dxv == dxv[0]).all() and not tracks(d):
            d = dx[0]
    if not (isinstance(d, Tensor) and d.ndim == 1):
        inner = (part(2, None) - part(None, -2)) / (2.0 * d)
        if edge_order == 1:
            first = (part(1, 2) - part(0, 1)) / d
            last = (part(-1, None) - part(-2, -1)) / d
        else:
            first = (-1.5 / d) * part(0, 1) + (2.0 / d) * part(1, 2) + (-0.5 / d) * part(2, 3)
            last = (0.5 / d) * part(-3, -2) + (-2.0 / d) * part(-2, -1) + (1.5 / d) * part(-1, None)
        return concatenate([first, inner, last], axis=ax)
    dx1, dx2 = dx[:-1], dx[1:]
    a = line(-dx2 / (dx1 * (dx1 + dx2)))
    b = line((dx2 - dx1) / (dx1 * dx2))
    c = line(dx1 / (dx2 * (dx1 + dx2)))
    inner = a * part(None, -2) + b * part(1, -1) + c * part(2, None)
    if edge_order == 1:
        first = (part(1, 2) - part(0, 1)) / dx[0]
        last = (part(-1, None) - part(-2, -1)) / dx[-1]
    else:
        d1, d2 = dx[0], dx[1]
        first = (
            -(2.0 * d1 + d2) / (d1 * (d1 + d2)) * part(0, 1)
            + (d1 + d2) / (d1 * d2) * part(1, 2)
            - d1 / (d2 * (d1 + d2)) * part(2, 3)
        )
        d1, d2 = dx[-2], dx[-1]
        last = (
            d2 / (d1 * (d1 + d2)) * part(-3, -2)
            - (d2 + d1) / (d1 * d2) * part(-2, -1)
            + (2.0 * d2 + d1) / (d2 * (d1 + d2)) * part(-1, None)
        )
    return concatenate([first, inner, last], axis=ax)


def gradient(
    f: TensorLike, *varargs: Any, axis: int | tuple[int, ...] | None = None, edge_order: int = 1
) -> Any:
    """Second-order central differences inside, first or second order one-sided differences
    at the edges (numpy.gradient): one tensor per axis, a tuple when there are several.

    ``varargs``: nothing (spacing 1), one scalar spacing for every axis, or one spacing per
    axis, each a scalar or 1-D coordinates; spacings and coordinates are differentiable too.
    """
    t = operand(f, "gradient")
    if t.ndim == 0:
        raise ValueError("gradient: the input must be at least one-dimensional; got a 0-d tensor")
    axes = tuple(range(t.ndim)) if axis is None else axis_tuple("gradient", axis, t.shape)
    if edge_order not in (1, 2):
        raise ValueError(f"gradient: edge_order must be 1 or 2; got {edge_order!r}")
    spacings = _spacing("gradient", t, axes, varargs)
    for ax in axes:
        if t.shape[ax] < edge_order + 1:
            raise ValueError(
                f"gradient: axis {ax} of a tensor of shape {t.shape} is too short: "
                f"edge_order={edge_order} needs at least {edge_order + 1} elements"
            )
    if t.dtype.kind in "iub":
        t = astype(t, np.float64)  # NumPy computes integer input in float64
    outs = []
    for ax, d in zip(axes, spacings, strict=True):
        g = _axis_gradient(t, ax, d, edge_order)
        # NumPy writes every result into an array of the input's dtype.
        outs.append(astype(g, t.dtype) if g.dtype != t.dtype else g)
    return outs[0] if len(outs) == 1 else tuple(outs)
