"""MaxPool2D and AvgPool2D over NCHW or NHWC input, with kernel, stride, padding and dilation.

Both are compositions of differentiable ops, so gradients of any order come from theirs: max
pooling computes the winning element of each window in NumPy (a constant index) and gathers it
with ``take``, whose gradient scatters back; average pooling sums strided slices.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import tapediff as td

from ..ops._primitive import primitive
from ..tensor import Array, Tensor, TensorLike
from ._spatial import check_fits, from_nchw, pad_width_nchw, pair, to_nchw
from ._spatial import data_format as check_format
from .module import Module

__all__ = ["AvgPool2D", "MaxPool2D", "avg_pool2d", "max_pool2d"]

IntPair = int | tuple[int, int]


Pair = tuple[int, int]


def _args(
    layer: str, kernel: IntPair, stride: IntPair | None, padding: IntPair, dilation: IntPair
) -> tuple[Pair, Pair, Pair, Pair, Pair]:
    """Kernel, stride, padding, dilation and the dilated kernel's span, checked."""
    k = pair(layer, "kernel_size", kernel)
    s = k if stride is None else pair(layer, "stride", stride)
    p = pair(layer, "padding", padding, minimum=0)
    d = pair(layer, "dilation", dilation)
    span = ((k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1)
    # PyTorch's rule: a window must never lie wholly in the padding.
    if p[0] > span[0] // 2 or p[1] > span[1] // 2:
        raise ValueError(
            f"{layer}: padding {p} must be at most half the (dilated) kernel span {span}"
        )
    return k, s, p, d, span


def _prepare(layer: str, x: TensorLike, fmt: str) -> Tensor:
    expected = "4-d (N, C, H, W)" if fmt == "NCHW" else "4-d (N, H, W, C)"
    return to_nchw(layer, x, check_format(layer, fmt), None, expected)


# Max pooling gathers each window's winner by a constant index (a NumPy computation, no
# gradient), so its gradient scatters the cotangent back there. The two primitives are each
# other's transpose, hence closed under differentiation (any order). They index the input's
# memory directly: ``perm`` orders the NCHW axes as they lie in memory (NHWC when the input is
# an NCHW view of a channels-last convolution output), and ``flat`` holds each winner's offset in
# that order, so gathering and scattering are one-dimensional fancy indexing, an order of
# magnitude faster than indexing with four broadcast index arrays. The scatter assigns directly
# when windows do not overlap and sums with bincount when they do (several times faster than
# add.at).
NHWC_PERM = (0, 2, 3, 1)
NCHW_PERM = (0, 1, 2, 3)


def _inverse(perm: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argsort(perm))


@primitive("max_pool2d_gather")
def _gather(x: Array, *, flat: Array, perm: tuple[int, ...], overlap: bool) -> Array:
    # ravel is a view when x is contiguous in the order ``perm``, a copy otherwise.
    out: Array = np.asarray(x).transpose(perm).ravel()[flat].transpose(_inverse(perm))
    return out


@primitive("max_pool2d_scatter")
def _scatter(
    g: Array, *, flat: Array, perm: tuple[int, ...], shape: tuple[int, ...], overlap: bool
) -> Array:
    g = np.asarray(g)
    layout = tuple(shape[i] for i in perm)
    size = int(np.prod(layout))
    values = g.transpose(perm).ravel()  # the same order as ``flat``
    if not overlap:  # each input element wins at most one window: plain assignment
        out = np.zeros(size, dtype=g.dtype)
        out[flat.ravel()] = values
    elif np.issubdtype(g.dtype, np.floating):
        out = np.bincount(flat.ravel(), weights=values, minlength=size).astype(g.dtype, copy=False)
    else:
        out = np.zeros(size, dtype=g.dtype)
        np.add.at(out, flat.ravel(), values)
    result: Array = out.reshape(layout).transpose(_inverse(perm))
    return result


_gather.defvjp(
    lambda g, out, x, *, flat, perm, overlap: _scatter.bind(
        g, flat=flat, perm=perm, shape=x.shape, overlap=overlap
    )
)
_scatter.defvjp(
    lambda u, out, g, *, flat, perm, shape, overlap: _gather.bind(
        u, flat=flat, perm=perm, overlap=overlap
    )
)


def _winners(
    layer: str, xa: Array, k: Pair, s: Pair, p: Pair, d: Pair, given: tuple[int, ...]
) -> tuple[Array, tuple[int, ...]]:
    """Each window's maximum as (memory offsets, axis order): ties go to the first tap in
    row-major order, padding (-inf) never wins over a real tap, NaN wins (as in argmax)."""
    n, c, h, w = xa.shape
    ho = (h + 2 * p[0] - ((k[0] - 1) * d[0] + 1)) // s[0] + 1
    wo = (w + 2 * p[1] - ((k[1] - 1) * d[1] + 1)) // s[1] + 1
    # Tap rows/cols of every window, in unpadded coordinates: (ho, k0) and (wo, k1).
    tap_r = np.arange(ho)[:, None] * s[0] + np.arange(k[0])[None, :] * d[0] - p[0]
    tap_c = np.arange(wo)[:, None] * s[1] + np.arange(k[1])[None, :] * d[1] - p[1]
    ok_r, ok_c = (tap_r >= 0) & (tap_r < h), (tap_c >= 0) & (tap_c < w)
    if not (ok_r.any(axis=1).all() and ok_c.any(axis=1).all()):
        # Possible with dilation: every tap of some window falls in the padding.
        raise ValueError(
            f"{layer}: input of shape {given} leaves a window wholly in the padding "
            f"(kernel {k}, dilation {d}, padding {p})"
        )
    nhwc = xa.transpose(NHWC_PERM).flags.c_contiguous and not xa.flags.c_contiguous
    perm = NHWC_PERM if nhwc else NCHW_PERM
    xm = xa.transpose(perm) if nhwc else np.ascontiguousarray(xa)
    sp = (1, 2) if nhwc else (2, 3)  # the spatial axes in memory order
    if k == s and p == (0, 0) and d == (1, 1):
        # Non-overlapping windows tiling the input: a reshape, not a sliding view.
        if nhwc:
            v = xm[:, : ho * k[0], : wo * k[1]].reshape(n, ho, k[0], wo, k[1], c)
            v = v.transpose(0, 1, 3, 5, 2, 4)
        else:
            v = xm[:, :, : ho * k[0], : wo * k[1]].reshape(n, c, ho, k[0], wo, k[1])
            v = v.transpose(0, 1, 2, 4, 3, 5)
    else:
        if p != (0, 0):
            padded = list(xm.shape)
            padded[sp[0]] += 2 * p[0]
            padded[sp[1]] += 2 * p[1]
            xp = np.full(padded, -np.inf, dtype=np.result_type(xm.dtype, np.float16))
            inner = [slice(None)] * 4
            inner[sp[0]] = slice(p[0], p[0] + h)
            inner[sp[1]] = slice(p[1], p[1] + w)
            xp[tuple(inner)] = xm
            xm = xp
        span = ((k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1)
        v = sliding_window_view(xm, span, axis=sp)
        sl = [slice(None)] * 6
        sl[sp[0]], sl[sp[1]] = slice(None, None, s[0]), slice(None, None, s[1])
        sl[4], sl[5] = slice(None, None, d[0]), slice(None, None, d[1])
        v = v[tuple(sl)]
    best = v.reshape(*v.shape[:4], -1).argmax(axis=-1)  # (layout shape of the output)
    if p == (0, 0):
        # No padding can win: offset = window origin + a lookup of the winning tap's offset.
        step_c = c if nhwc else 1  # memory step of one column, one row, one image
        step_r, step_n = w * step_c, h * w * c
        taps = np.arange(k[0])[:, None] * (d[0] * step_r) + np.arange(k[1]) * (d[1] * step_c)
        origin_r = (np.arange(ho) * (s[0] * step_r)).reshape(ho, 1)
        origin_c = np.arange(wo) * (s[1] * step_c)
        if nhwc:
            origin = (origin_r + origin_c)[:, :, None] + np.arange(c)
        else:
            origin = (np.arange(c) * (h * w))[:, None, None] + (origin_r + origin_c)
        origin = origin + (np.arange(n) * step_n).reshape(n, 1, 1, 1)
        return origin + taps.ravel()[best], perm
    a, b = np.divmod(best, k[1])
    ar_ho = np.arange(ho).reshape((1, ho, 1, 1) if nhwc else (1, 1, ho, 1))
    ar_wo = np.arange(wo).reshape((1, 1, wo, 1) if nhwc else (1, 1, 1, wo))
    rows = tap_r[ar_ho, a]
    cols = tap_c[ar_wo, b]
    if p != (0, 0):
        pad_won = (rows < 0) | (rows >= h) | (cols < 0) | (cols >= w)
        if pad_won.any():
            # A window whose real taps are all -inf ties with the padding: its first real tap
            # is an equal maximum.
            real = ok_r[:, None, :, None] & ok_c[None, :, None, :]  # (ho, wo, k0, k1)
            first = real.reshape(ho, wo, -1).argmax(axis=-1)
            fa, fb = np.divmod(first, k[1])
            hw = (1, ho, wo, 1) if nhwc else (1, 1, ho, wo)
            fr = tap_r[np.arange(ho)[:, None], fa].reshape(hw)
            fc = tap_c[np.arange(wo)[None, :], fb].reshape(hw)
            rows = np.where(pad_won, fr, rows)
            cols = np.where(pad_won, fc, cols)
    if nhwc:
        flat = ((np.arange(n).reshape(n, 1, 1, 1) * h + rows) * w + cols) * c + np.arange(c)
    else:
        nc = (np.arange(n)[:, None] * c + np.arange(c)[None, :]).reshape(n, c, 1, 1)
        flat = (nc * h + rows) * w + cols
    return flat, perm


def max_pool2d(
    x: TensorLike,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    data_format: str = "NCHW",
    dilation: IntPair = 1,
    layer: str = "max_pool2d",
) -> Tensor:
    """Maximum over each window; padding never wins (it is -inf)."""
    k, s, p, d, span = _args(layer, kernel_size, stride, padding, dilation)
    t = _prepare(layer, x, data_format)
    h, w = t.shape[2], t.shape[3]
    check_fits(layer, (h + 2 * p[0], w + 2 * p[1]), span, np.shape(x))
    flat, perm = _winners(layer, t._array, k, s, p, d, np.shape(x))
    overlap = s[0] < span[0] or s[1] < span[1]
    y = _gather.bind(t, flat=flat, perm=perm, overlap=overlap)
    return from_nchw(y, data_format)


def avg_pool2d(
    x: TensorLike,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    data_format: str = "NCHW",
    dilation: IntPair = 1,
    layer: str = "avg_pool2d",
) -> Tensor:
    """Mean over each window, zero padding counted (PyTorch's count_include_pad=True)."""
    k, s, p, d, span = _args(layer, kernel_size, stride, padding, dilation)
    t = _prepare(layer, x, data_format)
    h, w = t.shape[2] + 2 * p[0], t.shape[3] + 2 * p[1]
    check_fits(layer, (h, w), span, np.shape(x))
    if p != (0, 0):
        t = td.pad(t, pad_width_nchw((p[0], p[0]), (p[1], p[1])))
    ho, wo = (h - span[0]) // s[0] + 1, (w - span[1]) // s[1] + 1
    total: Tensor | None = None
    for i in range(0, span[0], d[0]):
        for j in range(0, span[1], d[1]):
            part = t[:, :, i : i + (ho - 1) * s[0] + 1 : s[0], j : j + (wo - 1) * s[1] + 1 : s[1]]
            total = part if total is None else total + part
    assert total is not None
    return from_nchw(total / (k[0] * k[1]), data_format)


class MaxPool2D(Module):
    """Max pooling; ``stride`` defaults to ``kernel_size``."""

    def __init__(
        self,
        kernel_size: IntPair,
        stride: IntPair | None = None,
        padding: IntPair = 0,
        data_format: str = "NCHW",
        dilation: IntPair = 1,
    ) -> None:
        super().__init__()
        _args("MaxPool2D", kernel_size, stride, padding, dilation)
        self.args = (kernel_size, stride, padding, check_format("MaxPool2D", data_format), dilation)

    def forward(self, x: TensorLike) -> Tensor:
        return max_pool2d(x, *self.args, layer="MaxPool2D")


class AvgPool2D(Module):
    """Average pooling; ``stride`` defaults to ``kernel_size``."""

    def __init__(
        self,
        kernel_size: IntPair,
        stride: IntPair | None = None,
        padding: IntPair = 0,
        data_format: str = "NCHW",
        dilation: IntPair = 1,
    ) -> None:
        super().__init__()
        _args("AvgPool2D", kernel_size, stride, padding, dilation)
        self.args = (kernel_size, stride, padding, check_format("AvgPool2D", data_format), dilation)

    def forward(self, x: TensorLike) -> Tensor:
        return avg_pool2d(x, *self.args, layer="AvgPool2D")
