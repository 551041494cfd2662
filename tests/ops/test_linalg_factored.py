"""solve and slogdet on single matrices large enough to share one factorisation between the
forward and backward passes (ops/_factored.py). The op table draws small matrices, which take
NumPy's own routines, so these paths are checked here."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tapediff as td
from tapediff.ops import _factored
from tapediff.testing import gradcheck, gradgradcheck

N = _factored.MIN_SIZE + 3
RNG = np.random.default_rng(7)
_A = RNG.normal(size=(N, N))
SPD = _A @ _A.T + N * np.eye(N)  # Cholesky path
GENERAL = _A + N * np.eye(N)  # LU path
NEGATIVE = -GENERAL  # LU path, determinant of sign (-1)^N
MATRICES = {"spd": SPD, "general": GENERAL, "negative": NEGATIVE}
B_SHAPES = [(N,), (N, 2)]


def _along(a0: np.ndarray[Any, Any], k: int = 3) -> tuple[Any, np.ndarray[Any, Any]]:
    """``a0`` moved along k random directions (symmetric ones for a symmetric ``a0``, so the
    finite differences stay on the same path), and a small point u: checking derivatives in u
    checks the VJP with respect to the matrix in k directions at a fraction of the cost of all
    N * N elements."""
    d = RNG.normal(size=(k, N, N))
    if np.array_equal(a0, a0.T):
        d = d + d.transpose(0, 2, 1)
    return (lambda u: a0 + td.tensordot(u, d, axes=1)), 0.01 * RNG.normal(size=k)


def _kind(a: np.ndarray[Any, Any]) -> str | None:
    f = _factored.factor(a)
    return None if f is None else f[0]


def test_the_paths_under_test_are_the_factored_ones() -> None:
    pytest.importorskip("scipy")
    assert _kind(SPD) == "cho"
    assert _kind(GENERAL) == "lu"
    assert _kind(NEGATIVE) == "lu"
    assert _kind(SPD[:16, :16]) is None  # small: NumPy's routines
    assert _kind(np.stack([SPD, SPD])) is None  # stacks: NumPy's routines


@pytest.mark.parametrize("name", MATRICES)
@pytest.mark.parametrize("b_shape", B_SHAPES)
def test_solve_matches_numpy_to_second_order(name: str, b_shape: tuple[int, ...]) -> None:
    a, b = MATRICES[name], RNG.normal(size=b_shape)
    np.testing.assert_allclose(td.linalg.solve(a, b).numpy(), np.linalg.solve(a, b), rtol=1e-10)
    move, u = _along(a)
    gradcheck(lambda u, b: td.linalg.solve(move(u), b), [u, b])
    gradgradcheck(lambda u, b: td.linalg.solve(move(u), b), [u, b])


@pytest.mark.parametrize("name", MATRICES)
def test_slogdet_matches_numpy_to_second_order(name: str) -> None:
    a = MATRICES[name]
    sign, logdet = td.linalg.slogdet(a)
    want = np.linalg.slogdet(a)
    assert sign.numpy() == want.sign
    np.testing.assert_allclose(logdet.numpy(), want.logabsdet, rtol=1e-12)
    move, u = _along(a)
    gradcheck(lambda u: td.linalg.slogdet(move(u))[1], [u])
    gradgradcheck(lambda u: td.linalg.slogdet(move(u))[1], [u])


def test_the_gp_likelihood_shares_a_factor_and_matches_finite_differences() -> None:
    y = RNG.normal(size=N)

    def nll(k: Any) -> Any:
        return 0.5 * td.dot(y, td.linalg.solve(k, y)) + 0.5 * td.linalg.slogdet(k)[1]

    move, u = _along(SPD)
    gradcheck(lambda u: nll(move(u)), [u])
    gradgradcheck(lambda u: nll(move(u)), [u])


def test_float32_stays_float32() -> None:
    a, b = SPD.astype(np.float32), RNG.normal(size=N).astype(np.float32)
    assert td.linalg.solve(a, b).dtype == np.float32
    assert td.linalg.slogdet(a)[1].dtype == np.float32
    x = td.tensor(a)
    with td.Tape() as tape:
        tape.watch(x)
        loss = td.linalg.slogdet(x)[1]
    assert tape.gradient(loss, x).dtype == np.float32


def test_singular_matrices_raise_numpys_error_named() -> None:
    singular = np.ones((N, N))
    with pytest.raises(np.linalg.LinAlgError, match="solve"):
        td.linalg.solve(singular, np.ones(N))
    sign, logdet = td.linalg.slogdet(singular)  # NumPy's answer: sign 0, log|det| -inf
    assert sign.numpy() == 0.0 and logdet.numpy() == -np.inf


def test_a_variable_is_read_once_and_differentiated() -> None:
    v = td.Variable(SPD)
    with td.Tape() as tape:
        loss = td.linalg.slogdet(v)[1] + td.sum(td.linalg.solve(v, np.ones(N)))
    want = np.linalg.inv(SPD).T - np.outer(
        np.linalg.solve(SPD.T, np.ones(N)), np.linalg.solve(SPD, np.ones(N))
    )
    np.testing.assert_allclose(tape.gradient(loss, v).numpy(), want, rtol=1e-9, atol=1e-12)
