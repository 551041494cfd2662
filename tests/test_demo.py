"""The README's demo keeps working: its loss falls and its gradient check passes."""

from __future__ import annotations

import itertools
import re
import runpy
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo.py"


def test_demo_loss_falls_and_gradient_check_passes(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(DEMO), run_name="__main__")
    out = capsys.readouterr().out
    losses = [float(v) for v in re.findall(r"loss ([0-9.]+)", out)]
    assert len(losses) >= 5
    assert all(b < a for a, b in itertools.pairwise(losses)), losses
    assert losses[-1] < 0.05 * losses[0]
    assert "Gradient check against finite differences: passed" in out
