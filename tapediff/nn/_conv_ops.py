"""The 2-D convolution primitives: a "valid" convolution with stride and dilation of an NCHW
input giving an NHWC output, and the two products that make up its gradient.

``conv(x, w)`` is im2col through ``sliding_window_view`` and one matmul; its natural result is
channels-last (N, Ho, Wo, O), kept that way so a bias adds along the contiguous last axis and
NHWC needs no transpose (NCHW takes a free transposed view). Its VJPs are
``conv_dx(g, w)`` (the transposed convolution, shaped like ``x``) and ``conv_dw(x, g)`` (the
correlation of input and cotangent, shaped like ``w``). All three are bilinear, and each one's
VJPs are again the other two, so the set is closed under differentiation: second and higher
derivatives work through the same three primitives.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..ops._primitive import primitive
from ..tensor import Array, Tensor

Pair = tuple[int, int]


def _windows(x: Array, kernel: Pair, stride: Pair, dilation: Pair) -> Array:
    """View of ``x`` (N, C, H, W) as (N, C, Ho, Wo, kh, kw): no copy."""
    span = ((kernel[0] - 1) * dilation[0] + 1, (kernel[1] - 1) * dilation[1] + 1)
    v = sliding_window_view(x, span, axis=(2, 3))
    return v[:, :, :: stride[0], :: stride[1], :: dilation[0], :: dilation[1]]


def _cols(x: Array, kernel: Pair, stride: Pair, dilation: Pair) -> Array:
    """im2col: the windows of ``x`` as a (N * Ho * Wo, C * kh * kw) matrix (one copy)."""
    v = _windows(x, kernel, stride, dilation).transpose(0, 2, 3, 1, 4, 5)
    return v.reshape(-1, x.shape[1] * kernel[0] * kernel[1])


def _rows(g: Array) -> Array:
    """A cotangent (N, Ho, Wo, O) as the (N * Ho * Wo, O) matrix matching :func:`_cols`."""
    return g.reshape(-1, g.shape[3])


# Plain 2-d matmuls on explicit im2col matrices: tensordot on the 6-d window view transposed
# and copied its operands on every call, about twice the cost of building the matrix once.
@primitive("conv2d")
def _conv(x: Array, w: Array, *, stride: Pair, dilation: Pair) -> Array:
    o, _, kh, kw = w.shape
    cols = _cols(x, (kh, kw), stride, dilation)
    ho = (x.shape[2] - (kh - 1) * dilation[0] - 1) // stride[0] + 1
    wo = (x.shape[3] - (kw - 1) * dilation[1] - 1) // stride[1] + 1
    # A contiguous w.T: matmul with the transposed (C * kh * kw, O) view misses BLAS for
    # small C * kh * kw and was 8x slower here.
    wt = np.ascontiguousarray(w.reshape(o, -1).T)
    out: Array = (cols @ wt).reshape(x.shape[0], ho, wo, o)
    return out


@primitive("conv2d_input_grad")
def _conv_dx(
    g: Array, w: Array, *, x_shape: tuple[int, ...], stride: Pair, dilation: Pair
) -> Array:
    o, c, kh, kw = w.shape
    n, ho, wo, _ = g.shape
    cols = (_rows(g) @ w.reshape(o, -1)).reshape(n, ho, wo, c, kh, kw)
    dx = np.zeros(x_shape, dtype=np.result_type(g, w))
    for i in range(kh):
        r = i * dilation[0]
        for j in range(kw):
            col = j * dilation[1]
            rows = slice(r, r + (ho - 1) * stride[0] + 1, stride[0])
            columns = slice(col, col + (wo - 1) * stride[1] + 1, stride[1])
            dx[:, :, rows, columns] += cols[..., i, j].transpose(0, 3, 1, 2)
    return dx


@primitive("conv2d_weight_grad")
def _conv_dw(
    x: Array, g: Array, *, w_shape: tuple[int, ...], stride: Pair, dilation: Pair
) -> Array:
    cols = _cols(x, (w_shape[2], w_shape[3]), stride, dilation)
    return (cols.T @ _rows(g)).T.reshape(w_shape)


def conv(x: Any, w: Any, stride: Pair, dilation: Pair) -> Tensor:
    """Valid cross-correlation (as PyTorch's conv) of NCHW ``x`` with ``w``; NHWC result."""
    return _conv.bind(x, w, stride=stride, dilation=dilation)


def conv_dx(g: Any, w: Any, x_shape: tuple[int, ...], stride: Pair, dilation: Pair) -> Tensor:
    """Transposed convolution: the input cotangent of :func:`conv` for output cotangent ``g``."""
    return _conv_dx.bind(g, w, x_shape=tuple(x_shape), stride=stride, dilation=dilation)


def conv_dw(x: Any, g: Any, w_shape: tuple[int, ...], stride: Pair, dilation: Pair) -> Tensor:
    """The weight cotangent of :func:`conv` for input ``x`` and output cotangent ``g``."""
    return _conv_dw.bind(x, g, w_shape=tuple(w_shape), stride=stride, dilation=dilation)


_conv.defvjp(
    lambda g, out, x, w, *, stride, dilation: conv_dx(g, w, x.shape, stride, dilation),
    lambda g, out, x, w, *, stride, dilation: conv_dw(x, g, w.shape, stride, dilation),
)
# <conv_dx(g, w), u> = <g, conv(u, w)> = <w, conv_dw(u, g)>
_conv_dx.defvjp(
    lambda u, out, g, w, *, x_shape, stride, dilation: conv(u, w, stride, dilation),
    lambda u, out, g, w, *, x_shape, stride, dilation: conv_dw(u, g, w.shape, stride, dilation),
)
# <conv_dw(x, g), v> = <conv(x, v), g> = <x, conv_dx(g, v)>
_conv_dw.defvjp(
    lambda v, out, x, g, *, w_shape, stride, dilation: conv_dx(g, v, x.shape, stride, dilation),
    lambda v, out, x, g, *, w_shape, stride, dilation: conv(x, v, stride, dilation),
)
