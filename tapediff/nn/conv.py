"""Conv2D: 2-D convolution over NCHW or NHWC input, with stride, padding and dilation."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

import tapediff as td

from ..tensor import Tensor, TensorLike, Variable
from . import init
from ._conv_ops import conv_product, im2col
from ._spatial import (
    PaddingArg,
    check_fits,
    data_format,
    padding_arg,
    pads,
    pair,
    to_nchw,
)
from ._util import RngLike, as_rng
from .module import Module

__all__ = ["Conv2D", "conv2d"]


def conv2d(
    x: TensorLike,
    weight: TensorLike,
    bias: TensorLike | None = None,
    stride: int | tuple[int, int] = 1,
    padding: PaddingArg = 0,
    dilation: int | tuple[int, int] = 1,
    data_format: str = "NCHW",
) -> Tensor:
    """2-D cross-correlation of ``x`` with ``weight`` (out, in, kh, kw), as PyTorch's conv2d."""
    return _conv2d(
        "conv2d", x, weight, bias, stride, padding, dilation, _fmt("conv2d", data_format)
    )


def _fmt(layer: str, value: str) -> str:
    return data_format(layer, value)


def _conv2d(
    layer: str,
    x: TensorLike,
    weight: TensorLike,
    bias: TensorLike | None,
    stride: int | tuple[int, int],
    padding: PaddingArg,
    dilation: int | tuple[int, int],
    fmt: str,
) -> Tensor:
    w_shape = np.shape(weight)
    if len(w_shape) != 4:
        raise ValueError(f"{layer}: weight must be 4-d (out, in, kh, kw); got shape {w_shape}")
    o, c, kh, kw = w_shape
    if bias is not None and np.shape(bias) != (o,):
        raise ValueError(f"{layer}: bias must have shape ({o},); got shape {np.shape(bias)}")
    s = pair(layer, "stride", stride)
    d = pair(layer, "dilation", dilation)
    pad = padding_arg(layer, padding)
    expected = f"(N, {c}, H, W)" if fmt == "NCHW" else f"(N, H, W, {c})"
    t = to_nchw(layer, x, fmt, c, expected)
    span = ((kh - 1) * d[0] + 1, (kw - 1) * d[1] + 1)
    (pt, pb), (pl, pr) = pads(pad, (t.shape[2], t.shape[3]), span, s)
    hp, wp = t.shape[2] + pt + pb, t.shape[3] + pl + pr
    check_fits(layer, (hp, wp), span, np.shape(x))
    cols = im2col(t, (kh, kw), s, d, ((pt, pb), (pl, pr)))  # (N * Ho * Wo, C * kh * kw)
    ho, wo = (hp - span[0]) // s[0] + 1, (wp - span[1]) // s[1] + 1
    if bias is None:  # a constant zero: no gradient is computed for it
        dtype = np.result_type(cols.dtype, td.as_tensor(weight).dtype)
        bias = td.as_tensor(np.zeros(o, dtype=dtype))
    # The matmul's layout is NHWC; NCHW is a transposed view of it.
    return conv_product(cols, weight, bias, (t.shape[0], ho, wo, o), nchw=fmt == "NCHW")


class Conv2D(Module):
    """2-D convolution layer; weight (out, in, kh, kw) initialised like PyTorch's Conv2d."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: PaddingArg = 0,
        dilation: int | tuple[int, int] = 1,
        groups: int = 1,
        bias: bool = True,
        data_format: str = "NCHW",
        dtype: npt.DTypeLike = np.float64,
        rng: RngLike = None,
    ) -> None:
        super().__init__()
        if groups != 1:
            raise ValueError(f"Conv2D: only groups=1 is supported; got groups={groups}")
        if in_channels < 1 or out_channels < 1:
            raise ValueError(
                f"Conv2D: in_channels and out_channels must be positive; got {in_channels}, "
                f"{out_channels}"
            )
        self.kernel_size = pair("Conv2D", "kernel_size", kernel_size)
        self.stride = pair("Conv2D", "stride", stride)
        self.dilation = pair("Conv2D", "dilation", dilation)
        self.padding = padding_arg("Conv2D", padding)
        self.data_format = _fmt("Conv2D", data_format)
        self.in_channels, self.out_channels = in_channels, out_channels
        g = as_rng(rng)
        shape = (out_channels, in_channels, *self.kernel_size)
        bound = 1.0 / math.sqrt(init.fans(shape)[0])
        self.weight = Variable(init.uniform(shape, -bound, bound, g, dtype), name="weight")
        self.bias = (
            Variable(init.uniform((out_channels,), -bound, bound, g, dtype), name="bias")
            if bias
            else None
        )

    def forward(self, x: TensorLike) -> Tensor:
        return _conv2d(
            "Conv2D",
            x,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self.dilation,
            self.data_format,
        )
