"""The reverse replay is iterative: very deep graphs differentiate without recursion."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import tapediff as td


@pytest.mark.slow
def test_million_op_chain_differentiates() -> None:
    n = 1_000_000
    assert n > 100 * sys.getrecursionlimit()
    x = td.tensor(0.5)
    with td.Tape() as tape:
        tape.watch(x)
        y = x
        for i in range(n // 2):
            y = y * 1.0000001
            y = y + 1e-7 * (i % 3)
    g = tape.gradient(y, x)
    np.testing.assert_allclose(g.item(), 1.0000001 ** (n // 2), rtol=1e-9)
    assert tape._records == []  # released while replaying


def test_deep_chain_of_nested_tapes_second_order() -> None:
    x = td.tensor(1.3)
    n = 20_000
    with td.Tape() as outer:
        outer.watch(x)
        with td.Tape() as inner:
            inner.watch(x)
            y = x
            for _ in range(n):
                y = td.sin(y) * 0.5 + y * 0.5
        g = inner.gradient(y, x)
    h = outer.gradient(g, x)

    def slope(v: float) -> float:  # d y_n / d x as a product of per-step derivatives
        total = 1.0
        for _ in range(n):
            total *= 0.5 * np.cos(v) + 0.5
            v = 0.5 * np.sin(v) + 0.5 * v
        return total

    eps = 1e-5
    np.testing.assert_allclose(g.item(), slope(1.3), rtol=1e-9)
    np.testing.assert_allclose(
        h.item(), (slope(1.3 + eps) - slope(1.3 - eps)) / (2 * eps), rtol=1e-4
    )
