"""tapediff.scipy.linalg and .signal beyond the op table: SciPy stays optional, bad input gets a
clear error, and the cases the table's strategies do not draw."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import numpy as np
import pytest
import scipy.linalg as sl

import tapediff as td
import tapediff.scipy.linalg as tsl
import tapediff.scipy.signal as tss
from tapediff.testing import gradcheck, gradgradcheck

LinAlgError = np.linalg.LinAlgError


def _rand(*shape: int, seed: int = 0) -> Any:
    return np.random.default_rng(seed).standard_normal(shape)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


# ----- SciPy is optional -----


def test_importing_the_modules_does_not_import_scipy() -> None:
    run = _run(
        """
        import sys
        import tapediff as td
        import tapediff.scipy.linalg, tapediff.scipy.signal, tapediff.scipy.integrate
        assert callable(td.fixed_point)
        loaded = sorted(m for m in sys.modules if m == "scipy" or m.startswith("scipy."))
        assert not loaded, loaded
        print("ok")
        """
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"


def test_without_scipy_each_function_names_the_extra_to_install() -> None:
    run = _run(
        """
        import sys
        sys.modules["scipy"] = None  # makes `import scipy...` fail
        import numpy as np
        import tapediff.scipy.linalg as tsl, tapediff.scipy.signal as tss
        import tapediff.scipy.integrate as tsi
        calls = [
            lambda: tsl.expm(np.eye(2)),
            lambda: tsl.solve_triangular(np.eye(2), np.ones(2)),
            lambda: tsl.solve_sylvester(np.eye(2), np.eye(2), np.ones((2, 2))),
            lambda: tsl.sqrtm(np.eye(2)),
            lambda: tsl.block_diag(np.eye(2)),
            lambda: tss.convolve(np.ones(2), np.ones(2)),
            lambda: tsi.odeint(lambda y, t: -y, np.ones(2), np.array([0.0, 1.0])),
        ]
        for call in calls:
            try:
                call()
            except ImportError as e:
                assert 'pip install "tapediff[scipy]"' in str(e), str(e)
            else:
                raise AssertionError("no ImportError")
        print("ok")
        """
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"


# ----- bad input -----


@pytest.mark.parametrize(
    "call",
    [
        lambda: tsl.expm(np.ones((2, 3))),
        lambda: tsl.sqrtm(np.ones(3)),
        lambda: tsl.solve_triangular(np.ones((2, 3)), np.ones(2)),
        lambda: tsl.solve_sylvester(np.ones((2, 3)), np.eye(2), np.ones((2, 2))),
        lambda: tsl.solve_sylvester(np.eye(2), np.ones((3, 2)), np.ones((2, 3))),
        lambda: tsl.cholesky(np.ones((3, 2))),
        lambda: tsl.cho_factor(np.ones((3, 2))),
        lambda: tsl.solve(np.ones((3, 2)), np.ones(3)),
        lambda: tsl.eigh(np.ones((3, 2))),
    ],
)
def test_non_square_matrices_are_refused_by_name(call: Any) -> None:
    with pytest.raises((ValueError, LinAlgError), match=r"square"):
        call()


def test_shape_mismatches_say_what_was_expected() -> None:
    with pytest.raises(ValueError, match=r"solve_triangular: b of shape \(2,\) does not match"):
        tsl.solve_triangular(np.eye(3), np.ones(2))
    with pytest.raises(ValueError, match=r"solve_triangular: .*\(\.\.\., 3, K\)"):
        tsl.solve_triangular(np.eye(3), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"solve_sylvester: q must have shape \(\.\.\., 2, 3\)"):
        tsl.solve_sylvester(np.eye(2), np.eye(3), np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"cho_solve: b of shape \(2,\) does not match"):
        tsl.cho_solve(tsl.cho_factor(np.eye(3)), np.ones(2))
    with pytest.raises(TypeError, match=r"cho_solve: expected \(c, lower\)"):
        tsl.cho_solve(np.eye(3), np.ones(3))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"block_diag: arguments must be at most 2-D"):
        tsl.block_diag(np.ones(2), np.ones((2, 2, 2)))


def test_bad_options_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"solve_triangular: trans must be"):
        tsl.solve_triangular(np.eye(2), np.ones(2), trans=3)
    with pytest.raises(ValueError, match=r"solve: assume_a must be one of"):
        tsl.solve(np.eye(2), np.ones(2), assume_a="banded")
    with pytest.raises(NotImplementedError, match=r"qr: pivoting=True"):
        tsl.qr(np.eye(2), pivoting=True)
    with pytest.raises(ValueError, match=r"qr: mode must be"):
        tsl.qr(np.eye(2), mode="raw")
    with pytest.raises(NotImplementedError, match=r"eigh: the generalized problem"):
        tsl.eigh(np.eye(2), np.eye(2))
    with pytest.raises(NotImplementedError, match=r"eigvalsh: subset_by_index"):
        tsl.eigvalsh(np.eye(2), subset_by_index=[0, 0])
    with pytest.raises(ValueError, match=r"svd: lapack_driver must be"):
        tsl.svd(np.eye(2), lapack_driver="gesvj")
    with pytest.raises(ValueError, match=r"pinv: expected a matrix .* got shape \(3,\)"):
        tsl.pinv(np.ones(3))
    with pytest.raises(ValueError, match=r"inv: array must not contain infs or NaNs"):
        tsl.inv(np.array([[1.0, np.nan], [0.0, 1.0]]))
    with pytest.raises(TypeError, match=r"expm: complex input is not supported"):
        tsl.expm(np.eye(2) * 1j)


def test_singular_matrices_raise_linalgerror() -> None:
    with pytest.raises(LinAlgError, match=r"solve_triangular"):
        tsl.solve_triangular(np.array([[1.0, 2.0], [0.0, 0.0]]), np.ones(2))
    with pytest.raises(LinAlgError, match=r"solve_sylvester: a and -b have a common eigenvalue"):
        tsl.solve_sylvester(np.eye(2), -np.eye(2), np.ones((2, 2)))
    with pytest.raises(LinAlgError, match=r"inv"):
        tsl.inv(np.ones((2, 2)))
    with pytest.raises(LinAlgError):
        tsl.cholesky(-np.eye(2))
    with pytest.raises(LinAlgError):
        tsl.solve(-np.eye(2), np.ones(2), assume_a="pos")


def test_sqrtm_refuses_a_complex_root_and_a_gradient_at_a_singular_matrix() -> None:
    with pytest.raises(ValueError, match=r"sqrtm: the principal square root .* is complex"):
        tsl.sqrtm(np.diag([-1.0, 1.0]))
    a = td.tensor(np.diag([0.0, 1.0]))
    with td.Tape() as tape, pytest.warns(sl.LinAlgWarning, match="singular"):
        tape.watch(a)
        root = tsl.sqrtm(a)
    np.testing.assert_allclose(root.numpy(), np.diag([0.0, 1.0]))
    # sqrt is not differentiable at an eigenvalue 0: refused, not infinite.
    with pytest.raises(LinAlgError, match=r"solve_sylvester"):
        tape.gradient(root, a)


# ----- values the table does not draw -----


def test_qr_mode_r_of_a_tall_matrix_has_scipys_zero_rows() -> None:
    x = _rand(4, 2)
    (r,) = tsl.qr(x, mode="r")
    (want,) = sl.qr(x, mode="r")
    assert r.shape == want.shape == (4, 2)
    np.testing.assert_allclose(np.abs(r.numpy()), np.abs(want), atol=1e-12)
    gradcheck(lambda a: tsl.qr(a, mode="r")[0] * np.sign(np.diag(want))[None, :2], [x])


def test_pinv_return_rank_and_atol_match_scipy() -> None:
    x = np.array([[1.0, 0.0], [0.0, 1e-3], [0.0, 0.0]])
    got, rank = tsl.pinv(x, atol=1e-2, return_rank=True)
    want, want_rank = sl.pinv(x, atol=1e-2, return_rank=True)
    assert rank == want_rank == 1
    np.testing.assert_allclose(got.numpy(), want, atol=1e-12)


def test_block_diag_of_nothing_and_of_empty_blocks_matches_scipy() -> None:
    assert tsl.block_diag().shape == sl.block_diag().shape
    empty, one = np.zeros((0, 2)), np.array([[2.0]])
    np.testing.assert_array_equal(tsl.block_diag(empty, one).numpy(), sl.block_diag(empty, one))
    gradcheck(lambda a: tsl.block_diag(np.zeros((0, 2)), a), [one])


def test_expm_third_derivative_through_nested_block_exponentials() -> None:
    # Each order is an expm of a block matrix twice the size: third order differentiates a
    # 4n x 4n exponential's derivative.
    a = _rand(2, 2) / 2

    def second(x: Any) -> Any:
        inner = td.grad(lambda y: td.sum(tsl.expm(y) ** 2))
        return td.grad(lambda y: td.sum(inner(y) * np.array([[1.0, 2.0], [0.5, -1.0]])))(x)

    gradcheck(second, [a])
    gradgradcheck(lambda x: tsl.sqrtm(x @ x.T + 2 * np.eye(2)), [a])


def test_float32_stays_float32_in_the_new_primitives() -> None:
    a = td.tensor(np.eye(3) + _rand(3, 3) / 5, np.float32)
    for fn in (
        tsl.expm,
        tsl.sqrtm,
        lambda m: tsl.solve_triangular(m, m),
        lambda m: tsl.solve_sylvester(m, m, m),
        lambda m: tsl.block_diag(m, m),
        lambda m: tss.convolve(m, m),
    ):
        with td.Tape() as tape:
            tape.watch(a)
            out = fn(a)
        assert out.dtype == np.float32
        assert tape.gradient(out, a).dtype == np.float32


# ----- signal -----


def test_convolve_refuses_bad_input_by_name() -> None:
    with pytest.raises(ValueError, match=r"convolve: in1 and in2 must have the same number"):
        tss.convolve(np.ones(3), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"convolve: mode must be"):
        tss.convolve(np.ones(3), np.ones(2), mode="circular")
    with pytest.raises(ValueError, match=r"correlate: method must be"):
        tss.correlate(np.ones(3), np.ones(2), method="fast")
    with pytest.raises(ValueError, match=r"convolve: in 'valid' mode one input must be"):
        tss.convolve(np.ones((3, 1)), np.ones((1, 3)), mode="valid")
    with pytest.raises(ValueError, match=r"convolve: inputs must not be empty"):
        tss.convolve(np.ones(0), np.ones(2))
    with pytest.raises(TypeError, match=r"correlate: complex input is not supported"):
        tss.correlate(np.ones(3) * 1j, np.ones(2))


def test_convolve_second_derivative_mixes_both_inputs() -> None:
    x, k = _rand(5, 4), _rand(2, 3, seed=1)
    gradgradcheck(lambda a, b: tss.convolve(a, b, mode="same"), [x, k])
    gradgradcheck(lambda a, b: tss.correlate(a, b, mode="valid"), [x, k])
