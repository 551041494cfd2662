"""Peer libraries for ``--peers``: the same workloads written for each, imported only on demand.

Each peer module imports its library at the top, so importing the module is the availability
test. A peer implements what its library can do: ``chain`` (per-op and deep), ``mlp_step``,
``hvp`` (None where the library has no higher-order gradients), and says with ``TRACEABLE``
whether tracemalloc sees its allocations (true only of NumPy-based libraries).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

_MODULES = (
    ("PyTorch", "torch_peer"),
    ("HIPS autograd", "autograd_peer"),
    ("MyGrad", "mygrad_peer"),
    ("JAX (eager)", "jax_peer"),
)


@dataclass(frozen=True)
class Peer:
    """An importable peer: its display name (with version) and its implementation module."""

    name: str
    module: ModuleType


def load(threads: int) -> tuple[list[Peer], list[str]]:
    """The peers that import, and a note for each that does not."""
    found: list[Peer] = []
    missing: list[str] = []
    for label, modname in _MODULES:
        try:
            mod = importlib.import_module(f"{__name__}.{modname}")
        except ImportError as e:
            missing.append(f"{label}: not installed ({e.name or e})")
            continue
        mod.configure(threads)
        found.append(Peer(f"{label} {mod.VERSION}", mod))
    return found, missing
