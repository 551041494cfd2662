"""Shared helpers: central finite differences through a compat graph."""

from __future__ import annotations

from typing import Any

import numpy as np

import tapediff.graph_compat as ad


def numeric_gradient(
    target: ad.Operation, variable: ad.OpVariable, feed: dict[Any, Any], eps: float = 1e-6
) -> Any:
    """d sum(target) / d variable by central differences (the variable is restored after)."""
    base = np.array(variable.forward(), dtype=np.float64)
    grad = np.zeros_like(base)
    for index in np.ndindex(base.shape):
        for sign in (1.0, -1.0):
            shifted = base.copy()
            shifted[index] += sign * eps
            variable.update(shifted)
            grad[index] += sign * np.sum(target.forward(feed)) / (2 * eps)
    variable.update(base)
    return grad
