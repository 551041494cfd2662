"""The legacy example programs (examples/legacy), trained for fewer steps."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "legacy"


def _load(name: str) -> dict[str, Any]:
    return runpy.run_path(str(EXAMPLES / name), run_name="legacy_example")


def test_linear_regression_fits(auto_diff: ModuleType) -> None:
    result = _load("linear_regression.py")["train"](steps=300)
    losses = result["losses"]
    assert losses[-1] < 1e-3 < losses[0]
    np.testing.assert_allclose(result["w"], result["true_w"], atol=0.02)
    assert abs(result["b"] - result["true_b"]) < 0.02


def test_softmax_classification_learns(auto_diff: ModuleType) -> None:
    result = _load("softmax_classification.py")["train"](steps=300)
    assert np.mean(result["losses"][-20:]) < 0.5 * result["losses"][0]
    assert result["accuracy"] > 0.9


def test_examples_run_through_the_edit_free_runner() -> None:
    for name in ("linear_regression.py", "softmax_classification.py"):
        done = subprocess.run(
            [sys.executable, "-m", "tapediff.graph_compat", str(EXAMPLES / name), "--steps", "20"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "20 SGD steps in" in done.stdout
