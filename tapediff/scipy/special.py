"""``scipy.special`` for tapediff: SciPy's special functions under SciPy's names and signatures,
differentiable.

Each forward is SciPy's own (values, broadcasting, NaN outside a domain); each VJP is written
with tapediff ops, so higher derivatives work: gammaln' = digamma, digamma' = polygamma(1, .),
polygamma(n)' = polygamma(n + 1), the Bessel functions' derivatives are Bessel functions of
neighbouring orders, erfinv' = sqrt(pi)/2 exp(erfinv^2), and so on.

- Orders are static: ``n`` of jn, yn and polygamma, ``d`` of multigammaln (integers; a tensor a
  tape tracks is refused with a TypeError), ``v`` of iv and ive (no derivative with respect to
  the order: NotImplementedError if a tape tracks it).
- gammainc/gammaincc are differentiable in ``x`` only and betainc in ``x`` only: a tracked ``a``
  (or ``b``) raises NotImplementedError rather than getting a silent zero.
- float32 stays float32: also with Python numbers beside a float32 tensor, and whatever the
  dtype of a static order (SciPy computes yn(1, x32), polygamma and multigammaln in float64).
- xlogy and xlog1py are 0 where x == 0 (SciPy's convention, even where log(y) is not finite);
  their gradient with respect to y is 0 there too.
- log_ndtr's gradient is computed without cancellation for very negative x (through erfcx).

SciPy is an optional extra: importing this module without it raises an ImportError naming
``pip install "tapediff[scipy]"``. ``scipy.special.gammaln(t)`` and SciPy's other ufuncs
listed here, called on a tensor, run these functions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._record import tracks
from ..ops._primitive import primitive, value_of
from ..ops.elementwise import exp, log, log1p, sign, where
from ..ops.reductions import logsumexp as _logsumexp
from ..tensor import Tensor, TensorLike
from ._require import scipy_module

# Imported with the module (not per call: the forwards are SciPy's ufuncs themselves); without
# SciPy, importing this module raises an ImportError naming the extra to install.
_sc = scipy_module("scipy.special", "tapediff.scipy.special")

__all__ = [
    "beta",
    "betainc",
    "betaln",
    "digamma",
    "erf",
    "erfc",
    "erfcinv",
    "erfinv",
    "expit",
    "gamma",
    "gammainc",
    "gammaincc",
    "gammaln",
    "i0",
    "i1",
    "iv",
    "ive",
    "j0",
    "j1",
    "jn",
    "log_ndtr",
    "logit",
    "logsumexp",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "rgamma",
    "xlog1py",
    "xlogy",
    "y0",
    "y1",
    "yn",
]

# Python floats: NumPy keeps a float32 operand float32 with them.
_SQRT_PI = math.sqrt(math.pi)
_2_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_SQRT_HALF = math.sqrt(0.5)


def _float_call(f: Any, *args: Any) -> Any:
    """``f(*args)`` in NumPy's result dtype when that is float32.

    SciPy's ufuncs pick their first matching loop, float64 for ``gammainc(2.0, x32)`` or
    ``yn(1, x32)``; NumPy's rules (a Python number does not widen float32) keep float32.
    """
    if np.result_type(*args) == np.float32:
        return f(*args, dtype=np.float32)
    return f(*args)


def _order_call(f: Any, order: Any, x: Any) -> Any:
    """``f(order, x)`` in float32 when ``x`` is float32: a static order (an integer array too)
    does not widen the result."""
    if np.result_type(x) == np.float32:
        return f(order, x, dtype=np.float32)
    return f(order, x)


def _as_float_of(out: Any, *args: Any) -> Any:
    """``out`` cast back to float32 when NumPy's rules give float32 for ``args``."""
    if np.result_type(*args) == np.float32:
        return np.asarray(out).astype(np.float32)
    return out


def _order(op: str, name: str, value: Any, integer: bool = True) -> Any:
    """A static order: its value, refusing a tensor a tape tracks and (``integer``) non-integers."""
    if isinstance(value, Tensor):
        if tracks(value):
            raise TypeError(
                f"{op}: the order {name} is static (not differentiable), but it was given a "
                "tensor that a tape is tracking; pass a number or an array"
            )
        value = value_of(value)
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{op}: the order {name} must be a number or an array of numbers")
    if integer and not np.all(np.mod(arr, 1) == 0):
        raise ValueError(f"{op}: the order {name} must be integers, got {value!r}")
    return value


def _no_gradient(op: str, name: str, value: Any, why: str = "") -> None:
    """Refuse an argument a tape tracks whose gradient tapediff does not compute."""
    if isinstance(value, Tensor) and tracks(value):
        raise NotImplementedError(
            f"{op}: the gradient with respect to {name} is not implemented{why}, and {name} is "
            "a tensor that a tape is tracking, so its gradient would be lost; pass it as a "
            "constant (a number, an array, or a tensor no tape tracks)"
        )


def _refuse_vjp(op: str, name: str) -> Any:
    """A VJP for an input the public function refuses when tracked: never a silent zero."""

    def vjp(*args: Any, **params: Any) -> Any:
        raise NotImplementedError(f"{op}: the gradient with respect to {name} is not implemented")

    return vjp


# ----- gamma and related functions -----

_gamma = primitive("gamma", arity=1)(_sc.gamma)
_gamma.defvjp(lambda g, out, x: g * (out * digamma(x)))


def gamma(z: TensorLike) -> Tensor:
    """Elementwise gamma function (scipy.special.gamma); gradient gamma(z) * digamma(z)."""
    return _gamma.bind(z)


_gammaln = primitive("gammaln", arity=1)(_sc.gammaln)
_gammaln.defvjp(lambda g, out, x: g * digamma(x))


def gammaln(x: TensorLike) -> Tensor:
    """Elementwise log of the absolute value of gamma (scipy.special.gammaln)."""
    return _gammaln.bind(x)


_rgamma = primitive("rgamma", arity=1)(_sc.rgamma)
# At the poles of gamma (0, -1, -2...) rgamma is 0 and this is 0 * inf: NaN.
_rgamma.defvjp(lambda g, out, x: -g * (out * digamma(x)))


def rgamma(z: TensorLike) -> Tensor:
    """Elementwise reciprocal of the gamma function (scipy.special.rgamma)."""
    return _rgamma.bind(z)


_digamma = primitive("digamma", arity=1)(_sc.digamma)
_digamma.defvjp(lambda g, out, x: g * polygamma(1, x))


def digamma(z: TensorLike) -> Tensor:
    """Elementwise derivative of gammaln (scipy.special.digamma, also psi)."""
    return _digamma.bind(z)


psi = digamma


@primitive("polygamma")
def _polygamma(x: Any, *, n: Any) -> Any:
    return _as_float_of(_sc.polygamma(n, x), x)


_polygamma.defvjp(lambda g, out, x, *, n: g * polygamma(np.add(n, 1), x))


def polygamma(n: Any, x: TensorLike) -> Tensor:
    """Elementwise n-th derivative of digamma (scipy.special.polygamma); ``n`` integers >= 0."""
    n = _order("polygamma", "n", n)
    if np.any(np.asarray(n) < 0):
        raise ValueError(f"polygamma: the order n must be non-negative, got {n!r}")
    return _polygamma.bind(x, n=n)


@primitive("multigammaln")
def _multigammaln(a: Any, *, d: int) -> Any:
    return _as_float_of(_sc.multigammaln(a, d), a)


# d/da sum_j gammaln(a - j/2) = sum_j digamma(a - j/2), j = 0 .. d-1.
_multigammaln.defvjp(lambda g, out, a, *, d: g * sum(digamma(a - 0.5 * j) for j in range(d)))


def multigammaln(a: TensorLike, d: int) -> Tensor:
    """Log of the multivariate gamma function of dimension d (scipy.special.multigammaln);
    needs every ``a > (d - 1) / 2``."""
    d = _order("multigammaln", "d", d)
    if np.ndim(d) != 0 or int(d) <= 0:
        raise ValueError(f"multigammaln: d must be a positive integer, got {d!r}")
    return _multigammaln.bind(a, d=int(d))


def _gammainc_dx(a: Any, x: Any) -> Any:
    """d/dx of the regularized lower incomplete gamma: x^(a-1) e^(-x) / Gamma(a)."""
    return exp(xlogy(a - 1, x) - x - gammaln(a))


_gammainc = primitive("gammainc", arity=2)(lambda a, x: _float_call(_sc.gammainc, a, x))
_gammainc.defvjp(_refuse_vjp("gammainc", "a"), lambda g, out, a, x: g * _gammainc_dx(a, x))


def gammainc(a: TensorLike, x: TensorLike) -> Tensor:
    """Regularized lower incomplete gamma function P(a, x) (scipy.special.gammainc);
    differentiable in ``x`` only."""
    _no_gradient("gammainc", "a", a)
    return _gammainc.bind(a, x)


_gammaincc = primitive("gammaincc", arity=2)(lambda a, x: _float_call(_sc.gammaincc, a, x))
_gammaincc.defvjp(_refuse_vjp("gammaincc", "a"), lambda g, out, a, x: -g * _gammainc_dx(a, x))


def gammaincc(a: TensorLike, x: TensorLike) -> Tensor:
    """Regularized upper incomplete gamma function Q(a, x) (scipy.special.gammaincc);
    differentiable in ``x`` only."""
    _no_gradient("gammaincc", "a", a)
    return _gammaincc.bind(a, x)


# ----- beta -----


def _dbetaln(a: Any, b: Any) -> Any:
    return digamma(a) - digamma(a + b)


_beta = primitive("beta", arity=2)(lambda a, b: _float_call(_sc.beta, a, b))
_beta.defvjp(
    lambda g, out, a, b: g * (out * _dbetaln(a, b)),
    lambda g, out, a, b: g * (out * _dbetaln(b, a)),
)


def beta(a: TensorLike, b: TensorLike) -> Tensor:
    """Elementwise beta function (scipy.special.beta)."""
    return _beta.bind(a, b)


_betaln = primitive("betaln", arity=2)(lambda a, b: _float_call(_sc.betaln, a, b))
_betaln.defvjp(
    lambda g, out, a, b: g * _dbetaln(a, b),
    lambda g, out, a, b: g * _dbetaln(b, a),
)


def betaln(a: TensorLike, b: TensorLike) -> Tensor:
    """Elementwise log of the absolute value of the beta function (scipy.special.betaln)."""
    return _betaln.bind(a, b)


_betainc = primitive("betainc")(lambda a, b, x: _float_call(_sc.betainc, a, b, x))
# d/dx I_x(a, b) = x^(a-1) (1-x)^(b-1) / B(a, b).
_betainc.defvjp(
    _refuse_vjp("betainc", "a"),
    _refuse_vjp("betainc", "b"),
    lambda g, out, a, b, x: g * exp(xlogy(a - 1, x) + xlog1py(b - 1, -x) - betaln(a, b)),
)


def betainc(a: TensorLike, b: TensorLike, x: TensorLike) -> Tensor:
    """Regularized incomplete beta function I_x(a, b) (scipy.special.betainc);
    differentiable in ``x`` only."""
    _no_gradient("betainc", "a", a)
    _no_gradient("betainc", "b", b)
    return _betainc.bind(a, b, x)


# ----- error function and its inverses -----

_erf = primitive("erf", arity=1)(_sc.erf)
_erf.defvjp(lambda g, out, x: g * (_2_OVER_SQRT_PI * exp(-(x * x))))


def erf(z: TensorLike) -> Tensor:
    """Elementwise error function (scipy.special.erf)."""
    return _erf.bind(z)


_erfc = primitive("erfc", arity=1)(_sc.erfc)
_erfc.defvjp(lambda g, out, x: g * (-_2_OVER_SQRT_PI * exp(-(x * x))))


def erfc(x: TensorLike) -> Tensor:
    """Elementwise complementary error function 1 - erf(x) (scipy.special.erfc)."""
    return _erfc.bind(x)


_erfinv = primitive("erfinv", arity=1)(_sc.erfinv)
_erfinv.defvjp(lambda g, out, y: g * (0.5 * _SQRT_PI * exp(out * out)))


def erfinv(y: TensorLike) -> Tensor:
    """Elementwise inverse of erf on (-1, 1) (scipy.special.erfinv)."""
    return _erfinv.bind(y)


_erfcinv = primitive("erfcinv", arity=1)(_sc.erfcinv)
_erfcinv.defvjp(lambda g, out, y: g * (-0.5 * _SQRT_PI * exp(out * out)))


def erfcinv(y: TensorLike) -> Tensor:
    """Elementwise inverse of erfc on (0, 2) (scipy.special.erfcinv)."""
    return _erfcinv.bind(y)


# erfcx(z) = exp(z^2) erfc(z), private: it gives log_ndtr's gradient without cancellation.
_erfcx = primitive("erfcx", arity=1)(_sc.erfcx)
_erfcx.defvjp(lambda g, out, z: g * (2 * (z * out) - _2_OVER_SQRT_PI))


# ----- normal distribution -----

_ndtr = primitive("ndtr", arity=1)(_sc.ndtr)
_ndtr.defvjp(lambda g, out, x: g * (exp(-0.5 * (x * x)) / _SQRT_2PI))


def ndtr(x: TensorLike) -> Tensor:
    """Elementwise standard normal cumulative distribution function (scipy.special.ndtr)."""
    return _ndtr.bind(x)


def _log_ndtr_d1(x: Any, out: Any) -> Any:
    """phi(x) / Phi(x), the derivative of log_ndtr, without cancellation on either side.

    For x <= 0, Phi(x) = erfcx(-x / sqrt 2) exp(-x^2 / 2) / 2, so the ratio is
    sqrt(2 / pi) / erfcx(-x / sqrt 2) (erfcx <= 1 there: no overflow); for x > 0,
    exp(-x^2 / 2 - log_ndtr(x)) / sqrt(2 pi) has log_ndtr(x) near 0. Each branch is evaluated
    at a harmless point where the other is taken, so no NaN reaches a higher derivative.
    """
    neg = value_of(x) <= 0
    xn = where(neg, x, 0.0)
    xp = where(neg, 1.0, x)
    outp = where(neg, -0.1727537790234499, out)  # log_ndtr(1.0), the value at xp
    left = _SQRT_2_OVER_PI / _erfcx.bind(-_SQRT_HALF * xn)
    right = exp(-0.5 * (xp * xp) - outp) / _SQRT_2PI
    return where(neg, left, right)


_log_ndtr = primitive("log_ndtr", arity=1)(_sc.log_ndtr)
_log_ndtr.defvjp(lambda g, out, x: g * _log_ndtr_d1(x, out))


def log_ndtr(x: TensorLike) -> Tensor:
    """Elementwise log of the standard normal CDF, accurate in both tails
    (scipy.special.log_ndtr)."""
    return _log_ndtr.bind(x)


_ndtri = primitive("ndtri", arity=1)(_sc.ndtri)
_ndtri.defvjp(lambda g, out, y: g * (_SQRT_2PI * exp(0.5 * (out * out))))


def ndtri(y: TensorLike) -> Tensor:
    """Elementwise inverse of ndtr on (0, 1) (scipy.special.ndtri)."""
    return _ndtri.bind(y)


# Student's t CDF, private: tapediff.scipy.stats.t.cdf. Its VJPs are attached there (they
# need t's density); the forward is here, beside the one import of SciPy.
_stdtr = primitive("stdtr", arity=2)(lambda df, z: _float_call(_sc.stdtr, df, z))


# ----- logistic -----

_expit = primitive("expit", arity=1)(_sc.expit)
_expit.defvjp(lambda g, out, x: g * (out * (1 - out)))


def expit(x: TensorLike) -> Tensor:
    """Elementwise logistic sigmoid 1 / (1 + exp(-x)) (scipy.special.expit)."""
    return _expit.bind(x)


_logit = primitive("logit", arity=1)(_sc.logit)
_logit.defvjp(lambda g, out, x: g / (x * (1 - x)))


def logit(x: TensorLike) -> Tensor:
    """Elementwise log(x / (1 - x)), the inverse of expit (scipy.special.logit)."""
    return _logit.bind(x)


# ----- x log y -----


def _where_x_zero(x: Any, y: Any, at: float) -> Any:
    """``y`` with the entries where x == 0 and y == ``at`` set to 1: the gradient x / y is
    then 0 there (as the function is 0 along x == 0), never 0 / 0."""
    mask = (value_of(x) == 0) & (value_of(y) == at)
    return where(mask, 1.0, y) if np.any(mask) else y


_xlogy = primitive("xlogy", arity=2)(lambda x, y: _float_call(_sc.xlogy, x, y))
_xlogy.defvjp(
    lambda g, out, x, y: g * log(y),
    lambda g, out, x, y: g * (x / _where_x_zero(x, y, 0.0)),
)


def xlogy(x: TensorLike, y: TensorLike) -> Tensor:
    """Elementwise x * log(y), 0 where x == 0 (scipy.special.xlogy)."""
    return _xlogy.bind(x, y)


_xlog1py = primitive("xlog1py", arity=2)(lambda x, y: _float_call(_sc.xlog1py, x, y))
_xlog1py.defvjp(
    lambda g, out, x, y: g * log1p(y),
    lambda g, out, x, y: g * (x / (1 + _where_x_zero(x, y, -1.0))),
)


def xlog1py(x: TensorLike, y: TensorLike) -> Tensor:
    """Elementwise x * log1p(y), 0 where x == 0 (scipy.special.xlog1py)."""
    return _xlog1py.bind(x, y)


# SciPy's signature (a, axis=None, b=None, keepdims=False, return_sign=False) is tapediff's.
logsumexp = _logsumexp


# ----- Bessel functions -----

_j0 = primitive("j0", arity=1)(_sc.j0)
_j0.defvjp(lambda g, out, x: -g * j1(x))


def j0(x: TensorLike) -> Tensor:
    """Elementwise Bessel function of the first kind of order 0 (scipy.special.j0)."""
    return _j0.bind(x)


_j1 = primitive("j1", arity=1)(_sc.j1)
_j1.defvjp(lambda g, out, x: g * (0.5 * (j0(x) - jn(2, x))))


def j1(x: TensorLike) -> Tensor:
    """Elementwise Bessel function of the first kind of order 1 (scipy.special.j1)."""
    return _j1.bind(x)


@primitive("jn")
def _jn(x: Any, *, n: Any) -> Any:
    return _order_call(_sc.jn, n, x)


# J_n' = (J_{n-1} - J_{n+1}) / 2, for every real order.
_jn.defvjp(lambda g, out, x, *, n: g * (0.5 * (jn(np.subtract(n, 1), x) - jn(np.add(n, 1), x))))


def jn(n: Any, x: TensorLike) -> Tensor:
    """Elementwise Bessel function of the first kind of order n (scipy.special.jn); ``n`` is
    static (SciPy's jn is jv: real orders work too)."""
    return _jn.bind(x, n=_order("jn", "n", n, integer=False))


_y0 = primitive("y0", arity=1)(_sc.y0)
_y0.defvjp(lambda g, out, x: -g * y1(x))


def y0(x: TensorLike) -> Tensor:
    """Elementwise Bessel function of the second kind of order 0 (scipy.special.y0)."""
    return _y0.bind(x)


_y1 = primitive("y1", arity=1)(_sc.y1)
_y1.defvjp(lambda g, out, x: g * (0.5 * (y0(x) - yn(2, x))))


def y1(x: TensorLike) -> Tensor:
    """Elementwise Bessel function of the second kind of order 1 (scipy.special.y1)."""
    return _y1.bind(x)


@primitive("yn")
def _yn(x: Any, *, n: Any) -> Any:
    return _order_call(_sc.yn, n, x)


_yn.defvjp(lambda g, out, x, *, n: g * (0.5 * (yn(np.subtract(n, 1), x) - yn(np.add(n, 1), x))))


def yn(n: Any, x: TensorLike) -> Tensor:
    """Elementwise Bessel function of the second kind of integer order n (scipy.special.yn)."""
    return _yn.bind(x, n=_order("yn", "n", n))


_i0 = primitive("i0", arity=1)(_sc.i0)
_i0.defvjp(lambda g, out, x: g * i1(x))


def i0(x: TensorLike) -> Tensor:
    """Elementwise modified Bessel function of the first kind of order 0 (scipy.special.i0)."""
    return _i0.bind(x)


_i1 = primitive("i1", arity=1)(_sc.i1)
_i1.defvjp(lambda g, out, x: g * (0.5 * (i0(x) + iv(2, x))))


def i1(x: TensorLike) -> Tensor:
    """Elementwise modified Bessel function of the first kind of order 1 (scipy.special.i1)."""
    return _i1.bind(x)


def _tiny_arguments(out: Any, v: Any, x: Any) -> Any:
    """``out`` of iv/ive with SciPy's results for tiny ``x`` replaced: below about 1e-150 SciPy
    returns 0 or NaN (iv(1, 1e-300) = 0, iv(2, 2.2e-308) = NaN), where the first term of the
    series, (x/2)^v / Gamma(v + 1), is exact to double precision (exp(-|x|) is 1 there)."""
    x, v = np.asarray(x), np.asarray(v)
    whole = v == np.round(v)
    tiny = (np.abs(x) < 1e-100) & (x != 0) & ((x > 0) | whole)
    if not np.any(tiny):
        return out
    order = np.where(whole, np.abs(v), v)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        term = (x / 2) ** order / _sc.gamma(order + 1)
    return np.where(tiny, term, out).astype(np.result_type(out))


@primitive("iv")
def _iv(x: Any, *, v: Any) -> Any:
    return _tiny_arguments(_order_call(_sc.iv, v, x), v, x)


# I_v' = (I_{v-1} + I_{v+1}) / 2.
_iv.defvjp(lambda g, out, x, *, v: g * (0.5 * (iv(np.subtract(v, 1), x) + iv(np.add(v, 1), x))))


def iv(v: Any, z: TensorLike) -> Tensor:
    """Elementwise modified Bessel function of the first kind of real order v
    (scipy.special.iv); differentiable in ``z`` only."""
    _no_gradient("iv", "the order v", v)
    return _iv.bind(z, v=_order("iv", "v", v, integer=False))


@primitive("ive")
def _ive(x: Any, *, v: Any) -> Any:
    return _tiny_arguments(_order_call(_sc.ive, v, x), v, x)


# ive = iv * exp(-|x|): ive' = (ive_{v-1} + ive_{v+1}) / 2 - sign(x) ive (sign(0) = 0).
_ive.defvjp(
    lambda g, out, x, *, v: (
        g * (0.5 * (ive(np.subtract(v, 1), x) + ive(np.add(v, 1), x)) - sign(x) * out)
    )
)


def ive(v: Any, z: TensorLike) -> Tensor:
    """Elementwise exponentially scaled iv: iv(v, z) * exp(-|z|) (scipy.special.ive);
    differentiable in ``z`` only."""
    _no_gradient("ive", "the order v", v)
    return _ive.bind(z, v=_order("ive", "v", v, integer=False))


# ----- SciPy's ufuncs on tensors run these functions -----

_UFUNC_NAMES = (
    "gamma gammaln rgamma digamma psi gammainc gammaincc beta betaln betainc erf erfc erfinv "
    "erfcinv expit logit xlogy xlog1py j0 j1 y0 y1 jn yn i0 i1 iv ive ndtr log_ndtr ndtri"
)


def _register_dispatch() -> None:
    """``scipy.special.gammaln(t)`` and the other ufuncs above run these functions (NEP 13).

    tensor.py imports this module the first time it meets one of SciPy's ufuncs, so the
    dispatch works before anything imported tapediff.scipy.special.
    """
    from ..tensor import _UFUNCS

    for name in _UFUNC_NAMES.split():
        # (SciPy's jn is its jv, so scipy.special.jv dispatches to jn, which takes real orders.)
        _UFUNCS[getattr(_sc, name)] = globals()[name]


_register_dispatch()
