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


# ----- decompositions -----


def test_eigh_gradient_at_repeated_eigenvalues_raises_for_vectors_only() -> None:
    eye = td.tensor(np.eye(3))
    # The eigenvalues alone are differentiable at a repeat (their sum is the trace) ...
    g = td.grad(lambda a: td.sum(td.linalg.eigh(a).eigenvalues))(eye)
    np.testing.assert_allclose(g.numpy(), np.eye(3))
    # ... the eigenvectors are not unique there: LinAlgError, not infinities.
    with pytest.raises(LinAlgError, match="eigh: the gradient is undefined at repeated eigen"):
        td.grad(lambda a: td.sum(td.linalg.eigh(a).eigenvectors ** 3))(eye)


def test_svd_full_matrices_extra_vectors_have_no_gradient() -> None:
    a = td.tensor(np.arange(6.0).reshape(3, 2) + np.eye(3, 2))
    u, s, vh = td.linalg.svd(a)  # NumPy's default full_matrices=True
    assert u.shape == (3, 3) and s.shape == (2,) and vh.shape == (2, 2)
    np.testing.assert_allclose(
        td.grad(lambda x: td.sum(td.linalg.svd(x).S))(a).numpy().shape, (3, 2)
    )
    with pytest.raises(LinAlgError, match="full_matrices=True .* use full_matrices=False"):
        td.grad(lambda x: td.sum(td.linalg.svd(x).U ** 3))(a)


def test_svd_vectors_at_a_zero_singular_value_raise() -> None:
    a = td.tensor([[1.0, 0.0], [0.0, 0.0]])
    with pytest.raises(LinAlgError, match="svd: .* zero singular value"):
        td.grad(lambda x: td.sum(td.linalg.svd(x, full_matrices=False).U ** 3))(a)


def test_qr_bad_modes() -> None:
    with pytest.raises(ValueError, match="qr: mode must be 'reduced', 'complete' or 'r'; got 'x'"):
        td.linalg.qr(np.eye(2), mode="x")
    with pytest.raises(NotImplementedError, match="qr: mode='complete' of a tall matrix"):
        td.linalg.qr(np.ones((3, 2)) + np.eye(3, 2), mode="complete")
    r = td.linalg.qr(np.eye(2) * 2, mode="r")
    np.testing.assert_allclose(np.abs(r.numpy()), np.eye(2) * 2)


def test_bad_arguments_name_the_op() -> None:
    with pytest.raises(ValueError, match="eigh: UPLO must be 'L' or 'U'; got 'X'"):
        td.linalg.eigh(np.eye(2), UPLO="X")
    with pytest.raises(LinAlgError, match="eigvalsh: the last 2 dimensions"):
        td.linalg.eigvalsh(np.ones((2, 3)))
    with pytest.raises(LinAlgError, match="svd: 1-dimensional"):
        td.linalg.svd(np.ones(3))
    with pytest.raises(ValueError, match="pinv: give rcond or rtol, not both"):
        td.linalg.pinv(np.eye(2), rcond=1e-3, rtol=1e-3)
    with pytest.raises(LinAlgError, match=r"lstsq: .* got a \(3, 2\), b \(2,\)"):
        td.linalg.lstsq(np.ones((3, 2)), np.ones(2))
    with pytest.raises(ValueError, match="multi_dot: expecting at least two arrays; got 1"):
        td.linalg.multi_dot([np.eye(2)])
    with pytest.raises(LinAlgError, match="multi_dot: arrays must be 2-D"):
        td.linalg.multi_dot([np.eye(2), np.ones((2, 2, 2)), np.eye(2)])
    with pytest.raises(ValueError, match=r"matrix_norm: x must be at least 2-D; got shape \(3,\)"):
        td.linalg.matrix_norm(np.ones(3))


def test_results_carry_numpys_field_names() -> None:
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    assert td.linalg.eigh(a)._fields == np.linalg.eigh(a)._fields
    assert td.linalg.svd(a)._fields == np.linalg.svd(a)._fields
    assert td.linalg.qr(a)._fields == np.linalg.qr(a)._fields
    assert td.linalg.slogdet(a)._fields == np.linalg.slogdet(a)._fields


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inv_of_symmetric_matrices_matches_numpy_on_every_path(dtype: type) -> None:
    # n > 16 and symmetric: positive definite goes through Cholesky (with SciPy), indefinite
    # falls back to LU; both must equal NumPy's inverse.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 20))
    for a in (x @ x.T + 20 * np.eye(20), x + x.T):
        a = a.astype(dtype)
        got = td.linalg.inv(a).numpy()
        assert got.dtype == dtype
        np.testing.assert_allclose(
            got, np.linalg.inv(a), rtol=1e-3 if dtype == np.float32 else 1e-9
        )
