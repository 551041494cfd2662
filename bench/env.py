"""BLAS thread pinning (before NumPy loads) and a description of the machine a run happened on.

Only the standard library is imported at module level, so the launchers can call
:func:`pin_threads` before anything imports NumPy.
"""

from __future__ import annotations

import datetime
import importlib
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# Reported, never changed: the NumPy reference runs under the same setting, so ratios stay fair.
REPORTED_VARS = (*THREAD_VARS, "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "XLA_FLAGS")
_XLA_ONE_THREAD = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


def threads_from_argv(argv: list[str]) -> int:
    """The ``--threads N`` value in ``argv`` (1 if absent or malformed; argparse reports that)."""
    for i, arg in enumerate(argv):
        value: str | None = None
        if arg == "--threads" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--threads="):
            value = arg.split("=", 1)[1]
        if value is not None:
            try:
                return max(1, int(value))
            except ValueError:
                return 1
    return 1


def pin_threads(n: int) -> bool:
    """Set the BLAS (and XLA) thread-count variables to ``n``.

    Returns False if NumPy was already imported, in which case the BLAS library has read its
    variables already and the setting cannot take effect in this process.
    """
    for var in THREAD_VARS:
        os.environ[var] = str(n)
    if n == 1 and "XLA_FLAGS" not in os.environ:
        os.environ["XLA_FLAGS"] = _XLA_ONE_THREAD
    return "numpy" not in sys.modules


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git_commit() -> str | None:
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _blas_info() -> dict[str, Any]:
    import numpy as np

    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return {k: blas.get(k) for k in ("name", "version", "openblas configuration")}
    except Exception as e:  # show_config's layout is not a stable API: report, don't fail
        return {"error": repr(e)}


def peer_versions() -> dict[str, str]:
    """Versions of the peer libraries that are installed (without importing them)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for dist in ("torch", "autograd", "mygrad", "jax", "jaxlib"):
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:
            continue
    return found


def machine_info(threads: int, pinned: bool) -> dict[str, Any]:
    """Date, machine, versions and thread settings, for the report header and the JSON file."""
    import numpy as np

    td = importlib.import_module("tapediff")
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpu": _cpu_model(),
            "cores": os.cpu_count(),
            "platform": platform.platform(),
        },
        "python": platform.python_version(),
        "numpy": np.__version__,
        "tapediff": getattr(td, "__version__", "?"),
        "tapediff_commit": _git_commit(),
        "blas": _blas_info(),
        "threads": threads,
        "threads_pinned_before_numpy": pinned,
        "env": {var: os.environ.get(var) for var in REPORTED_VARS},
        "peers": peer_versions(),
    }
