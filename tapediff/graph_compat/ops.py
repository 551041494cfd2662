"""The built-in graph ops of ``auto_diff``, each a thin mapping onto one tapediff eager op.

Construction infers the output shape (``None`` = unknown length) and raises ``ValueError`` for
incompatible shapes, as auto_diff did. ``_compute`` runs the eager op on the inputs' values; no op
here carries a derivative: gradients come from the tape that records those eager calls.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeAlias

import numpy as np

from ..ops import elementwise as _ew
from ..ops import indexing as _ix
from ..ops import linalg as _la
from ..ops import nn as _nn
from ..ops import reductions as _rd
from ..ops import shape as _sh
from ..tensor import Tensor, _wrap
from .operation import Operation, _render_name

__all__ = [
    "OpAdd",
    "OpArgmax",
    "OpConstant",
    "OpDivide",
    "OpDot",
    "OpExp",
    "OpExpandDims",
    "OpFlatten",
    "OpGetitem",
    "OpKeepdims",
    "OpLeakyRelu",
    "OpLog",
    "OpMax",
    "OpMaximum",
    "OpMean",
    "OpMin",
    "OpMinimum",
    "OpMultiply",
    "OpNegative",
    "OpOnes",
    "OpOnesLike",
    "OpPlaceholder",
    "OpPower",
    "OpProd",
    "OpRelu",
    "OpReshape",
    "OpSetitem",
    "OpShape",
    "OpSigmoid",
    "OpSoftmax",
    "OpSqrt",
    "OpSquare",
    "OpSqueeze",
    "OpSubtract",
    "OpSum",
    "OpTanh",
    "OpTranspose",
    "OpVariable",
    "OpWhere",
    "OpZeros",
    "OpZerosLike",
]

Dims: TypeAlias = tuple[int | None, ...]
Parts: TypeAlias = list[str | Operation]


def _as_op(x: Any) -> Operation:
    """``x`` itself if it is an op, else a constant holding it."""
    return x if isinstance(x, Operation) else OpConstant(x)


def _short(op: Operation, limit: int = 60) -> str:
    name = op.name
    return name if len(name) <= limit else name[: limit - 3] + "..."


def _broadcast(kind: str, *ops: Operation) -> Dims:
    """auto_diff's broadcast rule: a scalar takes the other shape; a None length absorbs."""
    result: Dims = tuple(ops[0].shape)
    for op in ops[1:]:
        other: Dims = tuple(op.shape)
        if not result or not other:
            result = result or other
            continue
        longer, shorter = (result, other) if len(result) >= len(other) else (other, result)
        lead = len(longer) - len(shorter)
        dims = list(longer[:lead])
        for a, b in zip(longer[lead:], shorter, strict=True):
            if a is None or b is None:
                dims.append(None)
            elif a == b or b == 1:
                dims.append(a)
            elif a == 1:
                dims.append(b)
            else:
                names = ", ".join(_short(o) for o in ops)
                raise ValueError(
                    f"{kind}: cannot broadcast shapes {result} and {other} (inputs: {names})"
                )
        result = tuple(dims)
    return result


def _axes(kind: str, x: Operation, axis: Any, merge: bool = False) -> tuple[int, ...]:
    """``axis`` (an int or a sequence of ints) as non-negative axes of ``x``.

    Repeated axes are an error, or merged (and sorted) with ``merge=True``.
    """
    ndim = len(x.shape)
    given = [axis] if isinstance(axis, int | np.integer) else list(axis)
    axes = []
    for a in given:
        if not isinstance(a, int | np.integer) or isinstance(a, bool):
            raise TypeError(f"{kind}: axis must be an int or a sequence of ints; got {axis!r}")
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{kind}: axis {a} is out of bounds for {_short(x)} of shape {tuple(x.shape)}"
            )
        axes.append(int(a) % ndim)
    if merge:
        return tuple(sorted(set(axes)))
    if len(set(axes)) != len(axes):
        raise ValueError(f"{kind}: repeated axis in {axis!r}")
    return tuple(axes)


def _float_like(t: Tensor) -> Any:
    return t.dtype if np.issubdtype(t.dtype, np.inexact) else np.float64


class _Builtin(Operation):
    """A built-in op: its name is made of parts, its value of one eager tapediff call."""

    _kind: ClassVar[str] = ""
    # False for ops without gradient (argmax, shape, setitem): backward() through them raises.
    _differentiable: ClassVar[bool] = True

    def _get_op_name(self) -> str:
        return self._kind

    def _get_name(self) -> str:
        return _render_name(self)

    def _name_parts(self) -> Parts:
        parts: Parts = [self._kind + "("]
        for i, x in enumerate(self.inputs):
            if i:
                parts.append(", ")
            parts.append(x)
        parts.append(self._name_suffix() + ")")
        return parts

    def _name_suffix(self) -> str:
        return ""

    def _forward(self, feed_dict: Any) -> Any:
        from ._engine import forward

        return forward(self, feed_dict)

    # The eager computation, given the inputs' values (each op has its own arity).
    _compute: Callable[..., Tensor]

    def _grad_inputs(self) -> list[Operation]:
        """Inputs the gradient flows to (the rest only provide shapes or conditions)."""
        return self.inputs


# ----- leaves -----


class OpConstant(_Builtin):
    """A constant: a scalar (kept as a float) or a float64 array."""

    _kind = "constant"

    def __init__(self, x: Any, **kwargs: Any) -> None:
        self._scalar = bool(np.isscalar(x))
        value = np.asarray(float(x)) if self._scalar else np.array(x, dtype=np.float64)
        value.flags.writeable = False
        self._value = value
        self.shape = value.shape
        self.inputs = []
        super().__init__(**kwargs)

    @property
    def x(self) -> Any:
        """The constant's value (read-only)."""
        return self._value[()] if self._scalar else self._value

    def _name_parts(self) -> Parts:
        return [str(float(self._value)) if self._scalar else f"C{self.shape}"]

    def _compute(self) -> Tensor:
        return _wrap(self._value)


class OpPlaceholder(_Builtin):
    """A value fed at run time, by the op or by its name; ``None`` dimensions match any length."""

    _kind = "placeholder"

    def __init__(self, shape: Sequence[int | None], **kwargs: Any) -> None:
        if isinstance(shape, str) or not isinstance(shape, Sequence | np.ndarray):
            raise TypeError(
                "placeholder: shape must be a tuple of non-negative ints or None for unknown "
                f"lengths (e.g. (None, 3)); got {shape!r}"
            )
        dims = tuple(shape)
        for d in dims:
            if d is not None and (not isinstance(d, int | np.integer) or d < 0):
                raise ValueError(
                    f"placeholder: shape entries must be non-negative ints or None; got {shape!r}"
                )
        self.shape = tuple(None if d is None else int(d) for d in dims)
        self.inputs = []
        super().__init__(**kwargs)

    def _name_parts(self) -> Parts:
        return [f"X{self.shape}"]


class OpVariable(_Builtin):
    """A trainable value, replaced with :meth:`update` / :meth:`update_add`."""

    _kind = "variable"

    def __init__(self, initializer: Any, shape: Sequence[int] | None = None, **kwargs: Any) -> None:
        if initializer is None:
            raise TypeError(
                "variable: expected an initial value (a number, an array, or a callable "
                "initializer with shape=...); got None"
            )
        if callable(initializer):
            if shape is None:
                raise ValueError("variable: a callable initializer needs shape=...")
            value = np.asarray(initializer(shape))
            if value.shape != tuple(shape):
                raise ValueError(
                    f"variable: the initializer returned shape {value.shape}, "
                    f"expected {tuple(shape)}"
                )
            # auto_diff keeps the shape exactly as passed (a list prints as W[2, 3]).
            self.shape = shape
        elif np.isscalar(initializer):
            value = np.asarray(initializer, dtype=np.float64)
            self.shape = ()
        else:
            value = np.array(initializer)
            if value.dtype.kind not in "biufc":
                raise TypeError(
                    "variable: expected a numeric initial value (a number or an array of "
                    f"numbers); got an array of dtype {value.dtype}"
                )
            value = value.astype(np.float64)
            self.shape = value.shape
        self._value = self._stored(np.array(value))
        self.inputs = []
        super().__init__(**kwargs)

    @property
    def x(self) -> Any:
        """The current value (read-only; change it with update/update_add)."""
        view = self._value.view()
        view.flags.writeable = False
        return view

    def _name_parts(self) -> Parts:
        return [f"W{self.shape}"]

    def _compute(self) -> Tensor:
        return _wrap(self._value)

    @staticmethod
    def _stored(value: Any) -> Any:
        if value.dtype.kind not in "fc":
            # Integer weights would get no gradient and truncate updates.
            return value.astype(np.float64)
        return value

    def _checked(self, value: Any, method: str) -> Any:
        if isinstance(value, Operation):
            raise TypeError(
                f"{method}: expected an array, got the graph node {_short(value)}; evaluate it "
                "first (e.g. sess.run(var.gradient, feed_dict))"
            )
        arr = np.asarray(value)
        expected = tuple(self.shape)
        kind = "a scalar (or 0-d array)" if not expected else f"shape {expected}"
        if arr.dtype.kind not in "biufc":
            raise TypeError(
                f"{method}: {self.name} expects a numeric array of {kind}; got an array of "
                f"dtype {arr.dtype}"
            )
        if arr.shape != expected:
            raise ValueError(f"{method}: {self.name} expects {kind}; got shape {arr.shape}")
        return arr

    def update(self, value: Any) -> None:
        """Replace the value; its shape must equal the variable's (no broadcasting)."""
        self._value = self._stored(np.array(self._checked(value, "update")))

    def update_add(self, delta: Any) -> None:
        """Add ``delta`` to the value; its shape must equal the variable's."""
        # 0-d + 0-d gives a NumPy scalar: keep an array.
        self._value = self._stored(np.asarray(self._checked(delta, "update_add") + self._value))


class _Filled(_Builtin):
    _fill: ClassVar[Callable[..., Any]]

    def __init__(self, shape: int | Sequence[int], **kwargs: Any) -> None:
        dims = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
        if any(not isinstance(d, int | np.integer) or d < 0 for d in dims):
            raise ValueError(
                f"{self._kind}: shape must be a non-negative int or a sequence of them "
                f"(no None: the array is built from it); got {shape!r}"
            )
        self.shape = tuple(int(d) for d in dims)
        self.inputs = []
        super().__init__(**kwargs)

    def _name_parts(self) -> Parts:
        if len(self.shape) == 1:
            return [f"{self._kind}({self.shape[0]})"]
        return [f"{self._kind}{self.shape}"]

    def _compute(self) -> Tensor:
        return _wrap(type(self)._fill(self.shape))


class OpOnes(_Filled):
    """An array of ones of a fixed shape."""

    _kind = "ones"
    _fill = np.ones


class OpZeros(_Filled):
    """An array of zeros of a fixed shape."""

    _kind = "zeros"
    _fill = np.zeros


class _FilledLike(_Builtin):
    _fill: ClassVar[Callable[..., Any]]

    def __init__(self, x: Any, **kwargs: Any) -> None:
        x = _as_op(x)
        self.inputs = [x]
        self.shape = tuple(x.shape)
        super().__init__(**kwargs)

    def _grad_inputs(self) -> list[Operation]:
        return []

    def _compute(self, x: Tensor) -> Tensor:
        return _wrap(type(self)._fill(x.shape, dtype=_float_like(x)))


class OpOnesLike(_FilledLike):
    """Ones shaped like the input's value."""

    _kind = "ones_like"
    _fill = np.ones


class OpZerosLike(_FilledLike):
    """Zeros shaped like the input's value."""

    _kind = "zeros_like"
    _fill = np.zeros


# ----- elementwise -----


class _Unary(_Builtin):
    _fn: ClassVar[Callable[[Tensor], Tensor]]

    def __init__(self, x: Any, **kwargs: Any) -> None:
        x = _as_op(x)
        self.inputs = [x]
        self.shape = tuple(x.shape)
        super().__init__(**kwargs)

    def _compute(self, x: Tensor) -> Tensor:
        return type(self)._fn(x)


class OpNegative(_Unary):
    """Elementwise ``-x``; named ``(-x)``."""

    _kind = "negative"
    _fn = _ew.negative

    def _name_parts(self) -> Parts:
        return ["(-", self.inputs[0], ")"]


class OpSquare(_Unary):
    """Elementwise ``x ** 2``."""

    _kind = "square"
    _fn = _ew.square


class OpExp(_Unary):
    """Elementwise ``e ** x``."""

    _kind = "exp"
    _fn = _ew.exp


class OpLog(_Unary):
    """Elementwise natural logarithm."""

    _kind = "log"
    _fn = _ew.log


class OpSqrt(_Unary):
    """Elementwise square root."""

    _kind = "sqrt"
    _fn = _ew.sqrt


class OpTanh(_Unary):
    """Elementwise hyperbolic tangent."""

    _kind = "tanh"
    _fn = _ew.tanh


class OpSigmoid(_Unary):
    """Elementwise logistic function."""

    _kind = "sigmoid"
    _fn = _ew.sigmoid


class OpRelu(_Unary):
    """Elementwise ``max(x, 0)``."""

    _kind = "relu"
    _fn = _ew.relu


class OpLeakyRelu(_Unary):
    """Elementwise ``x if x > 0 else alpha * x``."""

    _kind = "leaky_relu"

    def __init__(self, x: Any, alpha: float = 0.01, **kwargs: Any) -> None:
        self.alpha = float(alpha)
        super().__init__(x, **kwargs)

    def _name_suffix(self) -> str:
        return "" if self.alpha == 0.01 else f", alpha={self.alpha}"

    def _compute(self, x: Tensor) -> Tensor:
        return _ew.where(_ew.greater(x, 0), x, _ew.multiply(x, self.alpha))


class OpSoftmax(_Unary):
    """Softmax over the last axis, computed without overflow."""

    _kind = "softmax"

    def _compute(self, x: Tensor) -> Tensor:
        return _nn.softmax(x, axis=-1)


class _Binary(_Builtin):
    _fn: ClassVar[Callable[[Tensor, Tensor], Tensor]]

    def __init__(self, x: Any, y: Any, **kwargs: Any) -> None:
        x, y = _as_op(x), _as_op(y)
        self.inputs = [x, y]
        self.shape = _broadcast(self._kind, x, y)
        super().__init__(**kwargs)

    def _compute(self, x: Tensor, y: Tensor) -> Tensor:
        return type(self)._fn(x, y)


class OpAdd(_Binary):
    """Elementwise ``x + y`` with broadcasting."""

    _kind = "add"
    _fn = _ew.add


class OpSubtract(_Binary):
    """Elementwise ``x - y`` with broadcasting."""

    _kind = "subtract"
    _fn = _ew.subtract


class OpMultiply(_Binary):
    """Elementwise ``x * y`` with broadcasting."""

    _kind = "multiply"
    _fn = _ew.multiply


class OpDivide(_Binary):
    """Elementwise true division with broadcasting (also the ``//`` operator)."""

    _kind = "divide"
    _fn = _ew.divide


class OpPower(_Binary):
    """Elementwise ``x ** y`` with broadcasting."""

    _kind = "power"
    _fn = _ew.power


class OpMaximum(_Binary):
    """Elementwise maximum with broadcasting."""

    _kind = "maximum"
    _fn = _ew.maximum


class OpMinimum(_Binary):
    """Elementwise minimum with broadcasting."""

    _kind = "minimum"
    _fn = _ew.minimum


class OpWhere(_Builtin):
    """Elements of ``x`` where ``condition`` is nonzero, else of ``y`` (defaults 1.0 and 0.0)."""

    _kind = "where"

    def __init__(self, condition: Any, x: Any = None, y: Any = None, **kwargs: Any) -> None:
        self.inputs = [_as_op(condition), _as_op(1.0 if x is None else x)]
        self.inputs.append(_as_op(0.0 if y is None else y))
        self.shape = _broadcast(self._kind, *self.inputs)
        super().__init__(**kwargs)

    def _grad_inputs(self) -> list[Operation]:
        return self.inputs[1:]

    def _compute(self, condition: Tensor, x: Tensor, y: Tensor) -> Tensor:
        return _ew.where(_ew.not_equal(condition, 0), x, y)


class OpDot(_Builtin):
    """``numpy.dot``: scalars multiply, otherwise the last axis of x meets y's second-to-last."""

    _kind = "dot"

    def __init__(self, x: Any, y: Any, **kwargs: Any) -> None:
        x, y = _as_op(x), _as_op(y)
        self.inputs = [x, y]
        a: Dims = tuple(x.shape)
        b: Dims = tuple(y.shape)
        if not a or not b:
            self.shape = a or b
        else:
            k = 0 if len(b) == 1 else len(b) - 2
            # As in auto_diff, a None on one side of the summed axis counts as a mismatch.
            if a[-1] != b[k]:
                raise ValueError(
                    f"dot: shapes {a} and {b} are not aligned: {a[-1]} (last axis of "
                    f"{_short(x)}) != {b[k]} (axis {k} of {_short(y)})"
                )
            self.shape = a[:-1] + b[:k] + b[k + 1 :]
        super().__init__(**kwargs)

    def _compute(self, x: Tensor, y: Tensor) -> Tensor:
        return _la.dot(x, y)


# ----- shape ops -----


class OpTranspose(_Builtin):
    """Permute the axes; reversed when ``axes`` is None."""

    _kind = "transpose"

    def __init__(self, x: Any, axes: Sequence[int] | None = None, **kwargs: Any) -> None:
        x = _as_op(x)
        self.inputs = [x]
        self.axes = axes
        dims: Dims = tuple(x.shape)
        if axes is None:
            self.shape = dims[::-1]
            self._perm = None
        else:
            perm = _axes("transpose", x, axes)
            if len(perm) != len(dims):
                raise ValueError(
                    f"transpose: axes {axes!r} are not a permutation of the {len(dims)} axes "
                    f"of {_short(x)} (shape {dims})"
                )
            self.shape = tuple(dims[i] for i in perm)
            self._perm = perm
        super().__init__(**kwargs)

    def _name_suffix(self) -> str:
        return "" if self.axes is None else f", axes={self.axes}"

    def _compute(self, x: Tensor) -> Tensor:
        return _sh.transpose(x, self._perm)


class OpReshape(_Builtin):
    """Give the value a new shape; one entry may be -1 (filled from the input's size)."""

    _kind = "reshape"

    def __init__(self, x: Any, shape: int | Sequence[int], **kwargs: Any) -> None:
        x = _as_op(x)
        self.inputs = [x]
        target = [shape] if isinstance(shape, int | np.integer) else list(shape)
        if any(not isinstance(d, int | np.integer) or d < -1 for d in target):
            raise ValueError(f"reshape: shape entries must be ints >= -1; got {shape!r}")
        target = [int(d) for d in target]
        if target.count(-1) > 1:
            raise ValueError(f"reshape: only one dimension can be -1; got {shape!r}")
        self._target = tuple(target)
        dims: Dims = tuple(x.shape)
        size = None if None in dims else math.prod(d for d in dims if d is not None)
        known = math.prod(d for d in target if d != -1)
        resolved: list[int | None] = list(target)
        fits = True
        if -1 in target:
            fill = None if size is None or known == 0 else size // known
            resolved[target.index(-1)] = fill
            fits = fill is None or fill * known == size
        elif size is not None:
            fits = known == size
        if not fits:
            raise ValueError(
                f"{self._kind}: cannot reshape {_short(x)} of shape {dims} (size {size}) "
                f"into shape {tuple(target)}"
            )
        self.shape = tuple(resolved)
        super().__init__(**kwargs)

    def _name_suffix(self) -> str:
        return f", shape={self.shape}"

    def _compute(self, x: Tensor) -> Tensor:
        return _sh.reshape(x, self._target)


class OpFlatten(OpReshape):
    """The elements as a 1-D array."""

    _kind = "flatten"

    def __init__(self, x: Any, **kwargs: Any) -> None:
        super().__init__(x, (-1,), **kwargs)

    def _name_suffix(self) -> str:
        return ""


class OpExpandDims(_Builtin):
    """Insert a length-one axis at ``axis`` of the result (None: append one, as -1)."""

    _kind = "expand_dims"

    def __init__(self, x: Any, axis: int | None = None, **kwargs: Any) -> None:
        x = _as_op(x)
        self.inputs = [x]
        self.axis = axis
        dims: Dims = tuple(x.shape)
        a = -1 if axis is None else axis
        if not isinstance(a, int | np.integer) or not -len(dims) - 1 <= a <= len(dims):
            raise ValueError(
                f"expand_dims: axis {axis!r} is out of bounds for a result of "
                f"{len(dims) + 1} dimensions (input {_short(x)} of shape {dims})"
            )
        self._axis = int(a) % (len(dims) + 1)
        self.shape = (*dims[: self._axis], 1, *dims[self._axis :])
        super().__init__(**kwargs)

    def _name_suffix(self) -> str:
        return "" if self.axis is None or self.axis == -1 else f", axis={self.axis}"

    def _compute(self, x: Tensor) -> Tensor:
        return _sh.expand_dims(x, self._axis)


class OpSqueeze(_Builtin):
    """Remove the length-one axes ``axis``; None means the last axis only (as in auto_diff)."""

    _kind = "squeeze"

    def __init__(self, x: Any, axis: int | Sequence[int] | None = None, **kwargs: Any) -> None:
        x = _as_op(x)
        self.inputs = [x]
        self.axis = axis
        dims: Dims = tuple(x.shape)
        if not dims:
            raise ValueError(f"squeeze: {_short(x)} is a scalar; it has no axis to remove")
        self._axes = _axes("squeeze", x, -1 if axis is None else axis, merge=True)
        for a in self._axes:
            if dims[a] not in (1, None):
                raise ValueError(
                    f"squeeze: axis {a} of {_short(x)} (shape {dims}) has length {dims[a]}, not 1"
                )
        self.shape = tuple(d for i, d in enumerate(dims) if i not in self._axes)
        super().__init__(**kwargs)

    def _name_suffix(self) -> str:
        return "" if self.axis is None or self.axis == -1 else f", axis={self.axis}"

    def _compute(self, x: Tensor) -> Tensor:
        return _sh.squeeze(x, self._axes)


class OpKeepdims(_Builtin):
    """Base of the reductions over ``axis`` (None: all) with ``keepdims``."""

    _fn: ClassVar[Callable[..., Tensor]]

    def __init__(
        self,
        x: Any,
        axis: int | Sequence[int] | None = None,
        keepdims: bool = False,
        **kwargs: Any,
    ) -> None:
        x = _as_op(x)
        self.inputs = [x]
        self.axis = axis
        self.keepdims = bool(keepdims)
        dims: Dims = tuple(x.shape)
        if not dims:
            self._axes: tuple[int, ...] | None = None
            self.shape = ()
        else:
            self._axes = None if axis is None else _axes(self._kind, x, axis)
            reduced = range(len(dims)) if self._axes is None else self._axes
            if self.keepdims:
                self.shape = tuple(1 if i in reduced else d for i, d in enumerate(dims))
            else:
                self.shape = tuple(d for i, d in enumerate(dims) if i not in reduced)
        super().__init__(**kwargs)

    def _name_suffix(self) -> str:
        suffix = "" if self.axis is None else f", axis={self.axis}"
        return suffix + (", keepdims=True" if self.keepdims else "")

    def _compute(self, x: Tensor) -> Tensor:
        return type(self)._fn(x, axis=self._axes, keepdims=self.keepdims)


class OpSum(OpKeepdims):
    """Sum of elements over ``axis``."""

    _kind = "sum"
    _fn = _rd.sum


class OpProd(OpKeepdims):
    """Product of elements over ``axis``."""

    _kind = "prod"
    _fn = _rd.prod


class OpMean(OpKeepdims):
    """Mean of elements over ``axis``."""

    _kind = "mean"
    _fn = _rd.mean


class OpMax(OpKeepdims):
    """Maximum over ``axis`` (ties share the gradient)."""

    _kind = "max"
    _fn = _rd.max


class OpMin(OpKeepdims):
    """Minimum over ``axis`` (ties share the gradient)."""

    _kind = "min"
    _fn = _rd.min


class OpArgmax(_Builtin):
    """Index of the maximum (over all elements, or along the int ``axis``); no gradient."""

    _kind = "argmax"
    _differentiable = False

    def __init__(self, x: Any, axis: int | None = None, **kwargs: Any) -> None:
        x = _as_op(x)
        self.inputs = [x]
        self.axis = axis
        dims: Dims = tuple(x.shape)
        if axis is None:
            self._axis = None
            self.shape = ()
        else:
            if not isinstance(axis, int | np.integer):
                raise TypeError(f"argmax: axis must be an int or None; got {axis!r}")
            (self._axis,) = _axes("argmax", x, axis)
            self.shape = dims[: self._axis] + dims[self._axis + 1 :]
        super().__init__(**kwargs)

    def _name_suffix(self) -> str:
        return "" if self.axis is None else f", axis={self.axis}"

    def _compute(self, x: Tensor) -> Tensor:
        return _rd.argmax(x, axis=self._axis)


class OpShape(_Builtin):
    """The input's run-time shape as an integer array; no gradient."""

    _kind = "shape"
    _differentiable = False

    def __init__(self, x: Any, **kwargs: Any) -> None:
        x = _as_op(x)
        self.inputs = [x]
        self.shape = (len(x.shape),)
        super().__init__(**kwargs)

    def _compute(self, x: Tensor) -> Tensor:
        return _wrap(np.array(x.shape, dtype=np.int64))


def _index_item(item: Any) -> tuple[int | slice, ...]:
    parts = item if isinstance(item, tuple) else (item,)
    for p in parts:
        if not isinstance(p, int | np.integer | slice) or isinstance(p, bool):
            raise TypeError(
                "getitem: an index must be an int, a slice, or a tuple of ints and slices; "
                f"got {item!r}"
            )
    return tuple(p if isinstance(p, slice) else int(p) for p in parts)


def _format_index(p: int | slice) -> str:
    if isinstance(p, int):
        return str(p)
    text = ("" if p.start is None else str(p.start)) + ":"
    text += "" if p.stop is None else str(p.stop)
    return text if p.step is None else f"{text}:{p.step}"


class OpGetitem(_Builtin):
    """``x[item]`` for an int, a slice, or a tuple of them (basic indexing)."""

    _kind = "getitem"

    def __init__(self, x: Any, item: Any, **kwargs: Any) -> None:
        x = _as_op(x)
        self.inputs = [x]
        self.item = _index_item(item)
        dims: Dims = tuple(x.shape)
        if len(self.item) > len(dims):
            raise IndexError(
                f"getitem: too many indices ({len(self.item)}) for {_short(x)} of shape {dims}"
            )
        shape: list[int | None] = []
        for p, d in zip(self.item, dims, strict=False):
            if isinstance(p, slice):
                shape.append(None if d is None else len(range(*p.indices(d))))
            elif d is not None and not -d <= p < d:
                raise IndexError(
                    f"getitem: index {p} is out of bounds for an axis of length {d} "
                    f"(of {_short(x)}, shape {dims})"
                )
        self.shape = tuple(shape) + dims[len(self.item) :]
        super().__init__(**kwargs)

    def _name_parts(self) -> Parts:
        return [self.inputs[0], "[" + ", ".join(_format_index(p) for p in self.item) + "]"]

    def _compute(self, x: Tensor) -> Tensor:
        return _ix.getitem(x, self.item)


class OpSetitem(_Builtin):
    """A copy of ``x`` with ``x[key] = value``; the input is never modified. No gradient."""

    _kind = "setitem"
    _differentiable = False

    def __init__(self, x: Any, key: Any, value: Any, **kwargs: Any) -> None:
        x = _as_op(x)
        self.inputs = [x, _as_op(value)]
        self.key = key
        self.shape = tuple(x.shape)
        super().__init__(**kwargs)

    def _name_parts(self) -> Parts:
        return ["setitem(", self.inputs[0], f", {self.key}, ", self.inputs[1], ")"]

    def _compute(self, x: Tensor, value: Tensor) -> Tensor:
        return _ix.scatter_set(x, self.key, value)
