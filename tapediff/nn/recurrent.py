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

Each layer's whole recurrence is one primitive (``lstm_sequence``, ``gru_sequence``): recorded
step by step, the per-step slices would make the backward pass O(T^2). Their VJPs run
backpropagation through time written in tapediff ops, so derivatives of any order come from the
tape; the LSTM's first-order pass (raw arrays, nothing recording) runs the same formulas in
NumPy, held equal to the tapediff version by a test.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

import tapediff as td

from ..ops._primitive import primitive
from ..tensor import Array, Tensor, TensorLike, Variable
from . import init
from ._util import RngLike, as_rng, shape_error
from .module import Module

__all__ = ["GRU", "LSTM", "gru", "lstm"]


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


def _prepare(
    layer: str,
    x: TensorLike,
    state: tuple[TensorLike, ...] | None,
    n_state: int,
    input_size: int,
    hidden: int,
    batch_first: bool,
) -> tuple[Tensor, tuple[Tensor, ...]]:
    """Check shapes: the input time-major (T, N, in) and the initial state (zeros if None)."""
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
        return t, (zero,) * n_state
    if len(state) != n_state:
        raise ValueError(f"{layer}: state must be {n_state} array(s); got {len(state)}")
    for s in state:
        if np.shape(s) != (batch, hidden):
            raise ValueError(
                f"{layer}: expected state of shape ({batch}, {hidden}); got shape {np.shape(s)}"
            )
    return t, tuple(td.as_tensor(s) for s in state)


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
    t, (h0, c0) = _prepare(layer, x, state, 2, isz, hid, batch_first)
    steps, n, _ = t.shape
    x2d = td.reshape(t, (steps * n, isz))  # step k in rows k * N to (k + 1) * N
    bias = _bias_sum(bias_ih, bias_hh)
    if bias is None:  # a constant zero: no gradient is computed for it
        bias = td.as_tensor(np.zeros(4 * hid, dtype=np.result_type(t.dtype, h0.dtype)))
    # (T, N, 7 * hidden): h, c, tanh(c) and the gates i, f, g, o of every step
    states = _lstm_seq.bind(x2d, weight_ih, bias, h0, c0, weight_hh)
    seq = _block(states, (slice(None), slice(None), slice(0, hid)))
    if batch_first:
        seq = td.swapaxes(seq, 0, 1)
    h_t = _block(states, (-1, slice(None), slice(0, hid)))
    c_t = _block(states, (-1, slice(None), slice(hid, 2 * hid)))
    return seq, (h_t, c_t)


def _project(t: Tensor, w_ih: TensorLike) -> Tensor:
    """``t @ w_ih.T`` for (T, N, in) ``t`` as one 2-d matmul, (T * N, G * hidden), step k in
    rows k * N to (k + 1) * N: a 3-d operand makes the weight's gradient T small products and
    a sum instead of one product."""
    steps, n, d = t.shape
    return td.matmul(td.reshape(t, (steps * n, d)), td.transpose(w_ih))


def _bias_sum(b_ih: TensorLike | None, b_hh: TensorLike | None) -> Tensor | None:
    """Both biases add to every step's pre-activations: added once, before the loop."""
    if b_ih is None:
        return None if b_hh is None else td.as_tensor(b_hh)
    if b_hh is None:
        return td.as_tensor(b_ih)
    return td.add(b_ih, b_hh)


# Blocks of a recurrence's output (a basic-slicing key), with a gradient that writes the
# cotangent into fresh zeros. getitem's gradient goes through scatter_add, which first copies
# its zero operand (it may not write into an input): a full extra pass over the whole
# (T, N, 7H) state array for every block taken. The pair is closed under differentiation.
@primitive("recurrent_block")
def _block_fwd(x: Array, *, key: tuple[Any, ...]) -> Array:
    out: Array = x[key]
    return out


@primitive("recurrent_unblock")
def _unblock_fwd(g: Array, *, key: tuple[Any, ...], shape: tuple[int, ...]) -> Array:
    out = np.zeros(shape, dtype=np.asarray(g).dtype)
    out[key] = g
    return out


_block_fwd.defvjp(lambda g, out, x, *, key: _unblock_fwd.bind(g, key=key, shape=x.shape))
_unblock_fwd.defvjp(lambda u, out, g, *, key, shape: _block_fwd.bind(u, key=key))


def _block(x: Tensor, key: tuple[Any, ...]) -> Tensor:
    return _block_fwd.bind(x, key=key)


# The whole recurrence is one primitive: sliced step by step on the tape, every time step and
# every gate would be a getitem whose gradient is a zero array of the full (T, N, 4H) size, so
# the backward pass would cost O(T^2). Its output keeps, besides h and c, what the backward pass
# needs (tanh(c) and the gate activations), as a hand-written backward pass would; those blocks
# are outputs like any other, with their own cotangents, so the VJP is exact for any use of the
# output. The VJP runs backpropagation through time with tapediff ops: derivatives of any order
# come from the tape.
@primitive("lstm_sequence")
def _lstm_seq(x: Array, w_ih: Array, b: Array, h0: Array, c0: Array, w_hh: Array) -> Array:
    n, hid = h0.shape
    steps = x.shape[0] // n
    # The input side of every step at once, the bias added in place (x is (T * N, in)).
    proj = x @ w_ih.T
    proj += b
    proj = proj.reshape(steps, n, 4 * hid)
    out = np.empty((steps, n, 7 * hid), dtype=np.result_type(proj, h0, c0, w_hh))
    w_t = np.ascontiguousarray(w_hh.T)
    h, c = h0, c0
    # exp(-z) overflows to inf for z < -709, where 1 / (1 + inf) is the correct 0. The
    # exp form of the sigmoid is twice as fast as the tanh form; operations on contiguous
    # temporaries, then one copy into the strided blocks, beat in-place work on the blocks.
    with np.errstate(over="ignore"):
        for k in range(steps):
            z = proj[k] + h @ w_t
            o_k = out[k]
            o_k[:, 3 * hid : 5 * hid] = 1.0 / (1.0 + np.exp(-z[:, : 2 * hid]))  # i, f
            o_k[:, 5 * hid : 6 * hid] = g = np.tanh(z[:, 2 * hid : 3 * hid])
            o_k[:, 6 * hid :] = o = 1.0 / (1.0 + np.exp(-z[:, 3 * hid :]))
            c = o_k[:, 4 * hid : 5 * hid] * c + o_k[:, 3 * hid : 4 * hid] * g
            o_k[:, hid : 2 * hid] = c
            o_k[:, 2 * hid : 3 * hid] = tc = np.tanh(c)
            o_k[:, :hid] = h = o * tc
    return out


def _lstm_seq_vjp(
    grad: Any, out: Any, x: Any, w_ih: Any, b: Any, h0: Any, c0: Any, w_hh: Any
) -> tuple[Any, ...]:
    if all(type(a) is np.ndarray for a in (grad, out, x, w_ih, b, h0, c0, w_hh)):
        dp, dh0, dc0, dw_hh = _lstm_bptt_numpy(grad, out, h0, c0, w_hh)
        return dp @ w_ih, dp.T @ x, dp.sum(axis=0), dh0, dc0, dw_hh
    dp, dh0, dc0, dw_hh = _lstm_bptt(grad, out, h0, c0, w_hh)
    dx = td.matmul(dp, w_ih)
    return dx, td.matmul(td.transpose(dp), x), td.sum(dp, axis=0), dh0, dc0, dw_hh


def _lstm_bptt_numpy(
    grad: Array, out: Array, h0: Array, c0: Array, w_hh: Array
) -> tuple[Array, Array, Array, Array]:
    """:func:`_lstm_bptt` in NumPy, for a first-order backward pass (raw arrays in: nothing
    records it). Step-by-step tapediff ops cost about twice a hand-written backward pass here;
    this is that hand-written pass. It computes the same formulas as :func:`_lstm_bptt`, which
    serves every higher-order pass, and a test holds the two to each other."""
    steps, n, h7 = out.shape
    hid = h7 // 7
    hs, cs, tc = out[:, :, :hid], out[:, :, hid : 2 * hid], out[:, :, 2 * hid : 3 * hid]
    gates = out[:, :, 3 * hid :]
    dh_out, dc_out, extra = grad[:, :, :hid], grad[:, :, hid : 2 * hid], grad[:, :, 2 * hid :]
    dz_extra = None
    if extra.any():
        i, f, g, o = (gates[:, :, k * hid : (k + 1) * hid] for k in range(4))
        act = np.concatenate([i * (1 - i), f * (1 - f), 1 - g * g, o * (1 - o)], axis=2)
        dz_extra = extra[:, :, hid:] * act
        dc_out = dc_out + extra[:, :, :hid] * (1 - tc * tc)
    dzs = np.empty((steps, n, 4 * hid), dtype=np.result_type(grad, out, w_hh))
    dh = np.zeros((n, hid), dtype=dzs.dtype)
    dc = np.zeros((n, hid), dtype=dzs.dtype)
    for k in reversed(range(steps)):
        i, f, g, o = (gates[k, :, j * hid : (j + 1) * hid] for j in range(4))
        tck = tc[k]
        dh = dh + dh_out[k]
        dc = dc + dc_out[k] + dh * o * (1 - tck * tck)
        dz = dzs[k]
        dz[:, :hid] = dc * g * i * (1 - i)
        dz[:, hid : 2 * hid] = dc * (cs[k - 1] if k else c0) * f * (1 - f)
        dz[:, 2 * hid : 3 * hid] = dc * i * (1 - g * g)
        dz[:, 3 * hid :] = dh * tck * o * (1 - o)
        if dz_extra is not None:
            dz += dz_extra[k]
        dc = dc * f
        dh = dz @ w_hh
    h_prev = np.concatenate([h0[None], hs[:-1]], axis=0).reshape(steps * n, hid)
    dzs2 = dzs.reshape(steps * n, 4 * hid)  # the layout of proj
    return dzs2, dh, dc, dzs2.T @ h_prev


def _lstm_bptt(grad: Any, out: Any, h0: Any, c0: Any, w_hh: Any) -> tuple[Any, Any, Any, Any]:
    """Backpropagation through time in tapediff ops (higher-order passes record it)."""
    steps, n, h7 = out.shape
    g4 = 4 * (h7 // 7)
    hid = g4 // 4
    hs, cs, tc = out[:, :, :hid], out[:, :, hid : 2 * hid], out[:, :, 2 * hid : 3 * hid]
    gates = out[:, :, 3 * hid :]
    i, f, g, o = (gates[:, :, k * hid : (k + 1) * hid] for k in range(4))
    h_prev = td.concatenate([td.reshape(h0, (1, n, hid)), hs[:-1]], axis=0)
    c_prev = td.concatenate([td.reshape(c0, (1, n, hid)), cs[:-1]], axis=0)
    # Each gate's derivative with respect to its pre-activation, and what multiplies it in the
    # derivative of c (i, f, g) or h (o); for all steps at once.
    act = td.concatenate([i * (1.0 - i), f * (1.0 - f), 1.0 - g * g, o * (1.0 - o)], axis=2)
    local = td.concatenate([g, c_prev, i, tc], axis=2) * act
    dtc = 1.0 - tc * tc
    dc_dh = o * dtc
    dh_out, dc_out = grad[:, :, :hid], grad[:, :, hid : 2 * hid]
    # Cotangents of the saved tanh(c) and gates: zero in a first-order pass, where the layer
    # uses only h and c (skipped then), but honoured for any other use.
    extra = grad[:, :, 2 * hid :]
    unused = isinstance(extra, np.ndarray) and not extra.any()
    dz_extra = None if unused else extra[:, :, hid:] * act
    if not unused:
        dc_out = dc_out + extra[:, :, :hid] * dtc
    dzs: list[Any] = []
    dh: Any = None
    dc: Any = None
    for k in reversed(range(steps)):
        dh = dh_out[k] if dh is None else dh_out[k] + dh
        dc = dc_out[k] + dh * dc_dh[k] if dc is None else dc_out[k] + dc + dh * dc_dh[k]
        dz = td.concatenate([dc, dc, dc, dh], axis=1) * local[k]
        if dz_extra is not None:
            dz = dz + dz_extra[k]
        dzs.append(dz)
        dc = dc * f[k]
        dh = td.matmul(dz, w_hh)
    dproj = td.reshape(td.stack(dzs[::-1]), (steps * n, g4))  # the layout of proj
    dw_hh = td.matmul(td.transpose(dproj), td.reshape(h_prev, (steps * n, hid)))
    return dproj, dh, dc, dw_hh


_lstm_seq.defvjp_all(_lstm_seq_vjp)


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
    init_state = None if state is None else (state,)
    t, (h0,) = _prepare(layer, x, init_state, 1, isz, hid, batch_first)
    proj = _project(t, weight_ih)  # (T * N, 3 * hidden), every step at once
    if bias_ih is not None:
        proj = proj + bias_ih
    # bias_hh cannot join bias_ih: r multiplies the hidden side's n block with its bias.
    b_hh = bias_hh if bias_hh is not None else td.as_tensor(np.zeros(3 * hid, dtype=proj.dtype))
    seq = _gru_seq.bind(proj, h0, weight_hh, b_hh)  # (T, N, hidden)
    last = _block(seq, (-1,))
    if batch_first:
        seq = td.swapaxes(seq, 0, 1)
    return seq, last


# One primitive for the whole recurrence, for the same reason as the LSTM's.
@primitive("gru_sequence")
def _gru_seq(proj: Array, h0: Array, w_hh: Array, b_hh: Array) -> Array:
    n, hid = h0.shape
    steps = proj.shape[0] // n
    proj = proj.reshape(steps, n, 3 * hid)
    out = np.empty((steps, n, hid), dtype=np.result_type(proj, h0, w_hh, b_hh))
    w_t = np.ascontiguousarray(w_hh.T)
    h = h0
    for k in range(steps):
        xp = proj[k]
        hp = h @ w_t + b_hh
        with np.errstate(over="ignore"):  # exp -> inf gives the correct 0, as for the LSTM
            rz = 1.0 / (1.0 + np.exp(-(xp[:, : 2 * hid] + hp[:, : 2 * hid])))
        r, z = rz[:, :hid], rz[:, hid:]
        new = np.tanh(xp[:, 2 * hid :] + r * hp[:, 2 * hid :])
        h = new + z * (h - new)  # (1 - z) * new + z * h
        out[k] = h
    return out


def _gru_seq_vjp(
    grad: Any, out: Any, proj: Any, h0: Any, w_hh: Any, b_hh: Any
) -> tuple[Any, Any, Any, Any]:
    steps, n, hid = out.shape
    g3 = 3 * hid
    proj = proj.reshape(steps, n, g3)
    h_prev = td.concatenate([td.reshape(h0, (1, n, hid)), out[:-1]], axis=0)
    hp = td.matmul(h_prev, td.transpose(w_hh)) + b_hh
    r = td.sigmoid(proj[:, :, :hid] + hp[:, :, :hid])
    z = td.sigmoid(proj[:, :, hid : 2 * hid] + hp[:, :, hid : 2 * hid])
    hn = hp[:, :, 2 * hid :]
    new = td.tanh(proj[:, :, 2 * hid :] + r * hn)
    # Local derivatives of h with respect to the pre-activations of r, z, n (input side), for
    # all steps at once; the hidden side's n block is further scaled by r.
    d_n = (1.0 - z) * (1.0 - new * new)
    local = td.concatenate(
        [d_n * hn * (r * (1.0 - r)), (h_prev - new) * (z * (1.0 - z)), d_n], axis=2
    )
    ones = td.as_tensor(np.ones((steps, n, 2 * hid), dtype=local.dtype))
    hidden_scale = td.concatenate([ones, r], axis=2)
    dxs: list[Any] = []
    dhs: list[Any] = []
    dh: Any = None
    for k in reversed(range(steps)):
        dh = grad[k] if dh is None else grad[k] + dh
        dx = td.concatenate([dh, dh, dh], axis=1) * local[k]
        dhp = dx * hidden_scale[k]
        dxs.append(dx)
        dhs.append(dhp)
        dh = dh * z[k] + td.matmul(dhp, w_hh)
    dproj = td.reshape(td.stack(dxs[::-1]), (steps * n, g3))  # the layout of proj
    dhp_all = td.reshape(td.stack(dhs[::-1]), (steps * n, g3))
    dw_hh = td.matmul(td.transpose(dhp_all), td.reshape(h_prev, (steps * n, hid)))
    return dproj, dh, dw_hh, td.sum(dhp_all, axis=0)


_gru_seq.defvjp_all(_gru_seq_vjp)


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
