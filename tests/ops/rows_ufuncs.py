"""Rows for the remaining NumPy elementwise functions (tapediff/ops/ufuncs.py, issue 7).

Each strategy keeps inputs inside the op's domain and ``MARGIN`` away from its edges and kinks:
open intervals for arcsin/arccos/arctanh, ``x > 1`` for arccosh, ``x > 0`` for the logarithms,
zero avoided where the derivative blows up or jumps, and grids on which remainder never meets
a jump and fmax/fmin either tie exactly or differ clearly.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import strategies as st
from op_case import MARGIN, Inputs, OpCase, _op, arr, away, floats, grid, nary, unary

import tapediff as td
from tapediff import testing as tdt
from tapediff.ops import ufuncs

# A new ops module (its names are top-level: td.arcsin), so test_table_complete.py walks it.
MODULES = (ufuncs,)

REQUIRED = {
    "arcsin",
    "arccos",
    "arctan",
    "arctan2",
    "hypot",
    "sinc",
    "sinh",
    "cosh",
    "arcsinh",
    "arccosh",
    "arctanh",
    "exp2",
    "log2",
    "log10",
    "logaddexp",
    "logaddexp2",
    "fabs",
    "reciprocal",
    "remainder",
    "mod",
    "fmax",
    "fmin",
    "nan_to_num",
    "rad2deg",
    "degrees",
    "deg2rad",
    "radians",
    "cbrt",
}

INSIDE_UNIT = floats(-1 + MARGIN, 1 - MARGIN)

# remainder: x1 on odd multiples of 1/64, x2 = m/4 with 2 <= |m| <= 10. x1/x2 = odd/(16 m) has
# an even denominator, so it is never an integer: x1 is at least 1/64 from every jump.
DIVIDENDS = st.integers(-96, 95).map(lambda k: (2 * k + 1) / 64)
DIVISORS = st.integers(2, 10).flatmap(lambda m: st.sampled_from((m / 4, -m / 4)))

# Non-finite values for nan_to_num; finite ones are drawn too.
NONFINITE = (math.nan, math.inf, -math.inf)


@st.composite
def nan_to_num_inputs(draw: st.DrawFn) -> Inputs:
    kwargs: dict[str, Any] = {
        "nan": draw(floats()),
        "posinf": draw(st.none() | floats()),
        "neginf": draw(st.none() | floats()),
    }
    # inf replaced by the dtype's largest value (posinf=None) differs between float64 and the
    # float32 run of the same row: infinities are drawn only where they get an explicit value.
    specials = [math.nan]
    specials += [math.inf] if kwargs["posinf"] is not None else []
    specials += [-math.inf] if kwargs["neginf"] is not None else []
    elements = floats() | st.sampled_from(specials)
    return (draw(arr(tdt.shapes(0, 3), elements)),), kwargs


ROWS: tuple[OpCase, ...] = (
    OpCase("arcsin", _op("arcsin"), np.arcsin, unary(INSIDE_UNIT), "|x| <= 1 - MARGIN"),
    OpCase("arccos", _op("arccos"), np.arccos, unary(INSIDE_UNIT), "|x| <= 1 - MARGIN"),
    OpCase("arctan", _op("arctan"), np.arctan, unary(floats(-5, 5))),
    OpCase(
        "arctan2",
        _op("arctan2"),
        np.arctan2,
        nary(away([0.0]), floats()),
        "|x1| >= MARGIN: off the branch cut (x1 = 0, x2 < 0) and the origin",
    ),
    OpCase("hypot", _op("hypot"), np.hypot, nary(away([0.0]), floats()), "|x1| >= MARGIN"),
    OpCase("sinc", _op("sinc"), np.sinc, unary(floats(-3, 3)), "near 0 too (series branch)"),
    OpCase(
        "sinc[at_zero]",
        _op("sinc"),
        np.sinc,
        unary(st.just(0.0) | floats(-0.5, 0.5)),
        "exact zeros: the limit 1, gradient 0 and finite second derivative",
    ),
    OpCase("sinh", _op("sinh"), np.sinh, unary()),
    OpCase("cosh", _op("cosh"), np.cosh, unary()),
    OpCase("arcsinh", _op("arcsinh"), np.arcsinh, unary(floats(-5, 5))),
    OpCase("arccosh", _op("arccosh"), np.arccosh, unary(floats(1 + MARGIN, 5)), "x >= 1 + MARGIN"),
    OpCase("arctanh", _op("arctanh"), np.arctanh, unary(INSIDE_UNIT), "|x| <= 1 - MARGIN"),
    OpCase("exp2", _op("exp2"), np.exp2, unary()),
    OpCase("log2", _op("log2"), np.log2, unary(floats(MARGIN, 5)), "x >= MARGIN"),
    OpCase("log10", _op("log10"), np.log10, unary(floats(MARGIN, 5)), "x >= MARGIN"),
    OpCase("logaddexp", _op("logaddexp"), np.logaddexp, nary(floats(-6, 6), floats(-6, 6))),
    OpCase("logaddexp2", _op("logaddexp2"), np.logaddexp2, nary(floats(-6, 6), floats(-6, 6))),
    OpCase("fabs", _op("fabs"), np.fabs, unary(away([0.0])), "|x| >= MARGIN"),
    OpCase(
        "fabs[at_zero]",
        _op("fabs"),
        np.fabs,
        unary(st.just(0.0) | away([0.0])),
        "exact zeros (fabs'(0) = 0 is also the central difference there)",
        second_order=False,  # fabs' = sign jumps at 0
    ),
    OpCase(
        "reciprocal",
        _op("reciprocal"),
        np.reciprocal,
        unary(away([0.0], -3, 3)),
        "|x| >= MARGIN",
    ),
    OpCase(
        "remainder",
        _op("remainder"),
        np.remainder,
        nary(DIVIDENDS, DIVISORS),
        "x1 odd multiples of 1/64, x2 = m/4: x1 at least 1/64 from every jump",
    ),
    OpCase(
        "fmax",
        _op("fmax"),
        np.fmax,
        nary(grid(), grid()),
        "multiples of 1/8: exact ties (split 1/2 each, as central differences give) or a gap",
        second_order=False,  # the first derivative jumps at a tie
    ),
    OpCase(
        "fmax[no_ties]",
        _op("fmax"),
        np.fmax,
        nary(grid(0.25), grid(0.25).map(lambda v: v + 0.125)),
        "x1 on multiples of 1/4, x2 on odd multiples of 1/8",
    ),
    OpCase(
        "fmin",
        _op("fmin"),
        np.fmin,
        nary(grid(), grid()),
        "multiples of 1/8, ties included",
        second_order=False,
    ),
    OpCase(
        "fmin[no_ties]",
        _op("fmin"),
        np.fmin,
        nary(grid(0.25), grid(0.25).map(lambda v: v + 0.125)),
        "x1 on multiples of 1/4, x2 on odd multiples of 1/8",
    ),
    OpCase(
        "nan_to_num",
        lambda x, **kw: td.nan_to_num(x, **kw),
        lambda x, **kw: np.nan_to_num(x, **kw),
        nan_to_num_inputs(),
        "finite values and NaN/inf (replaced: gradient 0, as the central difference gives)",
    ),
    OpCase("rad2deg", _op("rad2deg"), np.rad2deg, unary()),
    OpCase("deg2rad", _op("deg2rad"), np.deg2rad, unary(floats(-180, 180))),
    # Aliases are one function with their original (test_ufuncs.py checks), so one row would
    # cover them; REQUIRED names them too, so each also gets a row through its own name.
    OpCase("mod", _op("mod"), np.mod, nary(DIVIDENDS, DIVISORS), "as remainder"),
    OpCase("degrees", _op("degrees"), np.degrees, unary()),
    OpCase("radians", _op("radians"), np.radians, unary(floats(-180, 180))),
    OpCase("cbrt", _op("cbrt"), np.cbrt, unary(away([0.0])), "|x| >= MARGIN"),
)
