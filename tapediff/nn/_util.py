"""Shared helpers for layers: random generators and input-shape errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

RngLike = int | np.random.Generator | None


def as_rng(rng: RngLike) -> np.random.Generator:
    """A Generator from a seed, a Generator (used as is) or None (fresh entropy)."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def shape_error(layer: str, expected: str, given: Sequence[int]) -> ValueError:
    """The error for a wrong input shape: names the layer, the expected and the given shape."""
    return ValueError(f"{layer}: expected input of shape {expected}; got shape {tuple(given)}")


def check_ndim(layer: str, x: Any, ndims: Sequence[int], expected: str) -> None:
    """Raise :func:`shape_error` unless ``x`` has one of ``ndims`` dimensions."""
    if np.ndim(x) not in ndims:
        raise shape_error(layer, expected, np.shape(x))
