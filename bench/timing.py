"""Timing on a noisy machine: interleaved samples, medians, and tracemalloc peaks.

Every implementation of a workload is timed in the same loop, one sample of each in turn (the
order rotating between rounds), so a burst of load from other processes hits all of them alike
and the ratio of their medians stays meaningful even when the absolute numbers do not.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Seconds per call of one implementation, one entry per sample."""

    samples: tuple[float, ...]
    calls_per_sample: int

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def spread(self) -> float:
        """Relative spread of the samples, (max - min) / median."""
        return (max(self.samples) - min(self.samples)) / self.median


@dataclass(frozen=True)
class Plan:
    """How to time: rounds of samples, warm-up calls, and the shortest worthwhile sample."""

    repeats: int = 7
    warmup: int = 3
    min_sample_s: float = 0.05
    # Fixed calls per sample (no calibration): for workloads that take seconds per call.
    calls: int | None = None


def _calls_for(fn: Callable[[], object], min_sample_s: float) -> int:
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    return max(1, math.ceil(min_sample_s / max(once, 1e-9)))


def compare(fns: Mapping[str, Callable[[], object]], plan: Plan) -> dict[str, Timing]:
    """Time each callable: warm up, calibrate, then ``plan.repeats`` interleaved rounds."""
    names = list(fns)
    calls: dict[str, int] = {}
    for name in names:
        for _ in range(plan.warmup):
            fns[name]()
        calls[name] = plan.calls or _calls_for(fns[name], plan.min_sample_s)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(plan.repeats):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            fn, n = fns[name], calls[name]
            # Collect before, not during: each sample starts from the same heap state, and a
            # collection triggered inside the sample is part of what the workload costs.
            gc.collect()
            start = time.perf_counter()
            for _ in range(n):
                fn()
            samples[name].append((time.perf_counter() - start) / n)
    return {name: Timing(tuple(samples[name]), calls[name]) for name in names}


def peak_bytes(fn: Callable[[], object]) -> int:
    """Peak traced memory allocated while ``fn`` runs (its result included), in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


def compare_peaks(fns: Mapping[str, Callable[[], object]], repeats: int) -> dict[str, list[int]]:
    """Interleaved tracemalloc peaks of each callable (after one untraced warm-up call each)."""
    for fn in fns.values():
        fn()
    peaks: dict[str, list[int]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            peaks[name].append(peak_bytes(fn))
    return peaks


def quartiles(values: Sequence[float]) -> tuple[float, float]:
    """First and third quartiles (the middle half of the values)."""
    if len(values) < 2:
        return values[0], values[0]
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], q[2]


def ratio(t: Timing, base: Timing) -> float:
    """Median over rounds of ``t``'s sample over ``base``'s sample of the same round.

    The two samples of a round ran back to back, so load from other processes mostly hits both;
    pairing them cancels that better than dividing the two medians.
    """
    return statistics.median(a / b for a, b in zip(t.samples, base.samples, strict=True))


def round_ratios(t: Timing, base: Timing) -> tuple[float, float]:
    """Quartiles of ``t``'s samples over ``base``'s, round by round (adjacent in time)."""
    return quartiles([a / b for a, b in zip(t.samples, base.samples, strict=True)])
