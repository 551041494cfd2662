"""The one place that imports SciPy for ``tapediff.scipy``'s linalg, signal and integrate."""

from __future__ import annotations

import importlib
from typing import Any


def scipy_module(name: str, op: str) -> Any:
    """SciPy's module ``name`` (``"scipy.linalg"``...); a clear ImportError naming ``op`` and
    the extra to install when SciPy is missing."""
    try:
        return importlib.import_module(name)
    except ImportError as e:
        raise ImportError(
            f'{op} needs SciPy, an optional dependency of tapediff: pip install "tapediff[scipy]"'
        ) from e
