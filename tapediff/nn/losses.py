"""Losses with ``reduction="mean" | "sum" | "none"``, each a composition of tapediff ops."""

from __future__ import annotations

from typing import Literal

import numpy as np

import tapediff as td

from ..tensor import Tensor, TensorLike

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "huber",
    "mse",
]

Reduction = Literal["mean", "sum", "none"]


def _reduce(name: str, loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return td.mean(loss)
    if reduction == "sum":
        return td.sum(loss)
    if reduction == "none":
        return loss
    raise ValueError(f"{name}: reduction must be 'mean', 'sum' or 'none'; got {reduction!r}")


def _same_shape(name: str, a: TensorLike, b: TensorLike) -> None:
    if np.shape(a) != np.shape(b):
        raise ValueError(
            f"{name}: predictions and targets must have the same shape; got {np.shape(a)} "
            f"and {np.shape(b)}"
        )


def mse(pred: TensorLike, target: TensorLike, reduction: Reduction = "mean") -> Tensor:
    """Squared error ``(pred - target)**2``, reduced."""
    _same_shape("mse", pred, target)
    return _reduce("mse", td.square(td.subtract(pred, target)), reduction)


def huber(
    pred: TensorLike, target: TensorLike, delta: float = 1.0, reduction: Reduction = "mean"
) -> Tensor:
    """Huber loss: ``d**2 / 2`` for ``|d| <= delta``, else ``delta * (|d| - delta / 2)``."""
    _same_shape("huber", pred, target)
    if not delta > 0:
        raise ValueError(f"huber: delta must be positive; got {delta}")
    d = td.subtract(pred, target)
    a = td.abs(d)
    loss = td.where(a._array <= delta, 0.5 * d * d, delta * (a - 0.5 * delta))
    return _reduce("huber", loss, reduction)


def binary_cross_entropy(
    prob: TensorLike, target: TensorLike, eps: float = 1e-12, reduction: Reduction = "mean"
) -> Tensor:
    """``-(t log p + (1 - t) log(1 - p))`` for probabilities ``p`` (clipped to [eps, 1 - eps])."""
    _same_shape("binary_cross_entropy", prob, target)
    p = td.clip(prob, eps, 1.0 - eps)
    t = td.as_tensor(target)
    loss = -(t * td.log(p) + (1.0 - t) * td.log(1.0 - p))
    return _reduce("binary_cross_entropy", loss, reduction)


def binary_cross_entropy_with_logits(
    logits: TensorLike, target: TensorLike, reduction: Reduction = "mean"
) -> Tensor:
    """Binary cross-entropy of ``sigmoid(logits)``, as ``softplus(z) - t z`` (never overflows)."""
    _same_shape("binary_cross_entropy_with_logits", logits, target)
    z = td.as_tensor(logits)
    loss = td.softplus(z) - td.as_tensor(target) * z
    return _reduce("binary_cross_entropy_with_logits", loss, reduction)


def cross_entropy(
    logits: TensorLike, labels: TensorLike, axis: int = -1, reduction: Reduction = "mean"
) -> Tensor:
    """Categorical cross-entropy from logits, against integer labels or (one-hot) probabilities."""
    return _reduce("cross_entropy", td.cross_entropy(logits, labels, axis=axis), reduction)
