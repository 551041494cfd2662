"""User-defined Operation subclasses written to auto_diff's contract (_forward + symbolic _backward)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from compat_helpers import numeric_gradient

import tapediff.graph_compat as ad


class OpCube(ad.Operation):
    """x ** 3, with a symbolic gradient built from graph ops."""

    def __init__(self, x: ad.Operation, **kwargs: Any) -> None:
        self.inputs = [x]
        self.shape = x.shape
        self.forward_calls = 0
        super().__init__(**kwargs)

    def _get_name(self) -> str:
        return f"cube({self.inputs[0].name})"

    def _get_op_name(self) -> str:
        return "cube"

    def _forward(self, feed_dict: Any) -> Any:
        self.forward_calls += 1
        return self.inputs[0].forward(feed_dict) ** 3

    def _backward(self, gradient: ad.Operation) -> None:
        x = self.inputs[0]
        x.backward(gradient * 3.0 * ad.square(x))


class OpTimes(ad.Operation):
    """x * y, whose _backward also stores what it passes on (allowed by the contract)."""

    def __init__(self, x: ad.Operation, y: ad.Operation, **kwargs: Any) -> None:
        self.inputs = [x, y]
        self.shape = x.shape
        super().__init__(**kwargs)

    def _get_name(self) -> str:
        return f"times({self.inputs[0].name}, {self.inputs[1].name})"

    def _get_op_name(self) -> str:
        return "times"

    def _forward(self, feed_dict: Any) -> Any:
        return self.inputs[0].forward(feed_dict) * self.inputs[1].forward(feed_dict)

    def _backward(self, gradient: ad.Operation) -> None:
        x, y = self.inputs
        self.gradient = [gradient * y, gradient * x]
        x.backward(self.gradient[0])
        y.backward(self.gradient[1])


class OpScaleBy(ad.Operation):
    """x * k where k only scales: the gradient goes to x alone, in two parts."""

    def __init__(self, x: ad.Operation, k: ad.Operation) -> None:
        self.inputs = [x, k]
        self.shape = x.shape
        super().__init__()

    def _get_name(self) -> str:
        return "scale"

    def _get_op_name(self) -> str:
        return "scale"

    def _forward(self, feed_dict: Any) -> Any:
        return self.inputs[0].forward(feed_dict) * self.inputs[1].forward(feed_dict)

    def _backward(self, gradient: ad.Operation) -> None:
        half = gradient * self.inputs[1] * 0.5
        self.inputs[0].backward(half)
        self.inputs[0].backward(half)


class OpNoBackward(ad.Operation):
    def __init__(self, x: ad.Operation) -> None:
        self.inputs = [x]
        self.shape = x.shape
        super().__init__()

    def _get_name(self) -> str:
        return "nograd"

    def _get_op_name(self) -> str:
        return "nograd"

    def _forward(self, feed_dict: Any) -> Any:
        return self.inputs[0].forward(feed_dict)


class OpNoForward(ad.Operation):
    def __init__(self) -> None:
        self.shape = (1, 2)
        super().__init__()

    def _get_name(self) -> str:
        return "test"

    def _get_op_name(self) -> str:
        return "test"


XV = np.array([0.5, -1.0, 2.0])


def test_user_op_forward_name_and_gradient_inside_a_graph() -> None:
    x = ad.variable(XV)
    w = ad.variable(np.array([1.0, 2.0, 3.0]))
    cube = OpCube(x * 2.0)
    y = ad.sum(ad.exp(cube * 0.1) * w)
    assert y.name == "sum(multiply(exp(multiply(cube(multiply(W(3,), 2.0)), 0.1)), W(3,)))"
    np.testing.assert_allclose(y.forward(), np.sum(np.exp((2 * XV) ** 3 * 0.1) * w.x))
    y.backward()
    for var in (x, w):
        np.testing.assert_allclose(var.gradient.forward(), numeric_gradient(y, var, {}), atol=1e-6)
    assert isinstance(cube.gradient, ad.OpGradient)


def test_second_derivative_through_a_user_op() -> None:
    x = ad.variable(XV)
    y = ad.sum(OpCube(x))
    y.backward()
    first = x.gradient
    x.clear_gradient()
    first.backward()
    np.testing.assert_allclose(first.forward(), 3 * XV**2)
    np.testing.assert_allclose(x.gradient.forward(), 6 * XV)


def test_two_input_user_op_with_the_same_input_twice() -> None:
    x = ad.variable(XV)
    times = OpTimes(x, x)
    y = ad.sum(times)
    y.backward()
    np.testing.assert_allclose(x.gradient.forward(), 2 * XV)
    assert isinstance(times.gradient, ad.OpGradient)  # what _backward stored is replaced
    np.testing.assert_allclose(times.gradient.forward(), np.ones(3))


def test_user_op_gradient_parts_add_up_and_unused_inputs_get_none() -> None:
    x = ad.variable(XV)
    k = ad.placeholder((), name="k")
    y = ad.sum(OpScaleBy(x, k))
    y.backward()
    np.testing.assert_allclose(x.gradient.forward({k: 4.0}), [4.0, 4.0, 4.0])
    assert k.gradient is None


def test_gradients_a_user_op_passes_to_non_inputs_are_ignored() -> None:
    other = ad.variable(np.ones(3))

    class Leaky(OpCube):
        def _backward(self, gradient: ad.Operation) -> None:
            super()._backward(gradient)
            other.backward(gradient)

    x = ad.variable(XV)
    ad.sum(Leaky(x)).backward()
    assert other.gradient is None
    np.testing.assert_allclose(x.gradient.forward(), 3 * XV**2)


def test_user_op_forward_runs_once_per_step_and_reads_computed_inputs() -> None:
    x = ad.variable(XV)
    inner = OpCube(x)
    outer = OpCube(inner + 1.0)
    loss = ad.sum(outer)
    loss.backward()
    sess = ad.Session()
    for step in range(3):
        sess.prepare()
        sess.run(loss)
        sess.run(x.gradient)
        sess.run([inner.gradient, outer])
        assert (inner.forward_calls, outer.forward_calls) == (step + 1, step + 1)
    expected = 3 * (XV**3 + 1) ** 2 * 3 * XV**2
    np.testing.assert_allclose(sess.run(x.gradient), expected)


def test_user_op_without_backward_fails_at_backward_time() -> None:
    with pytest.raises(NotImplementedError, match="no _backward"):
        OpNoForward().backward()
    x = ad.variable(XV)
    y = ad.sum(OpNoBackward(x)) + ad.sum(x)
    assert y.forward() == pytest.approx(3.0)
    with pytest.raises(NotImplementedError, match="OpNoBackward has no gradient"):
        y.backward()
    assert x.gradient is None


def test_user_op_without_forward_fails_at_forward_time() -> None:
    with pytest.raises(NotImplementedError, match="_forward"):
        OpNoForward().forward()
    with pytest.raises(NotImplementedError, match="_forward"):
        ad.Session().run(ad.sum(OpNoForward()))


def test_user_op_result_is_copied() -> None:
    class Passthrough(OpNoBackward):
        def _forward(self, feed_dict: Any) -> Any:
            return self.inputs[0].forward(feed_dict)

    x = ad.variable(XV)
    out = Passthrough(x).forward()
    out[:] = 0.0
    np.testing.assert_array_equal(x.forward(), XV)


def test_user_leaf_op_gets_a_gradient() -> None:
    class Leaf(ad.Operation):
        def __init__(self) -> None:
            self.shape = (3,)
            super().__init__(name="leaf")

        def _get_op_name(self) -> str:
            return "leaf"

        def _forward(self, feed_dict: Any) -> Any:
            return np.arange(3.0)

        def _backward(self, gradient: ad.Operation) -> None:
            pass

    leaf = Leaf()
    w = ad.variable(np.array([1.0, 2.0, 3.0]))
    y = ad.sum(ad.square(leaf) * w)
    y.backward()
    np.testing.assert_allclose(leaf.gradient.forward(), 2 * np.arange(3.0) * w.x)
    np.testing.assert_allclose(w.gradient.forward(), np.arange(3.0) ** 2)


def test_long_chain_of_user_ops_needs_no_recursion() -> None:
    x = ad.variable(np.array([1.0, -1.0]))
    node: ad.Operation = x
    for _ in range(3000):
        node = OpTimes(node, ad.constant(1.0))
    assert node.name == "times(" * 3000 + "W(2,)" + ", 1.0)" * 3000
    np.testing.assert_array_equal(node.forward(), [1.0, -1.0])
    ad.sum(node).backward()
    np.testing.assert_array_equal(x.gradient.forward(), [1.0, 1.0])
