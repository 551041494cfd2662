"""OP_TABLE: one row per differentiable public op (several rows where an op has distinct modes).

The row type and the building blocks are in ``op_case.py``. The core rows are here; each
``rows_*.py`` module beside this one adds the rows of one area, collected below into the one
table every property test walks. The positional ``arrays`` of a row are what gradients are
checked against (every floating one; integer/boolean ones such as labels and masks pass
through); ``kwargs`` are static. Domain constraints live in the strategies (``domain`` says
which), so generated inputs stay at least ``MARGIN`` away from kinks, jumps and domain edges:
central differences with ``eps=1e-6`` are then exact up to rounding, and tolerances never need
loosening.

Rows are written against ``tapediff`` lazily (``_op("name")``), so the table imports while ops
are still being added; rows whose op is not exported yet are listed in ``PENDING`` instead
(test_table_complete.py fails while any remain).
"""

from __future__ import annotations

import importlib
import string
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_case import (
    Inputs,
    OpCase,
    _op,
    arr,
    away,
    floats,
    grid,
    integers_in,
    nary,
    resolve,
    unary,
)

import tapediff as td
from tapediff import testing as tdt

# ----- references for ops NumPy lacks -----


def _sigmoid(x: Any) -> Any:
    return 1 / (1 + np.exp(-x))


def _logsumexp(a: Any, axis: Any = None, keepdims: bool = False) -> Any:
    m = np.max(a, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    if not keepdims:
        out = np.squeeze(out, axis=axis if axis is not None else tuple(range(a.ndim)))
    return out


def _softmax(x: Any, axis: int = -1) -> Any:
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _log_softmax(x: Any, axis: int = -1) -> Any:
    return np.log(_softmax(x, axis))


def _cross_entropy_int(logits: Any, labels: Any, axis: int = -1) -> Any:
    logp = np.moveaxis(_log_softmax(logits, axis), axis, -1)
    return -np.take_along_axis(logp, labels[..., None], axis=-1)[..., 0]


def _cross_entropy_onehot(logits: Any, labels: Any, axis: int = -1) -> Any:
    return -np.sum(labels * _log_softmax(logits, axis), axis=axis)


def _scatter_add(a: Any, values: Any, key: Any) -> Any:
    out = np.array(a, dtype=np.float64)
    # Broadcast first: NumPy 2.4's np.add.at mis-broadcasts values against 2-D index arrays.
    np.add.at(out, key, np.broadcast_to(values, out[key].shape))
    return out


def _scatter_set(a: Any, values: Any, key: Any) -> Any:
    out = np.array(a, dtype=np.float64)
    out[key] = values
    return out


# ----- elementwise strategies -----


@st.composite
def clip_scalar_bounds(draw: st.DrawFn) -> Inputs:
    lo = draw(st.none() | grid(0.25, -2.0, 0.0))
    hi = draw(st.none() | grid(0.25, 0.25, 2.0))
    points = [b for b in (lo, hi) if b is not None]
    x = draw(arr(tdt.shapes(0, 3), away(points)))
    return (x,), {"a_min": lo, "a_max": hi}


@st.composite
def broadcastable_to(draw: st.DrawFn, shape: tuple[int, ...]) -> tuple[int, ...]:
    """A shape that broadcasts to ``shape``: a suffix of it, some lengths replaced by 1."""
    keep = draw(st.integers(0, len(shape)))
    return tuple(n if draw(st.booleans()) else 1 for n in shape[len(shape) - keep :])


@st.composite
def clip_array_bounds(draw: st.DrawFn, broadcast_a: bool = False) -> Inputs:
    # a on multiples of 1/4, bounds on odd multiples of 1/8: never equal, and lo < 0 < hi.
    if broadcast_a:  # the bounds have an extra leading axis, so a is broadcast to their shape
        sa = draw(tdt.shapes(0, 2, max_side=3))
        slo, shi = (2, *sa), draw(broadcastable_to(sa))
        if draw(st.booleans()):
            slo, shi = shi, slo
    else:
        sa = draw(tdt.shapes(0, 3, max_side=3))
        slo, shi = draw(broadcastable_to(sa)), draw(broadcastable_to(sa))
    a = draw(arr(sa, grid(0.25, -3.0, 3.0)))
    lo = draw(arr(slo, grid(0.25, -2.0, 0.0).map(lambda v: v - 0.125)))
    hi = draw(arr(shi, grid(0.25, 0.0, 2.0).map(lambda v: v + 0.125)))
    return (a, lo, hi), {}


@st.composite
def where_inputs(draw: st.DrawFn) -> Inputs:
    sc, sx, sy = draw(tdt.broadcastable_shapes(3, 0, 3, max_side=3))
    cond = draw(tdt.arrays(np.bool_, sc))
    return (cond, draw(arr(sx)), draw(arr(sy))), {}


# ----- reduction strategies -----


@st.composite
def reduce_inputs(
    draw: st.DrawFn,
    elements: st.SearchStrategy[float] | None = None,
    max_dims: int = 5,
    unique: bool = False,
    keepdims: bool = True,
) -> Inputs:
    """Rank 0..max_dims, axis None/int/tuple (negative too), keepdims both ways."""
    shape = draw(tdt.shapes(0, max_dims, max_side=3))
    x = draw(
        tdt.arrays(
            np.float64, shape, elements=floats() if elements is None else elements, unique=unique
        )
    )
    kwargs: dict[str, Any] = {"axis": draw(tdt.axes(len(shape)))}
    if keepdims:
        kwargs["keepdims"] = draw(st.booleans())
    return (x,), kwargs


@st.composite
def with_zeros(draw: st.DrawFn, zeros: int) -> Inputs:
    """An array with exactly ``zeros`` zeros; with two, reduced over everything (one slice)."""
    shape = draw(tdt.shapes(1, 3, max_side=3).filter(lambda s: int(np.prod(s)) >= zeros))
    x = draw(arr(shape, away([0.0], -2, 2)))
    flat = x.reshape(-1)
    for i in draw(st.permutations(range(flat.size)))[:zeros]:
        flat[i] = 0.0
    axis = draw(tdt.axes(len(shape))) if zeros == 1 else None
    return (x,), {"axis": axis, "keepdims": draw(st.booleans())}


def _count(shape: tuple[int, ...], axis: Any) -> int:
    if axis is None:
        return int(np.prod(shape))
    axs = (axis,) if isinstance(axis, int) else axis
    return int(np.prod([shape[a] for a in axs]))


@st.composite
def var_inputs(draw: st.DrawFn, for_std: bool) -> Inputs:
    # std is not differentiable where the variance is 0: every reduced group gets >= 2 distinct
    # values at least 1/16 apart. ddof=1 needs >= 2 values per group as well.
    shape = draw(tdt.shapes(1 if for_std else 0, 4, min_side=2 if for_std else 1, max_side=3))
    axis = draw(tdt.axes(len(shape)).filter(lambda a: not for_std or _count(shape, a) >= 2))
    x = draw(tdt.arrays(np.float64, shape, elements=grid(1 / 16), unique=True))
    ddof = draw(st.sampled_from((0, 1))) if _count(shape, axis) >= 2 else 0
    return (x,), {"axis": axis, "ddof": ddof, "keepdims": draw(st.booleans())}


# ----- shape strategies -----


@st.composite
def reshape_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(0, 5, max_side=3))
    return (draw(arr(shape)),), {"shape": draw(tdt.reshape_targets(shape))}


@st.composite
def transpose_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(0, 5, max_side=3))
    axes = draw(st.none() | tdt.permutations(len(shape)))
    return (draw(arr(shape)),), {"axes": axes}


def signed_axis(ndim: int) -> st.SearchStrategy[int]:
    return st.integers(-ndim, ndim - 1)


@st.composite
def swapaxes_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 5, max_side=3))
    n = len(shape)
    return (draw(arr(shape)),), {"axis1": draw(signed_axis(n)), "axis2": draw(signed_axis(n))}


@st.composite
def moveaxis_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 5, max_side=3))
    n = len(shape)
    k = draw(st.integers(1, n))
    src = draw(st.permutations(range(n)))[:k]
    dst = draw(st.permutations(range(n)))[:k]
    signed = [a - n if draw(st.booleans()) else a for a in (*src, *dst)]
    source: Any = tuple(signed[:k])
    destination: Any = tuple(signed[k:])
    if k == 1 and draw(st.booleans()):
        source, destination = source[0], destination[0]
    return (draw(arr(shape)),), {"source": source, "destination": destination}


@st.composite
def expand_dims_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(0, 3, max_side=3))
    k = draw(st.integers(1, 2))
    out_ndim = len(shape) + k
    positions = draw(st.permutations(range(out_ndim)))[:k]
    axis: Any = tuple(p - out_ndim if draw(st.booleans()) else p for p in positions)
    if k == 1 and draw(st.booleans()):
        axis = axis[0]
    return (draw(arr(shape)),), {"axis": axis}


@st.composite
def squeeze_inputs(draw: st.DrawFn) -> Inputs:
    base = list(draw(tdt.shapes(0, 3, min_side=2, max_side=3)))
    for _ in range(draw(st.integers(0, 3))):
        base.insert(draw(st.integers(0, len(base))), 1)
    shape = tuple(base)
    ones = [i for i, n in enumerate(shape) if n == 1]
    n = len(shape)
    chosen = draw(st.lists(st.sampled_from(ones), unique=True)) if ones else []
    axis: Any = tuple(a - n if draw(st.booleans()) else a for a in chosen)
    if draw(st.booleans()):
        axis = None
    elif len(axis) == 1 and draw(st.booleans()):
        axis = axis[0]
    return (draw(arr(shape)),), {"axis": axis}


@st.composite
def broadcast_to_inputs(draw: st.DrawFn) -> Inputs:
    target = draw(tdt.shapes(0, 4, max_side=3))
    return (draw(arr(draw(broadcastable_to(target)))),), {"shape": target}


@st.composite
def concatenate_inputs(draw: st.DrawFn) -> Inputs:
    count = draw(st.integers(1, 3))
    if draw(st.integers(0, 4)) == 0:  # axis=None: flatten everything first
        xs = tuple(draw(arr(tdt.shapes(1, 3, max_side=3))) for _ in range(count))
        return xs, {"axis": None}
    shape = list(draw(tdt.shapes(1, 3, max_side=3)))
    axis = draw(signed_axis(len(shape)))
    xs_list = []
    for _ in range(count):
        shape[axis] = draw(st.integers(1, 3))
        xs_list.append(draw(arr(tuple(shape))))
    return tuple(xs_list), {"axis": axis}


@st.composite
def stack_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(0, 3, max_side=3))
    count = draw(st.integers(1, 3))
    axis = draw(st.integers(-len(shape) - 1, len(shape)))
    return tuple(draw(arr(shape)) for _ in range(count)), {"axis": axis}


@st.composite
def split_inputs(draw: st.DrawFn, uneven: bool = False) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=4))
    axis = draw(signed_axis(len(shape)))
    length = shape[axis]
    sections: Any
    if draw(st.booleans()):
        # split needs equal parts; array_split takes any count, even more parts than elements
        counts = (
            range(1, length + 3) if uneven else [d for d in range(1, length + 1) if length % d == 0]
        )
        sections = draw(st.sampled_from(list(counts)))
    else:
        sections = sorted(draw(st.lists(st.integers(0, length), max_size=3)))
    return (draw(arr(shape)),), {"indices_or_sections": sections, "axis": axis}


@st.composite
def pad_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=3))
    width = st.integers(0, 2)
    form = draw(st.integers(0, 2))
    pad_width: Any
    if form == 0:
        pad_width = draw(width)
    elif form == 1:
        pad_width = (draw(width), draw(width))
    else:
        pad_width = tuple((draw(width), draw(width)) for _ in shape)
    return (draw(arr(shape)),), {"pad_width": pad_width}


@st.composite
def tile_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(0, 3, max_side=3))
    reps: Any = draw(st.integers(0, 3) | st.tuples(*[st.integers(1, 2)] * draw(st.integers(0, 4))))
    return (draw(arr(shape)),), {"reps": reps}


@st.composite
def repeat_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(0, 3, max_side=3))
    axis = draw(st.none() | signed_axis(len(shape))) if shape else None
    length = int(np.prod(shape)) if axis is None else shape[axis]
    repeats: Any = draw(
        st.integers(0, 3) | st.lists(st.integers(0, 3), min_size=length, max_size=length).map(tuple)
    )
    return (draw(arr(shape)),), {"repeats": repeats, "axis": axis}


# ----- linear algebra strategies -----

side = st.integers(1, 3)


@st.composite
def dot_inputs(draw: st.DrawFn) -> Inputs:
    na, nb = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    if na == 0 or nb == 0:  # scalar times array
        return (draw(arr(tdt.shapes(na, na))), draw(arr(tdt.shapes(nb, nb)))), {}
    k = draw(side)
    sa = (*draw(tdt.shapes(na - 1, na - 1, max_side=3)), k)
    sb = (k,) if nb == 1 else (*draw(tdt.shapes(nb - 2, nb - 2, max_side=3)), k, draw(side))
    return (draw(arr(sa)), draw(arr(sb))), {}


@st.composite
def matmul_inputs(draw: st.DrawFn) -> Inputs:
    batch_a, batch_b = draw(tdt.broadcastable_shapes(2, 0, 2, max_side=3))
    k = draw(side)
    sa = (k,) if draw(st.integers(0, 3)) == 0 else (*batch_a, draw(side), k)
    sb = (k,) if draw(st.integers(0, 3)) == 0 else (*batch_b, k, draw(side))
    return (draw(arr(sa)), draw(arr(sb))), {}


@st.composite
def tensordot_inputs(draw: st.DrawFn) -> Inputs:
    free_a = draw(tdt.shapes(0, 2, max_side=3))
    free_b = draw(tdt.shapes(0, 2, max_side=3))
    shared = draw(tdt.shapes(0, 2, max_side=3))
    if draw(st.booleans()):
        sa, sb = (*free_a, *shared), (*shared, *free_b)
        return (draw(arr(sa)), draw(arr(sb))), {"axes": len(shared)}
    # Explicit axis lists: the shared axes sit at random positions of each operand.
    dims_a = list(free_a) + list(shared)
    dims_b = list(shared) + list(free_b)
    perm_a = draw(st.permutations(range(len(dims_a))))
    perm_b = draw(st.permutations(range(len(dims_b))))
    sa = tuple(dims_a[p] for p in perm_a)
    sb = tuple(dims_b[p] for p in perm_b)
    axes_a = [perm_a.index(len(free_a) + i) for i in range(len(shared))]
    axes_b = [perm_b.index(i) for i in range(len(shared))]
    return (draw(arr(sa)), draw(arr(sb))), {"axes": (axes_a, axes_b)}


EINSUM_SPECS = (
    "ij,jk->ik",
    "i,i->",
    "i,j->ij",
    "ij->ji",
    "ij->",
    "ij->j",
    "bij,bjk->bik",
    "ij,ij->i",
    "ij,jk,kl->il",
    "ii->i",
    "ii->",
    "ij,jk",
    "i,i",
    "...ij,...jk->...ik",
)


@st.composite
def einsum_inputs(draw: st.DrawFn) -> Inputs:
    spec = draw(st.sampled_from(EINSUM_SPECS))
    sizes = {c: draw(side) for c in string.ascii_lowercase}
    batch = draw(tdt.shapes(0, 2, max_side=3))
    operands = []
    for term in spec.split("->")[0].split(","):
        lead = batch if term.startswith("...") else ()
        shape = (*lead, *(sizes[c] for c in term.replace("...", "")))
        operands.append(draw(arr(shape)))
    return tuple(operands), {"subscripts": spec}


# ----- indexing strategies -----


@st.composite
def basic_key_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(0, 4, max_side=4))
    key = draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    return (draw(arr(shape)),), {"key": key}


@st.composite
def advanced_key(draw: st.DrawFn, shape: tuple[int, ...]) -> Any:
    """Integer arrays (repeats likely), alone or mixed with a slice; needs len(shape) >= 1."""
    form = draw(st.integers(0, 2))
    if form == 0:  # one array on the first axis
        return draw(
            tdt.arrays(
                np.int64, tdt.shapes(0, 2, max_side=4), min_value=-shape[0], max_value=shape[0] - 1
            )
        )
    if form == 1 or len(shape) < 2:  # one array per axis
        return draw(hnp.integer_array_indices(shape, result_shape=tdt.shapes(0, 2, max_side=4)))
    # a slice, then an array on the second axis
    idx = draw(
        tdt.arrays(
            np.int64, tdt.shapes(1, 2, max_side=4), min_value=-shape[1], max_value=shape[1] - 1
        )
    )
    return (slice(None), idx)


@st.composite
def advanced_key_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=4))
    return (draw(arr(shape)),), {"key": draw(advanced_key(shape))}


@st.composite
def bool_key_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=4))
    lead = draw(st.integers(1, len(shape)))
    mask = draw(tdt.arrays(np.bool_, shape[:lead]))
    return (draw(arr(shape)),), {"key": mask}


@st.composite
def scatter_inputs(draw: st.DrawFn, unique: bool) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=4))
    kind = draw(st.integers(0, 2))
    key: Any
    if kind == 0:
        key = draw(hnp.basic_indices(shape, allow_ellipsis=True))
    elif kind == 1:
        key = draw(tdt.arrays(np.bool_, shape))
    elif unique:  # distinct rows of the first axis, in any order, negative or not
        rows = draw(st.permutations(range(shape[0])))[: draw(st.integers(1, shape[0]))]
        key = np.array([r - shape[0] if draw(st.booleans()) else r for r in rows])
    else:
        key = draw(advanced_key(shape))
    target = np.empty(shape)[key].shape
    # values of the selected shape, or a shorter shape that broadcasts to it
    cut = draw(st.integers(0, len(target)))
    vshape = tuple(n if draw(st.booleans()) else 1 for n in target[cut:])
    return (draw(arr(shape)), draw(arr(vshape))), {"key": key}


@st.composite
def scatter_repeated_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 2, max_side=3))
    row = draw(st.integers(0, shape[0] - 1))
    key = np.array([row, row])  # the same row written twice: the last write wins
    return (draw(arr(shape)), draw(arr((2, *shape[1:])))), {"key": key}


@st.composite
def take_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=4))
    axis = draw(st.none() | signed_axis(len(shape)))
    n = int(np.prod(shape)) if axis is None else shape[axis]
    indices = draw(
        tdt.arrays(np.int64, tdt.shapes(0, 2, max_side=4), min_value=-n, max_value=n - 1)
    )
    return (draw(arr(shape)),), {"indices": indices, "axis": axis}


# ----- nn strategies -----


@st.composite
def softmax_inputs(draw: st.DrawFn) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=4))
    return (draw(arr(shape, floats(-5, 5))),), {"axis": draw(signed_axis(len(shape)))}


@st.composite
def cross_entropy_inputs(draw: st.DrawFn, onehot: bool) -> Inputs:
    shape = draw(tdt.shapes(1, 3, max_side=4))
    axis = draw(signed_axis(len(shape)))
    logits = draw(arr(shape, floats(-5, 5)))
    rest = tuple(n for i, n in enumerate(shape) if i != axis % len(shape))
    labels = draw(tdt.arrays(np.int64, rest, min_value=0, max_value=shape[axis] - 1))
    if onehot:
        hot = np.moveaxis(np.eye(shape[axis])[labels], -1, axis)
        return (logits,), {"labels": hot, "axis": axis}
    return (logits, labels), {"axis": axis}


# ----- the table -----

_ROWS: tuple[OpCase, ...] = (
    # elementwise arithmetic
    OpCase("add", _op("add"), np.add, nary(floats(), floats())),
    OpCase("subtract", _op("subtract"), np.subtract, nary(floats(), floats())),
    OpCase("multiply", _op("multiply"), np.multiply, nary(floats(), floats())),
    OpCase(
        "divide",
        _op("divide"),
        np.divide,
        nary(floats(), away([0.0], -3, 3).filter(lambda v: abs(v) >= 0.5)),
        "|x2| >= 0.5",
    ),
    OpCase("negative", _op("negative"), np.negative, unary()),
    OpCase(
        "power", _op("power"), np.power, nary(floats(0.5, 2.5), floats(-2, 2)), "x1 in [0.5, 2.5]"
    ),
    OpCase(
        "power[integer_exponent]",
        lambda x, p: td.power(x, p),
        lambda x, p: np.power(x, p),
        unary(away([0.0]).filter(lambda v: abs(v) >= 0.5), p=st.integers(-2, 3)),
        "|x| >= 0.5, negative bases allowed, p a Python int",
    ),
    OpCase("square", _op("square"), np.square, unary()),
    OpCase("sqrt", _op("sqrt"), np.sqrt, unary(floats(0.1, 5)), "x >= 0.1"),
    OpCase("exp", _op("exp"), np.exp, unary()),
    OpCase("log", _op("log"), np.log, unary(floats(0.1, 5)), "x >= 0.1"),
    OpCase("log1p", _op("log1p"), np.log1p, unary(floats(-0.9, 3)), "x >= -0.9"),
    OpCase("expm1", _op("expm1"), np.expm1, unary()),
    OpCase("abs", _op("abs"), np.abs, unary(away([0.0])), "|x| >= MARGIN"),
    OpCase(
        "abs[at_zero]",
        _op("abs"),
        np.abs,
        unary(st.just(0.0) | away([0.0])),
        "exact zeros (abs'(0) = 0 is also the central difference there)",
        second_order=False,  # abs' = sign jumps at 0
    ),
    OpCase("sin", _op("sin"), np.sin, unary()),
    OpCase("cos", _op("cos"), np.cos, unary()),
    OpCase("tan", _op("tan"), np.tan, unary(floats(-1.3, 1.3)), "|x| <= 1.3"),
    OpCase("tanh", _op("tanh"), np.tanh, unary()),
    OpCase("sigmoid", _op("sigmoid"), _sigmoid, unary(floats(-6, 6))),
    OpCase("relu", _op("relu"), lambda x: np.maximum(x, 0), unary(away([0.0])), "|x| >= MARGIN"),
    OpCase("softplus", _op("softplus"), lambda x: np.logaddexp(0, x), unary(floats(-6, 6))),
    OpCase(
        "maximum",
        _op("maximum"),
        np.maximum,
        nary(grid(), grid()),
        "multiples of 1/8: exact ties (split 1/2 each, as central differences give) or a gap",
        second_order=False,  # the first derivative jumps at a tie
    ),
    OpCase(
        "maximum[no_ties]",
        _op("maximum"),
        np.maximum,
        nary(grid(0.25), grid(0.25).map(lambda v: v + 0.125)),
        "x1 on multiples of 1/4, x2 on odd multiples of 1/8",
    ),
    OpCase(
        "minimum",
        _op("minimum"),
        np.minimum,
        nary(grid(), grid()),
        "multiples of 1/8, ties included",
        second_order=False,
    ),
    OpCase(
        "minimum[no_ties]",
        _op("minimum"),
        np.minimum,
        nary(grid(0.25), grid(0.25).map(lambda v: v + 0.125)),
        "x1 on multiples of 1/4, x2 on odd multiples of 1/8",
    ),
    OpCase("clip", _op("clip"), np.clip, clip_scalar_bounds(), "x away from the bounds"),
    OpCase(
        "clip[array_bounds]",
        _op("clip"),
        np.clip,
        clip_array_bounds(),
        "a on multiples of 1/4, bounds on odd multiples of 1/8, lo < 0 < hi",
    ),
    OpCase(
        "clip[broadcast_a]",
        _op("clip"),
        np.clip,
        clip_array_bounds(broadcast_a=True),
        "as clip[array_bounds], but a bound has more axes than a",
    ),
    OpCase("where", _op("where"), np.where, where_inputs()),
    OpCase("sign", _op("sign"), np.sign, unary(away([0.0])), "|x| >= MARGIN"),
    OpCase("floor", _op("floor"), np.floor, unary(away(integers_in(-3, 3))), "off integers"),
    OpCase("ceil", _op("ceil"), np.ceil, unary(away(integers_in(-3, 3))), "off integers"),
    OpCase("trunc", _op("trunc"), np.trunc, unary(away(integers_in(-3, 3))), "off integers"),
    OpCase(
        "round",
        _op("round"),
        np.round,
        unary(away([k / 20 for k in range(-60, 61)]), decimals=st.sampled_from((0, 1))),
        "off multiples of 0.05 (rounding jumps at odd multiples of 0.5, and of 0.05)",
    ),
    OpCase(
        "astype[float64]",
        lambda x: td.astype(x, np.float64),
        lambda x: x.astype(np.float64),
        unary(),
        same_dtype=False,  # float32 in, float64 out: the point of astype
    ),
    OpCase(
        "astype[float32]",
        lambda x: td.astype(x, np.float32),
        lambda x: x.astype(np.float32),
        unary(),
        # The output is rounded to float32 (relative error 6e-8): a step of 1e-3 keeps the
        # difference quotient's rounding error near 6e-8 * 3 / 1e-3 = 2e-4, hence atol 1e-3.
        eps=1e-3,
        atol=1e-3,
        same_dtype=False,
    ),
    # reductions
    OpCase("sum", _op("sum"), np.sum, reduce_inputs(), "ranks 0-5, axis None/int/tuple, keepdims"),
    OpCase("mean", _op("mean"), np.mean, reduce_inputs()),
    OpCase("prod", _op("prod"), np.prod, reduce_inputs(away([0.0], -2, 2), max_dims=4), "no zeros"),
    OpCase(
        "prod[one_zero]",
        _op("prod"),
        np.prod,
        with_zeros(1),
        "exactly one zero, anywhere",
    ),
    OpCase(
        "prod[two_zeros]",
        _op("prod"),
        np.prod,
        with_zeros(2),
        "exactly two zeros, both in the one reduced slice (axis=None)",
    ),
    OpCase(
        "max",
        _op("max"),
        np.max,
        reduce_inputs(grid(1 / 32, -4, 4), max_dims=4, unique=True),
        "distinct values 1/32 apart",
    ),
    OpCase(
        "min",
        _op("min"),
        np.min,
        reduce_inputs(grid(1 / 32, -4, 4), max_dims=4, unique=True),
        "distinct values 1/32 apart",
    ),
    OpCase(
        "amax",
        _op("amax"),
        np.amax,
        reduce_inputs(grid(1 / 32, -4, 4), max_dims=4, unique=True),
        "distinct values 1/32 apart",
    ),
    OpCase(
        "amin",
        _op("amin"),
        np.amin,
        reduce_inputs(grid(1 / 32, -4, 4), max_dims=4, unique=True),
        "distinct values 1/32 apart",
    ),
    OpCase(
        "var", _op("var"), np.var, var_inputs(False), "ddof 0/1, >= 2 values per group for ddof 1"
    ),
    OpCase("std", _op("std"), np.std, var_inputs(True), ">= 2 distinct values per group"),
    OpCase("logsumexp", _op("logsumexp"), _logsumexp, reduce_inputs(max_dims=4)),
    # shape
    OpCase("reshape", _op("reshape"), np.reshape, reshape_inputs(), "ranks 0-5, -1 targets"),
    OpCase(
        "flatten", _op("flatten"), lambda x: x.flatten(), unary(shapes=tdt.shapes(0, 4, max_side=3))
    ),
    OpCase("ravel", _op("ravel"), np.ravel, unary(shapes=tdt.shapes(0, 4, max_side=3))),
    OpCase(
        "transpose", _op("transpose"), np.transpose, transpose_inputs(), "ranks 0-5, permutations"
    ),
    OpCase("swapaxes", _op("swapaxes"), np.swapaxes, swapaxes_inputs()),
    OpCase("moveaxis", _op("moveaxis"), np.moveaxis, moveaxis_inputs()),
    OpCase("expand_dims", _op("expand_dims"), np.expand_dims, expand_dims_inputs()),
    OpCase("squeeze", _op("squeeze"), np.squeeze, squeeze_inputs()),
    OpCase("broadcast_to", _op("broadcast_to"), np.broadcast_to, broadcast_to_inputs()),
    OpCase(
        "concatenate",
        lambda *xs, axis: td.concatenate(xs, axis=axis),
        lambda *xs, axis: np.concatenate(xs, axis=axis),
        concatenate_inputs(),
    ),
    OpCase(
        "stack",
        lambda *xs, axis: td.stack(xs, axis=axis),
        lambda *xs, axis: np.stack(xs, axis=axis),
        stack_inputs(),
    ),
    OpCase("split", _op("split"), np.split, split_inputs()),
    OpCase("array_split", _op("array_split"), np.array_split, split_inputs(uneven=True)),
    OpCase("pad", _op("pad"), np.pad, pad_inputs()),
    OpCase("tile", _op("tile"), np.tile, tile_inputs()),
    OpCase("repeat", _op("repeat"), np.repeat, repeat_inputs()),
    # linear algebra
    OpCase("dot", _op("dot"), np.dot, dot_inputs(), "all of NumPy's dimension cases"),
    OpCase("matmul", _op("matmul"), np.matmul, matmul_inputs(), "batched, 1-d on either side"),
    OpCase("tensordot", _op("tensordot"), np.tensordot, tensordot_inputs()),
    OpCase(
        "einsum",
        lambda *ops, subscripts: td.einsum(subscripts, *ops),
        lambda *ops, subscripts: np.einsum(subscripts, *ops),
        einsum_inputs(),
    ),
    OpCase("outer", _op("outer"), np.outer, nary(floats(), floats(), max_dims=2)),
    # indexing
    OpCase("getitem[basic]", _op("getitem"), lambda x, key: x[key], basic_key_inputs()),
    OpCase(
        "getitem[advanced]",
        _op("getitem"),
        lambda x, key: x[key],
        advanced_key_inputs(),
        "repeated indices",
    ),
    OpCase("getitem[bool]", _op("getitem"), lambda x, key: x[key], bool_key_inputs()),
    OpCase(
        "scatter_add",
        lambda a, v, key: td.scatter_add(a, key, v),
        _scatter_add,
        scatter_inputs(unique=False),
        "basic, boolean and advanced keys with repeats",
    ),
    OpCase(
        "scatter_set",
        lambda a, v, key: td.scatter_set(a, key, v),
        _scatter_set,
        scatter_inputs(unique=True),
        "each element written at most once",
    ),
    OpCase(
        "scatter_set[repeated]",
        lambda a, v, key: td.scatter_set(a, key, v),
        _scatter_set,
        scatter_repeated_inputs(),
        "one row written twice: the last write wins, the overwritten value gets no gradient",
    ),
    OpCase("take", _op("take"), np.take, take_inputs(), "repeated indices, axis None or int"),
    # nn
    OpCase("softmax", _op("softmax"), _softmax, softmax_inputs()),
    OpCase("log_softmax", _op("log_softmax"), _log_softmax, softmax_inputs()),
    OpCase(
        "cross_entropy",
        _op("cross_entropy"),
        _cross_entropy_int,
        cross_entropy_inputs(False),
        "integer labels",
    ),
    OpCase(
        "cross_entropy[onehot]",
        lambda logits, labels, axis: td.cross_entropy(logits, labels, axis=axis),
        _cross_entropy_onehot,
        cross_entropy_inputs(True),
        "one-hot labels (static)",
    ),
)


def _area_modules() -> list[ModuleType]:
    """The ``rows_*.py`` modules beside this one, each adding the rows of one area."""
    here = Path(__file__).parent
    return [importlib.import_module(p.stem) for p in sorted(here.glob("rows_*.py"))]


AREAS = _area_modules()
_ROWS = _ROWS + tuple(row for area in AREAS for row in area.ROWS)


def _exported(name: str) -> bool:
    return resolve(name) is not None


OP_TABLE: tuple[OpCase, ...] = tuple(c for c in _ROWS if _exported(c.op))
PENDING: tuple[str, ...] = tuple(sorted({c.op for c in _ROWS if not _exported(c.op)}))


def table_params(
    cases: Sequence[OpCase], known_bug: Callable[[OpCase], str | None] | None = None
) -> list[Any]:
    """The rows as pytest params; where ``known_bug(row)`` names a bug, a strict xfail."""
    params = []
    for c in cases:
        reason = known_bug(c) if known_bug else None
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(c, id=c.name, marks=marks))
    return params
