"""Seeded random tensors drawn from a numpy.random.Generator."""

from __future__ import annotations

__all__: list[str] = []
