"""Forward evaluation: values against NumPy, feeds and their errors, Session steps, STEP_KEY."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tapediff.graph_compat as ad

RNG = np.random.default_rng(7)
XV = RNG.uniform(0.5, 2.0, size=(2, 3))
YV = RNG.uniform(0.5, 2.0, size=(2, 3))
MV = RNG.normal(size=(3, 4))

# (graph builder on nodes x, y, m; NumPy reference on arrays)
VALUES: list[tuple[str, Callable[..., Any], Callable[..., Any]]] = [
    ("add", lambda x, y, m: x + y, lambda x, y, m: x + y),
    ("subtract", lambda x, y, m: x - 1, lambda x, y, m: x - 1),
    ("multiply", lambda x, y, m: x * y[0], lambda x, y, m: x * y[0]),
    ("divide", lambda x, y, m: 2 / x, lambda x, y, m: 2 / x),
    ("floordiv", lambda x, y, m: x // y, lambda x, y, m: x / y),
    ("negative", lambda x, y, m: -x, lambda x, y, m: -x),
    ("power", lambda x, y, m: x**y, lambda x, y, m: x**y),
    ("square", lambda x, y, m: ad.square(x), lambda x, y, m: np.square(x)),
    ("sqrt", lambda x, y, m: ad.sqrt(x), lambda x, y, m: np.sqrt(x)),
    ("exp", lambda x, y, m: ad.exp(x), lambda x, y, m: np.exp(x)),
    ("log", lambda x, y, m: ad.log(x), lambda x, y, m: np.log(x)),
    ("tanh", lambda x, y, m: ad.tanh(x), lambda x, y, m: np.tanh(x)),
    ("maximum", lambda x, y, m: ad.maximum(x, y), lambda x, y, m: np.maximum(x, y)),
    ("minimum", lambda x, y, m: ad.minimum(x, 1.0), lambda x, y, m: np.minimum(x, 1.0)),
    ("where", lambda x, y, m: ad.where(x - 1, x, y), lambda x, y, m: np.where(x != 1, x, y)),
    ("where default", lambda x, y, m: ad.where(ad.constant([0, 2, 0])),
     lambda x, y, m: np.array([0.0, 1.0, 0.0])),
    ("dot", lambda x, y, m: ad.dot(x, m), lambda x, y, m: x @ m),
    ("dot scalar", lambda x, y, m: ad.dot(2.0, x), lambda x, y, m: 2 * x),
    ("dot vec", lambda x, y, m: ad.dot(x[0], x[1]), lambda x, y, m: x[0] @ x[1]),
    ("dot 3d", lambda x, y, m: ad.dot(ad.reshape(m, (2, 2, 3)), ad.reshape(m, (2, 3, 2))),
     lambda x, y, m: np.dot(m.reshape(2, 2, 3), m.reshape(2, 3, 2))),
    ("transpose", lambda x, y, m: ad.transpose(x), lambda x, y, m: x.T),
    ("transpose axes", lambda x, y, m: ad.transpose(ad.reshape(m, (2, 3, 2)), (2, 0, 1)),
     lambda x, y, m: m.reshape(2, 3, 2).transpose(2, 0, 1)),
    ("reshape", lambda x, y, m: ad.reshape(x, (3, -1)), lambda x, y, m: x.reshape(3, 2)),
    ("flatten", lambda x, y, m: ad.flatten(m), lambda x, y, m: m.ravel()),
    ("expand_dims", lambda x, y, m: ad.expand_dims(x, 1), lambda x, y, m: x[:, None]),
    ("expand_dims default", lambda x, y, m: ad.expand_dims(x), lambda x, y, m: x[..., None]),
    ("squeeze", lambda x, y, m: ad.squeeze(ad.reshape(x, (1, 6, 1)), (0, -1)),
     lambda x, y, m: x.ravel()),
    ("sum", lambda x, y, m: ad.sum(x), lambda x, y, m: np.sum(x)),
    ("sum axis", lambda x, y, m: ad.sum(m, axis=(0, -1), keepdims=True),
     lambda x, y, m: np.sum(m, axis=(0, 1), keepdims=True)),
    ("prod", lambda x, y, m: ad.prod(x, axis=0), lambda x, y, m: np.prod(x, axis=0)),
    ("mean", lambda x, y, m: ad.mean(m, axis=1), lambda x, y, m: np.mean(m, axis=1)),
    ("max", lambda x, y, m: ad.max(m, axis=0, keepdims=True),
     lambda x, y, m: np.max(m, axis=0, keepdims=True)),
    ("min", lambda x, y, m: ad.min(m), lambda x, y, m: np.min(m)),
    ("argmax", lambda x, y, m: ad.argmax(m, axis=1), lambda x, y, m: np.argmax(m, axis=1)),
    ("argmax all", lambda x, y, m: ad.argmax(m), lambda x, y, m: np.argmax(m)),
    ("shape", lambda x, y, m: ad.shape(m), lambda x, y, m: np.array([3, 4])),
    ("getitem", lambda x, y, m: m[1:, ::-2], lambda x, y, m: m[1:, ::-2]),
    ("setitem", lambda x, y, m: ad.setitem(x, (1, slice(None)), y[0]),
     lambda x, y, m: np.where(np.arange(2)[:, None] == 1, y[0], x)),
    ("ones", lambda x, y, m: ad.ones((2, 2)), lambda x, y, m: np.ones((2, 2))),
    ("zeros", lambda x, y, m: ad.zeros(3), lambda x, y, m: np.zeros(3)),
    ("ones_like", lambda x, y, m: ad.ones_like(m), lambda x, y, m: np.ones((3, 4))),
    ("zeros_like", lambda x, y, m: ad.zeros_like(x), lambda x, y, m: np.zeros((2, 3))),
    ("softmax", lambda x, y, m: ad.acts.softmax(m),
     lambda x, y, m: np.exp(m) / np.exp(m).sum(-1, keepdims=True)),
    ("relu", lambda x, y, m: ad.acts.relu(m), lambda x, y, m: np.maximum(m, 0)),
    ("leaky_relu", lambda x, y, m: ad.acts.leaky_relu(m, alpha=0.1),
     lambda x, y, m: np.where(m > 0, m, 0.1 * m)),
    ("sigmoid", lambda x, y, m: ad.acts.sigmoid(m), lambda x, y, m: 1 / (1 + np.exp(-m))),
    ("cross_entropy", lambda x, y, m: ad.losses.cross_entropy(y, ad.acts.softmax(x)),
     lambda x, y, m: -np.sum(y * np.log(np.exp(x) / np.exp(x).sum(-1, keepdims=True)), -1)),
    ("mean_square_error", lambda x, y, m: ad.losses.mean_square_error(y, x),
     lambda x, y, m: np.sum((y - x) ** 2, axis=-1)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("build", "reference"), [v[1:] for v in VALUES], ids=[v[0] for v in VALUES]
)
def test_forward_matches_numpy(build: Callable[..., Any], reference: Callable[..., Any]) -> None:
    x, y = ad.placeholder((2, 3), name="x"), ad.variable(YV)
    m = ad.constant(MV)
    op = build(x, y, m)
    value = op.forward({x: XV})
    expected = reference(XV, YV, MV)
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-12)
    assert np.shape(value) == np.shape(expected)
    assert tuple(d for d in op.shape) == tuple(
        e if d is not None else d for d, e in zip(op.shape, np.shape(expected), strict=True)
    )


def test_forward_returns_new_arrays() -> None:
    w = ad.variable(np.array([1.0, 2.0]))
    c = ad.constant([3.0, 4.0])
    for node in (w, c, w + 0.0):
        out = node.forward()
        out[0] = 100.0
    np.testing.assert_array_equal(w.forward(), [1.0, 2.0])
    np.testing.assert_array_equal(c.forward(), [3.0, 4.0])
    assert isinstance(ad.variable(2.0).forward(), float)
    assert np.isscalar(ad.sum(w).forward())


# ----- feeds -----


def test_feed_by_op_or_by_name() -> None:
    x = ad.placeholder((None, 2), name="x")
    anon = ad.placeholder((2,))
    y = ad.sum(x * anon)
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    b = np.array([10.0, 100.0])
    assert y.forward({x: a, anon: b}) == 640.0
    assert y.forward({"x": a, "X(2,)": b}) == 640.0
    assert y.forward({"x": a, anon: b, ad.Operation.STEP_KEY: None}) == 640.0
    assert y.forward({x: [[1, 1]], "X(2,)": [1, 1]}) == 2.0


def test_missing_feeds_raise_one_key_error_naming_all() -> None:
    x = ad.placeholder((None, 2), name="x")
    y = ad.placeholder((2,), name="labels")
    z = ad.placeholder((2,))
    op = ad.sum(x * y) + ad.sum(z)
    with pytest.raises(KeyError) as info:
        op.forward({})
    err = info.value
    assert isinstance(err, ad.MissingFeedError)
    assert set(err.placeholders) == {x, y, z}
    message = str(err)
    assert "3 placeholder(s)" in message
    assert "x (shape (None, 2))" in message and "labels" in message and "X(2,)" in message
    with pytest.raises(ad.MissingFeedError, match="labels") as info:
        op.forward({"x": np.ones((1, 2)), z: np.ones(2)})
    assert info.value.placeholders == [y]


def test_fed_shape_must_match_the_placeholder() -> None:
    x = ad.placeholder((None, 3), name="x")
    y = ad.sum(x)
    assert y.forward({x: np.ones((5, 3))}) == 15.0
    message = r"placeholder x: fed a value of shape \(2, 4\), expected shape \(None, 3\)"
    with pytest.raises(ValueError, match=message):
        y.forward({x: np.ones((2, 4))})
    with pytest.raises(ValueError, match=r"shape \(3,\), expected shape \(None, 3\)"):
        y.forward({x: np.ones(3)})
    with pytest.raises(ValueError, match="placeholder x"):
        ad.Session().run(y, {"x": np.ones((1, 3, 1))})


def test_feed_errors() -> None:
    x = ad.placeholder((2,), name="same")
    y = ad.placeholder((2,), name="same")
    with pytest.raises(ValueError, match="names more than one placeholder"):
        (x + y).forward({"same": np.ones(2)})
    assert (x + y).forward({x: np.ones(2), "same": np.zeros(2)}).tolist() == [1.0, 1.0]
    with pytest.raises(TypeError, match="feed_dict must be a dict"):
        x.forward([1, 2])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="keys must be placeholder ops or their names"):
        x.forward({1: np.ones(2)})


# ----- Session -----


def test_session_fetch_structures() -> None:
    sess = ad.Session()
    a, b = ad.constant([[1, 2]]), ad.constant([2, 1])
    np.testing.assert_array_equal(sess.run(a), [[1.0, 2.0]])
    first, second = sess.run([a, b])
    np.testing.assert_array_equal(first, [[1.0, 2.0]])
    np.testing.assert_array_equal(second, [2.0, 1.0])
    out = sess.run({"a": a, "b": b})
    assert set(out) == {"a", "b"}
    np.testing.assert_array_equal(out["a"], [[1.0, 2.0]])
    for bad in ((a, b), {a}, "a"):
        with pytest.raises(NotImplementedError, match="fetches must be"):
            sess.run(bad)
    with pytest.raises(TypeError, match="cannot fetch"):
        sess.run([a, 1.0])


def test_session_step_reuses_values_until_prepare() -> None:
    w = ad.variable(np.array([1.0, 2.0]))
    x = ad.placeholder((2,), name="x")
    y = ad.sum(w * x)
    sess = ad.Session()
    feed = {x: np.ones(2)}
    assert sess.run(y, feed) == 3.0
    assert sess.run(y, feed) == 3.0  # running an op twice in a step is fine
    w.update(np.array([10.0, 20.0]))
    assert sess.run(y, {x: np.zeros(2)}) == 3.0  # same step: values computed once
    sess.prepare()
    assert sess.run(y, {x: np.ones(2)}) == 30.0
    assert feed == {x: feed[x]}  # run never writes into the caller's feed_dict


def test_sessions_do_not_share_steps() -> None:
    w = ad.variable(1.0)
    y = w * 2
    first, second = ad.Session(), ad.Session()
    assert first.run(y) == 2.0
    w.update(5.0)
    assert second.run(y) == 10.0
    second.prepare()
    assert first.run(y) == 2.0  # another session's prepare() does not end this step
    first.prepare()
    assert first.run(y) == 10.0


def test_step_key_caches_forward_per_step() -> None:
    w = ad.variable(np.array([1.0, 2.0]))
    y = ad.sum(w * 3)
    z = y + 1
    key = ad.Operation.STEP_KEY
    assert y.forward({key: 1}) == 9.0
    w.update(np.array([0.0, 0.0]))
    assert y.forward({key: 1}) == 9.0  # same step: cached
    assert z.forward({key: 1}) == 10.0  # a new root joins the step's values
    assert y.forward({}) == 0.0  # no step key: nothing cached
    assert y.forward({key: 2}) == 0.0
    assert z.forward({key: 2}) == 1.0


# ----- simplify -----


def test_simplify_folds_constant_subtrees() -> None:
    folded = ad.OpConstant(np.arange(12)).reshape((3, 4)).transpose().simplify()
    assert isinstance(folded, ad.OpConstant) and folded.name == "C(4, 3)"
    np.testing.assert_array_equal(folded.forward(), np.arange(12.0).reshape(3, 4).T)
    assert ad.simplify(ad.sum(ad.constant([1.0, 2.0]))).name == "3.0"


def test_simplify_keeps_other_nodes_and_their_names() -> None:
    x = ad.OpPlaceholder(shape=(12,), name="X").reshape((3, 4)).transpose()
    assert x.simplify() is x and x.name == "transpose(reshape(X, shape=(3, 4)))"
    y = (ad.constant([1.0, 2.0]) + ad.constant([3.0, 4.0])) * ad.placeholder((2,), name="x")
    assert ad.simplify(y) is y
    assert y.name == "multiply(add(C(2,), C(2,)), x)"  # names are kept as they were
    assert isinstance(y.inputs[0], ad.OpConstant)  # inputs are rewritten in place
    np.testing.assert_array_equal(y.forward({"x": np.ones(2)}), [4.0, 6.0])


def test_simplify_with_custom_rewrites() -> None:
    x = ad.placeholder((2,), name="x")
    seen = []

    def record(op: ad.Operation) -> ad.Operation:
        seen.append(op.name)
        return ad.negative(op)

    result = ad.simplify(ad.exp(x), [record, record])
    assert seen == ["exp(x)", "(-exp(x))"] and result.name == "(-(-exp(x)))"


def test_session_notices_graph_changes_between_steps() -> None:
    x = ad.variable(np.array([1.0, 2.0]))
    a, b = x * 2.0, x * 3.0
    y = ad.sum(a)
    sess = ad.Session()
    assert sess.run(y) == 6.0
    y.inputs[0] = b  # rewired in place: the next step must not reuse the old walk
    sess.prepare()
    assert sess.run(y) == 9.0
    y.inputs = [a + 1.0]
    sess.prepare()
    assert sess.run(y) == 8.0
    y.backward()  # more tapes needed from now on
    sess.prepare()
    assert sess.run(y) == 8.0
    np.testing.assert_allclose(sess.run(x.gradient), [2.0, 2.0])


def test_session_with_many_fetch_sets() -> None:
    x = ad.placeholder((None,), name="x")
    outputs = [ad.sum(x * float(k)) for k in range(40)]
    sess = ad.Session()
    for step in range(3):
        sess.prepare()
        feed = {x: np.array([1.0, float(step)])}
        assert [sess.run(out, feed) for out in outputs] == [k * (1.0 + step) for k in range(40)]
        assert sess.run(outputs[:3], feed) == [0.0, 1.0 + step, 2.0 + 2 * step]
