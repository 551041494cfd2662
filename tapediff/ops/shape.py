"""Shape operations: views and rearrangements whose VJPs rearrange the cotangent back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..tensor import Shape, Tensor, TensorLike
from ._primitive import primitive

__all__ = ["broadcast_to", "flatten", "ravel", "repeat", "reshape", "squeeze", "stack", "swapaxes", "transpose"]

_reshape = primitive("reshape")(np.reshape)
_reshape.defvjp(lambda g, out, x, shape: reshape(g, x.shape))


def reshape(a: TensorLike, shape: Shape) -> Tensor:
    """``a`` with a new shape; one entry may be -1 (numpy.reshape)."""
    return _reshape.bind(a, shape=shape)


_broadcast_to = primitive("broadcast_to")(np.broadcast_to)
# The tape sums a cotangent of the broadcast shape back to the input's shape.
_broadcast_to.defvjp(lambda g, out, x, shape: g)


def broadcast_to(array: TensorLike, shape: Shape) -> Tensor:
    """``array`` broadcast to ``shape`` (numpy.broadcast_to)."""
    return _broadcast_to.bind(array, shape=shape)


_transpose = primitive("transpose")(np.transpose)
_transpose.defvjp(
    lambda g, out, x, axes: transpose(g, None if axes is None else tuple(np.argsort(axes)))
)


def transpose(a: TensorLike, axes: Sequence[int] | None = None) -> Tensor:
    """Permute the axes; reversed when ``axes`` is None (numpy.transpose)."""
    return _transpose.bind(a, axes=None if axes is None else tuple(axes))


@primitive("stack")
def _stack(*arrays: Any, axis: int) -> Any:
    return np.stack(arrays, axis=axis)


def _unstack_vjp(i: int, g: Tensor, out: Tensor, *arrays: Any, axis: int) -> Tensor:
    from .indexing import take

    return take(g, i, axis=axis)


_stack.defvjp_argnum(_unstack_vjp)


def stack(arrays: Sequence[TensorLike], axis: int = 0) -> Tensor:
    """Join tensors along a new axis (numpy.stack)."""
    return _stack.bind(*arrays, axis=axis)



_swapaxes = primitive("swapaxes")(np.swapaxes)
_swapaxes.defvjp(lambda g, out, x, axis1, axis2: swapaxes(g, axis1, axis2))


def swapaxes(a: TensorLike, axis1: int, axis2: int) -> Tensor:
    """Interchange two axes (numpy.swapaxes)."""
    return _swapaxes.bind(a, axis1=axis1, axis2=axis2)


_squeeze = primitive("squeeze")(np.squeeze)
_squeeze.defvjp(lambda g, out, x, axis: reshape(g, x.shape))


def squeeze(a: TensorLike, axis: int | tuple[int, ...] | None = None) -> Tensor:
    """Remove length-one axes (numpy.squeeze)."""
    return _squeeze.bind(a, axis=axis)


def ravel(a: TensorLike) -> Tensor:
    """The elements as a 1-D tensor (numpy.ravel)."""
    return reshape(a, -1)


def flatten(a: TensorLike) -> Tensor:
    """The elements as a 1-D tensor (ndarray.flatten)."""
    return reshape(a, -1)


def repeat(a: TensorLike, repeats: int | tuple[int, ...], axis: int | None = None) -> Tensor:
    """Repeat elements (numpy.repeat)."""
    raise NotImplementedError("repeat: in progress")
