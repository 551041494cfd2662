"""Rows for complex numbers (issue 7): real imag conj angle, and complex inputs to the ops whose
VJPs are declared right for them (``Primitive.allow_complex``), plus ``linalg.eig``/``eigvals``.

gradcheck perturbs a complex input along its real and its imaginary part and compares with the
tape's convention (``docs/complex.md``): a holomorphic op's VJP is ``g * f'(z)``, a real
function's gradient ``df/dx - i df/dy``.

Complex elements default to real and imaginary parts in ``[-2, -0.25] u [0.25, 2]``: off both
axes, so off every branch cut NumPy's principal branches have (log, sqrt, power, arcsin, arccos,
arccosh, arctanh and log1p cut along the real axis, arctan along the imaginary one), and away
from the poles of tan, tanh and sigmoid and from the zero of angle and abs.
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np
from hypothesis import strategies as st
from op_case import Inputs, OpCase, _op, arr, carr, cnary, cunary, floats, unary

import tapediff as td
import tapediff.linalg
from tapediff import testing as tdt
from tapediff.extend import value_of
from tapediff.ops import complex as complex_ops

MODULES = (complex_ops,)

REQUIRED = {"real", "imag", "conj", "conjugate", "angle", "linalg.eig", "linalg.eigvals"}

# eig's named-tuple result type is exported (as NumPy exports it) but is not an operation.
NOT_DIFFERENTIABLE = {"linalg.EigResult"}

# Real and imaginary parts off the axes (see the module docstring).
OFF = tdt.away_from([0.0], 0.25, -2.0, 2.0)
OFF_AXES = (OFF, OFF)
ANY = (floats(-2, 2), floats(-2, 2))


def _sigmoid(x: Any) -> Any:
    return 1 / (1 + np.exp(-x))


def _c(name: str, fn: Any, ref: Any, inputs: Any, domain: str = "", **kw: Any) -> OpCase:
    return OpCase(name, fn, ref, inputs, domain or "complex, real and imaginary parts off 0", **kw)


def _unary_rows() -> list[OpCase]:
    ops = {
        "negative": np.negative,
        "square": np.square,
        "sqrt": np.sqrt,
        "exp": np.exp,
        "expm1": np.expm1,
        "log": np.log,
        "log1p": np.log1p,
        "sin": np.sin,
        "cos": np.cos,
        "tan": np.tan,
        "tanh": np.tanh,
        "sinh": np.sinh,
        "cosh": np.cosh,
        "arcsin": np.arcsin,
        "arccos": np.arccos,
        "arctan": np.arctan,
        "arccosh": np.arccosh,
        "arctanh": np.arctanh,
        "exp2": np.exp2,
        "log2": np.log2,
        "log10": np.log10,
        "reciprocal": np.reciprocal,
        "sigmoid": _sigmoid,
    }
    return [_c(f"{n}[complex]", _op(n), ref, cunary(*OFF_AXES)) for n, ref in ops.items()]


@st.composite
def mixed_inputs(draw: st.DrawFn) -> Inputs:
    sx, sz = draw(tdt.broadcastable_shapes(2, 0, 3, max_side=3))
    return (draw(arr(sx)), draw(carr(sz))), {}


@st.composite
def cwhere_inputs(draw: st.DrawFn) -> Inputs:
    sc, sx, sy = draw(tdt.broadcastable_shapes(3, 0, 3, max_side=3))
    return (draw(tdt.arrays(np.bool_, sc)), draw(carr(sx)), draw(carr(sy))), {}


@st.composite
def creduce_inputs(draw: st.DrawFn, off: bool = False) -> Inputs:
    shape = draw(tdt.shapes(0, 3, max_side=3))
    x = draw(carr(shape, *(OFF_AXES if off else ANY)))
    return (x,), {"axis": draw(tdt.axes(len(shape))), "keepdims": draw(st.booleans())}


@st.composite
def cmatmul_inputs(draw: st.DrawFn) -> Inputs:
    batch_a, batch_b = draw(tdt.broadcastable_shapes(2, 0, 2, max_side=2))
    k, m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sa = (k,) if draw(st.integers(0, 3)) == 0 else (*batch_a, m, k)
    sb = (k,) if draw(st.integers(0, 3)) == 0 else (*batch_b, k, n)
    return (draw(carr(sa)), draw(carr(sb))), {}


@st.composite
def cdot_inputs(draw: st.DrawFn) -> Inputs:
    k = draw(st.integers(1, 3))
    sa = (k,) if draw(st.booleans()) else (draw(st.integers(1, 3)), k)
    sb = (k,) if draw(st.booleans()) else (k, draw(st.integers(1, 3)))
    return (draw(carr(sa)), draw(carr(sb))), {}


@st.composite
def ceinsum_inputs(draw: st.DrawFn) -> Inputs:
    spec = draw(st.sampled_from(("ij,jk->ik", "i,i->", "ij->ji", "ii->i", "bij,bjk->bik")))
    sizes = {c: draw(st.integers(1, 3)) for c in string.ascii_lowercase}
    terms = spec.split("->")[0].split(",")
    return tuple(draw(carr(tuple(sizes[c] for c in t))) for t in terms), {"subscripts": spec}


@st.composite
def cgetitem_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=4))
    idx = draw(
        tdt.arrays(np.int64, tdt.shapes(1, 2, max_side=4), min_value=0, max_value=shape[0] - 1)
    )
    return (draw(carr(shape)),), {"key": (idx, Ellipsis)}


@st.composite
def cstack_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=3))
    count = draw(st.integers(1, 3))
    return tuple(draw(carr(shape)) for _ in range(count)), {
        "axis": draw(st.integers(0, len(shape)))
    }


@st.composite
def ctranspose_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(0, 4, max_side=3))
    return (draw(carr(shape)),), {"axes": draw(st.none() | tdt.permutations(len(shape)))}


@st.composite
def at_zero(draw: st.DrawFn) -> Inputs:
    """Complex arrays with some exact zeros (abs'(0) = 0 is also the central difference)."""
    shape = draw(tdt.shapes(1, 2, max_side=3))
    x = draw(carr(shape, *OFF_AXES))
    mask = draw(tdt.arrays(np.bool_, shape))
    return (np.where(mask, 0, x),), {}


# ----- square matrices: well conditioned, distinct eigenvalues -----


def _dominant(draw: st.DrawFn, n: int, lead: tuple[int, ...], complex_: bool) -> Any:
    """I + X / (2 (n + 1)) with 1/4 <= |X| <= sqrt(2): strictly diagonally dominant, so well
    conditioned, each column's largest entry is its diagonal one (no ties in eig's
    normalisation), and no entry is 0 (a triangular matrix is where LAPACK's eigenvalue order
    jumps)."""
    shape = (*lead, n, n)
    part = tdt.away_from([0.0], 0.25, -1.0, 1.0)
    x = draw(carr(shape, part, part)) if complex_ else draw(arr(shape, part))
    return np.eye(n) + x / (2 * (n + 1))


@st.composite
def csquare(draw: st.DrawFn, count: int = 1) -> Inputs:
    n = draw(st.integers(1, 3))
    lead = draw(tdt.shapes(0, 1, max_side=2))
    mats = []
    for _ in range(count):
        signs = np.array(
            draw(st.lists(st.sampled_from((-1.0, 1.0, 1j, -1j)), min_size=n, max_size=n))
        )
        mats.append(signs[:, None] * _dominant(draw, n, lead, True))
    return tuple(mats), {}


@st.composite
def csolve_inputs(draw: st.DrawFn) -> Inputs:
    (a,), _ = draw(csquare())
    n = a.shape[-1]
    b = draw(carr((n,) if draw(st.booleans()) else (*a.shape[:-1], draw(st.integers(1, 2)))))
    return (a, b), {}


@st.composite
def eig_inputs(draw: st.DrawFn, complex_input: bool = False, complex_pair: bool = False) -> Inputs:
    """S diag(lambda) S^-1 (or, with a complex pair, S B S^-1 with B a real block of a rotation
    and scaling): eigenvalues at least 1/2 apart, eigenvectors the columns of a diagonally
    dominant S, so the eigenproblem is well conditioned and its normalisation unambiguous."""
    n = draw(st.integers(2 if complex_pair else 1, 3))
    lead = draw(tdt.shapes(0, 1, max_side=2))
    s = _dominant(draw, n, lead, complex_input)
    values = draw(st.lists(st.integers(-6, 6), min_size=n, max_size=n, unique=True))
    lam = np.array(values, dtype=float) / 2
    if complex_input:
        lam = lam + 1j * np.array(draw(st.lists(st.integers(-4, 4), min_size=n, max_size=n))) / 2
    b = np.zeros((n, n), dtype=lam.dtype)
    b[np.arange(n), np.arange(n)] = lam
    if complex_pair:  # a + bi and a - bi from the block [[a, -2b], [b / 2, a]], b >= 1/2
        im = draw(st.integers(1, 4)) / 2
        # Eigenvectors (2, -+i): the first component is clearly the largest.
        b[0, 1], b[1, 0] = -2 * im, im / 2
        b[1, 1] = b[0, 0]
    return (s @ b @ np.linalg.inv(s),), {}


def _sorted_eig(a: Any) -> Any:
    """eig with the eigenpairs sorted by eigenvalue. LAPACK's order is not a continuous function
    of a: a perturbation of 1e-6 can permute it (it did for [[1.5, -.07, .07], [.06, -.009,
    .13], [-.06, -.13, 3.009]]), so finite differences of the unsorted output are meaningless.
    With eigenvalues 1/2 apart the sorting permutation is constant near a, so sorted pairs are
    as smooth as the pairs themselves."""
    w, v = td.linalg.eig(a) if isinstance(a, td.Tensor) else np.linalg.eig(a)
    wv = value_of(w)
    order = np.argsort(wv, axis=-1)  # complex: by real part, then imaginary part
    take = td.take_along_axis if isinstance(a, td.Tensor) else np.take_along_axis
    cols = np.broadcast_to(
        order[..., None, :], (*order.shape[:-1], order.shape[-1], order.shape[-1])
    )
    return take(w, order, axis=-1), take(v, cols, axis=-1)


def _eig_squared(a: Any) -> Any:
    # Real eigenvectors have an arbitrary sign (LAPACK's, which can flip under a perturbation):
    # their squares are what a function of them can depend on smoothly.
    w, v = _sorted_eig(a)
    return w, v * v


def _eig_both(a: Any) -> Any:
    return _sorted_eig(a)


def _eigvals(a: Any) -> Any:
    # Sorted, as in _sorted_eig (the reference sorts NumPy's values the same way).
    w = td.linalg.eigvals(a) if isinstance(a, td.Tensor) else np.linalg.eigvals(a)
    wv = value_of(w)
    take = td.take_along_axis if isinstance(a, td.Tensor) else np.take_along_axis
    return take(w, np.argsort(wv, axis=-1), axis=-1)


ROWS: tuple[OpCase, ...] = (
    OpCase("real", _op("real"), np.real, cunary(*ANY), "complex"),
    OpCase("real[of_real]", _op("real"), np.real, unary()),
    OpCase("imag", _op("imag"), np.imag, cunary(*ANY), "complex"),
    OpCase("imag[of_real]", _op("imag"), np.imag, unary()),
    OpCase("conj", _op("conj"), np.conj, cunary(*ANY), "complex"),
    OpCase("conj[of_real]", _op("conj"), np.conj, unary()),
    OpCase("conjugate", _op("conjugate"), np.conjugate, cunary(*ANY), "complex"),
    _c("angle", _op("angle"), np.angle, cunary(floats(-2, 2), OFF), "imaginary part off 0"),
    _c(
        "angle[deg]",
        _op("angle"),
        np.angle,
        cunary(floats(-2, 2), OFF, deg=st.just(True)),
        "imaginary part off 0",
    ),
    OpCase(
        "angle[of_real]",
        _op("angle"),
        np.angle,
        unary(tdt.away_from([0.0], 1e-3)),
        "real, off 0 (piecewise constant: gradient 0)",
    ),
    _c("abs[complex]", _op("abs"), np.abs, cunary(*OFF_AXES)),
    _c(
        "abs[complex_at_zero]",
        _op("abs"),
        np.abs,
        at_zero(),
        "exact zeros among complex values (gradient 0 there)",
        second_order=False,
    ),
    *_unary_rows(),
    _c("add[complex]", _op("add"), np.add, cnary(ANY, ANY), "complex"),
    _c(
        "add[real_and_complex]",
        _op("add"),
        np.add,
        mixed_inputs(),
        "a real and a complex operand: the real one gets the real part of its cotangent",
    ),
    _c(
        "multiply[real_and_complex]",
        _op("multiply"),
        np.multiply,
        mixed_inputs(),
        "a real and a complex operand",
    ),
    _c("subtract[complex]", _op("subtract"), np.subtract, cnary(ANY, ANY), "complex"),
    _c("multiply[complex]", _op("multiply"), np.multiply, cnary(ANY, ANY), "complex"),
    _c("divide[complex]", _op("divide"), np.divide, cnary(ANY, OFF_AXES), "divisor off 0"),
    _c(
        "power[complex]",
        _op("power"),
        np.power,
        cnary(OFF_AXES, (floats(-1.5, 1.5), floats(-1.5, 1.5))),
        "base off the axes (the cut of log), any exponent",
    ),
    _c("where[complex]", _op("where"), np.where, cwhere_inputs(), "complex branches"),
    _c(
        "astype[complex128]",
        lambda x: td.astype(x, np.complex128),
        lambda x: x.astype(np.complex128),
        unary(),
        "real input cast to complex: its gradient is the real part",
        same_dtype=False,
    ),
    _c("sum[complex]", _op("sum"), np.sum, creduce_inputs(), "complex"),
    _c("mean[complex]", _op("mean"), np.mean, creduce_inputs(), "complex"),
    _c("prod[complex]", _op("prod"), np.prod, creduce_inputs(off=True), "complex, no zeros"),
    _c("var[complex]", _op("var"), np.var, creduce_inputs(), "complex: mean of |x - mean|^2"),
    _c("transpose[complex]", _op("transpose"), np.transpose, ctranspose_inputs(), "complex"),
    _c(
        "reshape[complex]",
        _op("reshape"),
        np.reshape,
        cunary(*ANY, shapes=st.just((2, 3)), shape=st.sampled_from(((3, 2), (6,), (-1, 1)))),
        "complex",
    ),
    _c(
        "concatenate[complex]",
        lambda *xs, axis: td.concatenate(xs, axis=axis),
        lambda *xs, axis: np.concatenate(xs, axis=axis),
        cstack_inputs().map(lambda i: (i[0], {"axis": min(i[1]["axis"], i[0][0].ndim - 1)})),
        "complex",
    ),
    _c(
        "stack[complex]",
        lambda *xs, axis: td.stack(xs, axis=axis),
        lambda *xs, axis: np.stack(xs, axis=axis),
        cstack_inputs(),
        "complex",
    ),
    _c("getitem[complex]", _op("getitem"), lambda x, key: x[key], cgetitem_inputs(), "complex"),
    _c("matmul[complex]", _op("matmul"), np.matmul, cmatmul_inputs(), "complex"),
    _c(
        "einsum[complex]",
        lambda *ops, subscripts: td.einsum(subscripts, *ops),
        lambda *ops, subscripts: np.einsum(subscripts, *ops),
        ceinsum_inputs(),
        "complex",
    ),
    _c("dot[complex]", _op("dot"), np.dot, cdot_inputs(), "complex vectors or matrices"),
    _c("linalg.inv[complex]", _op("linalg.inv"), np.linalg.inv, csquare(), "well conditioned"),
    _c("linalg.det[complex]", _op("linalg.det"), np.linalg.det, csquare(), "well conditioned"),
    _c(
        "linalg.solve[complex]",
        _op("linalg.solve"),
        np.linalg.solve,
        csolve_inputs(),
        "well conditioned, b a vector or a stack of matrices",
    ),
    OpCase(
        "linalg.eig",
        _eig_squared,
        _eig_squared,
        eig_inputs(),
        "real, distinct real eigenvalues 1/2 apart; eigenvalues and squared eigenvectors",
    ),
    OpCase(
        "linalg.eig[complex_pair]",
        _eig_squared,
        _eig_squared,
        eig_inputs(complex_pair=True),
        "real with a complex-conjugate pair of eigenvalues",
    ),
    OpCase(
        "linalg.eig[complex]",
        _eig_both,
        _eig_both,
        eig_inputs(complex_input=True),
        "complex input: eigenvectors as NumPy normalises them (largest component real)",
    ),
    OpCase("linalg.eigvals", _eigvals, _eigvals, eig_inputs(complex_pair=True)),
    OpCase(
        "linalg.eigvals[complex]",
        _eigvals,
        _eigvals,
        eig_inputs(complex_input=True),
        "complex input",
    ),
)

# tapediff.linalg is walked by rows_linalg.py; its eig and eigvals rows are here.
_ = tapediff.linalg
