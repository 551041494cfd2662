"""Cumulative, sorting, layout and contraction ops: bad input raises clear errors naming the op;
behaviour the op table does not reach (ties, NaN, zeros, dispatch, warnings)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tapediff as td
from tapediff.testing import gradcheck, gradgradcheck

X = np.arange(12.0).reshape(3, 4)
V = np.array([0.5, -1.0, 2.0])

ERRORS: list[tuple[Callable[[], Any], type[Exception], str]] = [
    # cumulative
    (lambda: td.cumsum(X, axis=2), np.exceptions.AxisError, r"cumsum: axis 2 is out of bounds"),
    (lambda: td.cumprod(X, axis=1.5), TypeError, r"cumprod: axis must be an integer"),
    (lambda: td.cumsum([1.0, None]), TypeError, r"cumsum: expected numbers"),
    (lambda: td.diff(X, n=-1), ValueError, r"diff: order n must be non-negative; got -1"),
    (lambda: td.diff(X, n=1.5), TypeError, r"diff: n must be an integer"),
    (lambda: td.diff(2.0), ValueError, r"diff: the input must be at least one-dimensional"),
    (lambda: td.diff(X, axis=3), np.exceptions.AxisError, r"diff: axis 3 is out of bounds"),
    (
        lambda: td.diff(X, prepend=np.ones((2, 2))),
        ValueError,
        r"diff: prepend of shape \(2, 2\) does not join a tensor of shape \(3, 4\) along axis 1",
    ),
    (lambda: td.diff(X, append=np.ones(3)), ValueError, r"diff: append of shape \(3,\)"),
    (lambda: td.gradient(1.0), ValueError, r"gradient: the input must be at least one-dim"),
    (lambda: td.gradient(V, edge_order=3), ValueError, r"gradient: edge_order must be 1 or 2"),
    (
        lambda: td.gradient(V[:2], edge_order=2),
        ValueError,
        r"gradient: axis 0 of a tensor of shape \(2,\) is too short: edge_order=2 needs at "
        r"least 3",
    ),
    (
        lambda: td.gradient(X, 1.0, 2.0, 3.0),
        TypeError,
        r"gradient: expected no spacing, one scalar, or one spacing per axis \(2\); got 3",
    ),
    (
        lambda: td.gradient(V, np.ones((3, 1))),
        ValueError,
        r"gradient: a spacing must be a scalar or 1-D coordinates; got shape \(3, 1\)",
    ),
    (
        lambda: td.gradient(V, np.arange(4.0)),
        ValueError,
        r"gradient: coordinates of length 4 do not match axis 0 of length 3",
    ),
    (lambda: td.gradient(X, axis=(0, 0)), ValueError, r"gradient: repeated axis"),
    # sorting
    (lambda: td.sort(2.0), np.exceptions.AxisError, r"sort: a 0-d tensor has no axis -1"),
    (lambda: td.sort(X, axis=2), np.exceptions.AxisError, r"sort: axis 2 is out of bounds"),
    (lambda: td.sort(X, order="a"), ValueError, r"sort: order= applies to structured arrays"),
    (lambda: td.partition(V, 3), ValueError, r"partition: kth 3 is out of bounds for an axis"),
    (lambda: td.partition(V, 1.5), TypeError, r"partition: kth must be an integer"),
    (
        lambda: td.take_along_axis(X, np.array([[0.5]]), axis=0),
        TypeError,
        r"take_along_axis: indices must be integers; got dtype float64",
    ),
    (
        lambda: td.take_along_axis(X, np.array([0]), axis=0),
        ValueError,
        r"take_along_axis: indices of shape \(1,\) must have as many dimensions as the array "
        r"of shape \(3, 4\)",
    ),
    (
        lambda: td.take_along_axis(X, np.array([[0, 1]]), axis=None),
        ValueError,
        r"axis=None needs 1-D indices",
    ),
    (
        lambda: td.take_along_axis(X, np.array([[3]]), axis=0),
        IndexError,
        r"take_along_axis: an index is out of bounds for axis 0 of length 3",
    ),
    (
        lambda: td.take_along_axis(X, np.zeros((1, 3), int), axis=0),
        ValueError,
        r"take_along_axis: indices of shape \(1, 3\) do not broadcast against the array of "
        r"shape \(3, 4\) outside axis 0",
    ),
    # flips, rotations, rolls
    (lambda: td.flip(X, 2), np.exceptions.AxisError, r"flip: axis 2 is out of bounds"),
    (lambda: td.flipud(1.0), ValueError, r"flipud: the input must be at least 1-d"),
    (lambda: td.fliplr(V), ValueError, r"fliplr: the input must be at least 2-d; got shape \(3,"),
    (lambda: td.rot90(X, axes=(0,)), ValueError, r"rot90: axes must name exactly two axes"),
    (lambda: td.rot90(X, axes=(0, -2)), ValueError, r"rot90: repeated axis in axes=\(0, -2\)"),
    (lambda: td.rot90(V), np.exceptions.AxisError, r"rot90: axes 1 is out of bounds"),
    (lambda: td.rot90(X, k=1.5), TypeError, r"rot90: k must be an integer; got 1.5"),
    (lambda: td.roll(X, 1.5), TypeError, r"roll: shift must be an integer or integers"),
    (lambda: td.roll(X, 1, axis=2), np.exceptions.AxisError, r"roll: axis 2 is out of bounds"),
    (
        lambda: td.roll(X, (1, 2), axis=(0, 1, 1)),
        ValueError,
        r"roll: shift \(1, 2\) and axis \(0, 1, 1\) do not broadcast against each other",
    ),
    (lambda: td.roll(X, 1, axis=0.5), TypeError, r"roll: axis must be an integer or integers"),
    (lambda: td.rollaxis(X, 2), np.exceptions.AxisError, r"rollaxis: axis 2 is out of bounds"),
    (
        lambda: td.rollaxis(X, 0, 3),
        np.exceptions.AxisError,
        r"rollaxis: start must satisfy -2 <= start <= 2; got 3",
    ),
    (lambda: td.rollaxis(X, 0, "a"), TypeError, r"rollaxis: start must be an integer"),
    # diagonals and triangles
    (lambda: td.diag(np.ones((2, 2, 2))), ValueError, r"diag: the input must be 1-d or 2-d"),
    (lambda: td.diag(V, k=0.5), TypeError, r"diag: k must be an integer"),
    (lambda: td.diagonal(V), ValueError, r"diagonal: the input must be at least 2-d"),
    (lambda: td.diagonal(X, 0, 1, -1), ValueError, r"diagonal: axis1 and axis2 must differ"),
    (lambda: td.diagonal(X, 0, 0, 2), np.exceptions.AxisError, r"diagonal: axis2 2 is out of"),
    (lambda: td.diagonal(X, 0.5), TypeError, r"diagonal: offset must be an integer"),
    (lambda: td.trace(V), ValueError, r"trace: the input must be at least 2-d; got shape \(3,"),
    (lambda: td.triu(2.0), ValueError, r"triu: the input must be at least 1-d"),
    (lambda: td.tril(X, k=0.5), TypeError, r"tril: k must be an integer"),
    # stacking and splitting
    (lambda: td.vstack([]), ValueError, r"vstack: expected a non-empty sequence"),
    (lambda: td.hstack(3.0), TypeError, r"hstack: expected a sequence of tensors"),
    (lambda: td.dstack([]), ValueError, r"dstack: expected a non-empty sequence"),
    (lambda: td.column_stack([]), ValueError, r"column_stack: expected a non-empty sequence"),
    (lambda: td.vstack([X, V]), ValueError, r"concatenate"),
    (lambda: td.atleast_1d(), TypeError, r"atleast_1d: expected at least one array"),
    (lambda: td.atleast_2d(None), TypeError, r"atleast_2d: expected numbers"),
    (lambda: td.append(X, V, axis=0), ValueError, r"concatenate"),
    (lambda: td.vsplit(V, 3), ValueError, r"vsplit: the input must be at least 2-d"),
    (lambda: td.hsplit(2.0, 1), ValueError, r"hsplit: the input must be at least 1-d"),
    (lambda: td.dsplit(X, 1), ValueError, r"dsplit: the input must be at least 3-d"),
    (lambda: td.vsplit(X, 2), ValueError, r"split: axis 0 of length 3 .* does not divide"),
    # contractions
    (
        lambda: td.inner(V, np.ones(4)),
        ValueError,
        r"inner: the last axes of shapes \(3,\) and \(4,\) differ \(3 != 4\)",
    ),
    (
        lambda: td.cross(np.ones(4), V),
        ValueError,
        r"cross: incompatible dimensions 4 and 3 for a cross product",
    ),
    (lambda: td.cross(1.0, V), ValueError, r"cross: the inputs must be arrays of vectors"),
    (
        lambda: td.cross(np.ones((2, 3)), np.ones((3, 3))),
        ValueError,
        r"cross: the vector arrays of shapes \(2, 3\) and \(3, 3\) do not broadcast",
    ),
    (lambda: td.cross(X[:, :3], V, axisa=2), np.exceptions.AxisError, r"cross: axisa 2 is out"),
    (lambda: td.kron([1.0, None], V), TypeError, r"kron: expected numbers"),
    # constructors built from tensors
    (
        lambda: td.full((2, 3), td.tensor([1.0, 2.0])),
        ValueError,
        r"full: cannot fill shape \(2, 3\) with a value of shape \(2,\)",
    ),
    (
        lambda: td.full_like(X, td.tensor([1.0, 2.0])),
        ValueError,
        r"full_like: cannot fill shape \(3, 4\) with a value of shape \(2,\)",
    ),
    (lambda: td.linspace(td.tensor(0.0), 1.0, -1), ValueError, r"linspace: num must be non-neg"),
]


@pytest.mark.parametrize(("call", "error", "match"), ERRORS)
def test_bad_input_is_refused_with_a_clear_error(
    call: Callable[[], Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call()


def _watched(*values: Any) -> tuple[td.Tape, list[td.Tensor]]:
    ts = [td.tensor(v) for v in values]
    tape = td.Tape(persistent=True)
    return tape, ts


# ----- cumulative -----


def test_cumprod_gradient_with_zeros_is_the_product_of_the_others() -> None:
    x = np.array([2.0, 0.0, 3.0, 0.0, 5.0, 0.0])
    g = np.array([1.0, -2.0, 0.5, 3.0, -1.0, 2.0])
    t = td.tensor(x)
    with td.Tape() as tape:
        tape.watch(t)
        y = td.sum(td.cumprod(t) * g)
    want = [
        sum(g[i] * np.prod(np.delete(x[: i + 1], j)) for i in range(j, x.size))
        for j in range(x.size)
    ]
    np.testing.assert_allclose(tape.gradient(y, t).numpy(), want)


@pytest.mark.parametrize(
    "x",
    [
        np.array([0.0, 0.0, 0.0, 1.5]),
        np.array([[1.5, 0.0, -2.0, 0.0], [0.0, 0.7, 0.0, 0.0]]),
        np.array([0.5, -1.5, 0.0]),
    ],
)
def test_cumprod_is_exact_with_zeros_to_second_order(x: Any) -> None:
    gradcheck(lambda a: td.cumprod(a, axis=-1), [x])
    gradgradcheck(lambda a: td.cumprod(a, axis=-1), [x])


def test_cumsum_and_cumprod_of_a_0d_tensor_are_1d_as_in_numpy() -> None:
    for fn, ref in ((td.cumsum, np.cumsum), (td.cumprod, np.cumprod)):
        for axis in (None, 0, -1):
            np.testing.assert_array_equal(fn(2.5, axis=axis).numpy(), ref(2.5, axis=axis))


def test_cumsum_dtype_argument_casts_first() -> None:
    out = td.cumsum(np.array([1, 2, 3], dtype=np.int32), dtype=np.float32)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), [1.0, 3.0, 6.0])


def test_diff_of_booleans_is_not_equal_as_in_numpy() -> None:
    b = np.array([True, True, False, True])
    np.testing.assert_array_equal(td.diff(b).numpy(), np.diff(b))
    np.testing.assert_array_equal(td.diff(b, n=2).numpy(), np.diff(b, n=2))


def test_gradient_of_integers_is_float64_and_spacing_is_differentiable() -> None:
    np.testing.assert_allclose(td.gradient(np.array([1, 4, 9])).numpy(), [3.0, 4.0, 5.0])
    f, h = td.tensor([1.0, 4.0, 9.0, 16.0]), td.tensor(0.5)
    with td.Tape() as tape:
        tape.watch(h)
        y = td.sum(td.gradient(f, h))
    # sum of the result is sum(df)/h-weighted; d/dh of c/h is -c/h^2.
    c = float(np.sum(np.gradient(f.numpy(), 1.0)))
    np.testing.assert_allclose(tape.gradient(y, h).numpy(), -c / 0.25)


def test_gradient_returns_a_tuple_per_axis() -> None:
    out = td.gradient(X, axis=(1, 0))
    assert isinstance(out, tuple) and len(out) == 2
    for got, want in zip(out, np.gradient(X, axis=(1, 0)), strict=True):
        np.testing.assert_allclose(got.numpy(), want)


# ----- sorting -----


def test_sort_routes_ties_and_nan_like_numpy_values() -> None:
    x = np.array([2.0, np.nan, 1.0, 2.0, -1.0])
    t = td.tensor(x)
    with td.Tape() as tape:
        tape.watch(t)
        s = td.sort(t)
        y = td.sum(s * td.tensor([1.0, 2.0, 3.0, 4.0, 0.0]))
    np.testing.assert_array_equal(s.numpy(), np.sort(x))
    # Stable: the first 2.0 (index 0) lands at position 2, the second (index 3) at 3.
    np.testing.assert_array_equal(tape.gradient(y, t).numpy(), [3.0, 0.0, 2.0, 4.0, 1.0])


def test_partition_equals_numpys_partition_and_routes_by_it() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 200))
    t = td.tensor(x)
    with td.Tape() as tape:
        tape.watch(t)
        p = td.partition(t, (5, 100), axis=-1)
        w = td.tensor(rng.standard_normal(p.shape))
        y = td.sum(p * w)
    np.testing.assert_array_equal(p.numpy(), np.partition(x, (5, 100), axis=-1))
    g = tape.gradient(y, t).numpy()
    # Each element's gradient is the weight of the output position holding its value.
    for r in range(3):
        where = {v: i for i, v in enumerate(p.numpy()[r])}
        np.testing.assert_array_equal(g[r], [w.numpy()[r, where[v]] for v in x[r]])


def test_take_along_axis_accumulates_repeated_indices() -> None:
    t = td.tensor(V)
    with td.Tape() as tape:
        tape.watch(t)
        y = td.sum(td.take_along_axis(t, np.array([2, 2, 0, -1]), axis=0))
    np.testing.assert_array_equal(tape.gradient(y, t).numpy(), [1.0, 0.0, 3.0])


# ----- layout, contractions -----


def test_cross_with_2_vectors_warns_like_numpy() -> None:
    with pytest.warns(DeprecationWarning, match="cross: 2-component vectors are deprecated"):
        z = td.cross([1.0, 2.0], [3.0, 4.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert z.shape == () and float(z) == float(np.cross([1.0, 2.0], [3.0, 4.0]))


def test_diag_round_trip_and_trace_dtype() -> None:
    np.testing.assert_array_equal(td.diag(td.diag(V, -1), -1).numpy(), V)
    assert td.trace(np.eye(3, dtype=np.int32)).dtype == np.trace(np.eye(3, dtype=np.int32)).dtype
    assert td.trace(X, dtype=np.float32).dtype == np.float32
    assert td.triu(np.ones((2, 2), dtype=np.int64)).dtype == np.int64


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("cumsum", lambda x: np.cumsum(x, axis=0)),
        ("cumprod", lambda x: np.cumprod(x)),
        ("sort", lambda x: np.sort(x, axis=0)),
        ("partition", lambda x: np.partition(x, 1, axis=0)),
        ("diff", lambda x: np.diff(x, axis=0)),
        ("gradient", lambda x: np.gradient(x, axis=1)),
        ("flip", lambda x: np.flip(x)),
        ("flipud", lambda x: np.flipud(x)),
        ("fliplr", lambda x: np.fliplr(x)),
        ("rot90", lambda x: np.rot90(x)),
        ("roll", lambda x: np.roll(x, 2)),
        ("rollaxis", lambda x: np.rollaxis(x, 1)),
        ("take_along_axis", lambda x: np.take_along_axis(x, np.array([[1, 0, 2, 0]]), 0)),
        ("diag", lambda x: np.diag(x)),
        ("diagonal", lambda x: np.diagonal(x, 1)),
        ("triu", lambda x: np.triu(x)),
        ("tril", lambda x: np.tril(x)),
        ("trace", lambda x: np.trace(x)),
        ("vstack", lambda x: np.vstack([x, x])),
        ("hstack", lambda x: np.hstack([x, x])),
        ("column_stack", lambda x: np.column_stack([x, x])),
        ("dstack", lambda x: np.dstack([x, x])),
        ("append", lambda x: np.append(x, x)),
        ("vsplit", lambda x: np.vsplit(x, 3)[1]),
        ("hsplit", lambda x: np.hsplit(x, 2)[0]),
        ("dsplit", lambda x: np.dsplit(x[..., None], 1)[0]),
        ("atleast_1d", lambda x: np.atleast_1d(x)),
        ("atleast_2d", lambda x: np.atleast_2d(x)),
        ("atleast_3d", lambda x: np.atleast_3d(x)),
        ("inner", lambda x: np.inner(x, x)),
        ("kron", lambda x: np.kron(x, x)),
        ("cross", lambda x: np.cross(x[:, :3], x[:, 1:])),
        ("full_like", lambda x: np.full_like(x, x[0, 0])),
        ("linspace", lambda x: np.linspace(x[0], x[1], 3)),
    ],
)
def test_numpy_dispatches_to_the_tapediff_op(name: str, call: Callable[[Any], Any]) -> None:
    x = td.tensor(X)
    with td.Tape() as tape:
        tape.watch(x)
        out = call(x)
    assert isinstance(out, td.Tensor), name
    np.testing.assert_allclose(out.numpy(), call(X))
    # Recorded, or (atleast_2d of a 2-d tensor) the input itself, which needs no record.
    assert out is x or tape._records, f"np.{name} was not recorded"


def test_ndarray_style_methods() -> None:
    t = td.tensor(X)
    np.testing.assert_array_equal(t.cumsum(axis=1).numpy(), X.cumsum(axis=1))
    np.testing.assert_array_equal(t.cumprod().numpy(), X.cumprod())
    np.testing.assert_array_equal(t.diagonal(1).numpy(), X.diagonal(1))
    assert float(t.trace(-1)) == X.trace(-1)


def test_stack_dtype_and_casting() -> None:
    a = np.array([1, 2], dtype=np.int64)
    out = td.vstack([a, a], dtype=np.float32)
    assert out.dtype == np.float32 and out.shape == (2, 2)
    with pytest.raises(TypeError, match=r"hstack: cannot cast float64 to int32 with casting"):
        td.hstack([V, V], dtype=np.int32)
    assert td.hstack([V, V], dtype=np.int32, casting="unsafe").dtype == np.int32
