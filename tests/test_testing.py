"""tapediff.testing: gradcheck catches wrong VJPs, gradgradcheck wrong second derivatives, and the
strategies generate what they promise."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from typing import Any

import numpy as np
import pytest
from hypothesis import find, given
from hypothesis import strategies as st

import tapediff as td
from tapediff import testing as tdt
from tapediff.ops._primitive import primitive, value_of
from tapediff.tensor import _wrap
from tapediff.testing import GradcheckError, gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def _rand(*shape: int) -> np.ndarray:
    return RNG.uniform(-1.0, 1.0, size=shape)


# ----- deliberately wrong primitives -----

# d sin = cos, but this VJP says -cos: wrong for every cotangent.
_bad_sin = primitive("bad_sin")(np.sin)
_bad_sin.defvjp(lambda g, out, x: -g * td.cos(x))

# Reversal along the last axis. Its VJP forgets to reverse g back: with the all-ones cotangent
# (a summed loss) g is symmetric and the result is right; any other cotangent exposes it.
_bad_flip = primitive("bad_flip")(lambda x: x[..., ::-1].copy())
_bad_flip.defvjp(lambda g, out, x: g)

# 3x^2 computed from raw arrays: the first derivative is right, but the outer tape cannot see
# the dependence on x, so the second derivative through it is lost.
_bad_cube = primitive("bad_cube")(lambda x: x**3)
_bad_cube.defvjp(lambda g, out, x: g * _wrap(3 * value_of(x) ** 2))

# Right everywhere except element (1, 2), where the gradient is doubled.
_one_off = primitive("one_off")(np.exp)


def _one_off_vjp(g: Any, out: Any, x: Any) -> Any:
    factor = np.ones(out.shape)
    factor[1, 2] = 2.0
    return g * out * _wrap(factor)


_one_off.defvjp(_one_off_vjp)

# Writes into its input's array (a mutation bug).
_mutating = primitive("mutating")(lambda x: np.add(x, 1.0, out=x))
_mutating.defvjp(lambda g, out, x: g)


# ----- gradcheck -----


def test_gradcheck_passes_on_correct_ops() -> None:
    assert gradcheck(td.tanh, [_rand(2, 3)]) is True
    assert gradcheck(td.multiply, [_rand(2, 3), _rand(3)]) is True  # broadcasting
    assert gradcheck(lambda x: td.sum(x**3, axis=0), [_rand(3, 2)]) is True
    assert gradcheck(lambda x: td.log(x), [np.array(2.5)]) is True  # 0-d
    assert gradcheck(lambda x: x * 2.0, [1.5]) is True  # a Python float input


def test_gradcheck_passes_through_non_float_inputs() -> None:
    cond = np.array([True, False, True])
    assert gradcheck(td.where, [cond, _rand(3), _rand(3)]) is True
    idx = np.array([0, 0, 2])  # repeated index: gradients accumulate
    assert gradcheck(lambda x, i: td.take(x, i), [_rand(3), idx]) is True


def test_gradcheck_handles_several_outputs() -> None:
    assert gradcheck(lambda x: [td.sin(x), td.exp(x) * x], [_rand(2, 2)]) is True


def test_gradcheck_checks_float32_inputs_in_float64() -> None:
    assert gradcheck(td.exp, [_rand(3).astype(np.float32)]) is True


def test_gradcheck_unused_input_has_zero_gradient() -> None:
    assert gradcheck(lambda x, y: td.sin(x), [_rand(2), _rand(3)]) is True


def test_gradcheck_fails_on_wrong_vjp_with_a_helpful_message() -> None:
    with pytest.raises(GradcheckError) as info:
        gradcheck(_bad_sin.bind, [_rand(2, 3)])
    message = str(info.value)
    assert message.startswith("gradcheck(bad_sin): ")
    for part in ("input 0", "shape (2, 3)", "worst at index", "analytic=", "numeric=", "tolerance"):
        assert part in message, (part, message)
    assert isinstance(info.value, AssertionError)


def test_gradcheck_names_the_worst_element_and_its_values() -> None:
    x = _rand(2, 3)
    with pytest.raises(GradcheckError) as info:
        gradcheck(_one_off.bind, [x], seed=3)
    message = str(info.value)
    assert "at 1 of 6 elements" in message
    assert "worst at index (1, 2)" in message
    found = re.search(r"analytic=np.float64\(([^)]+)\), numeric=np.float64\(([^)]+)\)", message)
    assert found is not None, message
    analytic, numeric = float(found[1]), float(found[2])
    assert analytic == pytest.approx(2 * numeric, rel=1e-6)
    assert abs(numeric) == pytest.approx(np.exp(x[1, 2]), rel=0.51)  # |v| is in [0.5, 1.5]


def test_gradcheck_names_the_input_that_is_wrong() -> None:
    with pytest.raises(GradcheckError, match="gradient for input 1 "):
        gradcheck(lambda a, b: a + _bad_sin.bind(b), [_rand(2), _rand(2)])


def test_gradcheck_catches_a_vjp_only_right_for_a_summed_loss() -> None:
    x = _rand(2, 4)
    # The all-ones cotangent cannot tell: the gradient of the sum is right.
    t = td.tensor(x)
    with td.Tape() as tape:
        tape.watch(t)
        y = _bad_flip.bind(t)
    np.testing.assert_array_equal(tape.gradient(y, t).numpy(), np.ones_like(x))
    # gradcheck's random cotangent can.
    with pytest.raises(GradcheckError, match="input 0"):
        gradcheck(_bad_flip.bind, [x])


def test_gradcheck_returns_false_instead_of_raising_when_asked() -> None:
    assert gradcheck(_bad_sin.bind, [_rand(3)], raise_exception=False) is False
    assert gradcheck(_bad_flip.bind, [_rand(3)], raise_exception=False) is False
    assert gradcheck(td.sin, [_rand(3)], raise_exception=False) is True


def test_gradcheck_tolerance_is_symmetric() -> None:
    # analytic 1000x the truth: |a - n| is far beyond atol + rtol * |n|; a tolerance scaled by
    # |analytic| alone would have let it through.
    big = primitive("big")(np.sin)
    big.defvjp(lambda g, out, x: g * td.cos(x) * 1000.0)
    assert gradcheck(big.bind, [_rand(3)], rtol=0.999, raise_exception=False) is False


def test_gradcheck_fails_on_nan_gradient() -> None:
    nan = primitive("nan_grad")(np.sin)
    nan.defvjp(lambda g, out, x: g * np.nan)
    with pytest.raises(GradcheckError, match="analytic=np.float64\\(nan\\)"):
        gradcheck(nan.bind, [_rand(3)])


def test_gradcheck_detects_mutated_inputs() -> None:
    with pytest.raises(GradcheckError, match="modified input 0"):
        gradcheck(_mutating.bind, [_rand(3)])

    def scribbles_on_index(x: td.Tensor, idx: np.ndarray) -> td.Tensor:
        out = td.take(x, idx)
        idx[0] = 1
        return out

    with pytest.raises(GradcheckError, match="modified input 1"):
        gradcheck(scribbles_on_index, [_rand(3), np.array([0, 2])])


def test_gradcheck_wrt_selects_inputs() -> None:
    # Only input 0 is checked, so the wrong rule on input 1 goes unnoticed.
    assert gradcheck(lambda a, b: a * _bad_sin.bind(b), [_rand(2), _rand(2)], wrt=[0]) is True
    with pytest.raises(GradcheckError, match="input 1"):
        gradcheck(lambda a, b: a * _bad_sin.bind(b), [_rand(2), _rand(2)], wrt=[-1])


def test_gradcheck_rejects_misuse() -> None:
    with pytest.raises(TypeError, match="list or tuple"):
        gradcheck(td.sin, _rand(3))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no floating input"):
        gradcheck(lambda i: td.tensor(i, np.float64), [np.array([1, 2])])
    with pytest.raises(TypeError, match="input 1 has dtype int64"):
        gradcheck(lambda x, i: x, [_rand(2), np.array([1])], wrt=[1])
    with pytest.raises(TypeError, match="must return a Tensor"):
        gradcheck(lambda x: x.numpy(), [_rand(2)])
    with pytest.raises(TypeError, match="output 0 has dtype bool"):
        gradcheck(lambda x: x > 0, [_rand(2)])


def test_gradcheck_is_reproducible() -> None:
    x = _rand(2, 3)
    first = second = ""
    try:
        gradcheck(_bad_flip.bind, [x], seed=7)
    except GradcheckError as e:
        first = str(e)
    try:
        gradcheck(_bad_flip.bind, [x], seed=7)
    except GradcheckError as e:
        second = str(e)
    assert first and first == second


# ----- gradgradcheck -----


def test_gradgradcheck_passes_on_smooth_ops() -> None:
    assert gradgradcheck(td.tanh, [_rand(2, 3)]) is True
    assert gradgradcheck(td.multiply, [_rand(2, 3), _rand(3)]) is True
    assert gradgradcheck(lambda x: td.sum(td.exp(x) * x, axis=1), [_rand(2, 3)]) is True


def test_gradgradcheck_catches_a_wrong_second_derivative() -> None:
    x = _rand(4)
    assert gradcheck(_bad_cube.bind, [x]) is True  # first order is right
    with pytest.raises(GradcheckError) as info:
        gradgradcheck(_bad_cube.bind, [x])
    message = str(info.value)
    assert message.startswith("gradgradcheck(bad_cube): second derivative")
    assert "for input 0" in message and "worst at index" in message
    assert gradgradcheck(_bad_cube.bind, [x], raise_exception=False) is False
    assert gradgradcheck(lambda t: t**3, [x]) is True  # the same function, done right


def test_gradgradcheck_mixed_partials() -> None:
    # d2(x*y)/dx dy = 1: only visible through the cross terms of the two inputs.
    assert gradgradcheck(lambda a, b: td.sin(a * b), [_rand(3), _rand(3)]) is True


# ----- hypothesis is optional -----


def test_testing_module_works_without_hypothesis() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["hypothesis"] = None  # makes `import hypothesis` fail
        import numpy as np
        import tapediff as td
        import tapediff.testing as tdt
        assert tdt.gradcheck(td.sin, [np.ones(3)])
        assert tdt.gradgradcheck(td.sin, [np.ones(3)])
        try:
            tdt.shapes()
        except ImportError:
            print("ok")
        """
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"


# ----- strategies -----


@given(tdt.arrays(np.float64, (2, 3), min_value=-0.5, max_value=2.0))
def test_arrays_respect_shape_dtype_and_bounds(a: np.ndarray) -> None:
    assert a.shape == (2, 3) and a.dtype == np.float64
    assert np.all((a >= -0.5) & (a <= 2.0))


@given(tdt.arrays(np.float32))
def test_arrays_default_shape_and_float32_elements(a: np.ndarray) -> None:
    assert a.dtype == np.float32 and 0 <= a.ndim <= 3
    assert np.all(np.isfinite(a)) and np.all(np.abs(a) <= 3.0)


@given(tdt.arrays(np.int64, tdt.shapes(1, 2), min_value=-2, max_value=5))
def test_arrays_integers(a: np.ndarray) -> None:
    assert a.dtype == np.int64 and np.all((a >= -2) & (a <= 5))


@given(tdt.arrays(np.float64, 20, elements=tdt.grid(-4, 4, 0.25), unique=True))
def test_arrays_unique_on_a_grid(a: np.ndarray) -> None:
    assert len(set(a.tolist())) == 20
    assert np.all(a * 4 == np.round(a * 4))


def test_arrays_rejects_unknown_dtype() -> None:
    # Complex dtypes have default elements now (tests/test_complex.py); strings have none.
    with pytest.raises(TypeError, match="no default elements"):
        tdt.arrays(np.str_, (2,))


@given(tdt.shapes(2, 4, min_side=2, max_side=3))
def test_shapes_respect_bounds(shape: tuple[int, ...]) -> None:
    assert 2 <= len(shape) <= 4 and all(2 <= n <= 3 for n in shape)


@given(tdt.broadcastable_shapes(3, 0, 4))
def test_broadcastable_shapes_broadcast(shapes: tuple[tuple[int, ...], ...]) -> None:
    assert len(shapes) == 3
    np.broadcast_shapes(*shapes)


def test_broadcastable_shapes_include_real_broadcasting() -> None:
    find(tdt.broadcastable_shapes(2), lambda s: len(s[0]) != len(s[1]))
    find(
        tdt.broadcastable_shapes(2), lambda s: 1 in s[0] and s[0] != s[1] and len(s[0]) == len(s[1])
    )


@given(st.data())
def test_axes_are_valid_for_numpy(data: st.DataObject) -> None:
    ndim = data.draw(st.integers(0, 5))
    axis = data.draw(tdt.axes(ndim))
    np.sum(np.zeros((2,) * ndim), axis=axis)  # raises on an invalid or repeated axis
    if isinstance(axis, tuple):
        assert len({a % ndim for a in axis}) == len(axis)


def test_axes_cover_every_form() -> None:
    assert find(tdt.axes(3), lambda a: a is None) is None
    assert find(tdt.axes(3), lambda a: isinstance(a, int) and a < 0) in (-1, -2, -3)
    assert len(find(tdt.axes(3), lambda a: isinstance(a, tuple) and len(a) == 3)) == 3
    find(tdt.axes(3), lambda a: isinstance(a, tuple) and any(x < 0 for x in a))


@given(tdt.axes(4, allow_none=False, allow_tuple=False, allow_negative=False))
def test_axes_restricted_forms(axis: Any) -> None:
    assert isinstance(axis, int) and 0 <= axis < 4


@given(tdt.axes(0))
def test_axes_of_a_scalar(axis: Any) -> None:
    assert axis is None or axis == ()


def test_axes_needs_some_form() -> None:
    with pytest.raises(ValueError, match="nothing allowed"):
        tdt.axes(0, allow_none=False, allow_tuple=False)


@given(st.data())
def test_permutations_permute(data: st.DataObject) -> None:
    ndim = data.draw(st.integers(0, 5))
    perm = data.draw(tdt.permutations(ndim))
    assert sorted(a % ndim for a in perm) == list(range(ndim))
    x = np.zeros(tuple(range(1, ndim + 1)))
    assert np.transpose(x, perm).shape == tuple(x.shape[a] for a in perm)


def test_permutations_include_negative_axes() -> None:
    find(tdt.permutations(3), lambda p: any(a < 0 for a in p))
    assert all(a >= 0 for a in find(tdt.permutations(3, allow_negative=False), lambda p: True))


@given(st.data())
def test_reshape_targets_reshape(data: st.DataObject) -> None:
    shape = data.draw(tdt.shapes(0, 5, max_side=4))
    target = data.draw(tdt.reshape_targets(shape))
    assert list(target).count(-1) <= 1 and len(target) <= 5
    assert np.zeros(shape).reshape(target).size == int(np.prod(shape))


def test_reshape_targets_use_minus_one_and_change_rank() -> None:
    find(tdt.reshape_targets((2, 3, 4)), lambda t: -1 in t)
    find(tdt.reshape_targets((2, 3, 4)), lambda t: len(t) == 5)
    assert -1 not in find(tdt.reshape_targets((6,), allow_minus_one=False), lambda t: True)
    assert find(tdt.reshape_targets((2, 0)), lambda t: True) == (2, 0)


@given(tdt.away_from([0.0, 1.0], margin=0.01, min_value=-0.005, max_value=2.0))
def test_away_from_keeps_its_distance(x: float) -> None:
    assert -0.005 <= x <= 2.0
    assert abs(x) >= 0.01 and abs(x - 1.0) >= 0.01


def test_away_from_checks_spacing() -> None:
    with pytest.raises(ValueError, match="apart"):
        tdt.away_from([0.0, 0.001], margin=0.001)


@given(tdt.floats(-1.0, 2.0, width=32))
def test_floats_bounded_and_finite(x: float) -> None:
    assert -1.0 <= x <= 2.0 and np.float32(x) == x


@given(tdt.grid(-1.0, 1.0, 0.25))
def test_grid_values(x: float) -> None:
    assert -1.0 <= x <= 1.0 and (x / 0.25).is_integer()


def test_grid_needs_a_point() -> None:
    with pytest.raises(ValueError, match="no multiple"):
        tdt.grid(0.1, 0.2, 0.25)


def test_gradcheck_reports_outputs_whose_shape_depends_on_the_values() -> None:
    def positives(x: td.Tensor) -> td.Tensor:
        return x[x.numpy() > 0]

    with pytest.raises(GradcheckError, match="output shapes changed when input 0"):
        gradcheck(positives, [np.array([0.0, 1.0])])
    assert gradcheck(positives, [np.array([0.0, 1.0])], raise_exception=False) is False
