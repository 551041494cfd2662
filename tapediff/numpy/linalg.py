"""``numpy.linalg`` for tapediff: its differentiable functions from ``tapediff.linalg``, the rest
NumPy's (refusing tensors a tape tracks)."""

from __future__ import annotations

import importlib
from typing import Any

import numpy.linalg as _npl

from ._namespace import overlay as _overlay

try:
    _tapediff_linalg = [importlib.import_module("tapediff.linalg")]
except ImportError:  # not built yet: every function is NumPy's
    _tapediff_linalg = []

_overlay(globals(), _npl, *_tapediff_linalg)


def __getattr__(name: str) -> Any:
    raise AttributeError(f"module 'tapediff.numpy.linalg' has no attribute {name!r}")
