"""im2col and col2im: the two primitives under 2-D convolution.

``im2col(x)`` turns the windows of an NCHW input (zero padding, stride and dilation included)
into a (N * Ho * Wo, C * kh * kw) matrix, through ``sliding_window_view`` and one copy;
``col2im`` is its transpose, adding each window's column back onto the (padded) input and
dropping the padding. Both are linear and each one's VJP is the other, so the pair is closed
under differentiation. A convolution is then ``im2col(x) @ w.reshape(O, -1).T`` with tapediff's
matmul: the tape keeps the column matrix from the forward pass, so the weight gradient
(``cols.T @ g``) does not rebuild it, just as a hand-written backward pass would reuse it. The
matmul's natural result is channels-last (N, Ho, Wo, O): a bias adds along the contiguous last
axis, NHWC needs no transpose, and NCHW takes a free transposed view.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import tapediff as td

from ..ops._primitive import primitive
from ..tensor import Array, Tensor

Pair = tuple[int, int]
Pads = tuple[Pair, Pair]


def _windows(x: Array, kernel: Pair, stride: Pair, dilation: Pair) -> Array:
    """View of ``x`` (N, C, H, W) as (N, C, Ho, Wo, kh, kw): no copy."""
    span = ((kernel[0] - 1) * dilation[0] + 1, (kernel[1] - 1) * dilation[1] + 1)
    v = sliding_window_view(x, span, axis=(2, 3))
    return v[:, :, :: stride[0], :: stride[1], :: dilation[0], :: dilation[1]]


def _nhwc(x: Array) -> bool:
    """True if NCHW ``x`` lies channels-last in memory (as a convolution's NCHW output does)."""
    return bool(x.transpose(0, 2, 3, 1).flags.c_contiguous)


@primitive("im2col")
def _im2col(x: Array, *, kernel: Pair, stride: Pair, dilation: Pair, pads: Pads) -> Array:
    x = np.asarray(x)
    n, c, h, w = x.shape
    (pt, pb), (pl, pr) = pads
    kh, kw = kernel
    if not (pt or pb or pl or pr or _nhwc(x)):
        v = _windows(x, kernel, stride, dilation).transpose(0, 2, 3, 1, 4, 5)
        out: Array = v.reshape(-1, c * kh * kw)
        return out
    # Channels-last, like a hand-written im2col: the window copy then reads whole channel rows.
    # Padding is zeros plus one assignment, several times cheaper than np.pad on small arrays.
    xm = x.transpose(0, 2, 3, 1)
    if pt or pb or pl or pr:
        xp = np.zeros((n, h + pt + pb, w + pl + pr, c), dtype=x.dtype)
        xp[:, pt : pt + h, pl : pl + w] = xm
        xm = xp
    span = ((kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1)
    v = sliding_window_view(xm, span, axis=(1, 2))  # (N, Ho', Wo', C, span_h, span_w)
    v = v[:, :: stride[0], :: stride[1], :, :: dilation[0], :: dilation[1]]
    out = v.reshape(-1, c * kh * kw)
    return out


@primitive("col2im")
def _col2im(
    g: Array,
    *,
    x_shape: tuple[int, int, int, int],
    kernel: Pair,
    stride: Pair,
    dilation: Pair,
    pads: Pads,
) -> Array:
    g = np.asarray(g)
    n, c, h, w = x_shape
    (pt, pb), (pl, pr) = pads
    hp, wp = h + pt + pb, w + pl + pr
    kh, kw = kernel
    ho = (hp - (kh - 1) * dilation[0] - 1) // stride[0] + 1
    wo = (wp - (kw - 1) * dilation[1] - 1) // stride[1] + 1
    cols = g.reshape(n, ho, wo, c, kh, kw)
    # Accumulated channels-last (the layout of the rows), returned as an NCHW view.
    dx = np.zeros((n, hp, wp, c), dtype=g.dtype)
    for i in range(kh):
        r = i * dilation[0]
        rows = slice(r, r + (ho - 1) * stride[0] + 1, stride[0])
        for j in range(kw):
            q = j * dilation[1]
            columns = slice(q, q + (wo - 1) * stride[1] + 1, stride[1])
            dx[:, rows, columns] += cols[..., i, j]
    out: Array = dx[:, pt : pt + h, pl : pl + w].transpose(0, 3, 1, 2)
    return out


def im2col(x: Any, kernel: Pair, stride: Pair, dilation: Pair, pads: Pads) -> Tensor:
    """The windows of NCHW ``x`` (zero-padded by ``pads``) as rows of a matrix."""
    return _im2col.bind(x, kernel=kernel, stride=stride, dilation=dilation, pads=pads)


def col2im(
    g: Any, x_shape: tuple[int, ...], kernel: Pair, stride: Pair, dilation: Pair, pads: Pads
) -> Tensor:
    """The transpose of :func:`im2col`: window rows summed back onto an array of ``x_shape``."""
    n, c, h, w = x_shape
    return _col2im.bind(
        g, x_shape=(n, c, h, w), kernel=kernel, stride=stride, dilation=dilation, pads=pads
    )


_im2col.defvjp(
    lambda g, out, x, *, kernel, stride, dilation, pads: col2im(
        g, x.shape, kernel, stride, dilation, pads
    )
)
_col2im.defvjp(
    lambda u, out, g, *, x_shape, kernel, stride, dilation, pads: im2col(
        u, kernel, stride, dilation, pads
    )
)


# The product with the weight, the bias and the NHWC reshape as one primitive: seven small
# ops on the tape (two weight reshapes, matmul, bias add, reshape) became one, and the bias adds
# in place into the fresh matmul result instead of allocating another output. Its VJPs are
# tapediff ops (matmul, reshape, sum), so higher derivatives still come from the tape.
@primitive("conv2d_product")
def _product(cols: Array, w: Array, b: Array, *, out_shape: tuple[int, ...], nchw: bool) -> Array:
    out: Array = cols @ w.reshape(w.shape[0], -1).T
    out += b
    out = out.reshape(out_shape)  # NHWC
    # NCHW as a view of the NHWC buffer: no copy, and none later (a transpose op's gradient
    # would copy its first-order cotangent).
    return out.transpose(0, 3, 1, 2) if nchw else out


def _product_vjp(
    g: Any, out: Any, cols: Any, w: Any, b: Any, *, out_shape: tuple[int, ...], nchw: bool
) -> tuple[Any, Any, Any]:
    # Methods, not td.reshape: on the raw arrays of a first-order pass they are free views,
    # where an op would copy its result (it may not alias the caller's array); on tensors
    # they are the recorded ops.
    o = w.shape[0]
    g2 = (g.transpose(0, 2, 3, 1) if nchw else g).reshape(-1, o)
    dcols = td.matmul(g2, w.reshape(o, -1))
    dw = td.matmul(g2.T, cols).reshape(w.shape)
    return dcols, dw, g2.sum(axis=0)


_product.defvjp_all(_product_vjp)


def conv_product(
    cols: Any, w: Any, b: Any, out_shape: tuple[int, ...], nchw: bool = False
) -> Tensor:
    """``(cols @ w.reshape(O, -1).T + b)`` reshaped to ``out_shape`` (N, Ho, Wo, O), then
    transposed to (N, O, Ho, Wo) if ``nchw``."""
    return _product.bind(cols, w, b, out_shape=tuple(out_shape), nchw=nchw)
