"""Layout: flips and rotations, diagonals and triangles, stacking and splitting helpers.

Every function here is a composition of slicing, gathering (indexing's getitem), where,
concatenate and transpose, so each is linear and differentiable to every order, with the
cotangent going back to the element each output came from. NumPy's names and signatures.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..tensor import Tensor, TensorLike, _wrap, operand
from ._axes import AxisError, axis_index, axis_tuple
from .elementwise import astype, where
from .indexing import getitem, scatter_add
from .reductions import sum
from .shape import _sequence, concatenate, moveaxis, reshape, split, transpose

__all__ = [
    "append",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "column_stack",
    "diag",
    "diagonal",
    "dsplit",
    "dstack",
    "flip",
    "fliplr",
    "flipud",
    "hsplit",
    "hstack",
    "roll",
    "rollaxis",
    "rot90",
    "trace",
    "tril",
    "triu",
    "vsplit",
    "vstack",
]

_Sections = int | Sequence[int] | npt.NDArray[np.integer[Any]]


# ----- flips, rotations, rolls -----


def flip(m: TensorLike, axis: int | Sequence[int] | None = None) -> Tensor:
    """Reverse the order of elements along ``axis`` (all axes if None) (numpy.flip)."""
    t = operand(m, "flip")
    axes = set(range(t.ndim)) if axis is None else set(axis_tuple("flip", axis, t.shape))
    if not axes:
        return t
    return getitem(
        t, tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(t.ndim))
    )


def flipud(m: TensorLike) -> Tensor:
    """Reverse the order along axis 0 (numpy.flipud)."""
    t = operand(m, "flipud")
    if t.ndim < 1:
        raise ValueError("flipud: the input must be at least 1-d; got a 0-d tensor")
    return flip(t, 0)


def fliplr(m: TensorLike) -> Tensor:
    """Reverse the order along axis 1 (numpy.fliplr)."""
    t = operand(m, "fliplr")
    if t.ndim < 2:
        raise ValueError(f"fliplr: the input must be at least 2-d; got shape {t.shape}")
    return flip(t, 1)


def rot90(m: TensorLike, k: int = 1, axes: Sequence[int] = (0, 1)) -> Tensor:
    """Rotate by 90 degrees ``k`` times in the plane of ``axes``, from the first axis towards
    the second (numpy.rot90)."""
    t = operand(m, "rot90")
    if len(axes) != 2:
        raise ValueError(f"rot90: axes must name exactly two axes; got {tuple(axes)!r}")
    a0, a1 = axis_tuple("rot90", tuple(axes), t.shape, "axes")
    try:
        k = operator.index(k) % 4
    except TypeError:
        raise TypeError(f"rot90: k must be an integer; got {k!r}") from None
    if k == 0:
        return t
    if k == 2:
        return flip(t, (a0, a1))
    perm = list(range(t.ndim))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return transpose(flip(t, a1), perm)
    return flip(transpose(t, perm), a1)


def _roll_axis(t: Tensor, shift: int, ax: int) -> Tensor:
    n = t.shape[ax]
    s = shift % n if n else 0
    if s == 0:
        return t
    lead = (slice(None),) * ax
    return concatenate([t[(*lead, slice(n - s, None))], t[(*lead, slice(None, n - s))]], axis=ax)


def roll(
    a: TensorLike, shift: int | Sequence[int], axis: int | Sequence[int] | None = None
) -> Tensor:
    """Shift elements cyclically along ``axis``, or over the flattened input if None
    (numpy.roll); ``shift`` and ``axis`` may be tuples, broadcast against each other."""
    t = operand(a, "roll")
    shifts = np.asarray(shift)
    if shifts.size == 0:
        shifts = shifts.astype(np.intp)  # an empty list reads as float64
    if shifts.dtype.kind not in "iu":
        raise TypeError(f"roll: shift must be an integer or integers; got {shift!r}")
    if axis is None:
        return reshape(roll(reshape(t, -1), int(shifts.sum()), 0), t.shape)
    axes = np.asarray(axis)
    if axes.size == 0:
        axes = axes.astype(np.intp)
    if axes.dtype.kind not in "iu":
        raise TypeError(f"roll: axis must be an integer or integers; got {axis!r}")
    try:
        pairs = np.broadcast(shifts, axes)
    except ValueError:
        raise ValueError(
            f"roll: shift {shift!r} and axis {axis!r} do not broadcast against each other"
        ) from None
    if pairs.nd > 1:
        raise ValueError(f"roll: shift and axis must be at most 1-d; got {shift!r}, {axis!r}")
    total: dict[int, int] = {}
    for s, ax in pairs:
        i = axis_index("roll", int(ax), t.shape)
        total[i] = total.get(i, 0) + int(s)  # a repeated axis rolls by the sum, as in NumPy
    for i, s in total.items():
        t = _roll_axis(t, s, i)
    return t


def rollaxis(a: TensorLike, axis: int, start: int = 0) -> Tensor:
    """Move ``axis`` so that it lies before position ``start`` (numpy.rollaxis)."""
    t = operand(a, "rollaxis")
    n = t.ndim
    ax = axis_index("rollaxis", axis, t.shape)
    try:
        st = operator.index(start)
    except TypeError:
        raise TypeError(f"rollaxis: start must be an integer; got {start!r}") from None
    if not -n <= st <= n:
        raise AxisError(f"rollaxis: start must satisfy {-n} <= start <= {n}; got {start}")
    if st < 0:
        st += n
    if ax < st:
        st -= 1  # removing the axis shifts the later positions down by one
    if ax == st:
        return t
    perm = [i for i in range(n) if i != ax]
    perm.insert(st, ax)
    return transpose(t, perm)


# ----- diagonals and triangles -----


def _diagonal_positions(rows: int, cols: int, k: int) -> tuple[Any, Any]:
    """Row and column indices of diagonal ``k`` of a ``rows x cols`` matrix."""
    i = (
        np.arange(max(0, -k), min(rows, cols - k))
        if min(rows, cols - k) > max(0, -k)
        else np.arange(0)
    )
    return i, i + k


def diagonal(a: TensorLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """Diagonal ``offset`` of the 2-D slices in the plane (axis1, axis2), as the last axis of
    the result (numpy.diagonal)."""
    t = operand(a, "diagonal")
    if t.ndim < 2:
        raise ValueError(f"diagonal: the input must be at least 2-d; got shape {t.shape}")
    a1 = axis_index("diagonal", axis1, t.shape, "axis1")
    a2 = axis_index("diagonal", axis2, t.shape, "axis2")
    if a1 == a2:
        raise ValueError(f"diagonal: axis1 and axis2 must differ; both are {a1}")
    try:
        k = operator.index(offset)
    except TypeError:
        raise TypeError(f"diagonal: offset must be an integer; got {offset!r}") from None
    moved = moveaxis(t, (a1, a2), (-2, -1))
    rows, cols = _diagonal_positions(moved.shape[-2], moved.shape[-1], k)
    return getitem(moved, (Ellipsis, rows, cols))


def diag(v: TensorLike, k: int = 0) -> Tensor:
    """Diagonal ``k`` of a 2-D input, or a 2-D tensor with a 1-D input on diagonal ``k``
    (numpy.diag)."""
    t = operand(v, "diag")
    if t.ndim == 2:
        return diagonal(t, k)
    if t.ndim != 1:
        raise ValueError(f"diag: the input must be 1-d or 2-d; got shape {t.shape}")
    try:
        k = operator.index(k)
    except TypeError:
        raise TypeError(f"diag: k must be an integer; got {k!r}") from None
    n = t.shape[0] + abs(k)
    rows, cols = _diagonal_positions(n, n, k)
    return scatter_add(_wrap(np.zeros((n, n), dtype=t.dtype)), (rows, cols), t)


def trace(
    a: TensorLike,
    offset: int = 0,
    axis1: int = 0,
    axis2: int = 1,
    dtype: npt.DTypeLike | None = None,
) -> Tensor:
    """Sum along diagonal ``offset`` of the plane (axis1, axis2) (numpy.trace)."""
    t = operand(a, "trace")
    if t.ndim < 2:
        raise ValueError(f"trace: the input must be at least 2-d; got shape {t.shape}")
    d = diagonal(t, offset, axis1, axis2)
    if dtype is not None:
        d = astype(d, dtype)
    return sum(d, axis=-1)


def _triangle(op: str, m: TensorLike, k: int, lower: bool) -> Tensor:
    t = operand(m, op)
    if t.ndim == 0:
        raise ValueError(f"{op}: the input must be at least 1-d; got a 0-d tensor")
    try:
        k = operator.index(k)
    except TypeError:
        raise TypeError(f"{op}: k must be an integer; got {k!r}") from None
    shape = t.shape[-2:] if t.ndim > 1 else (t.shape[0], t.shape[0])
    keep = np.tri(shape[0], shape[1], k=k if lower else k - 1, dtype=bool)
    if not lower:
        keep = ~keep
    # NumPy's zeros in the input's dtype; a 1-d input is broadcast to a square, as in NumPy.
    return where(_wrap(keep), t, _wrap(np.zeros(1, dtype=t.dtype)))


def tril(m: TensorLike, k: int = 0) -> Tensor:
    """The lower triangle, on and below diagonal ``k``, of the last two axes (numpy.tril)."""
    return _triangle("tril", m, k, lower=True)


def triu(m: TensorLike, k: int = 0) -> Tensor:
    """The upper triangle, on and above diagonal ``k``, of the last two axes (numpy.triu)."""
    return _triangle("triu", m, k, lower=False)


# ----- at least n-d -----


def _at_least(op: str, arys: tuple[Any, ...], nd: int) -> Any:
    if not arys:
        raise TypeError(f"{op}: expected at least one array")
    out = []
    for a in arys:
        t = operand(a, op)
        s = t.shape
        if t.ndim < nd:
            if nd == 3 and t.ndim == 2:
                s = (*s, 1)
            elif nd == 3 and t.ndim == 1:
                s = (1, *s, 1)
            else:
                s = (1,) * (nd - t.ndim) + s
            t = reshape(t, s)
        out.append(t)
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*arys: TensorLike) -> Any:
    """Each input viewed with at least one axis; a tuple for several inputs (numpy.atleast_1d)."""
    return _at_least("atleast_1d", arys, 1)


def atleast_2d(*arys: TensorLike) -> Any:
    """Each input with at least two axes (new ones in front); a tuple for several inputs
    (numpy.atleast_2d)."""
    return _at_least("atleast_2d", arys, 2)


def atleast_3d(*arys: TensorLike) -> Any:
    """Each input with at least three axes: ``(n,)`` becomes ``(1, n, 1)``, ``(m, n)``
    becomes ``(m, n, 1)``; a tuple for several inputs (numpy.atleast_3d)."""
    return _at_least("atleast_3d", arys, 3)


# ----- stacking -----


def _each(op: str, tup: Any, nd: int) -> list[Tensor]:
    arrays = _sequence(op, tup)
    if not arrays:
        raise ValueError(f"{op}: expected a non-empty sequence of tensors; got an empty one")
    return [_at_least(op, (a,), nd) for a in arrays]


def _cast(op: str, arrays: list[Tensor], dtype: npt.DTypeLike | None, casting: Any) -> list[Tensor]:
    """The inputs cast to ``dtype`` where NumPy's ``casting`` rule allows it."""
    if dtype is None:
        return arrays
    to = np.dtype(dtype)
    for t in arrays:
        if not np.can_cast(t.dtype, to, casting=casting):
            raise TypeError(f"{op}: cannot cast {t.dtype} to {to} with casting={casting!r}")
    return [astype(t, to) for t in arrays]


def vstack(
    tup: Sequence[TensorLike], *, dtype: npt.DTypeLike | None = None, casting: Any = "same_kind"
) -> Tensor:
    """Stack along the first axis, 1-D inputs as rows (numpy.vstack)."""
    return concatenate(_cast("vstack", _each("vstack", tup, 2), dtype, casting), axis=0)


def hstack(
    tup: Sequence[TensorLike], *, dtype: npt.DTypeLike | None = None, casting: Any = "same_kind"
) -> Tensor:
    """Stack along the second axis, or the first for 1-D inputs (numpy.hstack)."""
    arrays = _cast("hstack", _each("hstack", tup, 1), dtype, casting)
    return concatenate(arrays, axis=0 if arrays[0].ndim == 1 else 1)


def dstack(tup: Sequence[TensorLike]) -> Tensor:
    """Stack along the third axis, after atleast_3d (numpy.dstack)."""
    return concatenate(_each("dstack", tup, 3), axis=2)


def column_stack(tup: Sequence[TensorLike]) -> Tensor:
    """Stack 1-D inputs as columns (and 2-D ones as they are) into a 2-D tensor
    (numpy.column_stack)."""
    arrays = _sequence("column_stack", tup)
    if not arrays:
        raise ValueError("column_stack: expected a non-empty sequence of tensors; got an empty one")
    cols = []
    for a in arrays:
        t = operand(a, "column_stack")
        cols.append(
            reshape(t, (-1, 1)) if t.ndim == 1 else reshape(t, (1, 1)) if t.ndim == 0 else t
        )
    return concatenate(cols, axis=1)


def append(arr: TensorLike, values: TensorLike, axis: int | None = None) -> Tensor:
    """``arr`` with ``values`` joined at the end of ``axis``; both flattened if None
    (numpy.append)."""
    t, v = operand(arr, "append"), operand(values, "append")
    if axis is None:
        return concatenate([reshape(t, -1), reshape(v, -1)], axis=0)
    return concatenate([t, v], axis=axis)


# ----- splitting -----


def vsplit(ary: TensorLike, indices_or_sections: _Sections) -> list[Tensor]:
    """Split along the first axis (numpy.vsplit); needs at least 2-d input."""
    t = operand(ary, "vsplit")
    if t.ndim < 2:
        raise ValueError(f"vsplit: the input must be at least 2-d; got shape {t.shape}")
    return split(t, indices_or_sections, axis=0)


def hsplit(ary: TensorLike, indices_or_sections: _Sections) -> list[Tensor]:
    """Split along the second axis, or the first for 1-D input (numpy.hsplit)."""
    t = operand(ary, "hsplit")
    if t.ndim < 1:
        raise ValueError("hsplit: the input must be at least 1-d; got a 0-d tensor")
    return split(t, indices_or_sections, axis=1 if t.ndim > 1 else 0)


def dsplit(ary: TensorLike, indices_or_sections: _Sections) -> list[Tensor]:
    """Split along the third axis (numpy.dsplit); needs at least 3-d input."""
    t = operand(ary, "dsplit")
    if t.ndim < 3:
        raise ValueError(f"dsplit: the input must be at least 3-d; got shape {t.shape}")
    return split(t, indices_or_sections, axis=2)
