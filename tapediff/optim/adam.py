"""Adam (with AMSGrad) and AdamW (decoupled weight decay)."""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Array
from .optimizer import LearningRate, Optimizer, Params, Slots, check_hyper

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam with PyTorch's ``torch.optim.Adam`` rule (L2 weight decay added to the gradient).

    With ``g`` the gradient, ``p`` the value, ``t`` the variable's step number (from 1)::

        g = g + weight_decay * p                          (if weight_decay)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = maximum(v_max, v); use v_max for v       (if amsgrad)
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
    """

    _fixed = ("betas", "eps", "weight_decay", "amsgrad")
    _decoupled = False

    def __init__(
        self,
        params: Params,
        lr: LearningRate = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        skip_nonfinite: bool = False,
    ) -> None:
        cls = type(self).__name__
        if not isinstance(betas, tuple | list) or len(betas) != 2:
            raise TypeError(f"{cls}: betas must be a pair (beta1, beta2); got {betas!r}")
        self.betas = (
            check_hyper(cls, "betas[0]", betas[0], 0.0, 1.0),
            check_hyper(cls, "betas[1]", betas[1], 0.0, 1.0),
        )
        self.eps = check_hyper(cls, "eps", eps)
        self.weight_decay = check_hyper(cls, "weight_decay", weight_decay)
        self.amsgrad = bool(amsgrad)
        super().__init__(params, lr, skip_nonfinite)

    def _init_slots(self, value: Array) -> Slots:
        slots = {"exp_avg": np.zeros_like(value), "exp_avg_sq": np.zeros_like(value)}
        if self.amsgrad:
            slots["max_exp_avg_sq"] = np.zeros_like(value)
        return slots

    def _update(
        self, value: Array, grad: Array, slots: Slots, lr: float, step: int
    ) -> tuple[Array, Slots]:
        beta1, beta2 = self.betas
        g = grad
        if self.weight_decay:
            if self._decoupled:
                value = value * (1 - lr * self.weight_decay)
            else:
                g = g + self.weight_decay * value
        m = slots["exp_avg"] + (1 - beta1) * (g - slots["exp_avg"])
        v = beta2 * slots["exp_avg_sq"] + (1 - beta2) * (g * g)
        new = {"exp_avg": m, "exp_avg_sq": v}
        if self.amsgrad:
            v = new["max_exp_avg_sq"] = np.maximum(slots["max_exp_avg_sq"], v)
        # The bias corrections are folded into the step size and the denominator, as PyTorch does.
        denom = np.sqrt(v) / math.sqrt(1 - beta2**step) + self.eps
        return value - (lr / (1 - beta1**step)) * (m / denom), new


class AdamW(Adam):
    """Adam with decoupled weight decay, PyTorch's ``torch.optim.AdamW`` rule.

    The value first shrinks, ``p = p * (1 - lr * weight_decay)``, then takes the Adam step of
    :class:`Adam` with no weight decay in the gradient. The default weight decay is 0.01.
    """

    _decoupled = True

    def __init__(
        self,
        params: Params,
        lr: LearningRate = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        skip_nonfinite: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, skip_nonfinite)
