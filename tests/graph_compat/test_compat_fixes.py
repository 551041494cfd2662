"""auto_diff bugs this layer fixes (docs/graph_compat.md, "Differences from auto_diff")."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import numpy as np
import pytest

import tapediff.graph_compat as ad


def test_setitem_never_writes_into_its_input() -> None:
    w = ad.variable(np.zeros((2, 3)))
    c = ad.constant(np.ones(3))
    out = ad.setitem(w, (1, slice(None)), c).forward()
    np.testing.assert_array_equal(out, [[0, 0, 0], [1, 1, 1]])
    np.testing.assert_array_equal(w.forward(), np.zeros((2, 3)))
    np.testing.assert_array_equal(ad.setitem(c, 0, 5.0).forward(), [5, 1, 1])
    np.testing.assert_array_equal(c.forward(), np.ones(3))


def test_no_registry_keeps_ops_alive() -> None:
    x = ad.placeholder((2,))
    y = ad.exp(x) * 2.0
    y.backward()
    y.forward({x: np.ones(2)})
    ad.Session().run(x.gradient, {x: np.ones(2)})
    refs = [weakref.ref(op) for op in (x, y, y.inputs[0])]
    del x, y
    gc.collect()
    assert [r() for r in refs] == [None, None, None]


def test_softmax_is_numerically_stable() -> None:
    x = ad.variable(np.array([[1000.0, 0.0, -1000.0], [1e4, 1e4, 0.0]]))
    y = ad.acts.softmax(x)
    value = y.forward()
    np.testing.assert_allclose(value, [[1, 0, 0], [0.5, 0.5, 0]], atol=1e-300)
    ad.sum(y * ad.constant([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])).backward()
    grad = x.gradient.forward()
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad, [[0, 0, 0], [-0.25, 0.25, 0]], atol=1e-12)


def test_prod_gradient_is_finite_at_zeros() -> None:
    x = ad.variable(np.array([2.0, 0.0, 3.0]))
    ad.prod(x).backward()
    np.testing.assert_array_equal(x.gradient.forward(), [0.0, 6.0, 0.0])


def test_reshape_minus_one_resolves_to_python_ints() -> None:
    y = ad.reshape(ad.placeholder((2, 6), name="x"), (-1, 4))
    assert y.shape == (3, 4) and type(y.shape[0]) is int
    assert y.name == "reshape(x, shape=(3, 4))"


def test_variable_updates() -> None:
    s = ad.variable(1.2)
    s.update(2.4)
    s.update(np.array(3.0))  # a 0-d array is a scalar too
    s.update_add(-3.5)
    assert s.forward() == pytest.approx(-0.5)
    with pytest.raises(ValueError, match=r"expects a scalar .* got shape \(1,\)"):
        s.update(np.array([1.0]))
    w = ad.variable(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"expects shape \(2, 3\); got shape \(1,\)"):
        w.update(np.array([1.0]))
    with pytest.raises(ValueError, match="update_add"):
        w.update_add(np.ones(3))  # no broadcasting
    w.update_add(np.ones((2, 3), dtype=int))  # an integer delta on float weights works
    w.update(np.full((2, 3), 2, dtype=int))
    assert w.forward().dtype == np.float64
    np.testing.assert_array_equal(w.forward(), np.full((2, 3), 2.0))
    with pytest.raises(ValueError, match="read-only"):
        w.x[0, 0] = 1.0
    with pytest.raises(TypeError, match="evaluate it first"):
        s.update_add(s.gradient if s.gradient is not None else s * 1.0)
    assert type(s._value) is np.ndarray


# ----- a 100,000-node chain: no recursion anywhere, names not built until asked -----

N = 100_000


@pytest.fixture(scope="module")
def chain() -> Iterator[tuple[ad.OpVariable, ad.Operation]]:
    x = ad.variable(np.array([1.0, 2.0]))
    node: ad.Operation = x
    for _ in range(N):
        node = node + 1.0
    yield x, node


def test_long_chain_forward_and_gradient(chain: tuple[ad.OpVariable, ad.Operation]) -> None:
    x, top = chain
    np.testing.assert_array_equal(top.forward(), [1.0 + N, 2.0 + N])
    ad.sum(top).backward()
    np.testing.assert_array_equal(x.gradient.forward(), [1.0, 1.0])
    assert top.inputs[0].gradient is not None


def test_long_chain_names_are_lazy(chain: tuple[ad.OpVariable, ad.Operation]) -> None:
    _, top = chain
    middle = top
    for _ in range(N // 2):
        middle = middle.inputs[0]
    assert middle._name is None and top._name is None  # nothing rendered at construction
    name = top.name
    assert name == "add(" * N + "W(2,)" + ", 1.0)" * N
    assert middle._name is None  # rendering the top did not keep intermediate names
