"""Build a NumPy-like namespace: NumPy's names, with tapediff's differentiable functions on top."""

from __future__ import annotations

from types import ModuleType
from typing import Any


def overlay(
    target: dict[str, Any], numpy_module: ModuleType, *tapediff_modules: ModuleType
) -> None:
    """Fill ``target`` with ``numpy_module``'s public names, then override every name that a
    tapediff module defines under the same name (NumPy's own functions are kept for the rest:
    on tensors a tape tracks they refuse rather than drop a gradient)."""
    names = getattr(numpy_module, "__all__", None) or [
        n for n in dir(numpy_module) if not n.startswith("_")
    ]
    for name in names:
        if hasattr(numpy_module, name):
            target[name] = getattr(numpy_module, name)
    for module in tapediff_modules:
        for name in getattr(module, "__all__", ()):
            if name in target and callable(target[name]):
                target[name] = getattr(module, name)
