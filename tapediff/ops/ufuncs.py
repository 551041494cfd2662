"""The remaining elementwise functions of NumPy, each with its VJP beside its forward.

Inverse trigonometric and hyperbolic functions, exp2/log2/log10, logaddexp/logaddexp2, hypot,
arctan2, sinc, cbrt, reciprocal, fabs, remainder (mod), fmax/fmin, nan_to_num and the angle
conversions. The forwards are NumPy's own, so values, dtypes and domain behaviour are NumPy's:
outside an op's domain (``arcsin(2)``, ``log2(-1)``) the result is NaN with NumPy's
RuntimeWarning, never an error.

Subgradient and domain conventions: fabs'(0) = 0 (as abs'(0)); hypot and arctan2 have gradient
0 at the origin; remainder has d/dx1 = 1 and d/dx2 = -floor(x1 / x2), its jumps (where x1 / x2
is an integer) ignored; fmax/fmin split the gradient evenly on ties as maximum/minimum do and
give it to the non-NaN operand when one is NaN (0 to both when both are); nan_to_num passes the
gradient where x is finite and 0 where a value was replaced; sinc'(0) = 0 and sinc's higher
derivatives at 0 are exact too (a Taylor branch near 0, see ``_sinc_d1``). Elsewhere at domain
edges (arcsin'(1), arccosh'(1), cbrt'(0), reciprocal'(0)) the formulas give inf or NaN.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import Tensor, TensorLike
from ._primitive import primitive, value_of
from .elementwise import cos, exp, sign, sqrt, where

__all__ = [
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "cbrt",
    "cosh",
    "deg2rad",
    "degrees",
    "exp2",
    "fabs",
    "fmax",
    "fmin",
    "hypot",
    "log2",
    "log10",
    "logaddexp",
    "logaddexp2",
    "mod",
    "nan_to_num",
    "rad2deg",
    "radians",
    "reciprocal",
    "remainder",
    "sinc",
    "sinh",
]

# Python floats, not NumPy float64 values: NumPy keeps a float32 operand float32 with them.
_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_PI = math.pi
_DEG_PER_RAD = 180.0 / math.pi
_RAD_PER_DEG = math.pi / 180.0

# ----- inverse trigonometric -----

_arcsin = primitive("arcsin", arity=1)(np.arcsin)
# (1 - x)(1 + x) rather than 1 - x*x: no cancellation near |x| = 1.
_arcsin.defvjp(lambda g, out, x: g / sqrt((1 - x) * (1 + x)))


def arcsin(x: TensorLike) -> Tensor:
    """Elementwise inverse sine (numpy.arcsin)."""
    return _arcsin.bind(x)


_arccos = primitive("arccos", arity=1)(np.arccos)
_arccos.defvjp(lambda g, out, x: -g / sqrt((1 - x) * (1 + x)))


def arccos(x: TensorLike) -> Tensor:
    """Elementwise inverse cosine (numpy.arccos)."""
    return _arccos.bind(x)


_arctan = primitive("arctan", arity=1)(np.arctan)
_arctan.defvjp(lambda g, out, x: g / (1 + x * x))


def arctan(x: TensorLike) -> Tensor:
    """Elementwise inverse tangent (numpy.arctan)."""
    return _arctan.bind(x)


def _origin_safe(r: Any) -> Any:
    """``r`` with its zeros replaced by 1, so a quotient by it is 0 (not NaN) at the origin."""
    return where(value_of(r) == 0, 1.0, r)


_arctan2 = primitive("arctan2", arity=2)(np.arctan2)
# x2 / (x1^2 + x2^2), with the squared radius as hypot(x1, x2)^2 so it cannot overflow.
_arctan2.defvjp(
    lambda g, out, x1, x2: g * (x2 / _origin_safe(hypot(x1, x2)) / _origin_safe(hypot(x1, x2))),
    lambda g, out, x1, x2: -g * (x1 / _origin_safe(hypot(x1, x2)) / _origin_safe(hypot(x1, x2))),
)


def arctan2(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise angle of the point ``(x2, x1)`` (numpy.arctan2); gradient 0 at the origin."""
    return _arctan2.bind(x1, x2)


_hypot = primitive("hypot", arity=2)(np.hypot)
_hypot.defvjp(
    lambda g, out, x1, x2: g * (x1 / _origin_safe(out)),
    lambda g, out, x1, x2: g * (x2 / _origin_safe(out)),
)


def hypot(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``sqrt(x1**2 + x2**2)`` without overflow (numpy.hypot); gradient 0 at 0."""
    return _hypot.bind(x1, x2)


# ----- sinc -----

# sinc'(x) = sum_{n>=1} c_n x^(2n-1), c_n = (-1)^n 2n pi^(2n) / (2n+1)!. Below _SINC_SERIES the
# closed form (cos(pi x) - sinc(x)) / x cancels (its k-th derivative loses about k+1 factors of
# |x| in relative accuracy); ten terms there are exact to rounding, and a polynomial has the
# exact derivatives at 0 (sinc'(0) = 0, sinc''(0) = -pi^2/3, ...).
_SINC_SERIES = 0.25
_SINC_COEFFS = tuple(
    (-1) ** n * 2 * n * _PI ** (2 * n) / math.factorial(2 * n + 1) for n in range(1, 11)
)


def _sinc_d1(x: Any) -> Any:
    """sinc'(x), written with tapediff ops so that it has derivatives itself."""
    small = np.abs(value_of(x)) < _SINC_SERIES
    # The closed form is evaluated at 1 where the series is taken: never 0 / 0, so the
    # unselected branch cannot put a NaN into a higher derivative.
    xs = where(small, 1.0, x)
    closed = (cos(_PI * xs) - sinc(xs)) / xs
    x2 = x * x
    poly: Any = _SINC_COEFFS[-1]
    for c in reversed(_SINC_COEFFS[:-1]):
        poly = poly * x2 + c
    return where(small, x * poly, closed)


_sinc = primitive("sinc", arity=1)(np.sinc)
_sinc.defvjp(lambda g, out, x: g * _sinc_d1(x))


def sinc(x: TensorLike) -> Tensor:
    """Elementwise normalized sinc ``sin(pi x) / (pi x)``, 1 at 0 (numpy.sinc)."""
    return _sinc.bind(x)


# ----- hyperbolic and inverse hyperbolic -----

_sinh = primitive("sinh", arity=1)(np.sinh)
_sinh.defvjp(lambda g, out, x: g * cosh(x))


def sinh(x: TensorLike) -> Tensor:
    """Elementwise hyperbolic sine (numpy.sinh)."""
    return _sinh.bind(x)


_cosh = primitive("cosh", arity=1)(np.cosh)
_cosh.defvjp(lambda g, out, x: g * sinh(x))


def cosh(x: TensorLike) -> Tensor:
    """Elementwise hyperbolic cosine (numpy.cosh)."""
    return _cosh.bind(x)


_arcsinh = primitive("arcsinh", arity=1)(np.arcsinh)
# hypot(x, 1) = sqrt(x^2 + 1) without overflowing for large |x|.
_arcsinh.defvjp(lambda g, out, x: g / hypot(x, 1.0))


def arcsinh(x: TensorLike) -> Tensor:
    """Elementwise inverse hyperbolic sine (numpy.arcsinh)."""
    return _arcsinh.bind(x)


_arccosh = primitive("arccosh", arity=1)(np.arccosh)
# sqrt(x - 1) * sqrt(x + 1): no cancellation near 1, no overflow for large x.
_arccosh.defvjp(lambda g, out, x: g / (sqrt(x - 1) * sqrt(x + 1)))


def arccosh(x: TensorLike) -> Tensor:
    """Elementwise inverse hyperbolic cosine (numpy.arccosh)."""
    return _arccosh.bind(x)


_arctanh = primitive("arctanh", arity=1)(np.arctanh)
_arctanh.defvjp(lambda g, out, x: g / ((1 - x) * (1 + x)))


def arctanh(x: TensorLike) -> Tensor:
    """Elementwise inverse hyperbolic tangent (numpy.arctanh)."""
    return _arctanh.bind(x)


# ----- exponentials and logarithms in other bases -----

_exp2 = primitive("exp2", arity=1)(np.exp2)
_exp2.defvjp(lambda g, out, x: g * (out * _LN2))


def exp2(x: TensorLike) -> Tensor:
    """Elementwise ``2 ** x`` (numpy.exp2)."""
    return _exp2.bind(x)


_log2 = primitive("log2", arity=1)(np.log2)
_log2.defvjp(lambda g, out, x: g / (x * _LN2))


def log2(x: TensorLike) -> Tensor:
    """Elementwise base-2 logarithm (numpy.log2)."""
    return _log2.bind(x)


_log10 = primitive("log10", arity=1)(np.log10)
_log10.defvjp(lambda g, out, x: g / (x * _LN10))


def log10(x: TensorLike) -> Tensor:
    """Elementwise base-10 logarithm (numpy.log10)."""
    return _log10.bind(x)


_logaddexp = primitive("logaddexp", arity=2)(np.logaddexp)
# e^x1 / (e^x1 + e^x2) = e^(x1 - out): never overflows, since out >= x1.
_logaddexp.defvjp(
    lambda g, out, x1, x2: g * exp(x1 - out),
    lambda g, out, x1, x2: g * exp(x2 - out),
)


def logaddexp(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``log(e ** x1 + e ** x2)`` without overflow (numpy.logaddexp)."""
    return _logaddexp.bind(x1, x2)


_logaddexp2 = primitive("logaddexp2", arity=2)(np.logaddexp2)
_logaddexp2.defvjp(
    lambda g, out, x1, x2: g * exp2(x1 - out),
    lambda g, out, x1, x2: g * exp2(x2 - out),
)


def logaddexp2(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``log2(2 ** x1 + 2 ** x2)`` without overflow (numpy.logaddexp2)."""
    return _logaddexp2.bind(x1, x2)


# ----- powers and arithmetic -----

_cbrt = primitive("cbrt", arity=1)(np.cbrt)
_cbrt.defvjp(lambda g, out, x: g / (3 * (out * out)))


def cbrt(x: TensorLike) -> Tensor:
    """Elementwise real cube root, negative for negative x (numpy.cbrt)."""
    return _cbrt.bind(x)


_reciprocal = primitive("reciprocal", arity=1)(np.reciprocal)
_reciprocal.defvjp(lambda g, out, x: -g * (out * out))


def reciprocal(x: TensorLike) -> Tensor:
    """Elementwise ``1 / x`` (numpy.reciprocal; integer division for integer input)."""
    return _reciprocal.bind(x)


_fabs = primitive("fabs", arity=1)(np.fabs)
_fabs.defvjp(lambda g, out, x: g * sign(x))


def fabs(x: TensorLike) -> Tensor:
    """Elementwise absolute value of real numbers (numpy.fabs); its gradient at 0 is 0."""
    return _fabs.bind(x)


_remainder = primitive("remainder", arity=2)(np.remainder)
# out = x1 - floor(x1 / x2) * x2. The quotient is a constant (floor has zero derivative), taken
# from NumPy's floor_divide, which is what remainder itself is consistent with.
_remainder.defvjp(
    lambda g, out, x1, x2: g,
    lambda g, out, x1, x2: -g * np.floor_divide(value_of(x1), value_of(x2)),
)


def remainder(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise remainder with the sign of the divisor (numpy.remainder, numpy.mod)."""
    return _remainder.bind(x1, x2)


mod = remainder

# ----- NaN-ignoring maximum and minimum -----


def _share(a: Any, b: Any, wins: Any) -> Any:
    """Share of the gradient that goes to ``a``: 1 where it wins or only ``b`` is NaN, 1/2 on
    ties, else 0 (so 0 to both operands where both are NaN)."""
    a, b = value_of(a), value_of(b)
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    return np.where(wins(a, b) | (nan_b & ~nan_a), 1.0, np.where(a == b, 0.5, 0.0))


_fmax = primitive("fmax", arity=2)(np.fmax)
_fmax.defvjp(
    lambda g, out, x1, x2: g * _share(x1, x2, np.greater).astype(g.dtype),
    lambda g, out, x1, x2: g * _share(x2, x1, np.greater).astype(g.dtype),
)


def fmax(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise maximum ignoring NaN (numpy.fmax); ties split the gradient evenly."""
    return _fmax.bind(x1, x2)


_fmin = primitive("fmin", arity=2)(np.fmin)
_fmin.defvjp(
    lambda g, out, x1, x2: g * _share(x1, x2, np.less).astype(g.dtype),
    lambda g, out, x1, x2: g * _share(x2, x1, np.less).astype(g.dtype),
)


def fmin(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise minimum ignoring NaN (numpy.fmin); ties split the gradient evenly."""
    return _fmin.bind(x1, x2)


# ----- replacing non-finite values -----


@primitive("nan_to_num")
def _nan_to_num(x: Any, *, nan: Any, posinf: Any, neginf: Any) -> Any:
    return np.nan_to_num(x, copy=True, nan=nan, posinf=posinf, neginf=neginf)


_nan_to_num.defvjp(
    lambda g, out, x, *, nan, posinf, neginf: where(np.isfinite(value_of(x)), g, 0.0)
)


def nan_to_num(
    x: TensorLike,
    copy: bool = True,
    nan: Any = 0.0,
    posinf: Any = None,
    neginf: Any = None,
) -> Tensor:
    """NaN and infinities replaced by finite numbers (numpy.nan_to_num).

    The gradient passes where ``x`` is finite and is 0 where a value was replaced. ``copy`` is
    accepted for NumPy's signature; tensors are immutable, so a new tensor is always returned.
    The replacement values are constants (numbers or arrays, as for NumPy), never tensors.
    """
    for name, value in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
        if isinstance(value, Tensor):
            # A tensor here would get no gradient: refuse it rather than lose one silently.
            raise TypeError(
                f"nan_to_num: {name} must be a number or an array, not a tensor "
                "(replacement values are constants and get no gradient)"
            )
    return _nan_to_num.bind(x, nan=nan, posinf=posinf, neginf=neginf)


# ----- angle conversions -----

_rad2deg = primitive("rad2deg", arity=1)(np.rad2deg)
_rad2deg.defvjp(lambda g, out, x: g * _DEG_PER_RAD)


def rad2deg(x: TensorLike) -> Tensor:
    """Elementwise radians to degrees (numpy.rad2deg, numpy.degrees)."""
    return _rad2deg.bind(x)


degrees = rad2deg

_deg2rad = primitive("deg2rad", arity=1)(np.deg2rad)
_deg2rad.defvjp(lambda g, out, x: g * _RAD_PER_DEG)


def deg2rad(x: TensorLike) -> Tensor:
    """Elementwise degrees to radians (numpy.deg2rad, numpy.radians)."""
    return _deg2rad.bind(x)


radians = deg2rad


# Holomorphic, with VJPs that are the complex derivative (off the branch cuts, where NumPy's
# principal branches are analytic): right for complex values. The others refuse them.
for _p in (
    _sinh,
    _cosh,
    _arcsin,
    _arccos,
    _arctan,
    _arccosh,
    _arctanh,
    _exp2,
    _log2,
    _log10,
    _reciprocal,
):
    _p.allow_complex()
