"""Module base, Sequential, Linear, activations, initializers and losses."""

from __future__ import annotations

import numpy as np
import pytest

import tapediff as td
from tapediff import nn
from tapediff.nn import init, losses
from tapediff.testing import gradcheck


def _mlp() -> nn.Sequential:
    return nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=1))


def test_named_parameters_are_dotted_and_ordered() -> None:
    names = [n for n, _ in _mlp().named_parameters()]
    assert names == ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"]
    assert all(isinstance(p, td.Variable) for p in _mlp().parameters())


def test_shared_parameter_listed_once() -> None:
    class Tied(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Linear(2, 2, rng=0)
            self.b = self.a

    assert len(Tied().parameters()) == 2


def test_train_eval_propagate() -> None:
    m = _mlp()
    m.eval()
    assert not m.training and not m.layers[0].training
    m.train()
    assert m.layers[2].training


def test_linear_forward_and_gradcheck() -> None:
    lin = nn.Linear(3, 2, rng=np.random.default_rng(5))
    x = np.random.default_rng(1).normal(size=(4, 3))
    w, b = lin.weight.numpy(), lin.bias.numpy()  # type: ignore[union-attr]
    np.testing.assert_allclose(lin(x).numpy(), x @ w.T + b)
    bound = 1 / np.sqrt(3)
    assert np.all(np.abs(w) <= bound)

    gradcheck(lambda x: lin(x), [x])
    with td.Tape() as tape:
        y = td.sum(lin(x) ** 2)
    gw, gb = tape.gradient(y, [lin.weight, lin.bias])
    out = x @ lin.weight.numpy().T + lin.bias.numpy()  # type: ignore[union-attr]
    np.testing.assert_allclose(np.asarray(gw), 2 * out.T @ x)
    np.testing.assert_allclose(np.asarray(gb), 2 * out.sum(0))


def test_linear_float32_and_no_bias() -> None:
    lin = nn.Linear(3, 2, bias=False, dtype=np.float32, rng=0)
    assert lin.bias is None and len(lin.parameters()) == 1
    assert lin(np.ones((2, 3), np.float32)).dtype == np.float32


def test_linear_shape_error_names_layer() -> None:
    with pytest.raises(
        ValueError, match=r"Linear: expected input of shape \(\.\.\., 3\); got shape \(2, 4\)"
    ):
        nn.Linear(3, 2, rng=0)(np.ones((2, 4)))


def test_state_dict_roundtrip_and_save_load(tmp_path: object) -> None:
    import pathlib

    path = pathlib.Path(str(tmp_path)) / "m.npz"
    a, b = _mlp(), nn.Sequential(nn.Linear(3, 4, rng=7), nn.ReLU(), nn.Linear(4, 2, rng=8))
    a.save(path)
    b.load(path)
    for (na, pa), (nb, pb) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        assert na == nb
        np.testing.assert_array_equal(pa.numpy(), pb.numpy())
    sd = a.state_dict()
    sd["layers.0.weight"][...] = 0  # a copy: the module is unchanged
    assert np.any(a.layers[0].weight.numpy() != 0)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("edit", "exc", "msg"),
    [
        (lambda d: d.pop("layers.2.bias"), KeyError, r"missing keys \['layers.2.bias'\]"),
        (lambda d: d.__setitem__("extra", np.ones(1)), KeyError, r"unexpected keys \['extra'\]"),
        (
            lambda d: d.__setitem__("layers.0.bias", np.ones(5)),
            ValueError,
            r"'layers.0.bias' has shape \(5,\), expected \(4,\)",
        ),
        (
            lambda d: d.__setitem__("layers.0.bias", np.ones(4, np.float32)),
            TypeError,
            r"'layers.0.bias' has dtype float32, expected float64",
        ),
    ],
)
def test_load_state_dict_errors_change_nothing(edit: object, exc: type, msg: str) -> None:
    m = _mlp()
    before = m.state_dict()
    bad = {k: np.zeros_like(v) for k, v in before.items()}
    edit(bad)  # type: ignore[operator]
    with pytest.raises(exc, match=msg):
        m.load_state_dict(bad)
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_load_refuses_pickles(tmp_path: object) -> None:
    import pathlib

    path = pathlib.Path(str(tmp_path)) / "p.npz"
    np.savez(path, **{"layers.0.weight": np.array([object()], dtype=object)})
    with pytest.raises(ValueError, match="pickle"):
        _mlp().load(path)


def test_sequential_rejects_non_modules() -> None:
    with pytest.raises(TypeError, match="Sequential: layer 1 must be a Module"):
        nn.Sequential(nn.ReLU(), 3)  # type: ignore[arg-type]


X = np.array([[-1.3, -0.2, 0.4, 2.1]])


@pytest.mark.parametrize(
    ("layer", "ref"),
    [
        (nn.ReLU(), lambda x: np.maximum(x, 0)),
        (nn.Tanh(), np.tanh),
        (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
        (
            nn.GELU(),
            lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))),
        ),
        (nn.LeakyReLU(0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
        (nn.Softmax(), lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    ],
)
def test_activations(layer: nn.Module, ref: object) -> None:
    np.testing.assert_allclose(layer(X).numpy(), ref(X), rtol=1e-12)  # type: ignore[operator]
    gradcheck(lambda x: layer(x), [X])


def test_initializers_statistics() -> None:
    shape = (200, 300)
    fi, fo = init.fans(shape)
    assert (fi, fo) == (300, 200)
    assert init.fans((8, 4, 3, 3)) == (36, 72)
    cases = {
        "glorot_normal": np.sqrt(2 / (fi + fo)),
        "glorot_uniform": np.sqrt(6 / (fi + fo)) / np.sqrt(3),
        "he_normal": np.sqrt(2 / fi),
        "he_uniform": np.sqrt(6 / fi) / np.sqrt(3),
        "lecun_normal": np.sqrt(1 / fi),
        "lecun_uniform": np.sqrt(3 / fi) / np.sqrt(3),
    }
    for name, std in cases.items():
        a = getattr(init, name)(shape, rng=0)
        assert a.shape == shape
        assert abs(a.std() / std - 1) < 0.03, name
        assert abs(a.mean()) < 0.05 * std * 10
        np.testing.assert_array_equal(a, getattr(init, name)(shape, rng=0))  # seeded
    assert init.xavier_uniform is init.glorot_uniform and init.kaiming_normal is init.he_normal
    np.testing.assert_array_equal(init.zeros(3), np.zeros(3))
    np.testing.assert_array_equal(init.ones((2, 2)), np.ones((2, 2)))
    np.testing.assert_array_equal(init.constant(2, 0.5), [0.5, 0.5])
    assert init.normal((2,), dtype=np.float32, rng=1).dtype == np.float32
    u = init.uniform((1000,), -2, 3, rng=2)
    assert u.min() >= -2 and u.max() < 3


RNG = np.random.default_rng(3)
P = RNG.normal(size=(4, 3))
T = RNG.normal(size=(4, 3))
PROB = RNG.uniform(0.1, 0.9, size=(4, 3))
BIN = (RNG.uniform(size=(4, 3)) > 0.5).astype(float)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_match_numpy(reduction: str) -> None:
    red = {"mean": np.mean, "sum": np.sum, "none": lambda a: a}[reduction]
    d = P - T
    refs = {
        "mse": (losses.mse(P, T, reduction=reduction), d**2),  # type: ignore[arg-type]
        "huber": (
            losses.huber(P, T, delta=0.7, reduction=reduction),  # type: ignore[arg-type]
            np.where(np.abs(d) <= 0.7, 0.5 * d**2, 0.7 * (np.abs(d) - 0.35)),
        ),
        "bce": (
            losses.binary_cross_entropy(PROB, BIN, reduction=reduction),  # type: ignore[arg-type]
            -(BIN * np.log(PROB) + (1 - BIN) * np.log(1 - PROB)),
        ),
        "bce_logits": (
            losses.binary_cross_entropy_with_logits(P, BIN, reduction=reduction),  # type: ignore[arg-type]
            -(BIN * np.log(1 / (1 + np.exp(-P))) + (1 - BIN) * np.log(1 - 1 / (1 + np.exp(-P)))),
        ),
    }
    for name, (got, ref) in refs.items():
        np.testing.assert_allclose(got.numpy(), red(ref), rtol=1e-10, err_msg=name)
    labels = np.array([0, 2, 1, 2])
    lsm = P - np.log(np.exp(P).sum(-1, keepdims=True))
    ce_ref = -lsm[np.arange(4), labels]
    got = losses.cross_entropy(P, labels, reduction=reduction)  # type: ignore[arg-type]
    np.testing.assert_allclose(got.numpy(), red(ce_ref), rtol=1e-12)
    onehot = np.eye(3)[labels]
    got = losses.cross_entropy(P, onehot, reduction=reduction)  # type: ignore[arg-type]
    np.testing.assert_allclose(got.numpy(), red(ce_ref), rtol=1e-12)


def test_losses_gradcheck() -> None:
    gradcheck(lambda p: losses.mse(p, T), [P])
    gradcheck(lambda p: losses.huber(p, T, delta=0.7), [P])
    gradcheck(lambda p: losses.binary_cross_entropy(p, BIN), [PROB])
    gradcheck(lambda z: losses.binary_cross_entropy_with_logits(z, BIN), [P])
    gradcheck(lambda z: losses.cross_entropy(z, np.array([0, 2, 1, 2]), reduction="sum"), [P])


def test_bce_with_logits_is_stable() -> None:
    z = np.array([1000.0, -1000.0, 1000.0])
    t = np.array([1.0, 0.0, 0.0])
    np.testing.assert_allclose(
        losses.binary_cross_entropy_with_logits(z, t, reduction="none").numpy(), [0, 0, 1000]
    )


def test_cross_entropy_from_logits_is_stable() -> None:
    z = np.array([[1000.0, -1000.0, 0.0], [-800.0, 900.0, 3.0]])
    labels = np.array([0, 2])
    np.testing.assert_allclose(
        losses.cross_entropy(z, labels, reduction="none").numpy(), [0.0, 897.0], atol=1e-12
    )
    v = td.Variable(z)
    with td.Tape() as tape:
        y = losses.cross_entropy(v, labels, reduction="sum")
    np.testing.assert_allclose(np.asarray(tape.gradient(y, v)), [[0, 0, 0], [0, 1, -1]], atol=1e-12)


def test_loss_errors() -> None:
    with pytest.raises(
        ValueError,
        match=r"mse: predictions and targets must have the same shape; got \(4, 3\) and \(3,\)",
    ):
        losses.mse(P, np.ones(3))
    with pytest.raises(ValueError, match="reduction must be 'mean', 'sum' or 'none'; got 'avg'"):
        losses.mse(P, T, reduction="avg")  # type: ignore[arg-type]
