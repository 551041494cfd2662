"""Reliability of the eager API (issue 9): copies and pickles, in-place updates, complex inputs,
exact power gradients at 0, scalar conversions, boolean masks, bad data, immutability, threads,
and clear errors for bad input."""

from __future__ import annotations

import copy
import pickle
import re
import sys
import threading
from collections.abc import Callable, Iterator

import numpy as np
import pytest

import tapediff as td
from tapediff.testing import gradcheck, gradgradcheck

# ----- 1. copy, deepcopy, pickle -----


def test_deepcopy_of_variable_is_independent() -> None:
    v = td.Variable([1.0, 2.0], name="w", trainable=False)
    for c in (copy.deepcopy(v), copy.copy(v)):
        assert c is not v
        assert type(c) is td.Variable
        assert (c.name, c.trainable, c.dtype) == ("w", False, v.dtype)
        np.testing.assert_array_equal(c.numpy(), [1.0, 2.0])
        c.assign([5.0, 6.0])
        np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    v.assign_add([1.0, 1.0])
    np.testing.assert_array_equal(copy.deepcopy(v).numpy(), [2.0, 3.0])


def test_deepcopy_keeps_sharing_within_one_structure() -> None:
    v = td.Variable([1.0])
    model = copy.deepcopy({"a": v, "b": v})
    assert model["a"] is model["b"]
    assert model["a"] is not v


def test_tensor_copy_is_itself() -> None:
    t = td.tensor([1.0, 2.0])
    assert copy.copy(t) is t
    assert copy.deepcopy(t) is t


def test_pickle_round_trips_tensor_and_variable() -> None:
    for t in (td.tensor([[1.0, 2.0]], dtype=np.float32), td.exp(td.tensor(0.5)), td.tensor([1, 2])):
        u = pickle.loads(pickle.dumps(t))
        assert type(u) is td.Tensor
        assert u.dtype == t.dtype and u.shape == t.shape
        np.testing.assert_array_equal(u.numpy(), t.numpy())
    v = td.Variable(np.array([1.5, -2.0], np.float32), name="bias", trainable=False)
    w = pickle.loads(pickle.dumps(v))
    assert type(w) is td.Variable
    assert (w.name, w.trainable, w.dtype) == ("bias", False, np.float32)
    np.testing.assert_array_equal(w.numpy(), v.numpy())
    w.assign_sub(np.ones(2, np.float32))  # an independent, working variable
    np.testing.assert_array_equal(v.numpy(), [1.5, -2.0])


# ----- 2. in-place operators on a Variable update it through assign -----


def test_training_loop_with_inplace_update_trains_the_variable() -> None:
    target = np.array([1.0, -2.0, 0.5])
    w = td.Variable(np.zeros(3))
    original = w
    for _ in range(200):
        with td.Tape() as tape:
            loss = td.sum((w - target) ** 2)
        (g,) = tape.gradient(loss, [w])
        w -= 0.1 * g
        assert w is original
        assert type(w) is td.Variable
    np.testing.assert_allclose(w.numpy(), target, atol=1e-8)


def test_inplace_operators_update_in_place() -> None:
    w = td.Variable(np.ones((2, 3)))
    original = w
    w += td.tensor([1.0, 2.0, 3.0])  # broadcasts, as NumPy's a += b does
    w *= 2
    w /= np.array([[1.0], [2.0]])
    w -= 0.5
    assert w is original
    expected = ((np.ones((2, 3)) + np.array([1.0, 2.0, 3.0])) * 2) / [[1.0], [2.0]] - 0.5
    np.testing.assert_array_equal(w.numpy(), expected)


def test_inplace_operator_keeps_recorded_values() -> None:
    w = td.Variable([3.0])
    with td.Tape() as tape:
        y = w * w
    w -= 1.0  # after the forward pass: the record keeps the value 3 it used
    np.testing.assert_array_equal(tape.gradient(y, w).numpy(), [6.0])


@pytest.mark.parametrize(
    ("method", "update"),
    [
        ("-=", lambda w: w.__isub__(np.ones(4))),
        ("+=", lambda w: w.__iadd__(np.ones((2, 3)))),
        ("*=", lambda w: w.__imul__(np.ones(5))),
        ("/=", lambda w: w.__itruediv__(np.ones((1, 3)))),
    ],
)
def test_inplace_shape_errors_name_the_operator(method: str, update: object) -> None:
    w = td.Variable(np.ones(3))
    pattern = rf"Variable\.{re.escape(method)}: expected a value of shape \(3,\)"
    with pytest.raises(ValueError, match=pattern):
        update(w)  # type: ignore[operator]
    np.testing.assert_array_equal(w.numpy(), np.ones(3))


def test_inplace_dtype_errors_name_the_operator() -> None:
    w = td.Variable(np.ones(2))
    with pytest.raises(TypeError, match=r"Variable\.-=: expected dtype float64.*got complex128"):
        w -= np.ones(2, np.complex128)
    with pytest.raises(TypeError, match=r"Variable\.\+=: expected a numeric value.*got dtype <U1"):
        w += np.array(["a", "b"])
    with pytest.raises(ValueError, match=r"Variable\.assign_add: expected a value of shape \(2,\)"):
        w.assign_add(1.0)  # assign_add keeps TensorFlow's exact-shape rule
    np.testing.assert_array_equal(w.numpy(), np.ones(2))


def test_inplace_on_tensor_rebinds_and_never_mutates() -> None:
    t = td.tensor([1.0, 2.0])
    alias = t
    t += 1
    t *= 3
    assert t is not alias
    np.testing.assert_array_equal(alias.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(t.numpy(), [6.0, 9.0])


# ----- 3. complex inputs are refused until complex differentiation is supported -----


def test_watch_accepts_complex() -> None:
    # Complex differentiation is supported now (docs/complex.md); integers are still refused.
    z = td.tensor([1 + 2j])
    with td.Tape() as tape:
        tape.watch(z)
        y = td.sum(td.real(z * z))
    np.testing.assert_allclose(tape.gradient(y, z).numpy(), [2 + 4j])


def test_gradient_refuses_complex_target_without_output_gradients() -> None:
    x = td.tensor([1.0, 2.0])
    with td.Tape(persistent=True) as tape:
        tape.watch(x)
        y = x * td.tensor([1j, 1j])
    with pytest.raises(TypeError, match="complex target .*needs output_gradients"):
        tape.gradient(td.sum(y), x)
    # With its cotangent, the real source gets the real part: Re(1j * 1j) = -1.
    g = tape.gradient(y, x, output_gradients=td.tensor([1j, 1j]))
    np.testing.assert_array_equal(g.numpy(), [-1.0, -1.0])


def test_variable_accepts_complex() -> None:
    v = td.Variable([1 + 2j])
    assert v.dtype == np.complex128
    with pytest.raises(TypeError, match="Variable.assign: expected dtype float64.*complex128"):
        td.Variable([1.0]).assign(np.array([1j]))


# ----- 4. power: exact gradients at 0 for integer exponents, to second order -----


def _power_derivatives(n: float, at: float = 0.0) -> tuple[float, float]:
    x = td.tensor(at)
    with td.Tape() as outer:
        outer.watch(x)
        with td.Tape() as inner:
            inner.watch(x)
            y = x**n
        g = inner.gradient(y, x)
    gg = outer.gradient(g, x, unconnected_gradients="zero")
    return float(g), float(gg)


@pytest.mark.parametrize(
    ("n", "first", "second"),
    [(0, 0.0, 0.0), (1, 1.0, 0.0), (2, 0.0, 2.0), (3, 0.0, 0.0), (0.0, 0.0, 0.0), (2.0, 0.0, 2.0)],
)
def test_power_derivatives_at_zero_are_exact(n: float, first: float, second: float) -> None:
    assert _power_derivatives(n) == (first, second)


def test_power_derivatives_elsewhere_unchanged() -> None:
    assert _power_derivatives(0, at=2.0) == (0.0, 0.0)
    assert _power_derivatives(3, at=2.0) == (12.0, 12.0)
    x = td.tensor([0.0, 0.5, -1.5])
    with td.Tape() as tape:
        tape.watch(x)
        y = x ** td.tensor([0.0, 0.0, 2.0])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 0.0, -3.0])


def test_power_exponent_gradient_is_zero_where_base_and_output_are_zero() -> None:
    x = td.tensor([0.0, 0.0, 2.0])
    n = td.tensor([2.0, 3.0, 3.0])
    with td.Tape() as tape:
        tape.watch([x, n])
        y = td.sum(x**n)
    gx, gn = tape.gradient(y, [x, n])
    np.testing.assert_array_equal(gx.numpy(), [0.0, 0.0, 12.0])
    np.testing.assert_allclose(gn.numpy(), [0.0, 0.0, 8.0 * np.log(2.0)])
    assert not np.isnan(gn.numpy()).any()


def test_power_gradients_still_match_finite_differences() -> None:
    x = np.array([0.3, 1.7, 2.5])
    assert gradcheck(lambda a: a**3, [x])
    assert gradgradcheck(lambda a: a**3, [x])
    assert gradcheck(lambda a, b: a**b, [x, np.array([0.5, 2.0, 1.5])])
    assert gradgradcheck(lambda a, b: a**b, [x, np.array([0.5, 2.0, 1.5])])


# ----- 5. format, round, float, int like NumPy scalars -----


def test_format_of_one_element_tensors() -> None:
    assert f"{td.tensor(1.23456):.4f}" == "1.2346"
    assert f"{td.exp(td.tensor(0.0)):.2f}" == "1.00"  # a 0-d op result (held as a scalar)
    assert f"{td.tensor([2.5]):>6.1f}" == "   2.5"
    assert f"{td.tensor(3):03d}" == "003"
    assert f"{td.tensor([1.0, 2.0])}" == str(np.array([1.0, 2.0]))
    with pytest.raises(TypeError):
        f"{td.tensor([1.0, 2.0]):.2f}"  # as for ndarrays


def test_round_follows_numpy_scalars() -> None:
    r = round(td.tensor(1.26), 1)
    assert isinstance(r, td.Tensor) and r.dtype == np.float64
    assert float(r) == round(np.float64(1.26), 1)
    assert round(td.tensor(2.5)) == 2 and type(round(td.tensor(2.5))) is int  # halves to even
    np.testing.assert_array_equal(round(td.tensor([1.234, 5.678]), 2).numpy(), [1.23, 5.68])
    with pytest.raises(TypeError, match=r"round\(\): only a tensor with one element"):
        round(td.tensor([1.0, 2.0]))


def test_float_and_int_of_one_element_tensors() -> None:
    assert float(td.tensor([[2.5]])) == 2.5
    assert int(td.tensor([3.7])) == 3
    assert float(td.sum(td.tensor([1.0, 2.0]))) == 3.0
    with pytest.raises(TypeError, match=r"float\(\): only a tensor with one element.*\(2,\)"):
        float(td.tensor([1.0, 2.0]))


# ----- 6. boolean masks -----


def _t() -> td.Tensor:
    return td.tensor([-1.0, 0.5, 1.0, 3.0])


def test_mask_operators() -> None:
    t = _t()
    a, b = t > 0, t < 2
    for got, want in [
        (a & b, [False, True, True, False]),
        (a | b, [True, True, True, True]),
        (a ^ b, [True, False, False, True]),
        (~a, [True, False, False, False]),
        (a & True, [False, True, True, True]),
        (np.array([True, False, True, False]) & a, [False, False, True, False]),
    ]:
        assert isinstance(got, td.Tensor) and got.dtype == np.bool_
        np.testing.assert_array_equal(got.numpy(), want)


def test_numpy_logical_functions_run_tapediff_ops() -> None:
    t = _t()
    for got, want in [
        (np.logical_and(t > 0, t < 2), [False, True, True, False]),
        (np.logical_or(t > 2, t < 0), [True, False, False, True]),
        (np.logical_xor(t > 0, t < 2), [True, False, False, True]),
        (np.logical_not(t > 0), [True, False, False, False]),
        (td.logical_and(t > 0, t < 2), [False, True, True, False]),
        (td.logical_or(t > 2, t < 0), [True, False, False, True]),
        (td.logical_xor(t > 0, t < 2), [True, False, False, True]),
    ]:
        assert isinstance(got, td.Tensor) and got.dtype == np.bool_
        np.testing.assert_array_equal(got.numpy(), want)


def test_any_and_all() -> None:
    t = _t()
    m = td.tensor([[True, False], [True, True]])
    assert bool(t.any()) and not bool((t > 0).all())
    assert bool(td.any(t > 2)) and bool(td.all(t > -2))
    assert bool(np.any(t > 2)) and not bool(np.all(t > 0))
    assert isinstance(np.any(t > 2), td.Tensor)
    np.testing.assert_array_equal(m.all(axis=0).numpy(), [True, False])
    np.testing.assert_array_equal(td.any(m, axis=1, keepdims=True).numpy(), [[True], [True]])


def test_masks_are_not_recorded_and_select_values() -> None:
    x = _t()
    with td.Tape() as tape:
        tape.watch(x)
        mask = (x > 0) & (x < 2)
        recorded_before = len(tape._records)
        picked = x[mask]
        y = td.sum(td.where(mask, x * x, 0.0)) + td.sum(picked)
    assert recorded_before == 0
    assert [r[0].name for r in tape._records] == [
        "getitem",
        "multiply",
        "where",
        "sum",
        "sum",
        "add",
    ]
    np.testing.assert_array_equal(picked.numpy(), [0.5, 1.0])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 2.0, 3.0, 0.0])


def test_mask_ops_are_primitives_without_vjps() -> None:
    for name in ["logical_and", "logical_or", "logical_xor", "bitwise_and", "invert", "any"]:
        x = td.tensor([1.0, 2.0])
        with td.Tape() as tape:
            tape.watch(x)
            fn = getattr(td, name)
            fn(x > 1) if name in ("invert", "any") else fn(x > 1, x < 2)
        assert tape._records == []


# ----- 7. Python list operands are recorded as snapshots -----


@pytest.mark.parametrize("first", [True, False], ids=["list_first", "tensor_first"])
def test_list_operands_are_recorded_as_snapshots(first: bool) -> None:
    x = td.tensor([1.0, 2.0])
    c = [3.0, 4.0]
    with td.Tape() as tape:
        tape.watch(x)
        y = td.sum(c * x if first else x * c)
    c[0] = 100.0  # the recorded constant must not follow the caller's list
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [3.0, 4.0])


def test_nested_list_operand_is_snapshotted() -> None:
    x = td.tensor([[1.0, 2.0], [3.0, 4.0]])
    rows = [[1.0, 2.0], [3.0, 4.0]]
    with td.Tape() as tape:
        tape.watch(x)
        y = td.sum(td.matmul(x, rows))
    rows[1][0] = -50.0
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[3.0, 7.0], [3.0, 7.0]])


# ----- 8. bad data in Variable and tensor construction -----


@pytest.mark.parametrize(
    ("data", "given"),
    [
        (None, "got None"),
        ([1.0, None], "got a list containing non-numbers"),
        (np.array([1.0], dtype=object), "got an ndarray of dtype object"),
    ],
)
def test_construction_refuses_non_numbers(data: object, given: str) -> None:
    for make, name in (
        (td.Variable, "Variable"),
        (td.tensor, "Tensor"),
        (td.as_tensor, "as_tensor"),
    ):
        with pytest.raises(TypeError, match=rf"{name}: expected numbers, booleans .*{given}"):
            make(data)  # type: ignore[operator]


def test_variable_refuses_strings_and_ragged_data() -> None:
    with pytest.raises(TypeError, match=r"Variable: expected a floating or complex value.*<U3"):
        td.Variable("abc")
    with pytest.raises(ValueError, match=r"Variable: expected numbers.*inhomogeneous"):
        td.Variable([[1.0], [1.0, 2.0]])


# ----- 9. immutability: no aliasing of a caller's array, no writeable views -----


@pytest.mark.parametrize(
    "op",
    [
        td.stop_gradient,
        lambda a: td.reshape(a, (2,)),
        lambda a: td.transpose(a),
        lambda a: td.clip(a, None, None),
        lambda a: td.astype(a, np.float64),
    ],
)
def test_ops_never_alias_a_callers_array(op: object) -> None:
    a = np.array([1.0, 2.0])
    t = op(a)  # type: ignore[operator]
    a[0] = 99.0
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])


def _views(t: td.Tensor) -> Iterator[np.ndarray]:
    yield t.numpy()
    yield np.asarray(t)
    yield np.array(t, copy=False)
    yield t.__array__()


@pytest.mark.parametrize(
    "t",
    [
        td.tensor([1.0, 2.0]),
        td.transpose(td.tensor(np.arange(6.0).reshape(2, 3))),
        td.tensor([True, False]),
        td.exp(td.tensor(0.5)),
        td.Variable([1.0, 2.0]),
    ],
)
def test_views_cannot_be_made_writeable(t: td.Tensor) -> None:
    before = t.numpy().copy()
    for view in _views(t):
        assert not view.flags.writeable
        with pytest.raises(ValueError):
            view.flags.writeable = True
        with pytest.raises(ValueError):
            view[...] = 5
        base = view.base
        while isinstance(base, np.ndarray):
            with pytest.raises(ValueError):
                base.flags.writeable = True
            base = base.base
    np.testing.assert_array_equal(t.numpy(), before)


def test_copies_handed_out_are_writeable_and_private() -> None:
    t = td.tensor([1.0, 2.0])
    c = np.array(t)
    c[0] = 7.0
    f32 = np.asarray(t, dtype=np.float32)
    f32[0] = 7.0
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])


def test_setitem_points_at_functional_update() -> None:
    t = td.tensor([1.0, 2.0])
    with pytest.raises(TypeError, match=r"Tensor does not support item assignment.*x\.at\[key\]"):
        t[0] = 1.0
    with pytest.raises(TypeError, match=r"Variable does not support.*Variable\.assign"):
        td.Variable([1.0])[0] = 2.0
    np.testing.assert_array_equal(t.at[0].set(5.0).numpy(), [5.0, 2.0])


# ----- 10. concurrent assigns: forward and record use one snapshot -----


@pytest.fixture
def fast_switching() -> Iterator[None]:
    # Switch threads very often, so that a read and an assign interleave within a few ops.
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def _run(targets: list[threading.Thread]) -> None:
    for th in targets:
        th.start()
    for th in targets:
        th.join()


def _guarded(errors: list[BaseException], body: Callable[[], None]) -> Callable[[], None]:
    """``body``, recording its exception: a thread's exception would otherwise be lost."""

    def run() -> None:
        try:
            body()
        except BaseException as e:
            errors.append(e)

    return run


def test_gradient_matches_the_value_each_op_read(fast_switching: None) -> None:
    v = td.Variable(np.ones(64))
    stop = threading.Event()
    failures: list[str] = []

    def assigner(k: int) -> None:
        i = 0
        while not stop.is_set():
            # Small integers, so that sqrt(c * c) == c exactly; each thread its own values.
            v.assign(np.full(64, float(k + 2 + 8 * (i % 1000))))
            i += 1

    def learner() -> None:
        for _ in range(300):
            with td.Tape() as tape:
                y = v * v  # one op reading v twice
                loss = td.sum(y)
            (g,) = tape.gradient(loss, [v])
            value = np.sqrt(y.numpy())  # the value the forward pass read (v > 0)
            if not np.array_equal(g.numpy(), 2.0 * value) or np.unique(value).size != 1:
                failures.append(f"forward read {np.unique(value)}, gradient {np.unique(g.numpy())}")

    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_guarded(errors, lambda k=k: assigner(k)))  # type: ignore[misc]
        for k in range(8)
    ]
    learners = [threading.Thread(target=_guarded(errors, learner)) for _ in range(2)]
    for th in threads + learners:
        th.start()
    for th in learners:
        th.join()
    stop.set()
    for th in threads:
        th.join()
    assert errors == []
    assert failures == []
    assert v.numpy()[0] > 8.0  # the assigners did run


def test_concurrent_updates_are_never_lost(fast_switching: None) -> None:
    v = td.Variable(np.zeros(3))
    shared = [td.Variable(np.zeros(3))]

    def work() -> None:
        w = shared[0]
        for _ in range(500):
            v.assign_add(np.ones(3))
            w -= 1.0  # rebinds the local name to the same, updated variable
            assert w is shared[0]

    errors: list[BaseException] = []
    _run([threading.Thread(target=_guarded(errors, work)) for _ in range(8)])
    assert errors == []
    np.testing.assert_array_equal(v.numpy(), np.full(3, 4000.0))
    np.testing.assert_array_equal(shared[0].numpy(), np.full(3, -4000.0))


# ----- 14. clear errors for bad input -----

_NUMERIC = r"expected numeric tensors or arrays \(booleans, integers or floating point\)"


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda x: td.exp(None), rf"^exp: {_NUMERIC}; got None as input 0$"),
        (lambda x: td.exp([1.0, None]), rf"^exp: {_NUMERIC}; got a list holding non-numbers"),
        (
            lambda x: td.exp(np.array([1.0], dtype=object)),
            rf"^exp: {_NUMERIC}; got an array of dtype object as input 0$",
        ),
        (lambda x: td.softmax(None), rf"^softmax: {_NUMERIC}; got None as input 0$"),
        (lambda x: td.log_softmax([1.0, None]), rf"^log_softmax: {_NUMERIC}; got a list"),
        (
            lambda x: td.concatenate(None),
            r"^concatenate: expected a sequence of tensors .*NoneType",
        ),
        (lambda x: td.concatenate([x, None]), rf"^concatenate: {_NUMERIC}; got None as input 1$"),
        (lambda x: td.concatenate([None, x]), rf"^concatenate: {_NUMERIC}; got None as input 0$"),
        (lambda x: td.stack([x, None]), rf"^stack: {_NUMERIC}; got None as input 1$"),
        (lambda x: td.matmul(None, x), rf"^matmul: {_NUMERIC}; got None as input 0$"),
        (lambda x: x @ [None, None], rf"^matmul: {_NUMERIC}; got a list holding non-numbers"),
        (
            lambda x: td.sum(np.array(["a", "b"])),
            rf"^sum: {_NUMERIC}; got an array of dtype <U1 as input 0$",
        ),
        (lambda x: td.sum(None), r"^sum: expected numbers, booleans or arrays of them; got None"),
        (lambda x: td.reshape(None, 1), rf"^reshape: {_NUMERIC}; got None as input 0$"),
        (lambda x: td.transpose(None), rf"^transpose: {_NUMERIC}; got None as input 0$"),
        (lambda x: x + None, rf"^add: {_NUMERIC}; got None as input 1$"),
        # NumPy's object loops raise AttributeError here; the op names the cause instead.
        (lambda x: td.hypot(None, None), rf"^hypot: {_NUMERIC}; got None as input 0$"),
        (lambda x: td.arctan2(x, None), rf"^arctan2: {_NUMERIC}; got None as input 1$"),
        (
            lambda x: td.Variable([1.0]).assign_add(np.array(["a"])),
            r"^Variable\.assign_add: expected a numeric value of shape \(1,\) and dtype float64; "
            r"got dtype <U1$",
        ),
    ],
)
def test_non_numeric_inputs_name_the_function(call: object, pattern: str) -> None:
    with pytest.raises(TypeError, match=pattern):
        call(td.tensor([1.0, 2.0]))  # type: ignore[operator]


def test_numeric_errors_keep_numpys_message() -> None:
    with pytest.raises(ValueError, match=r"^concatenate: all the input arrays .*\(input shapes"):
        td.concatenate([td.tensor([1.0]), td.tensor([[1.0]])])
    with pytest.raises(TypeError, match=r"^bitwise_and: .*dtypes: float64, float64"):
        td.tensor([1.0]) & td.tensor([1.0])


def test_clip_still_takes_none_bounds() -> None:
    np.testing.assert_array_equal(td.clip(td.tensor([-1.0, 3.0]), None, 1.0).numpy(), [-1.0, 1.0])


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"eps": 0}, ValueError, r"eps must be a finite, positive number; got 0"),
        ({"eps": -1e-6}, ValueError, r"eps must be a finite, positive number"),
        ({"eps": float("nan")}, ValueError, r"eps must be a finite, positive number; got nan"),
        ({"eps": float("inf")}, ValueError, r"eps must be a finite, positive number; got inf"),
        ({"eps": "1e-6"}, TypeError, r"eps must be a real number; got str"),
        ({"atol": -1.0}, ValueError, r"atol must be a finite, non-negative number"),
        ({"rtol": float("nan")}, ValueError, r"rtol must be a finite, non-negative number"),
        ({"wrt": [2]}, IndexError, r"wrt position 2 is out of range for 2 inputs"),
        ({"wrt": [-3]}, IndexError, r"wrt position -3 is out of range for 2 inputs"),
        ({"wrt": [0.5]}, TypeError, r"wrt must hold integer positions of inputs; got float"),
    ],
)
def test_gradcheck_validates_its_arguments(
    kwargs: dict[str, object], error: type[Exception], pattern: str
) -> None:
    def f(a: td.Tensor, b: td.Tensor) -> td.Tensor:
        return td.sum(a * b)

    inputs = [np.array([1.0, 2.0]), np.array([3.0, 4.0])]
    for check, name in ((gradcheck, "gradcheck"), (gradgradcheck, "gradgradcheck")):
        with pytest.raises(error, match=rf"^{name}\([\w.<>]*\bf\): {pattern}"):
            check(f, inputs, **kwargs)  # type: ignore[arg-type]
    assert gradcheck(f, inputs, wrt=[-1])


def test_gradcheck_refuses_non_finite_inputs() -> None:
    for bad in (np.array([1.0, np.nan]), np.array([np.inf, -np.inf])):
        with pytest.raises(
            ValueError, match=r"^gradcheck\([\w.<>]*<lambda>\): input 0 must be finite"
        ):
            gradcheck(lambda a: a * a, [bad])
    with pytest.raises(
        ValueError, match=r"input 1 must be finite.*1 NaN or infinite element and f's output"
    ):
        gradgradcheck(lambda a, b: a * b, [np.ones(2), np.array([1.0, np.nan])])
    # A function that maps NaN and inf to finite values is checked there (zero gradient).
    assert gradcheck(td.nan_to_num, [np.array([1.0, np.nan, np.inf])])
    # An input that is not differentiated may hold anything.
    assert gradcheck(lambda a, b: a * 2.0, [np.ones(2), np.array([np.nan])], wrt=[0])


def test_float32_variable_with_float64_scalars_follows_numpy() -> None:
    v = td.Variable(np.ones(2, np.float32))
    g = td.tensor(np.ones(2, np.float32))
    # NumPy 2: a NumPy float64 scalar promotes float32, a Python float does not.
    assert (v * np.float64(0.1)).dtype == (np.ones(2, np.float32) * np.float64(0.1)).dtype
    assert (v * 0.1).dtype == np.float32
    # Updates cast back to the variable's dtype (same_kind), as NumPy's a -= b does.
    v.assign_sub(np.float64(0.1) * g)
    assert v.dtype == np.float32
    np.testing.assert_array_equal(v.numpy(), np.float32(1.0) - np.float32(0.1))
    v -= np.float64(0.5) * g
    v.assign(np.zeros(2, np.float64))
    assert v.dtype == np.float32
    with pytest.raises(TypeError, match=r"Variable\.assign_sub: expected dtype float32"):
        v.assign_sub(np.ones(2, np.complex64))


@pytest.mark.parametrize(
    "write",
    [
        lambda t: np.copyto(t, 5.0),
        lambda t: np.put(t, [0], [9.0]),
        lambda t: np.putmask(t, np.array([[True, False], [False, False]]), 8.0),
        lambda t: np.fill_diagonal(t, 0.0),
    ],
)
def test_numpy_functions_cannot_write_into_a_tensor(write: object) -> None:
    t = td.tensor([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(TypeError, match=r"^numpy\.\w+ cannot write into a tapediff tensor"):
        write(t)  # type: ignore[operator]
    np.testing.assert_array_equal(t.numpy(), [[1.0, 2.0], [3.0, 4.0]])


def test_numpy_views_of_a_tensor_cannot_be_made_writeable() -> None:
    t = td.tensor([[1.0, 2.0], [3.0, 4.0]])
    # NumPy functions tapediff does not implement, which return views of their argument
    # (np.flip, np.diagonal and np.matrix_transpose did before they became tapediff ops
    # returning tensors).
    views = (np.trim_zeros(t), np.lib.stride_tricks.sliding_window_view(t, (2, 1)))
    for view in views:
        with pytest.raises(ValueError):
            view.flags.writeable = True
    np.testing.assert_array_equal(views[0], [[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(np.flip(t), td.Tensor) and isinstance(np.diagonal(t), td.Tensor)
    assert isinstance(np.matrix_transpose(t), td.Tensor)


def test_a_cast_to_integers_or_booleans_has_a_zero_gradient() -> None:
    # astype to a discrete dtype is piecewise constant: passing the cotangent through (as a
    # float-to-float cast does) would give x.astype(int) the gradient of x.
    x = td.tensor([1.7, 2.2])
    for dtype in (np.int64, np.int32, bool):
        g = td.grad(lambda x, dtype=dtype: td.sum(x.astype(dtype) * 2.0 + x))(x)
        np.testing.assert_array_equal(g.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(
        td.grad(lambda x: td.sum(td.astype(x, np.float32) * 2.0))(x).numpy(), [2.0, 2.0]
    )
    assert td.astype(x, np.int32).dtype == np.int32
