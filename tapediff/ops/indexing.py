"""Indexing: ``x[key]`` and its functional inverse, indexed updates that return new tensors.

The VJP of ``x[key]`` scatters the cotangent into zeros with ``np.add.at`` semantics, so integer
index arrays that repeat an element accumulate its gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, TensorLike, _wrap
from ._primitive import primitive

__all__ = ["getitem", "scatter_add", "scatter_set", "take"]


def _normalize_key(key: Any) -> Any:
    """Replace tensors and lists in an index by arrays (NumPy reads a list as an index array)."""
    if isinstance(key, tuple):
        return tuple(_normalize_part(k) for k in key)
    return _normalize_part(key)


def _normalize_part(k: Any) -> Any:
    if isinstance(k, Tensor):
        return k._array
    if isinstance(k, list):
        return np.asarray(k)
    return k


def _is_basic(key: Any) -> bool:
    """True if ``key`` selects every element at most once (no integer index arrays)."""
    parts = key if isinstance(key, tuple) else (key,)
    for k in parts:
        if isinstance(k, np.ndarray) and k.dtype != np.bool_:
            return False
    return True


@primitive("getitem")
def _getitem(x: Any, key: Any) -> Any:
    return x[key]


_getitem.defvjp(
    lambda g, out, x, key: scatter_add(_wrap(np.zeros(x.shape, dtype=g.dtype)), key, g)
)


def getitem(a: TensorLike, key: Any) -> Tensor:
    """``a[key]`` with NumPy's basic and advanced indexing."""
    return _getitem.bind(a, key=_normalize_key(key))


@primitive("scatter_add")
def _scatter_add(a: Any, values: Any, key: Any) -> Any:
    result = np.array(a, dtype=np.result_type(a, values), copy=True)
    if _is_basic(key):
        result[key] += values
    else:
        np.add.at(result, key, values)
    return result


_scatter_add.defvjp(lambda g, out, a, values, key: g, lambda g, out, a, values, key: g[key])


def scatter_add(a: TensorLike, key: Any, values: TensorLike) -> Tensor:
    """A copy of ``a`` with ``values`` added at ``a[key]``; repeated indices accumulate
    (like ``numpy.add.at``, but functional)."""
    return _scatter_add.bind(a, values, key=_normalize_key(key))


@primitive("scatter_set")
def _scatter_set(a: Any, values: Any, key: Any) -> Any:
    result = np.array(a, dtype=np.result_type(a, values), copy=True)
    result[key] = values
    return result


_scatter_set.defvjp(
    lambda g, out, a, values, key: scatter_set(g, key, 0.0),
    lambda g, out, a, values, key: g[key],
)


def scatter_set(a: TensorLike, key: Any, values: TensorLike) -> Tensor:
    """A copy of ``a`` with ``a[key]`` replaced by ``values`` (functional ``a[key] = values``).

    With repeated indices NumPy keeps the last write; the gradient then reaches every copy.
    """
    return _scatter_set.bind(a, values, key=_normalize_key(key))


def take(a: TensorLike, indices: Any, axis: int | None = None) -> Tensor:
    """Elements of ``a`` at ``indices`` along ``axis`` (numpy.take; a flattened ``a`` if None)."""
    t = a if isinstance(a, Tensor) else _wrap(np.asarray(a))
    if axis is None:
        return getitem(t.reshape(-1), indices)
    axis = axis % t.ndim
    return getitem(t, (slice(None),) * axis + (_normalize_part(indices),))


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
        """A copy of ``x`` with ``x[key] = values``."""
        return scatter_set(self._tensor, self._key, values)

    def add(self, values: TensorLike) -> Tensor:
        """A copy of ``x`` with ``values`` added at ``key`` (repeats accumulate)."""
        return scatter_add(self._tensor, self._key, values)
