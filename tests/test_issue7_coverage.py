"""Issue 7's "done when", item by item: every function the issue names exists under its public
name, is checked by the op table (or, where a table row cannot express it, by a named test), is
in ``tapediff.numpy`` under NumPy's name, and records when NumPy's own function is called on a
tracked tensor."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import find, settings
from hypothesis.errors import NoSuchExample

import tapediff as td
import tapediff.numpy as tnp

sys.path.insert(0, str(Path(__file__).parent / "ops"))
from op_table import OP_TABLE
from test_no_silent_loss import CALLS, MUST_RECORD

_STATS = {
    "norm": ("logpdf", "pdf", "cdf", "logcdf"),
    "t": ("logpdf", "pdf", "cdf", "logcdf"),
    "beta": ("logpdf", "pdf", "cdf", "logcdf"),
    "gamma": ("logpdf", "pdf", "cdf", "logcdf"),
    "chi2": ("logpdf", "pdf", "cdf", "logcdf"),
    "poisson": ("logpmf", "pmf", "cdf", "logcdf"),
    # SciPy has no cdf for dirichlet; multivariate_normal's cdf is left out (see below).
    "dirichlet": ("logpdf", "pdf"),
    "multivariate_normal": ("logpdf", "pdf"),
}

# Every function section 3 of issue 7 names, spelled as its public path.
ITEMS: list[str] = [
    f"tapediff.{name}"
    for name in [
        "arcsin",
        "arccos",
        "arctan",
        "arctan2",
        "hypot",
        "sinc",
        "sinh",
        "cosh",
        "arcsinh",
        "arccosh",
        "arctanh",
        "exp2",
        "log2",
        "log10",
        "logaddexp",
        "logaddexp2",
        "fabs",
        "reciprocal",
        "remainder",
        "mod",
        "fmax",
        "fmin",
        "nan_to_num",
        "rad2deg",
        "degrees",
        "deg2rad",
        "radians",
        "cbrt",
        "cumsum",
        "cumprod",
        "sort",
        "partition",
        "diff",
        "gradient",
        "flip",
        "flipud",
        "fliplr",
        "rot90",
        "roll",
        "rollaxis",
        "take_along_axis",
        "diag",
        "diagonal",
        "triu",
        "tril",
        "trace",
        "vstack",
        "hstack",
        "column_stack",
        "append",
        "vsplit",
        "hsplit",
        "dsplit",
        "atleast_1d",
        "atleast_2d",
        "atleast_3d",
        "inner",
        "kron",
        "cross",
        "full",
        "linspace",
        "tensor",
        "nansum",
        "nanmean",
        "average",
        "logsumexp",
        "median",
        "quantile",
        "real",
        "imag",
        "conj",
        "angle",
        "abs",
    ]
]
ITEMS += [
    f"tapediff.linalg.{name}"
    for name in [
        "det",
        "slogdet",
        "inv",
        "pinv",
        "solve",
        "norm",
        "cholesky",
        "eigh",
        "eig",
        "svd",
        "qr",
        "lstsq",
        "matrix_power",
    ]
]
ITEMS += [
    f"tapediff.scipy.linalg.{name}"
    for name in ["solve_triangular", "sqrtm", "expm", "solve_sylvester", "block_diag"]
]
ITEMS += [
    f"tapediff.fft.{name}"
    for name in [
        "fft",
        "ifft",
        "fft2",
        "ifft2",
        "fftn",
        "ifftn",
        "rfft",
        "irfft",
        "rfft2",
        "irfft2",
        "rfftn",
        "irfftn",
        "fftshift",
        "ifftshift",
    ]
]
ITEMS += [
    f"tapediff.scipy.special.{name}"
    for name in [
        "gamma",
        "gammaln",
        "rgamma",
        "digamma",
        "psi",
        "polygamma",
        "multigammaln",
        "gammainc",
        "gammaincc",
        "beta",
        "betaln",
        "betainc",
        "erf",
        "erfc",
        "erfinv",
        "erfcinv",
        "expit",
        "logit",
        "xlogy",
        "xlog1py",
        "logsumexp",
        "j0",
        "j1",
        "y0",
        "y1",
        "jn",
        "yn",
        "i0",
        "i1",
        "iv",
        "ive",
        "ndtr",
        "log_ndtr",
        "ndtri",
    ]
]
ITEMS += [
    f"tapediff.scipy.stats.{dist}.{method}"
    for dist, methods in _STATS.items()
    for method in methods
]
ITEMS += [
    "tapediff.scipy.signal.convolve",
    "tapediff.scipy.integrate.odeint",
    "tapediff.fixed_point",
]

# Items whose "done when" needs particular rows (a mode of the function), by row name.
ROWS_FOR: dict[str, tuple[str, ...]] = {
    "tapediff.logsumexp": ("logsumexp", "logsumexp[b]"),
    "tapediff.abs": ("abs", "abs[complex]", "abs[complex_at_zero]"),
    "tapediff.real": ("real",),
    "tapediff.imag": ("imag",),
    "tapediff.conj": ("conj",),
    "tapediff.angle": ("angle", "angle[deg]"),
    "tapediff.linalg.svd": ("linalg.svd", "linalg.svd[full_matrices]", "linalg.svd[no_uv]"),
    "tapediff.linalg.slogdet": ("linalg.slogdet", "linalg.slogdet[sign]"),
    "tapediff.linalg.eig": ("linalg.eig", "linalg.eig[complex_pair]", "linalg.eig[complex]"),
}
for _dist, _methods in _STATS.items():
    for _m in _methods:
        ROWS_FOR[f"tapediff.scipy.stats.{_dist}.{_m}"] = (f"scipy.stats.{_dist}[{_m}]",)

# Items a table row cannot express (a function of functions, a constructor from nested
# tensors): the tests that check them to first and second order, float32 and their errors.
TESTS_FOR: dict[str, tuple[str, ...]] = {
    "tapediff.tensor": (
        "ops/test_constructors.py::test_built_from_a_tracked_tensor_keeps_the_gradient",
        "ops/test_constructors.py::test_built_from_tensors_values_and_dtypes_are_numpys",
        "ops/test_constructors.py::test_tensor_of_nested_tensors_refuses_ragged_input",
    ),
    "tapediff.fixed_point": (
        "test_fixed_point.py::test_newton_sqrt_value_and_derivatives_of_three_orders",
        "test_fixed_point.py::test_several_parameters_match_finite_differences_to_second_order",
        "test_fixed_point.py::test_bad_input_is_refused_by_name",
    ),
    # In the table too (first order); the adjoint's own tests add analytic solutions, float32,
    # the refusal of second order and its errors.
    "tapediff.scipy.integrate.odeint": (
        "test_odeint.py::test_exponential_decay_values_and_every_gradient_match_the_analytic_solution",
        "test_odeint.py::test_non_floating_args_pass_through_and_float32_gives_float32_gradients",
        "test_odeint.py::test_second_order_is_refused_rather_than_wrong",
        "test_odeint.py::test_bad_input_is_refused_by_name",
    ),
}

# Items NumPy has under the same name (numpy.X, numpy.linalg.X, numpy.fft.X).
_NAMESPACES = {"tapediff.linalg.": "linalg.", "tapediff.fft.": "fft."}


def _numpy_name(path: str) -> str | None:
    for prefix, sub in _NAMESPACES.items():
        if path.startswith(prefix):
            name = sub + path.removeprefix(prefix)
            break
    else:
        if path.count(".") != 1:
            return None
        name = path.removeprefix("tapediff.")
    obj: Any = np
    for part in name.split("."):
        obj = getattr(obj, part, None)
    return name if obj is not None else None


NUMPY_NAMED = {p: n for p in ITEMS if (n := _numpy_name(p)) is not None}


def _resolve(path: str) -> Any:
    module, _, rest = path.partition(".")
    obj: Any = importlib.import_module(module)
    for i, part in enumerate(rest.split(".")):
        if not hasattr(obj, part):  # a submodule not imported yet (tapediff.scipy.stats)
            importlib.import_module(".".join([module, *rest.split(".")[: i + 1]]))
        obj = getattr(obj, part)
    return obj


def _row_names_for(path: str) -> tuple[str, ...]:
    return ROWS_FOR.get(path, (path.removeprefix("tapediff."),))


def test_the_list_names_each_item_once() -> None:
    assert len(ITEMS) == len(set(ITEMS))


@pytest.mark.parametrize("path", ITEMS)
def test_every_item_resolves_and_is_checked(path: str) -> None:
    assert callable(_resolve(path)), path
    rows = {c.name for c in OP_TABLE}
    ops = {c.op for c in OP_TABLE}
    tests = TESTS_FOR.get(path, ())
    if path in ROWS_FOR:
        missing = [r for r in ROWS_FOR[path] if r not in rows]
        assert missing == [], f"{path}: no op-table rows {missing}"
    elif not tests:
        assert path.removeprefix("tapediff.") in ops, f"{path}: no op-table row"
    here = Path(__file__).parent
    for test in tests:
        file, _, name = test.partition("::")
        source = (here / file).read_text()
        assert f"def {name}(" in source, f"{path}: {test} does not exist"


@pytest.mark.parametrize("path", sorted(NUMPY_NAMED))
def test_numpy_named_items_are_tapedifs_in_tapediff_numpy(path: str) -> None:
    obj: Any = tnp
    for part in NUMPY_NAMED[path].split("."):
        obj = getattr(obj, part)
    assert obj is _resolve(path), path


def test_numpy_named_items_record_when_numpys_function_gets_a_tracked_tensor() -> None:
    # test_no_silent_loss.py calls each of them through NumPy on a tracked tensor and requires
    # a recorded result whose gradient reaches the input (MUST_RECORD: a refusal fails too).
    called = {name for name, _ in CALLS}
    names = set(NUMPY_NAMED.values()) - {"full"}  # numpy.full dispatches on no argument
    assert sorted(names - called) == []
    assert sorted(names - MUST_RECORD) == []


def test_numpy_full_with_a_tracked_fill_value_is_refused_not_silent() -> None:
    # numpy.full has no __array_function__ dispatch (only like=): it reads the fill value
    # with numpy.asarray, which a tracked tensor refuses (td.full is the differentiable one).
    v = td.tensor(2.0)
    with td.Tape() as tape:
        tape.watch(v)
        with pytest.raises(TypeError, match="would drop its gradient"):
            np.full(3, v)


# Each order NumPy's norm accepts, and the row that draws it.
VECTOR_ORDS = {
    **{o: "linalg.norm[vector]" for o in (None, 2, 1, 0, 3, 1.5)},
    **{o: "linalg.norm[vector_negative]" for o in (-1, -2, -1.5)},
    **{o: "linalg.norm[vector_inf]" for o in (np.inf, -np.inf)},
}
MATRIX_ORDS = {
    **{o: "linalg.norm[matrix]" for o in (None, "fro")},
    **{o: "linalg.norm[spectral]" for o in ("nuc", 2, -2)},
    **{o: "linalg.norm[matrix_max]" for o in (1, -1, np.inf, -np.inf)},
}


def _row_draws(row: str, ord: Any, matrix: bool) -> bool:
    """Whether the strategy of ``row`` draws ``ord`` for a vector (a matrix) norm."""
    case = next(c for c in OP_TABLE if c.name == row)

    def met(inputs: Any) -> bool:
        (x,), kw = inputs
        axis = kw.get("axis")
        two = (x.ndim == 2 and axis is None) or (isinstance(axis, tuple) and len(axis) == 2)
        return two == matrix and type(kw.get("ord")) is type(ord) and kw.get("ord") == ord

    search = settings(max_examples=1000, derandomize=True, database=None, deadline=None)
    try:
        find(case.inputs, met, settings=search)
    except NoSuchExample:
        return False
    return True


@pytest.mark.parametrize("ord", VECTOR_ORDS, ids=[f"vector-{o}" for o in VECTOR_ORDS])
def test_every_vector_ord_numpy_accepts_has_a_norm_row(ord: Any) -> None:
    assert _row_draws(VECTOR_ORDS[ord], ord, matrix=False)


@pytest.mark.parametrize("ord", MATRIX_ORDS, ids=[f"matrix-{o}" for o in MATRIX_ORDS])
def test_every_matrix_ord_numpy_accepts_has_a_norm_row(ord: Any) -> None:
    assert _row_draws(MATRIX_ORDS[ord], ord, matrix=True)


def test_non_table_items_keep_float32() -> None:
    # tensor([...]) of float32 tensors and fixed_point's implicit gradient, in single
    # precision (the table checks every row's float32; these two have no row).
    x = td.tensor(np.array([1.0, 2.0], dtype=np.float32))
    built = td.tensor([x[0] * 2, x[1]])
    assert built.dtype == np.float32
    g = td.grad(lambda t: td.sum(td.tensor([t[0] * 2, t[1]]) ** 2))(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g.numpy(), [8.0, 4.0])

    def newton(a: Any) -> Any:
        return lambda r: 0.5 * (r + a / r)

    a = td.tensor(np.float32(2.0))
    root = td.fixed_point(newton, a, td.tensor(np.float32(1.0)), tol=1e-6)
    assert root.dtype == np.float32
    d = td.grad(lambda a_: td.fixed_point(newton, a_, td.tensor(np.float32(1.0)), tol=1e-6))(a)
    assert d.dtype == np.float32
    np.testing.assert_allclose(d.numpy(), 0.5 / np.sqrt(2.0), rtol=1e-5)


@pytest.mark.parametrize("ord", [-1, -2, -1.5])
def test_negative_order_norm_at_a_zero_entry_has_the_finite_subgradient(ord: float) -> None:
    # The norm of a slice with a zero is 0 (NumPy); near it the norm is about |x_0|, so the
    # other entries' derivatives vanish: 0 for the whole slice, not NaN (0 ** (ord - 1)).
    x = td.tensor([[0.0, 1.0, -2.0], [0.5, 1.0, -2.0]])

    def f(t: Any) -> Any:
        return td.sum(td.linalg.norm(t, ord, axis=1))

    with np.errstate(divide="ignore"):
        g = td.grad(f)(x).numpy()
        second = td.grad(lambda t: td.sum(td.grad(f)(t) ** 2))(x).numpy()
    np.testing.assert_array_equal(g[0], 0.0)
    assert np.all(np.isfinite(g)) and np.all(np.isfinite(second))
    # The other slice keeps its derivative: sign(x) (|x| / norm) ** (ord - 1).
    row = np.array([0.5, 1.0, -2.0])
    norm = np.linalg.norm(row, ord)
    np.testing.assert_allclose(g[1], np.sign(row) * (np.abs(row) / norm) ** (ord - 1.0))
