"""tapediff.scipy.special and tapediff.scipy.stats beyond the op table: refused gradients,
domain errors, conventions, SciPy's own functions on tensors, and SciPy as an optional extra."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.special as sc
import scipy.stats as ss

import tapediff as td
from tapediff.scipy import special as tsp
from tapediff.scipy import stats as tst

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
        check=False,
    )


def _grad(f: Callable[[Any], Any], x: Any) -> Any:
    return td.grad(lambda t: td.sum(f(t)))(td.tensor(x)).numpy()


# ----- SciPy is an optional extra -----


def test_import_tapediff_does_not_import_scipy() -> None:
    r = _run(
        """
        import sys, numpy as np, tapediff as td
        x = td.tensor([1.0, 2.0])
        np.exp(x); td.grad(lambda t: td.sum(t * t))(x)
        print("scipy" in sys.modules)
        """
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


@pytest.mark.parametrize("module", ["tapediff.scipy.special", "tapediff.scipy.stats"])
def test_missing_scipy_names_the_extra(module: str) -> None:
    r = _run(
        f"""
        import sys
        sys.modules["scipy"] = None  # makes `import scipy` fail
        import tapediff
        try:
            import {module}
        except ImportError as e:
            print(e)
        """
    )
    assert r.returncode == 0, r.stderr
    assert 'pip install "tapediff[scipy]"' in r.stdout
    assert "needs SciPy" in r.stdout


def test_missing_scipy_through_the_package_attribute() -> None:
    r = _run(
        """
        import sys
        sys.modules["scipy"] = None
        import tapediff.scipy
        try:
            tapediff.scipy.special.gammaln
        except ImportError as e:
            print(e)
        """
    )
    assert 'pip install "tapediff[scipy]"' in r.stdout, r.stderr


# ----- gradients that are not provided are refused, never zero -----


REFUSED: list[tuple[str, Callable[[td.Tensor], Any], str]] = [
    ("gammainc", lambda a: tsp.gammainc(a, 1.5), "gammainc: the gradient with respect to a"),
    ("gammaincc", lambda a: tsp.gammaincc(a, 1.5), "gammaincc: the gradient with respect to a"),
    ("betainc.a", lambda a: tsp.betainc(a, 2.0, 0.3), "betainc: the gradient with respect to a"),
    ("betainc.b", lambda b: tsp.betainc(2.0, b, 0.3), "betainc: the gradient with respect to b"),
    ("iv", lambda v: tsp.iv(v, 1.5), "iv: the gradient with respect to the order v"),
    ("ive", lambda v: tsp.ive(v, 1.5), "ive: the gradient with respect to the order v"),
    ("t.cdf", lambda df: tst.t.cdf(0.3, df), "t.cdf: the gradient with respect to df"),
    ("t.logcdf", lambda df: tst.t.logcdf(0.3, df), "t.logcdf: the gradient with respect to df"),
    ("gamma.cdf", lambda a: tst.gamma.cdf(1.5, a), "gamma.cdf: the gradient with respect to a"),
    ("beta.cdf.a", lambda a: tst.beta.cdf(0.3, a, 2.0), "beta.cdf: the gradient with respect to a"),
    ("beta.cdf.b", lambda b: tst.beta.cdf(0.3, 2.0, b), "beta.cdf: the gradient with respect to b"),
    ("chi2.cdf", lambda df: tst.chi2.cdf(1.5, df), "chi2.cdf: the gradient with respect to df"),
    ("chi2.logcdf", lambda d: tst.chi2.logcdf(1.5, d), "chi2.logcdf: the gradient with respect"),
]


@pytest.mark.parametrize(("name", "call", "message"), REFUSED, ids=[n for n, _, _ in REFUSED])
def test_tracked_parameter_without_gradient_is_refused(
    name: str, call: Callable[[td.Tensor], Any], message: str
) -> None:
    p = td.tensor(2.5)
    with td.Tape() as tape:
        tape.watch(p)
        with pytest.raises(NotImplementedError, match=message):
            call(p)
    # The same parameter as a constant (untracked tensor) is fine.
    assert np.isfinite(call(td.tensor(2.5)).item())


def test_refused_parameter_inside_grad() -> None:
    with pytest.raises(NotImplementedError, match="gammainc: the gradient with respect to a"):
        td.grad(lambda a: tsp.gammainc(a, 1.0))(td.tensor(2.0))


def test_gradient_in_x_still_flows_when_a_is_a_constant() -> None:
    x = np.array([0.5, 1.5, 3.0])
    got = _grad(lambda t: tsp.gammainc(td.tensor(2.5), t), x)
    np.testing.assert_allclose(got, ss.gamma.pdf(x, 2.5), rtol=1e-12)
    got = _grad(lambda t: tsp.betainc(2.0, 3.0, t), x / 4)
    np.testing.assert_allclose(got, ss.beta.pdf(x / 4, 2.0, 3.0), rtol=1e-12)


STATIC: list[tuple[str, Callable[[td.Tensor], Any]]] = [
    ("jn", lambda n: tsp.jn(n, 1.5)),
    ("yn", lambda n: tsp.yn(n, 1.5)),
    ("polygamma", lambda n: tsp.polygamma(n, 1.5)),
    ("multigammaln", lambda d: tsp.multigammaln(3.0, d)),
]


@pytest.mark.parametrize(("name", "call"), STATIC, ids=[n for n, _ in STATIC])
def test_tracked_static_order_is_refused(name: str, call: Callable[[td.Tensor], Any]) -> None:
    n = td.tensor(2.0)
    with td.Tape() as tape:
        tape.watch(n)
        with pytest.raises(TypeError, match=rf"{name}: the order \w is static"):
            call(n)
    assert np.isfinite(call(td.tensor(2.0)).item())  # untracked: its value is used


def test_poisson_tracked_count_is_refused() -> None:
    k = td.tensor(2.0)
    with td.Tape() as tape:
        tape.watch(k)
        with pytest.raises(TypeError, match="poisson.logpmf: k is a count"):
            tst.poisson.logpmf(k, 1.5)
        with pytest.raises(TypeError, match="poisson.cdf: loc is a count"):
            tst.poisson.cdf(3, 1.5, loc=k)


# ----- domain and argument errors -----

ERRORS: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    ("polygamma.neg", lambda: tsp.polygamma(-1, 2.0), ValueError, "polygamma: the order n must be"),
    ("polygamma.frac", lambda: tsp.polygamma(1.5, 2.0), ValueError, "polygamma: the order n must"),
    ("yn.frac", lambda: tsp.yn(0.5, 2.0), ValueError, "yn: the order n must be integers"),
    ("jn.str", lambda: tsp.jn("a", 2.0), TypeError, "jn: the order n must be a number"),
    ("multigammaln.d", lambda: tsp.multigammaln(3.0, 0), ValueError, "multigammaln: d must be"),
    (
        "multigammaln.a",
        lambda: tsp.multigammaln(0.2, 3),
        ValueError,
        r"multigammaln: condition a .* not met",
    ),
    (
        "dirichlet.alpha",
        lambda: tst.dirichlet.logpdf([0.5, 0.5], [1.0, -1.0]),
        ValueError,
        "dirichlet.logpdf: every alpha must be greater than 0",
    ),
    (
        "dirichlet.alpha2d",
        lambda: tst.dirichlet.logpdf([0.5, 0.5], [[1.0, 1.0]]),
        ValueError,
        "dirichlet.logpdf: alpha must be one-dimensional",
    ),
    (
        "dirichlet.simplex",
        lambda: tst.dirichlet.pdf([0.5, 0.6], [1.0, 2.0]),
        ValueError,
        "dirichlet.pdf: x must lie on the simplex",
    ),
    (
        "dirichlet.range",
        lambda: tst.dirichlet.logpdf([1.5, -0.5], [1.0, 2.0]),
        ValueError,
        r"dirichlet.logpdf: every entry of x must lie in \[0, 1\]",
    ),
    (
        "dirichlet.zero",
        lambda: tst.dirichlet.logpdf([0.0, 1.0], [0.5, 2.0]),
        ValueError,
        "dirichlet.logpdf: an entry of x can be 0 only where its alpha is >= 1",
    ),
    (
        "dirichlet.shape",
        lambda: tst.dirichlet.logpdf([0.2, 0.3, 0.1, 0.4], [1.0, 2.0]),
        ValueError,
        r"dirichlet.logpdf: x must have 2 or 1 entries along its first axis",
    ),
    (
        "mvn.not_pd",
        lambda: tst.multivariate_normal.logpdf([1.0, 2.0], [0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]]),
        np.linalg.LinAlgError,
        "multivariate_normal.logpdf: cov must be symmetric positive definite",
    ),
    (
        "mvn.singular",
        lambda: tst.multivariate_normal.logpdf(
            [1.0, 2.0], [0.0, 0.0], [[1.0, 1.0], [1.0, 1.0]], allow_singular=True
        ),
        NotImplementedError,
        r"multivariate_normal.logpdf: a singular cov \(allow_singular=True\) is not supported",
    ),
    (
        "mvn.mean",
        lambda: tst.multivariate_normal.logpdf([1.0, 2.0], [0.0, 0.0, 0.0], np.eye(2)),
        ValueError,
        r"multivariate_normal.logpdf: cov of shape \(2, 2\) does not match the dimension 3",
    ),
    (
        "mvn.x",
        lambda: tst.multivariate_normal.logpdf([1.0, 2.0, 3.0], [0.0, 0.0], np.eye(2)),
        ValueError,
        "multivariate_normal.logpdf: x has 3 components on its last axis, the distribution 2",
    ),
    (
        "mvn.cov3d",
        lambda: tst.multivariate_normal.logpdf([1.0], 0.0, np.ones((1, 1, 1))),
        ValueError,
        "multivariate_normal.logpdf: cov must be a scalar, 1-d or 2-d",
    ),
    (
        "norm.none",
        lambda: tst.norm.logpdf(None),
        TypeError,
        "norm.logpdf: expected numbers",
    ),
    ("gammaln.none", lambda: tsp.gammaln(None), TypeError, "gammaln: expected numeric"),
]


@pytest.mark.parametrize(("name", "call", "error", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_input_is_named(
    name: str, call: Callable[[], Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call()


def test_scipy_agrees_these_inputs_are_errors() -> None:
    # The errors above mirror SciPy's (which raises for the same inputs).
    with pytest.raises(ValueError):
        ss.dirichlet.logpdf([0.5, 0.6], [1.0, 2.0])
    with pytest.raises(np.linalg.LinAlgError):
        ss.multivariate_normal.logpdf([1.0, 2.0], [0.0, 0.0], [[1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(ValueError):
        sc.multigammaln(0.2, 3)


# ----- conventions -----


def test_xlogy_and_xlog1py_at_x_zero() -> None:
    x, y = td.tensor([0.0, 0.0, 2.0]), td.tensor([0.0, 3.0, 3.0])
    with td.Tape(persistent=True) as tape:
        tape.watch([x, y])
        out = tsp.xlogy(x, y)
        out1 = tsp.xlog1py(x, y - 1)
        s, s1 = td.sum(out), td.sum(out1)
    np.testing.assert_array_equal(out.numpy(), sc.xlogy([0.0, 0.0, 2.0], [0.0, 3.0, 3.0]))
    np.testing.assert_array_equal(out1.numpy(), sc.xlog1py([0.0, 0.0, 2.0], [-1.0, 2.0, 2.0]))
    gx, gy = tape.gradient(s, [x, y])
    # d/dy = 0 along x == 0 (also at y == 0); d/dx = log(y), -inf at y == 0 (no derivative).
    np.testing.assert_array_equal(gy.numpy(), [0.0, 0.0, 2.0 / 3.0])
    np.testing.assert_allclose(gx.numpy(), [-np.inf, np.log(3.0), np.log(3.0)], rtol=1e-15)
    gx1, gy1 = tape.gradient(s1, [x, y])
    np.testing.assert_array_equal(gy1.numpy(), [0.0, 0.0, 2.0 / 3.0])
    np.testing.assert_allclose(gx1.numpy(), [-np.inf, np.log(3.0), np.log(3.0)], rtol=1e-15)


def test_log_ndtr_gradient_is_stable_in_both_tails() -> None:
    x = np.array([-1e4, -200.0, -40.0, 0.0, 40.0])
    g = _grad(tsp.log_ndtr, x)
    # phi(x) / Phi(x) ~ t + 1/t - 2/t^3 + 10/t^5 - 74/t^7, t = -x -> inf; 0 far right.
    t = -x[:3]
    asym = t + 1 / t - 2 / t**3 + 10 / t**5 - 74 / t**7
    np.testing.assert_allclose(g[:3], asym, rtol=1e-9)
    assert g[3] == pytest.approx(math.sqrt(2 / math.pi), rel=1e-14)
    assert g[4] == 0.0
    # Second derivative: finite everywhere (no NaN from an unselected branch); -> -1 on the left.
    h = td.grad(lambda t: td.sum(td.grad(lambda u: td.sum(tsp.log_ndtr(u)))(t)))(td.tensor(x))
    assert np.all(np.isfinite(h.numpy()))
    assert h.numpy()[0] == pytest.approx(-1.0, abs=1e-6)


def test_second_order_chains() -> None:
    x = np.array([0.7, 1.3, 2.9])

    def second(f: Callable[[Any], Any]) -> Any:
        return td.grad(lambda t: td.sum(td.grad(lambda u: td.sum(f(u)))(t)))(td.tensor(x)).numpy()

    np.testing.assert_allclose(second(tsp.gammaln), sc.polygamma(1, x), rtol=1e-12)
    np.testing.assert_allclose(second(tsp.digamma), sc.polygamma(2, x), rtol=1e-12)
    np.testing.assert_allclose(
        second(lambda u: tsp.polygamma(2, u)), sc.polygamma(4, x), rtol=1e-12
    )
    np.testing.assert_allclose(second(tsp.j0), -(sc.j0(x) - sc.jn(2, x)) / 2, rtol=1e-12)
    np.testing.assert_allclose(second(tsp.i0), (sc.i0(x) + sc.iv(2, x)) / 2, rtol=1e-12)
    y = sc.erfinv(x / 3)
    np.testing.assert_allclose(
        td.grad(lambda t: td.sum(tsp.erfinv(t)))(td.tensor(x / 3)).numpy(),
        math.sqrt(math.pi) / 2 * np.exp(y * y),
        rtol=1e-12,
    )


def test_outside_the_support_the_gradient_is_zero_not_nan() -> None:
    x = td.tensor([-1.0, 0.5, 2.0])
    a = td.tensor(2.5)
    with td.Tape(persistent=True) as tape:
        tape.watch([x, a])
        lp = tst.gamma.logpdf(x, a)
        cdf = tst.beta.pdf(x, 2.0, 3.0)
        s, s2 = td.sum(td.where(np.isfinite(lp.numpy()), lp, 0.0)), td.sum(cdf)
    np.testing.assert_array_equal(lp.numpy(), ss.gamma.logpdf([-1.0, 0.5, 2.0], 2.5))
    gx, ga = tape.gradient(s, [x, a])
    assert gx.numpy()[0] == 0.0 and np.all(np.isfinite(gx.numpy()))
    assert np.isfinite(ga.item())
    (gx2,) = tape.gradient(s2, [x])
    assert gx2.numpy()[0] == 0.0 and gx2.numpy()[2] == 0.0 and np.isfinite(gx2.numpy()[1])


def test_invalid_parameters_give_nan_as_scipy() -> None:
    x = np.array([0.3, 0.3, 0.3])
    scale = np.array([1.0, 0.0, -1.0])
    for method in ("logpdf", "pdf", "cdf", "logcdf"):
        ours = getattr(tst.norm, method)(x, 0.0, scale).numpy()
        np.testing.assert_array_equal(ours, getattr(ss.norm, method)(x, 0.0, scale))
    np.testing.assert_array_equal(
        tst.gamma.logpdf(1.0, np.array([-1.0, 2.0])).numpy(),
        ss.gamma.logpdf(1.0, np.array([-1.0, 2.0])),
    )
    np.testing.assert_array_equal(
        tst.poisson.logpmf(2, np.array([-1.0, 0.0, 2.0])).numpy(),
        ss.poisson.logpmf(2, np.array([-1.0, 0.0, 2.0])),
    )


def test_float32_stays_float32_beside_python_numbers() -> None:
    x = td.tensor(np.float32([0.5, 1.5]))
    assert tsp.gammainc(2.0, x).dtype == np.float32
    assert tsp.xlogy(2.0, x).dtype == np.float32
    assert tsp.yn(1, x).dtype == np.float32
    assert tsp.polygamma(np.array([1, 2]), x).dtype == np.float32
    assert tsp.multigammaln(x + 2, 3).dtype == np.float32
    assert tst.norm.logpdf(x).dtype == np.float32
    assert tst.gamma.cdf(x, 2.0, loc=0, scale=2).dtype == np.float32
    assert tst.poisson.logpmf(np.array([1, 2]), x).dtype == np.float32
    assert tst.multivariate_normal.logpdf(x, None, 1).dtype == np.float32


def test_logsumexp_has_scipys_signature() -> None:
    a = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]])
    b = np.array([1.0, -2.0, 0.5])
    out, sgn = tsp.logsumexp(a, axis=1, b=b, keepdims=True, return_sign=True)
    want, wsgn = sc.logsumexp(a, axis=1, b=b, keepdims=True, return_sign=True)
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-12)
    np.testing.assert_array_equal(sgn.numpy(), wsgn)


# ----- SciPy's own functions called on tensors -----

# Each call is written once for a namespace m: scipy.special (dispatched) or ours.
UFUNC_CALLS: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("gamma", lambda m, v: m.gamma(v)),
    ("gammaln", lambda m, v: m.gammaln(v)),
    ("rgamma", lambda m, v: m.rgamma(v)),
    ("digamma", lambda m, v: m.digamma(v)),
    ("psi", lambda m, v: m.psi(v)),
    ("gammainc", lambda m, v: m.gammainc(2.0, v)),
    ("gammaincc", lambda m, v: m.gammaincc(2.0, v)),
    ("beta", lambda m, v: m.beta(v, 2.0)),
    ("betaln", lambda m, v: m.betaln(2.0, v)),
    ("betainc", lambda m, v: m.betainc(2.0, 3.0, v / 4)),
    ("erf", lambda m, v: m.erf(v)),
    ("erfc", lambda m, v: m.erfc(v)),
    ("erfinv", lambda m, v: m.erfinv(v / 4)),
    ("erfcinv", lambda m, v: m.erfcinv(v / 4)),
    ("expit", lambda m, v: m.expit(v)),
    ("logit", lambda m, v: m.logit(v / 4)),
    ("xlogy", lambda m, v: m.xlogy(v, v)),
    ("xlog1py", lambda m, v: m.xlog1py(v, v)),
    ("j0", lambda m, v: m.j0(v)),
    ("j1", lambda m, v: m.j1(v)),
    ("y0", lambda m, v: m.y0(v)),
    ("y1", lambda m, v: m.y1(v)),
    ("jn", lambda m, v: m.jn(2, v)),
    ("jv", lambda m, v: (m.jv if m is sc else m.jn)(1.5, v)),
    ("yn", lambda m, v: m.yn(2, v)),
    ("i0", lambda m, v: m.i0(v)),
    ("i1", lambda m, v: m.i1(v)),
    ("iv", lambda m, v: m.iv(1.5, v)),
    ("ive", lambda m, v: m.ive(1.5, v)),
    ("ndtr", lambda m, v: m.ndtr(v)),
    ("log_ndtr", lambda m, v: m.log_ndtr(v)),
    ("ndtri", lambda m, v: m.ndtri(v / 4)),
]

V = np.array([0.3, 1.2, 2.0, 0.7])


@pytest.mark.parametrize(("name", "call"), UFUNC_CALLS, ids=[n for n, _ in UFUNC_CALLS])
def test_scipy_ufunc_on_a_tracked_tensor_records(
    name: str, call: Callable[[Any, Any], Any]
) -> None:
    v = td.tensor(V)
    with td.Tape() as tape:
        tape.watch(v)
        out = call(sc, v)
        s = td.sum(out)
    assert isinstance(out, td.Tensor)
    np.testing.assert_allclose(out.numpy(), call(sc, V), rtol=1e-14)
    g = tape.gradient(s, v)
    assert g is not None and np.any(g.numpy() != 0)
    ours = td.grad(lambda t: td.sum(call(tsp, t)))(td.tensor(V))
    np.testing.assert_allclose(g.numpy(), ours.numpy(), rtol=1e-14)


def test_scipy_ufunc_dispatch_needs_no_import_of_tapediff_scipy() -> None:
    r = _run(
        """
        import sys, numpy as np, scipy.special as sc, tapediff as td
        assert "tapediff.scipy.special" not in sys.modules
        x = td.tensor([0.5, 1.5])
        print(td.grad(lambda t: td.sum(sc.gammaln(t)))(x).numpy().tolist())
        print(sc.digamma([0.5, 1.5]).tolist())
        """
    )
    assert r.returncode == 0, r.stderr
    got, want = r.stdout.split("\n")[:2]
    assert got == want


def test_scipy_ufunc_without_a_tapediff_version_is_refused() -> None:
    v = td.tensor(V)
    with td.Tape() as tape:
        tape.watch(v)
        with pytest.raises(
            TypeError, match="scipy.special.erfcx is not differentiable in tapediff"
        ):
            sc.erfcx(v)
        # scipy.special.zeta calls the private ufunc _zeta: refused too.
        with pytest.raises(TypeError, match="scipy.special._zeta is not differentiable"):
            sc.zeta(v + 2, 1.0)
        with pytest.raises(TypeError, match=r"scipy.special.gammaln with out= is not diff"):
            sc.gammaln(v, out=np.empty(4))
    # Untracked: SciPy's result, as for any NumPy function tapediff does not implement.
    assert isinstance(sc.erfcx(td.tensor(V)), np.ndarray)


# SciPy's Python-level functions (not ufuncs) read a tensor with np.asarray: a tracked tensor
# refuses that conversion, so they raise instead of returning values with no gradient.
SILENT = [
    ("polygamma", lambda v: sc.polygamma(1, v)),
    ("multigammaln", lambda v: sc.multigammaln(v + 3, 2)),
    ("logsumexp", lambda v: sc.logsumexp(v)),
    ("stats.norm.logpdf", lambda v: ss.norm.logpdf(v)),
]


@pytest.mark.parametrize(("name", "call"), SILENT, ids=[n for n, _ in SILENT])
def test_scipy_python_function_on_a_tracked_tensor_refuses(
    name: str, call: Callable[[Any], Any]
) -> None:
    v = td.tensor(V)
    with td.Tape() as tape:
        tape.watch(v)
        try:
            out = call(v)
        except TypeError as e:
            assert "drop its gradient" in str(e) or "not differentiable in tapediff" in str(e)
            return
    assert isinstance(out, td.Tensor), f"scipy {name} returned {type(out).__name__} silently"


def test_public_names() -> None:
    expected = set(
        [
            "gamma",
            "gammaln",
            "rgamma",
            "digamma",
            "psi",
            "polygamma",
            "multigammaln",
            "gammainc",
            "gammaincc",
            "beta",
            "betaln",
            "betainc",
            "erf",
            "erfc",
            "erfinv",
            "erfcinv",
            "expit",
            "logit",
            "xlogy",
            "xlog1py",
            "logsumexp",
            "j0",
            "j1",
            "y0",
            "y1",
            "jn",
            "yn",
            "i0",
            "i1",
            "iv",
            "ive",
            "ndtr",
            "log_ndtr",
            "ndtri",
        ]
    )
    assert set(tsp.__all__) == expected
    assert all(callable(getattr(tsp, n)) for n in expected)
    assert set(tst.__all__) == {
        "norm",
        "t",
        "beta",
        "gamma",
        "chi2",
        "poisson",
        "dirichlet",
        "multivariate_normal",
    }
    assert td.scipy.special is tsp and td.scipy.stats is tst  # type: ignore[attr-defined]


def test_iv_and_ive_at_tiny_arguments_follow_the_series() -> None:
    # SciPy gives iv(1, 1e-300) = 0 and iv(2, 2.2e-308) = NaN; I_v(x) ~ (x/2)^v / Gamma(v+1).
    from tapediff.scipy import special as tsp

    x = np.array([2.2250738585072014e-308, 1e-300, 1e-120])
    np.testing.assert_allclose(tsp.iv(1, x).numpy(), x / 2, rtol=1e-14)
    np.testing.assert_allclose(tsp.ive(1, x).numpy(), x / 2, rtol=1e-14)
    assert np.all(np.isfinite(tsp.iv(2, x).numpy()))
    # The first derivative of i1 uses iv(2, x): 1/2 at tiny x, not NaN.
    np.testing.assert_allclose(td.grad(lambda t: td.sum(tsp.i1(t)))(x).numpy(), 0.5, rtol=1e-14)


def test_t_cdf_at_df_1_near_0_has_the_exact_cauchy_derivatives() -> None:
    # SciPy's stdtr is least accurate here (df exactly 1, |t| < 1e-5), so the op table keeps
    # df away from 1 for the cdf rows; the tape's derivatives come from the t pdf and are exact:
    # for the Cauchy cdf F = 1/2 + atan(z)/pi, (log F)' = 2/pi and (log F)'' = -(2/pi)^2 at 0.
    def logcdf(x: td.Tensor) -> td.Tensor:
        return tst.t.logcdf(x, 1.0)

    x = np.array(0.0)
    assert float(td.grad(logcdf)(x)) == pytest.approx(2 / math.pi, rel=1e-14)
    assert float(td.grad(td.grad(logcdf))(x)) == pytest.approx(-4 / math.pi**2, rel=1e-14)
    assert float(td.grad(lambda v: tst.t.cdf(v, 1.0))(x)) == pytest.approx(1 / math.pi, rel=1e-14)
