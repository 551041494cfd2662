"""Complex numbers through the engine (issue 7): the convention, real inputs with complex
cotangents, the refusals, and tapediff.fft / linalg.eig errors. The op table checks every
complex-capable op against finite differences (tests/ops/rows_complex.py, rows_fft.py)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tapediff as td
import tapediff.numpy as tnp
from tapediff.extend import defvjp, primitive
from tapediff.ops import elementwise, reductions
from tapediff.testing import GradcheckError, gradcheck, gradgradcheck

Z = np.array([1.0 + 2.0j, -0.5 + 0.3j, 0.7 - 1.1j])


def _grad(f: Callable[[Any], Any], z: Any) -> np.ndarray:
    return td.grad(f)(td.tensor(z)).numpy()


# ----- the convention (JAX's and HIPS autograd's) -----


def test_real_function_gradient_is_df_dx_minus_i_df_dy() -> None:
    # |z|^2 = x^2 + y^2: df/dx - i df/dy = 2x - 2iy = 2 conj(z).
    np.testing.assert_allclose(_grad(lambda z: td.sum(td.abs(z) ** 2), Z), 2 * np.conj(Z))
    # Re(z^2) = x^2 - y^2: 2x + 2iy = 2z (the holomorphic z^2 seen through its real part).
    np.testing.assert_allclose(_grad(lambda z: td.sum(td.real(z * z)), Z), 2 * Z)
    # Im(z) = y: df/dx - i df/dy = -i.
    np.testing.assert_allclose(_grad(lambda z: td.sum(td.imag(z)), Z), -1j * np.ones(3))


def test_holomorphic_vjp_is_g_times_derivative_without_conjugate() -> None:
    z = td.tensor(Z)
    g = np.array([0.3 - 1j, 2.0, 1j])
    _, pullback = td.vjp(td.exp, z)
    np.testing.assert_allclose(pullback(td.tensor(g))[0].numpy(), g * np.exp(Z))
    _, pullback = td.vjp(lambda z: z**3, z)
    np.testing.assert_allclose(pullback(td.tensor(g))[0].numpy(), g * 3 * Z**2)


def test_agrees_with_hips_autograd() -> None:
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    pairs = [
        (
            lambda z: td.sum(td.abs(td.exp(z) * td.conj(z)) ** 2),
            lambda z: anp.sum(anp.abs(anp.exp(z) * anp.conj(z)) ** 2),
        ),
        (lambda z: td.sum(td.angle(z * z + 1)), lambda z: anp.sum(anp.angle(z * z + 1))),
        (
            lambda z: td.sum(td.real(td.fft.fft(z)) ** 3),
            lambda z: anp.sum(anp.real(anp.fft.fft(z)) ** 3),
        ),
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(_grad(ours, Z), autograd.grad(theirs)(Z), rtol=1e-10)


def test_gradient_descent_steps_along_the_conjugate() -> None:
    target = np.array([2.0 - 1.0j, 0.5j])
    z = td.Variable(np.zeros(2, dtype=np.complex128))
    for _ in range(200):
        with td.Tape() as tape:
            loss = td.sum(td.abs(z - target) ** 2)
        g = tape.gradient(loss, z)
        assert g.dtype == np.complex128
        z.assign(z.numpy() - 0.1 * np.conj(g.numpy()))
    np.testing.assert_allclose(z.numpy(), target, atol=1e-10)


def test_complex_variable_is_watched_and_complex64_stays_complex64() -> None:
    v = td.Variable(np.array([1 + 1j, 2 - 1j], dtype=np.complex64))
    with td.Tape() as tape:
        y = td.sum(td.abs(v * v))
    g = tape.gradient(y, v)
    assert g.dtype == np.complex64
    # |v * v| = |v|^2, whose gradient is 2 conj(v).
    np.testing.assert_allclose(g.numpy(), 2 * np.conj(v.numpy()), rtol=1e-6)


def test_real_input_gets_the_real_part_without_complex_warning() -> None:
    x = td.tensor([0.5, -1.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ComplexWarning would fail the test
        with td.Tape() as tape:
            tape.watch(x)
            y = td.sum(td.abs(x * (1 + 2j)) ** 2)
        g = tape.gradient(y, x)
        # |x (1 + 2i)|^2 = 5 x^2
        assert g.dtype == np.float64
        np.testing.assert_allclose(g.numpy(), 10 * x.numpy())
        gx = td.grad(lambda x: td.sum(td.real(td.fft.fft(x) * 1j)))(td.tensor([1.0, 2.0]))
        np.testing.assert_allclose(gx.numpy(), np.real(np.fft.fft(1j * np.ones(2))))


def test_higher_order_through_complex_values() -> None:
    # f(x) = Re(exp(i x)) = cos x: f'' = -cos x, through complex intermediates.
    f = lambda x: td.sum(td.real(td.exp(x * 1j)))  # noqa: E731
    x = td.tensor([0.3, 1.2])
    np.testing.assert_allclose(
        td.grad(lambda x: td.sum(td.grad(f)(x)))(x).numpy(), -np.cos(x.numpy())
    )
    gradgradcheck(lambda z: td.abs(td.sin(z)) ** 2, [Z])


def test_abs_and_angle_gradients_are_zero_at_zero() -> None:
    z = np.array([0j, 1 + 1j])
    np.testing.assert_allclose(
        _grad(lambda z: td.sum(td.abs(z)), z), [0, np.conj(z[1]) / abs(z[1])]
    )
    np.testing.assert_allclose(_grad(lambda z: td.sum(td.angle(z)), z), [0, -1j / z[1]])


def test_numpy_dispatch_of_complex_helpers() -> None:
    z = td.tensor(Z)
    with td.Tape() as tape:
        tape.watch(z)
        parts = [np.real(z), np.imag(z), np.angle(z), np.abs(z), np.real(np.conj(z) * z)]
        assert all(isinstance(p, td.Tensor) for p in parts)
        y = sum(td.sum(p) for p in parts)
    assert tape.gradient(y, z) is not None
    assert tnp.conj is td.conj and tnp.real is td.real and tnp.angle is td.angle
    np.testing.assert_array_equal(z.real.numpy(), Z.real)
    np.testing.assert_array_equal(z.conj().numpy(), np.conj(Z))


# ----- refusals -----


def test_complex_target_needs_output_gradients() -> None:
    z = td.tensor(Z)
    with td.Tape(persistent=True) as tape:
        tape.watch(z)
        y = td.exp(z)
    with pytest.raises(
        TypeError, match=r"complex target \(dtype complex128\) needs output_gradients"
    ):
        tape.gradient(y, z)
    g = tape.gradient(y, z, output_gradients=np.ones(3, dtype=complex))
    np.testing.assert_allclose(g.numpy(), np.exp(Z))


def test_real_target_refuses_complex_output_gradients() -> None:
    x = td.tensor([1.0, 2.0])
    with td.Tape() as tape:
        tape.watch(x)
        y = x * 2
    with pytest.raises(TypeError, match="output_gradients for a real target .* must be real"):
        tape.gradient(y, x, output_gradients=np.array([1j, 1j]))


@pytest.mark.parametrize("transform", [td.grad, td.value_and_grad])
def test_grad_refuses_complex_valued_functions(transform: Any) -> None:
    with pytest.raises(TypeError, match="f returned a complex value.*holomorphic=True"):
        transform(lambda z: td.sum(z * z))(td.tensor(Z))


REAL_ONLY: dict[str, Callable[[Any], Any]] = {
    "relu": td.relu,
    "maximum": lambda z: td.maximum(z, 0.5),
    "minimum": lambda z: td.minimum(z, 0.5),
    "clip": lambda z: td.clip(z, -1, 1),
    "sign": td.sign,
    "max": td.max,
    "min": td.min,
    "softmax": td.softmax,
    "log_softmax": td.log_softmax,
    "logsumexp": td.logsumexp,
    "sinc": td.sinc,
    "arcsinh": td.arcsinh,
}


@pytest.mark.parametrize("name", sorted(REAL_ONLY))
def test_real_only_ops_refuse_complex_in_the_backward_pass(name: str) -> None:
    z = td.tensor(Z)
    with td.Tape() as tape:
        tape.watch(z)
        out = REAL_ONLY[name](z)
        loss = td.sum(td.real(out))
    with pytest.raises(TypeError, match=rf"{name}: no gradient for complex values"):
        tape.gradient(loss, z)


def test_real_only_op_on_a_real_input_with_complex_constant_refuses() -> None:
    x = td.tensor([0.5, 2.0])
    with td.Tape() as tape:
        tape.watch(x)
        loss = td.sum(td.real(td.maximum(x, 1 + 1j)))
    with pytest.raises(TypeError, match="maximum: no gradient for complex values"):
        tape.gradient(loss, x)


def test_real_only_ops_keep_working_on_real_input_and_off_the_path() -> None:
    x = td.tensor([0.5, -2.0])
    g = td.grad(lambda x: td.sum(td.relu(x)))(x)
    np.testing.assert_array_equal(g.numpy(), [1.0, 0.0])
    # A real-only op on a complex tensor that no gradient flows through is fine.
    z = td.tensor(Z)
    with td.Tape() as tape:
        tape.watch(z)
        _ = td.relu(z)
        loss = td.sum(td.abs(z))
    assert tape.gradient(loss, z) is not None


def test_guard_costs_nothing_for_complex_capable_primitives() -> None:
    # Declared complex-capable: the VJPs are the raw functions, with no guard around them.
    assert elementwise._add.complex_ok and elementwise._add.vjps == elementwise._add._raw_vjps
    assert reductions._sum.complex_ok
    assert not elementwise._relu.complex_ok
    assert elementwise._relu.vjps != elementwise._relu._raw_vjps


def test_user_primitives_refuse_complex_unless_allowed() -> None:
    @primitive("my_square")
    def sq(x: Any) -> Any:
        return x * x

    defvjp(sq, lambda g, out, x: g * 2 * x)
    z = td.tensor(Z)

    def loss(z: Any) -> Any:
        return td.sum(td.real(sq.bind(z)))

    with pytest.raises(TypeError, match="my_square: no gradient for complex values"):
        td.grad(loss)(z)
    sq.allow_complex()
    np.testing.assert_allclose(td.grad(loss)(z).numpy(), 2 * Z)


def test_custom_gradient_is_the_users_convention() -> None:
    @td.custom_gradient
    def double(x: Any) -> Any:
        return x * 2, lambda g: (g * 2,)

    np.testing.assert_allclose(_grad(lambda z: td.sum(td.real(double(z))), Z), 2 * np.ones(3))


@pytest.mark.parametrize(
    "call",
    [
        td.linalg.cholesky,
        td.linalg.slogdet,
        td.linalg.eigh,
        td.linalg.svd,
        td.linalg.qr,
        td.linalg.pinv,
        td.linalg.norm,
    ],
    ids=lambda f: f.__name__,
)
def test_linalg_refuses_complex_where_unsupported(call: Any) -> None:
    a = np.eye(2) * (1 + 1j)
    with pytest.raises(TypeError, match=rf"{call.__name__}: complex input is not supported"):
        call(a)


# ----- gradcheck on complex inputs can fail -----


def test_gradcheck_catches_a_conjugated_vjp() -> None:
    @primitive("bad_exp")
    def bad_exp(x: Any) -> Any:
        return np.exp(x)

    # The VJP of a holomorphic op must not conjugate the derivative.
    defvjp(bad_exp, lambda g, out, x: g * td.conj(out)).allow_complex()
    with pytest.raises(GradcheckError, match="bad_exp|disagrees"):
        gradcheck(lambda z: bad_exp.bind(z), [Z])
    assert gradcheck(lambda x: bad_exp.bind(x), [Z.real])  # right for real input


def test_gradcheck_refuses_integer_outputs_naming_complex() -> None:
    with pytest.raises(TypeError, match="only floating \\(real or complex\\) outputs"):
        gradcheck(lambda z: td.tensor([1, 2]), [Z])


# ----- tapediff.fft -----


def test_fft_float32_gives_complex64_and_float32_gradients() -> None:
    x = td.tensor(np.arange(6, dtype=np.float32))
    with td.Tape() as tape:
        tape.watch(x)
        y = td.fft.rfft(x)
        assert y.dtype == np.complex64
        loss = td.sum(td.abs(y) ** 2)
    g = tape.gradient(loss, x)
    assert g.dtype == np.float32
    # d sum |Y|^2 = 2 Re(sum conj(Y) dY) with Y = rfft(x): the gradient is the real part of
    # fft of conj(Y) zero-padded to the signal's length.
    y64 = np.fft.rfft(x.numpy().astype(np.float64))
    want = 2 * np.real(np.fft.fft(np.concatenate([np.conj(y64), np.zeros(2)])))
    np.testing.assert_allclose(g.numpy(), want, rtol=1e-4, atol=1e-3)


def test_numpy_fft_dispatches_and_namespace_overlays() -> None:
    x = td.tensor([1.0, 2.0, 0.5, -1.0])
    with td.Tape() as tape:
        tape.watch(x)
        y = np.fft.ifft(np.fft.fft(x))
        assert isinstance(y, td.Tensor)
        loss = td.sum(td.real(y))
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), np.ones(4))
    assert tnp.fft.fft is td.fft.fft and tnp.fft.irfftn is td.fft.irfftn
    assert tnp.fft.fftfreq is np.fft.fftfreq  # the rest is NumPy's


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: td.fft.fft([1.0, 2.0], norm="unit"),
            ValueError,
            "fft: norm must be 'backward', 'ortho', 'forward' or None; got 'unit'",
        ),
        (lambda: td.fft.ifft([1.0, 2.0], n=0), ValueError, "ifft: n must be at least 1"),
        (
            lambda: td.fft.fft([1.0, 2.0], n=2.5),
            TypeError,
            "fft: n must be an integer or None; got float",
        ),
        (
            lambda: td.fft.rfft([1j, 2.0]),
            TypeError,
            "rfft: expected a real input; got dtype complex128",
        ),
        (lambda: td.fft.rfftn(np.ones((2, 2)) * 1j), TypeError, "rfftn: expected a real input"),
        (
            lambda: td.fft.fft([1.0], out=np.empty(1, complex)),
            TypeError,
            "fft: out= is not supported",
        ),
        (
            lambda: td.fft.irfft([1.0 + 0j]),
            ValueError,
            "irfft: an input of length 1 .* gives n = 0",
        ),
        (
            lambda: td.fft.fftn(np.ones((2, 2)), s=(2,), axes=(0, 1)),
            ValueError,
            "fftn: s and axes must have the same length",
        ),
        (
            lambda: td.fft.fftn(np.ones(2), s=(2, 2)),
            ValueError,
            "fftn: s has 2 entries but the input has only 1",
        ),
        (
            lambda: td.fft.fftn(np.ones(2), s=3),
            TypeError,
            "fftn: s must be a sequence of integers; got int",
        ),
        (lambda: td.fft.fft(np.float64(1.0)), ValueError, "fft: expected at least a 1-d input"),
        (lambda: td.fft.fft(["a", "b"]), TypeError, "fft: expected a numeric tensor or array"),
        (
            lambda: td.fft.fft([1.0, 2.0], axis=1),
            np.exceptions.AxisError,
            "fft: axis 1 is out of bounds",
        ),
        (
            lambda: td.fft.fft2([1.0, 2.0]),
            np.exceptions.AxisError,
            "fft2: axes -2 is out of bounds",
        ),
        (lambda: td.fft.rfftn(np.ones(2), axes=()), ValueError, "rfftn: at least one axis"),
        (
            lambda: td.fft.fftshift(np.ones(2), axes=3),
            np.exceptions.AxisError,
            "fftshift: axes 3 is out of bounds",
        ),
    ],
)
def test_fft_bad_arguments(call: Callable[[], Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        call()


def test_fft_integer_input_is_float64() -> None:
    got = td.fft.fft(np.arange(4))
    assert got.dtype == np.complex128
    np.testing.assert_allclose(got.numpy(), np.fft.fft(np.arange(4)))


# ----- linalg.eig -----


def test_eig_repeated_eigenvalues_raise_in_the_backward_pass() -> None:
    a = td.tensor(np.diag([1.0, 1.0, 2.0]))
    with td.Tape(persistent=True) as tape:
        tape.watch(a)
        w, v = td.linalg.eig(a)
        values = td.sum(td.real(w))
        vectors = td.sum(td.real(v))
    with pytest.raises(np.linalg.LinAlgError, match="eig: the gradient is undefined at repeated"):
        tape.gradient(vectors, a)
    with pytest.raises(np.linalg.LinAlgError, match="eig: the gradient is undefined at repeated"):
        tape.gradient(values, a)
    with pytest.raises(np.linalg.LinAlgError, match="eigvals: the gradient is undefined"):
        td.grad(lambda a: td.sum(td.real(td.linalg.eigvals(a))))(a)


def test_eig_shape_errors() -> None:
    with pytest.raises(np.linalg.LinAlgError, match="eig: the last 2 dimensions .* square"):
        td.linalg.eig(np.ones((2, 3)))
    with pytest.raises(np.linalg.LinAlgError, match="eigvals: 1-dimensional array given"):
        td.linalg.eigvals(np.ones(3))


def test_eig_result_and_dispatch() -> None:
    a = np.array([[2.0, -1.0], [1.0, 2.0]])
    res = np.linalg.eig(td.tensor(a))
    assert isinstance(res, td.linalg.EigResult)
    want = np.linalg.eig(a)
    np.testing.assert_allclose(res.eigenvalues.numpy(), want.eigenvalues)
    np.testing.assert_allclose(res.eigenvectors.numpy(), want.eigenvectors)
    assert tnp.linalg.eig is td.linalg.eig


# ----- compositions of complex-capable primitives (docs/complex.md lists them) -----

ZM = np.array([[0.3 + 1.0j, -1.2 + 0.4j, 0.8 - 0.6j], [1.5 - 0.2j, -0.4 - 1.1j, 0.2 + 0.9j]])

COMPOSITIONS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "moveaxis": (lambda a: td.moveaxis(a, 0, 1), lambda a: np.moveaxis(a, 0, 1)),
    "expand_dims": (lambda a: td.expand_dims(a, 0), lambda a: np.expand_dims(a, 0)),
    "squeeze": (lambda a: td.squeeze(a[None]), lambda a: np.squeeze(a[None])),
    "split": (lambda a: td.split(a, 3, axis=1)[1], lambda a: np.split(a, 3, axis=1)[1]),
    "tile": (lambda a: td.tile(a, (2, 1)), lambda a: np.tile(a, (2, 1))),
    "repeat": (lambda a: td.repeat(a, 2, axis=0), lambda a: np.repeat(a, 2, axis=0)),
    "tensordot": (lambda a: td.tensordot(a, a.T, 1), lambda a: np.tensordot(a, a.T, 1)),
    "outer": (lambda a: td.outer(a[0], a[1]), lambda a: np.outer(a[0], a[1])),
    "take": (lambda a: td.take(a, [0, 0, 2], axis=1), lambda a: np.take(a, [0, 0, 2], axis=1)),
    "std": (lambda a: td.std(a, axis=1), lambda a: np.std(a, axis=1)),
    "pad[edge]": (lambda a: td.pad(a, 1, mode="edge"), lambda a: np.pad(a, 1, mode="edge")),
    "matrix_power": (
        lambda a: td.linalg.matrix_power(a[:, :2], 3),
        lambda a: np.linalg.matrix_power(a[:, :2], 3),
    ),
    "multi_dot": (
        lambda a: td.linalg.multi_dot([a, a.T, a]),
        lambda a: np.linalg.multi_dot([a, a.T, a]),
    ),
}


@pytest.mark.parametrize("name", sorted(COMPOSITIONS))
def test_compositions_are_right_for_complex(name: str) -> None:
    ours, numpy_ = COMPOSITIONS[name]
    got = ours(td.tensor(ZM))
    want = numpy_(ZM)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)
    gradcheck(ours, [ZM])
    gradgradcheck(ours, [ZM])


def test_arrays_strategy_draws_complex() -> None:
    pytest.importorskip("hypothesis")
    from hypothesis import given, settings

    from tapediff import testing as tdt

    @settings(max_examples=10, derandomize=True, database=None)
    @given(tdt.arrays(np.complex64, (3,), min_value=-1.0, max_value=1.0))
    def check(a: Any) -> None:
        assert a.dtype == np.complex64
        assert np.all(np.abs(a.real) <= 1) and np.all(np.abs(a.imag) <= 1)

    check()


def test_extend_allow_complex() -> None:
    from tapediff.extend import allow_complex

    @primitive("my_neg")
    def neg(x: Any) -> Any:
        return -x

    defvjp(neg, lambda g, out, x: -g)
    assert allow_complex(neg) is neg and neg.complex_ok
    np.testing.assert_allclose(_grad(lambda z: td.sum(td.real(neg.bind(z))), Z), -np.ones(3))


def test_jacobian_refuses_complex_targets_and_takes_complex_sources() -> None:
    z = td.tensor(Z)
    with td.Tape() as tape:
        tape.watch(z)
        y = td.conj(z)  # not holomorphic: real unit cotangents would report J = I
    with pytest.raises(TypeError, match=r"jacobian\(\) of a complex target .* holomorphic"):
        tape.jacobian(y, z)
    with pytest.raises(TypeError, match="jacobian\\(\\) of a complex target"):
        td.jacobian(td.exp)(z)
    # A real target of complex sources: each row is that element's gradient.
    jac = td.jacobian(lambda z: td.abs(z) ** 2)(z).numpy()
    np.testing.assert_allclose(jac, np.diag(2 * np.conj(Z)))
