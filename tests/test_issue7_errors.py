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
import tapediff.scipy.special as tsp
import tapediff.scipy.stats as tst
from tapediff.testing import gradcheck

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
    # computed by logpmf, cdf and logpdf: the errors name the method called
    ("poisson.pmf", lambda s: tst.poisson.pmf(s, 2.0)),
    ("poisson.logcdf", lambda s: tst.poisson.logcdf(s, 2.0)),
    ("multivariate_normal.pdf", lambda s: tst.multivariate_normal.pdf(s, np.zeros(2))),
    ("dirichlet.logpdf", lambda s: tst.dirichlet.logpdf(s, np.ones(2))),
    ("multivariate_normal.logpdf", lambda s: tst.multivariate_normal.logpdf(s, np.zeros(2))),
]


@pytest.mark.parametrize(("name", "call"), NON_NUMERIC, ids=[n for n, _ in NON_NUMERIC])
def test_non_numeric_input_is_refused_by_name(name: str, call: Callable[[Any], Any]) -> None:
    op = name.removeprefix("linalg.").removeprefix("scipy.linalg.")
    with pytest.raises(TypeError, match=rf"^{op}: expected numeric .* got an array of dtype <U1"):
        call(np.array([["a", "b"], ["c", "d"]]))


# The special functions, with a valid value for every argument but the one that is refused.
_ONE_ARGUMENT = [
    "digamma",
    "erf",
    "erfc",
    "erfcinv",
    "erfinv",
    "expit",
    "gamma",
    "gammaln",
    "i0",
    "i1",
    "j0",
    "j1",
    "log_ndtr",
    "logit",
    "ndtr",
    "ndtri",
    "psi",
    "rgamma",
    "y0",
    "y1",
    "logsumexp",
]
_SECOND = ("beta", "betaln", "gammainc", "gammaincc", "xlogy", "xlog1py")
_ORDERED = ("jn", "yn", "iv", "ive", "polygamma")


def _second(name: str) -> Callable[[Any], Any]:
    return lambda s: getattr(tsp, name)(2.0, s)


def _ordered(name: str) -> Callable[[Any], Any]:
    return lambda s: getattr(tsp, name)(1, s)


SPECIAL_CALLS: list[tuple[str, Callable[[Any], Any]]] = [
    *((n, getattr(tsp, n)) for n in _ONE_ARGUMENT),
    *((n, _second(n)) for n in _SECOND),
    *((n, _ordered(n)) for n in _ORDERED),
    ("betainc", lambda s: tsp.betainc(2.0, 3.0, s)),
    ("multigammaln", lambda s: tsp.multigammaln(s, 2)),
    # and the other issue 7 functions the checks above leave out
    ("conjugate", td.conj),
    ("angle", td.angle),
    ("absolute", td.abs),
    ("nansum", td.nansum),
    ("nanmean", td.nanmean),
    ("linspace", lambda s: td.linspace(s, 1.0, 3)),
    ("ifft2", td.fft.ifft2),
    ("ifftn", td.fft.ifftn),
    ("rfft2", td.fft.rfft2),
    ("irfftn", td.fft.irfftn),
]


@pytest.mark.parametrize(("name", "call"), SPECIAL_CALLS, ids=[n for n, _ in SPECIAL_CALLS])
def test_non_numeric_input_to_special_and_the_rest_is_named(
    name: str, call: Callable[[Any], Any]
) -> None:
    name = "digamma" if name == "psi" else name  # one function under two names
    with pytest.raises(TypeError, match=rf"^{name}: expected (numeric|a numeric)"):
        call(np.array([["a", "b"], ["c", "d"]]))


@pytest.mark.parametrize("name", ["polygamma", "jn", "yn", "iv", "ive"])
def test_array_orders_broadcast_against_x_like_scipy(name: str) -> None:
    sc = pytest.importorskip("scipy.special")
    orders = np.array([[0.0], [1.0], [2.0]]) if name in ("iv", "ive") else np.array([[1], [2]])
    x = np.array([0.5, 1.5, 2.5, 3.5])
    f = getattr(tsp, name)
    out = f(orders, td.tensor(x))
    assert out.shape == (len(orders), 4)
    np.testing.assert_allclose(out.numpy(), getattr(sc, name)(orders, x), rtol=1e-12)
    gradcheck(lambda t: f(orders, t), [x])


FFT_ERRORS: list[tuple[str, Callable[[Any], Any], type[Exception], str]] = [
    ("ifft2", lambda m: td.fft.ifft2(m, s=(2,)), ValueError, r"^ifft2: s and axes must have"),
    ("ifftn", lambda m: td.fft.ifftn(m, s=(0, 2)), ValueError, r"^ifftn: s entries must be at"),
    ("rfft2", lambda m: td.fft.rfft2(m, norm="bad"), ValueError, r"^rfft2: norm must be"),
    ("irfft2", lambda m: td.fft.irfft2(m, s=(0, 2)), ValueError, r"^irfft2: s entries must be"),
    ("irfftn", lambda m: td.fft.irfftn(m, axes=(5,)), np.exceptions.AxisError, r"^irfftn: axes"),
    ("ifftshift", lambda m: td.fft.ifftshift(m, axes=3), np.exceptions.AxisError, r"^ifftshift"),
]


@pytest.mark.parametrize(
    ("name", "call", "error", "match"), FFT_ERRORS, ids=[e[0] for e in FFT_ERRORS]
)
def test_fft_argument_errors_name_the_transform(
    name: str, call: Callable[[Any], Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        call(td.tensor(np.ones((2, 3))))


def test_pdf_errors_name_pdf_not_the_logpdf_computing_it() -> None:
    with pytest.raises(ValueError, match=r"^multivariate_normal.pdf: x has 3 components"):
        tst.multivariate_normal.pdf([1.0, 2.0, 3.0], [0.0, 0.0], np.eye(2))
    k = td.tensor(2.0)
    with td.Tape() as tape:
        tape.watch(k)
        with pytest.raises(TypeError, match=r"^poisson.pmf: k is a count"):
            tst.poisson.pmf(k, 1.5)
        with pytest.raises(TypeError, match=r"^poisson.logcdf: k is a count"):
            tst.poisson.logcdf(k, 1.5)
