"""MaxPool2D and AvgPool2D over NCHW or NHWC input, with kernel, stride, padding and dilation.

Both are compositions of differentiable ops, so gradients of any order come from theirs: max
pooling computes the winning element of each window in NumPy (a constant index) and gathers it
with ``take``, whose gradient scatters back; average pooling sums strided slices.
"""

from __future__ import annotations

import numpy as np

import tapediff as td

from ..tensor import Tensor, TensorLike
from ._conv_ops import _windows
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
    n, c, h, w = t.shape
    check_fits(layer, (h + 2 * p[0], w + 2 * p[1]), span, np.shape(x))
    width = pad_width_nchw((p[0], p[0]), (p[1], p[1]))
    xp = np.pad(t._array, width, constant_values=-np.inf)
    flat = np.pad(np.arange(t.size).reshape(t.shape), width, constant_values=-1)
    vals = _windows(xp, k, s, d)
    idx_win = _windows(flat, k, s, d)
    ho, wo = vals.shape[2], vals.shape[3]
    cand = idx_win.reshape(n, c, ho, wo, -1)
    real = cand >= 0
    if not real.any(axis=-1).all():
        # Possible with dilation: every tap of some window falls in the padding.
        raise ValueError(
            f"{layer}: input of shape {np.shape(x)} leaves a window wholly in the padding "
            f"(kernel {k}, dilation {d}, padding {p})"
        )
    best = vals.reshape(n, c, ho, wo, -1).argmax(axis=-1)[..., None]
    # Padding ties an input's -inf; then the window's first real tap is the (equal) maximum.
    picked_pad = ~np.take_along_axis(real, best, axis=-1)
    best = np.where(picked_pad, real.argmax(axis=-1)[..., None], best)
    idx = np.take_along_axis(cand, best, axis=-1)[..., 0]
    y = td.take(td.reshape(t, (-1,)), idx)
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
