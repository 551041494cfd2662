"""The train workload's two models, in NumPy by hand and in tapediff.nn.

conv: the convolutional part of ``examples/digits.py`` (NCHW): conv 3x3 (padding 1) -> relu ->
max-pool 2 -> conv 3x3 (padding 1) -> relu -> max-pool 2 -> flatten -> linear -> mean softmax
cross-entropy over integer labels.

lstm: an LSTM over T steps (PyTorch's gate layout i, f, g, o, zero initial state) whose last
hidden state goes through a linear layer into mean softmax cross-entropy.

The hand-written versions are what a careful person would write: im2col through
``sliding_window_view`` and one matmul per convolution, pooling through reshapes, the backward
pass reusing the forward's intermediates; for the LSTM, one input projection for all steps and
backpropagation through time with the gate activations kept from the forward pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

import tapediff as td
from tapediff import nn

Array = npt.NDArray[Any]

CONV_NAMES = ("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias")
LSTM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "fc.weight", "fc.bias")


@dataclass(frozen=True)
class ConvProblem:
    """A batch of images (N, C, S, S), integer labels, and the weights in PyTorch's layouts."""

    x: Array
    labels: npt.NDArray[np.intp]
    params: tuple[Array, ...]  # w1 (F1, C, 3, 3), b1, w2 (F2, F1, 3, 3), b2, w3 (K, F2*S*S/16), b3


@dataclass(frozen=True)
class LSTMProblem:
    """A sequence batch (T, N, D), labels, LSTM weights (4H rows) and the output layer."""

    x: Array
    labels: npt.NDArray[np.intp]
    params: tuple[Array, ...]  # w_ih (4H, D), w_hh (4H, H), b_ih, b_hh, w (K, H), b (K,)


def conv_problem(
    batch: int, size: int, channels: tuple[int, int, int], classes: int, seed: int
) -> ConvProblem:
    """Random images and weights scaled like PyTorch's default initialisation."""
    rng = np.random.default_rng(seed)
    c0, c1, c2 = channels
    x = rng.uniform(0.0, 1.0, (batch, c0, size, size))
    labels = rng.integers(0, classes, batch).astype(np.intp)

    def u(fan_in: int, *shape: int) -> Array:
        return rng.uniform(-1.0, 1.0, shape) / np.sqrt(fan_in)

    flat = c2 * (size // 4) ** 2
    params = (
        u(c0 * 9, c1, c0, 3, 3),
        u(c0 * 9, c1),
        u(c1 * 9, c2, c1, 3, 3),
        u(c1 * 9, c2),
        u(flat, classes, flat),
        u(flat, classes),
    )
    return ConvProblem(x, labels, params)


def lstm_problem(
    steps: int, batch: int, inputs: int, hidden: int, classes: int, seed: int
) -> LSTMProblem:
    """Random sequences and weights uniform on +-1/sqrt(hidden), as PyTorch's LSTM."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(steps, batch, inputs))
    labels = rng.integers(0, classes, batch).astype(np.intp)
    k = 1.0 / np.sqrt(hidden)

    def u(*shape: int) -> Array:
        return rng.uniform(-k, k, shape)

    params = (
        u(4 * hidden, inputs),
        u(4 * hidden, hidden),
        u(4 * hidden),
        u(4 * hidden),
        u(classes, hidden),
        u(classes),
    )
    return LSTMProblem(x, labels, params)


# ----- hand-written NumPy -----


def _softmax_ce(z: Array, labels: Array) -> tuple[Array, Array]:
    """Mean cross-entropy of logits ``z`` and its gradient with respect to ``z``."""
    n = z.shape[0]
    rows = np.arange(n)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    loss = np.mean(np.log(s[:, 0]) - z[rows, labels])
    dz = e / s
    dz[rows, labels] -= 1
    dz /= n
    return np.asarray(loss), dz


def _conv_fwd(x: Array, w: Array, b: Array) -> tuple[Array, Array]:
    """3x3 convolution, padding 1, of NHWC ``x``: (NHWC output, im2col matrix)."""
    n, h, wd, c = x.shape
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    cols = sliding_window_view(xp, (3, 3), axis=(1, 2)).reshape(n * h * wd, c * 9)
    wm = np.ascontiguousarray(w.reshape(w.shape[0], -1).T)  # (C*9, F), rows (c, i, j)
    return (cols @ wm + b).reshape(n, h, wd, -1), cols


def _conv_bwd(g: Array, cols: Array, w: Array, need_dx: bool) -> tuple[Array | None, Array, Array]:
    """Gradients of :func:`_conv_fwd` for output cotangent ``g`` (NHWC)."""
    n, h, wd, f = g.shape
    g2 = g.reshape(-1, f)
    dw = (g2.T @ cols).reshape(w.shape)
    db = g2.sum(axis=0)
    if not need_dx:
        return None, dw, db
    c = w.shape[1]
    dcols = (g2 @ w.reshape(f, -1)).reshape(n, h, wd, c, 3, 3)
    dxp = np.zeros((n, h + 2, wd + 2, c))
    for i in range(3):
        for j in range(3):
            dxp[:, i : i + h, j : j + wd] += dcols[..., i, j]
    return dxp[:, 1:-1, 1:-1], dw, db


def _pool_fwd(x: Array) -> tuple[Array, Array]:
    """2x2 max-pool of NHWC ``x``: (output, index of the winner in each window)."""
    n, h, w, c = x.shape
    win = x.reshape(n, h // 2, 2, w // 2, 2, c).transpose(0, 1, 3, 5, 2, 4)
    win = win.reshape(n, h // 2, w // 2, c, 4)
    arg = win.argmax(axis=-1)
    return np.take_along_axis(win, arg[..., None], axis=-1)[..., 0], arg


def _pool_bwd(g: Array, arg: Array) -> Array:
    n, ho, wo, c = g.shape
    dwin = np.zeros((n, ho, wo, c, 4))
    np.put_along_axis(dwin, arg[..., None], g[..., None], axis=-1)
    return (
        dwin.reshape(n, ho, wo, c, 2, 2).transpose(0, 1, 4, 2, 5, 3).reshape(n, 2 * ho, 2 * wo, c)
    )


def numpy_conv_step(p: ConvProblem) -> tuple[Array, list[Array]]:
    """Forward and hand-derived backward of the conv net: (loss, gradients in CONV_NAMES order).

    Intermediates stay channels-last (the natural layout of an im2col matmul); only the flatten
    before the linear layer follows the NCHW order of the model's definition.
    """
    w1, b1, w2, b2, w3, b3 = p.params
    x = p.x.transpose(0, 2, 3, 1)
    a1, cols1 = _conv_fwd(x, w1, b1)
    r1 = np.maximum(a1, 0)
    p1, arg1 = _pool_fwd(r1)
    a2, cols2 = _conv_fwd(p1, w2, b2)
    r2 = np.maximum(a2, 0)
    p2, arg2 = _pool_fwd(r2)
    n = x.shape[0]
    flat = p2.transpose(0, 3, 1, 2).reshape(n, -1)
    loss, dz = _softmax_ce(flat @ w3.T + b3, p.labels)
    dw3, db3 = dz.T @ flat, dz.sum(axis=0)
    dp2 = (dz @ w3).reshape(n, p2.shape[3], p2.shape[1], p2.shape[2]).transpose(0, 2, 3, 1)
    da2 = _pool_bwd(dp2, arg2) * (a2 > 0)
    dp1, dw2, db2 = _conv_bwd(da2, cols2, w2, True)
    assert dp1 is not None
    da1 = _pool_bwd(dp1, arg1) * (a1 > 0)
    _, dw1, db1 = _conv_bwd(da1, cols1, w1, False)
    return loss, [dw1, db1, dw2, db2, dw3, db3]


def _sig(a: Array) -> Array:
    out: Array = 1.0 / (1.0 + np.exp(-a))
    return out


def numpy_lstm_step(p: LSTMProblem) -> tuple[Array, list[Array]]:
    """Forward and backpropagation through time: (loss, gradients in LSTM_NAMES order)."""
    w_ih, w_hh, b_ih, b_hh, w, b = p.params
    steps, n, _ = p.x.shape
    hid = w_hh.shape[1]
    proj = p.x @ w_ih.T + (b_ih + b_hh)  # (T, N, 4H), every step's input side at once
    w_hh_t = np.ascontiguousarray(w_hh.T)
    hs = np.zeros((steps + 1, n, hid))
    cs = np.zeros((steps + 1, n, hid))
    gates = np.empty((steps, n, 4 * hid))  # activated i, f, g, o
    tcs = np.empty((steps, n, hid))
    for t in range(steps):
        z = proj[t] + hs[t] @ w_hh_t
        a = gates[t]
        a[:, : 2 * hid] = _sig(z[:, : 2 * hid])
        a[:, 2 * hid : 3 * hid] = np.tanh(z[:, 2 * hid : 3 * hid])
        a[:, 3 * hid :] = _sig(z[:, 3 * hid :])
        i, f, g, o = a[:, :hid], a[:, hid : 2 * hid], a[:, 2 * hid : 3 * hid], a[:, 3 * hid :]
        cs[t + 1] = f * cs[t] + i * g
        tcs[t] = np.tanh(cs[t + 1])
        hs[t + 1] = o * tcs[t]
    loss, dz = _softmax_ce(hs[steps] @ w.T + b, p.labels)
    dw, db = dz.T @ hs[steps], dz.sum(axis=0)
    dh = dz @ w
    dc = np.zeros((n, hid))
    dgates = np.empty((steps, n, 4 * hid))  # gradients of the pre-activations
    for t in reversed(range(steps)):
        a = gates[t]
        i, f, g, o = a[:, :hid], a[:, hid : 2 * hid], a[:, 2 * hid : 3 * hid], a[:, 3 * hid :]
        tc = tcs[t]
        dc = dc + dh * o * (1 - tc * tc)
        dzt = dgates[t]
        dzt[:, :hid] = dc * g * i * (1 - i)
        dzt[:, hid : 2 * hid] = dc * cs[t] * f * (1 - f)
        dzt[:, 2 * hid : 3 * hid] = dc * i * (1 - g * g)
        dzt[:, 3 * hid :] = dh * tc * o * (1 - o)
        dc = dc * f
        dh = dzt @ w_hh
    dflat = dgates.reshape(steps * n, 4 * hid)
    dw_ih = dflat.T @ p.x.reshape(steps * n, -1)
    dw_hh = dflat.T @ hs[:steps].reshape(steps * n, hid)
    db_all = dflat.sum(axis=0)
    return loss, [dw_ih, dw_hh, db_all, db_all.copy(), dw, db]


# ----- tapediff.nn -----


class ConvNet(nn.Module):
    """The conv net as tapediff.nn layers."""

    def __init__(self, p: ConvProblem) -> None:
        super().__init__()
        w1, _, w2, _, w3, _ = p.params
        self.conv1 = nn.Conv2D(w1.shape[1], w1.shape[0], 3, padding=1)
        self.conv2 = nn.Conv2D(w2.shape[1], w2.shape[0], 3, padding=1)
        self.pool = nn.MaxPool2D(2)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(w3.shape[1], w3.shape[0])
        self.load_state_dict(dict(zip(CONV_NAMES, p.params, strict=True)))

    def forward(self, x: Any) -> td.Tensor:
        x = self.pool(td.relu(self.conv1(x)))
        x = self.pool(td.relu(self.conv2(x)))
        return self.fc(self.flatten(x))


class LSTMNet(nn.Module):
    """LSTM, then a linear layer on the last hidden state."""

    def __init__(self, p: LSTMProblem) -> None:
        super().__init__()
        w_ih, w_hh, _, _, w, _ = p.params
        self.lstm = nn.LSTM(w_ih.shape[1], w_hh.shape[1], return_sequences=False)
        self.fc = nn.Linear(w.shape[1], w.shape[0])
        names = ["lstm." + n for n in LSTM_NAMES[:4]] + list(LSTM_NAMES[4:])
        self.load_state_dict(dict(zip(names, p.params, strict=True)))

    def forward(self, x: Any) -> td.Tensor:
        last, _ = self.lstm(x)
        return self.fc(last)


class TapediffStep:
    """One training step of a model: forward, mean cross-entropy, every parameter's gradient."""

    def __init__(self, model: nn.Module, x: Array, labels: Array) -> None:
        self.model = model
        self.x = td.tensor(x)
        self.labels = labels
        self.params = model.parameters()

    def step(self) -> tuple[Array, list[Array]]:
        with td.Tape() as tape:
            loss = nn.losses.cross_entropy(self.model(self.x), self.labels)
        grads = tape.gradient(loss, self.params)
        return loss.numpy(), [np.asarray(g) for g in grads]
