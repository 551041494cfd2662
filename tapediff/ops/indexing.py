"""Indexing: ``x[key]`` and its functional inverse, indexed updates that return new tensors.

A key is anything NumPy accepts (ints, slices, None, Ellipsis, boolean masks, integer index
arrays, and tuples of these); tensors and lists inside it are read as index arrays. Keys are
static: they are never differentiated.

The VJP of ``x[key]`` scatters the cotangent into zeros with ``numpy.add.at`` semantics, so an
element selected several times by an integer index array accumulates all its gradients.

Indexed updates keep the dtype of the array being updated (as ``a[key] = v`` does in NumPy and
``x.at[key].set(v)`` in JAX); values that would need an unsafe cast (floats into an integer
array) raise TypeError. When an integer index array names one element several times,
``scatter_set`` keeps the last write in index order, deterministically, and only that write
receives a gradient.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

from ..tensor import Tensor, TensorLike, _wrap, operand
from ._axes import axis_index
from ._primitive import primitive
from .elementwise import where
from .shape import reshape

__all__ = ["getitem", "scatter_add", "scatter_set", "take"]


# ----- keys -----


def _normalize_key(key: Any) -> Any:
    """Replace tensors, lists and nested tuples in a key by the index arrays NumPy reads."""
    if type(key) is int or type(key) is slice:  # the common cases, untouched
        return key
    if isinstance(key, tuple):
        return tuple(_normalize_part(k) for k in key)
    return _normalize_part(key)


def _normalize_part(k: Any) -> Any:
    if isinstance(k, Tensor):
        return k._array  # immutable: safe to keep without a copy
    if isinstance(k, np.ndarray):
        return k.copy()  # the caller may change it before the tape replays
    if isinstance(k, list | tuple):
        arr = np.asarray(k)
        if arr.size == 0 and arr.dtype == np.float64:
            # NumPy reads an empty list as an empty integer index, np.asarray([]) is float.
            arr = arr.astype(np.intp)
        return arr
    return k


def _has_int_array(key: Any) -> bool:
    """True if ``key`` has an integer index array (which may select an element repeatedly)."""
    parts = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, np.ndarray) and k.dtype != np.bool_ for k in parts)


def _last_writes(shape: tuple[int, ...], key: Any) -> Any:
    """For ``a[key] = v``: flat positions written, and which entries of ``v`` win.

    Returns (positions, winners) with both of the indexed shape, or None when no element is
    written twice. The winner at a repeated position is its last occurrence in C order.
    """
    positions = np.arange(math.prod(shape)).reshape(shape)[key]
    flat = positions.ravel()
    _, first_from_end = np.unique(flat[::-1], return_index=True)
    if first_from_end.size == flat.size:
        return None
    winners = np.zeros(flat.size, dtype=bool)
    winners[flat.size - 1 - first_from_end] = True
    return positions, winners.reshape(positions.shape)


def _check_values(name: str, a: Any, values: Any) -> None:
    vdt = np.asarray(values).dtype
    if not np.can_cast(vdt, a.dtype, casting="same_kind"):
        raise TypeError(
            f"{name}: cannot write values of dtype {vdt} into an array of dtype {a.dtype} "
            "(the result keeps the array's dtype); cast one of them first"
        )


# ----- getitem -----


@primitive("getitem")
def _getitem(x: Any, key: Any) -> Any:
    return x[key]


def getitem(a: TensorLike, key: Any) -> Tensor:
    """``a[key]`` with NumPy's basic and advanced indexing."""
    if not isinstance(a, Tensor):
        # A copy: basic indexing returns a view, which must not alias the caller's array.
        # (operand also records nested lists holding tracked tensors, so they keep gradients.)
        a = operand(a, "getitem")
    return _getitem.bind(a, key=_normalize_key(key))


# ----- functional updates -----


def _broadcast_error(name: str, a: Any, values: Any, key: Any) -> ValueError:
    arr = a._array if isinstance(a, Tensor) else np.asarray(a)
    vshape = np.shape(values._array if isinstance(values, Tensor) else values)
    return ValueError(
        f"{name}: values of shape {vshape} do not broadcast to the indexed shape "
        f"{arr[key].shape} (array shape {arr.shape})"
    )


@primitive("scatter_add")
def _scatter_add(a: Any, values: Any, key: Any) -> Any:
    a = np.asarray(a)
    _check_values("scatter_add", a, values)
    result = a.copy()
    if _has_int_array(key):
        # Broadcast values up front: NumPy 2.4's ufunc.at mis-broadcasts lower-rank values
        # against a multi-dimensional index array (wrong sums, even NaN from unread memory).
        np.add.at(result, key, np.broadcast_to(values, result[key].shape))
    else:  # every element selected at most once: plain (faster) in-place add
        result[key] += values
    return result


_scatter_add.defvjp(
    lambda g, out, a, values, key: g,
    lambda g, out, a, values, key: _getitem.bind(g, key=key),
)
# The two are each other's transpose: x[key] scatters its cotangent back into zeros.
_getitem.defvjp(
    lambda g, out, x, key: _scatter_add.bind(_wrap(np.zeros(x.shape, dtype=g.dtype)), g, key=key)
)


def scatter_add(a: TensorLike, key: Any, values: TensorLike) -> Tensor:
    """A copy of ``a`` with ``values`` added at ``a[key]``; repeated indices accumulate.

    The functional form of ``numpy.add.at(a, key, values)``; differentiable in ``a`` and
    ``values``.
    """
    key = _normalize_key(key)
    try:
        return _scatter_add.bind(a, values, key=key)
    except ValueError:
        raise _broadcast_error("scatter_add", a, values, key) from None


@primitive("scatter_set")
def _scatter_set(a: Any, values: Any, key: Any) -> Any:
    a = np.asarray(a)
    _check_values("scatter_set", a, values)
    result = a.copy()
    repeated = _last_writes(a.shape, key) if _has_int_array(key) else None
    if repeated is None:
        result[key] = values
    else:
        # NumPy does not promise which of several writes to one element survives; write only
        # the winners so that the result (and the gradient below) is well defined.
        positions, winners = repeated
        vals = np.broadcast_to(values, positions.shape)
        np.put(result, positions[winners], vals[winners])
    return result


def _scatter_set_values_vjp(g: Tensor, out: Tensor, a: Any, values: Any, key: Any) -> Tensor:
    picked = _getitem.bind(g, key=key)
    repeated = _last_writes(np.shape(a), key) if _has_int_array(key) else None
    if repeated is None:
        return picked
    return where(_wrap(repeated[1]), picked, 0.0)


_scatter_set.defvjp(
    lambda g, out, a, values, key: _scatter_set.bind(g, 0.0, key=key),
    _scatter_set_values_vjp,
)


def scatter_set(a: TensorLike, key: Any, values: TensorLike) -> Tensor:
    """A copy of ``a`` with ``a[key]`` replaced by ``values`` (functional ``a[key] = values``).

    If an integer index array names an element more than once, the last write (in C order of
    the index) wins and alone receives the gradient.
    """
    key = _normalize_key(key)
    try:
        return _scatter_set.bind(a, values, key=key)
    except ValueError:
        raise _broadcast_error("scatter_set", a, values, key) from None


# ----- take -----


def take(
    a: TensorLike,
    indices: TensorLike,
    axis: int | None = None,
    mode: Literal["raise", "wrap", "clip"] = "raise",
) -> Tensor:
    """Elements of ``a`` at ``indices`` along ``axis``, or of the flattened ``a`` (numpy.take)."""
    t = operand(a, "take")
    idx = np.array(indices._array if isinstance(indices, Tensor) else indices)
    if idx.dtype == np.bool_:
        idx = idx.astype(np.intp)  # numpy.take reads booleans as 0 and 1, not as a mask
    elif idx.size == 0 and idx.dtype == np.float64:
        idx = idx.astype(np.intp)
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"take: indices must be integers; got dtype {idx.dtype}")
    if axis is None:
        t = reshape(t, -1)
        axis = 0
    else:
        axis = axis_index("take", axis, t.shape)
    n = t.shape[axis]
    if mode == "wrap" or mode == "clip":
        if n == 0 and idx.size:
            raise IndexError(f"take: cannot take from an empty axis {axis} with mode={mode!r}")
        idx = idx % n if mode == "wrap" else np.clip(idx, 0, n - 1)
    elif mode != "raise":
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip'; got {mode!r}")
    key = (slice(None),) * axis + (idx if idx.ndim else int(idx),)
    return _getitem.bind(t, key=key)


# ----- x.at[key] -----


class _AtIndexer:
    """``x.at[key]``: JAX-style functional updates, ``.set(v)``, ``.add(v)``, ``.get()``."""

    __slots__ = ("_tensor",)

    def __init__(self, tensor: Tensor) -> None:
        self._tensor = tensor

    def __getitem__(self, key: Any) -> _AtKey:
        return _AtKey(self._tensor, key)


class _AtKey:
    __slots__ = ("_key", "_tensor")

    def __init__(self, tensor: Tensor, key: Any) -> None:
        self._tensor = tensor
        self._key = key

    def get(self) -> Tensor:
        """``x[key]``."""
        return getitem(self._tensor, self._key)

    def set(self, values: TensorLike) -> Tensor:
        """A copy of ``x`` with ``x[key] = values`` (a repeated index: the last write wins)."""
        return scatter_set(self._tensor, self._key, values)

    def add(self, values: TensorLike) -> Tensor:
        """A copy of ``x`` with ``values`` added at ``key`` (repeats accumulate)."""
        return scatter_add(self._tensor, self._key, values)


# Linear maps: their VJPs (transposes) are right for complex values as they are.
for _p in (_getitem, _scatter_add, _scatter_set):
    _p.allow_complex()
