"""Indexing: getitem, scatter_add / scatter_set, take and ``x.at[...]`` against NumPy."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tapediff as td
from tapediff.testing import gradcheck, gradgradcheck

X = np.random.default_rng(0).standard_normal((4, 5, 3))
MASK_2D = X[..., 0] > 0
ROWS = np.array([True, False, True, True])


def _numpy_key(key: Any) -> Any:
    if isinstance(key, td.Tensor):
        return key.numpy()
    if isinstance(key, tuple):
        return tuple(_numpy_key(k) for k in key)
    return key


KEYS: list[Any] = [
    0,
    -1,
    np.int64(2),
    slice(1, 3),
    (slice(None, None, -1),),  # negative step
    (slice(None, None, -2), 1),
    (slice(3, 0, -2), slice(None), -1),
    Ellipsis,
    (Ellipsis,),
    (),
    (None, 0),
    (Ellipsis, None, 1),
    (1, Ellipsis, slice(0, 2)),
    [0, 0, 2],  # repeated: gradients accumulate
    (np.array([0, 0, 3]), slice(None), np.array([1, 1, 2])),
    (slice(None), [[0, 1], [1, 1]]),
    (slice(None), [[0, 1], [1, 1]], 0),
    ([0, 2], slice(None), [1, 1]),  # advanced indices separated by a slice
    MASK_2D,  # boolean mask over two axes
    (MASK_2D,),
    (ROWS, slice(None), [0, 2, 2]),  # boolean mask mixed with an integer array
    (Ellipsis, X[0, 0] > 0),
    True,
    ([],),
    (td.tensor([1, 1]),),  # a tensor as an index array
    (td.tensor(ROWS), 0),  # a tensor as a mask
    np.array(2),  # a 0-d index array
    (1, 2, 0),  # a single element
]


@pytest.mark.parametrize("key", KEYS, ids=lambda k: repr(k)[:40])
def test_getitem_matches_numpy_and_finite_differences(key: Any) -> None:
    expected = X[_numpy_key(key)]
    out = td.tensor(X)[key]
    assert out.shape == np.shape(expected)
    assert out.dtype == X.dtype
    np.testing.assert_array_equal(out.numpy(), expected)
    np.testing.assert_array_equal(td.getitem(X, key).numpy(), expected)
    gradcheck(lambda t: t[key], [X])


@pytest.mark.parametrize("key", [[0, 0, 2], (slice(None, None, -1), [1, 1]), MASK_2D, Ellipsis])
def test_getitem_second_derivative(key: Any) -> None:
    gradgradcheck(lambda t: t[key] ** 3, [X])


def test_repeated_indices_accumulate_gradient() -> None:
    x = td.tensor([1.0, 2.0, 3.0])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.sum(x[[0, 0, 2, 0]])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [3.0, 0.0, 1.0])


def test_ellipsis_is_a_new_tensor_with_the_same_values() -> None:
    x = td.tensor(X)
    y = x[...]
    assert y is not x
    np.testing.assert_array_equal(y.numpy(), X)
    with td.Tape() as tape:
        tape.watch(x)
        z = td.sum(x[...] * 2.0)
    np.testing.assert_array_equal(tape.gradient(z, x).numpy(), np.full(X.shape, 2.0))


def test_getitem_float32_stays_float32() -> None:
    x = td.tensor(X.astype(np.float32))
    with td.Tape() as tape:
        tape.watch(x)
        y = x[[0, 0], 1:, ::-1]
    assert y.dtype == np.float32
    assert tape.gradient(y, x).dtype == np.float32


def test_getitem_does_not_alias_a_plain_array() -> None:
    a = np.arange(6.0)
    view = td.getitem(a, slice(0, 3))
    a[:] = -1.0
    np.testing.assert_array_equal(view.numpy(), [0.0, 1.0, 2.0])


def test_index_array_changed_after_the_op_does_not_change_the_gradient() -> None:
    idx = np.array([0, 0, 1])
    x = td.tensor([1.0, 2.0, 3.0])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.sum(x[idx])
    idx[:] = 2
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 1.0, 0.0])


def test_getitem_errors_are_numpys() -> None:
    x = td.tensor(np.ones((2, 3)))
    with pytest.raises(IndexError, match="out of bounds"):
        x[5]
    with pytest.raises(IndexError, match="too many indices"):
        x[0, 0, 0]
    with pytest.raises(IndexError, match="integer"):
        x[td.tensor([0.0, 1.0])]
    with pytest.raises(IndexError, match="boolean index did not match"):
        x[np.array([True, False, True])]


def test_comparison_mask_selects_without_gradient_to_the_mask() -> None:
    x = td.tensor([-1.0, 2.0, -3.0, 4.0])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.sum(x[x > 0] ** 2)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 4.0, 0.0, 8.0])


# ----- scatter_add / scatter_set / at -----

A = np.random.default_rng(1).standard_normal((4, 3))

UPDATE_CASES: list[tuple[Any, ...]] = [
    (0, (3,)),
    ((1, 2), ()),
    (slice(1, 3), (2, 3)),
    (slice(1, 3), (3,)),  # values broadcast over the selection
    ((slice(None, None, -1), slice(None, None, -2)), (4, 2)),
    (Ellipsis, ()),
    ([0, 0, 2], (3, 3)),  # repeated
    ([3, 1, 3], (3,)),  # repeated, values broadcast
    ((np.array([0, 0, 1]), np.array([1, 1, 2])), (3,)),
    ((np.array([0, 0]), np.array([1, 1])), ()),
    (A[:, 0] > 0, (3,)),
    ((A > 0.5),),
    ((ROWS, [0, 2, 2]), (3,)),
]


def _values(case: tuple[Any, ...]) -> Any:
    key = case[0]
    shape = case[1] if len(case) > 1 else np.shape(A[key])
    return np.random.default_rng(2).standard_normal(shape)


@pytest.mark.parametrize("case", UPDATE_CASES, ids=lambda c: repr(c[0])[:40])
def test_scatter_add_matches_numpy_add_at(case: tuple[Any, ...]) -> None:
    key, values = case[0], _values(case)
    expected = A.copy()
    np.add.at(expected, key, values)
    out = td.scatter_add(A, key, values)
    np.testing.assert_allclose(out.numpy(), expected)
    np.testing.assert_allclose(td.tensor(A).at[key].add(values).numpy(), expected)
    gradcheck(lambda a, v: td.scatter_add(a, key, v), [A, values])


@pytest.mark.parametrize("case", UPDATE_CASES, ids=lambda c: repr(c[0])[:40])
def test_scatter_set_matches_numpy_assignment(case: tuple[Any, ...]) -> None:
    key, values = case[0], _values(case)
    expected = A.copy()
    expected[key] = values  # NumPy's result here is last-write-wins too
    out = td.scatter_set(A, key, values)
    np.testing.assert_allclose(out.numpy(), expected)
    np.testing.assert_allclose(td.tensor(A).at[key].set(values).numpy(), expected)
    gradcheck(lambda a, v: td.scatter_set(a, key, v), [A, values])


def test_scatter_set_repeated_index_last_write_wins_and_gets_the_gradient() -> None:
    a = td.tensor(np.zeros(3))
    v = td.tensor([1.0, 2.0, 3.0, 4.0])
    with td.Tape() as tape:
        tape.watch([a, v])
        y = td.scatter_set(a, [1, 0, 1, 1], v)
    np.testing.assert_array_equal(y.numpy(), [2.0, 4.0, 0.0])
    ga, gv = tape.gradient(y, [a, v], output_gradients=td.tensor([10.0, 20.0, 30.0]))
    np.testing.assert_array_equal(ga.numpy(), [0.0, 0.0, 30.0])
    np.testing.assert_array_equal(gv.numpy(), [0.0, 10.0, 0.0, 20.0])


def test_at_get_and_second_derivative() -> None:
    x = td.tensor(A)
    np.testing.assert_array_equal(x.at[1:, 0].get().numpy(), A[1:, 0])
    v = np.array([0.5, -1.0])
    gradgradcheck(lambda a, w: a.at[[0, 0]].add(w[:, None] * a[1]) ** 2, [A, v])
    gradgradcheck(lambda a, w: a.at[[2, 0]].set(w[:, None] * a[1]) ** 2, [A, v])


def test_updates_keep_the_arrays_dtype() -> None:
    x = td.tensor(np.zeros(3, np.float32))
    v = td.tensor([1.0, 2.0])  # float64
    with td.Tape() as tape:
        tape.watch([x, v])
        y = x.at[[0, 0]].add(v)
        z = x.at[1:].set(v)
    assert y.dtype == np.float32 and z.dtype == np.float32
    gx, gv = tape.gradient([y, z], [x, v])
    assert gx.dtype == np.float32 and gv.dtype == np.float64
    ints = td.tensor(np.zeros(3, np.int64))
    assert ints.at[0].set(5).dtype == np.int64
    np.testing.assert_array_equal(ints.at[[0, 0]].add(2).numpy(), [4, 0, 0])


def test_updates_do_not_change_the_input() -> None:
    a = np.zeros(3)
    x = td.tensor(a)
    x.at[0].set(1.0)
    td.scatter_add(a, [0, 0], 1.0)
    np.testing.assert_array_equal(a, np.zeros(3))
    np.testing.assert_array_equal(x.numpy(), np.zeros(3))


@pytest.mark.parametrize("op", [td.scatter_add, td.scatter_set])
def test_update_errors(op: Any) -> None:
    name = op.__name__
    with pytest.raises(
        ValueError,
        match=rf"{name}: values of shape \(3,\) do not broadcast to the indexed shape \(2,\)",
    ):
        op(np.zeros(3), slice(1, None), np.ones(3))
    with pytest.raises(ValueError, match=rf"{name}: values of shape \(4,\)"):
        op(np.zeros(3), [0, 0, 1], np.ones(4))
    with pytest.raises(TypeError, match=f"{name}: cannot write values of dtype float64 into"):
        op(np.zeros(3, np.int64), 0, 1.5)
    with pytest.raises(IndexError):
        op(np.zeros(3), 5, 1.0)


# ----- take -----


@pytest.mark.parametrize(
    ("indices", "axis", "mode"),
    [
        ([0, 7, 7, -1], None, "raise"),
        ([[0, 1], [2, 2]], None, "raise"),
        (3, None, "raise"),
        ([0, 2, -1, 2], 1, "raise"),
        ([1, 0], -1, "raise"),
        (2, 0, "raise"),
        ([], 0, "raise"),
        ([0, 5, -7, 4], 1, "wrap"),
        ([0, 5, -7, 4], 1, "clip"),
        (td.tensor([3, 0, 3]), 0, "raise"),
        ((1, 1), 2, "raise"),  # a tuple of indices is an index array, as in numpy.take
        ([True, False], 0, "raise"),  # booleans are 0 and 1 to numpy.take, not a mask
    ],
)
def test_take_matches_numpy(indices: Any, axis: int | None, mode: Any) -> None:
    ref_idx = indices.numpy() if isinstance(indices, td.Tensor) else indices
    expected = np.take(X, ref_idx, axis=axis, mode=mode)
    out = td.take(X, indices, axis=axis, mode=mode)
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)
    gradcheck(lambda t: td.take(t, indices, axis=axis, mode=mode), [X])


def test_take_errors() -> None:
    with pytest.raises(TypeError, match="take: indices must be integers; got dtype float64"):
        td.take(X, [0.0, 1.0])
    with pytest.raises(np.exceptions.AxisError):
        td.take(X, [0], axis=3)
    with pytest.raises(IndexError, match="out of bounds"):
        td.take(X, [4], axis=0)
    with pytest.raises(ValueError, match="mode must be"):
        td.take(X, [0], mode="nearest")  # type: ignore[arg-type]
    with pytest.raises(IndexError, match="empty axis"):
        td.take(np.ones((2, 0)), [1], axis=1, mode="wrap")


def test_scatter_add_broadcasts_values_against_a_2d_index_array() -> None:
    # NumPy 2.4's np.add.at gets this case wrong (NaN or missing sums); tapediff must not.
    a = np.array([1.5, -0.5, -1.5])
    idx = np.array([[-2, 2, 2, 2], [0, 2, 2, 2], [2, 2, 2, 2]])
    values = np.array([1.0, 2.0, 3.0, 4.0])
    want = a.copy()
    for (_, j), k in np.ndenumerate(idx):
        want[k] += values[j]
    got = td.scatter_add(td.tensor(a), (idx,), td.tensor(values))
    np.testing.assert_allclose(got.numpy(), want)
