"""Sorting and gathering along an axis: sort, partition, take_along_axis (NumPy's names).

All three are gathers with a constant integer index (``x[idx]`` through indexing's getitem), so
the gradient of each output element goes to the element it was taken from, and they are linear
to every order. sort and partition find the index first (a stable argsort; for partition the
permutation that reproduces NumPy's own partition, whose order inside each side is NumPy's
choice); among equal elements the one the index picked gets the gradient (a valid subgradient).
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import numpy.typing as npt

from ..tensor import Tensor, TensorLike, operand
from ._axes import axis_index
from .indexing import getitem
from .shape import reshape

__all__ = ["partition", "sort", "take_along_axis"]


def _gather(t: Tensor, idx: Any, axis: int) -> Tensor:
    """``t`` gathered along ``axis`` by an integer array ``idx`` of the same rank, whose other
    axes broadcast against ``t``'s (the indexing behind numpy.take_along_axis)."""
    nd = t.ndim
    key = tuple(
        idx if i == axis else np.arange(n).reshape((1,) * i + (n,) + (1,) * (nd - 1 - i))
        for i, n in enumerate(t.shape)
    )
    return getitem(t, key)


def _flat_or_axis(op: str, a: TensorLike, axis: Any) -> tuple[Tensor, int]:
    t = operand(a, op)
    if axis is None:
        return reshape(t, -1), 0
    if t.ndim == 0:
        raise np.exceptions.AxisError(f"{op}: a 0-d tensor has no axis {axis!r}; use axis=None")
    return t, axis_index(op, axis, t.shape)


def take_along_axis(arr: TensorLike, indices: TensorLike, axis: int | None = -1) -> Tensor:
    """Elements of ``arr`` at ``indices`` along ``axis``, the other axes broadcast
    (numpy.take_along_axis); over the flattened ``arr`` if ``axis`` is None."""
    idx = np.asarray(indices._array if isinstance(indices, Tensor) else indices)
    if idx.size == 0 and idx.dtype == np.float64:
        idx = idx.astype(np.intp)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"take_along_axis: indices must be integers; got dtype {idx.dtype}")
    t, ax = _flat_or_axis("take_along_axis", arr, axis)
    if idx.ndim != t.ndim:
        raise ValueError(
            f"take_along_axis: indices of shape {idx.shape} must have as many dimensions as "
            f"the array of shape {t.shape}"
            + (" (flattened: axis=None needs 1-D indices)" if axis is None else "")
        )
    n = t.shape[ax]
    if idx.size and ((idx >= n) | (idx < -n)).any():
        raise IndexError(
            f"take_along_axis: an index is out of bounds for axis {ax} of length {n} "
            f"(indices range {int(idx.min())}..{int(idx.max())})"
        )
    try:
        np.broadcast_shapes(
            tuple(1 if i == ax else s for i, s in enumerate(idx.shape)),
            tuple(1 if i == ax else s for i, s in enumerate(t.shape)),
        )
    except ValueError:
        raise ValueError(
            f"take_along_axis: indices of shape {idx.shape} do not broadcast against the array "
            f"of shape {t.shape} outside axis {ax}"
        ) from None
    return _gather(t, idx.copy(), ax)


def sort(
    a: TensorLike,
    axis: int | None = -1,
    kind: str | None = None,
    order: None = None,
    *,
    stable: bool | None = None,
) -> Tensor:
    """A sorted copy along ``axis``, of the flattened input if None (numpy.sort); the gradient
    of each output goes to the element that landed there."""
    if order is not None:
        raise ValueError("sort: order= applies to structured arrays, which tensors are not")
    t, ax = _flat_or_axis("sort", a, axis)
    # A stable sort: equal elements keep their order, so the routing is deterministic.
    idx = np.argsort(t._array, axis=ax, kind="stable")
    return _gather(t, idx, ax)


def _kth(op: str, kth: Any, n: int) -> npt.NDArray[np.intp]:
    try:
        k = np.array([operator.index(kth)]) if np.ndim(kth) == 0 else np.asarray(kth)
    except TypeError:
        k = np.asarray(kth)
    if k.dtype.kind not in "iu" or k.ndim > 1:
        raise TypeError(f"{op}: kth must be an integer or a sequence of integers; got {kth!r}")
    if k.size and ((k >= n) | (k < -n)).any():
        raise ValueError(f"{op}: kth {kth!r} is out of bounds for an axis of length {n}")
    return k


def partition(
    a: TensorLike, kth: Any, axis: int | None = -1, kind: str = "introselect", order: None = None
) -> Tensor:
    """NumPy's partition of ``a`` around the ``kth`` element(s) (numpy.partition); the
    gradient of each output goes to the element that landed there."""
    if order is not None:
        raise ValueError("partition: order= applies to structured arrays, which tensors are not")
    t, ax = _flat_or_axis("partition", a, axis)
    k = _kth("partition", kth, t.shape[ax])
    x = t._array
    out = np.partition(x, k, axis=ax, kind=kind)  # type: ignore[call-overload]
    # The permutation p with x[p] == out, slice by slice: the r-th smallest of x goes where the
    # r-th smallest of out is (NaNs sort last in both).
    src = np.argsort(x, axis=ax, kind="stable")
    dst = np.argsort(out, axis=ax, kind="stable")
    idx = np.empty_like(src)
    np.put_along_axis(idx, dst, src, axis=ax)
    return _gather(t, idx, ax)
