"""The benchmark workloads written for MyGrad (no higher-order gradients)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mygrad as mg
import numpy as np
from mygrad.nnet.losses import softmax_crossentropy

from ..workloads._chain import MUL, TANH
from ..workloads._mlp import Problem

VERSION = mg.__version__
TRACEABLE = True
Array = Any
hvp = None  # MyGrad computes first derivatives only


def configure(threads: int) -> None:
    """MyGrad runs on NumPy, whose BLAS threads are already set."""


def chain(x0: Array, a: Any, b: Any, ops: Sequence[int]) -> Callable[[], tuple[Array, Array]]:
    def run() -> tuple[Array, Array]:
        x = mg.tensor(x0)
        y = x
        for k in ops:
            if k == MUL:
                y = y * a
            elif k == TANH:
                y = mg.tanh(y)
            else:
                y = y + b
        y.backward()  # a non-scalar is seeded with ones, as the other implementations are
        return np.asarray(y.data), np.asarray(x.grad)

    return run


def mlp_step(p: Problem) -> Callable[[], tuple[Array, list[Array]]]:
    # Using a tensor in a new operation clears its old gradient, so these can be reused.
    params = [mg.tensor(w) for w in p.params]

    def run() -> tuple[Array, list[Array]]:
        w1, b1, w2, b2, w3, b3 = params
        h1 = mg.tanh(mg.matmul(p.x, w1) + b1)
        h2 = mg.tanh(mg.matmul(h1, w2) + b2)
        loss = softmax_crossentropy(mg.matmul(h2, w3) + b3, p.labels)
        loss.backward()
        return np.asarray(loss.data), [np.asarray(w.grad) for w in params]

    return run
