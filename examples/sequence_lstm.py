"""An LSTM learns the adding problem, a synthetic task that needs memory across a sequence.

    python examples/sequence_lstm.py                # 30 steps per sequence, ~20 s here
    python examples/sequence_lstm.py --epochs 3 --no-progress

Each input is a sequence of pairs (value, marker): values uniform on [0, 1), markers 0 except
at two random steps, one in each half of the sequence. The target is the sum of the two marked
values (Hochreiter & Schmidhuber, 1997). A model that ignores the markers can do no better than
predicting the mean, 1.0, whose mean squared error is the variance of the sum, 1/6 = 0.167; so
the ratio of the test error to 1/6 says how much the network has learned (0 = perfect). The
model: LSTM (2 -> hidden), its last hidden state -> linear -> one number, trained with Adam on
the mean squared error by ``tapediff.nn.fit``. Pure NumPy data: nothing else to install (tqdm
draws a progress bar if it is installed).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

import tapediff as td
from tapediff import nn

BASELINE_MSE = 1.0 / 6.0  # variance of the sum of two independent U(0, 1) values


def adding_problem(n: int, steps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sequences (n, steps, 2) of (value, marker) pairs and their targets (n, 1)."""
    values = rng.uniform(0.0, 1.0, (n, steps))
    markers = np.zeros((n, steps))
    half = steps // 2
    first = rng.integers(0, half, n)
    second = rng.integers(half, steps, n)
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=2)
    y = (values[rows, first] + values[rows, second])[:, None]
    return x, y


class AddingModel(nn.Module):
    """LSTM over the sequence (batch first), then a linear read-out of the last hidden state."""

    def __init__(self, hidden: int, rng: np.random.Generator) -> None:
        super().__init__()
        self.lstm = nn.LSTM(2, hidden, batch_first=True, return_sequences=False, rng=rng)
        self.head = nn.Linear(hidden, 1, rng=rng)

    def forward(self, x: Any) -> td.Tensor:
        last, _ = self.lstm(x)
        return self.head(last)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--steps", type=int, default=30, help="sequence length (30)")
    p.add_argument("--hidden", type=int, default=32, help="LSTM hidden size (32)")
    p.add_argument("--train", type=int, default=4000, help="training sequences (4000)")
    p.add_argument("--test", type=int, default=1000, help="test sequences (1000)")
    p.add_argument("--epochs", type=int, default=12, help="passes over the training set (12)")
    p.add_argument("--batch-size", type=int, default=32, help="mini-batch size (32)")
    p.add_argument("--lr", type=float, default=1e-2, help="Adam's learning rate (1e-2)")
    p.add_argument("--seed", type=int, default=0, help="seed of data, weights, shuffling (0)")
    p.add_argument("--no-progress", action="store_true", help="no tqdm progress bar")
    args = p.parse_args(argv)
    if min(args.steps, args.hidden, args.train, args.test, args.epochs, args.batch_size) < 1:
        p.error("sizes, counts and --epochs must be positive")
    if args.steps < 2:
        p.error("--steps must be at least 2 (one marker in each half)")
    return args


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Train and evaluate; returns the history, the test MSE, its ratio to the baseline."""
    args = parse_args(argv)
    rng = np.random.default_rng(args.seed)
    x_train, y_train = adding_problem(args.train, args.steps, rng)
    x_test, y_test = adding_problem(args.test, args.steps, rng)
    model = AddingModel(args.hidden, rng)
    optimizer = td.optim.Adam(model, lr=args.lr)
    print(
        f"adding problem: {args.train} training and {args.test} test sequences of {args.steps} "
        f"steps; predicting the mean scores MSE {BASELINE_MSE:.3f}"
    )
    start = time.perf_counter()
    history = nn.fit(
        model,
        nn.losses.mse,
        optimizer,
        x_train,
        y_train,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        validation_data=(x_test, y_test),
        progress=not args.no_progress,
    )
    seconds = time.perf_counter() - start
    mse = nn.evaluate(model, nn.losses.mse, x_test, y_test)["loss"]
    print(
        f"test MSE {mse:.4f} = {mse / BASELINE_MSE:.3f} x the baseline, after {args.epochs} "
        f"epochs, {seconds:.1f} s of training"
    )
    return {"history": history, "test_mse": mse, "ratio": mse / BASELINE_MSE, "seconds": seconds}


if __name__ == "__main__":
    main()
