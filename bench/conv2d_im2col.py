"""Conv2D forward + backward on the tape next to a hand-written NumPy im2col implementation.

    PYTHONPATH=$PWD python bench/conv2d_im2col.py [--repeat 7] [--number 20]

Both sides compute the same thing: y = conv(x, w) + b with padding 1 on a (64, 1, 8, 8) batch,
16 filters 3x3, loss ``sum(y * G)`` for a fixed G, and the gradients for x, w and b. The
result is checked before timing; the ratio is tapediff's best time over NumPy's best time.
"""

from __future__ import annotations

import argparse
import timeit

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import tapediff as td
from tapediff import nn


def numpy_step(
    x: np.ndarray, w: np.ndarray, b: np.ndarray, g: np.ndarray, pad: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forward and hand-derived backward of a stride-1 conv via im2col / col2im."""
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(xp, (kh, kw), axis=(2, 3))  # (N, C, Ho, Wo, kh, kw)
    ho, wo = win.shape[2], win.shape[3]
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, c * kh * kw)
    wm = w.reshape(o, -1)
    y = (cols @ np.ascontiguousarray(wm.T) + b).reshape(n, ho, wo, o).transpose(0, 3, 1, 2)
    loss = np.sum(y * g)  # the tape side needs this scalar; computing it here keeps the work equal
    # backward of sum(y * g)
    g2 = g.transpose(0, 2, 3, 1).reshape(-1, o)
    dw = (cols.T @ g2).T.reshape(w.shape)
    db = g2.sum(axis=0)
    dcols = (g2 @ wm).reshape(n, ho, wo, c, kh, kw)
    dxp = np.zeros_like(xp)
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i : i + ho, j : j + wo] += dcols[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    dx = dxp[:, :, pad : pad + h, pad : pad + wd]
    assert np.isfinite(loss)
    return dx, dw, db


def tapediff_step(
    x: np.ndarray, layer: nn.Conv2D, g: td.Tensor
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same step through the layer and the tape (G a Tensor: a raw array would be copied
    when recorded, since its owner could change it before the backward pass)."""
    xv = td.Variable(x)
    assert layer.bias is not None
    with td.Tape() as tape:
        loss = td.sum(layer(xv) * g)
    dx, dw, db = tape.gradient(loss, [xv, layer.weight, layer.bias])
    return np.asarray(dx), np.asarray(dw), np.asarray(db)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--number", type=int, default=20)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--size", type=int, default=8)
    ap.add_argument("--channels", type=int, default=1)
    ap.add_argument("--filters", type=int, default=16)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.batch, args.channels, args.size, args.size))
    layer = nn.Conv2D(args.channels, args.filters, 3, padding=1, rng=1)
    g = rng.normal(size=(args.batch, args.filters, args.size, args.size))
    w, b = layer.weight.numpy(), layer.bias.numpy()  # type: ignore[union-attr]
    gt = td.as_tensor(g)
    for got, ref in zip(tapediff_step(x, layer, gt), numpy_step(x, w, b, g, 1), strict=True):
        np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-10)
    t_np = min(
        timeit.repeat(lambda: numpy_step(x, w, b, g, 1), repeat=args.repeat, number=args.number)
    )
    t_td = min(
        timeit.repeat(lambda: tapediff_step(x, layer, gt), repeat=args.repeat, number=args.number)
    )
    per = 1e6 / args.number
    print(
        f"x {x.shape} -> {args.filters} filters 3x3, padding 1, fwd+bwd (dx, dw, db):\n"
        f"  numpy im2col {t_np * per:8.1f} us\n  tapediff     {t_td * per:8.1f} us\n"
        f"  ratio        {t_td / t_np:8.2f}x"
    )


if __name__ == "__main__":
    main()
