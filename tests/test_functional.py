"""Function transforms: grad, value_and_grad, vjp, jvp, jacobian, hessian, custom_gradient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tapediff as td

A_VAL = np.array([[2.0, -1.0, 0.5], [0.3, 1.5, -2.0], [1.0, 0.25, 3.0]])


def _a() -> td.Tensor:
    return td.tensor(A_VAL)


def _v(values: list[float] | None = None) -> td.Tensor:
    return td.tensor(np.array(values if values is not None else [0.4, -1.2, 2.0]))


def _close(actual: Any, expected: Any, **kw: Any) -> None:
    assert isinstance(actual, td.Tensor), f"expected a Tensor, got {type(actual).__name__}"
    np.testing.assert_allclose(actual.numpy(), expected, **kw)


def _numeric_jvp(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, t: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Central-difference directional derivative of a NumPy function."""
    result: np.ndarray = (f(x + eps * t) - f(x - eps * t)) / (2 * eps)
    return result


def _log1pexp_naive(x: td.Tensor) -> td.Tensor:
    return td.log(1 + td.exp(x))


@td.custom_gradient
def log1pexp(x: td.Tensor) -> Any:
    e = td.exp(x)

    def grad_fn(upstream: td.Tensor) -> td.Tensor:
        # 1 - 1 / (1 + e) stays finite where e / (1 + e) is inf / inf.
        return upstream * (1 - 1 / (1 + e))

    return td.log(1 + e), grad_fn


@td.custom_gradient
def clip_gradient(x: td.Tensor) -> Any:
    def grad_fn(upstream: td.Tensor) -> td.Tensor:
        return td.clip(upstream, -1.0, 1.0)

    return x * 1.0, grad_fn


# ----- grad -----


def test_grad_of_sin_is_cos() -> None:
    x = _v()
    g = td.grad(lambda x: td.sum(td.sin(x)))(x)
    _close(g, np.cos(x.numpy()))
    assert g.shape == x.shape and g.dtype == x.dtype


def test_grad_of_polynomial_at_scalar() -> None:
    g = td.grad(lambda x: x**3 - 2 * x + 1)(td.tensor(1.5))
    _close(g, 3 * 1.5**2 - 2)
    assert g.shape == ()


def test_grad_of_quadratic_form() -> None:
    x = _v()
    g = td.grad(lambda x: x @ _a() @ x)(x)
    _close(g, (A_VAL + A_VAL.T) @ x.numpy())


def test_grad_argnums_int_and_tuple() -> None:
    def f(x: td.Tensor, y: td.Tensor) -> td.Tensor:
        return td.sum(x * y**2)

    x, y = _v(), _v([1.0, 2.0, -0.5])
    gy = td.grad(f, argnums=1)(x, y)
    _close(gy, 2 * x.numpy() * y.numpy())
    grads = td.grad(f, argnums=(0, 1))(x, y)
    assert isinstance(grads, tuple) and len(grads) == 2
    _close(grads[0], y.numpy() ** 2)
    _close(grads[1], 2 * x.numpy() * y.numpy())
    (only,) = td.grad(f, argnums=(1,))(x, y)
    _close(only, 2 * x.numpy() * y.numpy())
    _close(td.grad(f, argnums=-1)(x, y), 2 * x.numpy() * y.numpy())
    listed = td.grad(f, argnums=[1, 0])(x, y)
    assert isinstance(listed, tuple)
    _close(listed[0], 2 * x.numpy() * y.numpy())
    _close(listed[1], y.numpy() ** 2)


def test_grad_same_tensor_in_two_positions_gets_each_partial() -> None:
    x = _v()
    gx, gy = td.grad(lambda a, b: td.sum(a * b**2), argnums=(0, 1))(x, x)
    _close(gx, x.numpy() ** 2)
    _close(gy, 2 * x.numpy() ** 2)


def test_grad_accepts_numpy_arrays_and_python_floats() -> None:
    def f(x: td.Tensor, y: td.Tensor) -> td.Tensor:
        return td.sum(td.sin(x)) * y

    x = np.array([0.1, 0.2])
    gx, gy = td.grad(f, argnums=(0, 1))(x, 3.0)
    _close(gx, 3.0 * np.cos(x))
    _close(gy, np.sum(np.sin(x)))
    assert gy.shape == () and gy.dtype == np.float64


def test_grad_keeps_float32() -> None:
    x = td.tensor([1.0, 2.0], dtype=np.float32)
    g = td.grad(lambda x: td.sum(x * x))(x)
    assert g.dtype == np.float32
    _close(g, [2.0, 4.0])


def test_grad_passes_other_arguments_and_keywords_through() -> None:
    def f(x: td.Tensor, power: int, *, scale: float) -> td.Tensor:
        assert isinstance(power, int)
        return scale * td.sum(x**power)

    x = _v()
    _close(td.grad(f)(x, 3, scale=2.0), 6.0 * x.numpy() ** 2)


def test_grad_unconnected_input_gives_zeros() -> None:
    x = td.tensor([[1.0, 2.0]], dtype=np.float32)
    gx, gy = td.grad(lambda x, y: td.sum(y * 2.0), argnums=(0, 1))(x, td.tensor(1.5))
    np.testing.assert_array_equal(gx.numpy(), np.zeros((1, 2)))
    assert gx.dtype == np.float32 and gx.shape == (1, 2)
    _close(gy, 2.0)


def test_grad_of_constant_function_is_zero() -> None:
    g = td.grad(lambda x: 3.0)(_v())
    np.testing.assert_array_equal(g.numpy(), np.zeros(3))


def test_grad_of_identity_is_one() -> None:
    _close(td.grad(lambda x: x)(td.tensor(2.0)), 1.0)


def test_grad_accepts_size_one_output() -> None:
    x = _v()
    g = td.grad(lambda x: td.reshape(td.sum(x**2), (1, 1)))(x)
    _close(g, 2 * x.numpy())


def test_grad_with_variable_argument() -> None:
    w = td.Variable([1.0, -2.0])
    _close(td.grad(lambda w: td.sum(w**2))(w), [2.0, -4.0])


def test_grad_does_not_differentiate_closed_over_variables() -> None:
    w = td.Variable([1.0, -2.0])
    x = td.tensor([0.5, 0.25])
    g = td.grad(lambda x: td.sum(x * w))(x)
    _close(g, w.numpy())


def test_grad_has_aux() -> None:
    x = _v()
    g, aux = td.grad(lambda x: (td.sum(x**2), {"n": 3}), has_aux=True)(x)
    _close(g, 2 * x.numpy())
    assert aux == {"n": 3}


def test_grad_keeps_function_name() -> None:
    def loss(x: td.Tensor) -> td.Tensor:
        return td.sum(x)

    assert td.grad(loss).__name__ == "loss"


# ----- value_and_grad -----


def test_value_and_grad() -> None:
    x = _v()
    value, g = td.value_and_grad(lambda x: td.sum(td.exp(x)))(x)
    _close(value, np.sum(np.exp(x.numpy())))
    _close(g, np.exp(x.numpy()))


def test_value_and_grad_tuple_argnums_and_aux() -> None:
    x, y = td.tensor(2.0), td.tensor(3.0)
    (value, aux), (gx, gy) = td.value_and_grad(lambda x, y: (x * y, x + y), (0, 1), True)(x, y)
    _close(value, 6.0)
    _close(aux, 5.0)
    _close(gx, 3.0)
    _close(gy, 2.0)


def test_value_and_grad_runs_f_once() -> None:
    calls = []

    def f(x: td.Tensor) -> td.Tensor:
        calls.append(1)
        return td.sum(x)

    td.value_and_grad(f)(_v())
    assert len(calls) == 1


# ----- errors of grad / value_and_grad -----


@pytest.mark.parametrize("transform", [td.grad, td.value_and_grad])
def test_grad_rejects_integer_input(transform: Callable[..., Any]) -> None:
    f = transform(lambda x, y: td.sum(x * y), argnums=1)
    with pytest.raises(TypeError, match="argnum 1 has dtype int64"):
        f(_v(), td.tensor([1, 2, 3]))
    with pytest.raises(TypeError, match="argnum 0 has dtype int"):
        transform(lambda x: x * 1.0)(2)


def test_grad_rejects_bool_and_complex_input() -> None:
    with pytest.raises(TypeError, match="argnum 0 has dtype bool"):
        td.grad(lambda x: td.sum(x))(np.array([True]))
    # A complex argument is differentiated (docs/complex.md), a complex output is refused.
    with pytest.raises(TypeError, match="grad: f returned a complex value.*holomorphic"):
        td.grad(lambda x: td.sum(x))(np.array([1j]))
    g = td.grad(lambda x: td.sum(td.real(x)))(np.array([1j]))
    assert g.dtype == np.complex128
    np.testing.assert_array_equal(g.numpy(), [1.0])


def test_grad_rejects_container_argument() -> None:
    with pytest.raises(
        TypeError, match="argnum 0 is a list of length 2.*containers are not supported"
    ):
        td.grad(lambda x: td.sum(x))([1.0, 2.0])


def test_grad_rejects_non_scalar_output() -> None:
    with pytest.raises(ValueError, match=r"grad: f must return a scalar.*shape \(3,\)"):
        td.grad(lambda x: x * 2.0)(_v())
    with pytest.raises(ValueError, match=r"value_and_grad: f must return a scalar.*shape \(0,\)"):
        td.value_and_grad(lambda x: x[:0])(_v())


def test_grad_rejects_integer_output() -> None:
    with pytest.raises(TypeError, match="floating-point tensor; it returned .*dtype int64"):
        td.grad(lambda x: td.tensor(1))(_v())


@pytest.mark.parametrize("result", [None, (1.0, 2.0), "loss", True])
def test_grad_rejects_non_tensor_output(result: Any) -> None:
    with pytest.raises(
        TypeError, match=f"grad: f must return a Tensor; it returned a {type(result).__name__}"
    ):
        td.grad(lambda x: result)(_v())


def test_grad_has_aux_needs_a_pair() -> None:
    with pytest.raises(
        TypeError, match=r"has_aux=True, f must return a pair \(output, aux\); it returned a Tensor"
    ):
        td.grad(lambda x: td.sum(x), has_aux=True)(_v())


def test_grad_argnums_out_of_range() -> None:
    with pytest.raises(
        TypeError, match="argnums includes 2, but the function was called with 2 positional"
    ):
        td.grad(lambda x, y: td.sum(x * y), argnums=(0, 2))(_v(), _v())
    with pytest.raises(TypeError, match="argnums includes -2"):
        td.grad(lambda x: td.sum(x), argnums=-2)(_v())


@pytest.mark.parametrize("argnums", [1.0, "0", None, (0, 1.5), True])
def test_grad_argnums_wrong_type(argnums: Any) -> None:
    with pytest.raises(TypeError, match="argnums must be an int or a tuple of ints"):
        td.grad(lambda x: td.sum(x), argnums=argnums)


def test_grad_argnums_empty() -> None:
    with pytest.raises(ValueError, match="argnums must not be empty"):
        td.grad(lambda x: td.sum(x), argnums=())


# ----- higher order and nesting -----


def test_grad_of_grad() -> None:
    f = lambda x: td.sin(x) * x  # noqa: E731
    x = td.tensor(1.3)
    _close(td.grad(td.grad(f))(x), 2 * np.cos(1.3) - 1.3 * np.sin(1.3))


def test_third_derivative_of_sin() -> None:
    d3 = td.grad(td.grad(td.grad(td.sin)))(td.tensor(0.7))
    _close(d3, -np.cos(0.7))


def test_grad_of_grad_with_respect_to_other_argument() -> None:
    # d/dy d/dx (x^2 y^3) = 6 x y^2
    f = lambda x, y: x**2 * y**3  # noqa: E731
    mixed = td.grad(td.grad(f, argnums=0), argnums=1)(td.tensor(1.5), td.tensor(-0.5))
    _close(mixed, 6 * 1.5 * 0.25)


def test_grad_inside_user_tape_is_recorded() -> None:
    x = _v()
    with td.Tape() as tape:
        tape.watch(x)
        g = td.grad(lambda x: td.sum(x**3))(x)
        loss = td.sum(g)
    _close(g, 3 * x.numpy() ** 2)
    _close(tape.gradient(loss, x), 6 * x.numpy())


def test_grad_inside_tape_with_variable() -> None:
    w = td.Variable([0.5, -1.0])
    with td.Tape() as tape:
        g = td.grad(lambda w: td.sum(td.sin(w)))(w)
        loss = td.sum(g)
    _close(tape.gradient(loss, w), -np.sin(w.numpy()))


def test_user_tape_inside_grad() -> None:
    def f(x: td.Tensor) -> td.Tensor:
        with td.Tape() as tape:
            tape.watch(x)
            y = td.sum(x**3)
        return td.sum(tape.gradient(y, x))  # sum(3 x^2)

    x = _v()
    _close(td.grad(f)(x), 6 * x.numpy())


# ----- vjp -----


def test_vjp_values_and_pullback() -> None:
    x, y = _v(), _v([1.0, 2.0, -0.5])
    out, pullback = td.vjp(lambda x, y: td.sin(x) * y, x, y)
    _close(out, np.sin(x.numpy()) * y.numpy())
    ct = np.array([1.0, -2.0, 0.5])
    gx, gy = pullback(td.tensor(ct))
    _close(gx, ct * np.cos(x.numpy()) * y.numpy())
    _close(gy, ct * np.sin(x.numpy()))


def test_vjp_pullback_callable_several_times() -> None:
    x = _v()
    _, pullback = td.vjp(lambda x: _a() @ x, x)
    for k in range(3):
        ct = np.eye(3)[k]
        (row,) = pullback(ct)
        _close(row, A_VAL[k])


def test_vjp_pullback_returns_tuple_with_zeros_for_unconnected() -> None:
    result = td.vjp(lambda x, y: x * 2.0, _v(), td.tensor([[1.0]]))
    grads = result[1](np.ones(3))
    assert isinstance(grads, tuple) and len(grads) == 2
    _close(grads[0], [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(grads[1].numpy(), np.zeros((1, 1)))


def test_vjp_tuple_outputs() -> None:
    x = _v()
    out, pullback = td.vjp(lambda x: (td.sum(x**2), td.sin(x)), x)
    assert isinstance(out, tuple) and len(out) == 2
    (g,) = pullback((2.0, np.ones(3)))
    _close(g, 4 * x.numpy() + np.cos(x.numpy()))


def test_vjp_has_aux() -> None:
    _, pullback, aux = td.vjp(lambda x: (x * 3.0, "aux"), td.tensor(1.0), has_aux=True)
    assert aux == "aux"
    _close(pullback(1.0)[0], 3.0)


def test_vjp_of_vjp_is_differentiable() -> None:
    # pullback(ct) = ct * cos(x); its derivative in x is -ct * sin(x).
    def g(x: td.Tensor, ct: td.Tensor) -> td.Tensor:
        _, pullback = td.vjp(td.sin, x)
        return td.sum(pullback(ct)[0])

    x, ct = _v(), td.tensor([1.0, 2.0, 3.0])
    dx, dct = td.grad(g, argnums=(0, 1))(x, ct)
    _close(dx, -ct.numpy() * np.sin(x.numpy()))
    _close(dct, np.cos(x.numpy()))


def test_vjp_cotangent_shape_checked() -> None:
    _, pullback = td.vjp(lambda x: x * 2.0, _v())
    with pytest.raises(
        ValueError, match=r"vjp pullback: cotangent must have shape \(3,\); got shape \(2,\)"
    ):
        pullback(np.ones(2))


def test_vjp_cotangent_dtype_checked() -> None:
    _, pullback = td.vjp(lambda x: x * 2.0, _v())
    with pytest.raises(TypeError, match="cotangent must be a floating-point tensor.*int64"):
        pullback(td.tensor([1, 2, 3]))


def test_vjp_cotangent_structure_checked() -> None:
    _, pullback = td.vjp(lambda x: (x, x), _v())
    with pytest.raises(TypeError, match="expected a tuple of 2 cotangents"):
        pullback(np.ones(3))


def test_vjp_rejects_integer_primal_and_output() -> None:
    with pytest.raises(TypeError, match="primal 1 has dtype int64"):
        td.vjp(lambda x, y: x * 2.0, _v(), np.array([1, 2]))
    with pytest.raises(TypeError, match="vjp: f must return a floating-point tensor"):
        td.vjp(lambda x: td.tensor(3), _v())


# ----- jvp -----


def test_jvp_analytic() -> None:
    x, y = td.tensor(0.8), td.tensor(-1.5)
    out, t_out = td.jvp(lambda x, y: td.sin(x) * y, (x, y), (2.0, 0.5))
    _close(out, np.sin(0.8) * -1.5)
    _close(t_out, np.cos(0.8) * -1.5 * 2.0 + np.sin(0.8) * 0.5)


def test_jvp_matches_finite_differences() -> None:
    x = np.array([0.3, -0.7, 1.1])
    t = np.array([0.5, 1.0, -2.0])

    def f(v: td.Tensor) -> td.Tensor:
        return td.tanh(_a() @ v) * v

    out, t_out = td.jvp(f, (td.tensor(x),), (td.tensor(t),))
    numeric = _numeric_jvp(lambda v: np.tanh(A_VAL @ v) * v, x, t)
    _close(t_out, numeric, rtol=1e-7, atol=1e-9)
    assert t_out.shape == out.shape == (3,)


def test_jvp_output_shape_differs_from_input() -> None:
    x = np.array([[0.2, 0.4], [0.6, 0.8]])
    t = np.array([[1.0, 0.0], [0.5, -1.0]])
    _, t_out = td.jvp(lambda m: td.sum(td.exp(m)), [td.tensor(x)], [t])
    _close(t_out, np.sum(np.exp(x) * t))
    assert t_out.shape == ()


def test_jvp_tuple_outputs_and_aux() -> None:
    x = td.tensor(0.5)
    out, t_out, aux = td.jvp(lambda x: ((x**2, td.exp(x)), 7), (x,), (3.0,), has_aux=True)
    assert isinstance(out, tuple) and isinstance(t_out, tuple) and aux == 7
    _close(t_out[0], 2 * 0.5 * 3.0)
    _close(t_out[1], np.exp(0.5) * 3.0)


def test_jvp_unconnected_output_is_zero() -> None:
    _, t_out = td.jvp(lambda x: td.tensor([1.0, 2.0]), (_v(),), (_v(),))
    np.testing.assert_array_equal(t_out.numpy(), np.zeros(2))


def test_jvp_of_grad_is_hessian_vector_product() -> None:
    x, v = _v(), np.array([1.0, 0.0, -1.0])
    _, hvp = td.jvp(td.grad(lambda x: x @ _a() @ x), (x,), (v,))
    _close(hvp, (A_VAL + A_VAL.T) @ v)


def test_jvp_is_differentiable() -> None:
    # jvp of sin at x along t is cos(x) t; d/dx = -sin(x) t, d/dt = cos(x).
    def g(x: td.Tensor, t: td.Tensor) -> td.Tensor:
        return td.sum(td.jvp(td.sin, (x,), (t,))[1])

    x, t = _v(), td.tensor([2.0, -1.0, 0.5])
    dx, dt = td.grad(g, argnums=(0, 1))(x, t)
    _close(dx, -np.sin(x.numpy()) * t.numpy())
    _close(dt, np.cos(x.numpy()))


def test_jvp_errors() -> None:
    f = lambda x: x * 2.0  # noqa: E731
    with pytest.raises(TypeError, match="primals and tangents must be tuples or lists"):
        td.jvp(f, _v(), _v())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"one tangent per primal; got 1 primal\(s\) and 2 tangent"):
        td.jvp(f, (_v(),), (_v(), _v()))
    with pytest.raises(
        ValueError, match=r"jvp: tangent 0 must have shape \(3,\); got shape \(2,\)"
    ):
        td.jvp(f, (_v(),), (np.ones(2),))
    with pytest.raises(TypeError, match="jvp: tangent 0 must be a floating-point tensor.*int64"):
        td.jvp(f, (_v(),), (np.array([1, 2, 3]),))
    with pytest.raises(TypeError, match="jvp: primal 0 has dtype int64"):
        td.jvp(f, (np.array([1, 2, 3]),), (np.ones(3),))


# ----- jacobian -----


def test_jacobian_of_linear_map_is_the_matrix() -> None:
    jac = td.jacobian(lambda x: _a() @ x)(_v())
    _close(jac, A_VAL)


def test_jacobian_of_elementwise_is_diagonal() -> None:
    x = _v()
    _close(td.jacobian(td.sin)(x), np.diag(np.cos(x.numpy())))


@pytest.mark.parametrize(
    ("in_shape", "out_shape"),
    [((), ()), ((), (3,)), ((3,), ()), ((2, 3), (3, 2)), ((0,), (2,)), ((2,), (0,)), ((0,), ())],
)
def test_jacobian_shapes(in_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(1)
    x_val = rng.standard_normal(in_shape)
    n_in, n_out = x_val.size, int(np.prod(out_shape))
    m_val = rng.standard_normal((n_out, n_in))

    def f(x: td.Tensor) -> td.Tensor:
        return td.reshape(td.tensor(m_val) @ td.reshape(x * x, (n_in,)), out_shape)

    jac = td.jacobian(f)(td.tensor(x_val))
    assert jac.shape == out_shape + in_shape
    expected = m_val * (2 * x_val.reshape(-1))
    _close(jac, expected.reshape(out_shape + in_shape))


def test_jacobian_tuple_argnums_and_outputs() -> None:
    x, y = _v(), td.tensor(2.0)

    def f(x: td.Tensor, y: td.Tensor) -> tuple[td.Tensor, td.Tensor]:
        return x * y, td.sum(x) * y**2

    (jxx, jxy), (jsx, jsy) = td.jacobian(f, argnums=(0, 1))(x, y)
    _close(jxx, 2.0 * np.eye(3))
    _close(jxy, x.numpy())
    assert jxy.shape == (3,)
    _close(jsx, 4.0 * np.ones(3))
    _close(jsy, 4.0 * np.sum(x.numpy()))
    assert jsy.shape == ()


def test_jacobian_unconnected_is_zero_and_has_aux() -> None:
    jac, aux = td.jacobian(lambda x, y: (y * 2.0, "a"), argnums=0, has_aux=True)(
        td.tensor([1.0, 2.0]), td.tensor([3.0, 4.0, 5.0])
    )
    assert aux == "a"
    np.testing.assert_array_equal(jac.numpy(), np.zeros((3, 2)))


def test_jacobian_inside_user_tape() -> None:
    x = _v()
    with td.Tape() as tape:
        tape.watch(x)
        jac = td.jacobian(lambda x: x**3)(x)  # diag(3 x^2)
        total = td.sum(jac)
    _close(tape.gradient(total, x), 6 * x.numpy())


def test_jacobian_errors() -> None:
    with pytest.raises(TypeError, match="jacobian: argnum 0 has dtype int64"):
        td.jacobian(lambda x: x * 2.0)(np.arange(3))
    with pytest.raises(TypeError, match="jacobian: f must return a floating-point tensor"):
        td.jacobian(lambda x: td.tensor([1, 2]))(_v())
    with pytest.raises(TypeError, match="jacobian: f must return a Tensor; it returned a NoneType"):
        td.jacobian(lambda x: None)(_v())


# ----- hessian -----


def test_hessian_of_quadratic_form() -> None:
    _close(td.hessian(lambda x: x @ _a() @ x)(_v()), A_VAL + A_VAL.T)


def test_hessian_of_cubic_is_diagonal() -> None:
    x = _v()
    h = td.hessian(lambda x: td.sum(x**3))(x)
    _close(h, np.diag(6 * x.numpy()))


def test_hessian_matrix_argument_shape() -> None:
    m = td.tensor(np.array([[0.5, 1.0], [-1.0, 2.0]]))
    h = td.hessian(lambda m: td.sum(td.sin(m)))(m)
    assert h.shape == (2, 2, 2, 2)
    expected = np.zeros((2, 2, 2, 2))
    for i in range(2):
        for j in range(2):
            expected[i, j, i, j] = -np.sin(m.numpy()[i, j])
    _close(h, expected)


def test_hessian_scalar_argument() -> None:
    h = td.hessian(lambda x: td.exp(2 * x))(td.tensor(0.3))
    _close(h, 4 * np.exp(0.6))
    assert h.shape == ()


def test_hessian_equals_jacobian_of_grad() -> None:
    f = lambda x: td.sum(td.tanh(_a() @ x) ** 2)  # noqa: E731
    x = _v()
    _close(td.hessian(f)(x), td.jacobian(td.grad(f))(x).numpy(), rtol=1e-12)


def test_hessian_tuple_argnums_is_nested() -> None:
    x, y = _v(), td.tensor([1.0, -1.0])

    def f(x: td.Tensor, y: td.Tensor) -> td.Tensor:
        return td.sum(x**2) * td.sum(y**3)

    (hxx, hxy), (hyx, hyy) = td.hessian(f, argnums=(0, 1))(x, y)
    sx, sy = np.sum(x.numpy() ** 2), np.sum(y.numpy() ** 3)
    _close(hxx, 2 * sy * np.eye(3))
    _close(hxy, np.outer(2 * x.numpy(), 3 * y.numpy() ** 2))
    _close(hyx, np.outer(3 * y.numpy() ** 2, 2 * x.numpy()))
    _close(hyy, np.diag(6 * y.numpy()) * sx)


def test_hessian_of_vector_function_and_aux() -> None:
    x = td.tensor([0.5, 1.5])
    h, aux = td.hessian(lambda x: (x**3, None), has_aux=True)(x)
    assert aux is None and h.shape == (2, 2, 2)
    expected = np.zeros((2, 2, 2))
    for i in range(2):
        expected[i, i, i] = 6 * x.numpy()[i]
    _close(h, expected)


def test_hessian_errors_name_hessian() -> None:
    with pytest.raises(TypeError, match="hessian: argnum 0 has dtype int64"):
        td.hessian(lambda x: td.sum(x))(np.arange(2))


# ----- custom_gradient -----


def test_custom_gradient_clips_the_gradient() -> None:
    x = td.tensor([1.0, 2.0, 3.0])
    g = td.grad(lambda x: td.sum(clip_gradient(x) * td.tensor([0.5, 4.0, -7.0])))(x)
    _close(g, [0.5, 1.0, -1.0])
    _close(clip_gradient(x), x.numpy())


@pytest.mark.filterwarnings("ignore:overflow encountered in exp:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered in multiply:RuntimeWarning")
def test_custom_gradient_log1pexp_is_stable() -> None:
    x = td.tensor([-5.0, 0.0, 1000.0])
    naive = td.grad(lambda x: td.sum(_log1pexp_naive(x)))(x)
    assert np.isnan(naive.numpy()[2])  # inf / inf: why the custom gradient exists
    g = td.grad(lambda x: td.sum(log1pexp(x)))(x)
    _close(g, [1 / (1 + np.exp(5.0)), 0.5, 1.0])


def test_custom_gradient_second_order_through_closed_over_intermediate() -> None:
    # d2/dx2 log(1 + e^x) = s (1 - s), s = sigmoid(x): reached through e, computed in the body.
    x = td.tensor([-1.0, 0.0, 2.0])
    h = td.grad(lambda x: td.sum(td.grad(lambda x: td.sum(log1pexp(x)))(x)))(x)
    s = 1 / (1 + np.exp(-x.numpy()))
    _close(h, s * (1 - s))


def test_custom_gradient_third_order() -> None:
    @td.custom_gradient
    def cube(x: td.Tensor) -> Any:
        return x**3, lambda g: g * 3 * x**2

    x = td.tensor(1.5)
    _close(td.grad(cube)(x), 3 * 1.5**2)
    _close(td.grad(td.grad(cube))(x), 6 * 1.5)
    _close(td.grad(td.grad(td.grad(cube)))(x), 6.0)


def test_custom_gradient_two_inputs_with_tape_and_jacobian() -> None:
    calls = []

    @td.custom_gradient
    def mul(x: td.Tensor, y: td.Tensor) -> Any:
        def grad_fn(g: td.Tensor) -> tuple[td.Tensor, td.Tensor]:
            calls.append(1)
            return g * y, g * x

        return x * y, grad_fn

    x, y = _v(), _v([2.0, 3.0, 4.0])
    with td.Tape() as tape:
        tape.watch([x, y])
        z = td.sum(mul(x, y))
    gx, gy = tape.gradient(z, [x, y])
    _close(gx, y.numpy())
    _close(gy, x.numpy())
    assert len(calls) == 1  # one backward pass, one call for both inputs
    jx, jy = td.jacobian(mul, argnums=(0, 1))(x, y)
    _close(jx, np.diag(y.numpy()))
    _close(jy, np.diag(x.numpy()))


def test_custom_gradient_pullback_reused_under_different_tapes() -> None:
    # The same cotangent object replayed twice: grad_fn's result from the first replay was
    # recorded on the first tape only, so the second replay must call grad_fn again.
    @td.custom_gradient
    def cube(x: td.Tensor) -> Any:
        return x**3, lambda g: g * 3 * x**2

    _, pullback = td.vjp(cube, td.tensor(1.5))
    ct = td.tensor(2.0)
    for _ in range(2):
        with td.Tape() as tape:
            tape.watch(ct)
            (g,) = pullback(ct)
        _close(g, 2.0 * 3 * 1.5**2)
        _close(tape.gradient(g, ct), 3 * 1.5**2)


def test_custom_gradient_one_input_per_replay_under_different_tapes() -> None:
    @td.custom_gradient
    def mul(x: td.Tensor, y: td.Tensor) -> Any:
        return x * y, lambda g: (g * y, g * x)

    x, y, ct = td.tensor(2.0), td.tensor(3.0), td.tensor(1.0)
    with td.Tape(persistent=True) as tape:
        tape.watch([x, y])
        z = mul(x, y)
    for source, expected in ((x, 3.0), (y, 2.0)):
        with td.Tape() as outer:
            outer.watch(ct)
            g = tape.gradient(z, source, output_gradients=ct)
        _close(outer.gradient(g, ct), expected)


def test_custom_gradient_runs_body_once() -> None:
    calls = []

    @td.custom_gradient
    def f(x: td.Tensor) -> Any:
        calls.append(1)
        return td.sin(x), lambda g: g * td.cos(x)

    x = _v()
    _close(td.grad(lambda x: td.sum(f(x)))(x), np.cos(x.numpy()))
    assert len(calls) == 1


def test_custom_gradient_none_and_constant_arguments() -> None:
    @td.custom_gradient
    def scaled(x: td.Tensor, y: td.Tensor, scale: float) -> Any:
        return x * y * scale, lambda g: (g * y * scale, None, None)

    x, y = td.tensor(2.0), td.tensor(3.0)
    gx, gy = td.grad(scaled, argnums=(0, 1))(x, y, 10.0)
    _close(gx, 30.0)
    _close(gy, 0.0)


def test_custom_gradient_keeps_name() -> None:
    assert log1pexp.__name__ == "log1pexp"


def test_custom_gradient_wrong_number_of_gradients() -> None:
    @td.custom_gradient
    def pair(x: td.Tensor, y: td.Tensor) -> Any:
        return x * y, lambda g: g * y

    with pytest.raises(ValueError, match=r"pair: grad_fn returned 1 gradient\(s\); expected 2"):
        td.grad(pair)(td.tensor(1.0), td.tensor(2.0))


def test_custom_gradient_wrong_shape() -> None:
    @td.custom_gradient
    def total(x: td.Tensor, y: td.Tensor) -> Any:
        return td.sum(x) + y, lambda g: (g, g)  # x's gradient should have x's shape

    with pytest.raises(
        ValueError,
        match=r"total: grad_fn's gradient for argument 0 has shape \(\); expected \(3,\)",
    ):
        td.grad(total)(_v(), td.tensor(1.0))


def test_custom_gradient_non_tensor_gradient() -> None:
    @td.custom_gradient
    def raw(x: td.Tensor, y: td.Tensor) -> Any:
        return x * y, lambda g: (g * y, np.ones(()))

    with pytest.raises(TypeError, match="raw: grad_fn's gradient for argument 1 is an ndarray"):
        td.grad(raw, argnums=(0, 1))(td.tensor(1.0), td.tensor(2.0))


def test_custom_gradient_grad_fn_returns_garbage() -> None:
    @td.custom_gradient
    def odd(x: td.Tensor) -> Any:
        return x * 1.0, lambda g: "grad"

    with pytest.raises(TypeError, match="odd: grad_fn must return a Tensor or a tuple of Tensors"):
        td.grad(odd)(td.tensor(1.0))


def test_custom_gradient_body_must_return_pair() -> None:
    @td.custom_gradient
    def no_grad_fn(x: td.Tensor) -> Any:
        return x * 2.0

    @td.custom_gradient
    def bad_value(x: td.Tensor) -> Any:
        return "value", lambda g: g

    with pytest.raises(TypeError, match=r"no_grad_fn: .* must return a pair \(value, grad_fn\)"):
        no_grad_fn(td.tensor(1.0))
    with pytest.raises(
        TypeError, match="bad_value: .* must return a Tensor as its value; it returned a str"
    ):
        bad_value(td.tensor(1.0))


def test_custom_gradient_refuses_hidden_variables_under_a_tape() -> None:
    w = td.Variable([1.0, 2.0], name="w")

    @td.custom_gradient
    def scale(x: td.Tensor) -> Any:
        return x * w, lambda g: g * w

    x = td.tensor([3.0, 4.0])
    _close(scale(x), [3.0, 8.0])  # no tape: nothing to lose
    with (
        td.Tape(),
        pytest.raises(TypeError, match="scale: .* used trainable Variable\\(s\\) \\('w'\\)"),
    ):
        scale(x)


def test_custom_gradient_variable_as_argument() -> None:
    w = td.Variable([1.0, 2.0])

    @td.custom_gradient
    def scale(x: td.Tensor, w: td.Tensor) -> Any:
        return x * w, lambda g: (g * w, g * x)

    x = td.tensor([3.0, 4.0])
    with td.Tape() as tape:
        y = td.sum(scale(x, w))
    _close(tape.gradient(y, w), x.numpy())
