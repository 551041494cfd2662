"""Activation functions missing from the core ops, composed from differentiable tapediff ops."""

from __future__ import annotations

import math

import tapediff as td

from ..tensor import Tensor, TensorLike

__all__ = ["gelu", "leaky_relu"]


def gelu(x: TensorLike) -> Tensor:
    """GELU, tanh approximation: ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``."""
    t = td.as_tensor(x)
    return 0.5 * t * (1.0 + td.tanh(math.sqrt(2.0 / math.pi) * (t + 0.044715 * t**3)))


def leaky_relu(x: TensorLike, negative_slope: float = 0.01) -> Tensor:
    """``x`` where positive, ``negative_slope * x`` elsewhere."""
    t = td.as_tensor(x)
    return td.where(t._array > 0, t, negative_slope * t)
