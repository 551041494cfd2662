"""``numpy.random``, unchanged: random numbers are constants to a tape."""

from __future__ import annotations

from typing import Any

import numpy.random as _npr

from ._namespace import overlay as _overlay

_overlay(globals(), _npr)


def __getattr__(name: str) -> Any:
    raise AttributeError(f"module 'tapediff.numpy.random' has no attribute {name!r}")
