"""The functions of ``auto_diff`` that build graph nodes (each is one op class call).

Every function takes ``**kwargs``, of which ``name=`` sets the display name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .operation import Operation
from .ops import (
    OpAdd,
    OpArgmax,
    OpConstant,
    OpDivide,
    OpDot,
    OpExp,
    OpExpandDims,
    OpFlatten,
    OpLog,
    OpMax,
    OpMaximum,
    OpMean,
    OpMin,
    OpMinimum,
    OpMultiply,
    OpNegative,
    OpOnes,
    OpOnesLike,
    OpPlaceholder,
    OpPower,
    OpProd,
    OpReshape,
    OpSetitem,
    OpShape,
    OpSqrt,
    OpSquare,
    OpSqueeze,
    OpSubtract,
    OpSum,
    OpTanh,
    OpTranspose,
    OpVariable,
    OpWhere,
    OpZeros,
    OpZerosLike,
)

__all__ = [
    "add",
    "argmax",
    "array",
    "constant",
    "divide",
    "dot",
    "exp",
    "expand_dims",
    "flatten",
    "log",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "multiply",
    "negative",
    "ones",
    "ones_like",
    "placeholder",
    "power",
    "prod",
    "reshape",
    "setitem",
    "shape",
    "sqrt",
    "square",
    "squeeze",
    "subtract",
    "sum",
    "tanh",
    "transpose",
    "variable",
    "where",
    "zeros",
    "zeros_like",
]

Axes = int | Sequence[int] | None


def constant(x: Any, **kwargs: Any) -> Operation:
    """A constant node (see :class:`OpConstant`)."""
    return OpConstant(x, **kwargs)


array = constant


def placeholder(shape: Sequence[int | None], **kwargs: Any) -> Operation:
    """A node fed at run time (see :class:`OpPlaceholder`)."""
    return OpPlaceholder(shape, **kwargs)


def variable(
    initializer: Callable[..., Any] | Any, shape: Sequence[int] | None = None, **kwargs: Any
) -> OpVariable:
    """A trainable node: an array, a scalar, or ``initializer(shape)`` (see :class:`OpVariable`)."""
    return OpVariable(initializer, shape, **kwargs)


def ones(shape: int | Sequence[int], **kwargs: Any) -> Operation:
    """Ones of a fixed shape."""
    return OpOnes(shape, **kwargs)


def zeros(shape: int | Sequence[int], **kwargs: Any) -> Operation:
    """Zeros of a fixed shape."""
    return OpZeros(shape, **kwargs)


def ones_like(x: Any, **kwargs: Any) -> Operation:
    """Ones shaped like ``x``'s value."""
    return OpOnesLike(x, **kwargs)


def zeros_like(x: Any, **kwargs: Any) -> Operation:
    """Zeros shaped like ``x``'s value."""
    return OpZerosLike(x, **kwargs)


def transpose(x: Any, axes: Sequence[int] | None = None, **kwargs: Any) -> Operation:
    """Permute the axes (reverse them when ``axes`` is None)."""
    return OpTranspose(x, axes, **kwargs)


def reshape(x: Any, shape: int | Sequence[int], **kwargs: Any) -> Operation:
    """A new shape for ``x``; one entry may be -1."""
    return OpReshape(x, shape, **kwargs)


def flatten(x: Any, **kwargs: Any) -> Operation:
    """``x`` as a 1-D array."""
    return OpFlatten(x, **kwargs)


def expand_dims(x: Any, axis: int | None = None, **kwargs: Any) -> Operation:
    """Insert a length-one axis (None: at the end)."""
    return OpExpandDims(x, axis, **kwargs)


def squeeze(x: Any, axis: Axes = None, **kwargs: Any) -> Operation:
    """Remove length-one axes (None: the last axis only, as in auto_diff)."""
    return OpSqueeze(x, axis, **kwargs)


def shape(x: Any, **kwargs: Any) -> Operation:
    """``x``'s run-time shape as an integer array (no gradient)."""
    return OpShape(x, **kwargs)


def sum(x: Any, axis: Axes = None, keepdims: bool = False, **kwargs: Any) -> Operation:
    """Sum over ``axis`` (None: all)."""
    return OpSum(x, axis, keepdims, **kwargs)


def prod(x: Any, axis: Axes = None, keepdims: bool = False, **kwargs: Any) -> Operation:
    """Product over ``axis`` (None: all)."""
    return OpProd(x, axis, keepdims, **kwargs)


def mean(x: Any, axis: Axes = None, keepdims: bool = False, **kwargs: Any) -> Operation:
    """Mean over ``axis`` (None: all)."""
    return OpMean(x, axis, keepdims, **kwargs)


def max(x: Any, axis: Axes = None, keepdims: bool = False, **kwargs: Any) -> Operation:
    """Maximum over ``axis`` (None: all)."""
    return OpMax(x, axis, keepdims, **kwargs)


def min(x: Any, axis: Axes = None, keepdims: bool = False, **kwargs: Any) -> Operation:
    """Minimum over ``axis`` (None: all)."""
    return OpMin(x, axis, keepdims, **kwargs)


def argmax(x: Any, axis: int | None = None, **kwargs: Any) -> Operation:
    """Index of the maximum (no gradient)."""
    return OpArgmax(x, axis, **kwargs)


def square(x: Any, **kwargs: Any) -> Operation:
    """Elementwise ``x ** 2``."""
    return OpSquare(x, **kwargs)


def sqrt(x: Any, **kwargs: Any) -> Operation:
    """Elementwise square root."""
    return OpSqrt(x, **kwargs)


def exp(x: Any, **kwargs: Any) -> Operation:
    """Elementwise ``e ** x``."""
    return OpExp(x, **kwargs)


def log(x: Any, **kwargs: Any) -> Operation:
    """Elementwise natural logarithm."""
    return OpLog(x, **kwargs)


def tanh(x: Any, **kwargs: Any) -> Operation:
    """Elementwise hyperbolic tangent."""
    return OpTanh(x, **kwargs)


def negative(x: Any, **kwargs: Any) -> Operation:
    """Elementwise ``-x``."""
    return OpNegative(x, **kwargs)


def add(x: Any, y: Any, **kwargs: Any) -> Operation:
    """Elementwise ``x + y``."""
    return OpAdd(x, y, **kwargs)


def subtract(x: Any, y: Any, **kwargs: Any) -> Operation:
    """Elementwise ``x - y``."""
    return OpSubtract(x, y, **kwargs)


def multiply(x: Any, y: Any, **kwargs: Any) -> Operation:
    """Elementwise ``x * y``."""
    return OpMultiply(x, y, **kwargs)


def divide(x: Any, y: Any, **kwargs: Any) -> Operation:
    """Elementwise ``x / y``."""
    return OpDivide(x, y, **kwargs)


def power(x: Any, y: Any, **kwargs: Any) -> Operation:
    """Elementwise ``x ** y``."""
    return OpPower(x, y, **kwargs)


def maximum(x: Any, y: Any, **kwargs: Any) -> Operation:
    """Elementwise maximum."""
    return OpMaximum(x, y, **kwargs)


def minimum(x: Any, y: Any, **kwargs: Any) -> Operation:
    """Elementwise minimum."""
    return OpMinimum(x, y, **kwargs)


def where(condition: Any, x: Any = None, y: Any = None, **kwargs: Any) -> Operation:
    """``x`` where ``condition`` is nonzero, else ``y`` (defaults 1.0 and 0.0)."""
    return OpWhere(condition, x, y, **kwargs)


def dot(x: Any, y: Any, **kwargs: Any) -> Operation:
    """``numpy.dot`` of two nodes."""
    return OpDot(x, y, **kwargs)


def setitem(x: Any, key: Any, value: Any, **kwargs: Any) -> Operation:
    """A copy of ``x`` with ``x[key] = value`` (``x`` itself is never modified)."""
    return OpSetitem(x, key, value, **kwargs)
