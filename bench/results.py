"""What a workload reports: timed rows, targets with their verdicts, and correctness checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

NUMPY = "numpy (hand-written)"
TAPEDIFF = "tapediff"


@dataclass(frozen=True)
class Config:
    """Options shared by every workload."""

    quick: bool = False
    peers: bool = False
    threads: int = 1
    seed: int = 0


@dataclass(frozen=True)
class Row:
    """One implementation of one workload variant; unset figures are not shown."""

    variant: str
    impl: str
    seconds: float | None = None
    us_per_op: float | None = None
    peak_mib: float | None = None
    ratio: float | None = None  # against the hand-written NumPy row of the same variant
    samples: tuple[float, ...] = ()


@dataclass(frozen=True)
class Target:
    """A budget from issue 4 and the figure measured for it in this run."""

    name: str
    measured: float
    limit: float
    unit: str  # "x" for ratios, else a unit such as "us/op"
    judged: bool = True  # False in --quick mode: sizes too small to say anything
    # Interquartile range of the figure over the timing rounds (each round's own ratio), which
    # shows how far the machine's noise could move the median.
    spread: tuple[float, float] | None = None

    @property
    def met(self) -> bool:
        return self.measured <= self.limit


@dataclass(frozen=True)
class Check:
    """A comparison of one benchmark's result against its reference."""

    workload: str
    what: str
    ok: bool
    detail: str = ""
    skipped: bool = False  # nothing to check yet (says why in detail); not a failure


@dataclass
class Section:
    """One workload's results: a title, its rows, its targets, and free-form notes."""

    workload: str
    title: str
    rows: list[Row] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def close(
    workload: str,
    what: str,
    got: npt.ArrayLike,
    want: npt.ArrayLike,
    rtol: float,
    atol: float,
) -> Check:
    """Check ``got`` against ``want`` with ``np.allclose`` (shapes and dtypes must match too)."""
    g = np.asarray(got)
    w = np.asarray(want)
    if g.shape != w.shape:
        return Check(workload, what, False, f"shape {g.shape}, expected {w.shape}")
    if g.dtype != w.dtype:
        return Check(workload, what, False, f"dtype {g.dtype}, expected {w.dtype}")
    if not np.all(np.isfinite(w)):
        return Check(workload, what, False, "the reference itself is not finite")
    ok = bool(np.allclose(g, w, rtol=rtol, atol=atol))
    err = float(np.max(np.abs(g.astype(np.float64) - w))) if w.size else 0.0
    return Check(workload, what, ok, f"max abs err {err:.2e} (rtol {rtol:g}, atol {atol:g})")


def close_all(
    workload: str,
    what: str,
    got: Sequence[Any],
    want: Sequence[Any],
    names: Sequence[str],
    rtol: float,
    atol: float,
) -> list[Check]:
    """:func:`close` for each pair of a list, labelled ``what[name]``."""
    if len(got) != len(want):
        return [Check(workload, what, False, f"{len(got)} results, expected {len(want)}")]
    return [
        close(workload, f"{what}[{n}]", g, w, rtol, atol)
        for n, g, w in zip(names, got, want, strict=True)
    ]


def tolerances(dtype: npt.DTypeLike) -> tuple[float, float]:
    """(rtol, atol) for comparing two correct computations that differ in summation order."""
    if np.dtype(dtype) == np.float32:
        return 2e-4, 2e-6
    return 1e-9, 1e-12
