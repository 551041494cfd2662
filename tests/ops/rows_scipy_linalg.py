"""Rows for ``tapediff.scipy.linalg`` (issue 7), checked against SciPy itself.

Matrices come from rows_linalg's strategies: diagonally dominant squares (invertible, and so is
every triangle of them), ``X X^T + n I`` for positive-definite input (built inside the row), and
full-rank rectangles with distinct singular values. Where SciPy reads one triangle only, the
rows feed a non-symmetric matrix, so the finite differences see that the other triangle does
not matter. expm gets entries in [-1, 1]; sqrtm and solve_sylvester matrices ``I + X / (n + 1)``
whose eigenvalues lie in the disc of radius ``n / (n + 1)`` around 1 (a real principal root; no
eigenvalue of a is that of -b).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg as sl
from hypothesis import assume
from hypothesis import strategies as st
from op_case import MARGIN, Inputs, OpCase, _op, arr, floats
from rows_linalg import (
    _qr_signs,
    _spd_np,
    _spd_td,
    any_square,
    batch,
    one_rect,
    one_square,
    qr_inputs,
    rect,
    size,
    square,
    vector_norm_inputs,
)

import tapediff as td
import tapediff.scipy.linalg
from tapediff import testing as tdt

MODULES = (tapediff.scipy.linalg,)

REQUIRED = {
    "scipy.linalg.solve_triangular",
    "scipy.linalg.sqrtm",
    "scipy.linalg.expm",
    "scipy.linalg.solve_sylvester",
    "scipy.linalg.block_diag",
    "scipy.linalg.cholesky",
    "scipy.linalg.cho_factor",
    "scipy.linalg.cho_solve",
    "scipy.linalg.solve",
    "scipy.linalg.inv",
    "scipy.linalg.det",
}

tsl = tapediff.scipy.linalg


@st.composite
def near_identity(draw: st.DrawFn, n: int, lead: tuple[int, ...] = ()) -> Any:
    """``I + X / (n + 1)``, ``|X| <= 1``: eigenvalues within ``n / (n + 1)`` of 1."""
    return np.eye(n) + draw(arr((*lead, n, n), floats(-1, 1))) / (n + 1)


@st.composite
def triangular_inputs(draw: st.DrawFn) -> Inputs:
    n = draw(size)
    ba, bb = draw(tdt.broadcastable_shapes(2, 0, 2, max_side=2))
    a = draw(square(n, ba))
    b = draw(arr((n,))) if draw(st.booleans()) else draw(arr((*bb, n, draw(size))))
    kwargs = {
        "trans": draw(st.sampled_from((0, 1, 2, "N", "T", "C"))),
        "lower": draw(st.booleans()),
        "unit_diagonal": draw(st.booleans()),
    }
    return (a, b), kwargs


@st.composite
def expm_inputs(draw: st.DrawFn) -> Inputs:
    n = draw(size)
    return (draw(arr((*draw(batch), n, n), floats(-1, 1))),), {}


@st.composite
def sqrtm_inputs(draw: st.DrawFn) -> Inputs:
    n = draw(size)
    return (draw(near_identity(n, draw(batch))),), {}


@st.composite
def sylvester_inputs(draw: st.DrawFn) -> Inputs:
    m, n = draw(size), draw(size)
    la, lb, lq = draw(tdt.broadcastable_shapes(3, 0, 2, max_side=2))
    a, b = draw(near_identity(m, la)), draw(near_identity(n, lb))
    return (a, b, draw(arr((*lq, m, n)))), {}


@st.composite
def block_diag_inputs(draw: st.DrawFn) -> Inputs:
    count = draw(st.integers(1, 3))
    return tuple(draw(arr(tdt.shapes(0, 2, max_side=3))) for _ in range(count)), {}


@st.composite
def solve_inputs(draw: st.DrawFn, assume_a: tuple[Any, ...]) -> Inputs:
    n = draw(size)
    ba, bb = draw(tdt.broadcastable_shapes(2, 0, 2, max_side=2))
    kind = draw(st.sampled_from(assume_a))
    # 'pos' needs positive definiteness: a positive diagonal, dominant over its row.
    a = draw(near_identity(n, ba)) if kind in ("pos", "positive definite") else draw(square(n, ba))
    b = draw(arr((n,))) if draw(st.booleans()) else draw(arr((*bb, n, draw(size))))
    kwargs = {"assume_a": kind, "lower": draw(st.booleans()), "transposed": draw(st.booleans())}
    return (a, b), kwargs


@st.composite
def cholesky_inputs(draw: st.DrawFn, with_b: bool = False) -> Inputs:
    """x (for x x^T + n I) and e in [-1/2, 1/2] added to it: SciPy reads one triangle of the
    sum, whose symmetric matrix stays positive definite (||sym(e)|| <= n / 2)."""
    n = draw(size)
    lead = () if with_b else draw(batch)
    x = draw(arr((*lead, n, n)))
    e = draw(arr((*lead, n, n), floats(-0.5, 0.5)))
    kwargs = {"lower": draw(st.booleans())}
    if with_b:
        b = draw(arr((n,))) if draw(st.booleans()) else draw(arr((n, draw(size))))
        return (x, e, b), kwargs
    return (x, e), kwargs


def _sl_solve(a: Any, b: Any, **kwargs: Any) -> Any:
    # SciPy 1.17 fails on a 1 x 1 matrix with a batch of b's ("can only convert an array of
    # size 1 to a Python scalar"); the same a broadcast to b's batch first works.
    if b.ndim > 2:
        lead = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        a = np.broadcast_to(a, (*lead, *a.shape[-2:]))
    return sl.solve(a, b, **kwargs)


def _pd_td(x: Any, e: Any) -> Any:
    return _spd_td(x) + e


def _pd_np(x: Any, e: Any) -> Any:
    return _spd_np(x) + e


def _lower_triangle_sym(x: Any) -> Any:
    return np.tril(x) + np.swapaxes(np.tril(x, -1), -1, -2)


@st.composite
def eigh_inputs(draw: st.DrawFn) -> Inputs:
    (x,), _ = draw(any_square())
    lower = draw(st.booleans())
    sym = _lower_triangle_sym(x if lower else np.swapaxes(x, -1, -2))
    assume(np.all(np.diff(np.linalg.eigvalsh(sym), axis=-1) > 10 * MARGIN))
    return (x,), {"lower": lower}


def _eigh_td(x: Any, lower: bool) -> Any:
    w, v = tsl.eigh(x, lower=lower)
    return td.concatenate([td.expand_dims(w, -2), v * v[..., :1, :]], axis=-2)


def _eigh_np(x: Any, lower: bool) -> Any:
    w, v = sl.eigh(x, lower=lower)
    return np.concatenate([w[..., None, :], v * v[..., :1, :]], axis=-2)


def _svd_td(x: Any) -> Any:
    u, s, vh = tsl.svd(x, full_matrices=False)
    lead = x.shape[:-2]
    pu = u * td.expand_dims(vh[..., :, 0], -2)
    pvh = vh * td.expand_dims(u[..., 0, :], -1)
    return td.concatenate([td.reshape(pu, (*lead, -1)), s, td.reshape(pvh, (*lead, -1))], -1)


def _svd_np(x: Any) -> Any:
    u, s, vh = sl.svd(x, full_matrices=False)
    lead = x.shape[:-2]
    pu = u * vh[..., None, :, 0]
    pvh = vh * u[..., 0, :, None]
    return np.concatenate([pu.reshape(*lead, -1), s, pvh.reshape(*lead, -1)], -1)


def _qr_td(x: Any) -> Any:
    q, r = _qr_signs(*tsl.qr(x, mode="economic"))
    lead = x.shape[:-2]
    return td.concatenate([td.reshape(q, (*lead, -1)), td.reshape(r, (*lead, -1))], axis=-1)


def _qr_np(x: Any) -> Any:
    q, r = _qr_signs(*sl.qr(x, mode="economic"))
    lead = x.shape[:-2]
    return np.concatenate([q.reshape(*lead, -1), r.reshape(*lead, -1)], axis=-1)


@st.composite
def pinv_inputs(draw: st.DrawFn) -> Inputs:
    x = draw(rect(False))
    # A cutoff below every singular value (rect keeps them above 10 * MARGIN): rank constant.
    atol = draw(st.sampled_from((None, MARGIN)))
    return (x,), {"atol": atol}


ROWS: tuple[OpCase, ...] = (
    OpCase(
        "scipy.linalg.solve_triangular",
        _op("scipy.linalg.solve_triangular"),
        sl.solve_triangular,
        triangular_inputs(),
        "diagonally dominant a (every triangle invertible), batched, every trans/lower/unit",
    ),
    OpCase("scipy.linalg.expm", _op("scipy.linalg.expm"), sl.expm, expm_inputs(), "|x| <= 1"),
    OpCase(
        "scipy.linalg.sqrtm",
        _op("scipy.linalg.sqrtm"),
        sl.sqrtm,
        sqrtm_inputs(),
        "I + X / (n + 1): eigenvalues near 1, a real principal root",
    ),
    OpCase(
        "scipy.linalg.solve_sylvester",
        _op("scipy.linalg.solve_sylvester"),
        sl.solve_sylvester,
        sylvester_inputs(),
        "a, b = I + X / (n + 1): no common eigenvalue of a and -b; batches broadcast",
    ),
    OpCase(
        "scipy.linalg.block_diag",
        lambda *xs: tsl.block_diag(*xs),
        lambda *xs: sl.block_diag(*xs),
        block_diag_inputs(),
        "1-3 arrays of rank 0-2",
    ),
    OpCase("scipy.linalg.inv", _op("scipy.linalg.inv"), sl.inv, one_square()),
    OpCase("scipy.linalg.det", _op("scipy.linalg.det"), sl.det, one_square()),
    OpCase(
        "scipy.linalg.solve",
        _op("scipy.linalg.solve"),
        _sl_solve,
        solve_inputs((None, "gen", "sym", "upper triangular", "lower triangular")),
        "diagonally dominant (so is the symmetric matrix of either triangle); one triangle read",
    ),
    OpCase(
        "scipy.linalg.solve[pos]",
        _op("scipy.linalg.solve"),
        _sl_solve,
        solve_inputs(("pos",)),
        "I + X / (n + 1): its triangle's symmetric matrix is positive definite",
    ),
    OpCase(
        "scipy.linalg.cholesky",
        lambda x, e, lower: tsl.cholesky(_pd_td(x, e), lower=lower),
        lambda x, e, lower: sl.cholesky(_pd_np(x, e), lower=lower),
        cholesky_inputs(),
        "x x^T + n I + e, e not symmetric: only one triangle is read",
    ),
    OpCase(
        "scipy.linalg.cho_factor",
        lambda x, e, lower: tsl.cho_factor(_pd_td(x, e), lower=lower)[0],
        lambda x, e, lower: sl.cho_factor(_pd_np(x, e), lower=lower)[0],
        cholesky_inputs(),
        "as cholesky; the other triangle keeps a's entries",
    ),
    OpCase(
        "scipy.linalg.cho_solve",
        lambda x, e, b, lower: tsl.cho_solve(tsl.cho_factor(_pd_td(x, e), lower), b),
        lambda x, e, b, lower: sl.cho_solve(sl.cho_factor(_pd_np(x, e), lower), b),
        cholesky_inputs(with_b=True),
        "as cholesky; b a vector or a matrix",
    ),
    OpCase("scipy.linalg.eigh", _eigh_td, _eigh_np, eigh_inputs(), "distinct eigenvalues"),
    OpCase(
        "scipy.linalg.eigvalsh",
        _op("scipy.linalg.eigvalsh"),
        lambda x, lower: sl.eigvalsh(x, lower=lower),
        eigh_inputs(),
        "distinct eigenvalues of the symmetric matrix of the triangle read",
    ),
    OpCase("scipy.linalg.svd", _svd_td, _svd_np, one_rect(), "distinct singular values"),
    OpCase("scipy.linalg.svdvals", _op("scipy.linalg.svdvals"), sl.svdvals, one_rect()),
    OpCase("scipy.linalg.qr", _qr_td, _qr_np, qr_inputs(), "full rank, economic mode"),
    OpCase("scipy.linalg.pinv", _op("scipy.linalg.pinv"), sl.pinv, pinv_inputs(), "full rank"),
    OpCase(
        "scipy.linalg.norm",
        _op("scipy.linalg.norm"),
        sl.norm,
        vector_norm_inputs(False),
        "|x| >= MARGIN",
    ),
)
