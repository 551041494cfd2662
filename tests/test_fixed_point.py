"""td.fixed_point: implicit gradients of every order, against the analytic derivatives of
Newton's square-root iteration and finite differences; bad input named."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tapediff as td
from tapediff.testing import gradcheck, gradgradcheck


def newton_sqrt(a: Any) -> Any:
    return lambda x: 0.5 * (x + a / x)


def sqrt_fp(a: Any) -> Any:
    return td.fixed_point(newton_sqrt, a, np.ones(np.shape(a)), tol=1e-14)


A = np.array([2.0, 3.0, 0.5])


def test_newton_sqrt_value_and_derivatives_of_three_orders() -> None:
    np.testing.assert_allclose(sqrt_fp(A).numpy(), np.sqrt(A), rtol=1e-14)
    d1 = td.grad(lambda a: td.sum(sqrt_fp(a)))
    np.testing.assert_allclose(d1(A).numpy(), 0.5 / np.sqrt(A), rtol=1e-10)
    d2 = td.grad(lambda a: td.sum(d1(a)))
    np.testing.assert_allclose(d2(A).numpy(), -0.25 * A**-1.5, rtol=1e-10)
    d3 = td.grad(lambda a: td.sum(d2(a)))
    np.testing.assert_allclose(d3(A).numpy(), 0.375 * A**-2.5, rtol=1e-9)


def test_several_parameters_match_finite_differences_to_second_order() -> None:
    # x = c cos(x) + b, a contraction for |c| < 1; a tuple of parameters, vector x.
    def solve(c: Any, b: Any) -> Any:
        return td.fixed_point(lambda p: lambda x: p[0] * td.cos(x) + p[1], (c, b), np.zeros(2))

    args = [np.array([0.3, -0.5]), np.array([0.1, -0.2])]
    gradcheck(solve, args)
    gradgradcheck(solve, args)


def test_matrix_parameter_and_a_custom_distance() -> None:
    # x = W x + u (a linear fixed point): x* = (I - W)^-1 u.
    w = np.array([[0.2, -0.1], [0.3, 0.1]])
    u = np.array([1.0, -2.0])

    def solve(w: Any, u: Any) -> Any:
        return td.fixed_point(
            lambda p: lambda x: p[0] @ x + p[1],
            [w, u],
            np.zeros(2),
            distance=lambda x, y: td.linalg.norm(x - y),
            tol=1e-13,
        )

    np.testing.assert_allclose(solve(w, u).numpy(), np.linalg.solve(np.eye(2) - w, u))
    gradcheck(solve, [w, u])
    gradgradcheck(solve, [w, u])


def test_the_starting_point_gets_no_gradient() -> None:
    x0 = td.tensor([1.0, 1.0])
    a = td.tensor(A[:2])
    with td.Tape() as tape:
        tape.watch([x0, a])
        loss = td.sum(td.fixed_point(newton_sqrt, a, x0, tol=1e-14))
    g_x0, g_a = tape.gradient(loss, [x0, a])
    assert g_x0 is None
    np.testing.assert_allclose(g_a.numpy(), 0.5 / np.sqrt(A[:2]), rtol=1e-10)


def test_no_convergence_is_an_error_not_a_result() -> None:
    with pytest.raises(RuntimeError, match=r"fixed_point: no convergence .* max_iter=50"):
        td.fixed_point(lambda a: lambda x: a * x + 1.0, td.tensor(2.0), 0.0, max_iter=50)


def test_bad_input_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match=r"fixed_point: f must be callable"):
        td.fixed_point(3, 1.0, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"fixed_point: max_iter must be a positive integer"):
        td.fixed_point(newton_sqrt, 2.0, 1.0, max_iter=0)
    with pytest.raises(ValueError, match=r"fixed_point: f\(a\) must map x to an x of the same"):
        td.fixed_point(lambda a: lambda x: td.stack([x, x]), 2.0, 1.0)


def test_a_tracked_tensor_f_closes_over_is_refused() -> None:
    hidden = td.tensor(2.0)
    with td.Tape() as tape, pytest.raises(TypeError, match=r"fixed_point: f used a tensor"):
        tape.watch(hidden)
        td.fixed_point(lambda a: lambda x: 0.5 * (x + hidden / x), td.tensor(1.0), 1.0)
