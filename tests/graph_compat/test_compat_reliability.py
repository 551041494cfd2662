"""Session reliability: threads, feed snapshots, variable feeds and clear misuse errors."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

import tapediff.graph_compat as ad


def _model() -> tuple[ad.Operation, ad.Operation, ad.OpVariable]:
    x = ad.placeholder((None, 3), name="x")
    w = ad.variable(np.array([0.5, -1.0, 2.0]), name="w")
    loss = ad.sum(ad.tanh(ad.dot(x, w)) ** 2.0)
    loss.backward()
    return x, loss, w


def test_a_session_shared_by_threads_gives_the_single_threaded_results() -> None:
    x, loss, w = _model()
    feed = {x: np.arange(12.0).reshape(4, 3) / 10.0}
    ref = ad.Session()
    expected = ref.run([loss, w.gradient], feed)
    sess = ad.Session()
    errors: list[BaseException] = []
    results: list[list[object]] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(30):
                sess.prepare()
                results.append(sess.run([loss, w.gradient], feed))
                results.append([sess.run(loss, feed), sess.run(w.gradient, feed)])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so runs would interleave without a lock
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert len(results) == 8 * 30 * 2
    for got in results:
        np.testing.assert_allclose(got[0], expected[0], rtol=0, atol=0)
        np.testing.assert_allclose(got[1], expected[1], rtol=0, atol=0)


def test_a_step_snapshots_its_feeds() -> None:
    x, loss, w = _model()
    batch = np.ones((2, 3))
    expected = ad.Session().run(w.gradient, {x: batch.copy()})
    sess = ad.Session()
    feed = {x: batch}
    sess.run(loss, feed)
    batch[...] = 7.0  # refilled in place for the next step, too early
    np.testing.assert_array_equal(sess.run(w.gradient, feed), expected)


def test_forward_snapshots_its_feeds() -> None:
    x, loss, _ = _model()
    batch = np.ones((2, 3))
    first = loss.forward({x: batch, ad.Operation.STEP_KEY: 1})
    batch[...] = 7.0
    assert loss.forward({x: batch, ad.Operation.STEP_KEY: 1}) == first


def test_a_variable_feed_overrides_its_value_for_that_step_only() -> None:
    x, loss, w = _model()
    batch = np.ones((2, 3))
    other = np.array([1.0, 0.0, -1.0])
    sess = ad.Session()
    got = sess.run([loss, w.gradient], {x: batch, w: other})
    w2 = ad.variable(other.copy())
    loss2 = ad.sum(ad.tanh(ad.dot(x, w2)) ** 2.0)
    loss2.backward()
    expected = ad.Session().run([loss2, w2.gradient], {x: batch})
    np.testing.assert_allclose(got[0], expected[0])
    np.testing.assert_allclose(got[1], expected[1])
    np.testing.assert_array_equal(w.x, [0.5, -1.0, 2.0])  # the variable is unchanged
    sess.prepare()
    unfed = sess.run(loss, {x: batch})
    assert unfed == pytest.approx(float(np.sum(np.tanh(batch @ w.x) ** 2)))
    # forward() honours it too
    assert w.forward({w: other}).tolist() == other.tolist()
    assert w.forward().tolist() == [0.5, -1.0, 2.0]


def test_a_variable_feed_of_the_wrong_shape_names_the_variable() -> None:
    _, _loss, w = _model()
    with pytest.raises(ValueError, match=r"variable w: fed a value of shape \(2,\), expected"):
        ad.Session().run(w, {w: np.ones(2)})


def test_variable_of_none_is_refused() -> None:
    with pytest.raises(TypeError, match=r"variable: expected an initial value.*got None"):
        ad.variable(None)


def test_variable_of_strings_is_refused() -> None:
    with pytest.raises(TypeError, match=r"variable: expected a numeric initial value.*<U1"):
        ad.variable(np.array(["a"]))


def test_placeholder_of_none_asks_for_a_shape_tuple() -> None:
    with pytest.raises(TypeError, match=r"placeholder: shape must be a tuple.*\(None, 3\).*None"):
        ad.placeholder(None)


def test_fetching_a_gradient_before_backward_says_to_call_backward() -> None:
    x = ad.placeholder((3,))
    w = ad.variable(np.ones(3))
    ad.sum(x * w)
    with pytest.raises(TypeError, match=r"call loss\.backward\(\) first"):
        ad.Session().run(w.gradient, {x: np.ones(3)})
    with pytest.raises(TypeError, match=r"call loss\.backward\(\) first"):
        ad.Session().run([w, w.gradient], {x: np.ones(3)})


def test_update_add_with_strings_asks_for_a_numeric_array() -> None:
    w = ad.variable(np.ones(1), name="w")
    with pytest.raises(TypeError, match=r"update_add: w expects a numeric array of shape \(1,\)"):
        w.update_add(np.array(["a"]))
    with pytest.raises(TypeError, match=r"update: w expects a numeric array of shape \(1,\)"):
        w.update(np.array(["a"]))
    np.testing.assert_array_equal(w.x, [1.0])
