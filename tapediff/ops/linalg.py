"""Linear algebra: products whose VJPs are products with the cotangent."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor, TensorLike
from ._primitive import primitive
from .shape import reshape, swapaxes

__all__ = ["dot", "matmul"]


def _mT(x: Any) -> Tensor:
    return swapaxes(x, -1, -2)


def _matmul_vjp_a(g: Tensor, out: Tensor, a: Any, b: Any) -> Tensor:
    if b.ndim == 1:  # (..., k) @ (k,) -> (...,): outer product with b
        if a.ndim == 1:
            return g * b
        return reshape(g, (*g.shape, 1)) * b
    if a.ndim == 1:  # (k,) @ (..., k, n) -> (..., n)
        return matmul(b, reshape(g, (*g.shape, 1)))[..., 0]
    return matmul(g, _mT(b))


def _matmul_vjp_b(g: Tensor, out: Tensor, a: Any, b: Any) -> Tensor:
    if a.ndim == 1:
        if b.ndim == 1:
            return g * a
        return reshape(a, (a.shape[0], 1)) * reshape(g, (*g.shape[:-1], 1, g.shape[-1]))
    if b.ndim == 1:  # (..., m, k) @ (k,) -> (..., m)
        return matmul(reshape(g, (*g.shape[:-1], 1, g.shape[-1])), a)[..., 0, :]
    return matmul(_mT(a), g)


_matmul = primitive("matmul")(np.matmul)
_matmul.defvjp(_matmul_vjp_a, _matmul_vjp_b)


def matmul(x1: TensorLike, x2: TensorLike) -> Tensor:
    """Matrix product with batching over leading axes (numpy.matmul, the ``@`` operator)."""
    return _matmul.bind(x1, x2)


def dot(a: TensorLike, b: TensorLike) -> Tensor:
    """Dot product with NumPy's dimension rules (numpy.dot)."""
    return matmul(a, b)
