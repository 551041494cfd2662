"""Dropout with a seeded generator: zeroes elements with probability p in training."""

from __future__ import annotations

import tapediff as td

from ..tensor import Tensor, TensorLike
from ._util import RngLike, as_rng
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    """In training, zero each element with probability ``p`` and scale the rest by 1/(1-p);
    the identity in eval mode."""

    def __init__(self, p: float = 0.5, rng: RngLike = None) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout: p must be in [0, 1); got {p}")
        self.p = p
        self.rng = as_rng(rng)

    def forward(self, x: TensorLike) -> Tensor:
        t = td.as_tensor(x)
        if not self.training or self.p == 0.0:
            return t
        keep = self.rng.random(t.shape) >= self.p
        return t * (keep / (1.0 - self.p)).astype(t.dtype)
