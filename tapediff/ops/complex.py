"""Complex helpers: real, imag, conj (conjugate) and angle, each with its VJP beside its forward.

VJPs follow the linear-transpose convention of JAX and HIPS autograd (``docs/complex.md``): a
cotangent ``ct`` of ``z`` pairs with a change ``dz`` as ``Re(sum(ct * dz))``. So ``real``
sends ``g`` back as ``g``, ``imag`` as ``-1j * g``, ``conj`` as ``conj(g)``, and ``angle`` as
``-1j * g * conj(z) / |z|**2`` (0 at ``z = 0``, like abs). On a real input the tape keeps the
real part of these, which is the real derivative (``imag`` and ``angle`` of a real number are
piecewise constant: gradient 0).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..tensor import Tensor, TensorLike, operand
from ._primitive import primitive, value_of
from .elementwise import multiply, square, where

__all__ = ["angle", "conj", "conjugate", "imag", "real"]

_DEG_PER_RAD = 180.0 / math.pi


_real = primitive("real", arity=1)(np.real)
_real.defvjp(lambda g, out, x: g)
_real.allow_complex()


def real(val: TensorLike) -> Tensor:
    """The real part (numpy.real); a real input is returned as it is."""
    return _real.bind(operand(val, "real"))


_imag = primitive("imag", arity=1)(np.imag)
_imag.defvjp(lambda g, out, x: multiply(g, -1j))
_imag.allow_complex()


def imag(val: TensorLike) -> Tensor:
    """The imaginary part (numpy.imag); zeros for a real input (gradient 0)."""
    return _imag.bind(operand(val, "imag"))


_conjugate = primitive("conjugate", arity=1)(np.conjugate)
_conjugate.defvjp(lambda g, out, x: conjugate(g))
_conjugate.allow_complex()


def conjugate(x: TensorLike) -> Tensor:
    """The complex conjugate, elementwise (numpy.conjugate, numpy.conj)."""
    return _conjugate.bind(x)


conj = conjugate


def _abs2(x: Any) -> Any:
    """|x|**2 as a real tensor, differentiable."""
    return square(real(x)) + square(imag(x))


def _angle_vjp(g: Any, out: Any, z: Any) -> Any:
    r2 = _abs2(z)
    # d angle = Im(conj(z) dz) / |z|^2 = Re(-1j conj(z) dz) / |z|^2; at z = 0 the gradient is 0
    # (a denominator of 1 there, where the numerator is 0).
    safe = where(value_of(r2) == 0, 1.0, r2)
    return multiply(g, -1j) * conjugate(z) / safe


_angle = primitive("angle", arity=1)(np.angle)
_angle.defvjp(_angle_vjp)
_angle.allow_complex()


def angle(z: TensorLike, deg: bool = False) -> Tensor:
    """The counterclockwise angle from the positive real axis (numpy.angle); radians unless
    ``deg``. Gradient 0 at ``z = 0`` and for real input."""
    out = _angle.bind(z)
    return out * _DEG_PER_RAD if deg else out
