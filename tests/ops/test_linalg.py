"""Linear algebra: matmul, dot, tensordot, einsum, outer against NumPy and finite differences."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tapediff as td
from tapediff.testing import gradcheck, gradgradcheck


def _rand(*shapes: tuple[int, ...], seed: int = 0) -> list[Any]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


# ----- matmul -----

MATMUL_SHAPES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)),
    ((3,), (5, 3, 4)),
    ((5, 2, 3), (3,)),
    ((5, 1, 2, 3), (4, 3, 2)),  # batch axes broadcast both ways
    ((1, 2, 3), (4, 3, 2)),
]


@pytest.mark.parametrize(("sa", "sb"), MATMUL_SHAPES)
def test_matmul_matches_numpy_and_finite_differences(
    sa: tuple[int, ...], sb: tuple[int, ...]
) -> None:
    a, b = _rand(sa, sb)
    out = td.matmul(a, b)
    np.testing.assert_allclose(out.numpy(), np.matmul(a, b))
    assert out.shape == np.matmul(a, b).shape
    np.testing.assert_allclose((td.tensor(a) @ b).numpy(), a @ b)
    gradcheck(td.matmul, [a, b])


@pytest.mark.parametrize(("sa", "sb"), [((2, 3), (3, 2)), ((3,), (3, 2)), ((4, 2, 3), (3,))])
def test_matmul_second_derivative(sa: tuple[int, ...], sb: tuple[int, ...]) -> None:
    a, b = _rand(sa, sb)
    # A product of the two inputs has a nonzero mixed second derivative.
    gradgradcheck(lambda x, y: td.matmul(x, y) * td.sum(x), [a, b])


def test_matmul_hessian_of_quadratic_form() -> None:
    (m,) = _rand((3, 3))
    x = td.tensor([0.5, -1.0, 2.0])
    with td.Tape() as outer:
        outer.watch(x)
        with td.Tape() as inner:
            inner.watch(x)
            q = td.matmul(x, td.matmul(m, x))
        g = inner.gradient(q, x)
    hessian = outer.jacobian(g, x)
    np.testing.assert_allclose(g.numpy(), (m + m.T) @ x.numpy())
    np.testing.assert_allclose(hessian.numpy(), m + m.T)


def test_matmul_with_plain_list_operand_differentiates() -> None:
    x = td.tensor([[1.0, 2.0]])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.matmul(x, [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [[3.0, 7.0]])
    v = td.tensor([1.0, 2.0])
    with td.Tape() as tape:
        tape.watch(v)
        y = td.matmul([[1.0, 2.0], [3.0, 4.0]], v)
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), [4.0, 6.0])


def test_matmul_float32_stays_float32() -> None:
    a, b = (x.astype(np.float32) for x in _rand((5, 2, 3), (3, 4)))
    ta, tb = td.tensor(a), td.tensor(b)
    with td.Tape() as tape:
        tape.watch([ta, tb])
        y = td.matmul(ta, tb)
    assert y.dtype == np.float32
    ga, gb = tape.gradient(y, [ta, tb])
    assert ga.dtype == np.float32 and gb.dtype == np.float32
    assert ga.shape == a.shape and gb.shape == b.shape


@pytest.mark.parametrize(
    ("sa", "sb", "message"),
    [
        ((2, 3), (4, 5), r"matmul: shapes \(2, 3\) and \(4, 5\) are not aligned: 3 .* != 4"),
        ((3,), (4,), r"matmul: shapes \(3,\) and \(4,\) are not aligned"),
        ((2, 3), (5, 4, 6), r"matmul: shapes \(2, 3\) and \(5, 4, 6\) are not aligned"),
        ((2, 2, 3), (3, 3, 4), r"batch dimensions \(2,\) and \(3,\) do not broadcast"),
        ((), (3,), r"matmul: shapes \(\) and \(3,\).*at least 1 dimension"),
    ],
)
def test_matmul_shape_errors_name_both_shapes(
    sa: tuple[int, ...], sb: tuple[int, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        td.matmul(np.ones(sa), np.ones(sb))


def test_matmul_operator_error() -> None:
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(2, 3\)"):
        td.ones((2, 3)) @ td.ones((2, 3))


# ----- dot -----

DOT_SHAPES = [
    ((), ()),
    ((), (2, 3)),
    ((2, 3), ()),
    ((3,), (3,)),
    ((2, 3), (3, 4)),
    ((2, 3), (3,)),
    ((4, 2, 3), (3,)),
    ((3,), (3, 4)),
    ((3,), (2, 3, 4)),
    ((4, 2, 3), (3, 5)),
    ((2, 3), (4, 3, 5)),
    ((2, 2, 3), (4, 3, 2)),  # not matmul's batch broadcasting: free axes are concatenated
]


@pytest.mark.parametrize(("sa", "sb"), DOT_SHAPES)
def test_dot_matches_numpy_and_finite_differences(sa: tuple[int, ...], sb: tuple[int, ...]) -> None:
    a, b = _rand(sa, sb)
    out = td.dot(a, b)
    expected = np.dot(a, b)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected)
    np.testing.assert_allclose(td.tensor(a).dot(b).numpy(), expected)
    gradcheck(td.dot, [a, b])


def test_dot_nd_differs_from_matmul() -> None:
    a, b = _rand((2, 2, 3), (2, 3, 4))
    assert td.dot(a, b).shape == (2, 2, 2, 4)
    assert td.matmul(a, b).shape == (2, 2, 4)


def test_dot_second_derivative() -> None:
    a, b = _rand((2, 2, 3), (4, 3, 2))
    gradgradcheck(lambda x, y: td.dot(x * x, y), [a, b])


def test_dot_integer_dtype_follows_numpy() -> None:
    out = td.dot(np.arange(6).reshape(2, 3), np.arange(3))
    assert out.dtype == np.dot(np.arange(6).reshape(2, 3), np.arange(3)).dtype
    np.testing.assert_array_equal(out.numpy(), [5, 14])


@pytest.mark.parametrize(
    ("sa", "sb", "message"),
    [
        ((2, 3), (4, 5), r"dot: shapes \(2, 3\) and \(4, 5\) are not aligned: 3 \(dim 1 .*\) != 4"),
        ((3,), (4,), r"dot: shapes \(3,\) and \(4,\) are not aligned"),
        ((2, 3), (5, 4, 6), r"dot: shapes \(2, 3\) and \(5, 4, 6\) are not aligned: 3 .* != 4"),
    ],
)
def test_dot_shape_errors(sa: tuple[int, ...], sb: tuple[int, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        td.dot(np.ones(sa), np.ones(sb))


# ----- tensordot -----

TENSORDOT_CASES: list[tuple[tuple[int, ...], tuple[int, ...], Any]] = [
    ((2, 3, 4), (3, 4, 5), 2),
    ((2, 3), (3, 4), 1),
    ((2, 3), (4, 5), 0),
    ((3,), (3,), 1),
    ((2, 3, 4), (2, 3, 4), 3),
    ((2, 3, 4), (4, 3, 5), ([1, 2], [1, 0])),
    ((2, 3, 4), (4, 2), ([0, -1], [1, 0])),
    ((2, 3), (3, 2), (1, 0)),
    ((2, 3), (3, 2), ((), ())),
]


@pytest.mark.parametrize(("sa", "sb", "axes"), TENSORDOT_CASES)
def test_tensordot_matches_numpy_and_finite_differences(
    sa: tuple[int, ...], sb: tuple[int, ...], axes: Any
) -> None:
    a, b = _rand(sa, sb)
    out = td.tensordot(a, b, axes)
    expected = np.tensordot(a, b, axes)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected)
    gradcheck(lambda x, y: td.tensordot(x, y, axes), [a, b])


def test_tensordot_default_axes_and_second_order() -> None:
    a, b = _rand((2, 3, 4), (3, 4))
    np.testing.assert_allclose(td.tensordot(a, b).numpy(), np.tensordot(a, b))
    gradgradcheck(lambda x, y: td.tensordot(x * y[0, 0], y), [a, b])


@pytest.mark.parametrize(
    ("sa", "sb", "axes", "error", "message"),
    [
        ((2, 3), (3, 4), 3, ValueError, r"cannot sum over 3 axes of shapes \(2, 3\) and \(3, 4\)"),
        ((2, 3), (3, 4), -1, ValueError, "cannot sum over -1 axes"),
        ((2, 3), (4, 3), 1, ValueError, r"shapes \(2, 3\) and \(4, 3\) are not aligned"),
        ((2, 3), (3, 4), ([1], [0, 1]), ValueError, "different numbers of axes"),
        (
            (2, 3),
            (3, 4),
            ([2], [0]),
            np.exceptions.AxisError,
            "first operand.s axis 2 is out of bounds",
        ),
        ((2, 2), (2, 2), ([0, 0], [0, 1]), ValueError, "repeated axis"),
        (
            (2, 3),
            (3, 4),
            ([1.0], [0]),
            TypeError,
            "first operand.s axis must be an integer; got float",
        ),
        ((2, 3), (3, 4), "ab", TypeError, "axis must be an integer; got str"),
        ((2, 3), (3, 4), 1.5, TypeError, "axes must be an int or a pair"),
        ((2, 3), (3, 4), ([1], [0], [0]), TypeError, "axes must be an int or a pair"),
    ],
)
def test_tensordot_errors(
    sa: tuple[int, ...], sb: tuple[int, ...], axes: Any, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        td.tensordot(np.ones(sa), np.ones(sb), axes)


# ----- outer -----


@pytest.mark.parametrize(("sa", "sb"), [((3,), (4,)), ((2, 3), (2,)), ((), (3,))])
def test_outer_matches_numpy_and_finite_differences(
    sa: tuple[int, ...], sb: tuple[int, ...]
) -> None:
    a, b = _rand(sa, sb)
    np.testing.assert_allclose(td.outer(a, b).numpy(), np.outer(a, b))
    gradcheck(td.outer, [a, b])
    gradgradcheck(lambda x, y: td.outer(x * x, y), [a, b])


def test_outer_float32() -> None:
    a = td.tensor(np.ones(3, np.float32))
    with td.Tape() as tape:
        tape.watch(a)
        y = td.outer(a, a)
    assert y.dtype == np.float32
    assert tape.gradient(y, a).dtype == np.float32


# ----- einsum -----

EINSUM_CASES: list[tuple[str, list[tuple[int, ...]]]] = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),  # implicit output
    ("ba", [(2, 3)]),  # implicit output is alphabetical: a transpose
    ("bA", [(2, 3)]),  # uppercase sorts first, as in NumPy
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("i,i->", [(3,), (3,)]),
    ("i,j->ij", [(2,), (3,)]),
    ("bij,bjk->bik", [(4, 2, 3), (4, 3, 2)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("...ij,...jk->...ik", [(5, 2, 3), (3, 4)]),
    ("...ij,...jk", [(5, 1, 2, 3), (4, 3, 2)]),
    ("i...->...", [(2, 3, 4)]),
    ("...,...->...", [(2,), (3, 1)]),
    ("ij,j->i", [(2, 1), (5,)]),  # a length-one axis broadcasts against its label
    ("ij,ij->i", [(2, 1), (2, 5)]),
    ("ii->i", [(3, 3)]),  # diagonal
    ("ii", [(3, 3)]),  # trace
    ("iij->ji", [(3, 3, 2)]),
    ("iji->j", [(2, 3, 2)]),
    ("...ii->...i", [(4, 3, 3)]),
    ("ii,i->i", [(3, 3), (3,)]),
    (" i j , j k -> i k ", [(2, 3), (3, 4)]),  # spaces are ignored
]


@pytest.mark.parametrize(("subscripts", "shapes"), EINSUM_CASES)
def test_einsum_matches_numpy_and_finite_differences(
    subscripts: str, shapes: list[tuple[int, ...]]
) -> None:
    ops = _rand(*shapes)
    out = td.einsum(subscripts, *ops)
    expected = np.einsum(subscripts.replace(" ", ""), *ops)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected)
    gradcheck(lambda *xs: td.einsum(subscripts, *xs), ops)


@pytest.mark.parametrize(
    ("subscripts", "shapes"),
    [("ij,jk->ik", [(2, 3), (3, 2)]), ("ii,i->i", [(3, 3), (3,)]), ("...ij,j", [(2, 2, 3), (3,)])],
)
def test_einsum_second_derivative(subscripts: str, shapes: list[tuple[int, ...]]) -> None:
    ops = _rand(*shapes)
    gradgradcheck(lambda x, *rest: td.einsum(subscripts, x * x, *rest), ops)


def test_einsum_optimize_is_passed_through() -> None:
    ops = _rand((2, 3), (3, 4), (4, 2))
    out = td.einsum("ij,jk,kl->il", *ops, optimize=True)
    np.testing.assert_allclose(out.numpy(), np.einsum("ij,jk,kl->il", *ops))
    gradcheck(lambda *xs: td.einsum("ij,jk,kl->il", *xs, optimize="greedy"), ops)


def test_einsum_float32_stays_float32() -> None:
    a = td.tensor(np.ones((3, 3), np.float32))
    with td.Tape() as tape:
        tape.watch(a)
        y = td.einsum("ii->i", a)
    assert y.dtype == np.float32
    g = tape.gradient(y, a)
    assert g.dtype == np.float32
    np.testing.assert_array_equal(g.numpy(), np.eye(3))


@pytest.mark.parametrize(
    ("subscripts", "shapes", "message"),
    [
        ("ij,jk->ik", [(2, 3)], r"name 2 operand\(s\) but 1 were given"),
        ("ij->i->j", [(2, 3)], "more than once"),
        ("i1->i", [(2, 3)], "invalid subscript '1'"),
        ("i.j", [(2, 2)], r"invalid subscript '\.'"),
        ("ijk", [(2, 3)], r"operand 0 has shape \(2, 3\) \(2 dimensions\) but its subscripts"),
        ("i", [(2, 3)], r"operand 0 has shape \(2, 3\)"),
        ("ij->k", [(2, 3)], "output label 'k'"),
        ("ij->ii", [(2, 2)], "repeat a label"),
        ("...i->i", [(2, 3)], "needs '...' too"),
        ("ij,jk", [(2, 3), (4, 5)], r"label 'j' has size 3 in operand 0 .* but 4 in operand 1"),
        ("ii", [(2, 3)], "label 'i' repeats in operand 0"),
    ],
)
def test_einsum_errors(subscripts: str, shapes: list[tuple[int, ...]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        td.einsum(subscripts, *[np.ones(s) for s in shapes])


def test_einsum_needs_a_string_and_an_operand() -> None:
    with pytest.raises(TypeError, match="subscripts string"):
        td.einsum(np.ones(3), [0], np.ones(3), [0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one operand"):
        td.einsum("i")
