"""The remaining arithmetic ufuncs and operators and NumPy's further numeric functions
(tapediff/ops/arith.py, numeric.py; issue 7): NumPy's semantics at the edges the op table does
not reach, the gradient conventions, and a clear error for every bad input."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import tapediff as td
import tapediff.numpy as tnp
from tapediff.testing import gradcheck, gradgradcheck


def _grad(f: Any, *xs: Any) -> Any:
    ts = [td.tensor(x) for x in xs]
    with td.Tape() as tape:
        tape.watch(ts)
        out = f(*ts)
    return tape.gradient(out, ts, unconnected_gradients="zero")


# ----- arithmetic: values and dtypes exactly NumPy's -----


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (np.array([7, -7, 7, -7, 0]), np.array([2, 2, -2, -2, 3])),
        (np.array([7.5, -7.5, 1e300, -0.0, 3.0]), np.array([2.0, 2.0, 1e-300, 5.0, -0.0])),
        (np.array([1.25, -3.5], np.float32), np.float32(0.75)),
    ],
)
def test_floor_divide_mod_and_divmod_are_numpys(a: Any, b: Any) -> None:
    with np.errstate(all="ignore"):
        want_q, want_r = np.floor_divide(a, b), np.remainder(a, b)
        cases = [
            (td.floor_divide(a, b), want_q),
            (td.tensor(a) // b, want_q),
            (a // td.tensor(b), want_q),
            (np.floor_divide(td.tensor(a), b), want_q),
            (td.tensor(a) % b, want_r),
            (a % td.tensor(b), want_r),
            (divmod(td.tensor(a), b)[0], want_q),
            (divmod(td.tensor(a), b)[1], want_r),
        ]
        q, r = divmod(a, td.tensor(b))
        nq, nr = np.divmod(td.tensor(a), td.tensor(b))
    for got, want in [*cases, (q, want_q), (r, want_r), (nq, want_q), (nr, want_r)]:
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got.numpy(), want)


def test_float32_stays_float32_through_the_operators_with_python_numbers() -> None:
    x = td.tensor(np.array([1.5, -2.25], np.float32))
    for out in (x // 0.5, 3.0 // x, x % 0.7, 2 % x, *divmod(x, 0.5), td.fmod(x, 0.7)):
        assert out.dtype == np.float32


def test_floor_divide_and_the_rounding_functions_have_zero_gradient() -> None:
    x, y = np.array([1.3, -2.7]), np.array([0.4, 0.9])
    for f in (
        lambda a, b: td.sum(a // b),
        lambda a, b: td.sum(td.divmod(a, b)[0]),
        lambda a, b: td.sum(td.rint(a) + td.fix(b) + td.around(a, 1)),
    ):
        for g in _grad(f, x, y):
            np.testing.assert_array_equal(g.numpy(), 0.0)


def test_mod_and_fmod_gradients() -> None:
    x, y = np.array([3.3, -3.3]), np.array([2.0, 2.0])
    gx, gy = _grad(lambda a, b: td.sum(a % b), x, y)
    np.testing.assert_array_equal(gx.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(gy.numpy(), -np.floor(x / y))
    gx, gy = _grad(lambda a, b: td.sum(td.fmod(a, b)), x, y)
    np.testing.assert_array_equal(gx.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(gy.numpy(), -np.trunc(x / y))  # [-1, 1]: not floor's [-1, 2]


def test_copysign_gradient_is_sign_of_x1_times_sign_of_the_result() -> None:
    x1 = np.array([2.0, 2.0, -2.0, -2.0, 0.0, 1.5])
    x2 = np.array([1.0, -1.0, 1.0, -1.0, -3.0, -0.0])  # -0.0: a negative sign bit
    g1, g2 = _grad(lambda a, b: td.sum(td.copysign(a, b)), x1, x2)
    np.testing.assert_array_equal(g1.numpy(), [1.0, -1.0, -1.0, 1.0, 0.0, -1.0])
    np.testing.assert_array_equal(g2.numpy(), 0.0)


def test_heaviside_passes_the_gradient_to_x2_only_where_x1_is_zero() -> None:
    x1, x2 = np.array([-1.0, 0.0, 2.0, 0.0]), np.array([0.3, 0.5, 0.7, 0.9])
    out = td.heaviside(x1, x2)
    np.testing.assert_array_equal(out.numpy(), np.heaviside(x1, x2))
    g1, g2 = _grad(lambda a, b: td.sum(td.heaviside(a, b)), x1, x2)
    np.testing.assert_array_equal(g1.numpy(), 0.0)
    np.testing.assert_array_equal(g2.numpy(), [0.0, 1.0, 0.0, 1.0])
    gradcheck(lambda b: td.heaviside(np.array([0.0, 0.0]), b), [np.array([0.2, 0.4])])


def test_float_power_is_float64_and_its_gradient_keeps_the_input_dtype() -> None:
    x = np.array([1.5, 2.0], np.float32)
    out = td.float_power(x, 3)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out.numpy(), np.float_power(x, 3))
    (g,) = _grad(lambda a: td.sum(td.float_power(a, 3)), x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g.numpy(), 3 * x.astype(np.float64) ** 2, rtol=1e-6)
    assert td.float_power(np.array([1 + 1j]), 2).dtype == np.complex128


def test_positive_and_around_are_numpys() -> None:
    x = np.array([1.25, -2.5, 0.5, 3.75], np.float32)
    assert td.positive(x).dtype == np.float32
    np.testing.assert_array_equal(td.positive(x).numpy(), x)
    np.testing.assert_array_equal(td.around(x, 1).numpy(), np.around(x, 1))
    np.testing.assert_array_equal(np.around(td.tensor(x)).numpy(), np.around(x))
    assert tnp.around is td.around and tnp.floor_divide is td.floor_divide


# ----- numeric functions: semantics and conventions -----


def test_interp_takes_the_right_interval_slope_at_a_knot_and_zero_outside() -> None:
    xp, fp = np.array([0.0, 1.0, 3.0]), np.array([0.0, 2.0, 3.0])
    x = np.array([1.0, 3.0, -1.0, 5.0, 0.5])
    gx, gfp = _grad(lambda a, f: td.sum(td.interp(a, xp, f)), x, fp)
    np.testing.assert_array_equal(gx.numpy(), [0.5, 0.5, 0.0, 0.0, 2.0])
    # fp[0] gets x = -1 (left default) and half of x = 0.5; fp[2] gets x = 3, x = 5 and ...
    np.testing.assert_allclose(gfp.numpy(), [1.5, 1.5, 2.0])
    np.testing.assert_array_equal(td.interp(x, xp, fp).numpy(), np.interp(x, xp, fp))
    assert td.interp(np.nan, xp, fp).item() != td.interp(np.nan, xp, fp).item()  # NaN
    gradgradcheck(lambda a, f: td.interp(a, xp, f), [np.array([0.3, 2.2]), fp])


def test_cov_and_corrcoef_match_numpy_with_weights_and_y() -> None:
    rng = np.random.default_rng(0)
    m, y = rng.standard_normal((2, 6)), rng.standard_normal(6)
    fw, aw = np.array([1, 2, 1, 3, 1, 2]), rng.uniform(0.5, 2.0, 6)
    for kw in ({}, {"bias": True}, {"ddof": 2}, {"fweights": fw, "aweights": aw, "ddof": 1}):
        np.testing.assert_allclose(td.cov(m, y, **kw).numpy(), np.cov(m, y, **kw), rtol=1e-12)
    np.testing.assert_allclose(
        td.corrcoef(m.T, rowvar=False).numpy(), np.corrcoef(m.T, rowvar=False)
    )
    assert td.cov(np.array([1.0, 2.0, 4.0])).shape == ()
    gradgradcheck(lambda a: td.corrcoef(a), [m])


def test_select_compress_extract_delete_insert_route_gradients() -> None:
    x = np.arange(6.0).reshape(2, 3)
    (g,) = _grad(lambda a: td.sum(td.insert(a, [1, 1], a[:, 0], axis=None) * 2.0), x)
    want = np.full((2, 3), 2.0)
    want[0, 0] += 2.0
    want[1, 0] += 2.0
    np.testing.assert_array_equal(g.numpy(), want)
    (g,) = _grad(lambda a: td.sum(td.delete(a, [0, 2], axis=1)), x)
    np.testing.assert_array_equal(g.numpy(), [[0, 1, 0], [0, 1, 0]])
    (g,) = _grad(lambda a: td.sum(td.extract(x > 2, a)), x)
    np.testing.assert_array_equal(g.numpy(), x > 2)
    (g,) = _grad(lambda a: td.sum(td.select([x > 4, x > 1], [a, 2 * a], -1.0)), x)
    np.testing.assert_array_equal(g.numpy(), [[0, 0, 2], [2, 2, 1]])
    assert td.insert(np.zeros(2, np.float32), 1, 2.5).dtype == np.float32


def test_cumulative_sum_and_prod_with_initial_and_np_astype() -> None:
    x = np.array([[1.0, 2.0], [3.0, 0.0]])
    out = td.cumulative_prod(x, axis=1, include_initial=True)
    np.testing.assert_array_equal(out.numpy(), np.cumulative_prod(x, axis=1, include_initial=True))
    (g,) = _grad(lambda a: td.sum(td.cumulative_prod(a, axis=1, include_initial=True)), x)
    np.testing.assert_array_equal(g.numpy(), [[3.0, 1.0], [1.0, 3.0]])
    t = td.tensor(x)
    assert np.astype(t, np.float32).dtype == np.float32
    assert np.astype(t, np.float32, copy=False).dtype == np.float32
    assert tnp.astype(t, np.float32, copy=False, device="cpu").dtype == np.float32


def test_vecdot_conjugates_its_first_argument_and_takes_axis_through_numpy() -> None:
    a, b = np.array([1 + 2j, 3 - 1j]), np.array([2 - 1j, 1j])
    np.testing.assert_allclose(td.vecdot(a, b).numpy(), np.vecdot(a, b))
    np.testing.assert_allclose(td.vdot(a, b).numpy(), np.vdot(a, b))
    np.testing.assert_allclose(td.vecmat(a, np.eye(2)).numpy(), np.vecmat(a, np.eye(2)))
    m = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(
        np.vecdot(td.tensor(m), td.tensor(m), axis=0).numpy(), np.vecdot(m, m, axis=0)
    )
    assert td.linalg.vecdot is td.vecdot and td.linalg.matrix_transpose is td.matrix_transpose


def test_reductions_take_numpys_dtype_initial_and_where_positionally_too() -> None:
    x = np.arange(1.0, 7.0, dtype=np.float32).reshape(2, 3)
    m = np.array([[True, False, True], [False, False, True]])
    t = td.tensor(x)
    cases = [
        (td.sum(t, 0, np.float64), np.sum(x, 0, np.float64)),
        (np.sum(t, 0, np.float64), np.sum(x, 0, np.float64)),  # dtype third, as NumPy's
        (np.prod(t, 1, None, None, True, 2.0, m), np.prod(x, 1, None, None, True, 2.0, m)),
        (np.mean(t, 1, where=m), np.mean(x, 1, where=m)),
        (np.mean(t, dtype=np.float64), np.mean(x, dtype=np.float64)),
        (np.max(t, 0, None, False, 3.5), np.max(x, 0, None, False, 3.5)),
        (np.amin(t, initial=2.5, where=m), np.amin(x, initial=2.5, where=m)),
        (td.max(np.zeros((0, 3)), axis=0, initial=-1.0), np.max(np.zeros((0, 3)), 0, initial=-1.0)),
    ]
    for got, want in cases:
        assert got.dtype == np.asarray(want).dtype and got.shape == np.shape(want)
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
    # initial 5.5 is the first row's maximum (a constant: no gradient there)
    (g,) = _grad(lambda a: td.max(a, axis=1, initial=5.5), x)
    np.testing.assert_array_equal(g.numpy(), [[0, 0, 0], [0, 0, 1]])


def test_tensor_reduction_methods_take_ndarrays_signatures() -> None:
    x = np.arange(1.0, 7.0, dtype=np.float32).reshape(2, 3)
    m = np.array([[True, False, True], [False, False, True]])
    t = td.tensor(x)
    for got, want in (
        (t.sum(0, np.float64), x.sum(0, np.float64)),
        (t.mean(1, None, None, True, where=m), x.mean(1, None, None, True, where=m)),
        (t.prod(None, None, None, False, 0.5, m), x.prod(None, None, None, False, 0.5, m)),
        (t.max(1, None, True, 4.5), x.max(1, None, True, 4.5)),
        (t.min(initial=0.5, where=m), x.min(initial=0.5, where=m)),
    ):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)


# ----- bad input: a clear error naming the op -----

BAD: list[tuple[str, Any, type[Exception], str]] = [
    (
        "float_power",
        lambda: td.float_power(np.array(["a"]), 2),
        TypeError,
        "float_power: expected numbers",
    ),
    ("floor_divide", lambda: td.floor_divide(np.ones(2), np.ones(3)), ValueError, "floor_divide"),
    ("fmod", lambda: td.fmod(np.ones(2), np.ones(3)), ValueError, "fmod"),
    ("copysign", lambda: td.copysign(np.ones(2), np.ones(3)), ValueError, "copysign"),
    ("heaviside", lambda: td.heaviside(np.ones(2), np.ones(3)), ValueError, "heaviside"),
    ("ptp", lambda: td.ptp(np.ones(3), axis=2), np.exceptions.AxisError, "max: axis 2"),
    ("cov ndim", lambda: td.cov(np.ones((2, 2, 2))), ValueError, "cov: m has more than 2"),
    ("cov y ndim", lambda: td.cov(np.ones(3), np.ones((1, 1, 3))), ValueError, "cov: y has more"),
    (
        "cov ddof",
        lambda: td.cov(np.ones((2, 3)), ddof=0.5),
        ValueError,
        "cov: ddof must be an integer",
    ),
    (
        "cov fweights int",
        lambda: td.cov(np.ones((2, 3)), fweights=[1, 1.5, 1]),
        TypeError,
        "fweights must be integers",
    ),
    (
        "cov aweights neg",
        lambda: td.cov(np.ones((2, 3)), aweights=[1, -1, 1]),
        ValueError,
        "aweights cannot be negative",
    ),
    (
        "cov weights len",
        lambda: td.cov(np.ones((2, 3)), aweights=[1, 1]),
        RuntimeError,
        "incompatible numbers of samples and aweights",
    ),
    (
        "cov weights 2d",
        lambda: td.cov(np.ones((2, 3)), fweights=np.ones((3, 1), int)),
        RuntimeError,
        "multidimensional fweights",
    ),
    (
        "corrcoef complex",
        lambda: td.corrcoef(np.array([[1, 2j, 3], [1j, 2, 0]])),
        TypeError,
        "corrcoef: complex",
    ),
    (
        "vdot",
        lambda: td.vdot(np.ones(3), np.ones(4)),
        ValueError,
        "vdot: the inputs must have the same number",
    ),
    (
        "vecdot 0-d",
        lambda: td.vecdot(1.0, np.ones(2)),
        ValueError,
        "vecdot: the inputs must have at least one axis",
    ),
    (
        "vecdot len",
        lambda: td.vecdot(np.ones(2), np.ones(3)),
        ValueError,
        "vecdot: the vectors along axis -1",
    ),
    (
        "vecdot broadcast",
        lambda: td.vecdot(np.ones((2, 3)), np.ones((4, 3))),
        ValueError,
        "vecdot: the shapes",
    ),
    (
        "vecdot axis",
        lambda: td.vecdot(np.ones(2), np.ones(2), axis=1),
        np.exceptions.AxisError,
        "vecdot: axis 1",
    ),
    (
        "matvec",
        lambda: td.matvec(np.ones((2, 3)), np.ones(2)),
        ValueError,
        "matvec: expected a matrix",
    ),
    (
        "vecmat",
        lambda: td.vecmat(np.ones(3), np.ones((2, 3))),
        ValueError,
        "vecmat: expected a vector",
    ),
    (
        "matrix_transpose",
        lambda: td.matrix_transpose(np.ones(3)),
        ValueError,
        "matrix_transpose: expected at least 2",
    ),
    ("trapezoid 0-d", lambda: td.trapezoid(1.0), ValueError, "trapezoid: y must have at least one"),
    (
        "trapezoid x",
        lambda: td.trapezoid(np.ones(3), np.ones(4)),
        ValueError,
        "trapezoid: x has 4 points but y has 3",
    ),
    (
        "interp 2-d",
        lambda: td.interp(0.5, np.ones((2, 2)), np.ones((2, 2))),
        ValueError,
        "interp: xp and fp must be 1-D",
    ),
    (
        "interp len",
        lambda: td.interp(0.5, [0.0, 1.0], [1.0, 2.0, 3.0]),
        ValueError,
        "interp: fp and xp are not of the same length",
    ),
    (
        "interp empty",
        lambda: td.interp(0.5, [], []),
        ValueError,
        "interp: array of sample points is empty",
    ),
    (
        "interp complex",
        lambda: td.interp(0.5, [0.0, 1.0], [1j, 2.0]),
        TypeError,
        "interp: complex fp",
    ),
    (
        "interp period",
        lambda: td.interp(0.5, [0.0, 1.0], [1.0, 2.0], period=0),
        ValueError,
        "interp: period must be a non-zero",
    ),
    (
        "convolve 2-d",
        lambda: td.convolve(np.ones((2, 2)), np.ones(2)),
        ValueError,
        "convolve: a must be 1-D",
    ),
    (
        "convolve empty",
        lambda: td.convolve(np.ones(2), np.ones(0)),
        ValueError,
        "convolve: v cannot be empty",
    ),
    (
        "convolve mode",
        lambda: td.convolve(np.ones(2), np.ones(2), "circular"),
        ValueError,
        "convolve: mode must be",
    ),
    (
        "correlate complex",
        lambda: td.correlate(np.ones(2), np.ones(2) * 1j),
        TypeError,
        "correlate: complex",
    ),
    ("polyval", lambda: td.polyval(np.ones((2, 2)), 1.0), ValueError, "polyval: p must be 1-D"),
    (
        "meshgrid",
        lambda: td.meshgrid(np.ones(2), indexing="ji"),
        ValueError,
        "meshgrid: indexing must be",
    ),
    (
        "broadcast_arrays",
        lambda: td.broadcast_arrays(np.ones(2), np.ones(3)),
        ValueError,
        r"broadcast_arrays: shapes \(2,\), \(3,\) do not broadcast",
    ),
    (
        "select len",
        lambda: td.select([np.ones(2, bool)], [np.ones(2), np.ones(2)]),
        ValueError,
        "select: list of cases must be same length",
    ),
    (
        "select empty",
        lambda: td.select([], []),
        ValueError,
        "select: select with an empty condition list",
    ),
    (
        "select bool",
        lambda: td.select([np.ones(2)], [np.ones(2)]),
        TypeError,
        "select: invalid entry 0 in condlist",
    ),
    (
        "compress 2-d",
        lambda: td.compress(np.ones((2, 2), bool), np.ones(4)),
        ValueError,
        "compress: condition must be a 1-d",
    ),
    (
        "compress past",
        lambda: td.compress([False, False, True], np.ones(2)),
        IndexError,
        "compress: condition is true at index 2",
    ),
    (
        "extract past",
        lambda: td.extract([0, 0, 1], np.ones(2)),
        IndexError,
        "extract: condition is true at flat index 2",
    ),
    (
        "resize neg",
        lambda: td.resize(np.ones(2), (2, -1)),
        ValueError,
        "resize: all elements of `new_shape` must be non-negative",
    ),
    (
        "resize type",
        lambda: td.resize(np.ones(2), (2.5,)),
        TypeError,
        "resize: new_shape must be integers",
    ),
    ("unstack", lambda: td.unstack(1.0), ValueError, "unstack: input array must be at least 1-d"),
    (
        "cumulative_sum",
        lambda: td.cumulative_sum(np.ones((2, 2))),
        ValueError,
        "cumulative_sum: axis must be given",
    ),
    (
        "cumulative_prod",
        lambda: td.cumulative_prod(np.ones(2), axis=1),
        np.exceptions.AxisError,
        "cumulative_prod: axis 1",
    ),
    (
        "sum out",
        lambda: td.sum(np.ones(2), out=np.ones(())),
        TypeError,
        "sum: out= is not supported",
    ),
    (
        "np.max out",
        lambda: np.max(td.tensor([1.0]), out=np.ones(())),
        TypeError,
        "max: out= is not",
    ),
    (
        "sum where dtype",
        lambda: td.sum(np.ones(2), where=np.ones(2)),
        TypeError,
        "sum: where= must be booleans",
    ),
    (
        "mean where shape",
        lambda: td.mean(np.ones(2), where=np.ones(3, bool)),
        ValueError,
        r"mean: where= of shape \(3,\) does not broadcast",
    ),
    (
        "max where",
        lambda: td.max(np.ones(2), where=np.ones(2, bool)),
        ValueError,
        "max: a where= mask needs initial=",
    ),
    (
        "prod initial None",
        lambda: td.prod(np.ones(2), initial=None),
        TypeError,
        "prod: initial= must be a number",
    ),
    (
        "min initial array",
        lambda: td.min(np.ones(2), initial=np.ones(2)),
        ValueError,
        "min: initial= must be a scalar",
    ),
    (
        "np.astype",
        lambda: np.astype(td.tensor([1.0]), np.float32, device="gpu"),
        ValueError,
        'astype: device must be None or "cpu"',
    ),
]


@pytest.mark.parametrize(("label", "call", "exc", "match"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises_a_clear_error(
    label: str, call: Any, exc: type[Exception], match: str
) -> None:
    v = td.tensor([1.0, 2.0])
    with td.Tape() as tape:  # the errors are the same when a tape watches
        tape.watch(v)
        with pytest.raises(exc, match=match):
            call()


def test_constant_arguments_that_a_tape_tracks_are_refused_not_dropped() -> None:
    v = td.tensor([0.0, 1.0])
    with td.Tape() as tape:
        tape.watch(v)
        for call, what in (
            (lambda: td.interp(0.5, v, [1.0, 2.0]), "interp: xp is a constant"),
            (
                lambda: td.interp(0.5, [0.0, 1.0], [1.0, 2.0], left=v[0]),
                "interp: left is a constant",
            ),
            (lambda: td.select([v], [v]), "select: condlist is a constant"),
            (lambda: td.compress(v, [1.0, 2.0]), "compress: condition is a constant"),
            (lambda: td.delete([1.0, 2.0], v), "delete: obj is a constant"),
            (lambda: td.insert([1.0, 2.0], v, 3.0), "insert: obj is a constant"),
            # a ufunc keyword tapediff does not take: refused, not computed without a gradient
            (lambda: np.vecdot(v, v, dtype=np.float32), "numpy.vecdot with dtype="),
            (lambda: td.cov(np.ones((2, 2)), aweights=v), "cov: aweights is a constant"),
        ):
            with pytest.raises(TypeError, match=re.escape(what)):
                call()
    # The same tensors, not tracked, are read as their values.
    np.testing.assert_array_equal(td.interp(0.5, v, [1.0, 2.0]).numpy(), 1.5)
