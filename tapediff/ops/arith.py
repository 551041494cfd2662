"""NumPy's remaining arithmetic ufuncs: floor_divide, divmod, fmod, positive, rint, fix, around,
copysign, float_power and heaviside, each with its VJP beside its forward.

The forwards are NumPy's own, so values and dtypes are NumPy's (``floor_divide`` is exactly
``np.floor_divide``, ``float_power`` is float64 or complex128 as in NumPy).

Gradient conventions: floor_divide, rint, fix, around and heaviside (in x1) are piecewise
constant and have an explicit zero gradient (floor_divide in both inputs), as floor does;
heaviside passes the gradient to x2 where x1 == 0, where the result is x2. fmod has
d/dx1 = 1 and d/dx2 = -trunc(x1 / x2), its jumps (where x1 / x2 is an integer) ignored, as
remainder does with floor. copysign(x1, x2) = |x1| with the sign bit of x2: its gradient with
respect to x1 is sign(x1) times the sign of the result (+1 or -1 from x2's sign bit), so 0 at
x1 = 0 as abs'(0) = 0; with respect to x2 it is 0 (the result changes only by jumps).
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor, TensorLike, operand
from ._primitive import primitive, value_of
from .elementwise import _zeros_vjp, astype, power, round, sign, where
from .ufuncs import remainder

__all__ = [
    "around",
    "copysign",
    "divmod",
    "fix",
    "float_power",
    "floor_divide",
    "fmod",
    "heaviside",
    "positive",
    "rint",
]

# ----- floor division -----

_floor_divide = primitive("floor_divide", arity=2)(np.floor_divide)
_floor_divide.defvjp(_zeros_vjp, _zeros_vjp)


def floor_divide(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``floor(x1 / x2)`` (numpy.floor_divide, the ``//`` operator); zero gradient."""
    return _floor_divide.bind(x1, x2)


def divmod(x1: TensorLike, x2: TensorLike) -> tuple[Tensor, Tensor]:
    """``(floor_divide(x1, x2), remainder(x1, x2))`` (numpy.divmod, Python's divmod)."""
    return _floor_divide.bind(x1, x2), remainder(x1, x2)


_fmod = primitive("fmod", arity=2)(np.fmod)
# out = x1 - trunc(x1 / x2) * x2, the quotient a constant (piecewise constant in x1 and x2).
_fmod.defvjp(
    lambda g, out, x1, x2: g,
    lambda g, out, x1, x2: -g * np.trunc(np.divide(value_of(x1), value_of(x2))),
)


def fmod(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise remainder with the sign of the dividend, C's fmod (numpy.fmod)."""
    return _fmod.bind(x1, x2)


# ----- identity and rounding -----

_positive = primitive("positive", arity=1)(np.positive)
_positive.defvjp(lambda g, out, x: g)
_positive.allow_complex()  # the identity: linear


def positive(x: TensorLike) -> Tensor:
    """Elementwise ``+x``, a copy of ``x`` (numpy.positive)."""
    return _positive.bind(x)


_rint = primitive("rint", arity=1)(np.rint)
_rint.defvjp(_zeros_vjp)


def rint(x: TensorLike) -> Tensor:
    """Elementwise round to the nearest integer, halves to even (numpy.rint); zero gradient."""
    return _rint.bind(x)


_fix = primitive("fix", arity=1)(np.fix)
_fix.defvjp(_zeros_vjp)


def fix(x: TensorLike) -> Tensor:
    """Elementwise round toward zero, as a float (numpy.fix); zero gradient."""
    return _fix.bind(x)


def around(a: TensorLike, decimals: int = 0) -> Tensor:
    """Round to ``decimals`` places, halves to even (numpy.around = numpy.round); zero
    gradient."""
    return round(a, decimals)


# ----- sign transfer, powers, step -----

_copysign = primitive("copysign", arity=2)(np.copysign)
_copysign.defvjp(
    # sign(x1) times the result's sign (the sign bit of x2, +1 or -1): 0 at x1 = 0.
    lambda g, out, x1, x2: g * sign(x1) * np.copysign(1.0, value_of(x2)).astype(value_of(g).dtype),
    _zeros_vjp,
)


def copysign(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``|x1|`` with the sign of ``x2`` (numpy.copysign); the gradient with respect
    to x1 is sign(x1) times the result's sign (0 at x1 = 0), with respect to x2 zero."""
    return _copysign.bind(x1, x2)


def float_power(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise ``x1 ** x2`` computed in float64 or complex128 (numpy.float_power)."""
    t1, t2 = operand(x1, "float_power"), operand(x2, "float_power")
    for t in (t1, t2):
        if t.dtype.kind not in "biufc":
            raise TypeError(f"float_power: expected numbers; got dtype {t.dtype}")
    # NumPy's float_power is power in the wider of float64 and the operands' type.
    target = np.result_type(t1.dtype, t2.dtype, np.float64)
    return power(astype(t1, target), astype(t2, target))


_heaviside = primitive("heaviside", arity=2)(np.heaviside)
# Zero in x1 (a step; its jump at 0 ignored). The value at x1 == 0 is x2 itself, so there the
# gradient with respect to x2 is 1, elsewhere 0.
_heaviside.defvjp(
    _zeros_vjp,
    lambda g, out, x1, x2: where(np.broadcast_to(value_of(x1) == 0, np.shape(value_of(g))), g, 0.0),
)


def heaviside(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Elementwise step: 0 for x1 < 0, x2 at x1 == 0, 1 for x1 > 0 (numpy.heaviside); zero
    gradient in x1, and in x2 except where x1 == 0 (where the result is x2)."""
    return _heaviside.bind(x1, x2)
