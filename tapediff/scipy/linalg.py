"""``scipy.linalg`` for tapediff: triangular and Sylvester solves, matrix exponential and square
root, block_diag, and the decompositions of ``tapediff.linalg`` under SciPy's signatures.

Forwards call SciPy (batched over leading axes where SciPy is); VJPs are written with tapediff
ops, so second derivatives work: expm's VJP is an expm of a block matrix (the Frechet
derivative), sqrtm's a Sylvester solve, solve_sylvester's another Sylvester solve.
Where SciPy reads only one triangle of its input (solve_triangular, cholesky, cho_factor,
eigh, solve with assume_a='sym' or 'pos'), the gradient is the derivative of exactly that
function: it flows into the triangle SciPy reads (an off-diagonal entry counts for both
places it stands for), and the other triangle gets zero.
``overwrite_*`` and ``check_finite`` are accepted for SciPy's signatures; tapediff never
overwrites an input, and non-finite input raises ValueError when ``check_finite`` is true.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import linalg as _la
from ..ops._primitive import VJPArg, primitive, value_of
from ..ops.elementwise import multiply
from ..ops.linalg import matmul
from ..ops.shape import concatenate, expand_dims, reshape, swapaxes
from ..tensor import Tensor, TensorLike, as_tensor, operand
from ._require import scipy_module

__all__ = [
    "block_diag",
    "cho_factor",
    "cho_solve",
    "cholesky",
    "det",
    "eigh",
    "eigvalsh",
    "expm",
    "inv",
    "norm",
    "pinv",
    "qr",
    "solve",
    "solve_sylvester",
    "solve_triangular",
    "sqrtm",
    "svd",
    "svdvals",
]

LinAlgError = np.linalg.LinAlgError


def _sl(op: str) -> Any:
    return scipy_module("scipy.linalg", f"scipy.linalg.{op}")


def _mT(x: Any) -> Tensor:
    return swapaxes(x, -1, -2)


def _float(op: str, a: TensorLike, check_finite: bool = False) -> Tensor:
    """``a`` as a floating tensor (integers become float64), checked like SciPy's inputs."""
    t = operand(a, op)
    if not np.issubdtype(t.dtype, np.floating):
        if np.issubdtype(t.dtype, np.complexfloating):
            raise TypeError(f"{op}: complex input is not supported; got dtype {t.dtype}")
        t = as_tensor(t.numpy().astype(np.float64))
    if check_finite and not np.all(np.isfinite(t.numpy())):
        raise ValueError(f"{op}: array must not contain infs or NaNs")
    return t


def _square(op: str, a: Tensor) -> int:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(
            f"{op}: expected a square matrix (or a stack of them); got shape {a.shape}"
        )
    return a.shape[-1]


def _band(n: int, lower: bool, diagonal: bool, dtype: Any) -> Any:
    """The 0/1 mask of the triangle SciPy reads: lower or upper, with or without the diagonal."""
    ones = np.ones((n, n), dtype=dtype)
    k = 0 if diagonal else 1
    return np.tril(ones, -k) if lower else np.triu(ones, k)


def _from_triangle(a: Tensor, lower: bool) -> Tensor:
    """The symmetric matrix SciPy sees when it reads only one triangle of ``a``."""
    n = a.shape[-1]
    tri = multiply(a, _band(n, lower, True, a.dtype))
    return tri + _mT(multiply(a, _band(n, lower, False, a.dtype)))


# ----- solve_triangular -----

_TRANS = {0: 0, 1: 1, 2: 1, "N": 0, "T": 1, "C": 1}


@primitive("solve_triangular")
def _solve_triangular(a: Any, b: Any, *, trans: int, lower: bool, unit_diagonal: bool) -> Any:
    sl = _sl("solve_triangular")
    return sl.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal)


def _solve_triangular_vjp(
    g: VJPArg, out: VJPArg, a: VJPArg, b: VJPArg, *, trans: int, lower: bool, unit_diagonal: bool
) -> list[Any]:
    # x = op(T)^-1 b: b gets op(T)^-T g, a solve with the other transposition; op(T) gets
    # -gb x^T, and T its transpose when op transposes, restricted to the triangle SciPy reads.
    back: dict[str, Any] = {"trans": 1 - trans, "lower": lower, "unit_diagonal": unit_diagonal}
    if np.ndim(b) == 1:  # x is (..., M): solve with g as a column, a batch of a's broadcasts
        gb = solve_triangular(a, expand_dims(g, -1), **back)[..., 0]
        outer = multiply(expand_dims(gb, -1), expand_dims(out, -2))
    else:
        gb = solve_triangular(a, g, **back)
        outer = matmul(gb, _mT(out))
    gt = outer if trans == 0 else _mT(outer)
    mask = _band(np.shape(a)[-1], lower, not unit_diagonal, value_of(out).dtype)
    return [-multiply(gt, mask), gb]


_solve_triangular.defvjp_all(_solve_triangular_vjp)


def solve_triangular(
    a: TensorLike,
    b: TensorLike,
    trans: int | str = 0,
    lower: bool = False,
    unit_diagonal: bool = False,
    overwrite_b: bool = False,
    check_finite: bool = True,
) -> Tensor:
    """Solve ``op(a) x = b`` for a triangular ``a`` (scipy.linalg.solve_triangular).

    Only the triangle named by ``lower`` is read (not the diagonal when ``unit_diagonal``);
    ``trans`` 0/'N', 1/'T' or 2/'C' (the same as 'T' for real input). Batched over leading
    axes: ``b`` is a vector when 1-D, else ``(..., M, K)``. Singular ``a``: LinAlgError.
    """
    op = "solve_triangular"
    _sl(op)
    if trans not in _TRANS:
        raise ValueError(f"{op}: trans must be 0, 1, 2, 'N', 'T' or 'C'; got {trans!r}")
    ta, tb = _float(op, a, check_finite), _float(op, b, check_finite)
    n = _square(op, ta)
    rows = tb.shape[0] if tb.ndim == 1 else tb.shape[-2] if tb.ndim >= 2 else None
    if rows != n:
        raise ValueError(
            f"{op}: b of shape {tb.shape} does not match a of shape {ta.shape}: b must be "
            f"({n},) or (..., {n}, K)"
        )
    return _solve_triangular.bind(
        ta, tb, trans=_TRANS[trans], lower=bool(lower), unit_diagonal=bool(unit_diagonal)
    )


# ----- expm -----


@primitive("expm", arity=1)
def _expm(a: Any) -> Any:
    return _sl("expm").expm(a)


def _expm_vjp(g: VJPArg, out: VJPArg, a: VJPArg) -> Tensor:
    # The Frechet derivative L(A^T, G) is the upper-right block of expm([[A^T, G], [0, A^T]]):
    # an expm again, so the second derivative is another (larger) block expm.
    n = np.shape(a)[-1]
    at = _mT(a)
    zeros = np.zeros(np.shape(at), dtype=value_of(out).dtype)
    block = concatenate([concatenate([at, g], axis=-1), concatenate([zeros, at], axis=-1)], axis=-2)
    return _expm.bind(block)[..., :n, n:]


_expm.defvjp(_expm_vjp)


def expm(A: TensorLike) -> Tensor:
    """Matrix exponential of a (stack of) square matrices (scipy.linalg.expm)."""
    _sl("expm")
    t = _float("expm", A)
    _square("expm", t)
    return _expm.bind(t)


# ----- solve_sylvester -----


def _sylvester_separation(a: Any, b: Any) -> None:
    """LinAlgError when ``a`` and ``-b`` share an eigenvalue: ``AX + XB = Q`` is then singular
    (SciPy returns huge numbers without a warning there)."""
    la, lb = np.linalg.eigvals(a), np.linalg.eigvals(b)
    sums = np.abs(la[..., :, None] + lb[..., None, :])
    scale = max(1.0, float(np.max(np.abs(la), initial=0.0)), float(np.max(np.abs(lb), initial=0.0)))
    tiny = np.finfo(np.result_type(a, b)).eps * scale * (la.shape[-1] + lb.shape[-1])
    if sums.size and float(np.min(sums)) <= tiny:
        raise LinAlgError(
            "solve_sylvester: a and -b have a common eigenvalue, so AX + XB = Q has no unique "
            "solution (the Sylvester operator is singular)"
        )


@primitive("solve_sylvester")
def _solve_sylvester(a: Any, b: Any, q: Any) -> Any:
    _sylvester_separation(a, b)
    return _sl("solve_sylvester").solve_sylvester(a, b, q)


def _solve_sylvester_vjp(g: VJPArg, out: VJPArg, a: VJPArg, b: VJPArg, q: VJPArg) -> list[Any]:
    # The adjoint equation A^T S + S B^T = G gives Q's cotangent S; then A X + X B = Q says
    # A gets -S X^T and B gets -X^T S.
    s = solve_sylvester(_mT(a), _mT(b), g)
    return [-matmul(s, _mT(out)), -matmul(_mT(out), s), s]


_solve_sylvester.defvjp_all(_solve_sylvester_vjp)


def solve_sylvester(a: TensorLike, b: TensorLike, q: TensorLike) -> Tensor:
    """Solve ``a x + x b = q`` for x (scipy.linalg.solve_sylvester); a (M, M), b (N, N),
    q (M, N), batched over leading axes. A common eigenvalue of a and -b: LinAlgError."""
    op = "solve_sylvester"
    _sl(op)
    ta, tb, tq = _float(op, a), _float(op, b), _float(op, q)
    m, n = _square(op, ta), _square(op, tb)
    if tq.ndim < 2 or tq.shape[-2:] != (m, n):
        raise ValueError(
            f"{op}: q must have shape (..., {m}, {n}) for a of shape {ta.shape} and b of shape "
            f"{tb.shape}; got {tq.shape}"
        )
    return _solve_sylvester.bind(ta, tb, tq)


# ----- sqrtm -----


@primitive("sqrtm", arity=1)
def _sqrtm(a: Any) -> Any:
    x = _sl("sqrtm").sqrtm(a)
    if np.iscomplexobj(x):
        if np.any(np.imag(x)):
            raise ValueError(
                "sqrtm: the principal square root of this real matrix is complex (it has "
                "negative real eigenvalues); tapediff differentiates real matrices only"
            )
        x = np.real(x).astype(a.dtype)
    return x


# X X = A: dX solves X dX + dX X = dA, so A's cotangent solves X^T S + S X^T = G.
_sqrtm.defvjp(lambda g, out, a: solve_sylvester(_mT(out), _mT(out), g))


def sqrtm(A: TensorLike) -> Tensor:
    """Principal square root of a (stack of) square matrices (scipy.linalg.sqrtm).

    A matrix whose root is complex raises ValueError; at a singular matrix the root has no
    derivative and the backward pass raises LinAlgError.
    """
    _sl("sqrtm")
    t = _float("sqrtm", A)
    _square("sqrtm", t)
    return _sqrtm.bind(t)


# ----- block_diag -----


def _block_diag(*arrs: Any) -> Any:
    return _sl("block_diag").block_diag(*arrs)


def _block_diag_vjp(g: VJPArg, out: VJPArg, *arrs: VJPArg) -> list[Any]:
    cts: list[Any] = []
    r = c = 0
    for x in arrs:
        rows, cols = np.atleast_2d(value_of(x)).shape
        cts.append(reshape(g[r : r + rows, c : c + cols], np.shape(x)))
        r, c = r + rows, c + cols
    return cts


_block_diag_prim = primitive("block_diag")(_block_diag)
_block_diag_prim.defvjp_all(_block_diag_vjp)


def block_diag(*arrs: TensorLike) -> Tensor:
    """Block-diagonal matrix of the arguments (scipy.linalg.block_diag): 0-d and 1-D ones are
    1 x 1 and 1 x N blocks."""
    _sl("block_diag")
    ts = [operand(x, "block_diag") for x in arrs]
    bad = [i for i, t in enumerate(ts) if t.ndim > 2]
    if bad:
        raise ValueError(
            f"block_diag: arguments must be at most 2-D; arguments {bad} have shapes "
            f"{[ts[i].shape for i in bad]}"
        )
    if not ts:
        return as_tensor(_block_diag())
    return _block_diag_prim.bind(*ts)


# ----- tapediff.linalg under SciPy's signatures -----


def inv(a: TensorLike, overwrite_a: bool = False, check_finite: bool = True) -> Tensor:
    """Inverse of a (stack of) square matrices (scipy.linalg.inv); singular: LinAlgError."""
    return _la.inv(_float("inv", a, check_finite))


def det(a: TensorLike, overwrite_a: bool = False, check_finite: bool = True) -> Tensor:
    """Determinant (scipy.linalg.det); float32 stays float32 (SciPy returns float64)."""
    return _la.det(_float("det", a, check_finite))


_ASSUME = {
    None: "gen",
    "gen": "gen",
    "general": "gen",
    "sym": "sym",
    "symmetric": "sym",
    "her": "sym",
    "hermitian": "sym",
    "pos": "pos",
    "positive definite": "pos",
    "upper triangular": "upper",
    "lower triangular": "lower",
}


def solve(
    a: TensorLike,
    b: TensorLike,
    lower: bool = False,
    overwrite_a: bool = False,
    overwrite_b: bool = False,
    check_finite: bool = True,
    assume_a: str | None = None,
    transposed: bool = False,
) -> Tensor:
    """Solve ``a x = b`` (scipy.linalg.solve). ``assume_a``: None/'gen', 'sym' and 'pos' (only
    the triangle named by ``lower`` is read; 'pos' checks positive definiteness), 'upper
    triangular', 'lower triangular'. Singular ``a``: LinAlgError."""
    op = "solve"
    if assume_a not in _ASSUME:
        raise ValueError(
            f"{op}: assume_a must be one of {sorted(k for k in _ASSUME if k)} or None; "
            f"got {assume_a!r}"
        )
    kind = _ASSUME[assume_a]
    ta, tb = _float(op, a, check_finite), _float(op, b, check_finite)
    _square(op, ta)
    if kind in ("upper", "lower"):
        return solve_triangular(ta, tb, trans=1 if transposed else 0, lower=kind == "lower")
    if kind in ("sym", "pos"):
        ta = _from_triangle(ta, bool(lower))
        if kind == "pos":
            np.linalg.cholesky(ta.numpy())  # LinAlgError when not positive definite, as SciPy
    if transposed:
        ta = _mT(ta)
    return _la.solve(ta, tb)


def cholesky(
    a: TensorLike, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True
) -> Tensor:
    """Cholesky factor (scipy.linalg.cholesky): upper ``U`` with ``a = U^T U`` by default, lower
    with ``lower=True``; only that triangle of ``a`` is read. Not positive definite:
    LinAlgError."""
    t = _float("cholesky", a, check_finite)
    _square("cholesky", t)
    low = _la.cholesky(_from_triangle(t, bool(lower)))
    return low if lower else _mT(low)


def cho_factor(
    a: TensorLike, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True
) -> tuple[Tensor, bool]:
    """``(c, lower)`` for cho_solve (scipy.linalg.cho_factor): the factor in the triangle named
    by ``lower``, ``a``'s own entries in the other (as SciPy leaves them)."""
    t = _float("cho_factor", a, check_finite)
    n = _square("cho_factor", t)
    factor = cholesky(t, lower=lower, check_finite=False)
    rest = multiply(t, _band(n, not lower, False, t.dtype))
    return factor + rest, bool(lower)


def cho_solve(
    c_and_lower: tuple[TensorLike, bool],
    b: TensorLike,
    overwrite_b: bool = False,
    check_finite: bool = True,
) -> Tensor:
    """Solve ``a x = b`` given ``cho_factor(a)`` (scipy.linalg.cho_solve): two triangular
    solves, so gradients reach both the factor and b."""
    op = "cho_solve"
    if not (isinstance(c_and_lower, tuple | list) and len(c_and_lower) == 2):
        raise TypeError(f"{op}: expected (c, lower) as returned by cho_factor; got {c_and_lower!r}")
    c, lower = c_and_lower
    tc, tb = _float(op, c, check_finite), _float(op, b, check_finite)
    n = _square(op, tc)
    if tb.ndim == 0 or tb.shape[0] != n:
        raise ValueError(
            f"{op}: b of shape {tb.shape} does not match the factor of shape {tc.shape}: b "
            f"must be ({n},) or ({n}, K)"
        )
    # lower: L L^T x = b; upper: U^T U x = b.
    first, second = (0, 1) if lower else (1, 0)
    y = solve_triangular(tc, tb, trans=first, lower=bool(lower), check_finite=False)
    return solve_triangular(tc, y, trans=second, lower=bool(lower), check_finite=False)


def _no_generalized(op: str, b: Any, **unsupported: Any) -> None:
    if b is not None:
        raise NotImplementedError(f"{op}: the generalized problem (b given) is not supported")
    given = [k for k, v in unsupported.items() if v is not None]
    if given:
        raise NotImplementedError(f"{op}: {', '.join(given)} is not supported")


def eigh(
    a: TensorLike,
    b: TensorLike | None = None,
    *,
    lower: bool = True,
    eigvals_only: bool = False,
    overwrite_a: bool = False,
    overwrite_b: bool = False,
    type: int = 1,
    check_finite: bool = True,
    subset_by_index: Any = None,
    subset_by_value: Any = None,
    driver: str | None = None,
) -> Any:
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix (scipy.linalg.eigh),
    reading the triangle named by ``lower``; the eigenvalues alone with ``eigvals_only``.

    The eigenvector gradient needs distinct eigenvalues (a repeat raises LinAlgError).
    """
    _no_generalized("eigh", b, subset_by_index=subset_by_index, subset_by_value=subset_by_value)
    t = _float("eigh", a, check_finite)
    _square("eigh", t)
    sym = _from_triangle(t, bool(lower))
    if eigvals_only:
        return _la.eigvalsh(sym)
    w, v = _la.eigh(sym)
    return w, v


def eigvalsh(
    a: TensorLike,
    b: TensorLike | None = None,
    *,
    lower: bool = True,
    overwrite_a: bool = False,
    overwrite_b: bool = False,
    type: int = 1,
    check_finite: bool = True,
    subset_by_index: Any = None,
    subset_by_value: Any = None,
    driver: str | None = None,
) -> Tensor:
    """Eigenvalues (ascending) of a symmetric matrix (scipy.linalg.eigvalsh), reading the
    triangle named by ``lower``."""
    _no_generalized("eigvalsh", b, subset_by_index=subset_by_index, subset_by_value=subset_by_value)
    t = _float("eigvalsh", a, check_finite)
    _square("eigvalsh", t)
    return _la.eigvalsh(_from_triangle(t, bool(lower)))


def svd(
    a: TensorLike,
    full_matrices: bool = True,
    compute_uv: bool = True,
    overwrite_a: bool = False,
    check_finite: bool = True,
    lapack_driver: str = "gesdd",
) -> Any:
    """Singular value decomposition ``a = U diag(s) Vh`` (scipy.linalg.svd); see
    ``tapediff.linalg.svd`` for when the singular vectors have a gradient."""
    if lapack_driver not in ("gesdd", "gesvd"):
        raise ValueError(f"svd: lapack_driver must be 'gesdd' or 'gesvd'; got {lapack_driver!r}")
    t = _float("svd", a, check_finite)
    if not compute_uv:
        return _la.svdvals(t)
    u, s, vh = _la.svd(t, full_matrices=full_matrices)
    return u, s, vh


def svdvals(a: TensorLike, overwrite_a: bool = False, check_finite: bool = True) -> Tensor:
    """Singular values, descending (scipy.linalg.svdvals)."""
    return _la.svdvals(_float("svdvals", a, check_finite))


def norm(
    a: TensorLike,
    ord: Any = None,
    axis: Any = None,
    keepdims: bool = False,
    check_finite: bool = True,
) -> Tensor:
    """Vector or matrix norm (scipy.linalg.norm); the orders of ``tapediff.linalg.norm``."""
    return _la.norm(_float("norm", a, check_finite), ord=ord, axis=axis, keepdims=keepdims)


def pinv(
    a: TensorLike,
    *,
    atol: float | None = None,
    rtol: float | None = None,
    return_rank: bool = False,
    check_finite: bool = True,
) -> Any:
    """Moore-Penrose pseudo-inverse (scipy.linalg.pinv): singular values at most
    ``atol + rtol * max(s)`` are dropped; the gradient assumes the rank stays constant."""
    t = _float("pinv", a, check_finite)
    if t.ndim < 2:
        raise ValueError(f"pinv: expected a matrix (or a stack of them); got shape {t.shape}")
    s = np.linalg.svd(t.numpy(), compute_uv=False)
    smax = np.max(s, axis=-1, initial=0.0)
    m, n = t.shape[-2:]
    rt = (max(m, n) * np.finfo(t.dtype).eps if atol is None else 0.0) if rtol is None else rtol
    cutoff = (0.0 if atol is None else atol) + rt * smax
    # tapediff.linalg.pinv takes the cutoff relative to the largest singular value.
    rel = np.divide(cutoff, smax, out=np.zeros_like(smax), where=smax > 0)
    out = _la.pinv(t, rtol=rel)
    if return_rank:
        rank = np.sum(s > np.expand_dims(cutoff, -1), axis=-1)
        return out, rank if rank.ndim else int(rank)
    return out


def qr(
    a: TensorLike,
    overwrite_a: bool = False,
    lwork: int | None = None,
    mode: str = "full",
    pivoting: bool = False,
    check_finite: bool = True,
) -> Any:
    """QR decomposition (scipy.linalg.qr): ``mode`` 'full', 'economic' or 'r' (which returns
    ``(R,)`` as SciPy does). Full column rank is needed for the gradient; 'full' of a tall
    matrix has non-unique extra columns and raises."""
    if pivoting:
        raise NotImplementedError("qr: pivoting=True is not supported (the pivots are discrete)")
    modes = {"full": "complete", "economic": "reduced", "r": "r"}
    if mode not in modes:
        raise ValueError(f"qr: mode must be 'full', 'economic' or 'r'; got {mode!r}")
    t = _float("qr", a, check_finite)
    result = _la.qr(t, mode=modes[mode])
    if mode == "r":
        m, n = t.shape[-2:]
        if m > n:  # SciPy's R is m x n: zero rows below the n x n triangle
            zeros = np.zeros((*t.shape[:-2], m - n, n), dtype=t.dtype)
            result = concatenate([result, zeros], axis=-2)
        return (result,)
    q, r = result
    return q, r
