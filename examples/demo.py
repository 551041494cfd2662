"""tapediff in one minute: fit a small network eagerly, then check its gradients numerically."""

from __future__ import annotations

import numpy as np

import tapediff as td
from tapediff.testing import gradcheck


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(-2.0, 2.0, size=(128, 1))
    y = np.sin(2.0 * x) + 0.05 * rng.standard_normal((128, 1))

    hidden = 32
    w1 = td.Variable(rng.standard_normal((1, hidden)), name="w1")
    b1 = td.Variable(np.zeros(hidden), name="b1")
    w2 = td.Variable(rng.standard_normal((hidden, 1)) / np.sqrt(hidden), name="w2")
    b2 = td.Variable(np.zeros(1), name="b2")
    params = [w1, b1, w2, b2]

    def model(inputs: td.Tensor | np.ndarray) -> td.Tensor:
        return td.tanh(inputs @ w1 + b1) @ w2 + b2

    print("Fitting y = sin(2x) with a 1-32-1 tanh network (plain gradient descent):")
    lr = 0.05
    for step in range(1501):
        with td.Tape() as tape:  # Variables are watched automatically
            loss = td.mean((model(x) - y) ** 2)
        grads = tape.gradient(loss, params)
        for p, g in zip(params, grads, strict=True):
            p.assign_sub(lr * g)
        if step % 300 == 0:
            print(f"  step {step:5d}   loss {loss.item():.5f}")

    # Check the tape's gradients against central finite differences (float64).
    def loss_of(a: td.Tensor, b: td.Tensor, c: td.Tensor, d: td.Tensor) -> td.Tensor:
        h = td.tanh(x[:16] @ a + b)
        return td.mean((h @ c + d - y[:16]) ** 2)

    ok = gradcheck(loss_of, [p.numpy() for p in params])
    print(f"Gradient check against finite differences: {'passed' if ok else 'FAILED'}")

    # Higher order comes free: nest tapes for a Hessian-vector product of the loss.
    v = np.ones((hidden, 1))
    with td.Tape() as outer:
        with td.Tape() as inner:
            loss = td.mean((model(x) - y) ** 2)
        g2 = inner.gradient(loss, w2)
        directional = td.sum(g2 * v)
    hvp = outer.gradient(directional, w2)
    print(f"Hessian-vector product H @ v for w2: norm {float(np.linalg.norm(hvp)):.4f}")


if __name__ == "__main__":
    main()
