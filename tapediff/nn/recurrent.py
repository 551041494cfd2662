"""LSTM and GRU over time, single layer, with PyTorch's weight layout and equations.

Weights follow ``torch.nn.LSTM`` / ``torch.nn.GRU`` (one layer, one direction), so a state dict
of tensors converted to arrays loads directly (keys ``weight_ih``, ``weight_hh``, ``bias_ih``,
``bias_hh``, without PyTorch's ``_l0`` suffix):

- ``weight_ih`` is ``(G * hidden, input)``, ``weight_hh`` is ``(G * hidden, hidden)``, the two
  biases ``(G * hidden,)``, with the gate blocks stacked along the first axis: ``G = 4`` blocks
  ``i, f, g, o`` for the LSTM, ``G = 3`` blocks ``r, z, n`` for the GRU.

LSTM, per step (``sig`` the logistic sigmoid, ``*`` elementwise)::

    i  = sig(W_ii x + b_ii + W_hi h + b_hi)
    f  = sig(W_if x + b_if + W_hf h + b_hf)
    g  = tanh(W_ig x + b_ig + W_hg h + b_hg)
    o  = sig(W_io x + b_io + W_ho h + b_ho)
    c' = f * c + i * g
    h' = o * tanh(c')

GRU, per step (note ``r`` multiplies the hidden projection *including* its bias, as PyTorch)::

    r  = sig(W_ir x + b_ir + W_hr h + b_hr)
    z  = sig(W_iz x + b_iz + W_hz h + b_hz)
    n  = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h

The outputs are the hidden states ``h`` of every step, (T, N, hidden), or (N, T, hidden) with
``batch_first`` (which, as in PyTorch, applies to input and output, never to the state), and
the final state: ``(h_T, c_T)`` for the LSTM, ``h_T`` for the GRU, each (N, hidden).

Every weight and bias starts uniform on ``±1/sqrt(hidden)``, as PyTorch. The input-side
projection of all steps is one matmul before the loop; the loop does only the hidden side.
Gradients come from the tape through ordinary ops, so they are of any order.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

import tapediff as td

from ..tensor import Array, Tensor, TensorLike, Variable
from . import init
from ._util import RngLike, as_rng, shape_error
from .module import Module

__all__ = ["GRU", "LSTM", "gru", "lstm"]

Step = Callable[[Tensor, tuple[Tensor, ...]], tuple[Tensor, ...]]


def _check_weights(
    layer: str,
    gates: int,
    w_ih: TensorLike,
    w_hh: TensorLike,
    b_ih: TensorLike | None,
    b_hh: TensorLike | None,
) -> tuple[int, int]:
    """(input_size, hidden_size) from the weights, whose shapes must agree with each other."""
    s_ih, s_hh = np.shape(w_ih), np.shape(w_hh)
    if len(s_hh) != 2 or s_hh[0] != gates * s_hh[1]:
        raise ValueError(
            f"{layer}: weight_hh must have shape ({gates} * hidden, hidden); got {s_hh}"
        )
    hidden = s_hh[1]
    if len(s_ih) != 2 or s_ih[0] != gates * hidden:
        raise ValueError(
            f"{layer}: weight_ih must have shape ({gates * hidden}, input); got {s_ih}"
        )
    for name, b in (("bias_ih", b_ih), ("bias_hh", b_hh)):
        if b is not None and np.shape(b) != (gates * hidden,):
            raise ValueError(
                f"{layer}: {name} must have shape ({gates * hidden},); got {np.shape(b)}"
            )
    return s_ih[1], hidden


def _run(
    layer: str,
    x: TensorLike,
    state: tuple[TensorLike, ...] | None,
    n_state: int,
    w_ih: TensorLike,
    b_ih: TensorLike | None,
    input_size: int,
    hidden: int,
    batch_first: bool,
    step: Step,
) -> tuple[Tensor, tuple[Tensor, ...]]:
    """Check shapes, project the input once, run ``step`` over time, stack the outputs."""
    t = td.as_tensor(x)
    expected = f"(N, T, {input_size})" if batch_first else f"(T, N, {input_size})"
    if t.ndim != 3 or t.shape[2] != input_size:
        raise shape_error(layer, expected, t.shape)
    if batch_first:
        t = td.swapaxes(t, 0, 1)
    steps, batch = t.shape[0], t.shape[1]
    if steps == 0:
        raise shape_error(layer, expected + " with T >= 1", np.shape(x))
    if state is not None and not isinstance(state, tuple | list):
        raise TypeError(f"{layer}: state must be a tuple (h0, c0); got {type(state).__name__}")
    if state is None:
        zero = td.as_tensor(np.zeros((batch, hidden), dtype=t.dtype))
        carry: tuple[Tensor, ...] = (zero,) * n_state
    else:
        if len(state) != n_state:
            raise ValueError(f"{layer}: state must be {n_state} array(s); got {len(state)}")
        for s in state:
            if np.shape(s) != (batch, hidden):
                raise ValueError(
                    f"{layer}: expected state of shape ({batch}, {hidden}); got shape {np.shape(s)}"
                )
        carry = tuple(td.as_tensor(s) for s in state)
    proj = td.matmul(t, td.transpose(w_ih))  # (T, N, G * hidden)
    if b_ih is not None:
        proj = proj + b_ih
    outs = []
    for k in range(steps):
        carry = step(proj[k], carry)
        outs.append(carry[0])
    seq = td.stack(outs, axis=1 if batch_first else 0)
    return seq, carry


def lstm(
    x: TensorLike,
    state: tuple[TensorLike, TensorLike] | None,
    weight_ih: TensorLike,
    weight_hh: TensorLike,
    bias_ih: TensorLike | None = None,
    bias_hh: TensorLike | None = None,
    batch_first: bool = False,
) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """LSTM over ``x`` (T, N, in) from ``state`` (h0, c0) or zeros: (all h, (h_T, c_T))."""
    return _lstm("lstm", x, state, weight_ih, weight_hh, bias_ih, bias_hh, batch_first)


def _lstm(
    layer: str,
    x: TensorLike,
    state: tuple[TensorLike, TensorLike] | None,
    weight_ih: TensorLike,
    weight_hh: TensorLike,
    bias_ih: TensorLike | None,
    bias_hh: TensorLike | None,
    batch_first: bool,
) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    isz, hid = _check_weights(layer, 4, weight_ih, weight_hh, bias_ih, bias_hh)
    w_hh_t = td.transpose(weight_hh)

    def step(xp: Tensor, carry: tuple[Tensor, ...]) -> tuple[Tensor, ...]:
        h, c = carry
        z = xp + td.matmul(h, w_hh_t)
        if bias_hh is not None:
            z = z + bias_hh
        i = td.sigmoid(z[:, :hid])
        f = td.sigmoid(z[:, hid : 2 * hid])
        g = td.tanh(z[:, 2 * hid : 3 * hid])
        o = td.sigmoid(z[:, 3 * hid :])
        c = f * c + i * g
        return o * td.tanh(c), c

    seq, (h, c) = _run(layer, x, state, 2, weight_ih, bias_ih, isz, hid, batch_first, step)
    return seq, (h, c)


def gru(
    x: TensorLike,
    state: TensorLike | None,
    weight_ih: TensorLike,
    weight_hh: TensorLike,
    bias_ih: TensorLike | None = None,
    bias_hh: TensorLike | None = None,
    batch_first: bool = False,
) -> tuple[Tensor, Tensor]:
    """GRU over ``x`` (T, N, in) from ``state`` h0 or zeros: (all h, h_T)."""
    return _gru("gru", x, state, weight_ih, weight_hh, bias_ih, bias_hh, batch_first)


def _gru(
    layer: str,
    x: TensorLike,
    state: TensorLike | None,
    weight_ih: TensorLike,
    weight_hh: TensorLike,
    bias_ih: TensorLike | None,
    bias_hh: TensorLike | None,
    batch_first: bool,
) -> tuple[Tensor, Tensor]:
    isz, hid = _check_weights(layer, 3, weight_ih, weight_hh, bias_ih, bias_hh)
    w_hh_t = td.transpose(weight_hh)

    def step(xp: Tensor, carry: tuple[Tensor, ...]) -> tuple[Tensor, ...]:
        (h,) = carry
        hp = td.matmul(h, w_hh_t)
        if bias_hh is not None:
            hp = hp + bias_hh
        r = td.sigmoid(xp[:, :hid] + hp[:, :hid])
        z = td.sigmoid(xp[:, hid : 2 * hid] + hp[:, hid : 2 * hid])
        n = td.tanh(xp[:, 2 * hid :] + r * hp[:, 2 * hid :])
        return ((1.0 - z) * n + z * h,)

    init_state = None if state is None else (state,)
    seq, (h,) = _run(layer, x, init_state, 1, weight_ih, bias_ih, isz, hid, batch_first, step)
    return seq, h


class _Recurrent(Module):
    """Parameters shared by LSTM and GRU: ``gates`` blocks of ``hidden_size`` rows each."""

    gates = 0

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool,
        batch_first: bool,
        return_sequences: bool,
        dtype: npt.DTypeLike,
        rng: RngLike,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        if input_size < 1 or hidden_size < 1:
            raise ValueError(
                f"{name}: input_size and hidden_size must be positive; got {input_size}, "
                f"{hidden_size}"
            )
        self.input_size, self.hidden_size = input_size, hidden_size
        self.batch_first, self.return_sequences = batch_first, return_sequences
        g = as_rng(rng)
        k = 1.0 / math.sqrt(hidden_size)
        rows = self.gates * hidden_size

        def u(*shape: int) -> Array:
            return init.uniform(shape, -k, k, g, dtype)

        self.weight_ih = Variable(u(rows, input_size), name="weight_ih")
        self.weight_hh = Variable(u(rows, hidden_size), name="weight_hh")
        self.bias_ih = Variable(u(rows), name="bias_ih") if bias else None
        self.bias_hh = Variable(u(rows), name="bias_hh") if bias else None

    def _pick(self, seq: Tensor, last: Tensor) -> Tensor:
        return seq if self.return_sequences else last

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.input_size}, {self.hidden_size}, "
            f"batch_first={self.batch_first}, return_sequences={self.return_sequences})"
        )


class LSTM(_Recurrent):
    """LSTM layer: ``lstm(x, state)`` -> (h of every step, or the last; (h_T, c_T))."""

    gates = 4

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        batch_first: bool = False,
        return_sequences: bool = True,
        dtype: npt.DTypeLike = np.float64,
        rng: RngLike = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, batch_first, return_sequences, dtype, rng)

    def forward(
        self, x: TensorLike, state: tuple[TensorLike, TensorLike] | None = None
    ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        seq, (h, c) = _lstm(
            "LSTM",
            x,
            state,
            self.weight_ih,
            self.weight_hh,
            self.bias_ih,
            self.bias_hh,
            self.batch_first,
        )
        return self._pick(seq, h), (h, c)


class GRU(_Recurrent):
    """GRU layer: ``gru(x, h0)`` -> (h of every step, or the last; h_T)."""

    gates = 3

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        batch_first: bool = False,
        return_sequences: bool = True,
        dtype: npt.DTypeLike = np.float64,
        rng: RngLike = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, batch_first, return_sequences, dtype, rng)

    def forward(self, x: TensorLike, state: TensorLike | None = None) -> tuple[Tensor, Tensor]:
        seq, h = _gru(
            "GRU",
            x,
            state,
            self.weight_ih,
            self.weight_hh,
            self.bias_ih,
            self.bias_hh,
            self.batch_first,
        )
        return self._pick(seq, h), h
