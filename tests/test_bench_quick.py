"""The benchmark suite's --quick checks: every benchmark's result agrees with its NumPy reference.

Timings are never asserted here; this only keeps the benchmarks from rotting.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

# bench/ is not an installed package: it is run from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import cli
from bench.env import threads_from_argv
from bench.results import Check, Config, close


def test_every_benchmark_matches_its_numpy_reference() -> None:
    checks = cli.run_checks(Config(quick=True))
    failed = [f"{c.workload}: {c.what} ({c.detail})" for c in checks if not c.ok]
    assert not failed, "\n".join(failed)
    assert {c.workload for c in checks} == {w.NAME for w in cli.WORKLOADS}


def test_close_fails_on_a_wrong_value_shape_or_dtype() -> None:
    want = np.array([1.0, 2.0])
    assert close("w", "same", want.copy(), want, 1e-9, 0).ok
    assert not close("w", "value", want + 1e-6, want, 1e-9, 0).ok
    assert not close("w", "shape", want[:1], want, 1e-9, 0).ok
    assert not close("w", "dtype", want.astype(np.float32), want, 1e-9, 0).ok
    assert not close("w", "nan", want * np.nan, want * np.nan, 1e-9, 0).ok


def test_quick_mode_exits_non_zero_when_a_check_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def bad_checks(cfg: Config) -> list[Check]:
        return [Check("per-op", "planted failure", False, "for the test")]

    monkeypatch.setattr(cli.perop, "checks", bad_checks)
    assert cli.main(["--quick", "--checks-only", "--only", "per-op"]) == 1


def test_quick_run_writes_tables_and_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bench.json"
    assert cli.main(["--quick", "--only", "per-op", "--only", "deep", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "== per-op:" in text and "== targets" in text and "n/a (--quick)" in text
    doc = json.loads(out.read_text())
    assert doc["numpy"] == np.__version__ and doc["date"] and doc["machine"]["cpu"]
    assert [w["workload"] for w in doc["workloads"]] == ["per-op", "deep"]
    rows = doc["workloads"][0]["rows"]
    assert [r["impl"] for r in rows][:2] == ["numpy (hand-written)", "tapediff"]
    assert all(r["seconds"] > 0 for r in rows)


@pytest.mark.parametrize(
    ("argv", "threads"),
    [([], 1), (["--threads", "4"], 4), (["--quick", "--threads=2"], 2), (["--threads", "x"], 1)],
)
def test_threads_are_read_from_the_command_line_before_argparse(
    argv: list[str], threads: int
) -> None:
    assert threads_from_argv(argv) == threads
