"""The MLP of the mlp, memory and higher-order workloads, in NumPy by hand and in tapediff.

784-512-512-10 with tanh hidden layers and mean softmax cross-entropy over integer labels. The
hand-written NumPy versions are what a careful person would write: the backward pass reuses the
forward's activations, and the R-operator (Pearlmutter 1994) gives the exact Hessian-vector
product in one extra forward and backward sweep.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

import numpy as np
import numpy.typing as npt

import tapediff as td

Array = npt.NDArray[Any]
PARAM_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")
FULL_DIMS = (784, 512, 512, 10)
FULL_BATCH = 256
QUICK_DIMS = (24, 16, 12, 5)
QUICK_BATCH = 16


@dataclass(frozen=True)
class Problem:
    """Inputs, integer labels and weights of one MLP step, all NumPy arrays of one dtype."""

    x: Array
    labels: npt.NDArray[np.intp]
    params: tuple[Array, ...]

    @property
    def dtype(self) -> np.dtype[Any]:
        return self.x.dtype


def problem(batch: int, dims: Sequence[int], dtype: npt.DTypeLike, seed: int) -> Problem:
    """A reproducible random problem; weights scaled by 1/sqrt(fan-in), biases non-zero."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, dims[0])).astype(dtype)
    labels = rng.integers(0, dims[-1], batch).astype(np.intp)
    params: list[Array] = []
    for fan_in, fan_out in itertools.pairwise(dims):
        params.append((rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)).astype(dtype))
        params.append((0.1 * rng.standard_normal(fan_out)).astype(dtype))
    return Problem(x, labels, tuple(params))


def directions(p: Problem, seed: int) -> tuple[Array, ...]:
    """A random direction in parameter space, for Hessian-vector products."""
    rng = np.random.default_rng(seed + 1)
    return tuple(rng.standard_normal(w.shape).astype(p.dtype) for w in p.params)


def numpy_step(p: Problem) -> tuple[Array, list[Array]]:
    """Hand-written forward and backward: (loss, [dW1, db1, dW2, db2, dW3, db3])."""
    x, labels = p.x, p.labels
    w1, b1, w2, b2, w3, b3 = p.params
    n = x.shape[0]
    rows = np.arange(n)
    h1 = np.tanh(x @ w1 + b1)
    h2 = np.tanh(h1 @ w2 + b2)
    z = h2 @ w3 + b3
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    loss = np.mean(np.log(s[:, 0]) - z[rows, labels])
    d3 = e / s
    d3[rows, labels] -= 1
    d3 /= n
    d2 = (d3 @ w3.T) * (1 - h2 * h2)
    d1 = (d2 @ w2.T) * (1 - h1 * h1)
    grads = [x.T @ d1, d1.sum(axis=0), h1.T @ d2, d2.sum(axis=0), h2.T @ d3, d3.sum(axis=0)]
    return np.asarray(loss, dtype=p.dtype), grads


def numpy_hvp(p: Problem, v: Sequence[Array]) -> list[Array]:
    """Exact Hessian-vector product by the R-operator: R{gradient} along direction ``v``."""
    x, labels = p.x, p.labels
    w1, b1, w2, b2, w3, b3 = p.params
    v1, c1, v2, c2, v3, c3 = v
    n = x.shape[0]
    rows = np.arange(n)
    # forward, and its directional derivative R{.}
    h1 = np.tanh(x @ w1 + b1)
    r1 = (1 - h1 * h1) * (x @ v1 + c1)
    h2 = np.tanh(h1 @ w2 + b2)
    r2 = (1 - h2 * h2) * (r1 @ w2 + h1 @ v2 + c2)
    z = h2 @ w3 + b3
    rz = r2 @ w3 + h2 @ v3 + c3
    e = np.exp(z - z.max(axis=1, keepdims=True))
    prob = e / e.sum(axis=1, keepdims=True)
    rprob = prob * (rz - (prob * rz).sum(axis=1, keepdims=True))
    # backward, and R{.} of each of its lines
    d3 = prob.copy()
    d3[rows, labels] -= 1
    d3 /= n
    rd3 = rprob / n
    dh2 = d3 @ w3.T
    rdh2 = rd3 @ w3.T + d3 @ v3.T
    d2 = dh2 * (1 - h2 * h2)
    rd2 = rdh2 * (1 - h2 * h2) - 2 * dh2 * h2 * r2
    dh1 = d2 @ w2.T
    rdh1 = rd2 @ w2.T + d2 @ v2.T
    rd1 = rdh1 * (1 - h1 * h1) - 2 * dh1 * h1 * r1
    return [
        x.T @ rd1,
        rd1.sum(axis=0),
        r1.T @ d2 + h1.T @ rd2,
        rd2.sum(axis=0),
        r2.T @ d3 + h2.T @ rd3,
        rd3.sum(axis=0),
    ]


def tapediff_loss(x: td.Tensor, labels: Array, params: Sequence[td.Tensor]) -> td.Tensor:
    """The MLP's mean cross-entropy, written with tapediff ops."""
    w1, b1, w2, b2, w3, b3 = params
    h1 = td.tanh(x @ w1 + b1)
    h2 = td.tanh(h1 @ w2 + b2)
    return td.mean(td.cross_entropy(h2 @ w3 + b3, labels))


class TapediffMLP:
    """The problem as tapediff objects: a constant input tensor and one Variable per weight."""

    def __init__(self, p: Problem) -> None:
        self.x = td.tensor(p.x)
        self.labels = p.labels
        self.params = [td.Variable(w) for w in p.params]

    def step(self) -> tuple[Array, list[Array]]:
        """Forward and all weight gradients: (loss, gradients)."""
        with td.Tape() as tape:
            loss = tapediff_loss(self.x, self.labels, self.params)
        grads = tape.gradient(loss, self.params)
        return loss.numpy(), [g.numpy() for g in grads]

    def hvp(self, v: Sequence[td.Tensor]) -> list[Array]:
        """Hessian-vector product by differentiating the gradient on an outer tape."""
        with td.Tape() as outer:
            with td.Tape() as inner:
                loss = tapediff_loss(self.x, self.labels, self.params)
            grads = inner.gradient(loss, self.params)
            gv = reduce(td.add, [td.sum(g * vi) for g, vi in zip(grads, v, strict=True)])
        return [h.numpy() for h in outer.gradient(gv, self.params)]
