"""Elementwise operations with NumPy broadcasting, each with its VJP beside its forward.

Subgradient conventions at kinks: relu'(0) = 0, abs'(0) = 0, ties in maximum/minimum split the
gradient evenly, clip passes the gradient only strictly inside its bounds, and ``where`` routes
the gradient with a select (never multiplies by a 0/1 mask, so an inf in the unselected branch
cannot turn into NaN). sign, floor, ceil, trunc and round have zero gradient.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import numpy.typing as npt

from ..tensor import Tensor, TensorLike, _wrap
from ._primitive import is_complex, primitive, value_of

__all__ = [
    "abs",
    "absolute",
    "add",
    "astype",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "ceil",
    "clip",
    "cos",
    "divide",
    "equal",
    "exp",
    "expm1",
    "floor",
    "greater",
    "greater_equal",
    "invert",
    "isfinite",
    "isnan",
    "less",
    "less_equal",
    "log",
    "log1p",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "multiply",
    "negative",
    "not_equal",
    "power",
    "relu",
    "round",
    "sigmoid",
    "sign",
    "sin",
    "softplus",
    "sqrt",
    "square",
    "stop_gradient",
    "subtract",
    "tan",
    "tanh",
    "trunc",
    "where",
]


def _zeros_vjp(g: Tensor, out: Tensor, *inputs: Any, **params: Any) -> Tensor:
    """VJP of a piecewise-constant op: an explicit zero gradient."""
    return _wrap(np.zeros(out.shape, dtype=g.dtype))


# ----- arithmetic -----
# The forwards are Python's operators rather than the ufuncs: on arrays they are the same ufunc
# calls, on the NumPy scalars that 0-d results are kept as they take NumPy's scalar fast path
# (several times faster). _record.bind2 makes sure at least one operand is a NumPy value.

_add = primitive("add", arity=2)(operator.add)
_add.defvjp(lambda g, out, x1, x2: g, lambda g, out, x1, x2: g)


def add(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``x1 + x2`` (numpy.add)."""
    return _add.bind(x1, x2)


_subtract = primitive("subtract", arity=2)(operator.sub)
_subtract.defvjp(lambda g, out, x1, x2: g, lambda g, out, x1, x2: negative(g))


def subtract(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``x1 - x2`` (numpy.subtract)."""
    return _subtract.bind(x1, x2)


_multiply = primitive("multiply", arity=2)(operator.mul)
_multiply.defvjp(lambda g, out, x1, x2: g * x2, lambda g, out, x1, x2: g * x1)


def multiply(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``x1 * x2`` (numpy.multiply)."""
    return _multiply.bind(x1, x2)


_divide = primitive("divide", arity=2)(operator.truediv)
_divide.defvjp(lambda g, out, x1, x2: g / x2, lambda g, out, x1, x2: -g * out / x2)


def divide(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise true division ``x1 / x2`` (numpy.divide)."""
    return _divide.bind(x1, x2)


_negative = primitive("negative", arity=1)(operator.neg)
_negative.defvjp(lambda g, out, x: negative(g))


def negative(x: TensorLike) -> Tensor:
    """Elementwise ``-x`` (numpy.negative)."""
    return _negative.bind(x)


def _log_base(x1: Any) -> Tensor:
    # d(x1**x2)/dx2 = out * log(x1); where x1 == 0 the factor out is 0 (or inf), and log(0) = -inf
    # would make 0 * -inf = NaN, so log is taken of 1 there instead (the limit of out * log(x1)).
    return log(where(equal(x1, 0), 1.0, x1))


_power = primitive("power", arity=2)(operator.pow)


# d/dx1 = x2 * x1**(x2 - 1). Where x1 == x2 == 0 that is 0 * inf: the exponent is taken as 1
# there instead (the factor x2 is 0), so x**0 has derivative exactly 0 and x**n at 0 a finite one,
# to every order (the same rule applies again inside the derivative).
def _power_base_vjp(g: Any, out: Any, x1: Any, x2: Any) -> Tensor:
    exponent = x2 - 1
    if (value_of(x2) == 0).any():  # a constant test: most exponents are never 0
        exponent = where(logical_and(equal(x1, 0), equal(x2, 0)), 1, exponent)
    result: Tensor = g * x2 * power(x1, exponent)
    return result


_power.defvjp(_power_base_vjp, lambda g, out, x1, x2: g * out * _log_base(x1))


def power(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``x1 ** x2`` (numpy.power)."""
    return _power.bind(x1, x2)


_square = primitive("square", arity=1)(np.square)
_square.defvjp(lambda g, out, x: g * (2 * x))


def square(x: TensorLike) -> Tensor:
    """Elementwise ``x ** 2`` (numpy.square)."""
    return _square.bind(x)


_sqrt = primitive("sqrt", arity=1)(np.sqrt)
_sqrt.defvjp(lambda g, out, x: g / (2 * out))


def sqrt(x: TensorLike) -> Tensor:
    """Elementwise square root (numpy.sqrt)."""
    return _sqrt.bind(x)


_absolute = primitive("absolute", arity=1)(np.absolute)


def _absolute_vjp(g: Any, out: Any, x: Any) -> Any:
    if not is_complex(x):
        return g * sign(x)
    # d|z| = Re(conj(z) dz) / |z|: the cotangent is g conj(z) / |z| (linear-transpose
    # convention), 0 at z = 0 (a denominator of 1 where the numerator is 0).
    from .complex import conjugate

    return g * conjugate(x) / where(value_of(out) == 0, 1.0, out)


_absolute.defvjp(_absolute_vjp)


def absolute(x: TensorLike) -> Tensor:
    """Elementwise ``|x|`` (numpy.absolute); its gradient at 0 is 0. For complex ``z`` the
    VJP is ``g * conj(z) / |z|``."""
    return _absolute.bind(x)


abs = absolute

# ----- exponentials and logarithms -----

_exp = primitive("exp", arity=1)(np.exp)
_exp.defvjp(lambda g, out, x: g * out)


def exp(x: TensorLike) -> Tensor:
    """Elementwise ``e ** x`` (numpy.exp)."""
    return _exp.bind(x)


_expm1 = primitive("expm1", arity=1)(np.expm1)
_expm1.defvjp(lambda g, out, x: g * (out + 1))


def expm1(x: TensorLike) -> Tensor:
    """Elementwise ``e ** x - 1``, accurate near 0 (numpy.expm1)."""
    return _expm1.bind(x)


_log = primitive("log", arity=1)(np.log)
_log.defvjp(lambda g, out, x: g / x)


def log(x: TensorLike) -> Tensor:
    """Elementwise natural logarithm (numpy.log)."""
    return _log.bind(x)


_log1p = primitive("log1p", arity=1)(np.log1p)
_log1p.defvjp(lambda g, out, x: g / (1 + x))


def log1p(x: TensorLike) -> Tensor:
    """Elementwise ``log(1 + x)``, accurate near 0 (numpy.log1p)."""
    return _log1p.bind(x)


# ----- trigonometric and hyperbolic -----

_sin = primitive("sin", arity=1)(np.sin)
_sin.defvjp(lambda g, out, x: g * cos(x))


def sin(x: TensorLike) -> Tensor:
    """Elementwise sine (numpy.sin)."""
    return _sin.bind(x)


_cos = primitive("cos", arity=1)(np.cos)
_cos.defvjp(lambda g, out, x: -g * sin(x))


def cos(x: TensorLike) -> Tensor:
    """Elementwise cosine (numpy.cos)."""
    return _cos.bind(x)


_tan = primitive("tan", arity=1)(np.tan)
_tan.defvjp(lambda g, out, x: g * (1 + out * out))


def tan(x: TensorLike) -> Tensor:
    """Elementwise tangent (numpy.tan)."""
    return _tan.bind(x)


_tanh = primitive("tanh", arity=1)(np.tanh)
_tanh.defvjp(lambda g, out, x: g * (1 - out * out))


def tanh(x: TensorLike) -> Tensor:
    """Elementwise hyperbolic tangent (numpy.tanh)."""
    return _tanh.bind(x)


# ----- activations -----


@primitive("sigmoid", arity=1)
def _sigmoid(x: Any) -> Any:
    # 1 / (1 + e^-x) overflows for large -x; this identity never does.
    return 0.5 * np.tanh(0.5 * x) + 0.5


_sigmoid.defvjp(lambda g, out, x: g * (out * (1 - out)))


def sigmoid(x: TensorLike) -> Tensor:
    """Elementwise logistic function ``1 / (1 + e ** -x)``."""
    return _sigmoid.bind(x)


@primitive("relu", arity=1)
def _relu(x: Any) -> Any:
    return np.maximum(x, 0)


_relu.defvjp(lambda g, out, x: where(greater(x, 0), g, 0.0))


def relu(x: TensorLike) -> Tensor:
    """Elementwise ``max(x, 0)``; its gradient at 0 is 0."""
    return _relu.bind(x)


@primitive("softplus", arity=1)
def _softplus(x: Any) -> Any:
    return np.logaddexp(0.0, x)


_softplus.defvjp(lambda g, out, x: g * sigmoid(x))


def softplus(x: TensorLike) -> Tensor:
    """Elementwise ``log(1 + e ** x)``, computed without overflow."""
    return _softplus.bind(x)


# ----- selection -----


def _tie_split(a: Any, b: Any, wins: Any) -> Tensor:
    """Share of the gradient that goes to ``a``: 1 where it wins, 1/2 on ties, else 0."""
    a = a._array if isinstance(a, Tensor) else a
    b = b._array if isinstance(b, Tensor) else b
    return _wrap(np.where(wins(a, b), 1.0, np.where(a == b, 0.5, 0.0)))


_maximum = primitive("maximum", arity=2)(np.maximum)
_maximum.defvjp(
    lambda g, out, x1, x2: g * _tie_split(x1, x2, np.greater).astype(g.dtype),
    lambda g, out, x1, x2: g * _tie_split(x2, x1, np.greater).astype(g.dtype),
)


def maximum(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise maximum (numpy.maximum); ties split the gradient evenly."""
    return _maximum.bind(x1, x2)


_minimum = primitive("minimum", arity=2)(np.minimum)
_minimum.defvjp(
    lambda g, out, x1, x2: g * _tie_split(x1, x2, np.less).astype(g.dtype),
    lambda g, out, x1, x2: g * _tie_split(x2, x1, np.less).astype(g.dtype),
)


def minimum(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise minimum (numpy.minimum); ties split the gradient evenly."""
    return _minimum.bind(x1, x2)


@primitive("clip")
def _clip(a: Any, a_min: Any, a_max: Any) -> Any:
    if a_min is None and a_max is None:
        return np.array(a, copy=True)
    return np.clip(a, a_min, a_max)


def _inside(a: Any, a_min: Any, a_max: Any) -> Tensor:
    arr = a._array if isinstance(a, Tensor) else np.asarray(a)
    lo = a_min._array if isinstance(a_min, Tensor) else a_min
    hi = a_max._array if isinstance(a_max, Tensor) else a_max
    # Not in place: a tensor bound may broadcast the mask beyond a's own shape.
    mask = np.ones(arr.shape, dtype=bool)
    if lo is not None:
        mask = mask & (arr > lo)
    if hi is not None:
        mask = mask & (arr < hi)
    return _wrap(mask)


_clip.defvjp(
    lambda g, out, a, a_min, a_max: where(_inside(a, a_min, a_max), g, 0.0),
    lambda g, out, a, a_min, a_max: where(less(a, a_min), g, 0.0),
    lambda g, out, a, a_min, a_max: where(greater(a, a_max), g, 0.0),
)


def clip(a: TensorLike, a_min: TensorLike | None, a_max: TensorLike | None) -> Tensor:
    """Limit values to ``[a_min, a_max]`` (numpy.clip).

    The gradient reaches ``a`` only strictly inside the bounds; a tensor bound gets the gradient
    where it is the value taken.
    """
    return _clip.bind(a, a_min, a_max)


_where = primitive("where")(np.where)
_where.defvjp(
    None,
    lambda g, out, c, x, y: where(c, g, 0.0),
    lambda g, out, c, x, y: where(c, 0.0, g),
)


def where(condition: TensorLike, x: TensorLike, y: TensorLike) -> Tensor:
    """Elements of ``x`` where ``condition`` holds, else of ``y`` (numpy.where, 3-argument form).

    Differentiable in ``x`` and ``y``; the unselected branch gets an exact zero gradient.
    """
    return _where.bind(condition, x, y)


# ----- piecewise constant: zero gradient -----

_sign = primitive("sign", arity=1)(np.sign)
_sign.defvjp(_zeros_vjp)
_floor = primitive("floor", arity=1)(np.floor)
_floor.defvjp(_zeros_vjp)
_ceil = primitive("ceil", arity=1)(np.ceil)
_ceil.defvjp(_zeros_vjp)
_trunc = primitive("trunc", arity=1)(np.trunc)
_trunc.defvjp(_zeros_vjp)
_round = primitive("round")(np.round)
_round.defvjp(_zeros_vjp)


def sign(x: TensorLike) -> Tensor:
    """Elementwise sign (numpy.sign); zero gradient."""
    return _sign.bind(x)


def floor(x: TensorLike) -> Tensor:
    """Elementwise floor (numpy.floor); zero gradient."""
    return _floor.bind(x)


def ceil(x: TensorLike) -> Tensor:
    """Elementwise ceiling (numpy.ceil); zero gradient."""
    return _ceil.bind(x)


def trunc(x: TensorLike) -> Tensor:
    """Elementwise truncation toward zero (numpy.trunc); zero gradient."""
    return _trunc.bind(x)


def round(x: TensorLike, decimals: int = 0) -> Tensor:
    """Round to ``decimals`` places, halves to even (numpy.round); zero gradient."""
    return _round.bind(x, decimals=decimals)


# ----- dtype and gradient control -----

_astype = primitive("astype")(lambda x, dtype: x.astype(dtype))


def _astype_vjp(g: Any, out: Any, x: Any, dtype: Any) -> Tensor:
    xdtype = value_of(x).dtype
    if is_complex(g) and xdtype.kind != "c":
        # A real value cast to complex: its cotangent is the real part (no ComplexWarning).
        from .complex import real

        g = real(g)
    return astype(g, xdtype)


_astype.defvjp(_astype_vjp)


# A cast to integers or booleans is piecewise constant: its derivative is 0, so it is not
# recorded (passing the cotangent through would give x.astype(int) the gradient of x).
_astype_discrete = primitive("astype")(lambda x, dtype: x.astype(dtype))


def astype(x: TensorLike, dtype: npt.DTypeLike, *, copy: bool = True, device: Any = None) -> Tensor:
    """``x`` cast to ``dtype`` (numpy.astype); the gradient is cast back to ``x``'s dtype.

    A cast to an integer or boolean dtype has no gradient (it is piecewise constant).
    ``copy`` changes nothing (tensors are immutable); ``device`` may be None or "cpu"."""
    if device is not None and device != "cpu":
        raise ValueError(f'astype: device must be None or "cpu"; got {device!r}')
    if isinstance(x, Tensor) and x.dtype == dtype:
        return x
    target = np.dtype(dtype)
    if target.kind not in "fc":
        return _astype_discrete.bind(x, dtype=target)
    return _astype.bind(x, dtype=target)


_stop_gradient = primitive("stop_gradient")(lambda x: x)


def stop_gradient(x: TensorLike) -> Tensor:
    """The value of ``x``, never recorded: no gradient flows back through it."""
    return _stop_gradient.bind(x)


# ----- comparisons and predicates: boolean results, never recorded -----

_equal = primitive("equal", arity=2)(np.equal)
_not_equal = primitive("not_equal", arity=2)(np.not_equal)
_less = primitive("less", arity=2)(np.less)
_less_equal = primitive("less_equal", arity=2)(np.less_equal)
_greater = primitive("greater", arity=2)(np.greater)
_greater_equal = primitive("greater_equal", arity=2)(np.greater_equal)
_logical_not = primitive("logical_not", arity=1)(np.logical_not)
_isnan = primitive("isnan", arity=1)(np.isnan)
_isfinite = primitive("isfinite", arity=1)(np.isfinite)
_logical_and = primitive("logical_and", arity=2)(np.logical_and)
_logical_or = primitive("logical_or", arity=2)(np.logical_or)
_logical_xor = primitive("logical_xor", arity=2)(np.logical_xor)
_bitwise_and = primitive("bitwise_and", arity=2)(np.bitwise_and)
_bitwise_or = primitive("bitwise_or", arity=2)(np.bitwise_or)
_bitwise_xor = primitive("bitwise_xor", arity=2)(np.bitwise_xor)
_invert = primitive("invert", arity=1)(np.invert)


def logical_and(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise logical AND (numpy.logical_and); not differentiable."""
    return _logical_and.bind(x1, x2)


def logical_or(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise logical OR (numpy.logical_or); not differentiable."""
    return _logical_or.bind(x1, x2)


def logical_xor(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise logical XOR (numpy.logical_xor); not differentiable."""
    return _logical_xor.bind(x1, x2)


def bitwise_and(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``x1 & x2`` on booleans or integers (numpy.bitwise_and); not differentiable."""
    return _bitwise_and.bind(x1, x2)


def bitwise_or(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``x1 | x2`` on booleans or integers (numpy.bitwise_or); not differentiable."""
    return _bitwise_or.bind(x1, x2)


def bitwise_xor(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``x1 ^ x2`` on booleans or integers (numpy.bitwise_xor); not differentiable."""
    return _bitwise_xor.bind(x1, x2)


def invert(x: TensorLike) -> Tensor:
    """Elementwise ``~x`` on booleans or integers (numpy.invert); not differentiable."""
    return _invert.bind(x)


def equal(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``x1 == x2`` (numpy.equal); not differentiable."""
    return _equal.bind(x1, x2)


def not_equal(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``x1 != x2`` (numpy.not_equal); not differentiable."""
    return _not_equal.bind(x1, x2)


def less(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``x1 < x2`` (numpy.less); not differentiable."""
    return _less.bind(x1, x2)


def less_equal(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``x1 <= x2`` (numpy.less_equal); not differentiable."""
    return _less_equal.bind(x1, x2)


def greater(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``x1 > x2`` (numpy.greater); not differentiable."""
    return _greater.bind(x1, x2)


def greater_equal(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``x1 >= x2`` (numpy.greater_equal); not differentiable."""
    return _greater_equal.bind(x1, x2)


def logical_not(x: TensorLike) -> Tensor:
    """Elementwise logical NOT (numpy.logical_not); not differentiable."""
    return _logical_not.bind(x)


def isnan(x: TensorLike) -> Tensor:
    """Elementwise NaN test (numpy.isnan); not differentiable."""
    return _isnan.bind(x)


def isfinite(x: TensorLike) -> Tensor:
    """Elementwise finiteness test (numpy.isfinite); not differentiable."""
    return _isfinite.bind(x)


# Primitives whose VJPs are right for complex values (the linear transpose, no conjugate):
# holomorphic ops, selections and casts. Checked against finite differences in the real and
# imaginary directions (tests/ops/rows_complex.py). The rest refuse complex values.
for _p in (
    _add,
    _subtract,
    _multiply,
    _divide,
    _negative,
    _power,
    _square,
    _sqrt,
    _absolute,
    _exp,
    _expm1,
    _log,
    _log1p,
    _sin,
    _cos,
    _tan,
    _tanh,
    _sigmoid,
    _where,
    _astype,
):
    _p.allow_complex()
