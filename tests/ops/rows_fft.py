"""Rows for ``tapediff.fft`` (issue 7).

Every transform is linear, so any finite input is inside its domain. The strategies draw the
arguments NumPy takes: ``n`` (cropping or zero-padding, or None), ``s`` with ``axes`` (``s``
without ``axes`` is deprecated in NumPy 2), negative axes, and each ``norm``. Inputs are
complex for the complex transforms and real for the real ones (rfft*), plus real inputs to
fft (its cotangent's real part) and irfft (a real half spectrum).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from op_case import Inputs, OpCase, _op, arr, carr

import tapediff.fft
from tapediff import testing as tdt

MODULES = (tapediff.fft,)

REQUIRED = {
    f"fft.{name}"
    for name in [
        "fft",
        "ifft",
        "fft2",
        "ifft2",
        "fftn",
        "ifftn",
        "rfft",
        "irfft",
        "rfft2",
        "irfft2",
        "rfftn",
        "irfftn",
        "fftshift",
        "ifftshift",
    ]
}

NORMS = st.sampled_from((None, "backward", "ortho", "forward"))


def _data(draw: st.DrawFn, shape: tuple[int, ...], complex_: bool) -> Any:
    return draw(carr(shape)) if complex_ else draw(arr(shape))


@st.composite
def one_axis(draw: st.DrawFn, complex_: bool = True, inverse_real: bool = False) -> Inputs:
    """For fft, ifft, rfft, irfft: n None or 1..6, any axis, any norm."""
    shape = list(draw(tdt.shapes(1, 3, max_side=4)))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    n = draw(st.none() | st.integers(1, 6))
    if inverse_real and n is None:
        shape[axis] = max(shape[axis], 2)  # irfft's default n = 2 (m - 1) needs m >= 2
    x = _data(draw, tuple(shape), complex_)
    return (x,), {"n": n, "axis": axis, "norm": draw(NORMS)}


@st.composite
def many_axes(
    draw: st.DrawFn, complex_: bool = True, two: bool = False, inverse_real: bool = False
) -> Inputs:
    """For the 2-d and n-d transforms: axes (default or distinct, negative too), s or None."""
    shape = list(draw(tdt.shapes(2 if two else 1, 3, max_side=3)))
    ndim = len(shape)
    kwargs: dict[str, Any] = {"norm": draw(NORMS)}
    if two:
        axes: Any = (-2, -1)
        if draw(st.booleans()):
            axes = tuple(draw(st.permutations(range(ndim)))[:2])
            kwargs["axes"] = axes
    else:
        axes = None
        if draw(st.booleans()):
            count = draw(st.integers(1, ndim))
            axes = tuple(
                a - ndim if draw(st.booleans()) else a
                for a in draw(st.permutations(range(ndim)))[:count]
            )
            kwargs["axes"] = axes
    listed = list(range(ndim)) if axes is None else [a % ndim for a in axes]
    if draw(st.booleans()):
        kwargs["s"] = tuple(draw(st.integers(1, 5)) for _ in listed)
        kwargs["axes"] = tuple(listed)  # s without axes is deprecated in NumPy 2
    elif inverse_real:
        shape[listed[-1]] = max(shape[listed[-1]], 2)  # the default last length 2 (m - 1)
    return (_data(draw, tuple(shape), complex_),), kwargs


@st.composite
def shift_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=5))
    ndim = len(shape)
    axes: Any = draw(
        st.none()
        | st.integers(-ndim, ndim - 1)
        | st.permutations(range(ndim)).flatmap(
            lambda p: st.integers(1, ndim).map(lambda k: tuple(p[:k]))
        )
    )
    return (_data(draw, shape, draw(st.booleans())),), {"axes": axes}


def _row(name: str, inputs: Any, domain: str) -> OpCase:
    ref = getattr(np.fft, name.split("[", 1)[0])
    return OpCase(f"fft.{name}", _op(f"fft.{name.split('[', 1)[0]}"), ref, inputs, domain)


ROWS: tuple[OpCase, ...] = (
    _row("fft", one_axis(), "complex, n crops or pads"),
    _row("fft[real]", one_axis(complex_=False), "real input: its gradient is the real part"),
    _row("ifft", one_axis(), "complex"),
    _row("fft2", many_axes(two=True), "complex, s and axes"),
    _row("ifft2", many_axes(two=True), "complex"),
    _row("fftn", many_axes(), "complex, any axes"),
    _row("fftn[real]", many_axes(complex_=False), "real input"),
    _row("ifftn", many_axes(), "complex"),
    _row("rfft", one_axis(complex_=False), "real"),
    _row("irfft", one_axis(inverse_real=True), "complex half spectrum, n even or odd"),
    _row(
        "irfft[real]",
        one_axis(complex_=False, inverse_real=True),
        "a real half spectrum",
    ),
    _row("rfft2", many_axes(complex_=False, two=True), "real"),
    _row("irfft2", many_axes(two=True, inverse_real=True), "complex"),
    _row("rfftn", many_axes(complex_=False), "real, any axes"),
    _row("irfftn", many_axes(inverse_real=True), "complex, any axes"),
    _row("fftshift", shift_inputs(), "real or complex, axes None, int or tuple"),
    _row("ifftshift", shift_inputs(), "real or complex"),
)
