"""Constructors: values, shapes and dtypes as NumPy's; plain tensors no tape watches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tapediff as td
import tapediff.numpy as tnp

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


# ----- built from tensors: differentiable, never a silently lost gradient -----


def _grad(build: Callable[[td.Tensor], Any], x0: Any = 2.0) -> Any:
    x = td.tensor(x0)
    with td.Tape() as tape:
        tape.watch(x)
        y = td.sum(build(x))
    return tape.gradient(y, x)


@pytest.mark.parametrize(
    ("build", "want"),
    [
        (lambda x: td.full((3,), x), 3.0),
        (lambda x: td.full((2, 3), x, dtype=np.float32), 6.0),
        (lambda x: td.full_like(np.ones(2), x), 2.0),
        (lambda x: td.full_like(np.ones((2, 2), np.float32), x, shape=(3,)), 3.0),
        (lambda x: td.linspace(0.0, x, 3), 1.5),  # [0, x/2, x]
        (lambda x: td.linspace(x, 3 * x, 4), 8.0),  # x + [0, 2x/3, 4x/3, 2x]
        (lambda x: td.linspace(x, 1.0, 4, endpoint=False), 2.5),  # x + i (1 - x)/4
        (lambda x: td.linspace(x, 5.0, 1), 1.0),
        (lambda x: td.linspace(x, 5.0, 2, retstep=True)[1], -1.0),
        (lambda x: td.tensor([x, x * 2]), 3.0),
        (lambda x: td.tensor([[x, 1.0], (3.0, x)]), 2.0),
        (lambda x: td.tensor((x, 2.0), dtype=np.float32), 1.0),
        (lambda x: td.tensor(x), 1.0),
        (lambda x: td.as_tensor([x, x, x]), 3.0),
        (lambda x: tnp.array([x, -x]), 0.0),
        (lambda x: tnp.array([x, 2.0 * x]) * 2.0, 6.0),
        (lambda x: tnp.asarray([x, x], dtype=np.float32), 2.0),
        (lambda x: td.sum([x, x, 1.0]), 2.0),  # ops read nested lists through operand too
        (lambda x: td.getitem([x, 2 * x], 1), 2.0),
        (lambda x: td.take([[x], [x]], [0, 0, 1]), 3.0),
        (lambda x: td.cumsum([x, 1.0]), 2.0),
        (lambda x: td.exp(td.stack([x, x])), 2 * np.exp(2.0)),
    ],
)
def test_built_from_a_tracked_tensor_keeps_the_gradient(
    build: Callable[[td.Tensor], Any], want: float
) -> None:
    g = _grad(build)
    assert g is not None, "gradient lost"
    assert g.dtype == np.float64
    np.testing.assert_allclose(g.numpy(), want)


def test_built_from_tensors_values_and_dtypes_are_numpys() -> None:
    x = td.tensor(np.float32(1.5))
    with td.Tape() as tape:
        tape.watch(x)
        cases = [
            (td.full((2,), x), np.full((2,), np.float32(1.5))),
            (td.tensor([x, 2.0]), np.array([np.float32(1.5), 2.0])),
            (td.tensor([x, x]), np.array([np.float32(1.5)] * 2)),
            (td.linspace(x, 4.0, 7), np.linspace(np.float32(1.5), 4.0, 7)),
            (
                td.linspace(td.tensor([0.0, 1.0]), x, 5, axis=-1),
                np.linspace([0.0, 1.0], np.float32(1.5), 5, axis=-1),
            ),
            (td.full_like(np.arange(3), x), np.full_like(np.arange(3), 1.5)),
        ]
    for got, want in cases:
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got.numpy(), want)


def test_integer_results_from_a_tracked_fill_are_not_recorded() -> None:
    x = td.tensor(2.7)
    with td.Tape() as tape:
        tape.watch(x)
        a = td.full_like(np.arange(3), x)
        b = td.full((2,), x, dtype=np.int32)
        c = td.linspace(0.0, x * 4, 3, dtype=int)
    np.testing.assert_array_equal(a.numpy(), [2, 2, 2])
    np.testing.assert_array_equal(b.numpy(), [2, 2])
    np.testing.assert_array_equal(c.numpy(), np.linspace(0.0, 10.8, 3, dtype=int))
    assert tape._records == [r for r in tape._records if r[0].name == "multiply"]


def test_linspace_of_tracked_ends_second_order() -> None:
    f = td.grad(lambda a: td.sum(td.linspace(a * a, a, 4) ** 2))
    h = td.grad(f)(td.tensor(0.7))
    a = 0.7
    t = np.linspace(0, 1, 4)
    # y_i = a^2 + t_i (a - a^2); d2/da2 of sum y_i^2 = 2 sum (dy)^2 + y * d2y.
    dy, d2y = 2 * a + t * (1 - 2 * a), 2 - 2 * t
    y = a * a + t * (a - a * a)
    np.testing.assert_allclose(h.numpy(), np.sum(2 * dy * dy + 2 * y * d2y))


def test_tensor_class_refuses_to_drop_a_tracked_tensors_gradient() -> None:
    x = td.tensor(1.0)
    with td.Tape() as tape:
        tape.watch(x)
        with pytest.raises(TypeError, match=r"Tensor\(\.\.\.\) cannot record .* use td.tensor"):
            td.Tensor([x, 2.0])
        with pytest.raises(TypeError, match=r"Tensor\(\.\.\.\) cannot record"):
            td.Tensor(x)
        # Untracked tensors (and every tensor outside a tape) convert as before.
        assert td.Tensor([td.tensor(1.0), 2.0]).shape == (2,)
    assert td.Tensor([x, x]).shape == (2,)


def test_numpy_full_like_with_a_tracked_fill_refuses() -> None:
    x = td.tensor(2.0)
    with td.Tape() as tape:
        tape.watch(x)
        with pytest.raises(TypeError, match=r"numpy.copyto .* use tapediff.full or"):
            np.full_like(np.ones(2), x)
        # Untracked fill: NumPy's own result.
        np.testing.assert_array_equal(np.full_like(np.ones(2), td.tensor(3.0)), [3.0, 3.0])


def test_tensor_of_nested_tensors_refuses_ragged_input() -> None:
    x = td.tensor(1.0)
    with td.Tape() as tape:
        tape.watch(x)
        with pytest.raises(ValueError, match=r"Tensor: expected numbers.*inhomogeneous"):
            td.tensor([x, [x, x]])


@pytest.mark.parametrize(
    "call",
    [
        lambda x, y: x * [y, 2.0],
        lambda x, y: td.add((1.0, y), x),
        lambda x, y: td.where([True, False], [[y, y]], 0.0),
    ],
)
def test_a_list_operand_holding_a_tracked_tensor_is_refused(call: Any) -> None:
    x, y = td.tensor(2.0), td.tensor(3.0)
    with td.Tape() as tape:
        tape.watch([x, y])
        with pytest.raises(TypeError, match=r"a list operand holds a tensor a tape is tracking"):
            call(x, y)
        assert tape._records == []  # refused before anything was recorded
        # Lists of numbers (and of untracked tensors) are operands as before.
        z = td.sum(x * [1.0, td.tensor(2.0)])
    np.testing.assert_array_equal(tape.gradient(z, x).numpy(), 3.0)
