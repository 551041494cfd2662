"""Adagrad with learning-rate decay."""

from __future__ import annotations

import numpy as np

from ..tensor import Array
from .optimizer import LearningRate, Optimizer, Params, Slots, check_hyper

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad with PyTorch's ``torch.optim.Adagrad`` rule.

    With ``g`` the gradient, ``p`` the value and ``t`` the variable's step number (from 1)::

        g = g + weight_decay * p                          (if weight_decay)
        lr_t = lr / (1 + (t - 1) * lr_decay)
        s = s + g**2              (s starts at initial_accumulator_value)
        p = p - lr_t * g / (sqrt(s) + eps)
    """

    _fixed = ("lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(
        self,
        params: Params,
        lr: LearningRate = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        skip_nonfinite: bool = False,
    ) -> None:
        self.lr_decay = check_hyper("Adagrad", "lr_decay", lr_decay)
        self.weight_decay = check_hyper("Adagrad", "weight_decay", weight_decay)
        self.initial_accumulator_value = check_hyper(
            "Adagrad", "initial_accumulator_value", initial_accumulator_value
        )
        self.eps = check_hyper("Adagrad", "eps", eps)
        super().__init__(params, lr, skip_nonfinite)

    def _init_slots(self, value: Array) -> Slots:
        return {"sum": np.full_like(value, self.initial_accumulator_value)}

    def _update(
        self, value: Array, grad: Array, slots: Slots, lr: float, step: int
    ) -> tuple[Array, Slots]:
        g = grad
        if self.weight_decay:
            g = g + self.weight_decay * value
        clr = lr / (1 + (step - 1) * self.lr_decay)
        s = slots["sum"] + g * g
        return value - clr * (g / (np.sqrt(s) + self.eps)), {"sum": s}
