"""Reductions: forward against NumPy, gradients against central differences, the subgradient
conventions (ties, zeros in prod, constant slices in std), second order, and the errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tapediff as td

Fn = Callable[[td.Tensor], td.Tensor]


# ----- local finite-difference helpers -----


def _numeric_vjp(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, cot: np.ndarray) -> Any:
    """d/dx sum(cot * f(x)) by central differences."""
    eps = 1e-6
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        hi, lo = x.copy(), x.copy()
        hi[i] += eps
        lo[i] -= eps
        out[i] = (np.sum(cot * f(hi)) - np.sum(cot * f(lo))) / (2 * eps)
    return out


def _tape_vjp(fn: Fn, x: np.ndarray, cot: np.ndarray) -> Any:
    t = td.tensor(x)
    with td.Tape() as tape:
        tape.watch(t)
        y = fn(t)
    return tape.gradient(y, t, output_gradients=cot).numpy()


def check_grad(fn: Fn, x: Any, seed: int = 0) -> None:
    """The tape's VJP of ``fn`` at ``x`` with a random cotangent equals central differences."""
    x = np.asarray(x, dtype=np.float64)
    y = fn(td.tensor(x)).numpy()
    cot = np.random.default_rng(seed).standard_normal(y.shape)
    expected = _numeric_vjp(lambda a: fn(td.tensor(a)).numpy(), x, cot)
    np.testing.assert_allclose(_tape_vjp(fn, x, cot), expected, rtol=1e-6, atol=1e-8)


def _gradient(fn: Fn, x: np.ndarray) -> Any:
    return _tape_vjp(fn, x, np.ones(fn(td.tensor(x)).shape))


def _hvp(fn: Fn, x: np.ndarray, v: np.ndarray) -> td.Tensor | None:
    """d/dx <v, grad sum(fn)(x)> through nested tapes."""
    t = td.tensor(x)
    with td.Tape() as outer:
        outer.watch(t)
        with td.Tape() as inner:
            inner.watch(t)
            y = fn(t)
        s = td.sum(inner.gradient(y, t) * v)
    result: td.Tensor | None = outer.gradient(s, t)
    return result


def check_second(fn: Fn, x: Any, seed: int = 1) -> None:
    """Nested tapes give the Hessian-vector product that central differences of the gradient do."""
    x = np.asarray(x, dtype=np.float64)
    v = np.random.default_rng(seed).standard_normal(x.shape)
    hv = _hvp(fn, x, v)
    assert hv is not None
    expected = _numeric_vjp(lambda a: _gradient(fn, a), x, v)
    np.testing.assert_allclose(hv.numpy(), expected, rtol=1e-5, atol=1e-7)


RNG = np.random.default_rng(42)
X234 = RNG.standard_normal((2, 3, 4))  # distinct values: no ties in max/min
POSITIVE = RNG.uniform(0.5, 2.0, (2, 3, 4))

AXES = [None, 0, 1, -1, (0, 2), (-1, 0), (), (0, 1, 2)]

REDUCTIONS: dict[str, tuple[Callable[..., td.Tensor], Callable[..., np.ndarray]]] = {
    "sum": (td.sum, np.sum),
    "mean": (td.mean, np.mean),
    "prod": (td.prod, np.prod),
    "max": (td.max, np.max),
    "min": (td.min, np.min),
    "amax": (td.amax, np.amax),
    "amin": (td.amin, np.amin),
    "var": (td.var, np.var),
    "std": (td.std, np.std),
}


# ----- forward -----


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_forward_matches_numpy(name: str, axis: Any, keepdims: bool) -> None:
    op, ref = REDUCTIONS[name]
    out = op(td.tensor(X234), axis=axis, keepdims=keepdims)
    expected = ref(X234, axis=axis, keepdims=keepdims)
    assert out.shape == expected.shape
    assert out.dtype == expected.dtype
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-14, atol=0)


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", [None, ()], ids=str)
def test_forward_zero_dim(name: str, axis: Any) -> None:
    op, ref = REDUCTIONS[name]
    out = op(td.tensor(2.5), axis=axis)
    assert out.shape == ()
    np.testing.assert_allclose(out.numpy(), ref(np.array(2.5), axis=axis))


@pytest.mark.parametrize("name", REDUCTIONS)
def test_float32_stays_float32(name: str) -> None:
    op, ref = REDUCTIONS[name]
    x = X234.astype(np.float32)
    t = td.tensor(x)
    with td.Tape() as tape:
        tape.watch(t)
        y = op(t, axis=1)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.numpy(), ref(x, axis=1), rtol=1e-6)
    g = tape.gradient(y, t)
    assert g.dtype == np.float32
    assert g.shape == x.shape


def test_integer_input_follows_numpy_dtypes() -> None:
    x = np.arange(6).reshape(2, 3)
    assert td.sum(x, axis=0).dtype == np.sum(x, axis=0).dtype
    assert td.mean(x).dtype == np.float64
    assert td.var(x, axis=1).dtype == np.float64
    np.testing.assert_allclose(td.var(x, axis=1).numpy(), np.var(x, axis=1))
    np.testing.assert_array_equal(td.prod(x + 1, axis=1).numpy(), np.prod(x + 1, axis=1))


@pytest.mark.parametrize("ddof", [0, 1, 2])
@pytest.mark.parametrize("axis", [None, 1, (0, 2)], ids=str)
def test_var_std_ddof(ddof: int, axis: Any) -> None:
    np.testing.assert_allclose(
        td.var(X234, axis=axis, ddof=ddof).numpy(), np.var(X234, axis=axis, ddof=ddof), rtol=1e-14
    )
    np.testing.assert_allclose(
        td.std(X234, axis=axis, ddof=ddof, keepdims=True).numpy(),
        np.std(X234, axis=axis, ddof=ddof, keepdims=True),
        rtol=1e-14,
    )


def test_tensor_methods_delegate() -> None:
    t = td.tensor(X234)
    np.testing.assert_allclose(t.mean(axis=-1).numpy(), X234.mean(axis=-1))
    np.testing.assert_allclose(t.prod(axis=0, keepdims=True).numpy(), X234.prod(0, keepdims=True))
    np.testing.assert_allclose(t.max(axis=(0, 1)).numpy(), X234.max(axis=(0, 1)))
    np.testing.assert_allclose(t.std(ddof=1).numpy(), X234.std(ddof=1))
    assert t.argmin(axis=1).tolist() == X234.argmin(axis=1).tolist()


# ----- logsumexp -----


def _logsumexp_ref(a: np.ndarray, axis: Any = None, keepdims: bool = False) -> Any:
    return np.log(np.sum(np.exp(a), axis=axis, keepdims=keepdims))


@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_forward(axis: Any, keepdims: bool) -> None:
    out = td.logsumexp(X234, axis=axis, keepdims=keepdims)
    expected = _logsumexp_ref(X234, axis=axis, keepdims=keepdims)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-13)


def test_logsumexp_is_stable_and_handles_infinities() -> None:
    x = np.array(
        [
            [1000.0, 1000.0, -np.inf],
            [-1000.0, -1000.0, -1000.0],
            [-np.inf, -np.inf, -np.inf],
            [np.inf, 0.0, 1.0],
            [np.nan, 0.0, 1.0],
        ]
    )
    with np.errstate(all="raise"):  # no overflow, no log(0) warning
        out = td.logsumexp(x, axis=1).numpy()
    np.testing.assert_allclose(out[:2], [1000 + np.log(2), -1000 + np.log(3)], rtol=1e-15)
    assert out[2] == -np.inf
    assert out[3] == np.inf
    assert np.isnan(out[4])
    assert td.logsumexp(np.zeros((0, 2)), axis=0).tolist() == [-np.inf, -np.inf]


def test_logsumexp_float32_and_integers() -> None:
    assert td.logsumexp(X234.astype(np.float32), axis=0).dtype == np.float32
    out = td.logsumexp(np.array([0, 0]))
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.numpy(), np.log(2))


def test_logsumexp_gradient_is_softmax_and_zero_on_all_minus_inf() -> None:
    x = td.tensor([[1000.0, 1000.0, -np.inf], [-np.inf, -np.inf, -np.inf]])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.logsumexp(x, axis=1)
    g = tape.gradient(y, x).numpy()
    # exp(a - out) loses about |out| ulps: 1000 * 2**-52 relative here
    np.testing.assert_allclose(g, [[0.5, 0.5, 0.0], [0.0, 0.0, 0.0]], rtol=1e-12, atol=0)


# ----- gradients -----


@pytest.mark.parametrize("name", ["sum", "mean", "prod", "max", "min", "var", "std"])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2), (-2,)], ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_gradient_matches_central_differences(name: str, axis: Any, keepdims: bool) -> None:
    op = REDUCTIONS[name][0]
    check_grad(lambda t: op(t, axis=axis, keepdims=keepdims), X234)


@pytest.mark.parametrize("axis", [None, 1, (0, -1)], ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_logsumexp_gradient(axis: Any, keepdims: bool) -> None:
    check_grad(lambda t: td.logsumexp(t, axis=axis, keepdims=keepdims), X234 * 3)


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_gradient_with_ddof(name: str) -> None:
    op = REDUCTIONS[name][0]
    check_grad(lambda t: op(t, axis=1, ddof=1), X234)


def test_gradient_of_zero_dim_reductions() -> None:
    for op in (td.sum, td.mean, td.prod, td.max, td.logsumexp):
        check_grad(op, 1.7)


def test_max_ties_split_the_gradient_evenly() -> None:
    x = td.tensor([1.0, 3.0, 3.0])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.max(x)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 0.5, 0.5])


def test_min_ties_split_per_slice() -> None:
    x = td.tensor([[2.0, 2.0, 5.0], [1.0, 4.0, 1.0], [7.0, 7.0, 7.0]])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.min(x, axis=1, keepdims=True)
    g = tape.gradient(y, x, output_gradients=np.array([[2.0], [4.0], [3.0]]))
    np.testing.assert_array_equal(g.numpy(), [[1, 1, 0], [2, 0, 2], [1, 1, 1]])


def test_max_over_several_axes_ties_across_them() -> None:
    x = td.tensor([[[5.0, 1.0], [0.0, 5.0]], [[2.0, 3.0], [3.0, 1.0]]])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.max(x, axis=(1, 2))
    expected = [[[0.5, 0], [0, 0.5]], [[0, 0.5], [0.5, 0]]]
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), expected)


def test_max_with_nan_gives_nan_result_and_routes_gradient_to_the_nan() -> None:
    x = td.tensor([1.0, np.nan, 3.0])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.max(x)
    assert np.isnan(y.item())
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [0.0, 1.0, 0.0])


def test_prod_gradient_with_zeros() -> None:
    x = td.tensor([[2.0, 0.0, 3.0], [0.0, 0.0, 1.0], [1.0, 2.0, 3.0], [0.0, 5.0, 0.0]])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.prod(x, axis=1)
    g = tape.gradient(y, x).numpy()
    assert not np.isnan(g).any()
    # one zero: the product of the others at its position; two or more: all 0
    np.testing.assert_array_equal(g, [[0, 6, 0], [0, 0, 0], [6, 3, 2], [0, 0, 0]])


def test_prod_gradient_with_zeros_matches_central_differences() -> None:
    # prod is linear in each element, so central differences are exact even at zeros.
    x = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 1.0], [1.5, -2.0, 3.0]])
    check_grad(lambda t: td.prod(t, axis=1), x)
    check_grad(lambda t: td.prod(t, axis=0, keepdims=True), x)
    check_grad(td.prod, x)


def test_std_gradient_is_zero_on_constant_slices() -> None:
    x = td.tensor([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.std(x, axis=1)
    g = tape.gradient(y, x).numpy()
    np.testing.assert_array_equal(g[0], [0.0, 0.0, 0.0])
    check_grad(lambda t: td.std(t, axis=1), x[1:].numpy())


def test_std_gradient_propagates_nan() -> None:
    x = td.tensor([1.0, np.nan, 2.0])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.std(x)
    assert np.isnan(tape.gradient(y, x).numpy()).all()


# ----- second order -----


@pytest.mark.parametrize(
    "fn",
    [
        lambda t: td.prod(t, axis=1),
        lambda t: td.prod(t),
        lambda t: td.var(t, axis=(0, 2), ddof=1),
        lambda t: td.std(t, axis=-1, keepdims=True),
        lambda t: td.logsumexp(t, axis=1),
        lambda t: td.mean(t, axis=0) ** 2,
    ],
    ids=["prod-axis", "prod-all", "var", "std", "logsumexp", "mean-squared"],
)
def test_second_derivative_matches_central_differences(fn: Fn) -> None:
    check_second(fn, POSITIVE)


@pytest.mark.parametrize(
    "x",
    [
        [[2.0, 0.0, 3.0], [1.5, -2.0, 0.0]],  # one zero per slice
        [[0.0, 2.0, 0.0, 3.0], [1.5, 0.0, 0.0, -2.0]],  # two: d2/dz1dz2 = product of the others
        [[0.0, 0.0, 0.0, 3.0], [1.5, 0.0, 0.0, 0.0]],  # three or more: all 0
        [[0.0, 2.0, 0.0, 3.0], [1.5, -2.0, 0.0, 1.0]],  # slices differ in their number of zeros
    ],
    ids=["one", "two", "three", "mixed"],
)
def test_prod_second_derivative_with_zeros(x: Any) -> None:
    # prod is multilinear, so central differences of its gradient are exact even at zeros.
    check_second(lambda t: td.prod(t, axis=1), x)
    check_second(lambda t: td.prod(t, axis=0, keepdims=True), np.asarray(x).T)


def test_prod_hessian_with_two_zeros() -> None:
    x = td.tensor([0.0, 2.0, 0.0, 3.0])
    with td.Tape() as outer:
        outer.watch(x)
        with td.Tape() as inner:
            inner.watch(x)
            y = td.prod(x)
        g = inner.gradient(y, x)
    hessian = outer.jacobian(g, x).numpy()
    expected = np.zeros((4, 4))
    expected[0, 2] = expected[2, 0] = 6.0
    np.testing.assert_array_equal(hessian, expected)


@pytest.mark.parametrize("op", [td.max, td.min])
def test_max_min_second_derivative_is_zero(op: Callable[..., td.Tensor]) -> None:
    x = np.array([[1.0, 3.0, 3.0], [2.0, -1.0, 0.5]])
    # max is locally linear (x -> share . x): the Hessian of sum(max**2) is 2 share share^T per
    # slice, so H @ 1 = 2 share; any second-order term from the VJP itself would show up here.
    hv = _hvp(lambda t: op(t, axis=1) ** 2, x, np.ones_like(x))
    share = np.array([[0, 0.5, 0.5], [1, 0, 0]] if op is td.max else [[1, 0, 0], [0, 1, 0]])
    assert hv is not None
    np.testing.assert_allclose(hv.numpy(), 2 * share)
    # and max alone has a zero Hessian
    hv_linear = _hvp(lambda t: op(t, axis=1), x, np.ones_like(x))
    assert hv_linear is None or not hv_linear.numpy().any()


# ----- argmax, argmin -----


@pytest.mark.parametrize("op,ref", [(td.argmax, np.argmax), (td.argmin, np.argmin)])
@pytest.mark.parametrize("axis", [None, 0, 2, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_argmax_argmin_match_numpy(op: Any, ref: Any, axis: Any, keepdims: bool) -> None:
    out = op(td.tensor(X234), axis=axis, keepdims=keepdims)
    expected = ref(X234, axis=axis, keepdims=keepdims)
    assert out.dtype == expected.dtype
    assert np.issubdtype(out.dtype, np.integer)
    np.testing.assert_array_equal(out.numpy(), expected)


def test_argmax_picks_the_first_of_ties_and_is_never_recorded() -> None:
    x = td.tensor([1.0, 3.0, 3.0])
    with td.Tape() as tape:
        tape.watch(x)
        i = td.argmax(x)
        y = i.astype(np.float64)
    assert i.item() == 1
    assert tape.gradient(y, x) is None


# ----- errors -----


@pytest.mark.parametrize("name", [*REDUCTIONS, "logsumexp"])
def test_axis_out_of_bounds(name: str) -> None:
    op = REDUCTIONS[name][0] if name in REDUCTIONS else td.logsumexp
    with pytest.raises(np.exceptions.AxisError, match=r"axis 3 is out of bounds.*\(2, 3, 4\)"):
        op(X234, axis=3)
    with pytest.raises(ValueError, match=r"axis -4 is out of bounds"):
        op(X234, axis=(0, -4))


def test_axis_errors_name_the_op() -> None:
    with pytest.raises(ValueError, match=r"^mean: repeated axis in axis=\(1, -2\)"):
        td.mean(X234, axis=(1, -2))
    with pytest.raises(TypeError, match=r"^prod: axis must be an integer; got float"):
        td.prod(X234, axis=1.0)  # type: ignore[arg-type]
    with pytest.raises(np.exceptions.AxisError, match=r"^var: axis 0 is out of bounds.*\(\)"):
        td.var(2.0, axis=0)


def test_argmax_axis_errors() -> None:
    with pytest.raises(np.exceptions.AxisError, match=r"^argmax: axis 3 is out of bounds"):
        td.argmax(X234, axis=3)
    with pytest.raises(TypeError, match=r"^argmin: axis must be an integer; got tuple"):
        td.argmin(X234, axis=(0, 1))  # type: ignore[arg-type]


def test_max_of_empty_slice_raises_naming_the_op() -> None:
    with pytest.raises(ValueError, match=r"^max: zero-size array"):
        td.max(np.zeros((0, 3)), axis=0)
