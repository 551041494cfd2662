"""Rows for ``tapediff.scipy.integrate`` (issue 7): odeint against SciPy's own odeint.

A damped, driven linear system ``dy/dt = -k * y + c * sin(t)`` (elementwise, so y0, k and c
broadcast), at 2-4 increasing times at least 0.125 apart. Tolerances 1e-12 keep the solver's
error, divided by the finite-difference step, far below the gradient tolerance; the step is
1e-4 (the solution is smooth, so the truncation error eps^2 |y'''| is about 1e-8). First order
only (the gradient is an adjoint integration); SciPy returns float64 whatever the input.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.integrate as si
from hypothesis import strategies as st
from op_case import Inputs, OpCase, arr, floats

import tapediff as td
import tapediff.scipy.integrate

MODULES = (tapediff.scipy.integrate,)

REQUIRED = {"scipy.integrate.odeint"}

TOL = {"rtol": 1e-12, "atol": 1e-12}


def _rhs(y: Any, t: float, k: Any, c: Any) -> Any:
    sin = td.sin if isinstance(y, td.Tensor) else np.sin
    return -k * y + c * sin(t)


@st.composite
def odeint_inputs(draw: st.DrawFn) -> Inputs:
    n = draw(st.integers(1, 3))
    steps = draw(st.lists(st.integers(1, 6), min_size=1, max_size=3))
    t = draw(floats(-1, 1)) + np.cumsum([0.0, *steps]) / 8
    y0 = draw(arr((n,)))
    k = draw(arr((n,), floats(0.1, 2)))
    c = draw(arr(draw(st.sampled_from(((), (n,)))), floats(-1, 1)))
    return (y0, t, k, c), {}


ROWS: tuple[OpCase, ...] = (
    OpCase(
        "scipy.integrate.odeint",
        lambda y0, t, k, c: tapediff.scipy.integrate.odeint(_rhs, y0, t, (k, c), **TOL),
        lambda y0, t, k, c: si.odeint(_rhs, y0, t, (k, c), **TOL),
        odeint_inputs(),
        "dy/dt = -k y + c sin t; 2-4 times >= 1/8 apart; gradients for y0, t, k and c",
        second_order=False,
        eps=1e-4,
        same_dtype=False,
    ),
)
