"""LSTM and GRU against step-by-step NumPy references of PyTorch's equations, with gradchecks."""

from __future__ import annotations

import numpy as np
import pytest

import tapediff as td
from tapediff import nn
from tapediff.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(5)
T, N, IN, H = 4, 2, 3, 5


def sig(a: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-a)))


def lstm_ref(
    x: np.ndarray, h: np.ndarray, c: np.ndarray, *params: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(T, N, in) time-major; gate rows i, f, g, o."""
    wi, wh, bi, bh = params
    outs = []
    for t in range(x.shape[0]):
        z = x[t] @ wi.T + bi + h @ wh.T + bh
        i, f, g, o = np.split(z, 4, axis=1)
        c = sig(f) * c + sig(i) * np.tanh(g)
        h = sig(o) * np.tanh(c)
        outs.append(h)
    return np.stack(outs), h, c


def gru_ref(
    x: np.ndarray, h: np.ndarray, wi: np.ndarray, wh: np.ndarray, bi: np.ndarray, bh: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(T, N, in) time-major; gate rows r, z, n."""
    outs = []
    for t in range(x.shape[0]):
        xr, xz, xn = np.split(x[t] @ wi.T + bi, 3, axis=1)
        hr, hz, hn = np.split(h @ wh.T + bh, 3, axis=1)
        r, z = sig(xr + hr), sig(xz + hz)
        n = np.tanh(xn + r * hn)
        h = (1 - z) * n + z * h
        outs.append(h)
    return np.stack(outs), h


def _params(m: nn.Module) -> list[np.ndarray]:
    return [p.numpy() for p in m.parameters()]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_lstm_forward_matches_reference(batch_first: bool, with_state: bool) -> None:
    m = nn.LSTM(IN, H, batch_first=batch_first, rng=0)
    assert [n for n, _ in m.named_parameters()] == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    assert m.weight_ih.shape == (4 * H, IN) and m.weight_hh.shape == (4 * H, H)
    x = RNG.normal(size=(T, N, IN))
    h0, c0 = (RNG.normal(size=(N, H)), RNG.normal(size=(N, H)))
    zero = np.zeros((N, H))
    ref_seq, ref_h, ref_c = lstm_ref(
        x, h0 if with_state else zero, c0 if with_state else zero, *_params(m)
    )
    xin = x.swapaxes(0, 1) if batch_first else x
    seq, (h, c) = m(xin, (h0, c0) if with_state else None)
    got = seq.numpy().swapaxes(0, 1) if batch_first else seq.numpy()
    np.testing.assert_allclose(got, ref_seq, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(h.numpy(), ref_h, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(c.numpy(), ref_c, rtol=1e-12, atol=1e-14)
    m.return_sequences = False
    last, _ = m(xin, (h0, c0) if with_state else None)
    np.testing.assert_array_equal(last.numpy(), h.numpy())


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_gru_forward_matches_reference(batch_first: bool, with_state: bool) -> None:
    m = nn.GRU(IN, H, batch_first=batch_first, rng=1)
    assert m.weight_ih.shape == (3 * H, IN) and m.bias_hh is not None
    x = RNG.normal(size=(T, N, IN))
    h0 = RNG.normal(size=(N, H))
    ref_seq, ref_h = gru_ref(x, h0 if with_state else np.zeros((N, H)), *_params(m))
    xin = x.swapaxes(0, 1) if batch_first else x
    seq, h = m(xin, h0 if with_state else None)
    got = seq.numpy().swapaxes(0, 1) if batch_first else seq.numpy()
    np.testing.assert_allclose(got, ref_seq, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(h.numpy(), ref_h, rtol=1e-12, atol=1e-14)
    last, _ = nn.GRU(IN, H, batch_first=batch_first, return_sequences=False, rng=1)(
        xin, h0 if with_state else None
    )
    np.testing.assert_array_equal(last.numpy(), h.numpy())


def _flat(out: tuple[td.Tensor, tuple[td.Tensor, td.Tensor]]) -> list[td.Tensor]:
    return [out[0], *out[1]]


def test_lstm_gradcheck_over_steps() -> None:
    m = nn.LSTM(IN, H, rng=2)
    x, h0, c0 = RNG.normal(size=(T, N, IN)), RNG.normal(size=(N, H)), RNG.normal(size=(N, H))
    gradcheck(
        lambda x, h0, c0, wi, wh, bi, bh: _flat(nn.lstm(x, (h0, c0), wi, wh, bi, bh)),
        [x, h0, c0, *_params(m)],
    )
    # batch-first, no bias, no initial state
    gradcheck(
        lambda x, wi, wh: nn.lstm(x, None, wi, wh, batch_first=True)[0],
        [x.swapaxes(0, 1), *_params(m)[:2]],
    )


def test_gru_gradcheck_over_steps() -> None:
    m = nn.GRU(IN, H, rng=3)
    x, h0 = RNG.normal(size=(T, N, IN)), RNG.normal(size=(N, H))
    gradcheck(
        lambda x, h0, wi, wh, bi, bh: list(nn.gru(x, h0, wi, wh, bi, bh)),
        [x, h0, *_params(m)],
    )
    gradcheck(
        lambda x, wi, wh: nn.gru(x, None, wi, wh, batch_first=True)[0],
        [x.swapaxes(0, 1), *_params(m)[:2]],
    )


def test_recurrent_second_order() -> None:
    m = nn.GRU(2, 3, rng=4)
    x = RNG.normal(size=(3, 1, 2))
    wi, wh, bi, bh = _params(m)
    gradcheck(
        lambda wh: td.grad(lambda w: td.sum(nn.gru(x, None, wi, w, bi, bh)[1] ** 2))(wh), [wh]
    )
    lm = nn.LSTM(2, 2, rng=5)
    lp = _params(lm)
    gradcheck(
        lambda wi: td.grad(lambda w: td.sum(nn.lstm(x, None, w, lp[1], lp[2], lp[3])[1][1] ** 2))(
            wi
        ),
        [lp[0]],
    )


def test_recurrent_layer_gradient_and_float32() -> None:
    m = nn.LSTM(IN, H, batch_first=True, dtype=np.float32, rng=6)
    x = RNG.normal(size=(N, T, IN)).astype(np.float32)
    with td.Tape() as tape:
        seq, (h, c) = m(x)
        loss = td.sum(seq) + td.sum(c)
    assert seq.dtype == np.float32 and seq.shape == (N, T, H) and h.shape == (N, H)
    grads = tape.gradient(loss, m.parameters())
    assert [np.asarray(g).shape for g in grads] == [p.shape for p in m.parameters()]
    g = nn.GRU(IN, H, bias=False, rng=7)
    assert [n for n, _ in g.named_parameters()] == ["weight_ih", "weight_hh"]
    assert g(RNG.normal(size=(T, N, IN)))[0].shape == (T, N, H)


def test_recurrent_state_dict_roundtrip() -> None:
    a, b = nn.LSTM(IN, H, rng=8), nn.LSTM(IN, H, rng=9)
    b.load_state_dict(a.state_dict())
    x = RNG.normal(size=(T, N, IN))
    np.testing.assert_array_equal(a(x)[0].numpy(), b(x)[0].numpy())


def test_recurrent_errors() -> None:
    lstm, gru = nn.LSTM(IN, H, rng=0), nn.GRU(IN, H, batch_first=True, rng=0)
    with pytest.raises(
        ValueError, match=r"LSTM: expected input of shape \(T, N, 3\); got shape \(4, 2, 5\)"
    ):
        lstm(np.ones((4, 2, 5)))
    with pytest.raises(
        ValueError, match=r"GRU: expected input of shape \(N, T, 3\); got shape \(4, 3\)"
    ):
        gru(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"LSTM: expected input of shape \(T, N, 3\) with T >= 1"):
        lstm(np.ones((0, 2, 3)))
    with pytest.raises(
        ValueError, match=r"LSTM: expected state of shape \(2, 5\); got shape \(1, 5\)"
    ):
        lstm(np.ones((4, 2, 3)), (np.ones((2, 5)), np.ones((1, 5))))
    with pytest.raises(ValueError, match=r"LSTM: state must be 2 array\(s\); got 1"):
        lstm(np.ones((4, 2, 3)), (np.ones((2, 5)),))
    with pytest.raises(TypeError, match=r"LSTM: state must be a tuple \(h0, c0\); got ndarray"):
        lstm(np.ones((4, 2, 3)), np.ones((2, 5)))
    with pytest.raises(
        ValueError, match=r"GRU: expected state of shape \(2, 5\); got shape \(2, 4\)"
    ):
        gru(np.ones((2, 4, 3)), np.ones((2, 4)))
    with pytest.raises(
        ValueError, match=r"gru: weight_hh must have shape \(3 \* hidden, hidden\); got \(8, 4\)"
    ):
        nn.gru(np.ones((1, 1, 2)), None, np.ones((12, 2)), np.ones((8, 4)))
    with pytest.raises(ValueError, match=r"lstm: weight_ih must have shape \(16, input\)"):
        nn.lstm(np.ones((1, 1, 2)), None, np.ones((12, 2)), np.ones((16, 4)))
    with pytest.raises(ValueError, match=r"lstm: bias_hh must have shape \(16,\); got \(12,\)"):
        nn.lstm(
            np.ones((1, 1, 2)), None, np.ones((16, 2)), np.ones((16, 4)), np.ones(16), np.ones(12)
        )
    with pytest.raises(ValueError, match="GRU: input_size and hidden_size must be positive"):
        nn.GRU(0, 3)


def test_recurrent_second_order_through_every_input() -> None:
    """The fused recurrences' VJPs are tapediff ops: second derivatives with respect to the
    hidden weights, biases and the initial state go through them."""
    x = RNG.normal(size=(3, 2, 2))
    h0, c0 = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3))
    lp = _params(nn.LSTM(2, 3, rng=6))
    gp = _params(nn.GRU(2, 3, rng=7))

    def lstm_loss(w_hh: td.Tensor, b_hh: td.Tensor, h: td.Tensor, c: td.Tensor) -> td.Tensor:
        seq, (h_t, c_t) = nn.lstm(x, (h, c), lp[0], w_hh, lp[2], b_hh)
        return td.sum(td.sin(seq)) + td.sum(h_t * c_t)

    def gru_loss(w_hh: td.Tensor, b_hh: td.Tensor, h: td.Tensor) -> td.Tensor:
        seq, h_t = nn.gru(x, h, gp[0], w_hh, gp[2], b_hh)
        return td.sum(td.sin(seq)) + td.sum(h_t**2)

    gradgradcheck(lstm_loss, [lp[1], lp[3], h0, c0])
    gradgradcheck(gru_loss, [gp[1], gp[3], h0])


def test_lstm_numpy_and_tapediff_backward_passes_agree() -> None:
    """The first-order NumPy BPTT and the tapediff-op BPTT of higher-order passes are the same
    function, including the cotangents of the saved tanh(c) and gate blocks."""
    from tapediff.nn import recurrent

    steps, n, hid, nin = 4, 3, 5, 2
    x = RNG.normal(size=(steps * n, nin))
    w_ih, b = RNG.normal(size=(4 * hid, nin)), RNG.normal(size=4 * hid)
    h0, c0 = RNG.normal(size=(n, hid)), RNG.normal(size=(n, hid))
    w_hh = RNG.normal(size=(4 * hid, hid)) / 2
    inputs = (x, w_ih, b, h0, c0, w_hh)
    out = recurrent._lstm_seq.forward(*inputs)
    for extra in (False, True):
        grad = RNG.normal(size=out.shape)
        if not extra:
            grad[:, :, 2 * hid :] = 0.0
        raw = recurrent._lstm_seq_vjp(grad, out, *inputs)
        tens = recurrent._lstm_seq_vjp(*(td.tensor(a) for a in (grad, out, *inputs)))
        assert len(raw) == len(tens) == 6
        assert all(type(r) is np.ndarray for r in raw)
        for r, t in zip(raw, tens, strict=True):
            np.testing.assert_allclose(r, np.asarray(t), rtol=1e-12, atol=1e-12)
