"""Constructors: values, shapes and dtypes as NumPy's; plain tensors no tape watches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tapediff as td

CASES: list[tuple[Callable[[], td.Tensor], Callable[[], Any]]] = [
    (lambda: td.zeros(3), lambda: np.zeros(3)),
    (lambda: td.zeros((2, 3), dtype=np.float32), lambda: np.zeros((2, 3), np.float32)),
    (lambda: td.zeros(()), lambda: np.zeros(())),
    (lambda: td.ones((2, 0)), lambda: np.ones((2, 0))),
    (lambda: td.ones(4, dtype=np.int32), lambda: np.ones(4, np.int32)),
    (lambda: td.zeros_like(td.tensor([[1, 2]])), lambda: np.zeros_like(np.array([[1, 2]]))),
    (lambda: td.zeros_like(np.ones(3), dtype=np.float32), lambda: np.zeros(3, np.float32)),
    (
        lambda: td.ones_like(td.tensor(np.ones((2, 2), np.float32))),
        lambda: np.ones((2, 2), np.float32),
    ),
    (lambda: td.ones_like([1.5, 2.5], dtype=int), lambda: np.ones(2, int)),
    (lambda: td.full((2, 3), 7), lambda: np.full((2, 3), 7)),
    (lambda: td.full(3, 0.5, dtype=np.float32), lambda: np.full(3, 0.5, np.float32)),
    (lambda: td.full((2,), td.tensor(2.5)), lambda: np.full((2,), 2.5)),
    (lambda: td.full((2, 2), [1.0, 2.0]), lambda: np.full((2, 2), [1.0, 2.0])),
    (lambda: td.arange(5), lambda: np.arange(5)),
    (lambda: td.arange(2, 7), lambda: np.arange(2, 7)),
    (lambda: td.arange(0.0, 1.0, 0.25), lambda: np.arange(0.0, 1.0, 0.25)),
    (lambda: td.arange(5, 0, -2), lambda: np.arange(5, 0, -2)),
    (lambda: td.arange(3, dtype=np.float32), lambda: np.arange(3, dtype=np.float32)),
    (lambda: td.arange(3, 1), lambda: np.arange(3, 1)),
    (lambda: td.eye(3), lambda: np.eye(3)),
    (lambda: td.eye(2, 4, k=1), lambda: np.eye(2, 4, k=1)),
    (lambda: td.eye(3, k=-1, dtype=np.float32), lambda: np.eye(3, k=-1, dtype=np.float32)),
    (lambda: td.linspace(0, 1), lambda: np.linspace(0, 1)),
    (lambda: td.linspace(0, 1, 5, endpoint=False), lambda: np.linspace(0, 1, 5, endpoint=False)),
    (
        lambda: td.linspace(2, -2, 4, dtype=np.float32),
        lambda: np.linspace(2, -2, 4, dtype=np.float32),
    ),
    (lambda: td.linspace(0, 1, 0), lambda: np.linspace(0, 1, 0)),
    (lambda: td.linspace(0, 10, 6, dtype=int), lambda: np.linspace(0, 10, 6, dtype=int)),
]


@pytest.mark.parametrize(("make", "reference"), CASES)
def test_constructor_matches_numpy(
    make: Callable[[], td.Tensor], reference: Callable[[], Any]
) -> None:
    t = make()
    expected = reference()
    assert type(t) is td.Tensor
    assert t.shape == expected.shape
    assert t.dtype == expected.dtype
    np.testing.assert_array_equal(t.numpy(), expected)


def test_default_dtypes_are_float64() -> None:
    assert td.zeros(2).dtype == np.float64
    assert td.ones(2).dtype == np.float64
    assert td.eye(2).dtype == np.float64
    assert td.linspace(0, 1, 3).dtype == np.float64
    assert td.arange(3).dtype == np.arange(3).dtype  # integer, as in NumPy
    assert td.full(2, 1).dtype == np.full(2, 1).dtype


def test_constructed_tensors_are_not_watched() -> None:
    with td.Tape() as tape:
        z = td.zeros(3)
        y = td.sum(z * 2.0)
    assert tape.gradient(y, z) is None
    with td.Tape() as tape:
        z = td.ones(3)
        tape.watch(z)
        y = td.sum(z * 2.0)
    np.testing.assert_array_equal(tape.gradient(y, z).numpy(), [2.0, 2.0, 2.0])


def test_like_constructors_do_not_alias_their_input() -> None:
    a = np.ones(3)
    z = td.zeros_like(a)
    a[:] = 5.0
    np.testing.assert_array_equal(z.numpy(), np.zeros(3))


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: td.zeros(-1), ValueError, "negative dimensions"),
        (lambda: td.ones((2, -3)), ValueError, "negative dimensions"),
        (lambda: td.zeros(3, dtype="not a dtype"), TypeError, "not understood"),
        (lambda: td.full((2,), [1.0, 2.0, 3.0]), ValueError, "broadcast"),
        (lambda: td.arange(0, 5, 0), ValueError, "arange: step must not be zero"),
        (lambda: td.eye(-1), ValueError, "negative dimensions"),
        (lambda: td.linspace(0, 1, -1), ValueError, "linspace: num must be non-negative"),
        (lambda: td.linspace(0, 1, 2.5), TypeError, "linspace: num must be an integer"),  # type: ignore[arg-type]
        (lambda: td.linspace(0, 1, True), TypeError, "linspace: num must be an integer"),
    ],
)
def test_constructor_errors(make: Callable[[], Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        make()
