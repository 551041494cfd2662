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


def conv_step(p: Any) -> Callable[[], tuple[Array, list[Array]]]:
    """The train workload's conv net (``_train.ConvProblem``) as torch.nn.functional calls."""
    x = torch.from_numpy(p.x)
    labels = torch.from_numpy(p.labels.astype(np.int64))
    params = [torch.tensor(w, requires_grad=True) for w in p.params]

    def run() -> tuple[Array, list[Array]]:
        w1, b1, w2, b2, w3, b3 = params
        h = F.max_pool2d(F.relu(F.conv2d(x, w1, b1, padding=1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, w2, b2, padding=1)), 2)
        loss = F.cross_entropy(F.linear(h.flatten(1), w3, b3), labels)
        grads = torch.autograd.grad(loss, params)
        return loss.detach().numpy(), [g.numpy() for g in grads]

    return run


def lstm_step(p: Any) -> Callable[[], tuple[Array, list[Array]]]:
    """The train workload's LSTM (``_train.LSTMProblem``): torch.nn.LSTM, then a linear layer."""
    x = torch.from_numpy(p.x)
    labels = torch.from_numpy(p.labels.astype(np.int64))
    w_ih = p.params[0]
    lstm = torch.nn.LSTM(w_ih.shape[1], p.params[1].shape[1]).double()
    with torch.no_grad():
        for name, value in zip(
            ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"), p.params, strict=False
        ):
            getattr(lstm, name).copy_(torch.from_numpy(value))
    w = torch.tensor(p.params[4], requires_grad=True)
    b = torch.tensor(p.params[5], requires_grad=True)
    params = [
        *(getattr(lstm, n) for n in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")),
        w,
        b,
    ]

    def run() -> tuple[Array, list[Array]]:
        _, (h, _) = lstm(x)
        loss = F.cross_entropy(F.linear(h[0], w, b), labels)
        grads = torch.autograd.grad(loss, params)
        return loss.detach().numpy(), [g.numpy() for g in grads]

    return run
