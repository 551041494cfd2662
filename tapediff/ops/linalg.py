"""Linear algebra: products whose VJPs are products with the cotangent.

matmul and einsum are primitives; dot, tensordot and outer are compositions of them with shape
ops (the way numpy.tensordot itself is a transpose-reshape-matmul), so they need no VJP of their
own and are differentiable to any order.
"""

from __future__ import annotations

import math
import string
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..tensor import Tensor, TensorLike, operand
from ._axes import axis_tuple
from ._primitive import primitive
from .elementwise import multiply, where
from .shape import broadcast_to, reshape, swapaxes, transpose

__all__ = ["dot", "einsum", "matmul", "outer", "tensordot"]


# ----- matmul -----


def _matmul_error(a: Any, b: Any) -> str:
    """Say why ``np.matmul`` rejected these operands (only called after it has)."""
    sa, sb = np.shape(a), np.shape(b)
    head = f"matmul: shapes {sa} and {sb}"
    if not sa or not sb:
        return f"{head}: matmul needs operands of at least 1 dimension (use multiply for scalars)"
    ka = sa[-1]
    kb = sb[0] if len(sb) == 1 else sb[-2]
    if ka != kb:
        dim_b = 0 if len(sb) == 1 else len(sb) - 2
        return (
            f"{head} are not aligned: {ka} (dim {len(sa) - 1} of the first) != "
            f"{kb} (dim {dim_b} of the second)"
        )
    return f"{head}: the batch dimensions {sa[:-2]} and {sb[:-2]} do not broadcast"


_matmul = primitive("matmul")(np.matmul)


def _mT(x: Any) -> Tensor:
    # The method, not td.swapaxes: in a first-order backward pass x is an ndarray, and
    # ndarray.swapaxes is a free view, while an op on a raw array copies its view (bind._own).
    if isinstance(x, np.ndarray | Tensor):
        return x.swapaxes(-1, -2)  # type: ignore[return-value]
    return swapaxes(x, -1, -2)


def _matmul_vjp_a(g: Tensor, out: Tensor, a: Any, b: Any) -> Tensor:
    na, nb = np.ndim(a), np.ndim(b)
    if nb == 1:  # (..., k) @ (k,) -> (...,): an outer product with b
        if na == 1:
            return multiply(g, b)
        return multiply(reshape(g, (*g.shape, 1)), b)
    if na == 1:  # (k,) @ (..., k, n) -> (..., n); batch axes are summed back by the tape
        return reshape(matmul(b, reshape(g, (*g.shape, 1))), (*g.shape[:-1], np.shape(b)[-2]))
    return matmul(g, _mT(b))


def _matmul_vjp_b(g: Tensor, out: Tensor, a: Any, b: Any) -> Tensor:
    na, nb = np.ndim(a), np.ndim(b)
    if na == 1:
        if nb == 1:
            return multiply(g, a)
        return multiply(
            reshape(a, (np.shape(a)[0], 1)), reshape(g, (*g.shape[:-1], 1, g.shape[-1]))
        )
    if nb == 1:  # (..., m, k) @ (k,) -> (..., m)
        row = matmul(reshape(g, (*g.shape[:-1], 1, g.shape[-1])), a)
        return reshape(row, (*g.shape[:-1], np.shape(a)[-1]))
    return matmul(_mT(a), g)


_matmul.defvjp(_matmul_vjp_a, _matmul_vjp_b)


def matmul(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Matrix product with batching over leading axes (numpy.matmul, the ``@`` operator)."""
    try:
        return _matmul.bind(x1, x2)
    except ValueError:
        raise ValueError(_matmul_error(x1, x2)) from None


# ----- dot, tensordot, outer: compositions -----


def dot(a: TensorLike, b: TensorLike) -> Tensor:
    """Dot product with NumPy's dimension rules (numpy.dot).

    Scalars multiply; otherwise the last axis of ``a`` is summed against the only axis of a
    1-D ``b`` or the second-to-last axis of ``b``, and the result has the free axes of ``a``
    followed by those of ``b`` (unlike matmul, batch axes are not broadcast together).
    """
    sa, sb = np.shape(a), np.shape(b)
    if not sa or not sb:
        return multiply(a, b)
    axis_b = 0 if len(sb) == 1 else len(sb) - 2
    if sa[-1] != sb[axis_b]:
        raise ValueError(
            f"dot: shapes {sa} and {sb} are not aligned: {sa[-1]} (dim {len(sa) - 1} of the "
            f"first) != {sb[axis_b]} (dim {axis_b} of the second)"
        )
    if len(sa) == 1 or len(sb) <= 2:
        # These are exactly the cases where matmul's batch broadcasting agrees with np.dot.
        return matmul(a, b)
    return tensordot(a, b, axes=([len(sa) - 1], [axis_b]))


def _axis_list(axes: Any, shape: tuple[int, ...], which: str) -> list[int]:
    items = [axes] if isinstance(axes, int | np.integer) else list(axes)
    return list(axis_tuple("tensordot", items, shape, f"{which}'s axis"))


def _tensordot_axes(
    axes: int | Sequence[Any], sa: tuple[int, ...], sb: tuple[int, ...]
) -> tuple[list[int], list[int]]:
    na, nb = len(sa), len(sb)
    if isinstance(axes, int | np.integer):
        n = int(axes)
        if n < 0 or n > na or n > nb:
            raise ValueError(
                f"tensordot: cannot sum over {n} axes of shapes {sa} and {sb} "
                f"(axes must be between 0 and {min(na, nb)})"
            )
        la, lb = list(range(na - n, na)), list(range(n))
    else:
        la, lb = _axis_pair(axes, sa, sb)
    for i, j in zip(la, lb, strict=True):
        if sa[i] != sb[j]:
            raise ValueError(
                f"tensordot: shapes {sa} and {sb} are not aligned: {sa[i]} (dim {i} of the "
                f"first) != {sb[j]} (dim {j} of the second)"
            )
    return la, lb


def _axis_pair(
    axes: Sequence[Any], sa: tuple[int, ...], sb: tuple[int, ...]
) -> tuple[list[int], list[int]]:
    try:
        axes_a, axes_b = axes
    except (TypeError, ValueError):
        raise TypeError(
            f"tensordot: axes must be an int or a pair of axis sequences; got {axes!r}"
        ) from None
    la = _axis_list(axes_a, sa, "the first operand")
    lb = _axis_list(axes_b, sb, "the second operand")
    if len(la) != len(lb):
        raise ValueError(f"tensordot: axes {la} and {lb} name different numbers of axes")
    return la, lb


def tensordot(a: TensorLike, b: TensorLike, axes: int | Sequence[Any] = 2) -> Tensor:
    """Sum products over the given axes (numpy.tensordot).

    ``axes`` is N (the last N axes of ``a`` against the first N of ``b``) or a pair of axis
    sequences. The result has the free axes of ``a`` followed by the free axes of ``b``.
    """
    ta, tb = operand(a, "tensordot"), operand(b, "tensordot")
    sa, sb = ta.shape, tb.shape
    axes_a, axes_b = _tensordot_axes(axes, sa, sb)
    free_a = [i for i in range(len(sa)) if i not in axes_a]
    free_b = [i for i in range(len(sb)) if i not in axes_b]
    k = math.prod(sa[i] for i in axes_a)
    m = math.prod(sa[i] for i in free_a)
    n = math.prod(sb[i] for i in free_b)
    perm_a, perm_b = free_a + axes_a, axes_b + free_b
    if perm_a != list(range(len(sa))):
        ta = transpose(ta, perm_a)
    if perm_b != list(range(len(sb))):
        tb = transpose(tb, perm_b)
    prod = matmul(reshape(ta, (m, k)), reshape(tb, (k, n)))
    return reshape(prod, tuple(sa[i] for i in free_a) + tuple(sb[i] for i in free_b))


def outer(a: TensorLike, b: TensorLike) -> Tensor:
    """Outer product of the flattened inputs (numpy.outer)."""
    return multiply(reshape(a, (-1, 1)), reshape(b, (1, -1)))


# ----- einsum -----

_LABELS = string.ascii_letters


def _parse_einsum(subscripts: str, shapes: list[tuple[int, ...]]) -> tuple[tuple[str, ...], str]:
    """Explicit per-operand labels and output labels, with every ellipsis spelled out in letters."""
    spec = subscripts.replace(" ", "")
    if spec.count("->") > 1:
        raise ValueError(f"einsum: subscripts {subscripts!r} contain '->' more than once")
    lhs, arrow, rhs = spec.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(
            f"einsum: subscripts {subscripts!r} name {len(terms)} operand(s) but "
            f"{len(shapes)} were given"
        )
    for part in [*terms, rhs]:
        rest = part.replace("...", "", 1)
        bad = [c for c in rest if c not in _LABELS]
        if bad:
            raise ValueError(
                f"einsum: invalid subscript {bad[0]!r} in {subscripts!r}: labels are letters "
                "a-z, A-Z, with at most one '...' per operand"
            )
    used = {c for c in spec if c in _LABELS}
    spare = [c for c in _LABELS if c not in used]
    ell_dims: list[int] = []
    for i, (term, shape) in enumerate(zip(terms, shapes, strict=True)):
        named = len(term) - 3 if "..." in term else len(term)
        if named > len(shape) or ("..." not in term and named != len(shape)):
            raise ValueError(
                f"einsum: operand {i} has shape {shape} ({len(shape)} dimensions) but its "
                f"subscripts {term!r} name {named}"
            )
        ell_dims.append(len(shape) - named if "..." in term else 0)
    n_ell = max(ell_dims)
    if n_ell > len(spare):
        raise ValueError(f"einsum: too many dimensions for {subscripts!r}: ran out of labels")
    ell = "".join(spare[:n_ell])
    ins = tuple(
        term.replace("...", ell[n_ell - d :]) for term, d in zip(terms, ell_dims, strict=True)
    )
    sizes: dict[str, tuple[int, int]] = {}  # label -> (size, operand it was first seen in)
    for i, (term, shape) in enumerate(zip(ins, shapes, strict=True)):
        within: dict[str, int] = {}
        for c, n in zip(term, shape, strict=True):
            if within.setdefault(c, n) != n:
                raise ValueError(
                    f"einsum: label {c!r} repeats in operand {i} (shape {shape}) with different "
                    f"sizes {within[c]} and {n}"
                )
            m, j = sizes.setdefault(c, (n, i))
            if m != n and m != 1 and n != 1:
                raise ValueError(
                    f"einsum: label {c!r} has size {m} in operand {j} (shape {shapes[j]}) but "
                    f"{n} in operand {i} (shape {shape})"
                )
            if m == 1:
                sizes[c] = (n, i)
    if arrow:
        if n_ell and "..." not in rhs:
            raise ValueError(
                f"einsum: the operands of {subscripts!r} have '...' dimensions, so the output "
                "needs '...' too"
            )
        out = rhs.replace("...", ell)
        seen = set("".join(ins))
        for c in out:
            if c not in seen:
                raise ValueError(f"einsum: output label {c!r} of {subscripts!r} is in no operand")
        if len(set(out)) != len(out):
            raise ValueError(f"einsum: output subscripts of {subscripts!r} repeat a label")
    else:
        # NumPy's implicit mode: '...' dimensions first, then the labels used exactly once,
        # in alphabetical (character code) order.
        joined = "".join(terms)
        out = ell + "".join(sorted(c for c in used if joined.count(c) == 1))
    return ins, out


@primitive("einsum")
def _einsum(*operands: Any, in_labels: tuple[str, ...], out_labels: str, optimize: Any) -> Any:
    return np.einsum(",".join(in_labels) + "->" + out_labels, *operands, optimize=optimize)


def _diagonal_mask(labels: str, shape: tuple[int, ...]) -> Any:
    """True where every repeated label of ``labels`` takes one value across its positions."""
    mask = np.ones(shape, dtype=bool)
    first: dict[str, int] = {}
    for pos, c in enumerate(labels):
        if c not in first:
            first[c] = pos
            continue
        p0 = first[c]
        i0 = np.arange(shape[p0]).reshape([-1 if d == p0 else 1 for d in range(len(shape))])
        i1 = np.arange(shape[pos]).reshape([-1 if d == pos else 1 for d in range(len(shape))])
        mask &= i0 == i1
    return mask


def _einsum_vjp(
    i: int,
    g: Tensor,
    res: Tensor,
    *operands: Any,
    in_labels: tuple[str, ...],
    out_labels: str,
    optimize: Any,
) -> Tensor:
    ins, out = in_labels, out_labels
    labels = ins[i]
    unique = "".join(dict.fromkeys(labels))
    others = [ins[j] for j in range(len(ins)) if j != i]
    available = set(out).union(*others)
    # The cotangent of operand i is the contraction of g with the other operands onto the labels
    # of operand i; labels summed inside operand i alone are missing and get broadcast back.
    keep = "".join(c for c in unique if c in available)
    r = g
    if others or keep != out:
        other_ops = [operands[j] for j in range(len(operands)) if j != i]
        r = _einsum.bind(
            g, *other_ops, in_labels=(out, *others), out_labels=keep, optimize=optimize
        )
    x_shape = np.shape(operands[i])
    sizes: dict[str, int] = {}
    for c, n in zip(labels, x_shape, strict=True):
        sizes.setdefault(c, n)
    r_shape = tuple(r.shape[keep.index(c)] if c in keep else 1 for c in unique)
    if r.shape != r_shape:
        r = reshape(r, r_shape)
    # np.broadcast_shapes: operand i may have had size 1 where others had n; the tape sums back.
    full = np.broadcast_shapes(r_shape, tuple(sizes[c] for c in unique))
    if full != r_shape:
        r = broadcast_to(r, full)
    if len(unique) == len(labels):
        return r
    # A repeated label (a diagonal, as in 'ii->i') reads only the diagonal: put the cotangent
    # there and zeros elsewhere.
    seen: set[str] = set()
    pos_shape = []
    for c in labels:
        pos_shape.append(1 if c in seen else r.shape[unique.index(c)])
        seen.add(c)
    target = np.broadcast_shapes(tuple(pos_shape), x_shape)
    r = broadcast_to(reshape(r, tuple(pos_shape)), target)
    return where(Tensor(_diagonal_mask(labels, target)), r, 0.0)


_einsum.defvjp_all(
    lambda g, out, *operands, **params: [
        _einsum_vjp(i, g, out, *operands, **params) for i in range(len(operands))
    ]
)


def einsum(subscripts: str, *operands: TensorLike, optimize: Any = False) -> Tensor:
    """Einstein summation (numpy.einsum) in the subscripts-string form.

    Explicit (``'ij,jk->ik'``) and implicit (``'ij,jk'``) outputs, ``...`` broadcasting and
    repeated labels within an operand (diagonals and traces, ``'ii->i'``, ``'ii'``) are
    supported, all differentiable. The interleaved operand/sublist form is not.
    """
    if not isinstance(subscripts, str):
        raise TypeError(
            "einsum: the first argument must be a subscripts string such as 'ij,jk->ik'; "
            f"got {type(subscripts).__name__} (the operand/sublist form is not supported)"
        )
    if not operands:
        raise ValueError("einsum: at least one operand is required")
    ins, out = _parse_einsum(subscripts, [np.shape(x) for x in operands])
    try:
        return _einsum.bind(*operands, in_labels=ins, out_labels=out, optimize=optimize)
    except ValueError as e:
        # bind has prefixed NumPy's message with the op name and the input shapes.
        spec = ",".join(ins) + "->" + out
        raise ValueError(f"{e} (subscripts {subscripts!r}, read as {spec!r})") from None


# Bilinear: the VJPs transpose (never conjugate), which is right for complex values.
_matmul.allow_complex()
_einsum.allow_complex()
