"""Issue 7's bad-input errors: singular matrices give NumPy's LinAlgError naming the function
(in the forward or the backward pass, never NaN gradients), and non-numeric input to the
linear-algebra and statistics functions is refused by name before NumPy's own cast fails."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tapediff as td
import tapediff.scipy.linalg as tsl
import tapediff.scipy.stats as tst

LinAlgError = np.linalg.LinAlgError
SINGULAR = np.array([[1.0, 2.0], [2.0, 4.0]])
ZERO = np.zeros((2, 2))

# (name, function of a tracked matrix whose gradient is asked for, the error's message)
SINGULAR_GRADIENTS: list[tuple[str, Callable[[Any], Any], str]] = [
    ("det", td.linalg.det, r"^det: no gradient at a singular matrix"),
    ("slogdet", lambda a: td.linalg.slogdet(a)[1], r"^slogdet: no gradient at a singular"),
    ("scipy.linalg.det", tsl.det, r"^det: no gradient at a singular matrix"),
    ("inv", td.linalg.inv, r"^inv: Singular matrix"),
    ("solve", lambda a: td.linalg.solve(a, np.ones(2)), r"^solve: Singular matrix"),
    ("matrix_power", lambda a: td.linalg.matrix_power(a, -2), r"^inv: Singular matrix"),
    ("scipy.linalg.inv", tsl.inv, r"^inv: Singular matrix"),
    ("cholesky", td.linalg.cholesky, r"^cholesky: Matrix is not positive definite"),
    (
        "eig",
        lambda a: td.real(td.linalg.eig(a)[0]),
        r"^eig: the gradient is undefined at repeated eigenvalues",
    ),
    (
        "eigvals",
        lambda a: td.real(td.linalg.eigvals(a)),
        r"^eigvals: the gradient is undefined at repeated eigenvalues",
    ),
    ("eigh", lambda a: td.linalg.eigh(a)[1], r"^eigh: the gradient is undefined at repeated"),
    ("qr", lambda a: td.linalg.qr(a)[1], r"^qr: no gradient for a matrix without full column"),
    ("sqrtm", tsl.sqrtm, r"solve_sylvester: a and -b have a common eigenvalue"),
]


@pytest.mark.parametrize(
    ("name", "f", "message"), SINGULAR_GRADIENTS, ids=[n for n, _, _ in SINGULAR_GRADIENTS]
)
@pytest.mark.parametrize("matrix", [SINGULAR, ZERO], ids=["rank1", "zero"])
def test_singular_matrix_gradient_is_linalgerror_not_nan(
    name: str, f: Callable[[Any], Any], message: str, matrix: Any
) -> None:
    if name in ("eig", "eigvals", "eigh") and matrix is SINGULAR:
        # Eigenvalues 0 and 5 are distinct, so differentiable: a repeated one (the zero matrix)
        # is where these have no gradient.
        matrix = ZERO
    a = td.tensor(matrix)
    with pytest.raises(LinAlgError, match=message), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SciPy's LinAlgWarning from sqrtm's forward
        td.grad(lambda x: td.sum(f(x)))(a)


# (name, call with a string matrix or sample)
NON_NUMERIC: list[tuple[str, Callable[[Any], Any]]] = [
    *((f"linalg.{n}", getattr(td.linalg, n)) for n in ("det", "inv", "slogdet", "cholesky")),
    *((f"linalg.{n}", getattr(td.linalg, n)) for n in ("eig", "eigh", "svd", "qr", "pinv")),
    ("linalg.norm", td.linalg.norm),
    ("linalg.solve", lambda s: td.linalg.solve(s, np.ones(2))),
    ("linalg.lstsq", lambda s: td.linalg.lstsq(s, np.ones(2))),
    ("scipy.linalg.expm", tsl.expm),
    ("scipy.linalg.sqrtm", tsl.sqrtm),
    ("scipy.linalg.solve_triangular", lambda s: tsl.solve_triangular(s, np.ones(2))),
    ("scipy.linalg.solve_sylvester", lambda s: tsl.solve_sylvester(s, s, s)),
    ("norm.logpdf", tst.norm.logpdf),
    ("norm.cdf", tst.norm.cdf),
    ("t.logpdf", lambda s: tst.t.logpdf(s, 3.0)),
    ("beta.cdf", lambda s: tst.beta.cdf(s, 2.0, 3.0)),
    ("gamma.logcdf", lambda s: tst.gamma.logcdf(s, 2.0)),
    ("chi2.pdf", lambda s: tst.chi2.pdf(s, 2.0)),
    ("poisson.logpmf", lambda s: tst.poisson.logpmf(s, 2.0)),
    ("poisson.cdf", lambda s: tst.poisson.cdf(s, 2.0)),
    ("dirichlet.logpdf", lambda s: tst.dirichlet.logpdf(s, np.ones(2))),
    ("multivariate_normal.logpdf", lambda s: tst.multivariate_normal.logpdf(s, np.zeros(2))),
]


@pytest.mark.parametrize(("name", "call"), NON_NUMERIC, ids=[n for n, _ in NON_NUMERIC])
def test_non_numeric_input_is_refused_by_name(name: str, call: Callable[[Any], Any]) -> None:
    op = name.removeprefix("linalg.").removeprefix("scipy.linalg.")
    with pytest.raises(TypeError, match=rf"^{op}: expected numeric .* got an array of dtype <U1"):
        call(np.array([["a", "b"], ["c", "d"]]))
