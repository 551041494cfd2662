"""``numpy.fft`` for tapediff: discrete Fourier transforms with their VJPs.

NumPy's names, signatures (``n``/``s``, ``axis``/``axes``, ``norm`` = ``"backward"``, ``"ortho"``
or ``"forward"``) and dtypes (float32 in, complex64 out). Three one-axis primitives carry the
derivatives; the n-dimensional functions apply them axis by axis, as NumPy does, and ``n``/``s``
crop or zero-pad with differentiable slicing and padding.

VJPs, in the linear-transpose convention of ``docs/complex.md``, written with these same
transforms so that second derivatives work:

- ``fft``/``ifft``: the DFT matrix is symmetric, so each transform (with its ``norm`` scaling)
  is its own transpose: the VJP applies the same transform to the cotangent.
- ``rfft`` of a real ``x`` of length ``n`` keeps the first ``n // 2 + 1`` bins of ``fft(x)``:
  the VJP zero-pads the cotangent to ``n``, applies ``fft`` and keeps the real part.
- ``irfft`` reads only half a spectrum and mirrors it (Hermitian symmetry), ignoring the
  imaginary part of the zero (and, for even ``n``, the Nyquist) bin: it is real-linear, not
  complex-linear. Its VJP is ``ifft`` of the cotangent, cut to ``n // 2 + 1`` bins, with the
  mirrored bins weighted 2 (every bin but the zero and Nyquist ones appears twice).

fftshift/ifftshift are differentiable rolls (slices and a concatenation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .ops._axes import axis_index
from .ops._primitive import VJPArg, primitive, value_of
from .ops.complex import real
from .ops.shape import concatenate, pad
from .tensor import Tensor, TensorLike, operand

__all__ = [
    "fft",
    "fft2",
    "fftn",
    "fftshift",
    "ifft",
    "ifft2",
    "ifftn",
    "ifftshift",
    "irfft",
    "irfft2",
    "irfftn",
    "rfft",
    "rfft2",
    "rfftn",
]

_NORMS = ("backward", "ortho", "forward")


# ----- the one-axis primitives -----


@primitive("fft")
def _c2c(x: Any, *, axis: int, inverse: bool, norm: Any) -> Any:
    return (np.fft.ifft if inverse else np.fft.fft)(x, axis=axis, norm=norm)


# Symmetric: the transform is its own transpose.
_c2c.defvjp(
    lambda g, out, x, *, axis, inverse, norm: _c2c.bind(g, axis=axis, inverse=inverse, norm=norm)
)
_c2c.allow_complex()


@primitive("rfft")
def _r2c(x: Any, *, axis: int, norm: Any) -> Any:
    return np.fft.rfft(x, axis=axis, norm=norm)


def _r2c_vjp(g: VJPArg, out: VJPArg, x: VJPArg, *, axis: int, norm: str) -> Any:
    n = np.shape(x)[axis]
    widths = [(0, 0)] * np.ndim(g)
    widths[axis] = (0, n - np.shape(g)[axis])
    full = pad(g, widths)
    return real(_c2c.bind(full, axis=axis, inverse=False, norm=norm))


_r2c.defvjp(_r2c_vjp)
# The input is real (rfft refuses complex input) and the VJP returns a real cotangent.
_r2c.allow_complex()


@primitive("irfft")
def _c2r(y: Any, *, axis: int, n: int, norm: Any) -> Any:
    return np.fft.irfft(y, n=n, axis=axis, norm=norm)


def _c2r_vjp(g: VJPArg, out: VJPArg, y: VJPArg, *, axis: int, n: int, norm: str) -> Any:
    m = n // 2 + 1
    spectrum = _c2c.bind(g, axis=axis, inverse=True, norm=norm)
    key = (slice(None),) * axis + (slice(0, m),)
    # Every bin but the zero one (and the Nyquist one for even n) stands for two mirrored bins.
    weights = np.full(m, 2.0, dtype=value_of(g).real.dtype)
    weights[0] = 1.0
    if n % 2 == 0:
        weights[-1] = 1.0
    shape = [1] * np.ndim(g)
    shape[axis] = m
    return spectrum[key] * weights.reshape(shape)


_c2r.defvjp(_c2r_vjp)
_c2r.allow_complex()


# ----- argument handling -----


def _norm(op: str, norm: Any) -> str:
    if norm is None:
        return "backward"
    if norm not in _NORMS:
        raise ValueError(f"{op}: norm must be 'backward', 'ortho', 'forward' or None; got {norm!r}")
    return str(norm)


def _no_out(op: str, out: Any) -> None:
    if out is not None:
        raise TypeError(f"{op}: out= is not supported (tensors are immutable); use the result")


def _input(op: str, a: TensorLike) -> Tensor:
    """``a`` as a tensor; integers and booleans become float64, as NumPy's transforms do."""
    t = operand(a, op)
    if t.dtype.kind in "biu":
        t = t.astype(np.float64)
    elif t.dtype.kind not in "fc":
        raise TypeError(f"{op}: expected a numeric tensor or array; got dtype {t.dtype}")
    if t.ndim == 0:
        raise ValueError(f"{op}: expected at least a 1-d input; got a 0-d one")
    return t


def _length(op: str, n: Any, what: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"{op}: {what} must be an integer or None; got {type(n).__name__} {n!r}")
    if n < 1:
        raise ValueError(f"{op}: {what} must be at least 1 (the number of data points); got {n}")
    return int(n)


def _resize(t: Tensor, axis: int, n: int) -> Tensor:
    """``t`` cropped or zero-padded at the end of ``axis`` to length ``n`` (NumPy's ``n``)."""
    have = t.shape[axis]
    if have == n:
        return t
    if have > n:
        return t[(slice(None),) * axis + (slice(0, n),)]
    widths = [(0, 0)] * t.ndim
    widths[axis] = (0, n - have)
    return pad(t, widths)


def _real_input(op: str, t: Tensor) -> None:
    if t.dtype.kind == "c":
        raise TypeError(
            f"{op}: expected a real input; got dtype {t.dtype} (use fft for complex input, or "
            "take td.real(x) first)"
        )


# ----- one-dimensional transforms -----


def _fft1(op: str, t: Tensor, n: Any, axis: Any, norm: str, inverse: bool) -> Tensor:
    ax = axis_index(op, axis, t.shape)
    t = _resize(t, ax, t.shape[ax] if n is None else _length(op, n))
    return _c2c.bind(t, axis=ax, inverse=inverse, norm=norm)


def _rfft1(op: str, t: Tensor, n: Any, axis: Any, norm: str) -> Tensor:
    _real_input(op, t)
    ax = axis_index(op, axis, t.shape)
    t = _resize(t, ax, t.shape[ax] if n is None else _length(op, n))
    return _r2c.bind(t, axis=ax, norm=norm)


def _irfft1(op: str, t: Tensor, n: Any, axis: Any, norm: str) -> Tensor:
    ax = axis_index(op, axis, t.shape)
    if n is None:
        length = 2 * (t.shape[ax] - 1)
        if length < 1:
            raise ValueError(
                f"{op}: an input of length {t.shape[ax]} along axis {ax} gives n = {length} "
                "output points; pass n >= 1"
            )
    else:
        length = _length(op, n)
    t = _resize(t, ax, length // 2 + 1)
    return _c2r.bind(t, axis=ax, n=length, norm=norm)


def fft(
    a: TensorLike, n: int | None = None, axis: int = -1, norm: str | None = None, out: None = None
) -> Tensor:
    """One-dimensional discrete Fourier transform (numpy.fft.fft)."""
    _no_out("fft", out)
    return _fft1("fft", _input("fft", a), n, axis, _norm("fft", norm), False)


def ifft(
    a: TensorLike, n: int | None = None, axis: int = -1, norm: str | None = None, out: None = None
) -> Tensor:
    """One-dimensional inverse discrete Fourier transform (numpy.fft.ifft)."""
    _no_out("ifft", out)
    return _fft1("ifft", _input("ifft", a), n, axis, _norm("ifft", norm), True)


def rfft(
    a: TensorLike, n: int | None = None, axis: int = -1, norm: str | None = None, out: None = None
) -> Tensor:
    """Fourier transform of a real input, the ``n // 2 + 1`` non-negative frequencies
    (numpy.fft.rfft)."""
    _no_out("rfft", out)
    return _rfft1("rfft", _input("rfft", a), n, axis, _norm("rfft", norm))


def irfft(
    a: TensorLike, n: int | None = None, axis: int = -1, norm: str | None = None, out: None = None
) -> Tensor:
    """Inverse of rfft: a real signal of ``n`` points (default ``2 * (m - 1)``) from half a
    spectrum (numpy.fft.irfft). The imaginary parts of the zero (and, for even ``n``, the
    Nyquist) bin are ignored, as NumPy does, so they get a zero gradient."""
    _no_out("irfft", out)
    return _irfft1("irfft", _input("irfft", a), n, axis, _norm("irfft", norm))


# ----- n-dimensional transforms (NumPy's axis-by-axis definition) -----


def _nd_args(op: str, t: Tensor, s: Any, axes: Any) -> tuple[list[Any], list[int]]:
    """The lengths (None: keep) and normalised axes of an n-d transform, as NumPy reads them."""
    if axes is None:
        count = t.ndim if s is None else len(_sequence(op, s, "s"))
        axs = list(range(t.ndim - count, t.ndim))
        if count > t.ndim:
            raise ValueError(
                f"{op}: s has {count} entries but the input has only {t.ndim} dimensions"
            )
    else:
        axs = [axis_index(op, a, t.shape, "axes") for a in _sequence(op, axes, "axes")]
    lengths: list[Any] = [None] * len(axs) if s is None else list(_sequence(op, s, "s"))
    if len(lengths) != len(axs):
        raise ValueError(
            f"{op}: s and axes must have the same length; got s={s!r} and axes={axes!r}"
        )
    lengths = [None if n is None or n == -1 else _length(op, n, "s entries") for n in lengths]
    return lengths, axs


def _sequence(op: str, value: Any, what: str) -> Sequence[Any]:
    if isinstance(value, Sequence | np.ndarray) and not isinstance(value, str):
        return list(value)
    raise TypeError(f"{op}: {what} must be a sequence of integers; got {type(value).__name__}")


def _cnd(op: str, a: TensorLike, s: Any, axes: Any, norm: Any, inverse: bool) -> Tensor:
    t = _input(op, a)
    lengths, axs = _nd_args(op, t, s, axes)
    nm = _norm(op, norm)
    # NumPy transforms the last listed axis first.
    for n, ax in reversed(list(zip(lengths, axs, strict=True))):
        t = _fft1(op, t, n, ax, nm, inverse)
    return t


def fftn(
    a: TensorLike, s: Any = None, axes: Any = None, norm: str | None = None, out: None = None
) -> Tensor:
    """N-dimensional discrete Fourier transform (numpy.fft.fftn)."""
    _no_out("fftn", out)
    return _cnd("fftn", a, s, axes, norm, False)


def ifftn(
    a: TensorLike, s: Any = None, axes: Any = None, norm: str | None = None, out: None = None
) -> Tensor:
    """N-dimensional inverse discrete Fourier transform (numpy.fft.ifftn)."""
    _no_out("ifftn", out)
    return _cnd("ifftn", a, s, axes, norm, True)


def fft2(
    a: TensorLike, s: Any = None, axes: Any = (-2, -1), norm: str | None = None, out: None = None
) -> Tensor:
    """Two-dimensional discrete Fourier transform (numpy.fft.fft2)."""
    _no_out("fft2", out)
    return _cnd("fft2", a, s, axes, norm, False)


def ifft2(
    a: TensorLike, s: Any = None, axes: Any = (-2, -1), norm: str | None = None, out: None = None
) -> Tensor:
    """Two-dimensional inverse discrete Fourier transform (numpy.fft.ifft2)."""
    _no_out("ifft2", out)
    return _cnd("ifft2", a, s, axes, norm, True)


def _rnd(op: str, a: TensorLike, s: Any, axes: Any, norm: Any) -> Tensor:
    t = _input(op, a)
    _real_input(op, t)
    lengths, axs = _nd_args(op, t, s, axes)
    if not axs:
        raise ValueError(f"{op}: at least one axis must be transformed")
    nm = _norm(op, norm)
    t = _rfft1(op, t, lengths[-1], axs[-1], nm)
    for n, ax in reversed(list(zip(lengths[:-1], axs[:-1], strict=True))):
        t = _fft1(op, t, n, ax, nm, False)
    return t


def _irnd(op: str, a: TensorLike, s: Any, axes: Any, norm: Any) -> Tensor:
    t = _input(op, a)
    lengths, axs = _nd_args(op, t, s, axes)
    if not axs:
        raise ValueError(f"{op}: at least one axis must be transformed")
    nm = _norm(op, norm)
    for n, ax in zip(lengths[:-1], axs[:-1], strict=True):
        t = _fft1(op, t, n, ax, nm, True)
    return _irfft1(op, t, lengths[-1], axs[-1], nm)


def rfftn(
    a: TensorLike, s: Any = None, axes: Any = None, norm: str | None = None, out: None = None
) -> Tensor:
    """N-dimensional Fourier transform of a real input, half spectrum on the last axis
    (numpy.fft.rfftn)."""
    _no_out("rfftn", out)
    return _rnd("rfftn", a, s, axes, norm)


def irfftn(
    a: TensorLike, s: Any = None, axes: Any = None, norm: str | None = None, out: None = None
) -> Tensor:
    """Inverse of rfftn (numpy.fft.irfftn)."""
    _no_out("irfftn", out)
    return _irnd("irfftn", a, s, axes, norm)


def rfft2(
    a: TensorLike, s: Any = None, axes: Any = (-2, -1), norm: str | None = None, out: None = None
) -> Tensor:
    """Two-dimensional Fourier transform of a real input (numpy.fft.rfft2)."""
    _no_out("rfft2", out)
    return _rnd("rfft2", a, s, axes, norm)


def irfft2(
    a: TensorLike, s: Any = None, axes: Any = (-2, -1), norm: str | None = None, out: None = None
) -> Tensor:
    """Inverse of rfft2 (numpy.fft.irfft2)."""
    _no_out("irfft2", out)
    return _irnd("irfft2", a, s, axes, norm)


# ----- shifts -----


def _shift(op: str, x: TensorLike, axes: Any, inverse: bool) -> Tensor:
    t = operand(x, op)
    if axes is None:
        axs = list(range(t.ndim))
    elif isinstance(axes, Sequence | np.ndarray) and not isinstance(axes, str):
        axs = [axis_index(op, a, t.shape, "axes") for a in axes]
    else:
        axs = [axis_index(op, axes, t.shape, "axes")]
    for ax in axs:
        n = t.shape[ax]
        # fftshift rolls by n // 2: the last n // 2 elements come first; ifftshift undoes it.
        cut = n // 2 if inverse else n - n // 2
        if n < 2 or cut in (0, n):
            continue
        lead = (slice(None),) * ax
        t = concatenate([t[(*lead, slice(cut, None))], t[(*lead, slice(0, cut))]], axis=ax)
    return t


def fftshift(x: TensorLike, axes: Any = None) -> Tensor:
    """Move the zero-frequency term to the centre (numpy.fft.fftshift)."""
    return _shift("fftshift", x, axes, False)


def ifftshift(x: TensorLike, axes: Any = None) -> Tensor:
    """Inverse of fftshift (numpy.fft.ifftshift)."""
    return _shift("ifftshift", x, axes, True)


def _register_dispatch() -> None:
    """``np.fft.fft(t)`` and friends run these functions (NEP 18); registered here because
    tensor.py, where the table lives, is imported before this module can be."""
    from .tensor import _FUNCTIONS

    for name in __all__:
        func = getattr(np.fft, name, None)
        if callable(func):
            _FUNCTIONS[func] = globals()[name]


_register_dispatch()
