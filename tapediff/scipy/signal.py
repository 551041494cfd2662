"""``scipy.signal`` for tapediff: N-dimensional convolution and correlation.

The VJP of a convolution is a correlation, which is a convolution with a flipped operand: the
VJPs call ``convolve`` itself, so second and higher derivatives come with it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ops._primitive import VJPArg, primitive
from ..ops.shape import pad
from ..tensor import Tensor, TensorLike, operand
from ._require import scipy_module

__all__ = ["convolve", "correlate"]

_MODES = ("full", "valid", "same")
_METHODS = ("auto", "direct", "fft")


def _ss(op: str) -> Any:
    return scipy_module("scipy.signal", f"scipy.signal.{op}")


@primitive("convolve")
def _convolve(in1: Any, in2: Any, *, mode: str, method: str) -> Any:
    return _ss("convolve").convolve(in1, in2, mode=mode, method=method)


def _flip(x: Any) -> Any:
    return x[(slice(None, None, -1),) * np.ndim(x)]


def _full_cotangent(g: Any, s1: tuple[int, ...], s2: tuple[int, ...], mode: str) -> Any:
    """The cotangent of the 'full' output: ``g`` where the mode's output sits in it, 0 around."""
    if mode == "full" or np.ndim(g) == 0:
        return g
    full = [a + b - 1 for a, b in zip(s1, s2, strict=True)]
    if mode == "same":  # centred in the full output, as SciPy crops it
        starts = [(f - a) // 2 for f, a in zip(full, s1, strict=True)]
    else:  # valid: the part that needs no zero padding
        starts = [min(a, b) - 1 for a, b in zip(s1, s2, strict=True)]
    widths = [(s, f - s - n) for s, f, n in zip(starts, full, np.shape(g), strict=True)]
    return pad(g, widths)


def _convolve_vjp(
    g: VJPArg, out: VJPArg, in1: VJPArg, in2: VJPArg, *, mode: str, method: str
) -> list[Any]:
    # out_full[n] = sum_k in1[k] in2[n - k]: in1 gets sum_n g[n] in2[n - k], the 'valid'
    # correlation of the full cotangent with in2 (a convolution with in2 flipped); and in2 the
    # same with in1.
    s1, s2 = np.shape(in1), np.shape(in2)
    gf = _full_cotangent(g, s1, s2, mode)
    return [
        _convolve.bind(gf, _flip(in2), mode="valid", method=method),
        _convolve.bind(gf, _flip(in1), mode="valid", method=method),
    ]


_convolve.defvjp_all(_convolve_vjp)


def _checked(op: str, in1: TensorLike, in2: TensorLike, mode: str, method: str) -> tuple[Any, Any]:
    _ss(op)
    if mode not in _MODES:
        raise ValueError(f"{op}: mode must be 'full', 'valid' or 'same'; got {mode!r}")
    if method not in _METHODS:
        raise ValueError(f"{op}: method must be 'auto', 'direct' or 'fft'; got {method!r}")
    t1, t2 = operand(in1, op), operand(in2, op)
    if t1.ndim != t2.ndim:
        raise ValueError(
            f"{op}: in1 and in2 must have the same number of dimensions; got shapes "
            f"{t1.shape} and {t2.shape}"
        )
    if t1.size == 0 or t2.size == 0:
        raise ValueError(f"{op}: inputs must not be empty; got shapes {t1.shape} and {t2.shape}")
    if mode == "valid":
        bigger = all(a >= b for a, b in zip(t1.shape, t2.shape, strict=True))
        smaller = all(a <= b for a, b in zip(t1.shape, t2.shape, strict=True))
        if not (bigger or smaller):
            raise ValueError(
                f"{op}: in 'valid' mode one input must be at least as large as the other in "
                f"every dimension; got shapes {t1.shape} and {t2.shape}"
            )
    return t1, t2


def convolve(in1: TensorLike, in2: TensorLike, mode: str = "full", method: str = "auto") -> Tensor:
    """N-dimensional convolution of two arrays of the same rank (scipy.signal.convolve),
    differentiable with respect to both; ``mode`` 'full', 'valid' or 'same'."""
    t1, t2 = _checked("convolve", in1, in2, mode, method)
    return _convolve.bind(t1, t2, mode=mode, method=method)


def correlate(in1: TensorLike, in2: TensorLike, mode: str = "full", method: str = "auto") -> Tensor:
    """N-dimensional cross-correlation (scipy.signal.correlate): the convolution of ``in1``
    with ``in2`` flipped along every axis, which is what SciPy computes for real input."""
    t1, t2 = _checked("correlate", in1, in2, mode, method)
    if "c" in (t1.dtype.kind, t2.dtype.kind):
        raise TypeError("correlate: complex input is not supported")
    return _convolve.bind(t1, _flip(t2), mode=mode, method=method)
