"""fit / evaluate / predict / EarlyStopping / accuracy on tiny problems."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pytest

import tapediff as td
from tapediff import nn, optim


def _data(n: int = 120) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 2))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.int64)
    return x, y


def _model() -> nn.Module:
    return nn.Sequential(
        nn.Linear(2, 8, rng=0), nn.Tanh(), nn.Dropout(0.1, rng=3), nn.Linear(8, 2, rng=1)
    )


def test_loss_decreases_and_history_keys() -> None:
    x, y = _data()
    model = _model()
    opt = optim.Adam(model, lr=0.05)
    hist = nn.fit(
        model,
        nn.losses.cross_entropy,
        opt,
        x[:100],
        y[:100],
        epochs=8,
        batch_size=16,
        seed=0,
        validation_data=(x[100:], y[100:]),
        metrics={"accuracy": nn.accuracy},
        progress=False,
    )
    assert list(hist) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(v) == 8 for v in hist.values())
    assert hist["loss"][-1] < 0.5 * hist["loss"][0]
    assert hist["val_accuracy"][-1] >= 0.9
    # The validation entry equals evaluate() on the trained model (eval mode: no dropout).
    again = nn.evaluate(
        model,
        nn.losses.cross_entropy,
        x[100:],
        y[100:],
        batch_size=7,
        metrics={"accuracy": nn.accuracy},
    )
    assert again["loss"] == pytest.approx(hist["val_loss"][-1])
    assert again["accuracy"] == pytest.approx(hist["val_accuracy"][-1])
    assert opt.step_count == 8 * 7  # ceil(100 / 16) batches per epoch


def test_epoch_loss_is_sample_mean_and_no_validation_keys() -> None:
    # lr 0: the model never changes, so the epoch loss is the mean loss over all samples,
    # whatever the (uneven) batches.
    x, y = _data(50)
    model = nn.Sequential(nn.Linear(2, 2, rng=0))
    hist = nn.fit(
        model,
        nn.losses.cross_entropy,
        optim.SGD(model, lr=0.0),
        x,
        y,
        epochs=2,
        batch_size=16,
        progress=False,
    )
    assert list(hist) == ["loss"]
    whole = float(nn.losses.cross_entropy(model(x), y))
    assert hist["loss"] == pytest.approx([whole, whole])


def _batch_order(seed: int | None, shuffle: bool = True) -> list[list[float]]:
    x = np.arange(10, dtype=float)[:, None]
    seen: list[list[float]] = []

    class Record(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.w = td.Variable(np.ones((1, 1)))

        def forward(self, xb: Any) -> Any:
            seen.append(list(np.asarray(xb)[:, 0]))
            return td.matmul(xb, self.w)

    m = Record()
    nn.fit(
        m,
        nn.losses.mse,
        optim.SGD(m, lr=0.0),
        x,
        x,
        epochs=2,
        batch_size=4,
        seed=seed,
        shuffle=shuffle,
        progress=False,
    )
    return seen


def test_shuffling_reproducible_with_seed() -> None:
    a, b, c = _batch_order(7), _batch_order(7), _batch_order(8)
    assert a == b and a != c
    assert sorted(v for batch in a[:3] for v in batch) == list(
        range(10)
    )  # each epoch sees every sample once
    assert a[:3] != a[3:]  # a new order each epoch
    assert _batch_order(None, shuffle=False)[:3] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_train_and_eval_modes() -> None:
    modes: list[tuple[str, bool]] = []

    class Probe(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.Linear(2, 2, rng=0)

        def forward(self, xb: Any) -> Any:
            modes.append(("train" if self.training else "eval", self.lin.training))
            return self.lin(xb)

    x, y = _data(8)
    m = Probe()
    m.eval()
    nn.fit(
        m,
        nn.losses.cross_entropy,
        optim.SGD(m, lr=0.1),
        x,
        y,
        epochs=1,
        batch_size=8,
        validation_data=(x, y),
        progress=False,
    )
    assert modes == [("train", True), ("eval", False)]
    assert m.training is False  # back to the mode it had


def test_early_stopping_stops_and_restores_best() -> None:
    x, y = _data()
    model = _model()
    # A learning rate far too high: the validation loss soon stops improving.
    stop = nn.EarlyStopping("val_loss", patience=2, restore_best_weights=True)
    hist = nn.fit(
        model,
        nn.losses.cross_entropy,
        optim.SGD(model, lr=50.0),
        x[:100],
        y[:100],
        epochs=50,
        batch_size=10,
        seed=0,
        validation_data=(x[100:], y[100:]),
        callbacks=[stop],
        progress=False,
    )
    assert stop.stopped_epoch is not None and stop.best_epoch is not None
    assert len(hist["loss"]) == stop.stopped_epoch + 1 < 50
    assert stop.stopped_epoch - stop.best_epoch == 2
    assert min(hist["val_loss"]) == stop.best
    restored = nn.evaluate(model, nn.losses.cross_entropy, x[100:], y[100:])["loss"]
    assert restored == pytest.approx(stop.best)


def test_early_stopping_on_max_metric_with_patience_zero() -> None:
    stop = nn.EarlyStopping("val_accuracy", patience=0)
    assert stop.mode == "max"
    assert stop.on_epoch_end(0, {"val_accuracy": 0.5}) is False
    assert stop.on_epoch_end(1, {"val_accuracy": 0.7}) is False
    assert stop.on_epoch_end(2, {"val_accuracy": 0.7}) is True
    assert stop.best == 0.7 and stop.best_epoch == 1 and stop.stopped_epoch == 2


def test_early_stopping_errors() -> None:
    x, y = _data(20)
    model = _model()
    with pytest.raises(
        KeyError,
        match=r"EarlyStopping: monitor 'val_loss' is not logged by this fit; the logged values are \['loss'\] \(val_ values need validation_data\)",
    ):
        nn.fit(
            model,
            nn.losses.cross_entropy,
            optim.SGD(model),
            x,
            y,
            callbacks=[nn.EarlyStopping()],
            progress=False,
        )
    with pytest.raises(
        ValueError, match=r"EarlyStopping: patience must be an integer >= 0; got -1"
    ):
        nn.EarlyStopping(patience=-1)
    with pytest.raises(
        ValueError, match=r"EarlyStopping: mode must be 'auto', 'min' or 'max'; got 'up'"
    ):
        nn.EarlyStopping(mode="up")  # type: ignore[arg-type]


def test_bad_data_is_named() -> None:
    x, y = _data(20)
    model = _model()
    opt = optim.SGD(model)
    ce = nn.losses.cross_entropy
    with pytest.raises(
        ValueError,
        match=r"fit: x and y must have the same number of samples \(first axis\); got x of shape \(20, 2\) and y of shape \(19,\)",
    ):
        nn.fit(model, ce, opt, x, y[:-1], progress=False)
    with pytest.raises(
        ValueError,
        match=r"fit: validation x and validation y must have the same number of samples .* shape \(5, 2\) .* shape \(4,\)",
    ):
        nn.fit(model, ce, opt, x, y, validation_data=(x[:5], y[:4]), progress=False)
    with pytest.raises(
        ValueError,
        match=r"fit: validation_data must be a pair \(x_val, y_val\); got tuple of length 3",
    ):
        nn.fit(model, ce, opt, x, y, validation_data=(x, y, y), progress=False)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"fit: x must be an array of samples along its first axis; got shape \(\)"
    ):
        nn.fit(model, ce, opt, 3.0, y, progress=False)
    with pytest.raises(ValueError, match=r"fit: y must be an array of samples .* got shape \(0,\)"):
        nn.fit(model, ce, opt, x, y[:0], progress=False)
    with pytest.raises(ValueError, match=r"fit: batch_size must be an integer >= 1; got 0"):
        nn.fit(model, ce, opt, x, y, batch_size=0, progress=False)
    with pytest.raises(ValueError, match=r"fit: epochs must be an integer >= 0; got -1"):
        nn.fit(model, ce, opt, x, y, epochs=-1, progress=False)
    with pytest.raises(ValueError, match=r"fit: metric names must be strings other than 'loss'"):
        nn.fit(model, ce, opt, x, y, metrics={"loss": nn.accuracy}, progress=False)
    with pytest.raises(
        TypeError, match=r"fit: callbacks\[0\] must be a Callback; got builtin_function_or_method"
    ):
        nn.fit(model, ce, opt, x, y, callbacks=[print], progress=False)  # type: ignore[list-item]
    with pytest.raises(
        ValueError, match=r"fit: loss_fn must return a scalar \(the batch mean\); got shape \(20,\)"
    ):
        nn.fit(
            model,
            lambda p, t: nn.losses.cross_entropy(p, t, reduction="none"),
            opt,
            x,
            y,
            batch_size=20,
            progress=False,
        )
    with pytest.raises(ValueError, match=r"evaluate: x and y must have the same number of samples"):
        nn.evaluate(model, ce, x, y[:3])
    with pytest.raises(
        ValueError, match=r"Linear: expected input of shape \(\.\.\., 2\); got shape \(20, 3\)"
    ):
        nn.fit(model, ce, opt, np.zeros((20, 3)), y, progress=False)


def test_predict_and_accuracy() -> None:
    x, _ = _data(30)
    model = _model()
    p = nn.predict(model, x, batch_size=7)
    model.eval()
    np.testing.assert_allclose(p, model(x).numpy())
    assert nn.accuracy(np.array([[0.1, 0.9], [2.0, 1.0]]), np.array([1, 1])) == 0.5
    assert nn.accuracy(np.array([[0.1, 0.9], [2.0, 1.0]]), np.array([[0, 1], [1, 0]])) == 1.0
    with pytest.raises(
        ValueError,
        match=r"accuracy: targets must be labels of shape \(2,\) or one-hot rows of shape \(2, 2\); got shape \(3,\)",
    ):
        nn.accuracy(np.zeros((2, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"predict: batch_size must be an integer >= 1; got 0"):
        nn.predict(model, x, batch_size=0)


def test_progress_bar_with_and_without_tqdm(capsys: Any, monkeypatch: Any) -> None:
    x, y = _data(20)
    model = _model()
    pytest.importorskip("tqdm")
    nn.fit(model, nn.losses.cross_entropy, optim.SGD(model), x, y, epochs=1, batch_size=5)
    assert "epoch 1/1" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now raises ImportError
    hist = nn.fit(model, nn.losses.cross_entropy, optim.SGD(model), x, y, epochs=1, batch_size=5)
    out = capsys.readouterr()
    assert out.err == "" and out.out == "" and len(hist["loss"]) == 1
