"""A chain of small elementwise ops (``*``, ``+``, and ``tanh`` every 10th), three ways.

Used by the per-op workload (float64 arrays of shape (4,)) and the deep workload (0-d scalars).
The constants are chosen so that neither the values nor the gradient blow up or vanish over a
million ops: the chain settles on a fixed point where one 10-op block's derivative is 0.9994, so
the gradient shrinks only to ~1e-26 after 10^6 ops and never reaches subnormal numbers (which
would make the arithmetic itself slower and the timing about the CPU, not the library).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

import tapediff as td
from tapediff.tensor import TensorLike

MUL, ADD, TANH = 0, 1, 2
Array = npt.NDArray[np.float64]
Operand = Array | float  # np.float64 is a float


def kinds(n: int) -> tuple[int, ...]:
    """Op kinds of an ``n``-op chain: tanh every 10th, else alternating multiply and add."""
    return tuple(TANH if i % 10 == 9 else MUL if i % 2 == 0 else ADD for i in range(n))


def scalar_constants() -> tuple[float, float, float]:
    """(start, factor, offset) putting the scalar chain at its fixed point from the first op."""
    block = 1.001  # product of the five factors in a block
    a = block ** (1 / 5)
    y = 0.04  # fixed point: block derivative block * (1 - y**2) = 0.9994
    # One block maps y to tanh(a**5 y + b (a**4 + a**3 + a**2 + a)); solve for b at y.
    b = (np.arctanh(y) - block * y) / (a**4 + a**3 + a**2 + a)
    return y, a, float(b)


def array_constants(shape: tuple[int, ...], seed: int) -> tuple[Array, Array, Array]:
    """(start, factors, offsets) for a chain on arrays: random, near the scalar fixed point."""
    rng = np.random.default_rng(seed)
    y, a, b = scalar_constants()
    x0 = y * rng.uniform(0.5, 1.5, shape)
    return x0, np.full(shape, a), np.full(shape, b) * rng.uniform(0.5, 1.5, shape)


def numpy_chain(x0: Operand, a: Operand, b: Operand, ops: Sequence[int]) -> tuple[Array, Array]:
    """Hand-written forward and backward: (output, d sum(output) / d x0)."""
    y = x0
    tanh_out = []
    for k in ops:
        if k == MUL:
            y = y * a
        elif k == ADD:
            y = y + b
        else:
            y = np.tanh(y)
            tanh_out.append(y)
    g = np.ones_like(y)
    j = len(tanh_out)
    for k in reversed(ops):
        if k == MUL:
            g = g * a
        elif k == TANH:
            j -= 1
            t = tanh_out[j]
            g = g * (1.0 - t * t)
    return np.asarray(y), np.asarray(g)


def tapediff_chain(
    x0: td.Tensor, a: TensorLike, b: TensorLike, ops: Sequence[int]
) -> tuple[Array, Array]:
    """The same chain recorded on a tape and differentiated: (output, gradient)."""
    with td.Tape() as tape:
        tape.watch(x0)
        y = x0
        for k in ops:
            if k == MUL:
                y = y * a
            elif k == ADD:
                y = y + b
            else:
                y = td.tanh(y)
    g = tape.gradient(y, x0)
    return y.numpy(), g.numpy()


def numpy_forward(x0: Operand, a: Operand, b: Operand, ops: Sequence[int]) -> Operand:
    """The forward pass alone, keeping nothing for a backward pass."""
    y = x0
    for k in ops:
        if k == MUL:
            y = y * a
        elif k == ADD:
            y = y + b
        else:
            y = np.tanh(y)
    return y


def tapediff_forward(x0: td.Tensor, a: TensorLike, b: TensorLike, ops: Sequence[int]) -> td.Tensor:
    """The forward pass with no tape active: what every op costs when nothing records it."""
    y = x0
    for k in ops:
        if k == MUL:
            y = y * a
        elif k == ADD:
            y = y + b
        else:
            y = td.tanh(y)
    return y
