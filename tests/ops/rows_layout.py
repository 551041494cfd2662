"""Rows for cumulative, sorting, difference, layout and contraction ops, and for the
constructors built from tensors (tapediff/ops/{cumulative,sorting,layout,contractions,
constructors}.py, issue 7).

Sort and partition draw distinct values (no ties, so the routing is unique and central
differences never cross a swap); cumprod draws exact zeros (its gradient is exact there, to
second order too); gradient's coordinates are increasing with gaps of at least 1/4. Every op
here is linear or polynomial, so every row checks second order.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from hypothesis import strategies as st
from op_case import Inputs, OpCase, _op, arr, away, floats, grid, nary, unary

import tapediff as td
from tapediff import testing as tdt
from tapediff.ops import constructors, contractions, cumulative, layout, sorting

MODULES = (cumulative, sorting, layout, contractions, constructors)

NOT_DIFFERENTIABLE = {"arange", "eye", "ones", "zeros", "ones_like", "zeros_like"}

REQUIRED = {
    "cumsum",
    "cumprod",
    "sort",
    "partition",
    "diff",
    "gradient",
    "flip",
    "flipud",
    "fliplr",
    "rot90",
    "roll",
    "rollaxis",
    "take_along_axis",
    "diag",
    "diagonal",
    "triu",
    "tril",
    "trace",
    "vstack",
    "hstack",
    "column_stack",
    "dstack",
    "append",
    "vsplit",
    "hsplit",
    "dsplit",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "inner",
    "kron",
    "cross",
    "full",
    "full_like",
    "linspace",
}

DISTINCT = grid(1 / 32, -4, 4)


def _axis_or_none(ndim: int) -> st.SearchStrategy[int | None]:
    if ndim == 0:
        return st.none()
    return st.none() | st.integers(-ndim, ndim - 1)


@st.composite
def cumulative_inputs(draw: st.DrawFn, zeros: bool = False) -> Inputs:
    shape = draw(tdt.shapes(0, 3, max_side=4))
    # Away from 0 (as prod's rows): the quotient y_i / x_j in the gradient loses accuracy in
    # its derivative like 1 / |x_j|; exact zeros take the division-free path.
    el = away([0.0], -2, 2)
    if zeros:  # exact zeros, often several in one slice
        el = st.just(0.0) | el
    x = draw(arr(shape, el))
    axis = draw(
        _axis_or_none(max(len(shape), 1)) if shape else st.none() | st.sampled_from((0, -1))
    )
    return (x,), {"axis": axis}


@st.composite
def sort_inputs(draw: st.DrawFn, kth: bool = False) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=4))
    x = draw(tdt.arrays(np.float64, shape, elements=DISTINCT, unique=True))
    axis = draw(_axis_or_none(len(shape)))
    kw: dict[str, Any] = {"axis": axis}
    if kth:
        n = x.size if axis is None else shape[axis]
        one = st.integers(-n, n - 1)
        kw["kth"] = draw(one | st.lists(st.integers(0, n - 1), min_size=1, max_size=3))
    return (x,), kw


@st.composite
def take_along_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=3))
    axis = draw(_axis_or_none(len(shape)))
    x = draw(arr(shape))
    if axis is None:
        idx_shape: tuple[int, ...] = (draw(st.integers(0, 5)),)
        n = x.size
    else:
        # The other axes: the array's length or 1 (broadcast); the indexed axis any length.
        idx_shape = tuple(
            draw(st.integers(0, 4)) if i == axis else draw(st.sampled_from((1, s)))
            for i, s in enumerate(shape)
        )
        n = shape[axis]
    idx = draw(tdt.arrays(np.intp, idx_shape, elements=st.integers(-n, n - 1)))
    return (x,), {"indices": idx, "axis": axis}


@st.composite
def diff_inputs(draw: st.DrawFn, edges: bool = False) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=4))
    x = draw(arr(shape))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    n = draw(st.integers(0, 3))
    if not edges:
        kw: dict[str, Any] = {"n": n, "axis": axis}
        if draw(st.booleans()):
            kw["prepend"] = np.array(draw(floats()))  # 0-d: float32 in the float32 run
        return (x,), kw
    ax = axis % len(shape)

    def edge() -> Any:
        s = list(shape)
        s[ax] = draw(st.integers(1, 2))
        return draw(arr(tuple(s)))

    return (x, edge(), edge()), {"n": n, "axis": axis}


def _diff_edges(x: Any, pre: Any, app: Any, n: int, axis: int) -> Any:
    return td.diff(x, n, axis, prepend=pre, append=app)


def _np_diff_edges(x: Any, pre: Any, app: Any, n: int, axis: int) -> Any:
    return np.diff(x, n, axis, prepend=pre, append=app)


@st.composite
def gradient_inputs(draw: st.DrawFn) -> Inputs:
    edge_order = draw(st.sampled_from((1, 2)))
    shape = draw(tdt.shapes(1, 3, min_side=edge_order + 1, max_side=4))
    x = draw(arr(shape))
    axis = draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    kw: dict[str, Any] = {"axis": axis, "edge_order": edge_order}
    spacing = draw(st.none() | grid(0.25, 0.25, 2.0))
    return (x,), kw if spacing is None else {**kw, "spacing": spacing}


def _gradient(x: Any, spacing: Any = None, **kw: Any) -> Any:
    return td.gradient(x, **kw) if spacing is None else td.gradient(x, spacing, **kw)


def _np_gradient(x: Any, spacing: Any = None, **kw: Any) -> Any:
    return np.gradient(x, **kw) if spacing is None else np.gradient(x, spacing, **kw)


@st.composite
def gradient_coordinate_inputs(draw: st.DrawFn) -> Inputs:
    """1-D coordinates per axis, increasing with gaps in [1/4, 2] (differentiable too)."""
    edge_order = draw(st.sampled_from((1, 2)))
    shape = draw(tdt.shapes(1, 2, min_side=edge_order + 1, max_side=4))
    x = draw(arr(shape))
    coords = []
    for n in shape:
        gaps = draw(arr((n - 1,), floats(0.25, 2.0)))
        coords.append(np.concatenate([[draw(floats(-2, 2))], gaps]).cumsum())
    return (x, *coords), {"edge_order": edge_order}


@st.composite
def flip_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(0, 4, max_side=3))
    return (draw(arr(shape)),), {"axis": draw(tdt.axes(len(shape)))}


@st.composite
def rot90_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(2, 4, max_side=3))
    nd = len(shape)
    a0, a1 = draw(st.lists(st.integers(0, nd - 1), min_size=2, max_size=2, unique=True))
    a0 -= draw(st.sampled_from((0, nd)))
    return (draw(arr(shape)),), {"k": draw(st.integers(-5, 5)), "axes": (a0, a1)}


@st.composite
def roll_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(0, 3, max_side=4))
    x = draw(arr(shape))
    if not shape or draw(st.booleans()):
        return (x,), {"shift": draw(st.integers(-7, 7)), "axis": None}
    nd = len(shape)
    if draw(st.booleans()):
        return (x,), {"shift": draw(st.integers(-7, 7)), "axis": draw(st.integers(-nd, nd - 1))}
    axes = draw(st.lists(st.integers(-nd, nd - 1), min_size=1, max_size=3))  # repeats add up
    shifts = draw(st.lists(st.integers(-7, 7), min_size=len(axes), max_size=len(axes)))
    return (x,), {"shift": tuple(shifts), "axis": tuple(axes)}


@st.composite
def rollaxis_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 4, max_side=3))
    nd = len(shape)
    return (draw(arr(shape)),), {
        "axis": draw(st.integers(-nd, nd - 1)),
        "start": draw(st.integers(-nd, nd)),
    }


@st.composite
def diag_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 2, max_side=4))
    return (draw(arr(shape)),), {"k": draw(st.integers(-4, 4))}


@st.composite
def diagonal_inputs(draw: st.DrawFn, trace: bool = False) -> Inputs:
    shape = draw(tdt.shapes(2, 4, max_side=3))
    nd = len(shape)
    a1, a2 = draw(
        st.lists(st.integers(-nd, nd - 1), min_size=2, max_size=2, unique_by=lambda a: a % nd)
    )
    return (draw(arr(shape)),), {"offset": draw(st.integers(-3, 3)), "axis1": a1, "axis2": a2}


@st.composite
def triangle_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 4, max_side=4))
    return (draw(arr(shape)),), {"k": draw(st.integers(-3, 3))}


@st.composite
def stack_inputs(draw: st.DrawFn, nd: int) -> Inputs:
    """2-3 arrays that join after atleast_{nd}d along the stacking axis of ``nd``."""
    count = draw(st.integers(1, 3))
    rank = draw(st.integers(0, 3))
    shape = list(draw(tdt.shapes(rank, rank, max_side=3)))
    arrays = []
    for _ in range(count):
        s = list(shape)
        # The stacking axis of the lifted arrays may differ in length: only vary it where the
        # input's own axis is the one joined (vstack: 0 of a >= 2-d; hstack: 1 or 0 of 1-d...).
        join = {2: 0, 1: 1 if rank > 1 else 0, 3: 2}[nd]
        if rank > join and (nd != 2 or rank >= 2):
            s[join] = draw(st.integers(1, 3))
        arrays.append(draw(arr(tuple(s))))
    return tuple(arrays), {}


@st.composite
def column_stack_inputs(draw: st.DrawFn) -> Inputs:
    n = draw(st.integers(1, 3))
    arrays = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            arrays.append(draw(arr((n,))))
        else:
            arrays.append(draw(arr((n, draw(st.integers(1, 3))))))
    return tuple(arrays), {}


@st.composite
def append_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(0, 3, max_side=3))
    x = draw(arr(shape))
    if not shape or draw(st.booleans()):
        return (x, draw(arr(draw(tdt.shapes(0, 2, max_side=3))))), {"axis": None}
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    s = list(shape)
    s[axis] = draw(st.integers(1, 3))
    return (x, draw(arr(tuple(s)))), {"axis": axis}


@st.composite
def nsplit_inputs(draw: st.DrawFn, min_dims: int, axis: int) -> Inputs:
    shape = list(draw(tdt.shapes(min_dims, min_dims + 1, max_side=3)))
    ax = axis if len(shape) > 1 or axis == 0 else 0
    if draw(st.booleans()):
        sections = draw(st.integers(1, 3))
        shape[ax] = sections * draw(st.integers(1, 2))
        how: Any = sections
    else:
        how = sorted(draw(st.lists(st.integers(0, shape[ax]), max_size=3)))
    return (draw(arr(tuple(shape))),), {"indices_or_sections": how}


@st.composite
def inner_inputs(draw: st.DrawFn) -> Inputs:
    n = draw(st.integers(1, 3))
    sa = draw(tdt.shapes(0, 3, max_side=3))
    sb = draw(tdt.shapes(0, 3, max_side=3))
    if sa and sb:
        sa, sb = (*sa[:-1], n), (*sb[:-1], n)
    return (draw(arr(sa)), draw(arr(sb))), {}


@st.composite
def kron_inputs(draw: st.DrawFn) -> Inputs:
    return (draw(arr(tdt.shapes(0, 3, max_side=3))), draw(arr(tdt.shapes(0, 3, max_side=3)))), {}


@st.composite
def cross_inputs(draw: st.DrawFn) -> Inputs:
    sa, sb = draw(tdt.broadcastable_shapes(2, 0, 2, max_side=3))
    na, nb = draw(st.sampled_from(((3, 3), (3, 3), (2, 3), (3, 2), (2, 2))))
    ia = draw(st.integers(-len(sa) - 1, len(sa)))
    ib = draw(st.integers(-len(sb) - 1, len(sb)))
    a = np.moveaxis(draw(arr((*sa, na))), -1, ia)
    b = np.moveaxis(draw(arr((*sb, nb))), -1, ib)
    kw: dict[str, Any] = {"axisa": ia, "axisb": ib}
    if na == 3 or nb == 3:
        nd = len(np.broadcast_shapes(sa, sb)) + 1
        kw["axisc"] = draw(st.integers(-nd, nd - 1))
    return (a, b), kw


def _quiet(f: Any) -> Any:
    """``f`` with the DeprecationWarning for 2-component vectors silenced (NumPy and ours)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return f(*args, **kwargs)

    return call


@st.composite
def full_inputs(draw: st.DrawFn) -> Inputs:
    fill_shape = draw(tdt.shapes(0, 2, max_side=3))
    shape = (*draw(tdt.shapes(0, 2, max_side=3)), *fill_shape)
    return (draw(arr(fill_shape)),), {"shape": shape}


@st.composite
def full_like_inputs(draw: st.DrawFn) -> Inputs:
    (fill,), kw = draw(full_inputs())
    return (fill,), {"a": np.zeros(kw["shape"])}


@st.composite
def linspace_inputs(draw: st.DrawFn) -> Inputs:
    s1, s2 = draw(tdt.broadcastable_shapes(2, 0, 2, max_side=3))
    nd = len(np.broadcast_shapes(s1, s2)) + 1
    return (draw(arr(s1)), draw(arr(s2))), {
        "num": draw(st.integers(0, 5)),
        "endpoint": draw(st.booleans()),
        "axis": draw(st.integers(-nd, nd - 1)),
    }


def _vary(f: Any) -> Any:
    """A variadic stacking function called as f(*arrays) on its sequence."""
    return lambda *xs: f(list(xs))


ROWS: tuple[OpCase, ...] = (
    OpCase("cumsum", _op("cumsum"), np.cumsum, cumulative_inputs()),
    OpCase("cumprod", _op("cumprod"), np.cumprod, cumulative_inputs(), "|x| >= MARGIN"),
    OpCase(
        "cumprod[zeros]",
        _op("cumprod"),
        np.cumprod,
        cumulative_inputs(zeros=True),
        "exact zeros, several per slice, else |x| >= MARGIN: exact to second order at zeros",
    ),
    OpCase("sort", _op("sort"), np.sort, sort_inputs(), "distinct values, axis None or int"),
    OpCase("partition", _op("partition"), np.partition, sort_inputs(kth=True), "distinct values"),
    OpCase("take_along_axis", _op("take_along_axis"), np.take_along_axis, take_along_inputs()),
    OpCase("diff", _op("diff"), np.diff, diff_inputs(), "n 0-3, scalar prepend"),
    OpCase(
        "diff[edges]",
        _diff_edges,
        _np_diff_edges,
        diff_inputs(edges=True),
        "prepend and append arrays, differentiable too",
    ),
    OpCase("gradient", _gradient, _np_gradient, gradient_inputs(), "edge_order 1 and 2"),
    OpCase(
        "gradient[coordinates]",
        lambda x, *c, **kw: td.gradient(x, *c, **kw),
        lambda x, *c, **kw: np.gradient(x, *c, **kw),
        gradient_coordinate_inputs(),
        "increasing coordinates per axis (gaps >= 1/4), differentiable too",
    ),
    OpCase("flip", _op("flip"), np.flip, flip_inputs()),
    OpCase("flipud", _op("flipud"), np.flipud, unary(shapes=tdt.shapes(1, 3, max_side=3))),
    OpCase("fliplr", _op("fliplr"), np.fliplr, unary(shapes=tdt.shapes(2, 3, max_side=3))),
    OpCase("rot90", _op("rot90"), np.rot90, rot90_inputs()),
    OpCase("roll", _op("roll"), np.roll, roll_inputs(), "shift/axis tuples with repeats"),
    OpCase("rollaxis", _op("rollaxis"), np.rollaxis, rollaxis_inputs()),
    OpCase("diag", _op("diag"), np.diag, diag_inputs(), "1-d to 2-d and 2-d to 1-d"),
    OpCase("diagonal", _op("diagonal"), np.diagonal, diagonal_inputs()),
    OpCase("trace", _op("trace"), np.trace, diagonal_inputs()),
    OpCase("triu", _op("triu"), np.triu, triangle_inputs(), "1-d inputs too"),
    OpCase("tril", _op("tril"), np.tril, triangle_inputs()),
    OpCase("vstack", _vary(td.vstack), _vary(np.vstack), stack_inputs(2)),
    OpCase("hstack", _vary(td.hstack), _vary(np.hstack), stack_inputs(1)),
    OpCase("dstack", _vary(td.dstack), _vary(np.dstack), stack_inputs(3)),
    OpCase("column_stack", _vary(td.column_stack), _vary(np.column_stack), column_stack_inputs()),
    OpCase("append", _op("append"), np.append, append_inputs()),
    OpCase("vsplit", _op("vsplit"), np.vsplit, nsplit_inputs(2, 0)),
    OpCase("hsplit", _op("hsplit"), np.hsplit, nsplit_inputs(1, 1)),
    OpCase("dsplit", _op("dsplit"), np.dsplit, nsplit_inputs(3, 2)),
    OpCase("atleast_1d", _op("atleast_1d"), np.atleast_1d, unary(shapes=tdt.shapes(0, 3))),
    OpCase("atleast_2d", _op("atleast_2d"), np.atleast_2d, unary(shapes=tdt.shapes(0, 3))),
    OpCase("atleast_3d", _op("atleast_3d"), np.atleast_3d, unary(shapes=tdt.shapes(0, 4))),
    OpCase(
        "atleast_2d[several]",
        _op("atleast_2d"),
        np.atleast_2d,
        nary(floats(), floats()),
        "two inputs: a tuple",
    ),
    OpCase("inner", _op("inner"), np.inner, inner_inputs(), "scalars multiply"),
    OpCase("kron", _op("kron"), np.kron, kron_inputs(), "ranks 0-3, different ranks"),
    OpCase(
        "cross",
        _quiet(td.cross),
        _quiet(np.cross),
        cross_inputs(),
        "3- and 2-vectors, axisa/axisb/axisc, broadcast",
    ),
    OpCase(
        "cross[axis]",
        lambda a, b, axis: td.cross(a, b, axis=axis),
        lambda a, b, axis: np.cross(a, b, axis=axis),
        st.tuples(arr((3, 2)), arr((3, 2))).map(lambda ab: (ab, {"axis": 0})),
    ),
    OpCase(
        "full",
        lambda fill, shape: td.full(shape, fill),
        lambda fill, shape: np.full(shape, fill),
        full_inputs(),
        "a tensor fill value (broadcast)",
    ),
    OpCase(
        "full_like",
        lambda fill, a: td.full_like(a, fill),
        lambda fill, a: np.full_like(a, fill),
        full_like_inputs(),
        "a tensor fill value",
    ),
    OpCase("linspace", _op("linspace"), np.linspace, linspace_inputs(), "array ends, axis"),
)
