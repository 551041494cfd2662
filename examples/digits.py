"""A small convolutional network on scikit-learn's 8x8 digits, trained with tapediff.

    python examples/digits.py                 # 20 epochs, ~98% test accuracy, digits.png
    python examples/digits.py --epochs 3 --plot none --no-progress

The data (1,797 images, 10 classes) ship inside scikit-learn: nothing is downloaded. A stratified
fifth is held out as the test set and never trained on. The network: conv 3x3 (32) -> relu ->
max-pool 2 -> conv 3x3 (64) -> relu -> max-pool 2 -> flatten -> linear 128 -> relu -> dropout ->
linear 10, trained with Adam (cosine-annealed learning rate) on the mean softmax cross-entropy
by ``tapediff.nn.fit``. A tqdm
progress bar shows when tqdm is installed, and a loss/accuracy plot is saved when matplotlib is
(``pip install "tapediff[examples]"`` brings scikit-learn, matplotlib and tqdm).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import tapediff as td
from tapediff import nn

INSTALL_HINT = 'pip install "tapediff[examples]"'


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 1, 8, 8) scaled to [0, 1] and integer labels; a clear exit without sklearn."""
    try:
        from sklearn.datasets import load_digits as sk_load_digits
    except ImportError:
        sys.exit(
            f"examples/digits.py needs scikit-learn for its bundled digits data set: {INSTALL_HINT}"
        )
    data = sk_load_digits()
    x = (data.images / 16.0).astype(np.float64)[:, None, :, :]
    return x, data.target.astype(np.intp)


def split(
    x: np.ndarray, y: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A stratified held-out split: the same fraction of every class goes to the test set."""
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == label))
        test[idx[: round(test_fraction * len(idx))]] = True
    return x[~test], y[~test], x[test], y[test]


def model(seed: int) -> nn.Module:
    """The convolutional network (NCHW, float64), initialised from ``seed``."""
    rng = np.random.default_rng(seed)
    return nn.Sequential(
        nn.Conv2D(1, 32, 3, padding=1, rng=rng),
        nn.ReLU(),
        nn.MaxPool2D(2),
        nn.Conv2D(32, 64, 3, padding=1, rng=rng),
        nn.ReLU(),
        nn.MaxPool2D(2),
        nn.Flatten(),
        nn.Linear(64 * 2 * 2, 128, rng=rng),
        nn.ReLU(),
        nn.Dropout(0.25, rng=rng),
        nn.Linear(128, 10, rng=rng),
    )


def save_plot(history: dict[str, list[float]], path: Path) -> bool:
    """Loss and accuracy per epoch, train and test, as a PNG; False if matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display needed
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    epochs = np.arange(1, len(history["loss"]) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    ax_loss.plot(epochs, history["loss"], label="train")
    ax_loss.plot(epochs, history["val_loss"], label="test")
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy", title="loss", yscale="log")
    ax_acc.plot(epochs, history["acc"], label="train")
    ax_acc.plot(epochs, history["val_acc"], label="test")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle("tapediff: conv net on the 8x8 digits")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--epochs", type=int, default=20, help="passes over the training set (20)")
    p.add_argument("--batch-size", type=int, default=32, help="mini-batch size (32)")
    p.add_argument("--lr", type=float, default=3e-3, help="Adam's initial learning rate (3e-3)")
    p.add_argument("--test-fraction", type=float, default=0.2, help="held-out share (0.2)")
    p.add_argument("--seed", type=int, default=0, help="seed of split, weights, shuffling (0)")
    p.add_argument(
        "--plot",
        default="digits.png",
        help="where to save the loss/accuracy plot, or 'none' (digits.png)",
    )
    p.add_argument("--no-progress", action="store_true", help="no tqdm progress bar")
    args = p.parse_args(argv)
    if args.epochs < 1 or args.batch_size < 1 or not 0 < args.test_fraction < 1:
        p.error("--epochs and --batch-size must be positive, --test-fraction in (0, 1)")
    return args


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Train and evaluate; returns the history, the test accuracy and the training time."""
    args = parse_args(argv)
    x, y = load_digits()
    x_train, y_train, x_test, y_test = split(x, y, args.test_fraction, args.seed)
    print(f"digits: {len(x_train)} training and {len(x_test)} test images, 8x8, 10 classes")
    net = model(args.seed)
    # Cosine annealing from --lr to 0 over the whole run: the last epochs take small steps.
    steps = args.epochs * -(-len(x_train) // args.batch_size)
    optimizer = td.optim.Adam(net, lr=td.optim.schedules.CosineAnnealingLR(args.lr, T_max=steps))
    start = time.perf_counter()
    history = nn.fit(
        net,
        nn.losses.cross_entropy,
        optimizer,
        x_train,
        y_train,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        validation_data=(x_test, y_test),
        metrics={"acc": nn.accuracy},
        progress=not args.no_progress,
    )
    seconds = time.perf_counter() - start
    test = nn.evaluate(net, nn.losses.cross_entropy, x_test, y_test, metrics={"acc": nn.accuracy})
    print(
        f"test accuracy {test['acc']:.4f} (loss {test['loss']:.4f}) after {args.epochs} epochs, "
        f"{seconds:.1f} s of training"
    )
    if args.plot.lower() != "none":
        path = Path(args.plot)
        if save_plot(history, path):
            print(f"plot saved to {path}")
        else:
            print(f"matplotlib is not installed: no plot ({INSTALL_HINT})")
    return {"history": history, "test_accuracy": test["acc"], "seconds": seconds}


if __name__ == "__main__":
    main()
