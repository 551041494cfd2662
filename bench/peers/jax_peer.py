"""The benchmark workloads written for JAX, eager (no ``jit``: every op dispatched as it runs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..workloads._chain import MUL, TANH
from ..workloads._mlp import Problem

jax.config.update("jax_enable_x64", True)  # float64 workloads must stay float64

VERSION = jax.__version__
TRACEABLE = False  # XLA's buffers are not allocated through Python
Array = Any


def configure(threads: int) -> None:
    """XLA's CPU threads are set by XLA_FLAGS before JAX loads (see bench.env)."""


def chain(x0: Array, a: Any, b: Any, ops: Sequence[int]) -> Callable[[], tuple[Array, Array]]:
    ja = jnp.asarray(a)
    jb = jnp.asarray(b)
    jx = jnp.asarray(x0)

    def f(x: Any) -> Any:
        y = x
        for k in ops:
            if k == MUL:
                y = y * ja
            elif k == TANH:
                y = jnp.tanh(y)
            else:
                y = y + jb
        return y

    def run() -> tuple[Array, Array]:
        y, vjp = jax.vjp(f, jx)
        (g,) = vjp(jnp.ones_like(y))
        return np.asarray(y), np.asarray(g)

    return run


def _loss_fn(p: Problem) -> Callable[[Any], Any]:
    x = jnp.asarray(p.x)
    labels = jnp.asarray(p.labels)

    def loss(params: Any) -> Any:
        w1, b1, w2, b2, w3, b3 = params
        h1 = jnp.tanh(x @ w1 + b1)
        h2 = jnp.tanh(h1 @ w2 + b2)
        lsm = jax.nn.log_softmax(h2 @ w3 + b3, axis=1)
        return -jnp.mean(jnp.take_along_axis(lsm, labels[:, None], axis=1))

    return loss


def mlp_step(p: Problem) -> Callable[[], tuple[Array, list[Array]]]:
    f = jax.value_and_grad(_loss_fn(p))
    params = [jnp.asarray(w) for w in p.params]

    def run() -> tuple[Array, list[Array]]:
        loss, grads = f(params)
        return np.asarray(loss), [np.asarray(g) for g in grads]

    return run


def hvp(p: Problem, v: Sequence[Array]) -> Callable[[], list[Array]]:
    g = jax.grad(_loss_fn(p))
    params = [jnp.asarray(w) for w in p.params]
    vs = [jnp.asarray(vi) for vi in v]

    def run() -> list[Array]:
        _, h = jax.jvp(g, (params,), (vs,))
        return [np.asarray(hi) for hi in h]

    return run


def gp_step(p: Any) -> Callable[[], tuple[Array, list[Array]]]:
    from ..workloads._gp import nll

    sqdist, y, eye = jnp.asarray(p.sqdist), jnp.asarray(p.y), jnp.eye(p.y.shape[0])
    vg = jax.value_and_grad(lambda th: nll(jnp, jnp.linalg, th, sqdist, y, eye))
    theta = jnp.asarray(p.theta)

    def run() -> tuple[Array, list[Array]]:
        value, g = vg(theta)
        return np.asarray(value), [np.asarray(g)]

    return run
