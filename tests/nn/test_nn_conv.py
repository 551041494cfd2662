"""Conv2D, MaxPool2D, AvgPool2D against loop-based NumPy references, with gradchecks."""

from __future__ import annotations

import numpy as np
import pytest

import tapediff as td
from tapediff import nn
from tapediff.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def conv_ref(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None,
    stride: tuple[int, int],
    pad: tuple[tuple[int, int], tuple[int, int]],
    dil: tuple[int, int],
) -> np.ndarray:
    """Direct-loop NCHW cross-correlation."""
    xp = np.pad(x, ((0, 0), (0, 0), pad[0], pad[1]))
    n, _, h, wd = xp.shape
    o, _, kh, kw = w.shape
    ho = (h - (kh - 1) * dil[0] - 1) // stride[0] + 1
    wo = (wd - (kw - 1) * dil[1] - 1) // stride[1] + 1
    out = np.zeros((n, o, ho, wo))
    for i in range(ho):
        for j in range(wo):
            for a in range(kh):
                for bb in range(kw):
                    r, q = i * stride[0] + a * dil[0], j * stride[1] + bb * dil[1]
                    out[:, :, i, j] += xp[:, :, r, q] @ w[:, :, a, bb].T
    if b is not None:
        out += b[None, :, None, None]
    return out


CONV_CASES = [
    # kernel, stride, padding, dilation, expected numeric pads
    ((3, 3), 1, 0, 1, ((0, 0), (0, 0))),
    ((3, 2), (2, 1), 1, 1, ((1, 1), (1, 1))),
    ((3, 3), 2, (2, 1), (2, 1), ((2, 2), (1, 1))),
    ((3, 3), 1, "same", 2, ((2, 2), (2, 2))),
    ((2, 2), 1, "same", 1, ((0, 1), (0, 1))),
    ((2, 3), 2, "valid", (1, 2), ((0, 0), (0, 0))),
]


@pytest.mark.parametrize(("kernel", "stride", "padding", "dilation", "pads"), CONV_CASES)
@pytest.mark.parametrize("fmt", ["NCHW", "NHWC"])
def test_conv2d_forward_and_gradcheck(
    kernel: tuple[int, int],
    stride: object,
    padding: object,
    dilation: object,
    pads: tuple[tuple[int, int], tuple[int, int]],
    fmt: str,
) -> None:
    layer = nn.Conv2D(
        2,
        3,
        kernel,
        stride=stride,
        padding=padding,
        dilation=dilation,  # type: ignore[arg-type]
        data_format=fmt,
        rng=1,
    )
    x = RNG.normal(size=(2, 2, 7, 6))
    s = (stride, stride) if isinstance(stride, int) else stride
    d = (dilation, dilation) if isinstance(dilation, int) else dilation
    ref = conv_ref(x, layer.weight.numpy(), layer.bias.numpy(), s, pads, d)  # type: ignore[union-attr, arg-type]
    xin = x if fmt == "NCHW" else x.transpose(0, 2, 3, 1)
    got = layer(xin).numpy()
    if fmt == "NHWC":
        got = got.transpose(0, 3, 1, 2)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
    w0, b0 = layer.weight.numpy(), layer.bias.numpy()  # type: ignore[union-attr]
    gradcheck(
        lambda x, w, b: nn.conv2d(x, w, b, stride, padding, dilation, fmt),  # type: ignore[arg-type]
        [xin, w0, b0],
    )


@pytest.mark.parametrize("fmt", ["NCHW", "NHWC"])
def test_conv2d_second_order(fmt: str) -> None:
    x, w = RNG.normal(size=(1, 2, 5, 5)), RNG.normal(size=(2, 2, 2, 2))
    if fmt == "NHWC":
        x = x.transpose(0, 2, 3, 1)

    def grads(x: td.Tensor, w: td.Tensor) -> list[td.Tensor]:
        with td.Tape() as tape:
            tape.watch(x)
            tape.watch(w)
            y = td.sum(
                td.tanh(nn.conv2d(x, w, stride=2, padding=1, dilation=(1, 2), data_format=fmt))
            )
        return list(tape.gradient(y, [x, w]))

    gradcheck(grads, [x, w])


def test_conv2d_float32_and_layer_gradient() -> None:
    layer = nn.Conv2D(1, 2, 3, padding="same", dtype=np.float32, rng=0)
    y = layer(np.ones((1, 1, 4, 4), np.float32))
    assert y.dtype == np.float32 and y.shape == (1, 2, 4, 4)
    with td.Tape() as tape:
        loss = td.sum(layer(np.ones((1, 1, 4, 4), np.float32)))
    gw = tape.gradient(loss, layer.weight)
    assert np.asarray(gw).shape == (2, 1, 3, 3)


def test_conv2d_errors() -> None:
    layer = nn.Conv2D(3, 4, 3, rng=0)
    with pytest.raises(
        ValueError,
        match=r"Conv2D: expected input of shape \(N, 3, H, W\); got shape \(2, 4, 8, 8\)",
    ):
        layer(np.ones((2, 4, 8, 8)))
    with pytest.raises(
        ValueError, match=r"Conv2D: expected input of shape \(N, 3, H, W\); got shape \(3, 8, 8\)"
    ):
        layer(np.ones((3, 8, 8)))
    with pytest.raises(ValueError, match=r"Conv2D: input of shape \(1, 3, 2, 8\) is too small"):
        layer(np.ones((1, 3, 2, 8)))
    nhwc = nn.Conv2D(3, 4, 3, data_format="NHWC", rng=0)
    with pytest.raises(
        ValueError, match=r"expected input of shape \(N, H, W, 3\); got shape \(1, 3, 8, 8\)"
    ):
        nhwc(np.ones((1, 3, 8, 8)))
    with pytest.raises(ValueError, match=r"conv2d: bias must have shape \(4,\); got shape \(3,\)"):
        nn.conv2d(np.ones((1, 3, 4, 4)), np.ones((4, 3, 3, 3)), np.ones(3))
    with pytest.raises(ValueError, match="only groups=1"):
        nn.Conv2D(4, 4, 3, groups=2)
    with pytest.raises(
        ValueError, match="padding must be an int, a pair, 'same' or 'valid'; got 'full'"
    ):
        nn.Conv2D(1, 1, 3, padding="full")
    with pytest.raises(ValueError, match="data_format must be 'NCHW' or 'NHWC'"):
        nn.Conv2D(1, 1, 3, data_format="CHWN")
    with pytest.raises(ValueError, match="stride must be an int >= 1"):
        nn.Conv2D(1, 1, 3, stride=0)


def pool_ref(
    x: np.ndarray,
    k: tuple[int, int],
    s: tuple[int, int],
    p: tuple[int, int],
    d: tuple[int, int],
    op: str,
) -> np.ndarray:
    """Direct-loop pooling; padding is -inf for max, zeros (counted) for avg."""
    fill = -np.inf if op == "max" else 0.0
    xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])), constant_values=fill)
    span = ((k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1)
    ho = (xp.shape[2] - span[0]) // s[0] + 1
    wo = (xp.shape[3] - span[1]) // s[1] + 1
    out = np.zeros((*x.shape[:2], ho, wo))
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(ho):
                for j in range(wo):
                    taps = [
                        xp[n, c, i * s[0] + a * d[0], j * s[1] + b * d[1]]
                        for a in range(k[0])
                        for b in range(k[1])
                    ]
                    out[n, c, i, j] = max(taps) if op == "max" else sum(taps) / len(taps)
    return out


POOL_CASES = [
    # kernel, stride, padding, dilation
    ((2, 2), None, 0, 1),
    ((3, 3), 2, 1, 1),
    ((3, 2), (1, 2), (1, 0), 1),
    ((2, 3), 1, (0, 1), 1),
    ((2, 2), 1, 1, 2),
    ((3, 2), (2, 1), (2, 1), (2, 3)),
    ((3, 3), 2, 0, 1),  # overlapping windows, no padding
    ((2, 3), (1, 2), 0, (2, 1)),  # dilated, no padding
]


@pytest.mark.parametrize(("kernel", "stride", "padding", "dilation"), POOL_CASES)
@pytest.mark.parametrize("fmt", ["NCHW", "NHWC"])
@pytest.mark.parametrize("op", ["max", "avg"])
def test_pool_forward_and_gradcheck(
    kernel: tuple[int, int], stride: object, padding: object, dilation: object, fmt: str, op: str
) -> None:
    cls = nn.MaxPool2D if op == "max" else nn.AvgPool2D
    layer = cls(kernel, stride, padding, data_format=fmt, dilation=dilation)  # type: ignore[arg-type]
    # Distinct values, well apart, so the max never ties within finite-difference steps.
    x = RNG.permutation(2 * 3 * 6 * 7).reshape(2, 3, 6, 7) * 0.01
    s = kernel if stride is None else (stride, stride) if isinstance(stride, int) else stride
    p = (padding, padding) if isinstance(padding, int) else padding
    d = (dilation, dilation) if isinstance(dilation, int) else dilation
    ref = pool_ref(x, kernel, s, p, d, op)  # type: ignore[arg-type]
    xin = x if fmt == "NCHW" else x.transpose(0, 2, 3, 1)
    got = layer(xin).numpy()
    if fmt == "NHWC":
        got = got.transpose(0, 3, 1, 2)
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    gradcheck(lambda x: layer(x), [xin])


def test_avg_pool_second_order() -> None:
    x = RNG.normal(size=(1, 2, 5, 5))
    gradcheck(
        lambda x: td.grad(lambda t: td.sum(td.sin(nn.avg_pool2d(t, 2, 1, 1, dilation=2))))(x),
        [x],
    )


@pytest.mark.parametrize(
    ("kernel", "stride", "padding", "dilation"),
    [(2, None, 0, 1), (3, 1, 1, 1), (2, 1, 1, 2)],  # tiling, overlapping, dilated
)
@pytest.mark.parametrize("fmt", ["NCHW", "NHWC"])
def test_max_pool_second_order(
    kernel: int, stride: int | None, padding: int, dilation: int, fmt: str
) -> None:
    """The gather and scatter of max pooling differentiate through each other."""
    x = RNG.permutation(2 * 3 * 6 * 6).reshape(2, 3, 6, 6) / 7.0  # no ties
    if fmt == "NHWC":
        x = x.transpose(0, 2, 3, 1)

    def f(t: td.Tensor) -> td.Tensor:
        return td.sum(td.sin(nn.max_pool2d(t, kernel, stride, padding, fmt, dilation)))

    gradgradcheck(f, [x])
    gradcheck(lambda x: td.grad(f)(x), [x])


def test_max_pool_gradients_add_up_where_windows_overlap() -> None:
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 5.0  # the centre wins all four 2x2 windows of stride 1
    for dtype in (np.float64, np.float32):
        v = td.Variable(x.astype(dtype))
        with td.Tape() as tape:
            out = td.sum(nn.max_pool2d(v, 2, 1) * np.array([1.0, 2.0, 3.0, 4.0]).reshape(2, 2))
        g = np.asarray(tape.gradient(out, v))
        assert g.dtype == dtype
        np.testing.assert_array_equal(g[0, 0], [[0, 0, 0], [0, 10, 0], [0, 0, 0]])


def test_max_pool_padding_ties_with_minus_inf() -> None:
    # An input -inf ties the -inf padding: the result is -inf and the gradient goes to the input.
    x = np.full((1, 1, 2, 2), -np.inf)
    x[0, 0, 1, 1] = 0.0
    y = nn.max_pool2d(x, 2, 1, 1)
    assert y.shape == (1, 1, 3, 3) and y.numpy()[0, 0, 0, 0] == -np.inf
    v = td.Variable(x)
    with td.Tape() as tape:
        out = td.sum(nn.max_pool2d(v, 2, 1, 1)[..., 2, 2])
    np.testing.assert_array_equal(np.asarray(tape.gradient(out, v)), [[[[0, 0], [0, 1]]]])


@pytest.mark.parametrize("fmt", ["NCHW", "NHWC"])
def test_max_pool_all_minus_inf_window_sends_gradient_to_its_first_real_tap(fmt: str) -> None:
    x = np.full((1, 2, 2, 2), -np.inf)
    x[0, 1] = [[1.0, 2.0], [3.0, 4.0]]  # channel 1 finite, channel 0 all -inf
    to_fmt = (lambda a: a.transpose(0, 2, 3, 1)) if fmt == "NHWC" else (lambda a: a)
    from_fmt = (lambda a: a.transpose(0, 3, 1, 2)) if fmt == "NHWC" else (lambda a: a)
    v = td.Variable(to_fmt(x))
    with td.Tape() as tape:
        y = nn.max_pool2d(v, 2, 1, 1, data_format=fmt)  # (1, 2, 3, 3) windows, padding 1
    got = from_fmt(y.numpy())
    assert np.all(got[0, 0] == -np.inf)
    np.testing.assert_array_equal(got[0, 1], [[1, 2, 2], [3, 4, 4], [3, 4, 4]])
    cot = np.arange(1.0, 19.0).reshape(1, 2, 3, 3)
    g = from_fmt(np.asarray(tape.gradient(y, v, output_gradients=to_fmt(cot))))
    # Channel 0: every window's real taps tie at -inf with its padding; the first real tap in
    # row-major order wins: windows (0, 0), (0, 1), (1, 0), (1, 1) pick x[0, 0], x[0, 0],
    # x[0, 0], x[0, 0]; (0, 2) and (1, 2) pick x[0, 1]; (2, 0) and (2, 1) x[1, 0]; (2, 2) x[1, 1].
    np.testing.assert_array_equal(g[0, 0], [[1 + 2 + 4 + 5, 3 + 6], [7 + 8, 9]])
    # Channel 1: the usual winners.
    np.testing.assert_array_equal(g[0, 1], [[10, 11 + 12], [13 + 16, 14 + 15 + 17 + 18]])


def test_pool_errors() -> None:
    with pytest.raises(
        ValueError,
        match=r"MaxPool2D: expected input of shape 4-d \(N, C, H, W\); got shape \(3, 4\)",
    ):
        nn.MaxPool2D(2)(np.ones((3, 4)))
    with pytest.raises(
        ValueError,
        match=r"AvgPool2D: padding \(2, 2\) must be at most half the \(dilated\) kernel span "
        r"\(3, 3\)",
    ):
        nn.AvgPool2D(3, padding=2)
    with pytest.raises(
        ValueError, match=r"MaxPool2D: input of shape \(1, 1, 1, 1\) leaves a window wholly"
    ):
        nn.MaxPool2D(2, stride=1, padding=2, dilation=3)(np.ones((1, 1, 1, 1)))
    with pytest.raises(
        ValueError, match="MaxPool2D: dilation must be an int >= 1 or a pair of them; got 0"
    ):
        nn.MaxPool2D(2, dilation=0)
    with pytest.raises(ValueError, match=r"MaxPool2D: input of shape \(1, 1, 1, 5\) is too small"):
        nn.MaxPool2D(2)(np.ones((1, 1, 1, 5)))
