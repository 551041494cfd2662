"""Bad input to tapediff.linalg: NumPy's exceptions, raised by the forward, naming the op."""

from __future__ import annotations

import numpy as np
import pytest

import tapediff as td

LinAlgError = np.linalg.LinAlgError
SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])


@pytest.mark.parametrize("op", ["inv", "solve"])
def test_singular_matrix_raises_linalgerror_from_the_forward(op: str) -> None:
    a = td.tensor(SINGULAR)
    args = (a,) if op == "inv" else (a, np.ones(2))
    with td.Tape() as tape, pytest.raises(LinAlgError):
        tape.watch(a)
        getattr(td.linalg, op)(*args)


def test_det_of_singular_matrix_is_zero_and_its_gradient_raises() -> None:
    # NumPy's det returns 0; the gradient (the adjugate) would need A^-1, and a NaN is refused.
    a = td.tensor(SINGULAR)
    assert td.linalg.det(a).numpy() == 0.0
    with pytest.raises(LinAlgError):
        td.grad(td.linalg.det)(a)


def test_cholesky_of_indefinite_matrix_raises_linalgerror() -> None:
    with pytest.raises(LinAlgError):
        td.linalg.cholesky(td.tensor([[1.0, 2.0], [2.0, 1.0]]))


@pytest.mark.parametrize("op", ["det", "slogdet", "inv", "cholesky"])
def test_non_square_and_1d_input_raise_linalgerror_naming_the_op(op: str) -> None:
    fn = getattr(td.linalg, op)
    with pytest.raises(LinAlgError, match=f"{op}: the last 2 dimensions .* square"):
        fn(td.tensor(np.ones((2, 3))))
    with pytest.raises(LinAlgError, match=f"{op}: 1-dimensional"):
        fn(td.tensor(np.ones(3)))


def test_solve_with_mismatched_b_names_the_shapes() -> None:
    with pytest.raises(ValueError, match=r"solve: b of shape \(3,\)"):
        td.linalg.solve(np.eye(2), np.ones(3))
    # NumPy 2: a 2-D b is a matrix, not a stack of vectors.
    with pytest.raises(ValueError, match=r"solve: b of shape \(4, 2\)"):
        td.linalg.solve(np.ones((4, 2, 2)) + np.eye(2), np.ones((4, 2)))


def test_matrix_power_needs_an_integer_exponent() -> None:
    with pytest.raises(TypeError, match="matrix_power: exponent must be an integer"):
        td.linalg.matrix_power(np.eye(2), 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="matrix_power"):
        td.linalg.matrix_power(np.eye(2), True)


def test_matrix_power_zero_is_the_identity_with_zero_gradient() -> None:
    a = np.array([[2.0, 1.0], [0.0, 3.0]], dtype=np.float32)
    out = td.linalg.matrix_power(a, 0)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), np.eye(2))
    g = td.grad(lambda x: td.sum(td.linalg.matrix_power(x, 0)))(a)
    np.testing.assert_array_equal(g.numpy(), np.zeros((2, 2)))


def test_norm_gradient_at_zero_is_the_finite_subgradient_zero() -> None:
    for ord in (None, 2, 3, 1, np.inf):
        g = td.grad(lambda x, o=ord: td.linalg.norm(x, o))(np.zeros(3))
        np.testing.assert_array_equal(g.numpy(), np.zeros(3))
    g = td.grad(lambda x: td.linalg.norm(x, "fro"))(np.zeros((2, 2)))
    np.testing.assert_array_equal(g.numpy(), np.zeros((2, 2)))


@pytest.mark.parametrize(
    ("x", "kwargs", "error", "match"),
    [
        (np.ones(3), {"ord": "fro"}, ValueError, "invalid norm order 'fro' for vectors"),
        (np.ones((2, 2)), {"ord": "bad"}, ValueError, "invalid norm order 'bad' for matrices"),
        (np.ones((2, 2, 2)), {"ord": 1}, ValueError, "improper number of dimensions"),
        (np.ones((2, 2)), {"axis": (0, 0)}, ValueError, "norm"),
        (np.ones((2, 2)), {"axis": 2}, np.exceptions.AxisError, "norm"),
    ],
)
def test_norm_bad_arguments(x: object, kwargs: dict[str, object], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        td.linalg.norm(x, **kwargs)  # type: ignore[arg-type]


def test_linalg_functions_are_numpy_linalg_in_the_numpy_namespace() -> None:
    import tapediff.numpy as tnp

    assert tnp.linalg.det is td.linalg.det
    assert tnp.linalg.solve is td.linalg.solve
