"""softmax, log_softmax and cross_entropy: values, stability, gradients, errors."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import tapediff as td
from tapediff.testing import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)
LOGITS = RNG.standard_normal((3, 4))


def _log_softmax_ref(x: Any, axis: Any = -1) -> Any:
    # Straight from the definition, in extended precision where it matters.
    x = np.asarray(x, dtype=np.longdouble)
    lse = np.log(np.sum(np.exp(x), axis=axis, keepdims=True))
    return (x - lse).astype(np.float64)


@pytest.mark.parametrize("axis", [-1, 0, 1, (0, 1)])
def test_softmax_and_log_softmax_values(axis: Any) -> None:
    np.testing.assert_allclose(
        td.softmax(LOGITS, axis=axis).numpy(), np.exp(_log_softmax_ref(LOGITS, axis)), rtol=1e-12
    )
    np.testing.assert_allclose(
        td.log_softmax(LOGITS, axis=axis).numpy(), _log_softmax_ref(LOGITS, axis), rtol=1e-12
    )
    np.testing.assert_allclose(np.sum(td.softmax(LOGITS, axis=axis).numpy(), axis=axis), 1.0)


@pytest.mark.parametrize("op", [td.softmax, td.log_softmax])
@pytest.mark.parametrize("axis", [-1, 0, (0, 2)])
def test_softmax_family_gradients(op: Any, axis: Any) -> None:
    x = RNG.standard_normal((2, 3, 2))
    gradcheck(lambda t: op(t, axis=axis), [x])
    gradgradcheck(lambda t: op(t, axis=axis), [x])


def test_softmax_family_is_stable_for_large_logits() -> None:
    x = np.array([[1000.0, 0.0, -1000.0], [-1e300, 0.0, 1e300]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = td.softmax(x).numpy()
        ls = td.log_softmax(x).numpy()
    np.testing.assert_allclose(s, [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(ls[0], [0.0, -1000.0, -2000.0])
    assert np.all(np.isfinite(ls[0]))
    xt = td.tensor(x[:1])
    with td.Tape() as tape:
        tape.watch(xt)
        y = td.log_softmax(xt)
    g = tape.gradient(y, xt, output_gradients=td.tensor([[1.0, 2.0, 3.0]]))
    np.testing.assert_allclose(g.numpy(), [[1.0 - 6.0, 2.0, 3.0]])


@pytest.mark.parametrize("op", [td.softmax, td.log_softmax])
def test_softmax_family_float32(op: Any) -> None:
    x = td.tensor(LOGITS.astype(np.float32))
    with td.Tape() as tape:
        tape.watch(x)
        y = op(x)
    assert y.dtype == np.float32
    assert tape.gradient(y, x).dtype == np.float32


def test_softmax_axis_error() -> None:
    with pytest.raises(np.exceptions.AxisError, match="softmax: axis 2 is out of bounds"):
        td.softmax(LOGITS, axis=2)
    with pytest.raises(np.exceptions.AxisError, match="log_softmax: axis -3 is out of bounds"):
        td.log_softmax(LOGITS, axis=-3)


# ----- cross_entropy -----


def _ce_int_ref(logits: Any, labels: Any, axis: int = -1) -> Any:
    lsm = np.moveaxis(_log_softmax_ref(logits, axis), axis, -1)
    return -np.take_along_axis(lsm, np.asarray(labels)[..., None], axis=-1)[..., 0]


def test_cross_entropy_integer_labels() -> None:
    labels = np.array([0, 3, 1])
    out = td.cross_entropy(LOGITS, labels)
    assert out.shape == (3,)
    np.testing.assert_allclose(out.numpy(), _ce_int_ref(LOGITS, labels), rtol=1e-12)
    np.testing.assert_allclose(td.cross_entropy(LOGITS, [0, 3, 1]).numpy(), out.numpy())
    np.testing.assert_allclose(td.cross_entropy(LOGITS, td.tensor(labels)).numpy(), out.numpy())
    gradcheck(lambda t: td.cross_entropy(t, labels), [LOGITS])
    gradgradcheck(lambda t: td.cross_entropy(t, labels), [LOGITS])


def test_cross_entropy_integer_labels_other_axis() -> None:
    logits = RNG.standard_normal((2, 4, 3))
    labels = np.array([[0, 3, 1], [2, 2, 0]])
    out = td.cross_entropy(logits, labels, axis=1)
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out.numpy(), _ce_int_ref(logits, labels, axis=1), rtol=1e-12)
    gradcheck(lambda t: td.cross_entropy(t, labels, axis=-2), [logits])


def test_cross_entropy_gradient_is_softmax_minus_one_hot() -> None:
    x = td.tensor(LOGITS)
    labels = np.array([2, 0, 3])
    with td.Tape() as tape:
        tape.watch(x)
        loss = td.cross_entropy(x, labels)
    expected = np.exp(_log_softmax_ref(LOGITS)) - np.eye(4)[labels]
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), expected, rtol=1e-12)


def test_cross_entropy_probability_labels() -> None:
    probs = np.exp(_log_softmax_ref(RNG.standard_normal((3, 4))))
    out = td.cross_entropy(LOGITS, probs)
    np.testing.assert_allclose(out.numpy(), -np.sum(probs * _log_softmax_ref(LOGITS), axis=-1))
    # Probability labels receive a gradient too (-log_softmax(logits)).
    gradcheck(td.cross_entropy, [LOGITS, probs])
    gradgradcheck(td.cross_entropy, [LOGITS, probs])
    gradcheck(lambda t, p: td.cross_entropy(t, p, axis=0), [LOGITS, probs])


def test_cross_entropy_one_hot_equals_integer_labels() -> None:
    labels = np.array([1, 0, 3])
    one_hot = np.eye(4)[labels]
    np.testing.assert_allclose(
        td.cross_entropy(LOGITS, one_hot).numpy(), td.cross_entropy(LOGITS, labels).numpy()
    )


def test_cross_entropy_unnormalised_soft_labels_gradient() -> None:
    # Labels that do not sum to 1: the logits' gradient is softmax * sum(labels) - labels.
    labels = np.array([[0.5, 1.5, 0.0, 1.0]])
    x = td.tensor(LOGITS[:1])
    with td.Tape() as tape:
        tape.watch(x)
        loss = td.cross_entropy(x, labels)
    expected = np.exp(_log_softmax_ref(LOGITS[:1])) * 3.0 - labels
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), expected, rtol=1e-12)


def test_cross_entropy_stable_and_no_nan_from_zero_probability() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = td.cross_entropy(np.array([[1000.0, -1000.0]]), [1]).numpy()
        masked = td.cross_entropy(np.array([[0.0, -np.inf]]), np.array([[1.0, 0.0]])).numpy()
    np.testing.assert_allclose(big, [2000.0])
    np.testing.assert_array_equal(masked, [0.0])


def test_cross_entropy_float32() -> None:
    x = td.tensor(LOGITS.astype(np.float32))
    p = td.tensor(np.full((3, 4), 0.25, np.float32))
    with td.Tape() as tape:
        tape.watch([x, p])
        a = td.cross_entropy(x, [0, 1, 2])
        b = td.cross_entropy(x, p)
    assert a.dtype == np.float32 and b.dtype == np.float32
    gx, gp = tape.gradient([a, b], [x, p])
    assert gx.dtype == np.float32 and gp.dtype == np.float32


def test_cross_entropy_integer_labels_get_no_gradient() -> None:
    x = td.tensor(LOGITS)
    labels = td.tensor([0, 1, 2])
    with td.Tape() as tape:
        tape.watch(x)
        loss = td.cross_entropy(x, labels)
    assert tape.gradient(loss, x) is not None
    with pytest.raises(TypeError, match="floating"):
        tape.watch(labels)


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (np.array([0, 1]), r"integer labels must have the logits' shape without the class axis"),
        (np.zeros((3, 4), np.int64), r"without the class axis 1, \(3,\); got labels of shape"),
        (np.full((3,), 0.5), r"probability \(floating\) labels must have the logits' shape"),
        (np.full((4, 3), 0.25), r"logits' shape \(3, 4\); got labels of shape \(4, 3\)"),
    ],
)
def test_cross_entropy_label_shape_errors(labels: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        td.cross_entropy(LOGITS, labels)


@pytest.mark.parametrize(("labels", "bad"), [([0, 4, 1], 4), ([0, -1, 1], -1), ([9, 0, -2], -2)])
def test_cross_entropy_label_out_of_range(labels: Any, bad: int) -> None:
    with pytest.raises(ValueError, match=rf"label {bad} is out of range for 4 classes \(0 to 3\)"):
        td.cross_entropy(LOGITS, labels)


@pytest.mark.parametrize(
    "labels", [np.array([True, False, True]), np.array(["a", "b", "c"]), np.ones(3, complex)]
)
def test_cross_entropy_label_dtype_errors(labels: Any) -> None:
    with pytest.raises(TypeError, match="labels must be integer class indices or floating"):
        td.cross_entropy(LOGITS, labels)


def test_cross_entropy_logits_errors() -> None:
    with pytest.raises(ValueError, match="logits must have a class axis"):
        td.cross_entropy(1.0, 0)
    with pytest.raises(np.exceptions.AxisError):
        td.cross_entropy(LOGITS, [0, 1, 2], axis=2)


def test_softmax_axis_may_be_a_numpy_integer_or_a_list() -> None:
    expected = np.exp(_log_softmax_ref(LOGITS, 0))
    np.testing.assert_allclose(td.softmax(LOGITS, axis=np.int64(0)).numpy(), expected)  # type: ignore[arg-type]
    np.testing.assert_allclose(
        td.log_softmax(LOGITS, axis=[0, 1]).numpy(),  # type: ignore[arg-type]
        _log_softmax_ref(LOGITS, (0, 1)),
    )
