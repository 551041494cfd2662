"""Activations of ``auto_diff`` (``ad.acts``)."""

from __future__ import annotations

from typing import Any

from .operation import Operation
from .ops import OpLeakyRelu, OpRelu, OpSigmoid, OpSoftmax

__all__ = ["leaky_relu", "relu", "sigmoid", "softmax"]


def softmax(x: Any, **kwargs: Any) -> Operation:
    """Softmax over the last axis, computed without overflow; named ``softmax(x)``."""
    return OpSoftmax(x, **kwargs)


def relu(x: Any, **kwargs: Any) -> Operation:
    """Elementwise ``max(x, 0)``."""
    return OpRelu(x, **kwargs)


def leaky_relu(x: Any, alpha: float = 0.01, **kwargs: Any) -> Operation:
    """Elementwise ``x if x > 0 else alpha * x``."""
    return OpLeakyRelu(x, alpha, **kwargs)


def sigmoid(x: Any, **kwargs: Any) -> Operation:
    """Elementwise logistic function ``1 / (1 + exp(-x))``."""
    return OpSigmoid(x, **kwargs)
