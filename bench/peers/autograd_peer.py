"""The benchmark workloads written for HIPS autograd."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib.metadata import version
from typing import Any

import autograd.numpy as anp
import numpy as np
from autograd import grad, make_vjp, value_and_grad

from ..workloads._chain import MUL, TANH
from ..workloads._mlp import Problem

VERSION = version("autograd")
TRACEABLE = True
Array = Any


def configure(threads: int) -> None:
    """autograd runs on NumPy, whose BLAS threads are already set."""


def chain(x0: Array, a: Any, b: Any, ops: Sequence[int]) -> Callable[[], tuple[Array, Array]]:
    def f(x: Any) -> Any:
        y = x
        for k in ops:
            if k == MUL:
                y = y * a
            elif k == TANH:
                y = anp.tanh(y)
            else:
                y = y + b
        return y

    def run() -> tuple[Array, Array]:
        vjp, y = make_vjp(f)(x0)
        return np.asarray(y), np.asarray(vjp(np.ones_like(y)))

    return run


def _loss_fn(p: Problem) -> Callable[[Any], Any]:
    rows = np.arange(p.x.shape[0])

    def loss(params: Any) -> Any:
        w1, b1, w2, b2, w3, b3 = params
        h1 = anp.tanh(anp.dot(p.x, w1) + b1)
        h2 = anp.tanh(anp.dot(h1, w2) + b2)
        z = anp.dot(h2, w3) + b3
        z = z - anp.max(z, axis=1, keepdims=True)
        lse = anp.log(anp.sum(anp.exp(z), axis=1))
        return anp.mean(lse - z[rows, p.labels])

    return loss


def mlp_step(p: Problem) -> Callable[[], tuple[Array, list[Array]]]:
    f = value_and_grad(_loss_fn(p))
    params = list(p.params)

    def run() -> tuple[Array, list[Array]]:
        loss, grads = f(params)
        return np.asarray(loss), list(grads)

    return run


def hvp(p: Problem, v: Sequence[Array]) -> Callable[[], list[Array]]:
    g = grad(_loss_fn(p))
    vs = list(v)

    def gv(params: Any) -> Any:
        return sum(anp.sum(gi * vi) for gi, vi in zip(g(params), vs, strict=True))

    h = grad(gv)
    params = list(p.params)

    def run() -> list[Array]:
        return list(h(params))

    return run


def gp_step(p: Any) -> Callable[[], tuple[Array, list[Array]]]:
    from ..workloads._gp import nll

    eye = np.eye(p.y.shape[0])
    vg = value_and_grad(lambda th: nll(anp, anp.linalg, th, p.sqdist, p.y, eye))

    def run() -> tuple[Array, list[Array]]:
        value, g = vg(p.theta)
        return np.asarray(value), [np.asarray(g)]

    return run
