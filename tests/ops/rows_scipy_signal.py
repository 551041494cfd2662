"""Rows for ``tapediff.scipy.signal`` (issue 7), checked against SciPy itself: ranks 1-3, every
mode and method; for 'valid' one input is at least as large as the other in every dimension
(either one)."""

from __future__ import annotations

import scipy.signal as ss
from hypothesis import strategies as st
from op_case import Inputs, OpCase, _op, arr

import tapediff.scipy.signal

MODULES = (tapediff.scipy.signal,)

REQUIRED = {"scipy.signal.convolve", "scipy.signal.correlate"}


@st.composite
def convolve_inputs(draw: st.DrawFn) -> Inputs:
    ndim = draw(st.integers(1, 3))
    mode = draw(st.sampled_from(("full", "valid", "same")))
    big = tuple(draw(st.integers(1, 4)) for _ in range(ndim))
    if mode == "valid":
        small = tuple(draw(st.integers(1, n)) for n in big)
        s1, s2 = (big, small) if draw(st.booleans()) else (small, big)
    else:
        s1, s2 = big, tuple(draw(st.integers(1, 4)) for _ in range(ndim))
    method = draw(st.sampled_from(("auto", "direct", "fft")))
    return (draw(arr(s1)), draw(arr(s2))), {"mode": mode, "method": method}


ROWS: tuple[OpCase, ...] = (
    OpCase(
        "scipy.signal.convolve",
        _op("scipy.signal.convolve"),
        ss.convolve,
        convolve_inputs(),
        "ranks 1-3, sides 1-4, every mode and method",
    ),
    OpCase(
        "scipy.signal.correlate",
        _op("scipy.signal.correlate"),
        ss.correlate,
        convolve_inputs(),
        "ranks 1-3, sides 1-4, every mode and method",
    ),
)
