"""Constructors: new tensors from shapes and ranges (NumPy's names, signatures and dtype rules).

They return plain tensors that no tape watches; call ``tape.watch`` or wrap in a ``Variable`` to
differentiate with respect to them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..tensor import Shape, Tensor, TensorLike, _wrap

__all__ = ["arange", "eye", "full", "linspace", "ones", "ones_like", "zeros", "zeros_like"]


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


def full(shape: Shape, fill_value: TensorLike, dtype: npt.DTypeLike | None = None) -> Tensor:
    """A tensor filled with ``fill_value``; dtype inferred from it if not given (numpy.full)."""
    return _wrap(np.full(shape, _value(fill_value), dtype=dtype))


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


def linspace(
    start: float,
    stop: float,
    num: int = 50,
    endpoint: bool = True,
    dtype: npt.DTypeLike | None = None,
) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop`` (numpy.linspace)."""
    if isinstance(num, bool) or not isinstance(num, int | np.integer):
        raise TypeError(f"linspace: num must be an integer; got {type(num).__name__}")
    if num < 0:
        raise ValueError(f"linspace: num must be non-negative; got {num}")
    return _wrap(np.linspace(_value(start), _value(stop), num, endpoint=endpoint, dtype=dtype))
