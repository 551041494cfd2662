"""The README's Python examples run as written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_examples_run_in_order() -> None:
    # Later examples continue earlier ones (they reuse x, w...), as a reader would run them.
    namespace: dict[str, Any] = {}
    for code in BLOCKS:
        exec(compile(code, str(README), "exec"), namespace)


def test_the_extension_example_gives_the_analytic_second_derivative() -> None:
    (code,) = [b for b in BLOCKS if "tapediff.extend" in b]
    namespace: dict[str, Any] = {}
    exec(compile(code, str(README), "exec"), namespace)
    b = np.array([0.5, -1.0])
    # logaddexp(b, 2b) has first derivative 1 + sigmoid(b), second sigmoid(b) (1 - sigmoid(b)).
    sig = 1 / (1 + np.exp(-b))
    np.testing.assert_allclose(namespace["d2"].numpy(), sig * (1 - sig), rtol=1e-12)
