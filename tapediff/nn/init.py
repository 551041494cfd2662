"""Initializers: arrays for a shape, drawn from a seeded ``np.random.Generator``.

Fan-in and fan-out follow PyTorch: for a weight of shape ``(out, in, *kernel)`` fan-in is
``in * prod(kernel)`` and fan-out ``out * prod(kernel)``; a 1-d shape has both equal to its size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..tensor import Array
from ._util import RngLike, as_rng

__all__ = [
    "constant",
    "fans",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "kaiming_normal",
    "kaiming_uniform",
    "lecun_normal",
    "lecun_uniform",
    "normal",
    "ones",
    "uniform",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]

Shape = Sequence[int] | int


def _shape(shape: Shape) -> tuple[int, ...]:
    return (shape,) if isinstance(shape, int) else tuple(int(s) for s in shape)


def fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shape."""
    s = _shape(shape)
    if not s:
        return 1, 1
    if len(s) == 1:
        return s[0], s[0]
    receptive = math.prod(s[2:])
    return s[1] * receptive, s[0] * receptive


def zeros(shape: Shape, dtype: npt.DTypeLike = np.float64) -> Array:
    """All zeros."""
    return np.zeros(_shape(shape), dtype=dtype)


def ones(shape: Shape, dtype: npt.DTypeLike = np.float64) -> Array:
    """All ones."""
    return np.ones(_shape(shape), dtype=dtype)


def constant(shape: Shape, value: float, dtype: npt.DTypeLike = np.float64) -> Array:
    """Every element ``value``."""
    return np.full(_shape(shape), value, dtype=dtype)


def normal(
    shape: Shape,
    mean: float = 0.0,
    std: float = 1.0,
    rng: RngLike = None,
    dtype: npt.DTypeLike = np.float64,
) -> Array:
    """Normal(mean, std) samples."""
    return as_rng(rng).normal(mean, std, _shape(shape)).astype(dtype)


def uniform(
    shape: Shape,
    low: float = 0.0,
    high: float = 1.0,
    rng: RngLike = None,
    dtype: npt.DTypeLike = np.float64,
) -> Array:
    """Uniform[low, high) samples."""
    return as_rng(rng).uniform(low, high, _shape(shape)).astype(dtype)


def glorot_normal(
    shape: Shape, gain: float = 1.0, rng: RngLike = None, dtype: npt.DTypeLike = np.float64
) -> Array:
    """Normal with std ``gain * sqrt(2 / (fan_in + fan_out))`` (Glorot & Bengio)."""
    fi, fo = fans(shape)
    return normal(shape, 0.0, gain * math.sqrt(2.0 / (fi + fo)), rng, dtype)


def glorot_uniform(
    shape: Shape, gain: float = 1.0, rng: RngLike = None, dtype: npt.DTypeLike = np.float64
) -> Array:
    """Uniform on ``±gain * sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio)."""
    fi, fo = fans(shape)
    a = gain * math.sqrt(6.0 / (fi + fo))
    return uniform(shape, -a, a, rng, dtype)


def he_normal(shape: Shape, rng: RngLike = None, dtype: npt.DTypeLike = np.float64) -> Array:
    """Normal with std ``sqrt(2 / fan_in)`` (He et al., for ReLU)."""
    return normal(shape, 0.0, math.sqrt(2.0 / fans(shape)[0]), rng, dtype)


def he_uniform(shape: Shape, rng: RngLike = None, dtype: npt.DTypeLike = np.float64) -> Array:
    """Uniform on ``±sqrt(6 / fan_in)`` (He et al., for ReLU)."""
    a = math.sqrt(6.0 / fans(shape)[0])
    return uniform(shape, -a, a, rng, dtype)


def lecun_normal(shape: Shape, rng: RngLike = None, dtype: npt.DTypeLike = np.float64) -> Array:
    """Normal with std ``sqrt(1 / fan_in)`` (LeCun)."""
    return normal(shape, 0.0, math.sqrt(1.0 / fans(shape)[0]), rng, dtype)


def lecun_uniform(shape: Shape, rng: RngLike = None, dtype: npt.DTypeLike = np.float64) -> Array:
    """Uniform on ``±sqrt(3 / fan_in)`` (LeCun)."""
    a = math.sqrt(3.0 / fans(shape)[0])
    return uniform(shape, -a, a, rng, dtype)


xavier_normal = glorot_normal
xavier_uniform = glorot_uniform
kaiming_normal = he_normal
kaiming_uniform = he_uniform
