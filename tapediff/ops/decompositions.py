"""Primitives of the matrix decompositions behind ``tapediff.linalg``: eig, eigh, svd, qr, pinv.

A primitive has one output, so a decomposition with several (eigenvalues and eigenvectors,
U, s and Vh, Q and R) packs them into one array; the public functions in ``tapediff.linalg``
slice it apart with differentiable indexing, and the VJP receives the packed cotangent and
slices it the same way. Each VJP is written with tapediff ops, so second derivatives work.

They assume what makes the decomposition differentiable: distinct eigenvalues (eigh), distinct
non-zero singular values (svd), full column rank (qr), constant rank (pinv). Where an exact
repeat makes the gradient undefined, the backward pass raises ``LinAlgError`` instead of
returning infinities or NaNs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from ._primitive import VJPArg, primitive, value_of
from .elementwise import multiply
from .linalg import matmul
from .shape import expand_dims, reshape, swapaxes

__all__: list[str] = []

LinAlgError = np.linalg.LinAlgError


def _mT(x: Any) -> Any:
    return swapaxes(x, -1, -2)


def _eye(n: int, like: Any) -> Any:
    return np.eye(n, dtype=value_of(like).dtype)


def _gaps(op: str, w: Any) -> Any:
    """F with F[..., i, j] = 1 / (w_j - w_i) off the diagonal and 0 on it.

    Written with tapediff ops, so a second derivative sees how F depends on w. An exact repeat
    in w leaves F undefined, and the gradient with it: LinAlgError.
    """
    v = value_of(w)
    n = v.shape[-1]
    eye = np.eye(n, dtype=v.dtype)
    gaps = v[..., None, :] - v[..., :, None]
    if np.any((gaps == 0) & (eye == 0)):
        raise LinAlgError(
            f"{op}: the gradient is undefined at repeated {'singular' if op == 'svd' else 'eigen'}"
            "values (they make the vectors non-unique); perturb the input or differentiate "
            "only the values"
        )
    diff = expand_dims(w, -2) - expand_dims(w, -1)
    return (1.0 - eye) / (diff + eye)


def _is_zero(x: Any) -> bool:
    """Whether the cotangent x is zero and stays zero: a tracked x may be 0 here and still
    have a non-zero derivative, which a higher-order gradient needs."""
    from .._record import tracks

    return not (isinstance(x, Tensor) and tracks(x)) and not np.any(value_of(x))


# ----- eigh: packed as (..., n + 1, n), row 0 the eigenvalues, rows 1.. the eigenvectors -----


@primitive("eigh")
def eigh_packed(a: Any, *, UPLO: Any) -> Any:
    w, v = np.linalg.eigh(a, UPLO=UPLO)
    return np.concatenate([w[..., None, :], v], axis=-2)


def _eigh_vjp(g: VJPArg, out: VJPArg, a: VJPArg, *, UPLO: str) -> Any:
    wbar, vbar = g[..., 0, :], g[..., 1:, :]
    w, v = out[..., 0, :], out[..., 1:, :]
    # Abar = V (diag(wbar) + F o (V^T Vbar)) V^T, symmetrized; the F term only when the
    # eigenvectors have a cotangent (repeated eigenvalues are fine for the values alone).
    inner = multiply(expand_dims(wbar, -1), _eye(np.shape(a)[-1], a))
    if not _is_zero(vbar):
        inner = inner + multiply(_gaps("eigh", w), matmul(_mT(v), vbar))
    s = matmul(v, matmul(inner, _mT(v)))
    return 0.5 * (s + _mT(s))


eigh_packed.defvjp(_eigh_vjp)


@primitive("eigvalsh")
def eigvalsh_raw(a: Any, *, UPLO: Any) -> Any:
    return np.linalg.eigvalsh(a, UPLO=UPLO)


def _eigvalsh_vjp(g: VJPArg, out: VJPArg, a: VJPArg, *, UPLO: str) -> Any:
    # V diag(g) V^T, with V from a differentiable eigh of a (so second order works).
    v = eigh_packed.bind(a, UPLO=UPLO)[..., 1:, :]
    return matmul(multiply(v, expand_dims(g, -2)), _mT(v))


eigvalsh_raw.defvjp(_eigvalsh_vjp)


# ----- eig: packed as (..., n + 1, n), row 0 the eigenvalues, rows 1.. the eigenvectors -----


@primitive("eig")
def eig_packed(a: Any) -> Any:
    w, v = np.linalg.eig(a)
    return np.concatenate([w[..., None, :], v], axis=-2)


def _largest(v: Any) -> Any:
    """Row index of each column's largest-modulus component (the one LAPACK makes real)."""
    return np.argmax(np.abs(value_of(v)), axis=-2)


def _eig_vjp(g: VJPArg, out: VJPArg, a: VJPArg) -> Any:
    from ..linalg import solve
    from .complex import conjugate, imag, real

    # With P = V^-1 dA V: dw = diag(P) and dV0 = V (F o P), F[i, j] = 1 / (w_j - w_i); then
    # dV = dV0 - V diag(Re(v_k^H dv0_k) + 1j Im(dv0[m_k, k]) / v[m_k, k]) keeps each vector at
    # unit norm with its largest component m_k real, as LAPACK normalises it. Transposed (the
    # linear-transpose convention, docs/complex.md): Abar = V^-T Pbar V^T with
    # Pbar = diag(wbar) + F o (V^T Xbar), Xbar the cotangent of dV0.
    wbar, vbar = g[..., 0, :], g[..., 1:, :]
    w, v = out[..., 0, :], out[..., 1:, :]
    n = np.shape(a)[-1]
    # Unlike eigh's, a repeated eigenvalue of a general matrix is not differentiable even for
    # the values alone (a perturbation can split it by the square root of its size).
    _distinct("eig", w)
    pbar = multiply(expand_dims(wbar, -1), _eye(n, out))
    if not _is_zero(vbar):
        c = _sum_rows(multiply(vbar, v))  # c_k = sum_j vbar[j, k] v[j, k]
        xbar = vbar - multiply(expand_dims(real(c), -2), conjugate(v))
        m = _largest(v)
        onehot = (np.arange(n)[:, None] == m[..., None, :]).astype(value_of(out).real.dtype)
        pivot = _sum_rows(multiply(v, onehot))  # v[m_k, k], real
        xbar = xbar + multiply(onehot, expand_dims(imag(c) / real(pivot) * -1j, -2))
        pbar = pbar + multiply(_gaps("eig", w), matmul(_mT(v), xbar))
    return solve(_mT(v), matmul(pbar, _mT(v)))


def _distinct(op: str, w: Any) -> None:
    """LinAlgError if two eigenvalues in one matrix are equal (their gradient is undefined)."""
    v = value_of(w)
    same = v[..., None, :] == v[..., :, None]
    if np.count_nonzero(same) > same.size // max(v.shape[-1], 1):
        raise LinAlgError(
            f"{op}: the gradient is undefined at repeated eigenvalues (they are not "
            "differentiable functions of the matrix); perturb the input"
        )


def _sum_rows(x: Any) -> Any:
    from .reductions import sum as _sum

    return _sum(x, axis=-2)


eig_packed.defvjp(_eig_vjp)
eig_packed.allow_complex()


@primitive("eigvals")
def eigvals_raw(a: Any) -> Any:
    return np.linalg.eigvals(a)


def _eigvals_vjp(g: VJPArg, out: VJPArg, a: VJPArg) -> Any:
    from ..linalg import solve

    # V^-T diag(g) V^T, with V from a differentiable eig of a (so second order works). The
    # eigenvalues of a repeat are not differentiable functions of a: LinAlgError.
    _distinct("eigvals", out)
    packed = eig_packed.bind(a)
    # eig may list the eigenvalues in another order than eigvals: match each to the nearest.
    order = np.argmin(np.abs(value_of(out)[..., :, None] - value_of(packed)[..., 0, None, :]), -1)
    v = _take_columns(packed[..., 1:, :], order)
    return solve(_mT(v), multiply(expand_dims(g, -1), _mT(v)))


def _take_columns(v: Any, order: Any) -> Any:
    """``v[..., :, order[...]]`` (a permutation of the columns per matrix), differentiable."""
    from .indexing import getitem

    if order.ndim == 1:
        return getitem(v, (Ellipsis, order))
    lead = np.indices(order.shape[:-1], sparse=True)
    idx = tuple(i[..., None, None] for i in lead)
    rows = np.arange(np.shape(v)[-2])[:, None]
    return getitem(v, (*idx, rows, order[..., None, :]))


eigvals_raw.defvjp(_eigvals_vjp)
eigvals_raw.allow_complex()


# ----- svd (reduced): packed as (..., m*k + k + k*n), k = min(m, n) -----


@primitive("svd")
def svd_packed(a: Any) -> Any:
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    lead = a.shape[:-2]
    return np.concatenate([u.reshape(*lead, -1), s, vh.reshape(*lead, -1)], axis=-1)


def svd_unpack(packed: Any, m: int, n: int) -> tuple[Any, Any, Any]:
    """U (..., m, k), s (..., k) and Vh (..., k, n) out of a packed svd."""
    k = min(m, n)
    lead = np.shape(packed)[:-1]
    u = reshape(packed[..., : m * k], (*lead, m, k))
    s = packed[..., m * k : m * k + k]
    vh = reshape(packed[..., m * k + k :], (*lead, k, n))
    return u, s, vh


def _svd_vjp(g: VJPArg, out: VJPArg, a: VJPArg) -> Any:
    m, n = np.shape(a)[-2:]
    k = min(m, n)
    u, s, vh = svd_unpack(out, m, n)
    ubar, sbar, vhbar = svd_unpack(g, m, n)
    v, vbar = _mT(vh), _mT(vhbar)
    core = multiply(expand_dims(sbar, -1), _eye(k, a))
    grad = None
    if not (_is_zero(ubar) and _is_zero(vhbar)):
        if np.any(value_of(s) == 0):
            raise LinAlgError(
                "svd: the gradient of the singular vectors is undefined at a zero singular "
                "value (rank-deficient input); differentiate only the singular values"
            )
        f = _gaps("svd", s * s)  # F[i, j] = 1 / (s_j^2 - s_i^2)
        ut_ubar = matmul(_mT(u), ubar)
        vt_vbar = matmul(_mT(v), vbar)
        # Right-multiplying by diag(s) scales columns, left-multiplying scales rows.
        core = core + multiply(multiply(f, ut_ubar - _mT(ut_ubar)), expand_dims(s, -2))
        core = core + multiply(expand_dims(s, -1), multiply(f, vt_vbar - _mT(vt_vbar)))
        inv_s = expand_dims(1.0 / s, -2)
        if m > k:  # the part of Ubar outside span(U)
            grad = matmul(multiply(ubar - matmul(u, ut_ubar), inv_s), vh)
        if n > k:  # the part of Vbar outside span(V)
            grad = matmul(multiply(u, inv_s), _mT(vbar - matmul(v, vt_vbar)))
    core_grad = matmul(u, matmul(core, vh))
    return core_grad if grad is None else core_grad + grad


svd_packed.defvjp(_svd_vjp)


@primitive("svdvals")
def svdvals_raw(a: Any) -> Any:
    return np.linalg.svd(a, compute_uv=False)


def _svdvals_vjp(g: VJPArg, out: VJPArg, a: VJPArg) -> Any:
    m, n = np.shape(a)[-2:]
    u, _, vh = svd_unpack(svd_packed.bind(a), m, n)
    return matmul(multiply(u, expand_dims(g, -2)), vh)


svdvals_raw.defvjp(_svdvals_vjp)


# ----- qr (reduced, m >= n): packed as (..., m + n, n), Q on top of R -----


@primitive("qr")
def qr_packed(a: Any) -> Any:
    q, r = np.linalg.qr(a, mode="reduced")
    return np.concatenate([q, r], axis=-2)


def _copyltu(x: Any) -> Any:
    """The lower triangle of x (with its diagonal) mirrored onto the upper one."""
    n = np.shape(x)[-1]
    dtype = value_of(x).dtype
    strict = multiply(x, np.tril(np.ones((n, n), dtype), -1))
    return strict + _mT(strict) + multiply(x, np.eye(n, dtype=dtype))


def _qr_vjp(g: VJPArg, out: VJPArg, a: VJPArg) -> Any:
    from ..linalg import solve

    m = np.shape(a)[-2]
    q, r = out[..., :m, :], out[..., m:, :]
    qbar, rbar = g[..., :m, :], g[..., m:, :]
    # M = R Rbar^T - Qbar^T Q; Abar = (Qbar + Q copyltu(M)) R^-T (R singular: LinAlgError).
    mm = matmul(r, _mT(rbar)) - matmul(_mT(qbar), q)
    b = qbar + matmul(q, _copyltu(mm))
    return _mT(solve(r, _mT(b)))


qr_packed.defvjp(_qr_vjp)


# ----- pinv (constant rank) -----


@primitive("pinv")
def pinv_raw(a: Any, *, rtol: Any, hermitian: bool) -> Any:
    return np.linalg.pinv(a, rtol=rtol, hermitian=hermitian)


def _pinv_vjp(g: VJPArg, out: VJPArg, a: VJPArg, *, rtol: Any, hermitian: bool) -> Any:
    # d(A+) = -A+ dA A+ + A+ A+^T dA^T (I - A A+) + (I - A+ A) dA^T A+^T A+ (Golub & Pereyra,
    # valid where the rank is constant), transposed onto dA.
    p, pt, gt = out, _mT(out), _mT(g)
    m, n = np.shape(a)[-2:]
    left = _eye(m, a) - matmul(a, p)
    right = _eye(n, a) - matmul(p, a)
    grad = -matmul(pt, matmul(g, pt))
    grad = grad + matmul(left, matmul(gt, matmul(p, pt)))
    return grad + matmul(matmul(pt, p), matmul(gt, right))


pinv_raw.defvjp(_pinv_vjp)
