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
        # SciPy's ufuncs (scipy.special): tapediff.scipy.special's, or refused
        "scipy.special.gammaln": lambda v, m: sc.gammaln(v * v + 1),
        "scipy.special.jn": lambda v, m: sc.jn(1, v),
        "scipy.special.xlogy": lambda v, m: sc.xlogy(v, v * v + 1),
        "scipy.special.betainc": lambda v, m: sc.betainc(2.0, 3.0, v / 4 + 0.5),
        "scipy.special.erfcx": lambda v, m: sc.erfcx(v),
        "scipy.special.zeta": lambda v, m: sc.zeta(v + 3, 1.0),
    }.items()
]


# Outputs that are locally constant by definition (their true gradient is zero), by position.
LOCALLY_CONSTANT = {"linalg.slogdet": {0}}  # the sign of the determinant


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
            return
    floats = _floats(name, result)
    for r in floats:
        # A floating result must be a tensor the tape recorded: its gradient reaches an input.
        assert isinstance(r, td.Tensor), f"{name} returned {type(r).__name__} silently"
        if r.dtype.kind == "c":
            continue  # complex results: checked by the complex tests
        grads = tape.gradient(r, [v, m], unconnected_gradients="zero")
        assert any(np.any(g.numpy() != 0) for g in grads), f"{name}: gradient lost"
