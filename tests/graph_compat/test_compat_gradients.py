"""Gradients: every differentiable op against finite differences, .gradient semantics, higher order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from compat_helpers import numeric_gradient

import tapediff.graph_compat as ad
from tapediff import Tape
from tapediff.ops import elementwise

RNG = np.random.default_rng(3)
AV = RNG.uniform(0.5, 1.5, size=(2, 3))
BV = RNG.uniform(0.5, 1.5, size=(2, 3))
VV = RNG.uniform(0.5, 1.5, size=(3,))

# (builder on variables a (2, 3), b (2, 3), v (3,)): each differentiable op, used in a graph.
DIFFERENTIABLE: list[tuple[str, Callable[..., ad.Operation]]] = [
    ("add", lambda a, b, v: a + v),
    ("subtract", lambda a, b, v: v - a),
    ("multiply", lambda a, b, v: a * b * v),
    ("divide", lambda a, b, v: a / v + 1 / b),
    ("floordiv", lambda a, b, v: a // b),
    ("negative", lambda a, b, v: -a * b),
    ("power", lambda a, b, v: a**b + 2**v),
    ("square", lambda a, b, v: ad.square(a * b)),
    ("sqrt", lambda a, b, v: ad.sqrt(a + v)),
    ("exp", lambda a, b, v: ad.exp(a) * b),
    ("log", lambda a, b, v: ad.log(a * v)),
    ("tanh", lambda a, b, v: ad.tanh(a - b)),
    ("maximum", lambda a, b, v: ad.maximum(a, b * 1.1)),
    ("minimum", lambda a, b, v: ad.minimum(a, v)),
    ("where", lambda a, b, v: ad.where(ad.constant([1, 0, 1]), a, b * v)),
    ("dot", lambda a, b, v: ad.dot(a, v) * ad.dot(ad.transpose(b), a)[0, 0]),
    ("dot matrix", lambda a, b, v: ad.dot(a, ad.transpose(b))),
    ("transpose", lambda a, b, v: ad.transpose(a) * ad.reshape(v, (3, 1))),
    ("reshape", lambda a, b, v: ad.reshape(a, (3, 2)) * ad.reshape(b, (-1, 2))),
    ("flatten", lambda a, b, v: ad.flatten(a) * ad.flatten(b)),
    ("expand_dims", lambda a, b, v: ad.expand_dims(a, 1) * ad.expand_dims(b)),
    ("squeeze", lambda a, b, v: ad.squeeze(ad.expand_dims(a * b, 1), 1)),
    ("sum", lambda a, b, v: ad.sum(a * b, axis=0) * v),
    ("sum keepdims", lambda a, b, v: ad.sum(a, axis=-1, keepdims=True) * b),
    ("prod", lambda a, b, v: ad.prod(a * v, axis=1)),
    ("mean", lambda a, b, v: ad.mean(a * b, axis=1, keepdims=True) * a),
    ("max", lambda a, b, v: ad.max(a * b, axis=0) * v),
    ("min", lambda a, b, v: ad.min(a + b)),
    ("getitem", lambda a, b, v: a[1, ::-1] * b[0] + v[1:].sum()),
    ("softmax", lambda a, b, v: ad.acts.softmax(a * 3) * b),
    ("relu", lambda a, b, v: ad.acts.relu(a - b) * v),
    ("leaky_relu", lambda a, b, v: ad.acts.leaky_relu(a - b, alpha=0.3) * v),
    ("sigmoid", lambda a, b, v: ad.acts.sigmoid(a * b)),
    ("cross_entropy", lambda a, b, v: ad.losses.cross_entropy(b, ad.acts.softmax(a))),
    ("mean_square_error", lambda a, b, v: ad.losses.mean_square_error(b, a * v)),
    ("ones_like", lambda a, b, v: ad.ones_like(a) * b + ad.zeros_like(v)),
]


@pytest.mark.parametrize(
    "build", [d[1] for d in DIFFERENTIABLE], ids=[d[0] for d in DIFFERENTIABLE]
)
def test_gradient_matches_finite_differences(build: Callable[..., ad.Operation]) -> None:
    a, b, v = ad.variable(AV), ad.variable(BV), ad.variable(VV)
    y = build(a, b, v)
    y.backward()
    for var in (a, b, v):
        grad = ad.zeros(var.shape) if var.gradient is None else var.gradient
        assert grad.shape == var.shape
        expected = numeric_gradient(y, var, {})
        # Absolute differences (auto_diff's own check was one-sided).
        np.testing.assert_allclose(grad.forward(), expected, atol=1e-6, rtol=1e-6)


def test_gradient_of_every_node_is_d_target_d_node() -> None:
    x = ad.variable(np.array([1.0, 2.0]))
    y = x * x  # used twice below: the old engine kept only the last path
    z = ad.sum(y * 3.0 + ad.exp(y))
    p = ad.placeholder((2,), name="p")
    c = ad.constant([1.0, 1.0])
    loss = z + ad.sum(y * p) + ad.sum(c * x)
    loss.backward()
    pv = np.array([10.0, 20.0])
    feed = {p: pv}
    yv = np.array([1.0, 4.0])
    np.testing.assert_allclose(y.gradient.forward(feed), 3.0 + np.exp(yv) + pv)
    np.testing.assert_allclose(x.gradient.forward(feed), (3.0 + np.exp(yv) + pv) * 2 * x.x + 1)
    np.testing.assert_allclose(p.gradient.forward(feed), yv)
    np.testing.assert_allclose(c.gradient.forward(feed), x.x)
    assert loss.gradient.forward(feed) == 1.0
    assert z.gradient.forward(feed) == 1.0
    assert isinstance(x.gradient, ad.OpGradient)


def test_gradients_accumulate_until_cleared() -> None:
    x = ad.variable(np.array([1.0, 2.0]))
    first, second = ad.sum(x * 3.0), ad.sum(ad.square(x))
    first.backward()
    second.backward()
    assert isinstance(x.gradient, ad.OpAdd)
    np.testing.assert_allclose(x.gradient.forward(), 3.0 + 2 * x.x)
    second.backward()  # again: adds on (as auto_diff and PyTorch do)
    np.testing.assert_allclose(x.gradient.forward(), 3.0 + 4 * x.x)
    y_gradient = second.gradient
    x.clear_gradient()
    assert x.gradient is None
    assert second.gradient is y_gradient  # clear_gradient() resets only its own node
    first.backward()
    np.testing.assert_allclose(x.gradient.forward(), [3.0, 3.0])


def test_backward_with_a_given_gradient() -> None:
    x = ad.variable(np.array([1.0, 2.0, 3.0]))
    y = ad.square(x)
    y.backward(ad.constant([1.0, 0.0, 2.0]))
    np.testing.assert_allclose(x.gradient.forward(), [2.0, 0.0, 12.0])
    x.clear_gradient()
    y.backward(np.array(0.5))  # an array is wrapped; a scalar broadcasts over y
    np.testing.assert_allclose(x.gradient.forward(), x.x)
    with pytest.raises(ValueError, match=r"does not broadcast to the shape \(3,\)"):
        y.backward(ad.ones((2, 3)))
    with pytest.raises(ValueError, match="does not broadcast"):
        y.backward(np.ones(2))


def test_default_seed_works_with_unknown_dimensions() -> None:
    x = ad.placeholder((None, 2), name="x")
    w = ad.variable(np.array([1.0, -1.0]))
    y = x * w  # non-scalar with a None dimension: auto_diff failed here
    y.backward()
    np.testing.assert_allclose(w.gradient.forward({x: np.ones((3, 2))}), [3.0, 3.0])


@pytest.mark.parametrize(
    "build",
    [
        lambda x: ad.sum(x) + ad.argmax(x),
        lambda x: ad.sum(ad.shape(x) * x),
        lambda x: ad.sum(ad.setitem(x, 0, 1.0)),
    ],
    ids=["argmax", "shape", "setitem"],
)
def test_backward_through_non_differentiable_ops_raises_at_once(
    build: Callable[[ad.Operation], ad.Operation],
) -> None:
    x = ad.variable(np.array([1.0, 2.0]))
    y = build(x)
    with pytest.raises(NotImplementedError, match="has no gradient"):
        y.backward()
    assert x.gradient is None and y.gradient is None  # nothing was half-assigned


def test_no_gradient_flows_through_ones_like_or_a_condition() -> None:
    x = ad.variable(np.array([1.0, 2.0]))
    y = ad.sum(ad.ones_like(ad.argmax(x)) * 2.0)
    y.backward()  # argmax only gives ones_like its shape: no error, no gradient
    assert x.gradient is None
    c = ad.variable(np.array([1.0, 0.0]))
    z = ad.sum(ad.where(c, x * 3.0, x * x))
    z.backward()
    assert c.gradient is None
    np.testing.assert_allclose(x.gradient.forward(), [3.0, 4.0])


# ----- second and higher order -----


def test_second_derivative_via_gradient_backward() -> None:
    xv = np.array([0.5, -1.0, 2.0])
    x = ad.variable(xv)
    y = ad.sum(ad.exp(x) * x)
    y.backward()
    first = x.gradient
    np.testing.assert_allclose(first.forward(), np.exp(xv) * (1 + xv))
    x.clear_gradient()
    first.backward()
    second = x.gradient
    np.testing.assert_allclose(second.forward(), np.exp(xv) * (2 + xv))
    x.clear_gradient()
    second.backward()
    np.testing.assert_allclose(x.gradient.forward(), np.exp(xv) * (3 + xv))


def test_mixed_second_derivative_and_hessian_vector_product() -> None:
    xv, wv = np.array([1.0, 2.0]), np.array([[1.0, 2.0], [3.0, 4.0]])
    x, w = ad.variable(xv), ad.variable(wv)
    y = ad.sum(ad.square(ad.dot(w, x)))  # grad_x = 2 W^T W x, Hessian 2 W^T W
    y.backward()
    gx = x.gradient
    x.clear_gradient()
    w.clear_gradient()
    u = ad.constant([1.0, -1.0])
    ad.sum(gx * u).backward()
    np.testing.assert_allclose(x.gradient.forward(), 2 * wv.T @ wv @ u.x)
    # d/dW of <2 W^T W x, u> = 2 W (x u^T + u x^T)
    expected = 2 * wv @ (np.outer(xv, u.x) + np.outer(u.x, xv))
    np.testing.assert_allclose(w.gradient.forward(), expected)


def test_second_order_in_a_session_step_shares_the_forward() -> None:
    calls = []
    x = ad.variable(np.array([1.0, 3.0]))
    y = ad.sum(_Counted(x, calls) ** 3)
    y.backward()
    g = x.gradient
    x.clear_gradient()
    g.backward()
    sess = ad.Session()
    for _ in range(2):
        sess.prepare()
        assert sess.run(y) == 28.0
        np.testing.assert_allclose(sess.run(g), [3.0, 27.0])
        np.testing.assert_allclose(sess.run(x.gradient), [6.0, 18.0])
    assert len(calls) == 2  # one forward per step


class _Counted(ad.Operation):
    """Identity that counts its forward evaluations (gradient through a symbolic _backward)."""

    def __init__(self, x: ad.Operation, calls: list[int]) -> None:
        self.inputs = [x]
        self.shape = x.shape
        self.calls = calls
        super().__init__()

    def _get_name(self) -> str:
        return f"counted({self.inputs[0].name})"

    def _get_op_name(self) -> str:
        return "counted"

    def _forward(self, feed_dict: Any) -> Any:
        self.calls.append(1)
        return self.inputs[0].forward(feed_dict)

    def _backward(self, gradient: ad.Operation) -> None:
        self.inputs[0].backward(gradient)


# ----- one forward and one reverse sweep per step; linear cost on shared subgraphs -----


def test_session_step_runs_one_forward_and_one_reverse_sweep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sweeps = []
    real_gradient = Tape.gradient

    def counting(self: Tape, *args: Any, **kwargs: Any) -> Any:
        sweeps.append(1)
        return real_gradient(self, *args, **kwargs)

    monkeypatch.setattr(Tape, "gradient", counting)
    calls: list[int] = []
    x = ad.placeholder((None, 2), name="x")
    w, b = ad.variable(np.ones(2)), ad.variable(0.5)
    hidden = _Counted(ad.dot(x, w) + b, calls)
    loss = ad.sum(ad.square(hidden))
    loss.backward()
    sess = ad.Session()
    feed = {x: np.array([[1.0, 2.0], [0.0, 1.0]])}
    for step in range(1, 4):
        sess.prepare()
        assert sess.run(loss, feed) == 3.5**2 + 1.5**2
        grads = [sess.run(v.gradient, feed) for v in (w, b, x, hidden)]
        np.testing.assert_allclose(grads[0], [7.0, 17.0])
        assert grads[1] == 10.0
        np.testing.assert_allclose(grads[2], [[7.0, 7.0], [3.0, 3.0]])
        np.testing.assert_allclose(grads[3], [7.0, 3.0])
        assert len(calls) == step and len(sweeps) == step
    sess.prepare()
    assert sess.run(loss.gradient, feed) == 1.0  # first fetch of this one: swept with the rest
    sess.run(w.gradient, feed)
    assert len(sweeps) == 4
    sess.prepare()
    sess.run(w.gradient, feed)
    sess.run([loss.gradient, b.gradient], feed)
    assert len(sweeps) == 5


def test_reused_node_through_30_doublings_costs_linear_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vjp_calls = []

    def counted(vjp: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            vjp_calls.append(1)
            return vjp(*args, **kwargs)

        return call

    add = elementwise._add
    monkeypatch.setattr(add, "vjps", tuple(counted(vjp) for vjp in add.vjps or ()))
    computes = []
    real_compute = ad.OpAdd._compute

    def counting(self: ad.OpAdd, *args: Any) -> Any:
        computes.append(1)
        return real_compute(self, *args)

    monkeypatch.setattr(ad.OpAdd, "_compute", counting)
    x = ad.variable(1.5)
    node: ad.Operation = x
    for _ in range(30):
        node = node + node  # each level reuses the previous one twice: 2**30 paths
    node.backward()
    assert x.gradient.forward() == 2.0**30
    assert len(computes) == 30  # each node computed once
    assert len(vjp_calls) == 60  # one VJP per input of each recorded add


def test_backward_called_in_the_middle_of_a_step() -> None:
    x = ad.variable(np.array([1.0, 2.0]))
    y = ad.sum(x * x)
    sess = ad.Session()
    assert sess.run(y) == 5.0  # the step starts without any gradient requested
    y.backward()
    np.testing.assert_allclose(sess.run(x.gradient), [2.0, 4.0])  # the step is redone
    assert sess.run(y) == 5.0


def test_step_key_shares_the_forward_with_gradients() -> None:
    calls: list[int] = []
    x = ad.variable(np.array([3.0]))
    z = ad.sum(ad.exp(_Counted(x, calls)))
    z.backward()
    key = ad.Operation.STEP_KEY
    assert z.forward({key: 5}) == pytest.approx(np.exp(3.0))
    x.update(np.array([0.0]))
    np.testing.assert_allclose(x.gradient.forward({key: 5}), np.exp([3.0]))  # same step
    np.testing.assert_allclose(x.gradient.forward({key: 6}), [1.0])
    assert len(calls) == 2
