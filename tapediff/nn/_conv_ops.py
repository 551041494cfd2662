"""The 2-D convolution primitives: a "valid" NCHW convolution with stride and dilation, and the
two products that make up its gradient.

``conv(x, w)`` is im2col through ``sliding_window_view`` and one ``tensordot``. Its VJPs are
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


@primitive("conv2d")
def _conv(x: Array, w: Array, *, stride: Pair, dilation: Pair) -> Array:
    cols = _windows(x, (w.shape[2], w.shape[3]), stride, dilation)
    out = np.tensordot(cols, w, axes=([1, 4, 5], [1, 2, 3]))  # (N, Ho, Wo, O)
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2))


@primitive("conv2d_input_grad")
def _conv_dx(
    g: Array, w: Array, *, x_shape: tuple[int, ...], stride: Pair, dilation: Pair
) -> Array:
    kh, kw = w.shape[2], w.shape[3]
    ho, wo = g.shape[2], g.shape[3]
    cols = np.tensordot(g, w, axes=([1], [0]))  # (N, Ho, Wo, C, kh, kw)
    dx = np.zeros(x_shape, dtype=np.result_type(g, w))
    for i in range(kh):
        r = i * dilation[0]
        for j in range(kw):
            c = j * dilation[1]
            rows = slice(r, r + (ho - 1) * stride[0] + 1, stride[0])
            columns = slice(c, c + (wo - 1) * stride[1] + 1, stride[1])
            dx[:, :, rows, columns] += cols[..., i, j].transpose(0, 3, 1, 2)
    return dx


@primitive("conv2d_weight_grad")
def _conv_dw(
    x: Array, g: Array, *, w_shape: tuple[int, ...], stride: Pair, dilation: Pair
) -> Array:
    cols = _windows(x, (w_shape[2], w_shape[3]), stride, dilation)
    return np.tensordot(g, cols, axes=([0, 2, 3], [0, 2, 3]))  # (O, C, kh, kw)


def conv(x: Any, w: Any, stride: Pair, dilation: Pair) -> Tensor:
    """Valid NCHW cross-correlation (as PyTorch's conv) of ``x`` with ``w`` (O, C, kh, kw)."""
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
