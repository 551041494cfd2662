"""Softmax classification written against the legacy ``auto_diff`` define-then-run API.

A linear model with ``ad.acts.softmax`` and ``ad.losses.cross_entropy`` learns labels given by a
hidden linear rule; placeholders have a ``None`` batch dimension, and each SGD step runs the loss
and every ``var.gradient`` in one ``Session`` step before ``update_add``.

Run it unchanged on tapediff (``auto_diff`` resolves to ``tapediff.graph_compat``):

    python -m tapediff.graph_compat examples/legacy/softmax_classification.py --steps 2000
"""

import argparse
import time

import auto_diff as ad
import numpy as np


def make_batch(rng, rule, batch_size):
    """Points in [-1, 1]^n and their one-hot labels argmax(x . rule)."""
    batch_x = rng.uniform(-1.0, 1.0, size=(batch_size, rule.shape[0]))
    labels = np.argmax(batch_x @ rule, axis=-1)
    return batch_x, np.eye(rule.shape[1])[labels]


def train(
    steps=2000, n_features=2, n_classes=3, batch_size=64, learning_rate=0.5, seed=0, verbose=False
):
    """Train, then return the losses and the accuracy on a fresh batch."""
    rng = np.random.default_rng(seed)
    rule = rng.normal(size=(n_features, n_classes))

    x = ad.placeholder((None, n_features), name="x")
    y_true = ad.placeholder((None, n_classes), name="y_true")
    w = ad.variable(lambda shape: rng.normal(scale=0.01, size=shape), shape=(n_features, n_classes))
    b = ad.variable(np.zeros(n_classes))
    y_pred = ad.acts.softmax(ad.dot(x, w) + b)
    loss = ad.sum(ad.losses.cross_entropy(y_true, y_pred)) / batch_size
    loss.backward()

    sess = ad.Session()
    losses = []
    for step in range(steps):
        batch_x, batch_y = make_batch(rng, rule, batch_size)
        sess.prepare()
        feed_dict = {x: batch_x, y_true: batch_y}
        losses.append(float(sess.run(loss, feed_dict=feed_dict)))
        for var in (w, b):
            grad = sess.run(var.gradient, feed_dict=feed_dict)
            var.update_add(-learning_rate * grad)
        if verbose and step % 500 == 0:
            print(f"step {step:6d}  loss {losses[-1]:.4f}")

    sess.prepare()
    test_x, test_y = make_batch(rng, rule, 1000)
    probabilities = sess.run(y_pred, feed_dict={x: test_x})
    accuracy = float(np.mean(np.argmax(probabilities, -1) == np.argmax(test_y, -1)))
    return {"losses": losses, "accuracy": accuracy}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.perf_counter()
    result = train(steps=args.steps, seed=args.seed, verbose=True)
    elapsed = time.perf_counter() - start
    print(f"final loss {result['losses'][-1]:.4f}; test accuracy {result['accuracy']:.1%}")
    print(f"{args.steps} SGD steps in {elapsed:.2f} s")


if __name__ == "__main__":
    main()
