"""tapediff.scipy.integrate.odeint: gradients by the adjoint method against an analytic solution
and finite differences; first order only, refused beyond; bad input named."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.integrate as si

import tapediff as td
from tapediff.scipy.integrate import odeint
from tapediff.testing import gradcheck

TOL = {"rtol": 1e-12, "atol": 1e-12}


def decay(y: Any, t: float, k: Any) -> Any:
    return -k * y


def pendulum(y: Any, t: float, a: Any, b: Any) -> Any:
    # Nonlinear and time-dependent: a driven pendulum, y = (angle, velocity).
    return td.concatenate([y[1:2], -a * td.sin(y[0:1]) + b * td.cos(t)])


def test_exponential_decay_values_and_every_gradient_match_the_analytic_solution() -> None:
    y0, t, k = np.array([1.0, 2.0]), np.array([0.0, 0.5, 1.25]), np.array([0.7, 1.3])
    Y0, T, K = td.tensor(y0), td.tensor(t), td.tensor(k)
    w = np.array([[0.3, -1.0], [2.0, 0.5], [1.0, 1.5]])  # weights for each output
    with td.Tape() as tape:
        tape.watch([Y0, T, K])
        y = odeint(decay, Y0, T, (K,), **TOL)
        loss = td.sum(y * w)
    exact = y0 * np.exp(-np.outer(t - t[0], k))
    np.testing.assert_allclose(y.numpy(), exact, rtol=1e-9)
    gy0, gt, gk = tape.gradient(loss, [Y0, T, K])
    decay_t = np.exp(-np.outer(t - t[0], k))  # dy_i/dy0 at each time
    np.testing.assert_allclose(gy0.numpy(), np.sum(w * decay_t, axis=0), rtol=1e-8)
    dk = -(t - t[0])[:, None] * exact  # dy_i/dk
    np.testing.assert_allclose(gk.numpy(), np.sum(w * dk, axis=0), rtol=1e-8)
    # dy(t_i)/dt_i = -k y(t_i); moving t_0 shifts every later output by +k y.
    want_t = np.sum(w * (-k * exact), axis=1)
    want_t[0] = np.sum(w[1:] * (k * exact[1:]))
    np.testing.assert_allclose(gt.numpy(), want_t, rtol=1e-8)


def test_nonlinear_time_dependent_system_matches_finite_differences() -> None:
    y0, t = np.array([0.4, -0.2]), np.array([0.1, 0.6, 1.3, 1.7])
    gradcheck(
        lambda y0, t, a, b: odeint(pendulum, y0, t, (a, b), **TOL),
        [y0, t, np.array(1.5), np.array(0.3)],
        eps=1e-5,
    )


def test_decreasing_times_tfirst_and_a_scalar_state() -> None:
    t = np.array([1.0, 0.6, 0.0])
    f = lambda t, y, k: -k * y * y  # noqa: E731
    # Backwards from t = 1: 1 / y(t) = 1 / y0 + k (t - 1) stays positive for k = 0.5.
    out = odeint(f, 0.5, t, (np.array(0.5),), tfirst=True, **TOL)
    want = si.odeint(lambda y, t: -0.5 * y * y, 0.5, t, **TOL)
    assert out.shape == want.shape == (3, 1)
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-12)
    gradcheck(
        lambda y0, t, k: odeint(f, y0, t, (k,), tfirst=True, **TOL),
        [np.array(0.5), t, np.array(0.5)],
        eps=1e-5,
    )


def test_non_floating_args_pass_through_and_float32_gives_float32_gradients() -> None:
    def f(y: Any, t: float, k: Any, power: int) -> Any:
        return -k * y**power

    y0 = td.tensor([1.0, 0.5], np.float32)
    with td.Tape() as tape:
        tape.watch(y0)
        y = odeint(f, y0, np.array([0.0, 1.0]), (np.float32(0.5), 3), **TOL)
    assert y.dtype == np.float64  # SciPy integrates in float64
    g = tape.gradient(y, y0)
    assert g.dtype == np.float32
    want = td.grad(lambda a: td.sum(odeint(f, a, np.array([0.0, 1.0]), (0.5, 3), **TOL)))
    np.testing.assert_allclose(g.numpy(), want(np.array([1.0, 0.5])).numpy(), rtol=1e-6)


def test_an_unrelated_outer_tape_does_not_stop_a_first_order_gradient() -> None:
    other = td.tensor(1.0)
    y0 = td.tensor([1.0])
    with td.Tape() as outer:
        outer.watch(other)
        g = td.grad(lambda a: td.sum(odeint(decay, a, np.array([0.0, 1.0]), (1.0,))))(y0)
        _ = other * 2
    np.testing.assert_allclose(g.numpy(), [1.0 + np.exp(-1.0)], rtol=1e-6)  # y(0) + y(1)


def test_second_order_is_refused_rather_than_wrong() -> None:
    t = np.array([0.0, 1.0])

    def first(a: Any) -> Any:
        return td.grad(lambda b: td.sum(odeint(decay, b, t, (1.0,))))(a)

    with pytest.raises(NotImplementedError, match=r"odeint: higher-order derivatives"):
        td.grad(lambda a: td.sum(first(a)))(td.tensor([1.0]))
    with pytest.raises(NotImplementedError, match=r"odeint: higher-order derivatives"):
        td.jvp(lambda a: odeint(decay, a, t, (1.0,)), (td.tensor([1.0]),), (td.tensor([1.0]),))


def test_a_tracked_tensor_func_closes_over_is_refused() -> None:
    k = td.tensor(0.5)
    with td.Tape() as tape, pytest.raises(TypeError, match=r"odeint: func used a tensor"):
        tape.watch(k)
        odeint(lambda y, t: -k * y, np.ones(2), np.array([0.0, 1.0]))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: odeint(decay, np.ones((2, 2)), [0.0, 1.0], (1.0,)), ValueError, r"y0 must be"),
        (lambda: odeint(decay, np.ones(2), [[0.0, 1.0]], (1.0,)), ValueError, r"t must be a 1-D"),
        (lambda: odeint(decay, np.ones(2), [0.0, 1.0, 0.5], (1.0,)), ValueError, r"monotonic"),
        (lambda: odeint(decay, np.ones(2), [0.0, 1.0], (1.0,), mxstp=5), TypeError, r"mxstp"),
        (
            lambda: odeint(decay, np.ones(2), [0.0, 1.0], (1.0,), Dfun=lambda y, t: y),
            NotImplementedError,
            r"Dfun",
        ),
        (lambda: odeint(None, np.ones(2), [0.0, 1.0]), TypeError, r"func must be callable"),
        (lambda: odeint(decay, np.ones(2), [0.0, 1.0], [1.0]), TypeError, r"must be in a tuple"),
        (
            lambda: odeint(lambda y, t: td.sum(y), np.ones(2), [0.0, 1.0]),
            ValueError,
            r"odeint: func must return dy/dt of the shape of y",
        ),
    ],
)
def test_bad_input_is_refused_by_name(call: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()
