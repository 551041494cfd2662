"""Shape ops: forward against NumPy, gradients against central differences, second order through
compositions, and the errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tapediff as td

Fn = Callable[..., Any]


# ----- local finite-difference helpers -----


def _numeric_vjp(f: Fn, xs: list[np.ndarray], cot: Any, k: int) -> Any:
    """d/dxs[k] sum(cot * f(*xs)) by central differences."""
    eps = 1e-6
    out = np.zeros_like(xs[k])
    for i in np.ndindex(xs[k].shape):
        hi, lo = list(xs), list(xs)
        hi[k], lo[k] = xs[k].copy(), xs[k].copy()
        hi[k][i] += eps
        lo[k][i] -= eps
        out[i] = (_total(cot, f(*hi)) - _total(cot, f(*lo))) / (2 * eps)
    return out


def _total(cot: Any, y: Any) -> float:
    if isinstance(y, list):
        return float(sum(np.sum(c * v) for c, v in zip(cot, y, strict=True)))
    return float(np.sum(cot * y))


def _values(y: Any) -> Any:
    return [v.numpy() for v in y] if isinstance(y, list) else y.numpy()


def check_grad(fn: Fn, *arrays: Any, seed: int = 0) -> None:
    """The tape's gradient of ``fn`` (a tensor or a list of tensors) with a random cotangent
    equals central differences, for every input."""
    xs = [np.asarray(a, dtype=np.float64) for a in arrays]
    ts = [td.tensor(x) for x in xs]
    with td.Tape() as tape:
        tape.watch(ts)
        y = fn(*ts)
    rng = np.random.default_rng(seed)
    if isinstance(y, list):
        cot: Any = [rng.standard_normal(v.shape) for v in y]
    else:
        cot = rng.standard_normal(y.shape)
    grads = tape.gradient(y, ts, output_gradients=cot, unconnected_gradients="zero")
    f = lambda *a: _values(fn(*(td.tensor(v) for v in a)))  # noqa: E731
    for k, g in enumerate(grads):
        assert g.shape == xs[k].shape
        np.testing.assert_allclose(g.numpy(), _numeric_vjp(f, xs, cot, k), rtol=1e-6, atol=1e-8)


def check_second(fn: Fn, x: Any, seed: int = 1) -> None:
    """Nested tapes give the Hessian-vector product that central differences of the gradient do."""
    x = np.asarray(x, dtype=np.float64)
    v = np.random.default_rng(seed).standard_normal(x.shape)

    def gradient(a: np.ndarray) -> Any:
        t = td.tensor(a)
        with td.Tape() as tape:
            tape.watch(t)
            y = fn(t)
        return tape.gradient(y, t).numpy()

    t = td.tensor(x)
    with td.Tape() as outer:
        outer.watch(t)
        with td.Tape() as inner:
            inner.watch(t)
            y = fn(t)
        s = td.sum(inner.gradient(y, t) * v)
    hv = outer.gradient(s, t)
    np.testing.assert_allclose(hv.numpy(), _numeric_vjp(gradient, [x], v, 0), rtol=1e-5, atol=1e-7)


def same(out: Any, expected: np.ndarray) -> None:
    assert isinstance(out, td.Tensor)
    assert out.shape == expected.shape
    assert out.dtype == expected.dtype
    np.testing.assert_array_equal(out.numpy(), expected)


RNG = np.random.default_rng(7)
X = RNG.standard_normal((2, 3, 4))
A = RNG.standard_normal((2, 3))
B = RNG.standard_normal((2, 5))


# ----- reshape, ravel, flatten, expand_dims, squeeze, broadcast_to -----


@pytest.mark.parametrize(
    "shape", [(4, 6), (-1,), 24, (2, -1, 2), (1, 24, 1), (3, 2, 2, 2)], ids=str
)
def test_reshape(shape: Any) -> None:
    same(td.reshape(X, shape), np.reshape(X, shape))
    check_grad(lambda t: td.reshape(t, shape), X)


def test_reshape_method_forms_and_zero_dim() -> None:
    t = td.tensor(X)
    same(t.reshape(4, 6), X.reshape(4, 6))
    same(t.reshape((6, -1)), X.reshape(6, -1))
    same(td.reshape(td.tensor(2.0), (1, 1)), np.reshape(2.0, (1, 1)))
    same(td.reshape(np.ones((1, 1)), ()), np.ones(()))
    check_grad(lambda t: td.reshape(t, (1, 1)), 2.0)


def test_ravel_flatten() -> None:
    xt = np.swapaxes(X, 0, 2)  # not C-contiguous: order must still be C order of the values
    same(td.ravel(xt), np.ravel(xt))
    same(td.tensor(xt).flatten(), xt.flatten())
    check_grad(td.ravel, X)
    check_grad(lambda t: t.flatten(), X)


@pytest.mark.parametrize("axis", [0, 3, -1, -4, (0, 2), (-1, 0), (1, 2, 3)], ids=str)
def test_expand_dims(axis: Any) -> None:
    same(td.expand_dims(X, axis), np.expand_dims(X, axis))
    check_grad(lambda t: td.expand_dims(t, axis), X)


def test_expand_dims_zero_dim() -> None:
    same(td.expand_dims(2.0, 0), np.expand_dims(2.0, 0))
    same(td.expand_dims(2.0, (0, -1)), np.expand_dims(2.0, (0, -1)))


@pytest.mark.parametrize("axis", [None, 0, -1, (0, 3), (3, -5)], ids=str)
def test_squeeze(axis: Any) -> None:
    x = RNG.standard_normal((1, 2, 3, 1, 1))
    same(td.squeeze(x, axis), np.squeeze(x, axis))
    same(td.tensor(x).squeeze(axis), np.squeeze(x, axis))
    check_grad(lambda t: td.squeeze(t, axis), x)


def test_squeeze_zero_dim_and_all_ones() -> None:
    same(td.squeeze(2.0), np.squeeze(2.0))
    same(td.squeeze(np.ones((1, 1))), np.ones(()))


@pytest.mark.parametrize(
    "x_shape,shape", [((3,), (2, 3)), ((2, 1), (2, 4)), ((), (2, 2)), ((1, 3), (4, 2, 3))], ids=str
)
def test_broadcast_to(x_shape: tuple[int, ...], shape: tuple[int, ...]) -> None:
    x = RNG.standard_normal(x_shape)
    same(td.broadcast_to(x, shape), np.broadcast_to(x, shape))
    check_grad(lambda t: td.broadcast_to(t, shape), x)


# ----- transpose, swapaxes, moveaxis -----


@pytest.mark.parametrize("axes", [None, (2, 0, 1), (-1, 0, -2), (0, 1, 2), [1, 2, 0]], ids=str)
def test_transpose(axes: Any) -> None:
    same(td.transpose(X, axes), np.transpose(X, axes))
    check_grad(lambda t: td.transpose(t, axes), X)


def test_transpose_method_and_T() -> None:
    t = td.tensor(X)
    same(t.transpose(1, 2, 0), X.transpose(1, 2, 0))
    same(t.transpose((-1, 0, 1)), X.transpose((-1, 0, 1)))
    same(t.T, X.T)
    same(td.transpose(2.0), np.transpose(2.0))
    check_grad(lambda t: t.transpose(-1, 0, 1), X)


@pytest.mark.parametrize("a1,a2", [(0, 2), (-1, 0), (1, 1), (-3, -2)])
def test_swapaxes(a1: int, a2: int) -> None:
    same(td.swapaxes(X, a1, a2), np.swapaxes(X, a1, a2))
    check_grad(lambda t: td.swapaxes(t, a1, a2), X)


@pytest.mark.parametrize(
    "src,dst", [(0, 2), (-1, 0), ((0, 1), (-1, -2)), ([2, 0], [0, 1]), ((), ())], ids=str
)
def test_moveaxis(src: Any, dst: Any) -> None:
    same(td.moveaxis(X, src, dst), np.moveaxis(X, src, dst))
    check_grad(lambda t: td.moveaxis(t, src, dst), X)


# ----- concatenate, stack, split -----


@pytest.mark.parametrize("axis", [1, -1])
def test_concatenate(axis: int) -> None:
    same(td.concatenate([A, B, A], axis=axis), np.concatenate([A, B, A], axis=axis))
    check_grad(lambda a, b: td.concatenate([a, b, a], axis=axis), A, B)


def test_concatenate_axis_none_and_mixed_inputs() -> None:
    same(td.concatenate([A, X], axis=None), np.concatenate([A, X], axis=None))
    check_grad(lambda a, x: td.concatenate((x, a), axis=None), A, X)
    # arrays and lists mix with tensors; only the tensor gets a gradient
    same(td.concatenate([[1.0, 2.0], td.tensor([3.0])]), np.array([1.0, 2.0, 3.0]))
    check_grad(lambda a: td.concatenate([A.T, a.T, np.ones((3, 1))], axis=1), A)


def test_concatenate_dtype_promotion_and_float32_gradient() -> None:
    a32 = td.tensor(A.astype(np.float32))
    same(td.concatenate([a32, a32], axis=0), np.concatenate([A.astype(np.float32)] * 2))
    with td.Tape() as tape:
        tape.watch(a32)
        y = td.concatenate([a32, B], axis=1)
    assert y.dtype == np.float64
    g = tape.gradient(y, a32)
    assert g.dtype == np.float32
    np.testing.assert_array_equal(g.numpy(), np.ones((2, 3)))


@pytest.mark.parametrize("axis", [0, 1, -1, -3])
def test_stack(axis: int) -> None:
    c = RNG.standard_normal((2, 3))
    same(td.stack([A, c], axis=axis), np.stack([A, c], axis=axis))
    check_grad(lambda a, b: td.stack([a, b, a], axis=axis), A, c)


def test_stack_zero_dim_and_tensor_argument() -> None:
    same(td.stack([1.0, td.tensor(2.0)]), np.array([1.0, 2.0]))
    check_grad(lambda a, b: td.stack([a, b]), 1.5, -0.5)
    # a tensor counts as the sequence of its rows, as in NumPy
    same(td.stack(td.tensor(A), axis=1), np.stack(list(A), axis=1))
    check_grad(lambda a: td.stack(a, axis=1), A)


@pytest.mark.parametrize(
    "ios,axis", [(3, 0), (2, -1), ([1, 3], 0), ([2], 2), ([0, 4, 2], 2), (1, 1)], ids=str
)
def test_split(ios: Any, axis: int) -> None:
    x = RNG.standard_normal((6, 3, 4))
    parts = td.split(x, ios, axis=axis)
    expected = np.split(x, ios, axis=axis)
    assert isinstance(parts, list)
    assert len(parts) == len(expected)
    for p, e in zip(parts, expected, strict=True):
        same(p, e)
    check_grad(lambda t: td.split(t, ios, axis=axis), x)


@pytest.mark.parametrize("ios", [3, 4, 7, [1, 10], [-2]], ids=str)
def test_array_split(ios: Any) -> None:
    x = RNG.standard_normal(5)
    parts = td.array_split(x, ios)
    expected = np.array_split(x, ios)
    assert len(parts) == len(expected)
    for p, e in zip(parts, expected, strict=True):
        same(p, e)
    check_grad(lambda t: td.array_split(t, ios), x)


# ----- pad, tile, repeat -----


@pytest.mark.parametrize(
    "pad_width", [1, (1, 2), ((1, 0), (0, 2), (2, 1)), [[0, 1]], ((1,), (2,), (0,)), 0], ids=str
)
def test_pad_constant(pad_width: Any) -> None:
    same(td.pad(X, pad_width), np.pad(X, pad_width))
    same(td.pad(X, pad_width, constant_values=2.5), np.pad(X, pad_width, constant_values=2.5))
    check_grad(lambda t: td.pad(t, pad_width, constant_values=-1.0), X)


def test_pad_per_axis_constants_zero_dim_and_float32() -> None:
    cv = ((1.0, 2.0), (3.0, 4.0))
    same(td.pad(A, 1, constant_values=cv), np.pad(A, 1, constant_values=cv))
    same(td.pad(2.0, 3), np.pad(2.0, 3))
    a32 = td.tensor(A.astype(np.float32))
    with td.Tape() as tape:
        tape.watch(a32)
        y = td.pad(a32, 1, constant_values=0.1)
    assert y.dtype == np.float32
    assert tape.gradient(y, a32).dtype == np.float32


@pytest.mark.parametrize("mode", ["edge", "reflect", "symmetric", "wrap"])
@pytest.mark.parametrize("pad_width", [2, ((1, 3), (0, 2))], ids=str)
def test_pad_gather_modes(mode: Any, pad_width: Any) -> None:
    same(td.pad(A, pad_width, mode=mode), np.pad(A, pad_width, mode=mode))
    check_grad(lambda t: td.pad(t, pad_width, mode=mode), A)


@pytest.mark.parametrize("reps", [2, (2, 1), (1, 3, 2), (2, 1, 1, 2), (0, 2), ()], ids=str)
def test_tile(reps: Any) -> None:
    same(td.tile(A, reps), np.tile(A, reps))
    check_grad(lambda t: td.tile(t, reps), A)


def test_tile_zero_dim() -> None:
    same(td.tile(2.0, 3), np.tile(2.0, 3))
    same(td.tile(2.0, ()), np.tile(2.0, ()))
    check_grad(lambda t: td.tile(t, (2, 2)), 2.0)


@pytest.mark.parametrize(
    "repeats,axis",
    [(2, None), (3, 0), (2, -1), ([1, 0, 2], 1), ([2], 0), (0, 1), ([1, 2], 0)],
    ids=str,
)
def test_repeat(repeats: Any, axis: int | None) -> None:
    same(td.repeat(A, repeats, axis=axis), np.repeat(A, repeats, axis=axis))
    same(td.tensor(A).repeat(repeats, axis), np.repeat(A, repeats, axis=axis))
    check_grad(lambda t: td.repeat(t, repeats, axis=axis), A)


def test_repeat_per_element_over_flattened_and_zero_dim() -> None:
    same(td.repeat(A, np.arange(6), axis=None), np.repeat(A, np.arange(6)))
    check_grad(lambda t: td.repeat(t, np.arange(6)), A)
    same(td.repeat(2.0, 3), np.repeat(2.0, 3))


# ----- second order through compositions -----


@pytest.mark.parametrize(
    "fn",
    [
        lambda t: td.sum(td.tile(t, (2, 1)) ** 3),
        lambda t: td.concatenate([t, t**2], axis=1) ** 2,
        lambda t: td.sum(td.pad(t, 1, mode="reflect") ** 3),
        lambda t: td.stack(td.split(t**2, 3, axis=1), axis=0) * td.repeat(t, 1, axis=0)[:, :1],
        lambda t: td.moveaxis(t, 0, 1) ** 3,
    ],
    ids=["tile", "concatenate", "pad-reflect", "split-stack-repeat", "moveaxis"],
)
def test_second_derivative_through_shape_ops(fn: Fn) -> None:
    check_second(fn, A)


# ----- errors -----


def test_reshape_to_incompatible_size() -> None:
    with pytest.raises(ValueError, match=r"^reshape: .*size 24 into shape \(5, ?5\).*\(2, 3, 4\)"):
        td.reshape(X, (5, 5))
    with pytest.raises(TypeError, match=r"^reshape: shape must be"):
        td.reshape(X, 2.5)  # type: ignore[arg-type]


def test_squeeze_of_non_unit_axis_names_axis_and_shape() -> None:
    with pytest.raises(ValueError, match=r"^squeeze: cannot squeeze axis 1 of .*\(1, 2\)"):
        td.squeeze(np.ones((1, 2)), axis=(0, -1))


@pytest.mark.parametrize(
    "call,kind,message",
    [
        (lambda: td.transpose(X, (0, 0, 1)), ValueError, r"^transpose: repeated axis"),
        (lambda: td.transpose(X, (1, 0)), ValueError, r"^transpose: axes \(1, 0\) must be a"),
        (lambda: td.transpose(X, (0, 1, 3)), np.exceptions.AxisError, r"^transpose: axes 3"),
        (
            lambda: td.swapaxes(X, 0, 3),
            np.exceptions.AxisError,
            r"^swapaxes: axis2 3 .*\(2, 3, 4\)",
        ),
        (lambda: td.moveaxis(X, (0, 1), 2), ValueError, r"^moveaxis: source .* same number"),
        (lambda: td.moveaxis(X, 0, -4), np.exceptions.AxisError, r"^moveaxis: destination -4"),
        (lambda: td.moveaxis(X, (0, 0), (1, 2)), ValueError, r"^moveaxis: repeated axis in source"),
        (lambda: td.expand_dims(X, 4), np.exceptions.AxisError, r"^expand_dims: axis 4 .* 4 dim"),
        (
            lambda: td.expand_dims(X, (0, 0)),
            ValueError,
            r"^expand_dims: repeated axis in axis=\(0, 0\) for .* \(2, 3, 4\)$",
        ),
        (lambda: td.squeeze(X, 3), np.exceptions.AxisError, r"^squeeze: axis 3 is out of bounds"),
        (
            lambda: td.broadcast_to(A, (3, 3)),
            ValueError,
            r"^broadcast_to: .*\(2, 3\) to .*\(3, 3\)",
        ),
        (lambda: td.concatenate([A, B], axis=0), ValueError, r"^concatenate: .*\(2, 3\), \(2, 5\)"),
        (lambda: td.concatenate([], axis=0), ValueError, r"^concatenate: expected a non-empty"),
        (lambda: td.concatenate([1.0, 2.0]), ValueError, r"^concatenate: cannot join 0-d"),
        (lambda: td.concatenate([A, A], axis=2), np.exceptions.AxisError, r"^concatenate: axis 2"),
        (lambda: td.stack([A, B]), ValueError, r"^stack: all tensors must have the same shape"),
        (lambda: td.stack([]), ValueError, r"^stack: expected a non-empty"),
        (lambda: td.stack([A, A], axis=3), np.exceptions.AxisError, r"^stack: axis 3"),
        (lambda: td.split(B, 2, axis=1), ValueError, r"^split: axis 1 of length 5 .* 2 equal"),
        (lambda: td.split(B, 2, axis=2), np.exceptions.AxisError, r"^split: axis 2"),
        (lambda: td.array_split(B, 0), ValueError, r"^array_split: the number of sections"),
        (lambda: td.split(B, 1.5), TypeError, r"^split: indices_or_sections must be"),  # type: ignore[arg-type]
        (lambda: td.pad(A, -1), ValueError, r"^pad: pad_width must be non-negative"),
        (lambda: td.pad(A, 1.5), TypeError, r"^pad: pad_width must be integers"),
        (lambda: td.pad(A, ((1, 2, 3),)), ValueError, r"^pad: pad_width .* shape \(2, 3\)"),
        (lambda: td.pad(A, 1, mode="mean"), NotImplementedError, r"^pad: mode='mean' is not"),
        (lambda: td.pad(A, 1, mode="nope"), ValueError, r"^pad: unknown mode 'nope'"),
        (lambda: td.pad(A, 1, mode="edge", constant_values=1), ValueError, r"only applies to"),
        (
            lambda: td.pad(np.ones((0, 2)), 1, mode="wrap"),
            ValueError,
            r"^pad: cannot pad .*\(0, 2\)",
        ),
        (lambda: td.tile(A, -1), ValueError, r"^tile: reps must be non-negative"),
        (lambda: td.tile(A, 1.5), TypeError, r"^tile: reps must be an integer"),
        (lambda: td.repeat(A, -2, axis=0), ValueError, r"^repeat: repeats must be non-negative"),
        (lambda: td.repeat(A, [1, 2, 3], axis=0), ValueError, r"^repeat: repeats has 3 entries.*2"),
        (lambda: td.repeat(A, 2, axis=2), np.exceptions.AxisError, r"^repeat: axis 2"),
    ],
)
def test_errors(call: Callable[[], Any], kind: type[Exception], message: str) -> None:
    with pytest.raises(kind, match=message):
        call()
