"""Linear regression written against the legacy ``auto_diff`` define-then-run API.

The graph is built once (placeholders with a ``None`` batch dimension, variables, ops), the
symbolic gradients are requested once with ``loss.backward()``, and every SGD step runs the
loss and each ``var.gradient`` in one ``Session`` step before ``update_add``.

Run it unchanged on tapediff (``auto_diff`` resolves to ``tapediff.graph_compat``):

    python -m tapediff.graph_compat examples/legacy/linear_regression.py --steps 10000
"""

import argparse
import time

import auto_diff as ad
import numpy as np


def train(steps=10000, n_features=4, batch_size=32, learning_rate=0.1, seed=0, verbose=False):
    """Fit y = x.w + b on noisy synthetic batches; return the losses and the fitted weights."""
    rng = np.random.default_rng(seed)
    true_w = rng.normal(size=n_features)
    true_b = 0.5

    x = ad.placeholder((None, n_features), name="x")
    y = ad.placeholder((None,), name="y")
    w = ad.variable(lambda shape: np.zeros(shape), shape=(n_features,))
    b = ad.variable(0.0)
    y_pred = ad.dot(x, w) + b
    loss = ad.sum(ad.square(y_pred - y)) / batch_size
    loss.backward()

    sess = ad.Session()
    losses = []
    for step in range(steps):
        batch_x = rng.uniform(-1.0, 1.0, size=(batch_size, n_features))
        batch_y = batch_x @ true_w + true_b + rng.normal(scale=0.01, size=batch_size)
        sess.prepare()
        feed_dict = {x: batch_x, y: batch_y}
        losses.append(float(sess.run(loss, feed_dict=feed_dict)))
        for var in (w, b):
            grad = sess.run(var.gradient, feed_dict=feed_dict)
            var.update_add(-learning_rate * grad)
        if verbose and step % 1000 == 0:
            print(f"step {step:6d}  loss {losses[-1]:.6f}")
    return {
        "losses": losses,
        "w": w.forward(),
        "b": float(b.forward()),
        "true_w": true_w,
        "true_b": true_b,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    result = train(steps=args.steps, seed=args.seed, verbose=True)
    elapsed = time.perf_counter() - start
    error = np.max(np.abs(result["w"] - result["true_w"]))
    print(
        f"final loss {result['losses'][-1]:.6f}; max |w - true_w| = {error:.4f}; "
        f"b = {result['b']:.4f} (true {result['true_b']})"
    )
    print(f"{args.steps} SGD steps in {elapsed:.2f} s")


if __name__ == "__main__":
    main()
