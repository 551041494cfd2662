"""``numpy.fft`` for tapediff: its differentiable functions from ``tapediff.fft``, the rest
NumPy's (refusing tensors a tape tracks)."""

from __future__ import annotations

import importlib
from typing import Any

import numpy.fft as _npf

from ._namespace import overlay as _overlay

try:
    _tapediff_fft = [importlib.import_module("tapediff.fft")]
except ImportError:  # not built yet: every function is NumPy's
    _tapediff_fft = []

_overlay(globals(), _npf, *_tapediff_fft)


def __getattr__(name: str) -> Any:
    raise AttributeError(f"module 'tapediff.numpy.fft' has no attribute {name!r}")
