"""Constructors: new tensors from shapes and ranges (NumPy's names, signatures and dtype rules).

Built from numbers, they return plain tensors that no tape watches; call ``tape.watch`` or wrap
in a ``Variable`` to differentiate with respect to them. Built from tensors (the fill value of
``full``/``full_like``, ``start``/``stop`` of ``linspace``), they are differentiable with
respect to those tensors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..tensor import Shape, Tensor, TensorLike, _wrap, operand
from ._primitive import value_of
from .elementwise import astype, where
from .shape import broadcast_to, moveaxis

__all__ = [
    "arange",
    "eye",
    "full",
    "full_like",
    "linspace",
    "ones",
    "ones_like",
    "zeros",
    "zeros_like",
]


def _value(x: Any) -> Any:
    return x._array if isinstance(x, Tensor) else x


def zeros(shape: Shape, dtype: npt.DTypeLike = np.float64) -> Tensor:
    """A tensor of zeros (numpy.zeros)."""
    return _wrap(np.zeros(shape, dtype=dtype))


def ones(shape: Shape, dtype: npt.DTypeLike = np.float64) -> Tensor:
    """A tensor of ones (numpy.ones)."""
    return _wrap(np.ones(shape, dtype=dtype))


def zeros_like(a: TensorLike, dtype: npt.DTypeLike | None = None) -> Tensor:
    """Zeros with the shape and (unless given) dtype of ``a`` (numpy.zeros_like)."""
    return _wrap(np.zeros_like(_value(a), dtype=dtype))


def ones_like(a: TensorLike, dtype: npt.DTypeLike | None = None) -> Tensor:
    """Ones with the shape and (unless given) dtype of ``a`` (numpy.ones_like)."""
    return _wrap(np.ones_like(_value(a), dtype=dtype))


def _filled(op: str, shape: Any, fill_value: Any, dtype: Any) -> Tensor:
    """``fill_value`` broadcast to ``shape`` as ``dtype``: recorded when it is a tensor of a
    floating dtype (so the gradient reaches it), a plain new tensor otherwise."""
    try:
        value = np.full(shape, _value(fill_value), dtype=dtype)
    except (TypeError, ValueError) as e:
        raise type(e)(
            f"{op}: cannot fill shape {shape!r} with a value of shape {np.shape(fill_value)} "
            f"and dtype {dtype!r}: {e}"
        ) from None
    if not isinstance(fill_value, Tensor) or value.dtype.kind not in "fc":
        return _wrap(value)
    # Integer results carry no gradient (casting to them is a step function).
    t = fill_value if fill_value.dtype == value.dtype else astype(fill_value, value.dtype)
    return broadcast_to(t, value.shape)


def full(shape: Shape, fill_value: TensorLike, dtype: npt.DTypeLike | None = None) -> Tensor:
    """A tensor filled with ``fill_value`` (which may be an array broadcast to ``shape``);
    dtype inferred from it if not given (numpy.full). Differentiable in a tensor fill_value."""
    if dtype is None:
        dtype = np.asarray(_value(fill_value)).dtype
    return _filled("full", shape, fill_value, dtype)


def full_like(
    a: TensorLike,
    fill_value: TensorLike,
    dtype: npt.DTypeLike | None = None,
    shape: Shape | None = None,
) -> Tensor:
    """``fill_value`` in the shape and (unless given) dtype of ``a`` (numpy.full_like);
    differentiable in a tensor fill_value, never in ``a``."""
    ref = np.asarray(_value(a))
    return _filled(
        "full_like",
        ref.shape if shape is None else shape,
        fill_value,
        ref.dtype if dtype is None else dtype,
    )


def arange(
    start: float,
    stop: float | None = None,
    step: float | None = None,
    dtype: npt.DTypeLike | None = None,
) -> Tensor:
    """Evenly spaced values in ``[start, stop)``; ``arange(n)`` counts from 0 (numpy.arange)."""
    if step == 0:
        raise ValueError("arange: step must not be zero")
    return _wrap(np.arange(start, stop, step, dtype=dtype))


def eye(N: int, M: int | None = None, k: int = 0, dtype: npt.DTypeLike = np.float64) -> Tensor:
    """An ``N x M`` tensor with ones on diagonal ``k`` and zeros elsewhere (numpy.eye)."""
    return _wrap(np.eye(N, M, k, dtype=dtype))


def _weak(v: Any) -> Any:
    """``v`` as NumPy's type promotion should see it: Python numbers stay weak."""
    if isinstance(v, Tensor):
        return v._array
    return v if isinstance(v, int | float | np.ndarray | np.generic) else np.asarray(v)


def linspace(
    start: TensorLike,
    stop: TensorLike,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: npt.DTypeLike | None = None,
    axis: int = 0,
) -> Any:
    """``num`` evenly spaced values from ``start`` to ``stop`` (numpy.linspace); array-like
    ends give one sequence per element along ``axis``. Differentiable in tensor ends;
    ``retstep=True`` also returns the step."""
    if isinstance(num, bool) or not isinstance(num, int | np.integer):
        raise TypeError(f"linspace: num must be an integer; got {type(num).__name__}")
    if num < 0:
        raise ValueError(f"linspace: num must be non-negative; got {num}")
    value, step = np.linspace(
        _value(start), _value(stop), num, endpoint=endpoint, retstep=True, dtype=dtype, axis=axis
    )
    if not (isinstance(start, Tensor) or isinstance(stop, Tensor)) or value.dtype.kind != "f":
        out = _wrap(value)
        return (out, _wrap(np.asarray(step))) if retstep else out
    # NumPy's own arithmetic, on tensors, in NumPy's computation dtype (ends that are Python
    # numbers are weak): y = i * step + start, the last value stop exactly.
    dt = np.result_type(_weak(start), _weak(stop), 1.0)
    lo, hi = operand(start, "linspace"), operand(stop, "linspace")
    delta = astype(hi, dt) - astype(lo, dt)
    div = (num - 1) if endpoint else num
    ends = np.broadcast_shapes(lo.shape, hi.shape)
    i = _wrap(np.arange(num, dtype=dt).reshape((-1,) + (1,) * len(ends)))
    if div > 0:
        steps = delta / div
        y = i / div * delta if np.any(value_of(steps) == 0) else i * steps
    else:
        steps = delta * np.nan
        y = i * delta
    y = astype(y + lo, dt)  # NumPy adds start in place, into an array of dtype dt
    if endpoint and num > 1:
        last = _wrap(np.arange(num).reshape((-1,) + (1,) * len(ends)) == num - 1)
        y = where(last, astype(hi, dt), y)
    y = broadcast_to(y, (num, *ends))
    if axis != 0:
        y = moveaxis(y, 0, axis)
    if y.dtype != value.dtype:
        y = astype(y, value.dtype)
    return (y, steps) if retstep else y
