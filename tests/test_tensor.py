"""Tensor and Variable: construction, dtype rules, immutability, operators."""

from __future__ import annotations

import copy
import weakref

import numpy as np
import pytest

import tapediff as td


def test_tensor_follows_numpy_dtype_rules() -> None:
    assert td.tensor([1, 2]).dtype == np.array([1, 2]).dtype
    assert td.tensor([1.0, 2]).dtype == np.float64
    assert td.tensor([1, 2], dtype=np.float32).dtype == np.float32
    assert td.tensor(np.ones(3, np.float32)).dtype == np.float32
    assert td.tensor(True).dtype == np.bool_


def test_tensor_attributes() -> None:
    x = td.tensor(np.arange(6.0).reshape(2, 3))
    assert x.shape == (2, 3)
    assert x.ndim == 2
    assert x.size == 6
    assert len(x) == 2
    assert x.T.shape == (3, 2)
    np.testing.assert_array_equal(x.T.numpy(), np.arange(6.0).reshape(2, 3).T)
    assert td.tensor(2.5).item() == 2.5
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    np.testing.assert_array_equal(np.asarray(x), np.arange(6.0).reshape(2, 3))
    assert np.asarray(x, dtype=np.float32).dtype == np.float32


def test_len_of_0d_tensor_raises() -> None:
    with pytest.raises(TypeError, match="0-d"):
        len(td.tensor(1.0))


def test_repr_shows_values_and_dtype() -> None:
    text = repr(td.tensor([1.5, 2.0], dtype=np.float32))
    assert "1.5" in text and "float32" in text
    v = td.Variable([1.0], name="w")
    assert "Variable" in repr(v) and "'w'" in repr(v)


def test_tensor_is_immutable() -> None:
    source = np.array([1.0, 2.0])
    x = td.tensor(source)
    source[0] = 99.0  # the tensor copied its input
    assert x.numpy()[0] == 1.0
    with pytest.raises(ValueError):
        x.numpy()[0] = 5.0
    with pytest.raises(ValueError):
        np.asarray(x)[0] = 5.0
    assert np.array(x, copy=True).flags.writeable
    assert copy.deepcopy(x) is x


def test_tensor_supports_weak_references() -> None:
    x = td.tensor([1.0])
    ref = weakref.ref(x)
    assert ref() is x
    del x
    assert ref() is None


def test_tensor_iteration_and_hashing() -> None:
    x = td.tensor([[1.0, 2.0], [3.0, 4.0]])
    rows = list(x)
    assert len(rows) == 2
    np.testing.assert_array_equal(rows[1].numpy(), [3.0, 4.0])
    assert len({x, x}) == 1  # identity hash, although == is elementwise


@pytest.mark.parametrize(
    ("op", "ref"),
    [
        (lambda a, b: a + b, np.add),
        (lambda a, b: a - b, np.subtract),
        (lambda a, b: a * b, np.multiply),
        (lambda a, b: a / b, np.divide),
        (lambda a, b: a**b, np.power),
    ],
)
def test_operators_with_scalars_arrays_and_broadcasting(op, ref) -> None:  # type: ignore[no-untyped-def]
    a = np.array([[1.0, 2.0, 3.0]])
    b = np.array([[0.5], [2.0]])
    ta, tb = td.tensor(a), td.tensor(b)
    for left, right in [(ta, tb), (ta, b), (a, tb), (ta, 2.0), (2.0, ta)]:
        got = op(left, right)
        assert isinstance(got, td.Tensor)
        want = ref(np.asarray(left), np.asarray(right))
        np.testing.assert_allclose(got.numpy(), want)


def test_matmul_unary_and_comparison_operators() -> None:
    a = np.array([[1.0, -2.0], [3.0, 4.0]])
    x = td.tensor(a)
    np.testing.assert_allclose((x @ x).numpy(), a @ a)
    np.testing.assert_allclose((a @ x).numpy(), a @ a)
    np.testing.assert_allclose((-x).numpy(), -a)
    np.testing.assert_allclose(abs(x).numpy(), np.abs(a))
    assert (+x) is x
    for got, want in [
        (x > 0, a > 0),
        (x >= 1, a >= 1),
        (x < 0, a < 0),
        (x <= 1, a <= 1),
        (x == 3.0, a == 3.0),
        (x != 3.0, a != 3.0),
    ]:
        assert got.dtype == np.bool_
        np.testing.assert_array_equal(got.numpy(), want)


def test_float32_stays_float32_through_forward_and_gradient() -> None:
    x = td.tensor(np.array([0.5, 1.5], dtype=np.float32))
    with td.Tape() as tape:
        tape.watch(x)
        y = td.sum(td.exp(x * 2.0 + 1) / 3)
    assert y.dtype == np.float32
    g = tape.gradient(y, x)
    assert g.dtype == np.float32


def test_gradient_to_float32_input_mixed_with_float64_is_float32() -> None:
    x = td.tensor(np.array([0.5, 1.5], dtype=np.float32))
    with td.Tape() as tape:
        tape.watch(x)
        y = td.sum(x * np.array([1.0, 2.0]))  # float64 array promotes the forward
    assert y.dtype == np.float64
    assert tape.gradient(y, x).dtype == np.float32


def test_nan_and_inf_propagate() -> None:
    x = td.tensor([np.nan, np.inf, 1.0])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.sum(x * 2.0)
    assert np.isnan(y.item())
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 2.0, 2.0])
    z = td.tensor([np.nan])
    with td.Tape() as tape:
        tape.watch(z)
        w = td.sum(td.log(z))
    assert np.isnan(tape.gradient(w, z).numpy()[0])


class TestVariable:
    def test_floating_dtype(self) -> None:
        assert td.Variable(3).dtype == np.float64
        assert td.Variable([1, 2]).dtype == np.float64
        assert td.Variable(np.ones(2, np.float32)).dtype == np.float32
        assert td.Variable([1, 2], dtype=np.float32).dtype == np.float32

    def test_non_floating_dtype_rejected(self) -> None:
        with pytest.raises(TypeError, match="floating dtype.*int32"):
            td.Variable([1, 2], dtype=np.int32)

    def test_assign_family(self) -> None:
        v = td.Variable([1.0, 2.0], name="v", trainable=False)
        assert v.name == "v" and not v.trainable
        v.assign([3.0, 4.0])
        np.testing.assert_array_equal(v.numpy(), [3.0, 4.0])
        v.assign_add(np.array([1.0, 1.0]))
        np.testing.assert_array_equal(v.numpy(), [4.0, 5.0])
        v.assign_sub(td.tensor([0.5, 0.5]))
        np.testing.assert_array_equal(v.numpy(), [3.5, 4.5])
        v.assign([1, 2])  # integers cast safely to the variable's float dtype
        assert v.dtype == np.float64

    def test_assign_wrong_shape_leaves_value(self) -> None:
        v = td.Variable([1.0, 2.0])
        for method in (v.assign, v.assign_add, v.assign_sub):
            with pytest.raises(
                ValueError, match=r"expected a value of shape \(2,\), got shape \(3,\)"
            ):
                method([1.0, 2.0, 3.0])
        np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])

    def test_assign_wrong_dtype_leaves_value(self) -> None:
        v = td.Variable(np.ones(2, np.float32))
        v.assign(np.ones(2, np.float64))  # same kind: cast, as NumPy's a[...] = b does
        assert v.dtype == np.float32
        with pytest.raises(TypeError, match="expected dtype float32.*got complex128"):
            v.assign_add(np.ones(2, np.complex128))
        np.testing.assert_array_equal(v.numpy(), [1.0, 1.0])

    def test_assign_does_not_change_recorded_values(self) -> None:
        w = td.Variable([2.0])
        with td.Tape() as tape:
            y = td.sum(w * w * w)  # dy/dw = 3 w^2 = 12 at w = 2
        w.assign([5.0])
        np.testing.assert_allclose(tape.gradient(y, w).numpy(), [12.0])
        assert y.item() == 8.0

    def test_gradient_sums_over_reads_before_and_after_assign(self) -> None:
        w = td.Variable([2.0])
        with td.Tape() as tape:
            a = w * 3.0  # d/dw = 3
            w.assign([10.0])
            b = w * w  # d/dw = 2 * 10
            y = td.sum(a + b)
        np.testing.assert_allclose(tape.gradient(y, w).numpy(), [23.0])


def test_results_never_alias_a_callers_array() -> None:
    a = np.arange(4.0)
    views = [
        td.reshape(a, (2, 2)),
        td.transpose(a),
        td.broadcast_to(a, (2, 4)),
        a.reshape(2, 2) @ td.eye(2),
    ]
    a[0] = 99.0
    for v in views:
        assert 99.0 not in v.numpy()


def test_recorded_raw_arrays_are_snapshots() -> None:
    c = np.array([1.0, 2.0, 3.0])
    x = td.tensor([1.0, 1.0, 1.0])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.sum(x * c)
    c[:] = 100.0  # the recorded constant must not change under the tape
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [1.0, 2.0, 3.0])


def test_take_method() -> None:
    x = td.tensor([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(x.take([1, 0], axis=1).numpy(), [[2.0, 1.0], [4.0, 3.0]])


class TestNumpyProtocols:
    def test_numpy_functions_and_ufuncs_run_tapediff_ops(self) -> None:
        x = td.tensor([1.0, 2.0])
        with td.Tape() as tape:
            tape.watch(x)
            y = np.sum(np.exp(x) * np.array([1.0, 3.0]), axis=0)
        assert isinstance(y, td.Tensor)
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), np.exp([1.0, 2.0]) * [1.0, 3.0])
        for got, want in [
            (np.concatenate([x, x]), [1.0, 2.0, 1.0, 2.0]),
            (np.where(x > 1, x, 0.0), [0.0, 2.0]),
            (np.matmul(x, x), 5.0),
            (np.maximum(x, 1.5), [1.5, 2.0]),
            (np.transpose(np.reshape(x, (1, 2))), [[1.0], [2.0]]),
        ]:
            assert isinstance(got, td.Tensor)
            np.testing.assert_allclose(got.numpy(), want)

    def test_other_numpy_functions_see_the_values(self) -> None:
        x = td.tensor([1.0, 2.0])
        assert np.allclose(x, [1.0, 2.0])
        assert np.shape(x) == (2,)
        assert isinstance(np.vander(x), np.ndarray)  # no tapediff op: a plain value, as before

    def test_unsupported_uses_see_the_values_when_no_tape_tracks_the_tensor(self) -> None:
        x = td.tensor([1.0, 2.0])
        np.testing.assert_allclose(np.arctan2(x, x), np.arctan2([1.0, 2.0], [1.0, 2.0]))
        out = np.empty(2)
        np.add(x, x, out=out)
        np.testing.assert_array_equal(out, [2.0, 4.0])
        assert np.add.reduce(x) == 3.0

    def test_unsupported_uses_on_tracked_tensors_are_refused_clearly(self) -> None:
        x = td.tensor([1.0, 2.0])
        with td.Tape() as tape:
            tape.watch(x)
            with pytest.raises(TypeError, match=r"^numpy\.nextafter is not differentiable"):
                np.nextafter(x, x)
            with pytest.raises(TypeError, match=r"numpy\.add with out= .*use tapediff\.add"):
                np.add(x, x, out=np.empty(2))
            with pytest.raises(TypeError, match=r"numpy\.add\.reduce is not differentiable"):
                np.add.reduce(x)
            with pytest.raises(TypeError, match=r"^numpy\.vander is not differentiable.*"):
                np.vander(x)
            # Results without floating values carry no gradient by nature.
            assert np.shape(x) == (2,)
            assert np.allclose(x, [1.0, 2.0])
            np.testing.assert_array_equal(np.argsort(x), [0, 1])
            with tape.stop_recording():
                np.testing.assert_allclose(np.vander(x), [[1.0, 1.0], [2.0, 1.0]])
        np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])

    def test_variables_a_tape_would_watch_count_as_tracked(self) -> None:
        v = td.Variable([1.0, 2.0])
        np.testing.assert_allclose(np.vander(v), [[1.0, 1.0], [2.0, 1.0]])
        with td.Tape(), pytest.raises(TypeError, match="numpy.vander is not differentiable"):
            np.vander(v)
        with td.Tape(watch_accessed_variables=False):
            np.testing.assert_allclose(np.vander(v), [[1.0, 1.0], [2.0, 1.0]])

    def test_out_naming_a_tensor_is_refused(self) -> None:
        x = td.tensor([1.0, 2.0])
        with pytest.raises(TypeError, match=r"numpy\.add with out= cannot write into a tapediff"):
            np.add([1.0, 2.0], [1.0, 2.0], out=x)  # type: ignore[call-overload]
        np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])


def test_numpy_metadata_functions_answer_for_tensors_directly() -> None:
    # np.shape/np.ndim/np.size on a tensor: the same answers as on its array, with no refusal
    # even when a tape tracks it (they carry no gradient by nature).
    t = td.tensor(np.ones((3, 4)))
    with td.Tape() as tape:
        tape.watch(t)
        assert np.shape(t) == (3, 4) and np.ndim(t) == 2
        assert np.size(t) == 12 and np.size(t, 1) == 4
    assert np.shape([t, t]) == (2, 3, 4) and np.ndim(2.0) == 0
