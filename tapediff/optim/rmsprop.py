"""RMSprop, plain or centered, with optional momentum."""

from __future__ import annotations

import numpy as np

from ..tensor import Array
from .optimizer import LearningRate, Optimizer, Params, Slots, check_hyper

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop with PyTorch's ``torch.optim.RMSprop`` rule.

    With ``g`` the gradient and ``p`` the value::

        g = g + weight_decay * p                          (if weight_decay)
        v = alpha * v + (1 - alpha) * g**2
        a = alpha * a + (1 - alpha) * g; v~ = v - a**2    (if centered; else v~ = v)
        d = g / (sqrt(v~) + eps)
        b = momentum * b + d; p = p - lr * b              (if momentum; else p = p - lr * d)
    """

    _fixed = ("alpha", "eps", "weight_decay", "momentum", "centered")

    def __init__(
        self,
        params: Params,
        lr: LearningRate = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        skip_nonfinite: bool = False,
    ) -> None:
        self.alpha = check_hyper("RMSprop", "alpha", alpha)
        self.eps = check_hyper("RMSprop", "eps", eps)
        self.weight_decay = check_hyper("RMSprop", "weight_decay", weight_decay)
        self.momentum = check_hyper("RMSprop", "momentum", momentum)
        self.centered = bool(centered)
        super().__init__(params, lr, skip_nonfinite)

    def _init_slots(self, value: Array) -> Slots:
        slots = {"square_avg": np.zeros_like(value)}
        if self.momentum:
            slots["momentum_buffer"] = np.zeros_like(value)
        if self.centered:
            slots["grad_avg"] = np.zeros_like(value)
        return slots

    def _update(
        self, value: Array, grad: Array, slots: Slots, lr: float, step: int
    ) -> tuple[Array, Slots]:
        alpha = self.alpha
        g = grad
        if self.weight_decay:
            g = g + self.weight_decay * value
        sq = alpha * slots["square_avg"] + (1 - alpha) * (g * g)
        new = {"square_avg": sq}
        if self.centered:
            avg_g = new["grad_avg"] = slots["grad_avg"] + (1 - alpha) * (g - slots["grad_avg"])
            denom = np.sqrt(sq - avg_g * avg_g) + self.eps
        else:
            denom = np.sqrt(sq) + self.eps
        if self.momentum:
            buf = new["momentum_buffer"] = self.momentum * slots["momentum_buffer"] + g / denom
            return value - lr * buf, new
        return value - lr * (g / denom), new
