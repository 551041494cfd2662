"""The ufuncs module: NumPy's domain behaviour, the subgradient conventions (NaN in fmax/fmin,
replaced values in nan_to_num, the origin for hypot/arctan2, sinc at 0), NumPy dispatch, and
the errors."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import tapediff as td
from tapediff.testing import gradcheck, gradgradcheck

# Every op of the module with inputs inside its domain, away from kinks and jumps.
POS = np.array([0.3, 1.7, 2.5])
UNIT = np.array([-0.6, 0.2, 0.7])
ANY = np.array([-1.3, 0.4, 2.1])
ANY2 = np.array([[0.9], [-2.2]])  # broadcasts against the length-3 inputs
INPUTS: dict[str, tuple[Any, ...]] = {
    "arcsin": (UNIT,),
    "arccos": (UNIT,),
    "arctan": (ANY,),
    "arctan2": (ANY, ANY2),
    "hypot": (ANY, ANY2),
    "sinc": (np.array([-1.3, 0.0, 0.1, 2.1]),),
    "sinh": (ANY,),
    "cosh": (ANY,),
    "arcsinh": (ANY,),
    "arccosh": (1 + POS,),
    "arctanh": (UNIT,),
    "exp2": (ANY,),
    "log2": (POS,),
    "log10": (POS,),
    "logaddexp": (ANY, ANY2),
    "logaddexp2": (ANY, ANY2),
    "fabs": (ANY,),
    "reciprocal": (ANY,),
    "remainder": (ANY, ANY2),
    "mod": (ANY, ANY2),
    "fmax": (ANY, ANY2),
    "fmin": (ANY, ANY2),
    "nan_to_num": (np.array([-1.3, np.nan, np.inf, 0.4]),),
    "rad2deg": (ANY,),
    "degrees": (ANY,),
    "deg2rad": (ANY * 90,),
    "radians": (ANY * 90,),
    "cbrt": (ANY,),
}


def test_inputs_cover_every_public_name() -> None:
    assert set(INPUTS) == set(td.ops.ufuncs.__all__)


def test_aliases_are_the_same_function() -> None:
    assert td.mod is td.remainder
    assert td.degrees is td.rad2deg
    assert td.radians is td.deg2rad


# ----- NumPy dispatch -----


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_numpy_function_on_a_tensor_runs_the_tapediff_op(name: str) -> None:
    np_fn, td_fn = getattr(np, name), getattr(td, name)
    args = INPUTS[name]
    tensors = [td.tensor(a) for a in args]
    with td.Tape() as tape:
        tape.watch(tensors)
        y = np_fn(*tensors)
    assert isinstance(y, td.Tensor), f"np.{name} on tensors gave {type(y).__name__}"
    np.testing.assert_array_equal(y.numpy(), np_fn(*args))
    grads = tape.gradient(y, tensors)
    with td.Tape() as ref_tape:
        ref_tape.watch(tensors)
        ref = td_fn(*tensors)
    for g, want in zip(grads, ref_tape.gradient(ref, tensors), strict=True):
        assert g is not None, f"np.{name} was not recorded"
        np.testing.assert_array_equal(g.numpy(), want.numpy())
    # And the gradient is right (nan_to_num: at finite inputs only, central differences of a
    # non-finite input are meaningless).
    finite = [np.where(np.isfinite(a), a, 0.5) for a in args]
    gradcheck(lambda *ts: np_fn(*ts), finite)


@pytest.mark.parametrize("name", ["hypot", "fmax", "remainder", "logaddexp2"])
def test_numpy_binary_ufunc_with_an_ndarray_first_runs_the_tapediff_op(name: str) -> None:
    x1, x2 = INPUTS[name]
    t = td.tensor(x2)
    with td.Tape() as tape:
        tape.watch(t)
        y = getattr(np, name)(x1, t)
    assert isinstance(y, td.Tensor)
    assert tape.gradient(y, t) is not None
    gradcheck(lambda b: getattr(np, name)(x1, b), [x2])


# ----- domain behaviour follows NumPy: NaN or inf with NumPy's warning, never an error -----

OUTSIDE = [
    ("arcsin", (2.0,)),
    ("arccos", (-1.5,)),
    ("arccosh", (0.5,)),
    ("arctanh", (2.0,)),
    ("arctanh", (1.0,)),
    ("log2", (-1.0,)),
    ("log10", (0.0,)),
    ("reciprocal", (0.0,)),
    ("remainder", (1.0, 0.0)),
]


def _run_recording(fn: Any, args: tuple[Any, ...]) -> tuple[Any, list[tuple[type, str]]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args)
    return out, [(w.category, str(w.message)) for w in caught]


@pytest.mark.parametrize(("name", "args"), OUTSIDE)
def test_outside_the_domain_gives_numpys_value_and_warning(name: str, args: Any) -> None:
    arrays = tuple(np.array(a) for a in args)
    want, want_warnings = _run_recording(getattr(np, name), arrays)
    got, got_warnings = _run_recording(getattr(td, name), arrays)
    assert not np.isfinite(want)
    np.testing.assert_array_equal(got.numpy(), want)
    assert got_warnings == want_warnings
    assert want_warnings and all(c is RuntimeWarning for c, _ in want_warnings)


def test_cbrt_of_a_negative_number_is_real() -> None:
    x = td.tensor(-8.0)
    assert float(td.cbrt(x)) == -2.0
    assert float(td.grad(td.cbrt)(x)) == pytest.approx(1 / 12)


# ----- subgradient conventions -----


@pytest.mark.parametrize(("op", "nan_first"), [(td.fmax, True), (td.fmin, True)])
def test_fmax_fmin_route_the_gradient_to_the_non_nan_operand(op: Any, nan_first: bool) -> None:
    x1 = td.tensor([np.nan, 1.0, np.nan, 2.0, 3.0])
    x2 = td.tensor([4.0, np.nan, np.nan, 2.0, -3.0])
    with td.Tape() as tape:
        tape.watch([x1, x2])
        y = op(x1, x2)
    g1, g2 = tape.gradient(y, [x1, x2])
    # NaN in x1: all to x2; NaN in x2: all to x1; both NaN: none; a tie: half each.
    if op is td.fmax:
        want1, want2 = [0.0, 1.0, 0.0, 0.5, 1.0], [1.0, 0.0, 0.0, 0.5, 0.0]
    else:
        want1, want2 = [0.0, 1.0, 0.0, 0.5, 0.0], [1.0, 0.0, 0.0, 0.5, 1.0]
    np.testing.assert_array_equal(g1.numpy(), want1)
    np.testing.assert_array_equal(g2.numpy(), want2)
    np.testing.assert_array_equal(y.numpy(), getattr(np, op.__name__)(x1.numpy(), x2.numpy()))


def test_nan_to_num_gradient_is_one_where_finite_and_zero_where_replaced() -> None:
    x = td.tensor(np.array([1.5, np.nan, np.inf, -np.inf, -2.0], dtype=np.float32))
    with td.Tape() as tape:
        tape.watch(x)
        y = td.nan_to_num(x, nan=-1.0, neginf=-9.0)
    big = np.finfo(np.float32).max
    np.testing.assert_array_equal(y.numpy(), [1.5, -1.0, big, -9.0, -2.0])
    assert y.dtype == np.float32
    g = tape.gradient(y, x, output_gradients=td.tensor(np.arange(1.0, 6.0, dtype=np.float32)))
    np.testing.assert_array_equal(g.numpy(), [1.0, 0.0, 0.0, 0.0, 5.0])
    assert g.dtype == np.float32


def test_nan_to_num_takes_numpys_signature() -> None:
    x = np.array([np.nan, np.inf, 2.0])
    np.testing.assert_array_equal(
        td.nan_to_num(x, False, 3.0, 4.0).numpy(), np.nan_to_num(x, True, 3.0, 4.0)
    )
    np.testing.assert_array_equal(
        td.nan_to_num(x, nan=np.array([7.0, 8.0, 9.0])).numpy(),
        np.nan_to_num(x, nan=np.array([7.0, 8.0, 9.0])),
    )
    np.testing.assert_array_equal(np.nan_to_num(td.tensor(x), posinf=5.0).numpy(), [0, 5, 2])


def test_nan_to_num_refuses_a_tensor_replacement_and_names_bad_ones() -> None:
    with pytest.raises(TypeError, match=r"^nan_to_num: posinf must be a number or an array"):
        td.nan_to_num(np.array([np.inf]), posinf=td.tensor(1.0))
    with pytest.raises(TypeError, match=r"^nan_to_num: "):
        td.nan_to_num(np.array([np.nan]), nan="zero")


@pytest.mark.parametrize("op", [td.hypot, td.arctan2])
def test_hypot_and_arctan2_have_gradient_zero_at_the_origin(op: Any) -> None:
    x1, x2 = td.tensor([0.0, 3.0]), td.tensor([0.0, -4.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0/0 anywhere, also in the second derivative
        with td.Tape() as outer:
            outer.watch([x1, x2])
            with td.Tape() as inner:
                inner.watch([x1, x2])
                y = op(x1, x2)
            g1, g2 = inner.gradient(y, [x1, x2])
            total = td.sum(g1) + td.sum(g2)
        h = outer.gradient(total, [x1, x2])
    assert g1.numpy()[0] == 0.0 and g2.numpy()[0] == 0.0
    if op is td.hypot:
        np.testing.assert_allclose([g1.numpy()[1], g2.numpy()[1]], [3 / 5, -4 / 5])
    else:
        np.testing.assert_allclose([g1.numpy()[1], g2.numpy()[1]], [-4 / 25, -3 / 25])
    assert all(np.all(np.isfinite(hi.numpy())) for hi in h)
    gradgradcheck(op, [np.array([3.0]), np.array([-4.0])])


def test_hypot_of_one_argument_zero_has_the_gradient_of_abs() -> None:
    x = td.tensor([-2.0, 0.0, 5.0])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.hypot(x, 0.0)
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [-1.0, 0.0, 1.0])


def test_remainder_gradients_and_broadcasting() -> None:
    x1 = td.tensor([[5.5, -5.5, 0.25]])
    x2 = td.tensor([[2.0], [-3.0]])
    with td.Tape() as tape:
        tape.watch([x1, x2])
        y = td.remainder(x1, x2)
    np.testing.assert_array_equal(y.numpy(), np.remainder(x1.numpy(), x2.numpy()))
    g1, g2 = tape.gradient(y, [x1, x2])
    np.testing.assert_array_equal(g1.numpy(), [[2.0, 2.0, 2.0]])
    # d/dx2 = -floor(x1 / x2): -(2 - 3 + 0) for x2 = 2, -(-2 + 1 - 1) for x2 = -3.
    np.testing.assert_array_equal(g2.numpy(), [[1.0], [2.0]])


def _nth(f: Any, n: int) -> Any:
    for _ in range(n):
        f = td.grad(f)
    return f


@pytest.mark.parametrize("x", [0.0, 1e-8, 1e-4])
def test_sinc_at_and_near_zero_has_its_exact_derivatives(x: float) -> None:
    pi = math.pi
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0/0 in any branch
        values = [float(_nth(td.sinc, n)(td.tensor(x))) for n in range(5)]
    # Taylor series of sinc at 0: 1 - (pi x)^2 / 6 + (pi x)^4 / 120.
    want = [1.0, -(pi**2) / 3 * x, -(pi**2) / 3, pi**4 / 5 * x, pi**4 / 5]
    np.testing.assert_allclose(values, want, rtol=1e-6, atol=1e-12)


def test_sinc_derivative_is_continuous_where_its_series_branch_ends() -> None:
    # The series is used below |x| = 0.25, the closed form above: both must agree there.
    xs = np.array([0.25 - 1e-9, 0.25 + 1e-9, -0.25 - 1e-9, -0.25 + 1e-9])
    for n in (1, 2, 3):
        d = _nth(td.sinc, n)
        vals = [float(d(td.tensor(v))) for v in xs]
        assert vals[0] == pytest.approx(vals[1], rel=1e-7)
        assert vals[2] == pytest.approx(vals[3], rel=1e-7)
    gradgradcheck(td.sinc, [xs])


@pytest.mark.parametrize("name", ["exp2", "log2", "log10", "rad2deg", "deg2rad", "sinc"])
def test_float32_stays_float32_through_the_constants(name: str) -> None:
    x = td.tensor(np.array([0.5, 2.0], dtype=np.float32))
    f = getattr(td, name)
    assert f(x).dtype == np.float32
    assert td.grad(lambda t: td.sum(f(t)))(x).dtype == np.float32
    second = td.grad(lambda t: td.sum(td.grad(lambda u: td.sum(f(u)))(t)))(x)
    assert second.dtype == np.float32


# ----- errors -----


@pytest.mark.parametrize("bad", ["abc", np.array(["abc"]), [b"x", b"y"]])
@pytest.mark.parametrize("name", sorted(set(INPUTS) - {"nan_to_num"}))
def test_non_numeric_input_is_a_type_error_naming_the_op(name: str, bad: Any) -> None:
    # (nan_to_num returns a non-numeric array unchanged, as NumPy does.)
    args = [bad] * len(INPUTS[name])
    op = getattr(td, name).__name__
    with pytest.raises(TypeError, match=rf"^{op}: "):
        getattr(td, name)(*args)
