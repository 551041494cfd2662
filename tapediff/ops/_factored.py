"""solve, inv and slogdet that share one LAPACK factorisation between forward and backward.

The gradient of ``solve(a, b)`` solves with ``a^T`` and that of ``slogdet(a)`` needs ``a^-T``:
each would factorise ``a`` again. For a single matrix (not a stack) of some size, and with SciPy
installed, the public functions factorise once (Cholesky when ``a`` is exactly symmetric and
positive definite, as kernels and covariances are; LU otherwise) and pass the factor to these
primitives as a static parameter, so the backward pass reuses it. Each primitive's VJP is again
written with tapediff ops and these primitives, so higher derivatives work as before.

A factor is ``("cho", c)`` (lower Cholesky factor from potrf) or ``("lu", (lu, piv))`` (getrf).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._primitive import VJPArg, primitive
from .linalg import matmul
from .shape import expand_dims, swapaxes

# Below this size a factorisation is cheap next to the Python around it: NumPy's own calls do.
MIN_SIZE = 17

Factor = tuple[str, Any]

__all__: list[str] = []


def factor(a: np.ndarray[Any, Any]) -> Factor | None:
    """A reusable factorisation of the matrix ``a``; None where NumPy's own routines should run
    (a stack, a small or non-float matrix, no SciPy, or a singular ``a``, for which NumPy then
    raises its LinAlgError)."""
    if a.ndim != 2 or a.shape[0] < MIN_SIZE or a.dtype.kind != "f" or a.shape[0] != a.shape[1]:
        return None
    try:
        from scipy.linalg import get_lapack_funcs  # type: ignore[import-untyped]
    except ImportError:
        return None
    if np.array_equal(a, a.T):
        (potrf,) = get_lapack_funcs(("potrf",), (a,))
        c, info = potrf(a, lower=True)
        if info == 0:
            return ("cho", c)
    (getrf,) = get_lapack_funcs(("getrf",), (a,))
    lu, piv, info = getrf(a)
    if info != 0 or not np.all(np.isfinite(np.diagonal(lu))):
        return None
    return ("lu", (lu, piv))


def _mT(x: Any) -> Any:
    return swapaxes(x, -1, -2)


# ----- solve -----


@primitive("solve")
def _solve(a: Any, b: Any, factor: Factor, trans: int) -> Any:
    """Solve ``op(a) x = b`` with op the identity (trans=0) or the transpose (trans=1)."""
    from scipy.linalg import get_lapack_funcs

    kind, f = factor
    if kind == "cho":  # symmetric: op(a) = a
        (potrs,) = get_lapack_funcs(("potrs",), (f,))
        x, info = potrs(f, b, lower=True)
    else:
        (getrs,) = get_lapack_funcs(("getrs",), (f[0],))
        x, info = getrs(f[0], f[1], b, trans=trans)
    if info != 0:  # pragma: no cover - LAPACK argument errors only
        raise np.linalg.LinAlgError(f"solve: LAPACK returned info={info}")
    return x


def _solve_vjp_all(
    g: VJPArg, out: VJPArg, a: VJPArg, b: VJPArg, factor: Factor, trans: int
) -> list[Any]:
    # x = op(a)^-1 b: gb = op(a)^-T g, and d op(a) = -gb x^T (negated on the small factor).
    gb = _solve.bind(a, g, factor=factor, trans=1 - trans)
    if np.ndim(b) == 1:
        ga = matmul(expand_dims(-gb, -1), expand_dims(out, -2))
    else:
        ga = matmul(-gb, _mT(out))
    return [_mT(ga) if trans else ga, gb]


_solve.defvjp_all(_solve_vjp_all)


def solve(a: Any, b: Any, f: Factor) -> Any:
    """``a^-1 b`` with the factor ``f`` of ``a`` (b of shape (M,) or (M, K))."""
    return _solve.bind(a, b, factor=f, trans=0)


# ----- inverse -----


@primitive("inv")
def _inv(a: Any, factor: Factor) -> Any:
    from scipy.linalg import get_lapack_funcs

    kind, f = factor
    if kind == "cho":
        (potri,) = get_lapack_funcs(("potri",), (f,))
        c, _info = potri(f, lower=True)
        # potrf zeroed the strict upper triangle and potri reads and writes only the lower one:
        # the symmetric inverse is c + c^T with the diagonal counted once.
        out = c + c.T
        np.fill_diagonal(out, np.diagonal(c))
        return out
    (getrs,) = get_lapack_funcs(("getrs",), (f[0],))
    x, _info = getrs(f[0], f[1], np.eye(f[0].shape[0], dtype=f[0].dtype))
    return x


_inv.defvjp(lambda g, out, a, factor: -matmul(_mT(out), matmul(g, _mT(out))))


def inv(a: Any, f: Factor) -> Any:
    """``a^-1`` with the factor ``f`` of ``a``."""
    return _inv.bind(a, factor=f)


# ----- slogdet -----


@primitive("slogdet")
def _slogdet(a: Any, factor: Factor) -> Any:
    # Packed [sign, logabsdet], as tapediff.linalg.slogdet packs NumPy's result.
    kind, f = factor
    if kind == "cho":
        d = np.diagonal(f)
        return np.array([1.0, 2.0 * np.sum(np.log(d))], dtype=f.dtype)
    lu, piv = f
    d = np.diagonal(lu)
    swaps = np.count_nonzero(piv != np.arange(piv.shape[0]))
    sign = (-1.0) ** swaps * np.prod(np.sign(d))
    return np.array([sign, np.sum(np.log(np.abs(d)))], dtype=lu.dtype)


_slogdet.defvjp(lambda g, out, a, factor: g[..., 1] * _mT(_inv.bind(a, factor=factor)))


def slogdet(a: Any, f: Factor) -> Any:
    """Packed ``[sign, logabsdet]`` of ``a`` with its factor ``f``."""
    return _slogdet.bind(a, factor=f)
