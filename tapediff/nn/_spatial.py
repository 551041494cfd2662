"""Argument handling shared by the 2-D layers: pairs, padding, data formats."""

from __future__ import annotations

from typing import Any

import tapediff as td

from ..tensor import Tensor, TensorLike
from ._util import shape_error

Pair = tuple[int, int]
PaddingArg = int | tuple[int, int] | str


def pair(layer: str, name: str, value: int | tuple[int, int], minimum: int = 1) -> Pair:
    """``value`` as an (h, w) pair of ints >= ``minimum``."""
    out = (value, value) if isinstance(value, int) else tuple(value)
    if len(out) != 2 or not all(isinstance(v, int) and v >= minimum for v in out):
        raise ValueError(
            f"{layer}: {name} must be an int >= {minimum} or a pair of them; got {value!r}"
        )
    return (int(out[0]), int(out[1]))


def data_format(layer: str, value: str) -> str:
    """Check ``value`` is "NCHW" or "NHWC"."""
    if value not in ("NCHW", "NHWC"):
        raise ValueError(f"{layer}: data_format must be 'NCHW' or 'NHWC'; got {value!r}")
    return value


def padding_arg(layer: str, value: PaddingArg) -> PaddingArg:
    """Check a padding argument: an int, a pair, "same" or "valid"."""
    if isinstance(value, str):
        if value not in ("same", "valid"):
            raise ValueError(
                f"{layer}: padding must be an int, a pair, 'same' or 'valid'; got {value!r}"
            )
        return value
    return pair(layer, "padding", value, minimum=0)


def pads(padding: PaddingArg, size: Pair, span: Pair, stride: Pair) -> tuple[Pair, Pair]:
    """((top, bottom), (left, right)) padding for the spatial ``size`` and kernel ``span``."""
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "same":
        # TensorFlow's rule: output size ceil(size / stride), the extra row/column at the end
        # (for stride 1 this is PyTorch's padding="same").
        out: list[Pair] = []
        for n, k, s in zip(size, span, stride, strict=True):
            total = max((-(-n // s) - 1) * s + k - n, 0)
            out.append((total // 2, total - total // 2))
        return out[0], out[1]
    assert isinstance(padding, tuple)
    return (padding[0], padding[0]), (padding[1], padding[1])


def to_nchw(layer: str, x: TensorLike, fmt: str, channels: int | None, expected: str) -> Tensor:
    """``x`` checked to be 4-d (with ``channels`` channels when given) and moved to NCHW."""
    t = td.as_tensor(x)
    if t.ndim != 4 or (channels is not None and t.shape[1 if fmt == "NCHW" else 3] != channels):
        raise shape_error(layer, expected, t.shape)
    return t if fmt == "NCHW" else td.transpose(t, (0, 3, 1, 2))


def from_nchw(y: Any, fmt: str) -> Tensor:
    """An NCHW result back in ``fmt``."""
    return y if fmt == "NCHW" else td.transpose(y, (0, 2, 3, 1))


def check_fits(layer: str, padded: Pair, span: Pair, given: tuple[int, ...]) -> None:
    """Refuse an input whose padded spatial size is smaller than the kernel's span."""
    if padded[0] < span[0] or padded[1] < span[1]:
        raise ValueError(
            f"{layer}: input of shape {given} is too small for the kernel: padded spatial size "
            f"{padded} is smaller than the kernel span {span}"
        )


def pad_width_nchw(h: Pair, w: Pair) -> tuple[Pair, Pair, Pair, Pair]:
    """``np.pad`` widths for the spatial axes of an NCHW array."""
    return ((0, 0), (0, 0), h, w)
