"""Gradient clipping by global norm and by value, on the lists/dicts that tapes return."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

import tapediff as td

from ..tensor import Array, Tensor

__all__ = ["clip_grad_norm", "clip_grad_value", "global_norm"]


def _flat(grads: Any, fn: str) -> tuple[list[Any], Any]:
    """The gradients as a list, and a function giving the same structure back."""
    if isinstance(grads, Mapping):
        keys = list(grads)
        return [grads[k] for k in keys], lambda vals: dict(zip(keys, vals, strict=True))
    if isinstance(grads, list | tuple):
        kind = type(grads)
        return list(grads), lambda vals: kind(vals) if kind is tuple else list(vals)
    raise TypeError(
        f"{fn}: expected a list, tuple or dict of gradients (None allowed); got "
        f"{type(grads).__name__}"
    )


def _array(g: Any, fn: str, i: int) -> Array:
    arr = np.asarray(g._array if isinstance(g, Tensor) else g)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{fn}: gradient {i} must hold real numbers; got dtype {arr.dtype}")
    return arr


def global_norm(grads: Any, norm_type: float = 2.0) -> float:
    """The ``norm_type``-norm of all gradients taken together (Nones ignored)."""
    flat, _ = _flat(grads, "global_norm")
    return _norm(
        [_array(g, "global_norm", i) for i, g in enumerate(flat) if g is not None],
        norm_type,
        "global_norm",
    )


def _norm(arrays: list[Array], p: float, fn: str) -> float:
    if not (p == math.inf or (math.isfinite(p) and p > 0)):
        raise ValueError(f"{fn}: norm_type must be positive (or inf); got {p}")
    if not arrays:
        return 0.0
    # In float64: a float32 sum of squares of many gradients would lose digits or overflow.
    if p == math.inf:
        return max(float(np.max(np.abs(a), initial=0.0)) for a in arrays)
    total = sum(float(np.sum(np.abs(a.astype(np.float64)) ** p)) for a in arrays)
    return float(total ** (1.0 / p))


def clip_grad_norm(grads: Any, max_norm: float, norm_type: float = 2.0) -> tuple[Any, float]:
    """Scale all gradients together so that their global norm is at most ``max_norm``.

    Returns ``(clipped, total_norm)``: the gradients in the same structure (list, tuple or dict;
    None kept) as tensors, and their norm before clipping. As PyTorch's ``clip_grad_norm_``, the
    factor is ``max_norm / (total_norm + 1e-6)`` when it is below 1. A non-finite total norm
    leaves the gradients as they are (never hidden as zeros): check ``total_norm``, or build the
    optimizer with ``skip_nonfinite=True`` to skip such a step.
    """
    if isinstance(max_norm, bool) or not isinstance(
        max_norm, int | float | np.integer | np.floating
    ):
        raise TypeError(
            f"clip_grad_norm: max_norm must be a real number; got {type(max_norm).__name__}"
        )
    if not (math.isfinite(max_norm) and max_norm >= 0):
        raise ValueError(f"clip_grad_norm: max_norm must be a finite number >= 0; got {max_norm}")
    flat, rebuild = _flat(grads, "clip_grad_norm")
    arrays = [None if g is None else _array(g, "clip_grad_norm", i) for i, g in enumerate(flat)]
    total = _norm([a for a in arrays if a is not None], float(norm_type), "clip_grad_norm")
    coef = float(max_norm) / (total + 1e-6)
    scale = math.isfinite(total) and coef < 1.0
    out = [
        None if g is None else (td.multiply(g, coef) if scale else td.as_tensor(g)) for g in flat
    ]
    return rebuild(out), total


def clip_grad_value(grads: Any, clip_value: float) -> Any:
    """Clip every gradient element to ``[-clip_value, clip_value]`` (same structure, None kept)."""
    if isinstance(clip_value, bool) or not isinstance(
        clip_value, int | float | np.integer | np.floating
    ):
        raise TypeError(
            f"clip_grad_value: clip_value must be a real number; got {type(clip_value).__name__}"
        )
    if not (math.isfinite(clip_value) and clip_value >= 0):
        raise ValueError(
            f"clip_grad_value: clip_value must be a finite number >= 0; got {clip_value}"
        )
    flat, rebuild = _flat(grads, "clip_grad_value")
    for i, g in enumerate(flat):
        if g is not None:
            _array(g, "clip_grad_value", i)
    c = float(clip_value)
    return rebuild([None if g is None else td.clip(g, -c, c) for g in flat])
