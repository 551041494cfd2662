"""inner, kron and cross (NumPy's names and signatures), as compositions of tensordot,
broadcasting products, slicing and stacking: differentiable to every order."""

from __future__ import annotations

import warnings

import numpy as np

from ..tensor import Tensor, TensorLike, operand
from ._axes import axis_index
from .elementwise import multiply
from .linalg import tensordot
from .shape import broadcast_to, moveaxis, reshape, stack

__all__ = ["cross", "inner", "kron"]


def inner(a: TensorLike, b: TensorLike) -> Tensor:
    """Sum of products over the last axes of ``a`` and ``b``; scalars multiply (numpy.inner)."""
    ta, tb = operand(a, "inner"), operand(b, "inner")
    if ta.ndim == 0 or tb.ndim == 0:
        return multiply(ta, tb)
    if ta.shape[-1] != tb.shape[-1]:
        raise ValueError(
            f"inner: the last axes of shapes {ta.shape} and {tb.shape} differ "
            f"({ta.shape[-1]} != {tb.shape[-1]})"
        )
    return tensordot(ta, tb, axes=([-1], [-1]))


def kron(a: TensorLike, b: TensorLike) -> Tensor:
    """Kronecker product: blocks of ``b`` scaled by the elements of ``a`` (numpy.kron)."""
    ta, tb = operand(a, "kron"), operand(b, "kron")
    if ta.ndim == 0 or tb.ndim == 0:
        return multiply(ta, tb)
    nd = max(ta.ndim, tb.ndim)
    sa = (1,) * (nd - ta.ndim) + ta.shape
    sb = (1,) * (nd - tb.ndim) + tb.shape
    # Interleave the axes: a as (a0, 1, a1, 1, ...), b as (1, b0, 1, b1, ...); their product
    # holds a_i * b_j at (i0, j0, i1, j1, ...), which merges pairwise into the block layout.
    xa = reshape(ta, tuple(d for n in sa for d in (n, 1)))
    xb = reshape(tb, tuple(d for n in sb for d in (1, n)))
    return reshape(multiply(xa, xb), tuple(m * n for m, n in zip(sa, sb, strict=True)))


def cross(
    a: TensorLike,
    b: TensorLike,
    axisa: int = -1,
    axisb: int = -1,
    axisc: int = -1,
    axis: int | None = None,
) -> Tensor:
    """Cross product of 3-vectors (or 2-vectors, taken with z = 0) along ``axisa`` of ``a``
    and ``axisb`` of ``b``, broadcast over the other axes; the result's vectors lie along
    ``axisc`` (numpy.cross). ``axis`` sets all three."""
    if axis is not None:
        axisa = axisb = axisc = axis
    ta, tb = operand(a, "cross"), operand(b, "cross")
    if ta.ndim == 0 or tb.ndim == 0:
        raise ValueError(
            f"cross: the inputs must be arrays of vectors; got shapes {ta.shape} and {tb.shape}"
        )
    va = moveaxis(ta, axis_index("cross", axisa, ta.shape, "axisa"), -1)
    vb = moveaxis(tb, axis_index("cross", axisb, tb.shape, "axisb"), -1)
    na, nb = va.shape[-1], vb.shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError(
            f"cross: incompatible dimensions {na} and {nb} for a cross product: each vector "
            "must have 2 or 3 components"
        )
    if na == 2 or nb == 2:
        warnings.warn(
            "cross: 2-component vectors are deprecated (as in NumPy 2.0); use 3-component ones",
            DeprecationWarning,
            stacklevel=2,
        )
    try:
        shape = np.broadcast_shapes(va.shape[:-1], vb.shape[:-1])
    except ValueError:
        raise ValueError(
            f"cross: the vector arrays of shapes {ta.shape} and {tb.shape} do not broadcast"
        ) from None
    a0, a1 = va[..., 0], va[..., 1]
    b0, b1 = vb[..., 0], vb[..., 1]
    z = a0 * b1 - a1 * b0
    if na == 2 and nb == 2:
        return broadcast_to(z, shape) if z.shape != shape else z
    if na == 3 and nb == 3:
        a2, b2 = va[..., 2], vb[..., 2]
        x = a1 * b2 - a2 * b1
        y = a2 * b0 - a0 * b2
    elif na == 3:  # b has z = 0
        a2 = va[..., 2]
        x = -(a2 * b1)
        y = a2 * b0
    else:  # a has z = 0
        b2 = vb[..., 2]
        x = a1 * b2
        y = -(a0 * b2)
    parts = [p if p.shape == shape else broadcast_to(p, shape) for p in (x, y, z)]
    c = stack(parts, axis=-1)
    return moveaxis(c, -1, axis_index("cross", axisc, c.shape, "axisc"))
