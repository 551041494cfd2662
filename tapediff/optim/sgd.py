"""Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay."""

from __future__ import annotations

import numpy as np

from ..tensor import Array
from .optimizer import LearningRate, Optimizer, Params, Slots, check_hyper

__all__ = ["SGD"]


class SGD(Optimizer):
    """SGD with PyTorch's ``torch.optim.SGD`` rule.

    With ``g`` the gradient, ``p`` the value, ``mu`` the momentum, ``tau`` the dampening and
    ``lambda`` the weight decay, one step of a variable is::

        g = g + lambda * p                    (if weight_decay)
        b = g at the first step, else b = mu * b + (1 - tau) * g     (if momentum)
        g = g + mu * b if nesterov, else g = b                        (if momentum)
        p = p - lr * g

    Nesterov momentum needs a momentum > 0 and no dampening, as in PyTorch.
    """

    _fixed = ("momentum", "dampening", "nesterov", "weight_decay")

    def __init__(
        self,
        params: Params,
        lr: LearningRate = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        skip_nonfinite: bool = False,
    ) -> None:
        self.momentum = check_hyper("SGD", "momentum", momentum)
        self.dampening = check_hyper("SGD", "dampening", dampening)
        self.weight_decay = check_hyper("SGD", "weight_decay", weight_decay)
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                "SGD: nesterov=True needs momentum > 0 and dampening == 0; got "
                f"momentum={momentum}, dampening={dampening}"
            )
        super().__init__(params, lr, skip_nonfinite)

    def _init_slots(self, value: Array) -> Slots:
        return {"momentum_buffer": np.zeros_like(value)} if self.momentum else {}

    def _update(
        self, value: Array, grad: Array, slots: Slots, lr: float, step: int
    ) -> tuple[Array, Slots]:
        g = grad
        if self.weight_decay:
            g = g + self.weight_decay * value
        if not self.momentum:
            return value - lr * g, {}
        # PyTorch starts the buffer at the first gradient itself (no dampening on it).
        buf = (
            np.array(g)
            if step == 1
            else self.momentum * slots["momentum_buffer"] + (1 - self.dampening) * g
        )
        g = g + self.momentum * buf if self.nesterov else buf
        return value - lr * g, {"momentum_buffer": buf}
