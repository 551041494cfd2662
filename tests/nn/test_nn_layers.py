"""Flatten, Embedding, Dropout, BatchNorm1D/2D and LayerNorm."""

from __future__ import annotations

import numpy as np
import pytest

import tapediff as td
from tapediff import nn
from tapediff.testing import gradcheck

RNG = np.random.default_rng(2)


def test_flatten() -> None:
    x = RNG.normal(size=(2, 3, 4))
    np.testing.assert_array_equal(nn.Flatten()(x).numpy(), x.reshape(2, 12))
    gradcheck(lambda x: nn.Flatten()(x), [x])
    with pytest.raises(
        ValueError, match=r"Flatten: expected input of shape \(N, \.\.\.\); got shape \(\)"
    ):
        nn.Flatten()(np.float64(1.0))


def test_embedding() -> None:
    emb = nn.Embedding(5, 3, rng=0)
    idx = np.array([[0, 4], [4, 2]])
    np.testing.assert_array_equal(emb(idx).numpy(), emb.weight.numpy()[idx])
    with td.Tape() as tape:
        y = td.sum(emb(idx) * np.arange(12.0).reshape(2, 2, 3))
    g = np.asarray(tape.gradient(y, emb.weight))
    ref = np.zeros((5, 3))
    np.add.at(ref, idx, np.arange(12.0).reshape(2, 2, 3))
    np.testing.assert_array_equal(g, ref)
    w = emb.weight.numpy()
    gradcheck(lambda w: td.take(w, idx, axis=0), [w])
    with pytest.raises(IndexError, match="Embedding: index 5 is out of range for 5 embeddings"):
        emb(np.array([5]))
    with pytest.raises(TypeError, match="Embedding: indices must be integers; got dtype float64"):
        emb(np.array([1.0]))


def test_dropout_seeded_scaled_and_eval_identity() -> None:
    x = np.ones((200, 50))
    d = nn.Dropout(0.3, rng=0)
    y = d(x).numpy()
    mask = np.random.default_rng(0).random(x.shape) >= 0.3
    np.testing.assert_allclose(y, mask / 0.7)
    assert abs((y == 0).mean() - 0.3) < 0.02
    d.eval()
    np.testing.assert_array_equal(d(x).numpy(), x)
    with td.Tape() as tape:
        v = td.Variable(x)
        out = td.sum(nn.Dropout(0.3, rng=0)(v))
    np.testing.assert_allclose(np.asarray(tape.gradient(out, v)), mask / 0.7)
    with pytest.raises(ValueError, match=r"Dropout: p must be in \[0, 1\); got 1.0"):
        nn.Dropout(1.0)


def bn_ref(x: np.ndarray, axes: tuple[int, ...], eps: float) -> np.ndarray:
    m = x.mean(axis=axes, keepdims=True)
    v = x.var(axis=axes, keepdims=True)
    return (x - m) / np.sqrt(v + eps)


@pytest.mark.parametrize(
    ("make", "shape", "axes", "caxis"),
    [
        (lambda: nn.BatchNorm1D(3), (6, 3), (0,), 1),
        (lambda: nn.BatchNorm1D(3), (4, 3, 5), (0, 2), 1),
        (lambda: nn.BatchNorm2D(3), (2, 3, 4, 5), (0, 2, 3), 1),
        (lambda: nn.BatchNorm2D(3, data_format="NHWC"), (2, 4, 5, 3), (0, 1, 2), 3),
    ],
)
def test_batchnorm_train_eval(
    make: object, shape: tuple[int, ...], axes: tuple[int, ...], caxis: int
) -> None:
    bn: nn.Module = make()  # type: ignore[operator]
    bshape = [1] * len(shape)
    bshape[caxis] = 3
    bn.weight.assign(np.array([1.5, 0.5, 2.0]))  # type: ignore[attr-defined]
    bn.bias.assign(np.array([0.1, -0.2, 0.3]))  # type: ignore[attr-defined]
    g, b = np.array([1.5, 0.5, 2.0]).reshape(bshape), np.array([0.1, -0.2, 0.3]).reshape(bshape)
    xs = [RNG.normal(2.0, 3.0, size=shape) for _ in range(3)]
    rm, rv = np.zeros(3), np.ones(3)
    n = int(np.prod(shape)) // 3
    for x in xs:
        np.testing.assert_allclose(bn(x).numpy(), bn_ref(x, axes, 1e-5) * g + b, rtol=1e-10)
        rm = 0.9 * rm + 0.1 * x.mean(axis=axes)
        rv = 0.9 * rv + 0.1 * x.var(axis=axes) * n / (n - 1)
    np.testing.assert_allclose(bn.running_mean, rm)  # type: ignore[attr-defined]
    np.testing.assert_allclose(bn.running_var, rv)  # type: ignore[attr-defined]
    assert {"running_mean", "running_var"} <= set(bn.state_dict())
    assert [k for k, _ in bn.named_parameters()] == ["weight", "bias"]
    bn.eval()
    x = xs[0]
    ref = (x - rm.reshape(bshape)) / np.sqrt(rv.reshape(bshape) + 1e-5) * g + b
    np.testing.assert_allclose(bn(x).numpy(), ref, rtol=1e-10)
    gradcheck(lambda x: bn(x), [x])
    bn.train()
    gradcheck(lambda x: bn(x), [x])  # through the batch statistics
    cot = RNG.normal(size=shape)
    with td.Tape() as tape:
        y = td.sum(bn(x) * cot)
    gw, gb = tape.gradient(y, [bn.weight, bn.bias])  # type: ignore[attr-defined]
    np.testing.assert_allclose(np.asarray(gw), (cot * bn_ref(x, axes, 1e-5)).sum(axis=axes))
    np.testing.assert_allclose(np.asarray(gb), cot.sum(axis=axes))


def test_batchnorm_state_dict_roundtrip_and_errors() -> None:
    a, b = nn.BatchNorm1D(3), nn.BatchNorm1D(3)
    a(RNG.normal(size=(5, 3)))
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(b.running_mean, a.running_mean)
    bad = a.state_dict()
    bad["running_var"] = np.ones(4)
    with pytest.raises(ValueError, match=r"'running_var' has shape \(4,\), expected \(3,\)"):
        b.load_state_dict(bad)
    with pytest.raises(
        ValueError,
        match=r"BatchNorm1D: expected input of shape \(N, 3\) or \(N, 3, L\); got shape \(5, 4\)",
    ):
        a(np.ones((5, 4)))
    with pytest.raises(
        ValueError, match=r"BatchNorm2D: expected input of shape \(N, 3, H, W\); got shape \(5, 3\)"
    ):
        nn.BatchNorm2D(3)(np.ones((5, 3)))
    with pytest.raises(ValueError, match="more than one value per channel"):
        a(np.ones((1, 3)))


def test_layernorm() -> None:
    ln = nn.LayerNorm((3, 4))
    ln.weight.assign(RNG.normal(size=(3, 4)))  # type: ignore[union-attr]
    ln.bias.assign(RNG.normal(size=(3, 4)))  # type: ignore[union-attr]
    x = RNG.normal(size=(2, 3, 4))
    ref = bn_ref(x, (1, 2), 1e-5) * ln.weight.numpy() + ln.bias.numpy()  # type: ignore[union-attr]
    np.testing.assert_allclose(ln(x).numpy(), ref, rtol=1e-10)
    gradcheck(lambda x: ln(x), [x])
    with pytest.raises(
        ValueError,
        match=r"LayerNorm: expected input of shape \(\.\.\., 3, 4\); got shape \(2, 4, 3\)",
    ):
        ln(np.ones((2, 4, 3)))
