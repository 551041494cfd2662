"""Rows for ``tapediff.linalg`` (issue 7).

Matrices are drawn well-conditioned: square inputs are ``D (I + X / (n + 1))`` with ``|X| <= 1``
(strictly diagonally dominant, so invertible with a condition number below about 3) and ``D`` a
diagonal of signs, so determinants of both signs occur; symmetric positive-definite inputs are
``X X^T + n I``, built inside the row so the finite differences see a symmetric matrix.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from op_case import MARGIN, Inputs, OpCase, _op, arr, away, floats

import tapediff as td
import tapediff.linalg
from tapediff import testing as tdt

MODULES = (tapediff.linalg,)

REQUIRED = {
    "linalg.det",
    "linalg.slogdet",
    "linalg.inv",
    "linalg.solve",
    "linalg.cholesky",
    "linalg.norm",
    "linalg.matrix_power",
}

batch = tdt.shapes(0, 2, max_side=2)
size = st.integers(1, 3)


@st.composite
def square(draw: st.DrawFn, n: int | None = None, shape: tuple[int, ...] | None = None) -> Any:
    """A well-conditioned (stack of) n x n matrices."""
    n = draw(size) if n is None else n
    lead = draw(batch) if shape is None else shape
    x = draw(arr((*lead, n, n), floats(-1, 1)))
    signs = np.array(draw(st.lists(st.sampled_from((-1.0, 1.0)), min_size=n, max_size=n)))
    return signs[:, None] * (np.eye(n) + x / (n + 1))


@st.composite
def one_square(draw: st.DrawFn) -> Inputs:
    return (draw(square()),), {}


@st.composite
def solve_inputs(draw: st.DrawFn) -> Inputs:
    n = draw(size)
    ba, bb = draw(tdt.broadcastable_shapes(2, 0, 2, max_side=2))
    a = draw(square(n, ba))
    if draw(st.booleans()):
        return (a, draw(arr((n,)))), {}
    return (a, draw(arr((*bb, n, draw(size))))), {}


@st.composite
def power_inputs(draw: st.DrawFn) -> Inputs:
    return (draw(square()),), {"n": draw(st.integers(-3, 4))}


def _spd_td(x: Any) -> Any:
    n = x.shape[-1]
    return td.matmul(x, td.swapaxes(x, -1, -2)) + n * np.eye(n, dtype=x.dtype)


def _spd_np(x: Any) -> Any:
    n = x.shape[-1]
    return x @ np.swapaxes(x, -1, -2) + n * np.eye(n)


@st.composite
def any_square(draw: st.DrawFn) -> Inputs:
    n = draw(size)
    return (draw(arr((*draw(batch), n, n))),), {}


SMOOTH_VECTOR_ORDS = (None, 2, 1, 0, 3, 1.5)
SMOOTH_MATRIX_ORDS = (None, "fro")
# Orders that pick a largest or smallest entry (or row/column sum): piecewise smooth, so drawn
# without near-ties and checked to first order only.
PICKING_ORDS = (1, -1, np.inf, -np.inf)


def _clear_pick(values: Any, axis: Any) -> bool:
    """Whether the largest and the smallest of ``values`` along ``axis`` are unique by MARGIN."""
    v = np.sort(np.moveaxis(values, axis, -1), axis=-1)
    return v.shape[-1] < 2 or bool(
        np.all(v[..., -1] - v[..., -2] > MARGIN) and np.all(v[..., 1] - v[..., 0] > MARGIN)
    )


@st.composite
def vector_norm_inputs(draw: st.DrawFn, picking: bool) -> Inputs:
    # |x| >= MARGIN: off the kinks of |x| (the 2-norm's gradient at 0 has its own row).
    x = draw(arr(tdt.shapes(1, 3, max_side=3), away([0.0])))
    axis = draw(st.integers(-x.ndim, x.ndim - 1))
    ords = (np.inf, -np.inf) if picking else SMOOTH_VECTOR_ORDS
    if picking:
        assume(_clear_pick(np.abs(x), axis))
    return (x,), {"ord": draw(st.sampled_from(ords)), "axis": axis, "keepdims": draw(st.booleans())}


@st.composite
def matrix_norm_inputs(draw: st.DrawFn, picking: bool) -> Inputs:
    x = draw(arr(tdt.shapes(2, 3, max_side=3), away([0.0])))
    axis: Any = tuple(draw(st.permutations(range(x.ndim)))[:2])
    ord = draw(st.sampled_from(PICKING_ORDS if picking else SMOOTH_MATRIX_ORDS))
    if picking:
        # 1/-1 pick among column sums (over the row axis), inf/-inf among row sums.
        over, among = axis if ord in (1, -1) else axis[::-1]
        sums = np.sum(np.abs(x), axis=over, keepdims=True)
        assume(_clear_pick(sums, among))
    if draw(st.booleans()) and x.ndim == 2 and axis == (0, 1):
        axis = None  # the whole matrix
    return (x,), {"ord": ord, "axis": axis, "keepdims": draw(st.booleans())}


@st.composite
def norm_at_zero_inputs(draw: st.DrawFn) -> Inputs:
    x = draw(arr(tdt.shapes(1, 2, max_side=3), st.just(0.0) | away([0.0])))
    return (x,), {"ord": draw(st.sampled_from((None, 2, 3))), "axis": -1}


ROWS: tuple[OpCase, ...] = (
    OpCase("linalg.det", _op("linalg.det"), np.linalg.det, one_square(), "diagonally dominant"),
    OpCase(
        "linalg.slogdet",
        lambda a: _op("linalg.slogdet")(a)[1],
        lambda a: np.linalg.slogdet(a)[1],
        one_square(),
        "diagonally dominant, determinants of both signs",
    ),
    OpCase(
        "linalg.slogdet[sign]",
        lambda a: _op("linalg.slogdet")(a)[0] * td.sum(a),
        lambda a: np.linalg.slogdet(a)[0] * np.sum(a),
        one_square(),
        "the sign is constant near a well-conditioned matrix",
    ),
    OpCase("linalg.inv", _op("linalg.inv"), np.linalg.inv, one_square(), "diagonally dominant"),
    OpCase(
        "linalg.solve",
        _op("linalg.solve"),
        np.linalg.solve,
        solve_inputs(),
        "a diagonally dominant; b a vector or a stack of matrices (NumPy 2 rules)",
    ),
    OpCase(
        "linalg.cholesky",
        lambda x: _op("linalg.cholesky")(_spd_td(x)),
        lambda x: np.linalg.cholesky(_spd_np(x)),
        any_square(),
        "x x^T + n I: symmetric positive definite",
    ),
    OpCase(
        "linalg.matrix_power",
        _op("linalg.matrix_power"),
        np.linalg.matrix_power,
        power_inputs(),
        "n from -3 to 4; diagonally dominant",
    ),
    OpCase(
        "linalg.norm[vector]",
        _op("linalg.norm"),
        np.linalg.norm,
        vector_norm_inputs(False),
        "|x| >= MARGIN",
    ),
    OpCase(
        "linalg.norm[vector_inf]",
        _op("linalg.norm"),
        np.linalg.norm,
        vector_norm_inputs(True),
        "|x| >= MARGIN; largest and smallest |x| unique by MARGIN",
        second_order=False,
    ),
    OpCase(
        "linalg.norm[matrix]",
        _op("linalg.norm"),
        np.linalg.norm,
        matrix_norm_inputs(False),
        "|x| >= MARGIN",
    ),
    OpCase(
        "linalg.norm[matrix_max]",
        _op("linalg.norm"),
        np.linalg.norm,
        matrix_norm_inputs(True),
        "|x| >= MARGIN; largest and smallest row/column sums unique by MARGIN",
        second_order=False,
    ),
    OpCase(
        "linalg.norm[at_zero]",
        _op("linalg.norm"),
        np.linalg.norm,
        norm_at_zero_inputs(),
        "exact zero vectors: gradient 0 (the finite subgradient)",
        second_order=False,
    ),
)
