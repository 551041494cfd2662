"""Tape: watching, recording, replay, structure of results, nesting, policies, misuse."""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref

import numpy as np
import pytest

import tapediff as td


def _x(values: list[float] | None = None) -> td.Tensor:
    return td.tensor(np.array(values if values is not None else [1.0, 2.0, 3.0]))


def test_issue_example_first_order() -> None:
    rng = np.random.default_rng(0)
    w_val = rng.standard_normal((3, 2))
    w = td.Variable(w_val)
    x = td.tensor([[1.0, 2.0, 3.0]])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.tanh(x @ w).sum()
    dx, dw = tape.gradient(y, [x, w])
    s = 1 - np.tanh(x.numpy() @ w_val) ** 2
    np.testing.assert_allclose(dx.numpy(), s @ w_val.T)
    np.testing.assert_allclose(dw.numpy(), x.numpy().T @ s)
    assert dx.shape == x.shape and dw.shape == w.shape
    assert dx.dtype == x.dtype and dw.dtype == w.dtype


def test_nested_tapes_give_second_derivative() -> None:
    x = _x()
    with td.Tape() as outer:
        outer.watch(x)
        with td.Tape() as inner:
            inner.watch(x)
            y = td.sum(x**3)
        g = inner.gradient(y, x)
    h = outer.gradient(g, x)
    np.testing.assert_allclose(g.numpy(), 3 * x.numpy() ** 2)
    np.testing.assert_allclose(h.numpy(), 6 * x.numpy())


def test_third_derivative_through_three_tapes() -> None:
    x = td.tensor(0.7)
    with td.Tape() as t3:
        t3.watch(x)
        with td.Tape() as t2:
            t2.watch(x)
            with td.Tape() as t1:
                t1.watch(x)
                y = td.sin(x) * x
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    v = 0.7
    np.testing.assert_allclose(d1.item(), np.cos(v) * v + np.sin(v))
    np.testing.assert_allclose(d2.item(), -np.sin(v) * v + 2 * np.cos(v))
    np.testing.assert_allclose(d3.item(), -np.cos(v) * v - 3 * np.sin(v))


def test_variables_watched_automatically_and_listed() -> None:
    w = td.Variable([1.0, 2.0])
    b = td.Variable([0.5])
    frozen = td.Variable([3.0], trainable=False)
    with td.Tape() as tape:
        y = td.sum(w * 2 + b + frozen)
    assert tape.watched_variables() == (w, b)
    gw, gb, gf = tape.gradient(y, [w, b, frozen])
    np.testing.assert_allclose(gw.numpy(), [2.0, 2.0])
    np.testing.assert_allclose(gb.numpy(), [2.0])
    assert gf is None


def test_watch_accessed_variables_false() -> None:
    w = td.Variable([1.0, 2.0])
    v = td.Variable([1.0, 1.0])
    with td.Tape(watch_accessed_variables=False) as tape:
        tape.watch(v)
        y = td.sum(w * v)
    assert tape.watched_variables() == (v,)
    gw, gv = tape.gradient(y, [w, v])
    assert gw is None
    np.testing.assert_allclose(gv.numpy(), [1.0, 2.0])


def test_unwatched_tensor_gets_none() -> None:
    x, z = _x(), _x()
    with td.Tape() as tape:
        tape.watch(x)
        y = td.sum(x * z)
    assert tape.gradient(y, z) is None


def test_only_ops_touching_watched_values_are_recorded() -> None:
    x, c = _x(), _x()
    with td.Tape() as tape:
        tape.watch(x)
        k = c * 2 + 1  # constant work: not recorded
        y = td.sum(x * k)
    assert len(tape._records) == 2
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), c.numpy() * 2 + 1)


def test_sources_structure_is_preserved() -> None:
    a, b = _x(), _x([4.0, 5.0, 6.0])
    with td.Tape(persistent=True) as tape:
        tape.watch([a, b])
        y = td.sum(a * b)
    single = tape.gradient(y, a)
    assert isinstance(single, td.Tensor)
    as_list = tape.gradient(y, [a, b])
    assert isinstance(as_list, list) and len(as_list) == 2
    as_tuple = tape.gradient(y, (a, b))
    assert isinstance(as_tuple, tuple)
    as_dict = tape.gradient(y, {"a": a, "b": b})
    assert set(as_dict) == {"a", "b"}
    np.testing.assert_allclose(as_dict["a"].numpy(), b.numpy())
    np.testing.assert_allclose(as_dict["b"].numpy(), a.numpy())


def test_non_scalar_target_means_sum_and_output_gradients_weight_it() -> None:
    x = _x()
    with td.Tape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 2 * x.numpy())
    w = np.array([1.0, 0.0, -1.0])
    np.testing.assert_allclose(tape.gradient(y, x, output_gradients=w).numpy(), 2 * x.numpy() * w)


def test_list_of_targets_sums_their_gradients() -> None:
    x = _x()
    with td.Tape() as tape:
        tape.watch(x)
        y1 = td.sum(x * 2)
        y2 = td.sum(x * x)
    np.testing.assert_allclose(tape.gradient([y1, y2], x).numpy(), 2 + 2 * x.numpy())


def test_gradient_with_respect_to_intermediate() -> None:
    x = _x()
    with td.Tape() as tape:
        tape.watch(x)
        h = x * 3
        y = td.sum(h * h)
    gh, gx = tape.gradient(y, [h, x])
    np.testing.assert_allclose(gh.numpy(), 2 * h.numpy())
    np.testing.assert_allclose(gx.numpy(), 18 * x.numpy())


def test_gradient_of_source_itself_is_ones() -> None:
    x = _x()
    with td.Tape() as tape:
        tape.watch(x)
    np.testing.assert_allclose(tape.gradient(x, x).numpy(), np.ones(3))


def test_fan_out_and_diamonds_accumulate() -> None:
    x = td.tensor(1.5)
    with td.Tape() as tape:
        tape.watch(x)
        a = x * x
        b = td.sin(a)
        c = td.cos(a)
        y = b * c + a
    v = 1.5
    want = 2 * v * (np.cos(2 * v * v) + 1)  # d/dx [sin(2x^2)/2 + x^2]
    np.testing.assert_allclose(tape.gradient(y, x).item(), want)


def test_broadcast_gradients_sum_back_to_input_shape() -> None:
    x = td.tensor(np.ones((1, 3)))
    b = td.tensor(2.0)
    with td.Tape() as tape:
        tape.watch([x, b])
        y = td.sum(x * np.ones((2, 3)) + b)
    gx, gb = tape.gradient(y, [x, b])
    assert gx.shape == (1, 3) and gb.shape == ()
    np.testing.assert_allclose(gx.numpy(), [[2.0, 2.0, 2.0]])
    assert gb.item() == 6.0


class TestUnconnected:
    def test_zero_policy(self) -> None:
        x, z = _x(), _x()
        with td.Tape() as tape:
            tape.watch([x, z])
            y = td.sum(x)
        gz = tape.gradient(y, [x, z], unconnected_gradients="zero")[1]
        np.testing.assert_array_equal(gz.numpy(), np.zeros(3))
        assert gz.dtype == z.dtype

    def test_raise_policy_never_watched(self) -> None:
        x, z = _x(), _x()
        with td.Tape() as tape:
            tape.watch(x)
            y = td.sum(x * z)
        with pytest.raises(td.UnconnectedGradientError, match="never watched.*tape.watch"):
            tape.gradient(y, [x, z], unconnected_gradients="raise")

    def test_raise_policy_watched_but_not_on_path(self) -> None:
        x, z = _x(), _x()
        with td.Tape() as tape:
            tape.watch([x, z])
            _ = z * 2
            y = td.sum(x)
        with pytest.raises(td.UnconnectedGradientError, match="watched, but the target does not"):
            tape.gradient(y, z, unconnected_gradients="raise")

    def test_raise_policy_variable_not_watched(self) -> None:
        w = td.Variable([1.0])
        x = _x()
        with td.Tape(watch_accessed_variables=False) as tape:
            tape.watch(x)
            y = td.sum(x * w)
        with pytest.raises(td.UnconnectedGradientError, match="Variable.*never watched"):
            tape.gradient(y, w, unconnected_gradients="raise")

    def test_raise_policy_through_stop_gradient(self) -> None:
        x = _x()
        with td.Tape() as tape:
            tape.watch(x)
            y = td.sum(td.stop_gradient(x) * 2)
        with pytest.raises(td.UnconnectedGradientError, match="stop_gradient"):
            tape.gradient(y, x, unconnected_gradients="raise")

    def test_bad_policy_name(self) -> None:
        x = _x()
        with td.Tape() as tape:
            tape.watch(x)
            y = td.sum(x)
        with pytest.raises(ValueError, match="'none', 'zero' or 'raise'; got 'zeros'"):
            tape.gradient(y, x, unconnected_gradients="zeros")  # type: ignore[arg-type]


def test_stop_gradient_blocks_flow() -> None:
    x = _x()
    with td.Tape() as tape:
        tape.watch(x)
        y = td.sum(x * td.stop_gradient(x))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), x.numpy())


def test_stop_recording() -> None:
    x = _x()
    with td.Tape() as tape:
        tape.watch(x)
        y = x * 2
        with tape.stop_recording():
            z = y * 3  # not recorded
        out = td.sum(y + z)
    np.testing.assert_allclose(tape.gradient(out, x).numpy(), [2.0, 2.0, 2.0])


def test_stop_recording_outside_context_raises() -> None:
    tape = td.Tape()
    with pytest.raises(RuntimeError, match="inside `with tape:`"), tape.stop_recording():
        pass


def test_reentering_an_active_tape_raises() -> None:
    tape = td.Tape()
    with tape, pytest.raises(RuntimeError, match="already active"), tape:
        pass


def test_reset_forgets_records() -> None:
    x = _x()
    with td.Tape(persistent=True) as tape:
        tape.watch(x)
        y = td.sum(x * 2)
        tape.reset()
        tape.watch(x)
        z = td.sum(x * 5)
    assert tape.gradient(y, x) is None
    np.testing.assert_allclose(tape.gradient(z, x).numpy(), [5.0, 5.0, 5.0])


def test_persistent_tape_allows_repeated_gradients() -> None:
    x = _x()
    with td.Tape(persistent=True) as tape:
        tape.watch(x)
        y = td.sum(x * x)
        z = td.sum(td.exp(x))
    assert tape.persistent
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 2 * x.numpy())
    np.testing.assert_allclose(tape.gradient(z, x).numpy(), np.exp(x.numpy()))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 2 * x.numpy())


def test_non_persistent_tape_frees_records_while_replaying() -> None:
    x = _x()
    with td.Tape() as tape:
        tape.watch(x)
        h = td.exp(x)
        ref = weakref.ref(h)
        y = td.sum(td.sin(h))
        del h
    tape.gradient(y, x)
    gc.collect()
    assert tape._records == []
    assert ref() is None


class TestJacobian:
    def test_shape_and_values(self) -> None:
        x = td.tensor(np.array([[1.0, 2.0], [3.0, 4.0]]))
        with td.Tape() as tape:
            tape.watch(x)
            y = x[0] * x[1]  # shape (2,)
        jac = tape.jacobian(y, x)
        assert jac.shape == (2, 2, 2)
        want = np.zeros((2, 2, 2))
        want[0, 0, 0], want[0, 1, 0] = 3.0, 1.0
        want[1, 0, 1], want[1, 1, 1] = 4.0, 2.0
        np.testing.assert_allclose(jac.numpy(), want)

    def test_non_persistent_tape_is_used_up(self) -> None:
        x = _x()
        with td.Tape() as tape:
            tape.watch(x)
            y = x * 2
        tape.jacobian(y, x)
        with pytest.raises(RuntimeError, match="persistent=True"):
            tape.jacobian(y, x)

    def test_empty_and_scalar_shapes(self) -> None:
        x = td.tensor(np.zeros((0, 3)))
        s = td.tensor(2.0)
        with td.Tape(persistent=True) as tape:
            tape.watch([x, s])
            y = x * s
            z = s * s
        assert tape.jacobian(y, x).shape == (0, 3, 0, 3)
        assert tape.jacobian(z, s).shape == ()
        assert tape.jacobian(z, s).item() == 4.0
        assert tape.jacobian(y, s).shape == (0, 3)

    def test_unconnected_source(self) -> None:
        x, z = _x(), _x()
        with td.Tape(persistent=True) as tape:
            tape.watch([x, z])
            y = x * 2
        assert tape.jacobian(y, z) is None
        assert tape.jacobian(y, z, unconnected_gradients="zero").shape == (3, 3)

    def test_nonpersistent_higher_order_jacobian(self) -> None:
        x = _x()
        with td.Tape() as outer:
            outer.watch(x)
            with td.Tape() as inner:
                inner.watch(x)
                y = td.sum(x**3)
            g = inner.gradient(y, x)
        hess = outer.jacobian(g, x)
        np.testing.assert_allclose(hess.numpy(), np.diag(6 * x.numpy()))


class TestMisuse:
    def test_gradient_twice_on_non_persistent_tape(self) -> None:
        x = _x()
        with td.Tape() as tape:
            tape.watch(x)
            y = td.sum(x)
        tape.gradient(y, x)
        with pytest.raises(RuntimeError, match=r"Tape\(persistent=True\)"):
            tape.gradient(y, x)

    def test_non_tensor_target(self) -> None:
        x = _x()
        with td.Tape() as tape:
            tape.watch(x)
        with pytest.raises(TypeError, match="target must be a Tensor; got ndarray"):
            tape.gradient(np.ones(3), x)

    def test_integer_target(self) -> None:
        x = _x()
        with td.Tape() as tape:
            tape.watch(x)
            y = td.tensor([1, 2])
        with pytest.raises(TypeError, match="floating dtype; got int64"):
            tape.gradient(y, x)

    def test_non_tensor_sources(self) -> None:
        x = _x()
        with td.Tape() as tape:
            tape.watch(x)
            y = td.sum(x)
        with pytest.raises(TypeError, match="item 1 is ndarray"):
            tape.gradient(y, [x, np.ones(3)])
        with pytest.raises(TypeError, match="got float"):
            tape.gradient(y, 1.0)  # type: ignore[arg-type]

    def test_bad_input_leaves_tape_usable(self) -> None:
        x = _x()
        with td.Tape() as tape:
            tape.watch(x)
            y = td.sum(x * x)
        with pytest.raises(TypeError):
            tape.gradient(y, [x, "nope"])  # type: ignore[list-item]
        with pytest.raises(ValueError):
            tape.gradient(y, x, output_gradients=np.ones(2))
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), 2 * x.numpy())

    def test_failed_replay_uses_up_a_non_persistent_tape(self) -> None:
        from tapediff.ops._primitive import primitive

        boom = primitive("boom")(lambda x: x)

        def failing_vjp(g: td.Tensor, out: td.Tensor, x: td.Tensor) -> td.Tensor:
            raise ArithmeticError("VJP failed")

        boom.defvjp(failing_vjp)
        x = _x()
        with td.Tape() as tape:
            tape.watch(x)
            y = td.sum(boom.bind(x) * 2)
        with pytest.raises(ArithmeticError):
            tape.gradient(y, x)
        with pytest.raises(RuntimeError, match="persistent=True"):
            tape.gradient(y, x)

    def test_output_gradients_wrong_shape(self) -> None:
        x = _x()
        with td.Tape() as tape:
            tape.watch(x)
            y = x * 2
        with pytest.raises(ValueError, match=r"target's shape \(3,\); got shape \(2,\)"):
            tape.gradient(y, x, output_gradients=np.ones(2))

    def test_output_gradients_count_mismatch(self) -> None:
        x = _x()
        with td.Tape() as tape:
            tape.watch(x)
            y = x * 2
        with pytest.raises(ValueError, match="one entry per target: expected 2, got 1"):
            tape.gradient([y, y], x, output_gradients=[np.ones(3)])

    def test_watch_integer_tensor(self) -> None:
        tape = td.Tape()
        with pytest.raises(TypeError, match="floating-point or complex tensor; got dtype int64"):
            tape.watch(td.tensor([1, 2]))
        with pytest.raises(TypeError, match="watch must be Tensors; item 0 is list"):
            tape.watch([[1.0]])  # type: ignore[list-item]
        assert tape._tracked == set()

    def test_wrong_vjp_shape_names_the_op(self) -> None:
        from tapediff.ops._primitive import primitive

        bad = primitive("bad_double")(lambda x: x * 2)
        bad.defvjp(lambda g, out, x: td.tensor(np.ones(5)))
        x = _x()
        with td.Tape() as tape:
            tape.watch(x)
            y = td.sum(bad.bind(x))
        with pytest.raises(
            ValueError, match=r"bad_double: gradient for argument 0 has shape \(5,\)"
        ):
            tape.gradient(y, x)


def test_shape_errors_name_the_op_and_shapes() -> None:
    with pytest.raises(ValueError, match=r"add: .*\(2, 3\), \(4,\)"):
        td.add(np.ones((2, 3)), np.ones(4))
    with pytest.raises(ValueError, match=r"matmul: .*\(2, 3\).*\(4, 5\)"):
        td.matmul(np.ones((2, 3)), np.ones((4, 5)))


class TestSubgradientConventions:
    def _grad(self, f, values):  # type: ignore[no-untyped-def]
        x = td.tensor(np.asarray(values, dtype=float))
        with td.Tape() as tape:
            tape.watch(x)
            y = td.sum(f(x))
        return tape.gradient(y, x).numpy()

    def test_relu_and_abs_at_zero(self) -> None:
        np.testing.assert_array_equal(self._grad(td.relu, [-1.0, 0.0, 2.0]), [0.0, 0.0, 1.0])
        np.testing.assert_array_equal(self._grad(td.abs, [-1.0, 0.0, 2.0]), [-1.0, 0.0, 1.0])

    def test_elementwise_maximum_minimum_ties_split(self) -> None:
        a = td.tensor([1.0, 2.0, 3.0])
        b = td.tensor([1.0, 5.0, 0.0])
        for fn, ga, gb in [
            (td.maximum, [0.5, 0.0, 1.0], [0.5, 1.0, 0.0]),
            (td.minimum, [0.5, 1.0, 0.0], [0.5, 0.0, 1.0]),
        ]:
            with td.Tape() as tape:
                tape.watch([a, b])
                y = td.sum(fn(a, b))
            got_a, got_b = tape.gradient(y, [a, b])
            np.testing.assert_array_equal(got_a.numpy(), ga)
            np.testing.assert_array_equal(got_b.numpy(), gb)

    def test_where_masks_an_infinite_cotangent_without_nan(self) -> None:
        # A 0/1 mask multiplied into the cotangent would give 0 * inf = NaN here.
        x = td.tensor([1.0, 2.0])
        y_ = td.tensor([3.0, 4.0])
        with td.Tape() as tape:
            tape.watch([x, y_])
            z = td.where(np.array([False, True]), x, y_)
        gx, gy = tape.gradient(z, [x, y_], output_gradients=np.array([np.inf, 1.0]))
        np.testing.assert_array_equal(gx.numpy(), [0.0, 1.0])
        np.testing.assert_array_equal(gy.numpy(), [np.inf, 0.0])

    def test_where_gradient_of_unselected_branch_is_exact_zero(self) -> None:
        x = td.tensor([np.inf, 2.0])
        y_ = td.tensor([1.0, 1.0])
        with td.Tape() as tape:
            tape.watch([x, y_])
            z = td.sum(td.where(np.array([False, True]), x, y_))
        gx, gy = tape.gradient(z, [x, y_])
        np.testing.assert_array_equal(gx.numpy(), [0.0, 1.0])
        np.testing.assert_array_equal(gy.numpy(), [1.0, 0.0])

    def test_clip_passes_gradient_strictly_inside(self) -> None:
        got = self._grad(lambda x: td.clip(x, 0.0, 1.0), [-1.0, 0.0, 0.5, 1.0, 2.0])
        np.testing.assert_array_equal(got, [0.0, 0.0, 1.0, 0.0, 0.0])

    def test_piecewise_constant_ops_have_zero_gradient(self) -> None:
        for fn in (td.sign, td.floor, td.round, td.ceil, td.trunc):
            np.testing.assert_array_equal(self._grad(fn, [-1.5, 0.2, 2.7]), [0.0, 0.0, 0.0])


class TestContextLocality:
    def test_threads_do_not_record_onto_each_others_tapes(self) -> None:
        x = _x()
        recorded_elsewhere: list[int] = []

        def worker() -> None:
            with td.Tape() as own:
                own.watch(x)
                td.sum(x * 7)
                recorded_elsewhere.append(len(own._records))

        with td.Tape() as tape:
            tape.watch(x)
            t = threading.Thread(target=worker)
            t.start()
            t.join()
            y = td.sum(x * 2)
        assert recorded_elsewhere == [2]
        assert len(tape._records) == 2
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 2.0, 2.0])

    def test_asyncio_tasks_have_their_own_tapes(self) -> None:
        async def task(scale: float) -> np.ndarray:
            x = _x()
            with td.Tape() as tape:
                tape.watch(x)
                y = x * scale
                await asyncio.sleep(0)  # let the other task run inside its own tape
                z = td.sum(y * y)
            return tape.gradient(z, x).numpy()

        async def main() -> list[np.ndarray]:
            return list(await asyncio.gather(task(1.0), task(3.0)))

        g1, g3 = asyncio.run(main())
        np.testing.assert_allclose(g1, 2 * np.array([1.0, 2.0, 3.0]))
        np.testing.assert_allclose(g3, 18 * np.array([1.0, 2.0, 3.0]))
