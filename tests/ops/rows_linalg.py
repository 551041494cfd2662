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
    "linalg.eigh",
    "linalg.eigvalsh",
    "linalg.svd",
    "linalg.svdvals",
    "linalg.qr",
    "linalg.pinv",
    "linalg.lstsq",
    "linalg.multi_dot",
    "linalg.vector_norm",
    "linalg.matrix_norm",
}

# The named-tuple result types are exported (as NumPy exports them) but are not operations.
NOT_DIFFERENTIABLE = {
    "linalg.EighResult",
    "linalg.QRResult",
    "linalg.SVDResult",
    "linalg.SlogdetResult",
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
# Negative orders: (sum |x|^p)^(1/p) with p < 0, smooth where no entry is 0 (NumPy accepts any
# real order for vectors).
NEGATIVE_VECTOR_ORDS = (-1, -2, -1.5)
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
def vector_norm_inputs(draw: st.DrawFn, picking: bool, negative: bool = False) -> Inputs:
    # |x| >= MARGIN: off the kinks of |x| (the 2-norm's gradient at 0 has its own row).
    x = draw(arr(tdt.shapes(1, 3, max_side=3), away([0.0])))
    axis = draw(st.integers(-x.ndim, x.ndim - 1))
    ords = (np.inf, -np.inf) if picking else SMOOTH_VECTOR_ORDS
    ords = NEGATIVE_VECTOR_ORDS if negative else ords
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


# ----- decompositions: drawn with distinct eigen/singular values; outputs made sign-invariant
# (an eigenvector or a singular pair is unique only up to sign, and LAPACK picks one) -----


def _gapped(values: Any) -> bool:
    """Whether sorted values along the last axis are distinct by MARGIN * 10."""
    v = np.sort(values, axis=-1)
    return bool(np.all(np.diff(v, axis=-1) > 10 * MARGIN))


@st.composite
def symmetric_inputs(draw: st.DrawFn) -> Inputs:
    (x,), _ = draw(any_square())
    assume(_gapped(np.linalg.eigvalsh(x + np.swapaxes(x, -1, -2))))
    return (x,), {}


@st.composite
def rect(draw: st.DrawFn, gapped: bool = True) -> Any:
    """A (stack of) m x n matrices of full rank with distinct singular values."""
    m, n = draw(size), draw(size)
    x = draw(arr((*draw(batch), m, n), floats(-1, 1)))
    s = np.linalg.svd(x, compute_uv=False)
    assume(np.all(s > 10 * MARGIN) and (not gapped or _gapped(s)))
    return x


@st.composite
def one_rect(draw: st.DrawFn, gapped: bool = True) -> Inputs:
    return (draw(rect(gapped)),), {}


def _sym(x: Any) -> Any:
    return x + td.swapaxes(x, -1, -2)


def _eigh_td(x: Any) -> Any:
    w, v = td.linalg.eigh(_sym(x))
    return td.concatenate([td.expand_dims(w, -2), v * v[..., :1, :]], axis=-2)


def _eigh_np(x: Any) -> Any:
    w, v = np.linalg.eigh(x + np.swapaxes(x, -1, -2))
    return np.concatenate([w[..., None, :], v * v[..., :1, :]], axis=-2)


def _svd_td(x: Any) -> Any:
    u, s, vh = td.linalg.svd(x, full_matrices=False)
    paired_u = u * td.expand_dims(vh[..., :, 0], -2)
    paired_vh = vh * td.expand_dims(u[..., 0, :], -1)
    return td.concatenate(
        [td.reshape(paired_u, (*x.shape[:-2], -1)), s, td.reshape(paired_vh, (*x.shape[:-2], -1))],
        axis=-1,
    )


def _svd_np(x: Any) -> Any:
    u, s, vh = np.linalg.svd(x, full_matrices=False)
    paired_u = u * vh[..., None, :, 0]
    paired_vh = vh * u[..., 0, :, None]
    lead = x.shape[:-2]
    return np.concatenate([paired_u.reshape(*lead, -1), s, paired_vh.reshape(*lead, -1)], -1)


def _svd_full_td(x: Any) -> Any:
    # NumPy's default full_matrices=True: the first min(m, n) columns of U (the extra ones are
    # not unique and get no gradient), paired with Vh's as in the reduced row.
    u, s, vh = td.linalg.svd(x)
    k = s.shape[-1]
    paired_u = u[..., :, :k] * td.expand_dims(vh[..., :k, 0], -2)
    return td.concatenate([td.reshape(paired_u, (*x.shape[:-2], -1)), s], axis=-1)


def _svd_full_np(x: Any) -> Any:
    u, s, vh = np.linalg.svd(x)
    k = s.shape[-1]
    paired_u = u[..., :, :k] * vh[..., None, :k, 0]
    return np.concatenate([paired_u.reshape(*x.shape[:-2], -1), s], -1)


def _qr_signs(q: Any, r: Any) -> Any:
    # Q D and D R with D = sign(diag R): the factorisation with a positive diagonal, which is
    # unique; D is piecewise constant, taken from the values.
    d = np.sign(np.diagonal(r.numpy() if isinstance(r, td.Tensor) else r, axis1=-2, axis2=-1))
    return q * d[..., None, :], r * d[..., :, None]


def _qr_td(x: Any) -> Any:
    q, r = td.linalg.qr(x)
    q, r = _qr_signs(q, r)
    lead = x.shape[:-2]
    return td.concatenate([td.reshape(q, (*lead, -1)), td.reshape(r, (*lead, -1))], axis=-1)


def _qr_np(x: Any) -> Any:
    q, r = _qr_signs(*np.linalg.qr(x))
    lead = x.shape[:-2]
    return np.concatenate([q.reshape(*lead, -1), r.reshape(*lead, -1)], axis=-1)


@st.composite
def qr_inputs(draw: st.DrawFn) -> Inputs:
    x = draw(rect(False))
    k = min(x.shape[-2:])
    # A wide x's Q comes from its leading square block, which must be invertible.
    assume(np.all(np.linalg.svd(x[..., :, :k], compute_uv=False) > 10 * MARGIN))
    return (x,), {}


@st.composite
def lstsq_inputs(draw: st.DrawFn) -> Inputs:
    m = draw(st.integers(2, 4))
    n = draw(st.integers(1, m))
    a = draw(arr((m, n), floats(-1, 1)))
    # lstsq also returns a's singular values, and sorted singular values have a kink where two
    # coincide (e.g. any orthogonal a): only their sum is differentiable there, so keep them apart.
    s = np.linalg.svd(a, compute_uv=False)
    assume(s.min() > 10 * MARGIN and _gapped(s))
    b = draw(arr((m,) if draw(st.booleans()) else (m, draw(size))))
    return (a, b), {}


def _lstsq_td(a: Any, b: Any) -> Any:
    x, res, _, s = td.linalg.lstsq(a, b)
    return td.concatenate([td.reshape(x, (-1,)), res, s])


def _lstsq_np(a: Any, b: Any) -> Any:
    x, res, _, s = np.linalg.lstsq(a, b)
    return np.concatenate([x.reshape(-1), res, s])


@st.composite
def multi_dot_inputs(draw: st.DrawFn) -> Inputs:
    dims = draw(st.lists(st.integers(1, 3), min_size=3, max_size=5))
    mats = [draw(arr((dims[i], dims[i + 1]))) for i in range(len(dims) - 1)]
    if draw(st.booleans()):
        mats[0] = mats[0][0]
    if draw(st.booleans()):
        mats[-1] = mats[-1][:, 0]
    return tuple(mats), {}


@st.composite
def spectral_norm_inputs(draw: st.DrawFn) -> Inputs:
    x = draw(rect())
    return (x,), {"ord": draw(st.sampled_from(("nuc", 2, -2))), "axis": (-2, -1)}


@st.composite
def new_norm_inputs(draw: st.DrawFn, matrix: bool) -> Inputs:
    if matrix:
        x = draw(arr(tdt.shapes(2, 3, max_side=3), away([0.0])))
        return (x,), {"ord": draw(st.sampled_from(SMOOTH_MATRIX_ORDS[1:])), "keepdims": True}
    x = draw(arr(tdt.shapes(1, 3, max_side=3), away([0.0])))
    axis = draw(st.none() | st.integers(-x.ndim, x.ndim - 1))
    return (x,), {
        "axis": axis,
        "ord": draw(st.sampled_from((2, 3))),
        "keepdims": draw(st.booleans()),
    }


ROWS: tuple[OpCase, ...] = (
    OpCase("linalg.eigh", _eigh_td, _eigh_np, symmetric_inputs(), "x + x^T, distinct eigenvalues"),
    OpCase(
        "linalg.eigvalsh",
        lambda x: td.linalg.eigvalsh(_sym(x)),
        lambda x: np.linalg.eigvalsh(x + np.swapaxes(x, -1, -2)),
        symmetric_inputs(),
        "x + x^T, distinct eigenvalues",
    ),
    OpCase("linalg.svd", _svd_td, _svd_np, one_rect(), "full rank, distinct singular values"),
    OpCase(
        "linalg.svd[full_matrices]",
        _svd_full_td,
        _svd_full_np,
        one_rect(),
        "full rank, distinct singular values; the first min(m, n) columns of U",
    ),
    OpCase(
        "linalg.svd[no_uv]",
        lambda x: td.linalg.svd(x, compute_uv=False),
        lambda x: np.linalg.svd(x, compute_uv=False),
        one_rect(),
        "full rank, distinct singular values",
    ),
    OpCase(
        "linalg.svdvals",
        _op("linalg.svdvals"),
        lambda x: np.linalg.svd(x, compute_uv=False),
        one_rect(),
        "full rank, distinct singular values",
    ),
    OpCase("linalg.qr", _qr_td, _qr_np, qr_inputs(), "full rank; a wide x's leading block too"),
    OpCase("linalg.pinv", _op("linalg.pinv"), np.linalg.pinv, one_rect(False), "full rank"),
    OpCase("linalg.lstsq", _lstsq_td, _lstsq_np, lstsq_inputs(), "a of full column rank"),
    OpCase(
        "linalg.multi_dot",
        lambda *ms: td.linalg.multi_dot(ms),
        lambda *ms: np.linalg.multi_dot(ms),
        multi_dot_inputs(),
    ),
    OpCase(
        "linalg.norm[spectral]",
        _op("linalg.norm"),
        np.linalg.norm,
        spectral_norm_inputs(),
        "full rank, distinct singular values",
    ),
    OpCase(
        "linalg.vector_norm",
        _op("linalg.vector_norm"),
        np.linalg.vector_norm,
        new_norm_inputs(False),
        "|x| >= MARGIN",
    ),
    OpCase(
        "linalg.matrix_norm",
        _op("linalg.matrix_norm"),
        np.linalg.matrix_norm,
        new_norm_inputs(True),
        "|x| >= MARGIN",
    ),
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
        "linalg.norm[vector_negative]",
        _op("linalg.norm"),
        np.linalg.norm,
        vector_norm_inputs(False, negative=True),
        "|x| >= MARGIN; ord -1, -2, -1.5",
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
