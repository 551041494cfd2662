"""Plain-text tables and the JSON document of a benchmark run."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

from .results import Check, Section, Target


def seconds(s: float) -> str:
    """A duration in the unit that reads best: s, ms or us."""
    if s >= 1:
        return f"{s:.3g} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3g} ms"
    return f"{s * 1e6:.3g} us"


def count(n: int) -> str:
    """Powers of ten as 1e5; anything else as a plain integer."""
    k = round(math.log10(n)) if n > 0 else 0
    return f"1e{k}" if 10**k == n and k >= 3 else str(n)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def section_text(section: Section) -> str:
    """One workload's rows: implementation, median time, per-op time or peak, ratio to NumPy."""
    show_us = any(r.us_per_op is not None for r in section.rows)
    show_time = any(r.seconds is not None for r in section.rows)
    show_mem = any(r.peak_mib is not None for r in section.rows)
    header = ["variant", "implementation"]
    header += ["median"] if show_time else []
    header += ["us/op"] if show_us else []
    header += ["peak MiB"] if show_mem else []
    header += ["vs NumPy"]
    rows = []
    previous = None
    for r in section.rows:
        cells = [r.variant if r.variant != previous else "", r.impl]
        previous = r.variant
        if show_time:
            cells.append(seconds(r.seconds) if r.seconds is not None else "-")
        if show_us:
            cells.append(f"{r.us_per_op:.3g}" if r.us_per_op is not None else "-")
        if show_mem:
            cells.append(f"{r.peak_mib:.2f}" if r.peak_mib is not None else "-")
        cells.append(f"{r.ratio:.2f}x" if r.ratio is not None else "-")
        rows.append(cells)
    right = set(range(2, len(header)))
    lines = [f"== {section.workload}: {section.title}", *_table(header, rows, right)]
    lines += [f"   note: {n}" for n in section.notes]
    return "\n".join(lines)


def _status(t: Target) -> str:
    if not t.judged:
        return "n/a (--quick)"
    return "met" if t.met else "NOT MET"


def _figure(value: float, unit: str) -> str:
    return f"{value:.2f}x" if unit == "x" else f"{value:.3g} {unit}"


def targets_text(sections: Sequence[Section]) -> str:
    """Every target of the run: measured figure, budget, met or not."""
    rows = [
        [
            t.name,
            _figure(t.measured, t.unit),
            _spread(t),
            "<= " + _figure(t.limit, t.unit),
            _status(t),
        ]
        for s in sections
        for t in s.targets
    ]
    header = ["target", "measured", "middle half of rounds", "budget", "status"]
    return "\n".join(["== targets", *_table(header, rows, {1, 2, 3})])


def _spread(t: Target) -> str:
    if t.spread is None:
        return "-"
    lo, hi = t.spread
    return f"{lo:.2f} - {hi:.2f}" if t.unit == "x" else f"{lo:.3g} - {hi:.3g}"


def checks_text(checks: Sequence[Check], verbose: bool) -> str:
    """A summary line, then every failed or skipped check (every check with ``verbose``)."""
    failed = [c for c in checks if not c.ok]
    skipped = [c for c in checks if c.ok and c.skipped]
    passed = len(checks) - len(failed) - len(skipped)
    lines = [
        f"== checks against NumPy: {passed} passed, {len(failed)} failed, {len(skipped)} skipped"
    ]
    for c in checks:
        label = "FAIL" if not c.ok else "skip" if c.skipped else "ok"
        if verbose or label != "ok":
            lines.append(f"   {label:4}  {c.workload}: {c.what}  ({c.detail})")
    return "\n".join(lines)


def header_text(info: dict[str, Any]) -> str:
    env = info["env"]
    blas = info["blas"]
    lines = [
        f"tapediff {info['tapediff']} ({info['tapediff_commit'] or 'no git'}) benchmarks, "
        f"{info['date']}",
        f"machine: {info['machine']['cpu']}, {info['machine']['cores']} cores, "
        f"{info['machine']['platform']}",
        f"python {info['python']}, numpy {info['numpy']} "
        f"(BLAS {blas.get('name', '?')} {blas.get('version', '')}), "
        f"BLAS threads {info['threads']}, OPENBLAS_CORETYPE={env.get('OPENBLAS_CORETYPE')}",
    ]
    lines.append(
        "times: medians over interleaved rounds; vs NumPy: median over rounds of the ratio to the "
        "hand-written NumPy sample of the same round"
    )
    if info["peers"]:
        lines.append("peers installed: " + ", ".join(f"{k} {v}" for k, v in info["peers"].items()))
    if not info["threads_pinned_before_numpy"]:
        lines.append(
            "WARNING: NumPy was imported before the thread count was set; it may not apply"
        )
    return "\n".join(lines)


def document(
    info: dict[str, Any], config: Any, sections: Sequence[Section], checks: Sequence[Check]
) -> dict[str, Any]:
    """Everything of the run as JSON-ready data."""

    def target(t: Target) -> dict[str, Any]:
        return {**dataclasses.asdict(t), "met": t.met if t.judged else None}

    return {
        **info,
        "config": dataclasses.asdict(config),
        "checks": [dataclasses.asdict(c) for c in checks],
        "workloads": [
            {
                "workload": s.workload,
                "title": s.title,
                "rows": [dataclasses.asdict(r) for r in s.rows],
                "targets": [target(t) for t in s.targets],
                "notes": s.notes,
            }
            for s in sections
        ],
    }
