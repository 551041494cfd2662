"""SciPy's differentiable functions: ``tapediff.scipy.special``, ``.stats``, ``.linalg``,
``.signal`` and ``.integrate``, under SciPy's names and signatures.

SciPy is an optional extra (``pip install "tapediff[scipy]"``). It is imported when a function
that needs it first runs, so ``import tapediff`` never loads it.
"""

from __future__ import annotations

import importlib
from typing import Any

_SUBMODULES = ("integrate", "linalg", "signal", "special", "stats")


def __getattr__(name: str) -> Any:
    # `tapediff.scipy.special` works without importing the submodule first, as with SciPy.
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'tapediff.scipy' has no attribute {name!r}")
