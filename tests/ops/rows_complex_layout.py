"""Complex rows for issue 7's linear layout, cumulative, sorting, contraction and reduction ops:
the real rows of ``rows_layout.py``, ``rows_stats.py``, ``scipy.signal.convolve`` and
``scipy.linalg.block_diag`` again, on complex inputs.

These ops are linear (or, for cumprod, kron, inner and cross, products), and their VJPs are the
transposes written with complex-capable ops (``docs/complex.md``), so gradcheck must pass in
both the real and the imaginary direction. Each real input ``x`` of the real row becomes
``x + i (cos(3 x) / 2 + 1/4)``: the real parts keep the row's domain (distinct values for sort
and partition, exact zeros for cumprod's zero row, gaps for gradient's coordinates), and the
imaginary parts are not a multiple of them. Integer and boolean inputs (indices, masks) and
static keyword arguments stay as they are, except full_like's prototype, which becomes complex
(its dtype is the result's, so that row does not check single precision: the real row does).

Sort and partition order complex values lexicographically, as NumPy does (by real part, ties by
imaginary part): with distinct real parts the order is locally constant, so the gradient routes
each cotangent back to where its value came from, as for real input.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import rows_layout
import rows_scipy_linalg
import rows_scipy_signal
import rows_stats
from op_case import Inputs, OpCase


def _to_complex(x: Any) -> Any:
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        with np.errstate(invalid="ignore"):  # NaN stays NaN (nansum, nanmean)
            return np.asarray(x + 1j * (np.cos(3 * x) / 2 + 0.25))
    return x


def _complex_inputs(inputs: Inputs, keep: frozenset[int]) -> Inputs:
    arrays, kwargs = inputs
    if "a" in kwargs:  # full_like's prototype: a real one would cast the fill to real
        kwargs = {**kwargs, "a": kwargs["a"].astype(np.complex128)}
    return tuple(a if i in keep else _to_complex(a) for i, a in enumerate(arrays)), kwargs


def _complex_row(case: OpCase, keep: frozenset[int] = frozenset()) -> OpCase:
    """``case`` on complex inputs; positions in ``keep`` stay real (weights)."""
    variant = case.name[len(case.op) + 1 : -1]  # "zeros" of "cumprod[zeros]"
    return dataclasses.replace(
        case,
        same_dtype=case.same_dtype and case.op != "full_like",
        name=f"{case.op}[complex_{variant}]" if variant else f"{case.op}[complex]",
        inputs=case.inputs.map(lambda i: _complex_inputs(i, keep)),
        domain=f"complex: {case.domain}",
    )


# Rows whose op has no gradient for complex values (a real formula or a real-only forward).
_REAL_ONLY = {"logsumexp", "median", "nanmedian", "quantile", "percentile"}
_REAL_ONLY |= {"nanquantile", "nanpercentile", "scipy.signal.correlate"}
# Real inputs kept real (average's weights: NumPy takes complex ones too, but the row's
# positivity is what keeps their sum away from 0).
_KEEP = {"average": frozenset({1})}

_SOURCES = (
    *rows_layout.ROWS,
    *rows_stats.ROWS,
    *rows_scipy_signal.ROWS,
    *(c for c in rows_scipy_linalg.ROWS if c.op == "scipy.linalg.block_diag"),
)

ROWS: tuple[OpCase, ...] = tuple(
    _complex_row(c, _KEEP.get(c.op, frozenset())) for c in _SOURCES if c.op not in _REAL_ONLY
)
