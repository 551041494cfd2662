"""Reductions over ``axis=None|int|tuple`` with ``keepdims``, each with its VJP beside its forward."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Axis, Tensor, TensorLike
from ._primitive import primitive
from .shape import broadcast_to, reshape

__all__ = ["sum"]


def _normalize_axis(axis: Axis, ndim: int) -> tuple[int, ...]:
    """Reduced axes as non-negative ints (all axes for None)."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    return tuple(int(a) % ndim if ndim else int(a) for a in axes)


def _restore(g: Tensor, x: Any, axis: Axis, keepdims: bool) -> Tensor:
    """Broadcast a reduction's cotangent back over the reduced axes of ``x``."""
    if not keepdims:
        kept = list(x.shape)
        for a in _normalize_axis(axis, x.ndim):
            kept[a] = 1
        g = reshape(g, tuple(kept))
    return broadcast_to(g, x.shape)


_sum = primitive("sum")(np.sum)
_sum.defvjp(lambda g, out, x, axis, keepdims: _restore(g, x, axis, keepdims))


def sum(a: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Sum of elements over the given axes (numpy.sum)."""
    return _sum.bind(a, axis=axis, keepdims=keepdims)


def _todo(*args: Any, **kwargs: Any) -> Tensor:
    raise NotImplementedError("in progress")


mean = prod = max = min = var = std = argmax = argmin = _todo
