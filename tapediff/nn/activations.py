"""Activations as modules, for Sequential."""

from __future__ import annotations

import tapediff as td

from ..tensor import Tensor, TensorLike
from .functional import gelu, leaky_relu
from .module import Module

__all__ = ["GELU", "LeakyReLU", "ReLU", "Sigmoid", "Softmax", "Tanh"]


class ReLU(Module):
    """``max(x, 0)``."""

    def forward(self, x: TensorLike) -> Tensor:
        return td.relu(x)


class Tanh(Module):
    """``tanh(x)``."""

    def forward(self, x: TensorLike) -> Tensor:
        return td.tanh(x)


class Sigmoid(Module):
    """``1 / (1 + exp(-x))``."""

    def forward(self, x: TensorLike) -> Tensor:
        return td.sigmoid(x)


class GELU(Module):
    """GELU (tanh approximation)."""

    def forward(self, x: TensorLike) -> Tensor:
        return gelu(x)


class LeakyReLU(Module):
    """``x`` where positive, ``negative_slope * x`` elsewhere."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: TensorLike) -> Tensor:
        return leaky_relu(x, self.negative_slope)


class Softmax(Module):
    """Softmax along ``axis``."""

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = axis

    def forward(self, x: TensorLike) -> Tensor:
        return td.softmax(x, axis=self.axis)
