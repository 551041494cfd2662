"""The benchmark workloads written for PyTorch (CPU, eager)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..workloads._chain import MUL, TANH
from ..workloads._mlp import Problem

VERSION = torch.__version__
TRACEABLE = False  # torch allocates outside Python's allocator: tracemalloc sees nothing
Array = Any


def configure(threads: int) -> None:
    torch.set_num_threads(threads)


def chain(x0: Array, a: Any, b: Any, ops: Sequence[int]) -> Callable[[], tuple[Array, Array]]:
    x = torch.tensor(x0, requires_grad=True)
    ta = torch.tensor(a) if isinstance(a, np.ndarray) else a
    tb = torch.tensor(b) if isinstance(b, np.ndarray) else b

    def run() -> tuple[Array, Array]:
        y = x
        for k in ops:
            if k == MUL:
                y = y * ta
            elif k == TANH:
                y = torch.tanh(y)
            else:
                y = y + tb
        (g,) = torch.autograd.grad(y, x, torch.ones_like(y))
        return y.detach().numpy(), g.numpy()

    return run


def _loss(x: Any, labels: Any, params: Sequence[Any]) -> Any:
    w1, b1, w2, b2, w3, b3 = params
    h1 = torch.tanh(x @ w1 + b1)
    h2 = torch.tanh(h1 @ w2 + b2)
    return F.cross_entropy(h2 @ w3 + b3, labels)


def mlp_step(p: Problem) -> Callable[[], tuple[Array, list[Array]]]:
    x = torch.from_numpy(p.x)
    labels = torch.from_numpy(p.labels.astype(np.int64))
    params = [torch.tensor(w, requires_grad=True) for w in p.params]

    def run() -> tuple[Array, list[Array]]:
        loss = _loss(x, labels, params)
        grads = torch.autograd.grad(loss, params)
        return loss.detach().numpy(), [g.numpy() for g in grads]

    return run


def hvp(p: Problem, v: Sequence[Array]) -> Callable[[], list[Array]]:
    x = torch.from_numpy(p.x)
    labels = torch.from_numpy(p.labels.astype(np.int64))
    params = [torch.tensor(w, requires_grad=True) for w in p.params]
    tv = [torch.from_numpy(vi) for vi in v]

    def run() -> list[Array]:
        loss = _loss(x, labels, params)
        grads = torch.autograd.grad(loss, params, create_graph=True)
        gv = torch.stack([(g * vi).sum() for g, vi in zip(grads, tv, strict=True)]).sum()
        return [h.numpy() for h in torch.autograd.grad(gv, params)]

    return run
