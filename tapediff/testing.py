"""Gradient checking and hypothesis strategies for tapediff users and tests."""

from __future__ import annotations

__all__: list[str] = []
