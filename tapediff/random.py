"""Seeded random tensors drawn from a ``numpy.random.Generator``.

There is no hidden global generator: every function takes the generator to draw from, so a
result depends only on its seed. ``td.random.normal(np.random.default_rng(0), (3, 2))``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .tensor import Shape, Tensor, _wrap

__all__ = ["normal", "uniform"]


def _check(name: str, rng: Any, dtype: npt.DTypeLike) -> np.dtype[Any]:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"random.{name}: expected a numpy.random.Generator as the first argument; got "
            f"{type(rng).__name__}. Create one with np.random.default_rng(seed)."
        )
    dt = np.dtype(dtype)
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"random.{name}: dtype must be float32 or float64; got {dt}")
    return dt


def normal(
    rng: np.random.Generator,
    shape: Shape = (),
    loc: float = 0.0,
    scale: float = 1.0,
    dtype: npt.DTypeLike = np.float64,
) -> Tensor:
    """Samples from a normal distribution with mean ``loc`` and standard deviation ``scale``."""
    dt = _check("normal", rng, dtype)
    if scale < 0:
        raise ValueError(f"random.normal: scale must be non-negative; got {scale}")
    z = rng.standard_normal(shape, dtype=dt)
    return _wrap(np.asarray(z * dt.type(scale) + dt.type(loc)))


def uniform(
    rng: np.random.Generator,
    shape: Shape = (),
    low: float = 0.0,
    high: float = 1.0,
    dtype: npt.DTypeLike = np.float64,
) -> Tensor:
    """Samples from a uniform distribution on ``[low, high)``."""
    dt = _check("uniform", rng, dtype)
    u = rng.random(shape, dtype=dt)
    return _wrap(np.asarray(u * dt.type(high - low) + dt.type(low)))
