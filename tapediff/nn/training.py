"""A small training loop: ``fit``, ``evaluate``, ``predict``, early stopping, accuracy.

One epoch of ``fit`` is the loop a user would write by hand::

    for each batch (xb, yb):
        with td.Tape() as tape:
            loss = loss_fn(model(xb), yb)
        optimizer.step(tape.gradient(loss, optimizer.variables))

plus shuffling from a seeded generator, per-epoch averages of the loss and the metrics, a
validation pass in eval mode, callbacks, and a tqdm progress bar when tqdm is installed.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, Protocol

import numpy as np

from ..tape import Tape
from ..tensor import Array, Tensor, TensorLike, Variable
from .module import Module

__all__ = ["Callback", "EarlyStopping", "accuracy", "evaluate", "fit", "predict"]

# A metric takes the batch's predictions and targets as NumPy arrays and returns a number.
Metric = Callable[[Array, Array], float]
History = dict[str, list[float]]


class _Optimizer(Protocol):
    @property
    def variables(self) -> list[Variable]: ...

    def step(self, grads: Any) -> bool: ...


class Callback:
    """Hooks that :func:`fit` calls; subclass and override the ones you need."""

    def on_train_begin(self, model: Module, optimizer: Any, history: History) -> None:
        """Before the first epoch; ``history`` already holds every key fit will log."""

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> bool:
        """After each epoch (``epoch`` from 0) with its logged values; return True to stop."""
        return False

    def on_train_end(self) -> None:
        """After the last epoch (also after an early stop)."""


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    ``mode`` "min" (losses) or "max" (accuracies); "auto" picks "max" for names containing
    "acc". With ``restore_best_weights`` the model gets back the parameters and buffers of its
    best epoch at the end. After training, ``best``, ``best_epoch`` and ``stopped_epoch`` (None
    when training ran all its epochs) tell what happened.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 0,
        min_delta: float = 0.0,
        mode: Literal["auto", "min", "max"] = "auto",
        restore_best_weights: bool = False,
    ) -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"EarlyStopping: patience must be an integer >= 0; got {patience!r}")
        if not (isinstance(min_delta, int | float) and math.isfinite(min_delta) and min_delta >= 0):
            raise ValueError(
                f"EarlyStopping: min_delta must be a finite number >= 0; got {min_delta!r}"
            )
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'auto', 'min' or 'max'; got {mode!r}")
        self.monitor = monitor
        self.patience = patience
        self.min_delta = float(min_delta)
        self.mode = ("max" if "acc" in monitor else "min") if mode == "auto" else mode
        self.restore_best_weights = restore_best_weights
        self._reset()

    def _reset(self) -> None:
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self.wait = 0
        self._model: Module | None = None
        self._best_state: dict[str, Array] | None = None
        self._last_epoch = -1

    def on_train_begin(self, model: Module, optimizer: Any, history: History) -> None:
        if self.monitor not in history:
            hint = " (val_ values need validation_data)" if self.monitor.startswith("val_") else ""
            raise KeyError(
                f"EarlyStopping: monitor {self.monitor!r} is not logged by this fit; the logged "
                f"values are {sorted(history)}{hint}"
            )
        self._reset()
        self._model = model

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> bool:
        self._last_epoch = epoch
        current = logs[self.monitor]
        if self.mode == "min":
            improved = current < self.best - self.min_delta
        else:
            improved = current > self.best + self.min_delta
        if improved:
            self.best, self.best_epoch, self.wait = current, epoch, 0
            if self.restore_best_weights and self._model is not None:
                self._best_state = self._model.state_dict()
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self) -> None:
        if (
            self._best_state is not None
            and self._model is not None
            and self.best_epoch != self._last_epoch
        ):
            self._model.load_state_dict(self._best_state)


def accuracy(pred: Array, target: Array) -> float:
    """Share of rows whose largest score is the target class (integer labels or one-hot rows)."""
    pred, target = np.asarray(pred), np.asarray(target)
    if pred.ndim < 1:
        raise ValueError(f"accuracy: expected class scores of shape (N, C); got shape {pred.shape}")
    if target.shape == pred.shape:
        labels = np.argmax(target, axis=-1)
    elif target.shape == pred.shape[:-1]:
        labels = target
    else:
        raise ValueError(
            f"accuracy: targets must be labels of shape {pred.shape[:-1]} or one-hot rows of "
            f"shape {pred.shape}; got shape {target.shape}"
        )
    return float(np.mean(np.argmax(pred, axis=-1) == labels))


def _as_array(data: Any) -> Array:
    return np.asarray(data._array if isinstance(data, Tensor) else data)


def _samples(fn: str, xname: str, x: Any, yname: str, y: Any) -> tuple[Array, Array]:
    """``x`` and ``y`` as arrays with the same positive number of samples along axis 0."""
    xa, ya = _as_array(x), _as_array(y)
    for name, a in ((xname, xa), (yname, ya)):
        if a.ndim < 1 or len(a) == 0:
            raise ValueError(
                f"{fn}: {name} must be an array of samples along its first axis; got shape "
                f"{a.shape}"
            )
    if len(xa) != len(ya):
        raise ValueError(
            f"{fn}: {xname} and {yname} must have the same number of samples (first axis); got "
            f"{xname} of shape {xa.shape} and {yname} of shape {ya.shape}"
        )
    return xa, ya


def _positive(fn: str, name: str, value: Any, zero_ok: bool = False) -> int:
    low = 0 if zero_ok else 1
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise ValueError(f"{fn}: {name} must be an integer >= {low}; got {value!r}")
    return int(value)


def _checked_metrics(fn: str, metrics: Mapping[str, Metric] | None) -> dict[str, Metric]:
    out = dict(metrics or {})
    for name, metric in out.items():
        if not isinstance(name, str) or name == "loss" or name.startswith("val_"):
            raise ValueError(
                f"{fn}: metric names must be strings other than 'loss' and not starting with "
                f"'val_'; got {name!r}"
            )
        if not callable(metric):
            raise TypeError(f"{fn}: metric {name!r} must be callable; got {type(metric).__name__}")
    return out


def _scalar_loss(fn: str, loss: Any) -> float:
    if np.ndim(loss) != 0:
        raise ValueError(
            f"{fn}: loss_fn must return a scalar (the batch mean); got shape {np.shape(loss)}"
        )
    return float(_as_array(loss))


def _batches(n: int, batch_size: int, order: Array | None) -> list[Any]:
    starts = range(0, n, batch_size)
    if order is None:
        return [slice(s, s + batch_size) for s in starts]
    return [order[s : s + batch_size] for s in starts]


def _modes(model: Module) -> list[tuple[Module, bool]]:
    return [(m, m.training) for _, m in model.named_modules()]


def _restore(modes: list[tuple[Module, bool]]) -> None:
    for m, training in modes:
        m.training = training


def _progress_bar(enabled: bool, total: int, desc: str) -> Any:
    """A tqdm bar, or None when progress is off or tqdm is not installed (an optional extra)."""
    if not enabled:
        return None
    try:
        tqdm = importlib.import_module("tqdm")
    except ImportError:
        return None
    return tqdm.tqdm(total=total, desc=desc, unit="batch", leave=True)


def _evaluate(
    model: Module,
    loss_fn: Callable[..., Any] | None,
    xa: Array,
    ya: Array | None,
    batch_size: int,
    metrics: dict[str, Metric],
    fn: str,
) -> tuple[dict[str, float], list[Array]]:
    """Weighted batch means of the loss and metrics in eval mode (and the predictions)."""
    modes = _modes(model)
    model.eval()
    sums: dict[str, float] = {}
    preds: list[Array] = []
    try:
        for idx in _batches(len(xa), batch_size, None):
            pred = model(xa[idx])
            p = _as_array(pred)
            if ya is None:
                preds.append(p)
                continue
            yb = ya[idx]
            k = len(p)
            if loss_fn is not None:
                sums["loss"] = sums.get("loss", 0.0) + k * _scalar_loss(fn, loss_fn(pred, yb))
            for name, metric in metrics.items():
                sums[name] = sums.get(name, 0.0) + k * float(metric(p, yb))
    finally:
        _restore(modes)
    return {k: v / len(xa) for k, v in sums.items()}, preds


def evaluate(
    model: Module,
    loss_fn: Callable[..., Any],
    x: TensorLike,
    y: TensorLike,
    batch_size: int = 256,
    metrics: Mapping[str, Metric] | None = None,
) -> dict[str, float]:
    """The loss and metrics of ``model`` on ``(x, y)`` in eval mode, averaged over samples."""
    xa, ya = _samples("evaluate", "x", x, "y", y)
    bs = _positive("evaluate", "batch_size", batch_size)
    logs, _ = _evaluate(
        model, loss_fn, xa, ya, bs, _checked_metrics("evaluate", metrics), "evaluate"
    )
    return logs


def predict(model: Module, x: TensorLike, batch_size: int = 256) -> Array:
    """``model``'s outputs on ``x`` in eval mode, computed in batches, as one NumPy array."""
    xa = _as_array(x)
    if xa.ndim < 1 or len(xa) == 0:
        raise ValueError(
            f"predict: x must be an array of samples along its first axis; got shape {xa.shape}"
        )
    bs = _positive("predict", "batch_size", batch_size)
    _, preds = _evaluate(model, None, xa, None, bs, {}, "predict")
    return np.concatenate(preds, axis=0)


def fit(
    model: Module,
    loss_fn: Callable[..., Any],
    optimizer: _Optimizer,
    x: TensorLike,
    y: TensorLike,
    epochs: int = 1,
    batch_size: int = 32,
    shuffle: bool = True,
    seed: int | np.random.Generator | None = None,
    validation_data: tuple[TensorLike, TensorLike] | None = None,
    metrics: Mapping[str, Metric] | None = None,
    callbacks: Sequence[Callback] = (),
    progress: bool = True,
) -> History:
    """Train ``model`` on ``(x, y)`` for ``epochs`` passes of mini-batches; return the history.

    ``loss_fn(model(xb), yb)`` must return the batch's mean loss as a scalar tensor. The epoch's
    loss and metrics are means over its samples; ``val_``-prefixed entries come from
    :func:`evaluate` on ``validation_data`` after each epoch. The history maps each of these
    names to a list with one value per epoch run. ``seed`` makes the shuffling reproducible.
    The model trains in train mode, validates in eval mode, and ends in the modes it had.
    """
    xa, ya = _samples("fit", "x", x, "y", y)
    epochs = _positive("fit", "epochs", epochs, zero_ok=True)
    bs = _positive("fit", "batch_size", batch_size)
    mets = _checked_metrics("fit", metrics)
    val: tuple[Array, Array] | None = None
    if validation_data is not None:
        if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
            raise ValueError(
                "fit: validation_data must be a pair (x_val, y_val); got "
                f"{type(validation_data).__name__}"
                + (
                    f" of length {len(validation_data)}"
                    if isinstance(validation_data, tuple | list)
                    else ""
                )
            )
        val = _samples(
            "fit", "validation x", validation_data[0], "validation y", validation_data[1]
        )
    for i, cb in enumerate(callbacks):
        if not isinstance(cb, Callback):
            raise TypeError(f"fit: callbacks[{i}] must be a Callback; got {type(cb).__name__}")
    keys = ["loss", *mets]
    history: History = {k: [] for k in keys + ([f"val_{k}" for k in keys] if val else [])}
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    n = len(xa)
    modes = _modes(model)
    for cb in callbacks:
        cb.on_train_begin(model, optimizer, history)
    try:
        for epoch in range(epochs):
            model.train()
            batches = _batches(n, bs, rng.permutation(n) if shuffle else None)
            bar = _progress_bar(progress, len(batches), f"epoch {epoch + 1}/{epochs}")
            sums = dict.fromkeys(keys, 0.0)
            seen = 0
            for idx in batches:
                xb, yb = xa[idx], ya[idx]
                with Tape() as tape:
                    pred = model(xb)
                    loss = loss_fn(pred, yb)
                value = _scalar_loss("fit", loss)
                optimizer.step(tape.gradient(loss, optimizer.variables))
                k = len(yb)
                seen += k
                sums["loss"] += k * value
                p = _as_array(pred)
                for name, metric in mets.items():
                    sums[name] += k * float(metric(p, yb))
                if bar is not None:
                    bar.set_postfix(loss=f"{sums['loss'] / seen:.4g}", refresh=False)
                    bar.update(1)
            logs = {name: total / n for name, total in sums.items()}
            if val is not None:
                val_logs, _ = _evaluate(model, loss_fn, val[0], val[1], bs, mets, "fit")
                logs.update({f"val_{k}": v for k, v in val_logs.items()})
            for name, v in logs.items():
                history[name].append(v)
            if bar is not None:
                bar.set_postfix({k: f"{v:.4g}" for k, v in logs.items()}, refresh=True)
                bar.close()
            # Every callback sees every epoch, even when an earlier one asks to stop.
            stops = [cb.on_epoch_end(epoch, logs) for cb in callbacks]
            if any(stops):
                break
    finally:
        _restore(modes)
    for cb in callbacks:
        cb.on_train_end()
    return history
