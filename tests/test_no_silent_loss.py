"""A NumPy function called on a tensor a tape tracks is differentiable, or it refuses: it never
returns floating values that would silently carry no gradient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.special as sc

import tapediff as td

V = np.array([0.3, -1.2, 2.0, 0.7])
M = np.array([[2.0, 0.5, 0.1], [0.5, 3.0, 0.2], [0.1, 0.2, 1.5]])

# (name, call) on a tracked vector v and matrix m; the calls use NumPy's own spelling.
CALLS: list[tuple[str, Callable[[Any, Any], Any]]] = [
    (name, fn)
    for name, fn in {
        # ufuncs
        "sin": lambda v, m: np.sin(v),
        "arcsin": lambda v, m: np.arcsin(v / 3),
        "arctan2": lambda v, m: np.arctan2(v, v + 3),
        "hypot": lambda v, m: np.hypot(v, 2.0),
        "sinh": lambda v, m: np.sinh(v),
        "log2": lambda v, m: np.log2(v * v + 1),
        "logaddexp": lambda v, m: np.logaddexp(v, 1.0),
        "cbrt": lambda v, m: np.cbrt(v),
        "reciprocal": lambda v, m: np.reciprocal(v),
        "fmax": lambda v, m: np.fmax(v, 0.5),
        "add.reduce": lambda v, m: np.add.reduce(v),
        "add.accumulate": lambda v, m: np.add.accumulate(v),
        "multiply.outer": lambda v, m: np.multiply.outer(v, v),
        # reductions and statistics
        "sum": lambda v, m: np.sum(v),
        "cumsum": lambda v, m: np.cumsum(v),
        "cumprod": lambda v, m: np.cumprod(v),
        "nansum": lambda v, m: np.nansum(v),
        "nanmean": lambda v, m: np.nanmean(v),
        "average": lambda v, m: np.average(v),
        "median": lambda v, m: np.median(v),
        "quantile": lambda v, m: np.quantile(v, 0.3),
        "percentile": lambda v, m: np.percentile(v, 30),
        "ptp": lambda v, m: np.ptp(v),
        "cov": lambda v, m: np.cov(m),
        "corrcoef": lambda v, m: np.corrcoef(m),
        "histogram": lambda v, m: np.histogram(v),
        "interp": lambda v, m: np.interp(0.5, [0.0, 1.0], v[:2]),
        # sorting, differences, layout
        "sort": lambda v, m: np.sort(v),
        "partition": lambda v, m: np.partition(v, 1),
        "unique": lambda v, m: np.unique(v),
        "diff": lambda v, m: np.diff(v),
        "ediff1d": lambda v, m: np.ediff1d(v),
        "gradient": lambda v, m: np.gradient(v),
        "flip": lambda v, m: np.flip(v),
        "roll": lambda v, m: np.roll(v, 1),
        "rot90": lambda v, m: np.rot90(m),
        "diag": lambda v, m: np.diag(v),
        "diagonal": lambda v, m: np.diagonal(m),
        "triu": lambda v, m: np.triu(m),
        "tril": lambda v, m: np.tril(m),
        "trace": lambda v, m: np.trace(m),
        "vstack": lambda v, m: np.vstack([v, v]),
        "hstack": lambda v, m: np.hstack([v, v]),
        "column_stack": lambda v, m: np.column_stack([v, v]),
        "append": lambda v, m: np.append(v, v),
        "kron": lambda v, m: np.kron(v, v),
        "inner": lambda v, m: np.inner(v, v),
        "cross": lambda v, m: np.cross(v[:3], v[1:]),
        "convolve": lambda v, m: np.convolve(v, v),
        "correlate": lambda v, m: np.correlate(v, v),
        "copy": lambda v, m: np.copy(v),
        "real": lambda v, m: np.real(v),
        "angle": lambda v, m: np.angle(v),
        "take_along_axis": lambda v, m: np.take_along_axis(v, np.array([2, 0]), axis=0),
        "nan_to_num": lambda v, m: np.nan_to_num(v),
        "polyval": lambda v, m: np.polyval(v, 0.5),
        "trapezoid": lambda v, m: np.trapezoid(v),
        "atleast_2d": lambda v, m: np.atleast_2d(v),
        # linear algebra and fft
        "linalg.det": lambda v, m: np.linalg.det(m),
        "linalg.inv": lambda v, m: np.linalg.inv(m),
        "linalg.solve": lambda v, m: np.linalg.solve(m, v[:3]),
        "linalg.norm": lambda v, m: np.linalg.norm(v),
        "linalg.cholesky": lambda v, m: np.linalg.cholesky(m),
        "linalg.eigh": lambda v, m: np.linalg.eigh(m),
        "linalg.svd": lambda v, m: np.linalg.svd(m),
        "linalg.slogdet": lambda v, m: np.linalg.slogdet(m),
        "linalg.qr": lambda v, m: np.linalg.qr(m),
        "linalg.pinv": lambda v, m: np.linalg.pinv(m),
        "linalg.matrix_power": lambda v, m: np.linalg.matrix_power(m, 2),
        "fft.fft": lambda v, m: np.fft.fft(v),
        "fft.rfft": lambda v, m: np.fft.rfft(v),
        "fft.fftshift": lambda v, m: np.fft.fftshift(v),
        "fft.ifft": lambda v, m: np.fft.ifft(v),
        "fft.irfft": lambda v, m: np.fft.irfft(v),
        "fft.fft2": lambda v, m: np.fft.fft2(m),
        "fft.irfftn": lambda v, m: np.fft.irfftn(m),
        "fft.ifftshift": lambda v, m: np.fft.ifftshift(m),
        "fft.hfft": lambda v, m: np.fft.hfft(v),
        "conj": lambda v, m: np.conj(v),
        "imag": lambda v, m: np.imag(v),
        "angle[complex]": lambda v, m: np.angle(v + 1j),
        "abs[complex]": lambda v, m: np.abs(v * (1 + 2j)),
        "linalg.eig": lambda v, m: np.linalg.eig(m),
        "linalg.eigvals": lambda v, m: np.linalg.eigvals(m),
        # SciPy's ufuncs (scipy.special): tapediff.scipy.special's, or refused
        "scipy.special.gammaln": lambda v, m: sc.gammaln(v * v + 1),
        "scipy.special.jn": lambda v, m: sc.jn(1, v),
        "scipy.special.xlogy": lambda v, m: sc.xlogy(v, v * v + 1),
        "scipy.special.betainc": lambda v, m: sc.betainc(2.0, 3.0, v / 4 + 0.5),
        "scipy.special.erfcx": lambda v, m: sc.erfcx(v),
        "scipy.special.zeta": lambda v, m: sc.zeta(v + 3, 1.0),
    }.items()
]


# Cumulative, sorting, layout and contraction functions and the constructors built from
# tensors (issue 7): each must record, never refuse.
LAYOUT_CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "cumsum[axis]": lambda v, m: np.cumsum(m, axis=1),
    "cumprod[zero]": lambda v, m: np.cumprod(v * np.array([1.0, 0.0, 1.0, 1.0])),
    "sort[axis=None]": lambda v, m: np.sort(m, axis=None),
    "diff[prepend]": lambda v, m: np.diff(m, n=2, axis=0, prepend=v[0], append=m[:1]),
    "gradient[2d]": lambda v, m: np.gradient(m, 0.5, edge_order=2),
    "gradient[coords]": lambda v, m: np.gradient(m[0], m[1] + np.arange(3.0) * 5),
    "flipud": lambda v, m: np.flipud(m),
    "fliplr": lambda v, m: np.fliplr(m),
    "roll[tuple]": lambda v, m: np.roll(m, (1, -1), axis=(0, 1)),
    "rollaxis": lambda v, m: np.rollaxis(m, 1),
    "diag[2d]": lambda v, m: np.diag(m, 1),
    "dstack": lambda v, m: np.dstack([m, m]),
    "vsplit": lambda v, m: np.vsplit(m, 3),
    "hsplit": lambda v, m: np.hsplit(v, [1]),
    "dsplit": lambda v, m: np.dsplit(m[:, :, None], 1),
    "atleast_1d": lambda v, m: np.atleast_1d(v[0]),
    "atleast_3d": lambda v, m: np.atleast_3d(v, m),
    "cross[2d]": lambda v, m: np.cross(m, m[[1, 2, 0]]),
    "full_like": lambda v, m: np.full_like(v, v[0]),
    "linspace": lambda v, m: np.linspace(v[0], v[1], 5),
    "linspace[arrays]": lambda v, m: np.linspace(v, 2 * v, 3, axis=1),
}
CALLS += list(LAYOUT_CALLS.items())

# The rest of issue 7's NumPy-named functions (tests/test_issue7_coverage.py checks that every
# one is here and must record).
ISSUE7_CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "arccos": lambda v, m: np.arccos(v / 3),
    "arctan": lambda v, m: np.arctan(v),
    "sinc": lambda v, m: np.sinc(v),
    "cosh": lambda v, m: np.cosh(v),
    "arcsinh": lambda v, m: np.arcsinh(v),
    "arccosh": lambda v, m: np.arccosh(v * v + 1.5),
    "arctanh": lambda v, m: np.arctanh(v / 3),
    "exp2": lambda v, m: np.exp2(v),
    "log10": lambda v, m: np.log10(v * v + 1),
    "logaddexp2": lambda v, m: np.logaddexp2(v, 1.0),
    "fabs": lambda v, m: np.fabs(v),
    "remainder": lambda v, m: np.remainder(v, 0.7),
    "mod": lambda v, m: np.mod(v, 0.7),
    "fmin": lambda v, m: np.fmin(v, 0.5),
    "rad2deg": lambda v, m: np.rad2deg(v),
    "degrees": lambda v, m: np.degrees(v),
    "deg2rad": lambda v, m: np.deg2rad(v),
    "radians": lambda v, m: np.radians(v),
    "abs": lambda v, m: np.abs(v),
    "linalg.lstsq": lambda v, m: np.linalg.lstsq(m[:, :2], v[:3]),  # tall: residuals too
    "fft.ifft2": lambda v, m: np.fft.ifft2(m),
    "fft.fftn": lambda v, m: np.fft.fftn(m),
    "fft.ifftn": lambda v, m: np.fft.ifftn(m),
    "fft.rfft2": lambda v, m: np.fft.rfft2(m),
    "fft.irfft2": lambda v, m: np.fft.irfft2(m),
    "fft.rfftn": lambda v, m: np.fft.rfftn(m),
}
CALLS += list(ISSUE7_CALLS.items())
# These must be differentiable: a refusal is a failure too.
MUST_RECORD = set(LAYOUT_CALLS) | {
    "cumsum",
    "cumprod",
    "sort",
    "partition",
    "diff",
    "gradient",
    "flip",
    "roll",
    "rot90",
    "diag",
    "diagonal",
    "triu",
    "tril",
    "trace",
    "vstack",
    "hstack",
    "column_stack",
    "append",
    "kron",
    "inner",
    "cross",
    "take_along_axis",
    "atleast_2d",
}
# Issue 7's NumPy-named functions that are differentiable: recorded, never refused.
MUST_RECORD |= set(ISSUE7_CALLS) | {
    "arcsin",
    "arctan2",
    "hypot",
    "sinh",
    "log2",
    "logaddexp",
    "cbrt",
    "reciprocal",
    "fmax",
    "nan_to_num",
    "nansum",
    "nanmean",
    "average",
    "median",
    "quantile",
    "real",
    "imag",
    "conj",
    "angle",
    *(
        f"linalg.{n}"
        for n in ["det", "inv", "solve", "norm", "cholesky", "eigh", "svd", "slogdet", "qr", "pinv"]
    ),
    *("linalg.matrix_power", "linalg.eig"),
    *(
        f"fft.{n}"
        for n in ["fft", "rfft", "fftshift", "ifft", "irfft", "fft2", "irfftn", "ifftshift"]
    ),
}


# The remaining arithmetic ufuncs, operators and numeric functions (issue 7, tapediff/ops/arith.py
# and numeric.py): each must record, and the ones NumPy already listed above must record now.
MORE_CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "floor_divide": lambda v, m: np.floor_divide(v, 0.7),
    "divmod": lambda v, m: np.divmod(v, 0.7),
    "divmod[builtin]": lambda v, m: divmod(v, 0.7),
    "mod[operator]": lambda v, m: 2.5 % v,
    "fmod": lambda v, m: np.fmod(v, 0.7),
    "positive": lambda v, m: np.positive(v),
    "around": lambda v, m: np.around(v, 1),
    "rint": lambda v, m: np.rint(v),
    "fix": lambda v, m: np.fix(v),
    "copysign": lambda v, m: np.copysign(v, -1.0),
    "float_power": lambda v, m: np.float_power(v, 2),
    "heaviside": lambda v, m: np.heaviside(v, 0.5),
    "vdot": lambda v, m: np.vdot(m, m),
    "vecdot": lambda v, m: np.vecdot(m, v[:3]),
    "vecdot[axis]": lambda v, m: np.vecdot(m, m, axis=0),
    "matvec": lambda v, m: np.matvec(m, v[:3]),
    "vecmat": lambda v, m: np.vecmat(v[:3], m),
    "matrix_transpose": lambda v, m: np.matrix_transpose(m),
    "linalg.vecdot": lambda v, m: np.linalg.vecdot(m, v[:3]),
    "linalg.matrix_transpose": lambda v, m: np.linalg.matrix_transpose(m),
    "trapezoid[x]": lambda v, m: np.trapezoid(m, v[:3] * np.array([1.0, 2.0, 3.0])),
    "meshgrid": lambda v, m: np.meshgrid(v, m[0]),
    "broadcast_arrays": lambda v, m: np.broadcast_arrays(v[:3], m),
    "delete": lambda v, m: np.delete(m, 1, axis=0),
    "insert": lambda v, m: np.insert(v, 1, m[0]),
    "select": lambda v, m: np.select([V > 0], [v], m[0, 0]),
    "compress": lambda v, m: np.compress([True, False, True], m, axis=1),
    "extract": lambda v, m: np.extract(V > 0, v),
    "resize": lambda v, m: np.resize(v, (3, 3)),
    "unstack": lambda v, m: np.unstack(m, axis=1),
    "cumulative_sum": lambda v, m: np.cumulative_sum(m, axis=0, include_initial=True),
    "cumulative_prod": lambda v, m: np.cumulative_prod(v),
    "astype": lambda v, m: np.astype(v, np.float32),
    "sum[initial, where]": lambda v, m: np.sum(m, axis=0, initial=1.0, where=m > 0.3),
    "mean[dtype, where]": lambda v, m: np.mean(v, dtype=np.float32, where=V > 0),
    "prod[where]": lambda v, m: np.prod(v, where=V > 0),
    "max[initial]": lambda v, m: np.max(v, initial=0.5),
    "min[initial, where]": lambda v, m: np.min(m, axis=1, initial=9.0, where=M > 0.3),
}
CALLS += list(MORE_CALLS.items())
MUST_RECORD |= set(MORE_CALLS) | {
    "ptp",
    "cov",
    "corrcoef",
    "interp",
    "convolve",
    "correlate",
    "polyval",
    "trapezoid",
}


# Outputs that are locally constant by definition (their true gradient is zero), by position.
LOCALLY_CONSTANT = {
    "linalg.slogdet": {0},  # the sign of the determinant
    "angle": {0},  # of a real input: 0 or pi
    "imag": {0},  # of a real input: 0
    # piecewise constant (zero gradient by definition): recorded, checked by the op table
    "floor_divide": {0},
    "divmod": {0},
    "divmod[builtin]": {0},
    "around": {0},
    "rint": {0},
    "fix": {0},
    "heaviside": {0},
}


def _floats(name: str, result: Any) -> list[Any]:
    items = result if isinstance(result, tuple | list) else [result]
    out = []
    for i, r in enumerate(items):
        if i in LOCALLY_CONSTANT.get(name, ()):
            continue
        if isinstance(r, td.Tensor) or np.asarray(r).dtype.kind in "fc":
            out.append(r)
    return out


@pytest.mark.parametrize(("name", "call"), CALLS, ids=[n for n, _ in CALLS])
def test_differentiable_or_refused(name: str, call: Callable[[Any, Any], Any]) -> None:
    v, m = td.tensor(V), td.tensor(M)
    with td.Tape(persistent=True) as tape:
        tape.watch([v, m])
        try:
            result = call(v, m)
        except TypeError as e:
            assert "is not differentiable in tapediff" in str(e), str(e)
            assert name not in MUST_RECORD, f"{name} refused: {e}"
            return
    floats = _floats(name, result)
    for r in floats:
        # A floating result must be a tensor the tape recorded: its gradient reaches an input.
        assert isinstance(r, td.Tensor), f"{name} returned {type(r).__name__} silently"
        if r.dtype.kind == "c":
            continue  # complex results: checked by the complex tests
        grads = tape.gradient(r, [v, m], unconnected_gradients="zero")
        assert any(np.any(g.numpy() != 0) for g in grads), f"{name}: gradient lost"


def test_libraries_reading_a_tracked_tensor_through_numpy_asarray_are_refused() -> None:
    # SciPy's functions (and any library) read a tensor with numpy.asarray, which is the one
    # door left: a tracked tensor is refused there, an untracked one still reads as its values.
    scipy_linalg = pytest.importorskip("scipy.linalg")
    m = td.tensor(M)
    np.testing.assert_allclose(scipy_linalg.expm(m), scipy_linalg.expm(M))
    with td.Tape() as tape:
        tape.watch(m)
        with pytest.raises(TypeError, match=r"tracking \(shape \(3, 3\).*drop its gradient"):
            scipy_linalg.expm(m)
        with pytest.raises(TypeError, match="x.numpy\\(\\) for the values"):
            np.asarray(m)
        np.testing.assert_array_equal(m.numpy(), M)  # the explicit way to the values
        assert np.asarray(td.tensor(M)).shape == (3, 3)  # not tracked: values as before
        assert np.asarray(td.tensor([1, 2])).dtype.kind == "i"  # integers carry no gradient
