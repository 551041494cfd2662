"""``--profile WORKLOAD``: where tapediff's time goes in one workload, by cProfile."""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Callable


def profile(fn: Callable[[], object], min_seconds: float = 2.0, top: int = 15) -> str:
    """Run ``fn`` (after one warm-up call) until ``min_seconds`` of profiled time; the top list."""
    fn()
    profiler = cProfile.Profile()
    calls = 0
    start = time.perf_counter()
    profiler.enable()
    while calls == 0 or time.perf_counter() - start < min_seconds:
        fn()
        calls += 1
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(pstats.SortKey.TIME).print_stats(top)
    return f"{calls} calls profiled\n" + out.getvalue()
