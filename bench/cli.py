"""The command line: checks against NumPy, then the timed workloads, the tables and the JSON.

Imported by the launchers (``bench/__main__.py``, ``bench/run.py``) only after they have set the
BLAS thread count, since importing this module imports NumPy.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from . import report
from .env import machine_info
from .peers import load as load_peers
from .profiling import profile
from .results import Check, Config, Section
from .workloads import compat, deep, gp, higher_order, memory, mlp, perop, train

WORKLOADS: tuple[ModuleType, ...] = (perop, mlp, deep, memory, compat, higher_order, gp, train)
BY_NAME = {w.NAME: w for w in WORKLOADS}


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="tapediff benchmarks: each workload timed against hand-written NumPy.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes and few repeats; the checks decide the exit code, timings are not judged",
    )
    parser.add_argument(
        "--peers",
        action="store_true",
        help="add PyTorch, autograd, MyGrad, JAX rows when installed",
    )
    parser.add_argument(
        "--threads", type=int, default=1, metavar="N", help="BLAS threads (default 1)"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the results as JSON")
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(BY_NAME),
        metavar="WORKLOAD",
        help=f"run only this workload (repeatable): {', '.join(BY_NAME)}",
    )
    parser.add_argument(
        "--profile",
        choices=sorted(BY_NAME),
        metavar="WORKLOAD",
        help="cProfile tapediff alone on this workload (top 15 by own time), time nothing else",
    )
    parser.add_argument("--checks-only", action="store_true", help="run the checks, time nothing")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random problems")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every check")
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error(f"--threads must be at least 1; got {args.threads}")
    return args


def run_checks(cfg: Config, workloads: Sequence[ModuleType] = WORKLOADS) -> list[Check]:
    """Every workload's results against its NumPy reference, at the small --quick sizes."""
    small = Config(quick=True, peers=cfg.peers, threads=cfg.threads, seed=cfg.seed)
    out: list[Check] = []
    for w in workloads:
        try:
            out += w.checks(small)
        except Exception:
            out.append(Check(w.NAME, "checks raised", False, traceback.format_exc(limit=-3)))
    return out


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: Sequence[str], pinned: bool = True) -> int:
    """Run the suite; 1 if a check failed or a workload raised, else 0 (timings never fail)."""
    args = parse_args(argv)
    cfg = Config(quick=args.quick, peers=args.peers, threads=args.threads, seed=args.seed)
    workloads = [BY_NAME[n] for n in args.only] if args.only else list(WORKLOADS)
    if args.profile:
        target = BY_NAME[args.profile].profile_target(cfg)
        print(f"== profile of tapediff on {args.profile}{' (--quick sizes)' if cfg.quick else ''}")
        print(profile(target))
        return 0
    info = machine_info(args.threads, pinned)
    print(report.header_text(info))
    if cfg.peers:
        found, missing = load_peers(cfg.threads)
        print("peers: " + (", ".join(p.name for p in found) or "none importable"))
        for m in missing:
            print(f"   skipped {m}")
    print(flush=True)

    checks = run_checks(cfg, workloads)
    print(report.checks_text(checks, args.verbose), flush=True)
    failed = any(not c.ok for c in checks)

    sections: list[Section] = []
    if not args.checks_only:
        for w in workloads:
            _progress(f"[bench] {w.NAME} ...")
            start = time.perf_counter()
            try:
                section = w.run(cfg)
            except Exception:
                failed = True
                print(f"\n== {w.NAME}: FAILED\n{traceback.format_exc()}", flush=True)
                continue
            _progress(f"[bench] {w.NAME} took {time.perf_counter() - start:.1f} s")
            sections.append(section)
            print("\n" + report.section_text(section), flush=True)
        if sections:
            print("\n" + report.targets_text(sections))

    if args.json:
        doc = report.document(info, cfg, sections, checks)
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
        print(f"\nresults written to {args.json}")
    return 1 if failed else 0
