"""Rows for the remaining arithmetic ufuncs and NumPy's further numeric functions
(tapediff/ops/arith.py and tapediff/ops/numeric.py, issue 7).

Piecewise-constant ops (floor_divide, rint, fix, around, heaviside) draw inputs away from their
jumps, where the true derivative is 0 and central differences agree. fmod's dividends and
divisors are on grids where x1 / x2 is never an integer (as remainder's). corrcoef keeps every
coefficient inside (-0.99, 0.99), away from NumPy's clip to [-1, 1]; interp keeps x away from
the knots; ptp draws distinct values. Everything else is linear or polynomial in its inputs.
cov, corrcoef, interp and float_power compute in float64 as NumPy does (same_dtype=False).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from op_case import Inputs, OpCase, _op, arr, away, floats, grid, nary, unary

import tapediff as td
from tapediff import testing as tdt
from tapediff.ops import arith, numeric

MODULES = (arith, numeric)

REQUIRED = {
    "floor_divide",
    "divmod",
    "fmod",
    "positive",
    "around",
    "rint",
    "fix",
    "copysign",
    "float_power",
    "heaviside",
    "ptp",
    "cov",
    "corrcoef",
    "vdot",
    "vecdot",
    "matvec",
    "vecmat",
    "matrix_transpose",
    "linalg.vecdot",
    "linalg.matrix_transpose",
    "trapezoid",
    "interp",
    "convolve",
    "correlate",
    "polyval",
    "meshgrid",
    "broadcast_arrays",
    "delete",
    "insert",
    "select",
    "compress",
    "extract",
    "resize",
    "unstack",
    "cumulative_sum",
    "cumulative_prod",
}

# As rows_ufuncs.py's remainder: x1 odd multiples of 1/64, x2 = m/4 with 2 <= |m| <= 10, so
# x1 / x2 = odd / (16 m) is never an integer and x1 is at least 1/64 from every jump.
DIVIDENDS = st.integers(-96, 95).map(lambda k: (2 * k + 1) / 64)
DIVISORS = st.integers(2, 10).flatmap(lambda m: st.sampled_from((m / 4, -m / 4)))
HALVES = [k + 0.5 for k in range(-4, 4)]
INTEGERS = [float(k) for k in range(-3, 4)]


def signed(ndim: int) -> st.SearchStrategy[int]:
    return st.integers(-ndim, ndim - 1)


# ----- strategies -----


@st.composite
def ptp_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(0, 3, max_side=3))
    x = draw(tdt.arrays(np.float64, shape, elements=grid(1 / 32, -4, 4), unique=True))
    return (x,), {"axis": draw(tdt.axes(len(shape))), "keepdims": draw(st.booleans())}


@st.composite
def cov_inputs(draw: st.DrawFn) -> Inputs:
    k, n = draw(st.integers(1, 3)), draw(st.integers(3, 5))
    rowvar = draw(st.booleans())
    one_d = k == 1 and draw(st.booleans())
    shape = (n,) if one_d else ((k, n) if rowvar else (n, k))
    arrays: tuple[Any, ...] = (draw(arr(shape)),)
    kwargs: dict[str, Any] = {"rowvar": rowvar, "bias": draw(st.booleans())}
    if draw(st.booleans()):
        kwargs["ddof"] = draw(st.integers(0, 2))
    if draw(st.booleans()):
        kwargs["fweights"] = draw(tdt.arrays(np.int64, (n,), min_value=1, max_value=3))
    if draw(st.booleans()):
        kwargs["aweights"] = draw(arr((n,), floats(0.5, 2.0)))
    if draw(st.booleans()):
        arrays += (draw(arr((n,) if one_d else ((1, n) if rowvar else (n, 1)))),)
    return arrays, kwargs


def _corr_ok(inputs: Inputs) -> bool:
    r = np.corrcoef(*inputs[0], **inputs[1])
    off = r[~np.eye(r.shape[0], dtype=bool)] if r.ndim else np.array([])
    return bool(np.all(np.abs(off) < 0.99))


# Distinct sign patterns, one per variable: with noise of at most 1/2 on a pattern of
# amplitude 2, no two variables are nearly proportional (|r| stays well below 0.99).
PATTERNS = np.array([[1, -1, 1, -1, 1, -1], [1, 1, -1, -1, 1, 1], [1, -1, -1, 1, -1, 1]])


@st.composite
def corrcoef_raw(draw: st.DrawFn) -> Inputs:
    k, n = draw(st.integers(2, 3)), draw(st.integers(4, 6))
    rowvar = draw(st.booleans())
    m = 2.0 * PATTERNS[:k, :n] + draw(arr((k, n), floats(-0.5, 0.5)))
    return (m if rowvar else m.T.copy(),), {"rowvar": rowvar}


@st.composite
def vdot_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(0, 3, max_side=3))
    other = np.empty(shape).reshape(draw(tdt.reshape_targets(shape))).shape
    return (draw(arr(shape)), draw(arr(other))), {}


@st.composite
def vecdot_inputs(draw: st.DrawFn) -> Inputs:
    s1, s2 = draw(tdt.broadcastable_shapes(2, 0, 2, max_side=3))
    n = draw(st.integers(1, 3))
    nd1, nd2 = len(s1) + 1, len(s2) + 1
    # The vector axis at the same (negative) position in both.
    pos = draw(st.integers(1, min(nd1, nd2)))
    a = np.empty((*s1, n))
    b = np.empty((*s2, n))
    a_shape = np.moveaxis(a, -1, -pos).shape
    b_shape = np.moveaxis(b, -1, -pos).shape
    return (draw(arr(a_shape)), draw(arr(b_shape))), {"axis": -pos}


@st.composite
def matvec_inputs(draw: st.DrawFn, vec_first: bool) -> Inputs:
    s1, s2 = draw(tdt.broadcastable_shapes(2, 0, 2, max_side=3))
    m, n = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    if vec_first:
        return (draw(arr((*s1, n))), draw(arr((*s2, n, m)))), {}
    return (draw(arr((*s1, m, n))), draw(arr((*s2, n)))), {}


@st.composite
def trapezoid_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=4))
    ax = draw(signed(len(shape)))
    y = draw(arr(shape))
    form = draw(st.integers(0, 2))
    if form == 0:
        return (y,), {"axis": ax, "dx": draw(floats(0.1, 2))}
    if form == 1:
        return (y, draw(arr((shape[ax],)))), {"axis": ax}
    return (y, draw(arr(shape))), {"axis": ax}


@st.composite
def interp_inputs(draw: st.DrawFn) -> Inputs:
    n = draw(st.integers(1, 5))
    knots = sorted(draw(st.lists(grid(0.25, -2, 2), min_size=n, max_size=n, unique=True)))
    xp = np.array(knots)
    fp = draw(arr((n,)))
    x = draw(arr(tdt.shapes(0, 2, max_side=4), away(knots, -3, 3)))
    kwargs: dict[str, Any] = {"xp": xp}
    if draw(st.booleans()):
        kwargs["left"] = draw(floats())
    if draw(st.booleans()):
        kwargs["right"] = draw(floats())
    return (x, fp), kwargs


@st.composite
def interp_period_inputs(draw: st.DrawFn) -> Inputs:
    n = draw(st.integers(2, 5))
    knots = draw(st.lists(grid(0.25, 0, 7.75), min_size=n, max_size=n, unique=True))
    period = 8.0
    xp = np.array(knots)
    fp = draw(arr((n,)))
    # x anywhere (several periods); its reduction modulo 8 stays away from the knots.
    near = [k + j * period for k in knots for j in range(-1, 2)] + [-period, 0.0, period]
    points = sorted({round(p, 6) for p in near if -8.5 <= p <= 8.5})
    x = draw(arr(tdt.shapes(0, 2, max_side=4), away(points, -8, 8)))
    return (x, fp), {"xp": xp, "period": period}


@st.composite
def convolve_inputs(draw: st.DrawFn) -> Inputs:
    a = draw(arr((draw(st.integers(1, 5)),)))
    v = draw(arr((draw(st.integers(1, 5)),)))
    return (a, v), {"mode": draw(st.sampled_from(("full", "same", "valid")))}


@st.composite
def polyval_inputs(draw: st.DrawFn) -> Inputs:
    p = draw(arr((draw(st.integers(1, 4)),)))
    return (p, draw(arr(tdt.shapes(0, 2, max_side=3)))), {}


@st.composite
def meshgrid_inputs(draw: st.DrawFn) -> Inputs:
    k = draw(st.integers(1, 3))
    xs = tuple(draw(arr((draw(st.integers(1, 3)),))) for _ in range(k))
    return xs, {"indexing": draw(st.sampled_from(("xy", "ij"))), "sparse": draw(st.booleans())}


@st.composite
def broadcast_arrays_inputs(draw: st.DrawFn) -> Inputs:
    k = draw(st.integers(1, 3))
    shapes = draw(tdt.broadcastable_shapes(k, 0, 3, max_side=3))
    return tuple(draw(arr(s)) for s in shapes), {}


@st.composite
def delete_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=4))
    axis = draw(st.none() | signed(len(shape)))
    n = int(np.prod(shape)) if axis is None else shape[axis]
    form = draw(st.integers(0, 2))
    obj: Any
    if form == 0:
        obj = draw(st.integers(-n, n - 1))
    elif form == 1:
        obj = slice(draw(st.integers(0, n)), None, draw(st.integers(1, 2)))
    else:
        obj = draw(st.lists(st.integers(0, n - 1), max_size=3))
    return (draw(arr(shape)),), {"obj": obj, "axis": axis}


@st.composite
def insert_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=3))
    a = draw(arr(shape))
    form = draw(st.integers(0, 2))
    if form == 0:  # flattened, values a 1-D run inserted at one place
        obj: Any = draw(st.integers(0, a.size))
        return (a, draw(arr((draw(st.integers(1, 3)),)))), {"obj": obj, "axis": None}
    axis = draw(signed(len(shape)))
    n = shape[axis]
    rest = list(shape)
    if form == 1:  # one slice inserted: values of arr's shape without the axis (or scalar)
        obj = draw(st.integers(-n, n))
        del rest[axis]
        vshape = tuple(rest) if draw(st.booleans()) else ()
    else:  # several positions: values with len(obj) along the axis
        obj = draw(st.lists(st.integers(0, n), min_size=1, max_size=3))
        rest[axis] = len(obj)
        vshape = tuple(rest)
    return (a, draw(arr(vshape))), {"obj": obj, "axis": axis}


@st.composite
def select_inputs(draw: st.DrawFn) -> Inputs:
    k = draw(st.integers(1, 3))
    shapes = draw(tdt.broadcastable_shapes(2 * k + 1, 0, 2, max_side=3))
    conds = [draw(tdt.arrays(np.bool_, s)) for s in shapes[:k]]
    choices = tuple(draw(arr(s)) for s in shapes[k : 2 * k])
    default = draw(arr(shapes[-1]))
    return (default, *choices), {"condlist": conds}


def _select(default: Any, *choices: Any, condlist: Any, xp: Any) -> Any:
    return xp.select(condlist, list(choices), default)


@st.composite
def compress_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=4))
    axis = draw(st.none() | signed(len(shape)))
    n = int(np.prod(shape)) if axis is None else shape[axis]
    cond = draw(tdt.arrays(np.bool_, (draw(st.integers(0, n)),)))
    return (draw(arr(shape)),), {"condition": cond, "axis": axis}


@st.composite
def extract_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(0, 3, max_side=4))
    return (draw(arr(shape)),), {"condition": draw(tdt.arrays(np.bool_, shape))}


@st.composite
def resize_inputs(draw: st.DrawFn) -> Inputs:
    a = draw(arr(tdt.shapes(0, 2, max_side=3)))
    new_shape: Any = draw(tdt.shapes(0, 3, max_side=4))
    if len(new_shape) == 1 and draw(st.booleans()):
        new_shape = new_shape[0]
    return (a,), {"new_shape": new_shape}


@st.composite
def unstack_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=3))
    return (draw(arr(shape)),), {"axis": draw(signed(len(shape)))}


@st.composite
def cumulative_inputs(draw: st.DrawFn, elements: Any = None) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=3))
    kwargs: dict[str, Any] = {"include_initial": draw(st.booleans())}
    if len(shape) > 1 or draw(st.booleans()):
        kwargs["axis"] = draw(signed(len(shape)))
    return (draw(arr(shape, elements)),), kwargs


@st.composite
def reduce_masked_inputs(draw: st.DrawFn, kind: str) -> Inputs:
    """Reductions with NumPy's initial= and where= (axis None/int/tuple, keepdims)."""
    shape = draw(tdt.shapes(1, 3, max_side=3))
    elements = {"prod": away([0.0], -2, 2), "extreme": grid(1 / 32, -4, 4)}.get(kind, floats())
    x = draw(tdt.arrays(np.float64, shape, elements=elements, unique=kind == "extreme"))
    mask = draw(tdt.arrays(np.bool_, draw(st.sampled_from([shape, shape[1:], ()]))))
    kwargs: dict[str, Any] = {"axis": draw(tdt.axes(len(shape))), "keepdims": draw(st.booleans())}
    if kind == "mean":
        # axis=None and the first element kept: never a mean of nothing (NaN).
        # (.flat, not reshape(-1): np.array keeps a broadcast mask's strides, so its copy of a
        # row mask is not C-contiguous and reshape(-1) would write to a temporary copy, leaving
        # an all-False mask and a mean of nothing.)
        mask = np.array(np.broadcast_to(mask, shape))
        mask.flat[0] = True
        kwargs["axis"] = None
    else:
        # Off the grid of x (odd multiples of 1/64): initial never ties with an element.
        kwargs["initial"] = draw(st.integers(-64, 63).map(lambda k: (2 * k + 1) / 64))
    kwargs["where"] = mask
    return (x,), kwargs


def _np(name: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(np, name)(*args, **kwargs)

    return call


ROWS: tuple[OpCase, ...] = (
    # arithmetic (tapediff/ops/arith.py)
    OpCase(
        "floor_divide",
        _op("floor_divide"),
        np.floor_divide,
        nary(DIVIDENDS, DIVISORS),
        "as remainder: x1 / x2 never an integer",
    ),
    OpCase(
        "floor_divide[operator]",
        lambda a, b: td.tensor(a) // b if not isinstance(a, td.Tensor) else a // b,
        lambda a, b: a // b,
        nary(DIVIDENDS, DIVISORS),
        "the // operator",
    ),
    OpCase(
        "divmod",
        _op("divmod"),
        np.divmod,
        nary(DIVIDENDS, DIVISORS),
        "as remainder; both outputs",
    ),
    OpCase(
        "divmod[builtin]",
        lambda a, b: divmod(a, b),
        lambda a, b: divmod(a, b),
        nary(DIVIDENDS, DIVISORS),
        "Python's divmod on tensors (__divmod__)",
    ),
    OpCase("fmod", _op("fmod"), np.fmod, nary(DIVIDENDS, DIVISORS), "x1 / x2 never an integer"),
    OpCase("positive", _op("positive"), np.positive, unary()),
    OpCase(
        "around",
        _op("around"),
        np.around,
        unary(away([k / 20 for k in range(-60, 61)]), decimals=st.sampled_from((0, 1))),
        "off multiples of 0.05",
    ),
    OpCase("rint", _op("rint"), np.rint, unary(away(HALVES)), "off half-integers"),
    OpCase("fix", _op("fix"), np.fix, unary(away(INTEGERS)), "off integers"),
    OpCase(
        "copysign",
        _op("copysign"),
        np.copysign,
        nary(away([0.0]), away([0.0])),
        "|x1|, |x2| >= MARGIN",
    ),
    OpCase(
        "copysign[at_zero]",
        _op("copysign"),
        np.copysign,
        nary(st.just(0.0) | away([0.0]), away([0.0])),
        "exact zeros in x1: gradient 0, as the central difference there",
        second_order=False,  # sign(x1) jumps at 0
    ),
    OpCase(
        "float_power",
        _op("float_power"),
        np.float_power,
        nary(floats(0.5, 2.5), floats(-2, 2)),
        "x1 in [0.5, 2.5]",
        same_dtype=False,  # float64 whatever the input, as NumPy
    ),
    OpCase(
        "heaviside",
        _op("heaviside"),
        np.heaviside,
        nary(away([0.0]), floats()),
        "|x1| >= MARGIN (the value x2 at x1 == 0 is tested in test_more.py)",
    ),
    # statistics
    OpCase("ptp", _op("ptp"), np.ptp, ptp_inputs(), "distinct values 1/32 apart"),
    # NumPy's initial= and where= for the reductions (tapediff/ops/reductions.py)
    OpCase(
        "sum[initial_where]",
        _op("sum"),
        np.sum,
        reduce_masked_inputs("sum"),
        "initial added, masked elements left out, mask broadcast",
    ),
    OpCase(
        "prod[initial_where]",
        _op("prod"),
        np.prod,
        reduce_masked_inputs("prod"),
        "no zeros; initial multiplied in, masked elements left out",
    ),
    OpCase(
        "mean[where]",
        _op("mean"),
        np.mean,
        reduce_masked_inputs("mean"),
        "at least one element kept",
    ),
    OpCase(
        "max[initial_where]",
        _op("max"),
        np.max,
        reduce_masked_inputs("extreme"),
        "distinct values 1/32 apart, initial off their grid (no ties)",
    ),
    OpCase(
        "min[initial_where]",
        _op("min"),
        np.min,
        reduce_masked_inputs("extreme"),
        "distinct values 1/32 apart, initial off their grid (no ties)",
    ),
    OpCase(
        "cov",
        _op("cov"),
        np.cov,
        cov_inputs(),
        "rowvar, bias, ddof, fweights, aweights, a second variable y",
        same_dtype=False,  # float64, as NumPy
    ),
    OpCase(
        "corrcoef",
        _op("corrcoef"),
        np.corrcoef,
        corrcoef_raw().filter(_corr_ok),
        "off-diagonal coefficients inside (-0.99, 0.99), away from the clip",
        same_dtype=False,
    ),
    # vector and matrix products
    OpCase("vdot", _op("vdot"), np.vdot, vdot_inputs(), "same size, any shapes"),
    OpCase("vecdot", _op("vecdot"), _np("vecdot"), vecdot_inputs(), "broadcast, axis"),
    OpCase(
        "linalg.vecdot",
        _op("linalg.vecdot"),
        lambda a, b, axis: np.linalg.vecdot(a, b, axis=axis),
        vecdot_inputs(),
    ),
    OpCase("matvec", _op("matvec"), _np("matvec"), matvec_inputs(False), "broadcast batches"),
    OpCase("vecmat", _op("vecmat"), _np("vecmat"), matvec_inputs(True), "broadcast batches"),
    OpCase(
        "matrix_transpose",
        _op("matrix_transpose"),
        _np("matrix_transpose"),
        unary(shapes=tdt.shapes(2, 4, max_side=3)),
    ),
    OpCase(
        "linalg.matrix_transpose",
        _op("linalg.matrix_transpose"),
        np.linalg.matrix_transpose,
        unary(shapes=tdt.shapes(2, 4, max_side=3)),
    ),
    # integration, interpolation, polynomials, convolution
    OpCase("trapezoid", _op("trapezoid"), _np("trapezoid"), trapezoid_inputs(), "dx, 1-d or n-d x"),
    OpCase(
        "interp",
        lambda x, fp, **kw: td.interp(x, kw.pop("xp"), fp, **kw),
        lambda x, fp, **kw: np.interp(x, kw.pop("xp"), fp, **kw),
        interp_inputs(),
        "x away from the knots, inside and outside [xp[0], xp[-1]], left/right given or not",
        same_dtype=False,  # float64, as NumPy
    ),
    OpCase(
        "interp[period]",
        lambda x, fp, **kw: td.interp(x, kw.pop("xp"), fp, **kw),
        lambda x, fp, **kw: np.interp(x, kw.pop("xp"), fp, **kw),
        interp_period_inputs(),
        "period 8, x over several periods, away from the knots modulo 8",
        same_dtype=False,
    ),
    OpCase("convolve", _op("convolve"), np.convolve, convolve_inputs(), "modes full/same/valid"),
    OpCase("correlate", _op("correlate"), np.correlate, convolve_inputs(), "modes, any lengths"),
    OpCase("polyval", _op("polyval"), np.polyval, polyval_inputs()),
    # grids, broadcasting and selection
    OpCase("meshgrid", _op("meshgrid"), np.meshgrid, meshgrid_inputs(), "xy/ij, sparse"),
    OpCase(
        "broadcast_arrays", _op("broadcast_arrays"), np.broadcast_arrays, broadcast_arrays_inputs()
    ),
    OpCase("delete", _op("delete"), np.delete, delete_inputs(), "int, slice, list; axis or None"),
    OpCase(
        "insert",
        lambda a, v, obj, axis: td.insert(a, obj, v, axis=axis),
        lambda a, v, obj, axis: np.insert(a, obj, v, axis=axis),
        insert_inputs(),
        "flattened, one slice, several positions; values differentiable",
    ),
    OpCase(
        "select",
        lambda d, *cs, condlist: _select(d, *cs, condlist=condlist, xp=td),
        lambda d, *cs, condlist: _select(d, *cs, condlist=condlist, xp=np),
        select_inputs(),
        "broadcast conditions, choices and default",
    ),
    OpCase(
        "compress",
        lambda a, condition, axis: td.compress(condition, a, axis=axis),
        lambda a, condition, axis: np.compress(condition, a, axis=axis),
        compress_inputs(),
        "short conditions, axis or None",
    ),
    OpCase(
        "extract",
        lambda a, condition: td.extract(condition, a),
        lambda a, condition: np.extract(condition, a),
        extract_inputs(),
    ),
    OpCase("resize", _op("resize"), np.resize, resize_inputs(), "smaller, larger, repeated"),
    OpCase("unstack", _op("unstack"), _np("unstack"), unstack_inputs()),
    OpCase("cumulative_sum", _op("cumulative_sum"), _np("cumulative_sum"), cumulative_inputs()),
    OpCase(
        "cumulative_prod",
        _op("cumulative_prod"),
        _np("cumulative_prod"),
        cumulative_inputs(grid(0.25, -2, 2)),
        "zeros included (cumprod's gradient is exact there)",
    ),
)
