"""memory: tracemalloc peak of one float32 mlp step against the hand-written NumPy step.

NumPy reports its array buffers to tracemalloc, so the peak includes every activation and
gradient the step holds at once, plus the tape's own Python objects. The weights and inputs exist
before tracing starts and are not counted; the returned gradients are.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

import numpy as np

from ..peers import load as load_peers
from ..results import NUMPY, TAPEDIFF, Check, Config, Row, Section, Target
from ..timing import compare_peaks
from . import _mlp
from .mlp import problem

NAME = "memory"
TARGET = 1.25  # x the hand-written NumPy step's peak
MIB = 2**20


def _impls(cfg: Config, p: _mlp.Problem) -> dict[str, Callable[[], object]]:
    impls: dict[str, Callable[[], object]] = {
        NUMPY: lambda: _mlp.numpy_step(p),
        TAPEDIFF: _mlp.TapediffMLP(p).step,
    }
    if cfg.peers:
        for peer in load_peers(cfg.threads)[0]:
            if peer.module.TRACEABLE:
                impls[peer.name] = peer.module.mlp_step(p)
    return impls


def profile_target(cfg: Config) -> Callable[[], object]:
    """The float32 tapediff step alone, for ``--profile`` (time, not memory)."""
    return _mlp.TapediffMLP(problem(cfg, np.float32)).step


def checks(cfg: Config) -> list[Check]:
    """The step itself is checked by the mlp workload; here, that tracing sees its arrays."""
    p = problem(cfg, np.float32)
    peaks = compare_peaks(_impls(cfg, p), repeats=1)
    grad_bytes = sum(w.nbytes for w in p.params)
    out = []
    for name, values in peaks.items():
        ok = values[0] >= grad_bytes
        detail = f"peak {values[0]} B, gradients alone {grad_bytes} B"
        out.append(Check(NAME, f"{name} peak includes the gradients", ok, detail))
    return out


def run(cfg: Config) -> Section:
    p = problem(cfg, np.float32)
    peaks = compare_peaks(_impls(cfg, p), repeats=3 if cfg.quick else 5)
    med: dict[str, Any] = {name: statistics.median(v) for name, v in peaks.items()}
    base = med[NUMPY]
    section = Section(NAME, "tracemalloc peak of one float32 mlp step")
    variant = f"float32, batch {p.x.shape[0]}"
    for name, value in med.items():
        section.rows.append(
            Row(
                variant,
                name,
                peak_mib=value / MIB,
                ratio=value / base,
                samples=tuple(float(v) for v in peaks[name]),
            )
        )
    section.targets.append(
        Target("memory peak vs NumPy", med[TAPEDIFF] / base, TARGET, "x", judged=not cfg.quick)
    )
    if cfg.peers:
        section.notes.append("PyTorch and JAX allocate outside Python: tracemalloc cannot see them")
    return section
