"""``numpy.linalg`` for tapediff: determinants, inverses, solves, cholesky, norms.

Every function is batched over leading axes like NumPy, keeps float32 as float32 and raises
NumPy's ``LinAlgError`` from the forward for singular or non-positive-definite input. VJPs are
written with tapediff ops (inv, solve, matmul...), so second derivatives work too.
Input to ``cholesky`` is assumed symmetric: its gradient is the symmetric one (as in autograd
and JAX), not the derivative with respect to the lower triangle NumPy reads.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ._errors import non_numeric_error
from .ops import _factored
from .ops import decompositions as _dec
from .ops._primitive import VJPArg, primitive, value_of
from .ops.elementwise import absolute, multiply, power, where
from .ops.linalg import matmul
from .ops.numeric import matrix_transpose, vecdot
from .ops.reductions import max as _max
from .ops.reductions import min as _min
from .ops.reductions import sum as _sum
from .ops.shape import concatenate, expand_dims, moveaxis, reshape, swapaxes
from .tensor import Tensor, TensorLike, Variable, as_tensor, operand

__all__ = [
    "EigResult",
    "EighResult",
    "QRResult",
    "SVDResult",
    "SlogdetResult",
    "cholesky",
    "det",
    "eig",
    "eigh",
    "eigvals",
    "eigvalsh",
    "inv",
    "lstsq",
    "matrix_norm",
    "matrix_power",
    "matrix_transpose",
    "multi_dot",
    "norm",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "svd",
    "svdvals",
    "vecdot",
    "vector_norm",
]


class SlogdetResult(NamedTuple):
    """``slogdet``'s result, as NumPy names it."""

    sign: Tensor
    logabsdet: Tensor


class EigResult(NamedTuple):
    """``eig``'s result, as NumPy names it."""

    eigenvalues: Tensor
    eigenvectors: Tensor


class EighResult(NamedTuple):
    """``eigh``'s result, as NumPy names it."""

    eigenvalues: Tensor
    eigenvectors: Tensor


class SVDResult(NamedTuple):
    """``svd``'s result, as NumPy names it."""

    U: Tensor
    S: Tensor
    Vh: Tensor


class QRResult(NamedTuple):
    """``qr``'s result, as NumPy names it."""

    Q: Tensor
    R: Tensor


def _mT(x: Any) -> Tensor:
    return swapaxes(x, -1, -2)


def _square(op: str, a: Tensor) -> None:
    """NumPy's checks, with the op's name: at least 2-D, square in the last two axes."""
    if a.ndim < 2:
        raise np.linalg.LinAlgError(
            f"{op}: {a.ndim}-dimensional array given; the array must be at least 2-dimensional"
        )
    if a.shape[-1] != a.shape[-2]:
        raise np.linalg.LinAlgError(
            f"{op}: the last 2 dimensions of the array must be square; got shape {a.shape}"
        )


# Functions whose forward and gradient are right for complex matrices; the others refuse
# complex input rather than cast it to real (which would drop the imaginary part silently).
_COMPLEX_OK = frozenset({"inv", "det", "solve", "eig", "eigvals"})


def _float(op: str, a: TensorLike) -> Tensor:
    t = operand(a, op)
    refused = non_numeric_error(op, [t])  # strings: named here, not by NumPy's cast below
    if refused is not None:
        raise refused
    if t.dtype.kind == "c":
        if op not in _COMPLEX_OK:
            raise TypeError(
                f"{op}: complex input is not supported (got dtype {t.dtype}); "
                f"complex matrices work with {', '.join(sorted(_COMPLEX_OK))}"
            )
        return t
    if not np.issubdtype(t.dtype, np.floating):
        t = as_tensor(t.numpy().astype(np.float64))
    return t


def _factor_of(t: Tensor) -> _factored.Factor | None:
    """One factorisation for the forward and backward passes (see ops/_factored.py). A Variable
    is read by the op itself (once, so an assign from another thread cannot come between)."""
    return None if isinstance(t, Variable) else _factored.factor(t.numpy())


# ----- inv, det, slogdet -----


def _inverse(a: Any) -> Any:
    """np.linalg.inv, through Cholesky (LAPACK potrf + potri, about 2x faster than LU) for a
    single symmetric positive-definite matrix when SciPy is installed: kernels, covariances
    and Hessians are, and the slogdet and solve gradients invert them."""
    if a.ndim == 2 and a.shape[0] > 16 and a.dtype.kind == "f" and np.array_equal(a, a.T):
        try:
            from scipy.linalg import get_lapack_funcs  # type: ignore[import-untyped]
        except ImportError:
            return np.linalg.inv(a)
        potrf, potri = get_lapack_funcs(("potrf", "potri"), (a,))
        c, info = potrf(a, lower=True)
        if info == 0:
            c, info = potri(c, lower=True)
            if info == 0:
                low = np.tril(c)
                return low + np.tril(c, -1).T
    return np.linalg.inv(a)


_inv = primitive("inv", arity=1)(_inverse)
_inv.defvjp(lambda g, out, a: -matmul(_mT(out), matmul(g, _mT(out))))
# Holomorphic, with transposes (never conjugates): right for complex matrices too.
_inv.allow_complex()


def inv(a: TensorLike) -> Tensor:
    """Inverse of a (stack of) square matrices (numpy.linalg.inv); singular: LinAlgError."""
    t = _float("inv", a)
    _square("inv", t)
    return _inv.bind(t)


def _inverse_in_gradient(op: str, a: VJPArg) -> Tensor:
    """``inv(a)`` for the gradient of ``op``; a singular ``a`` raises LinAlgError naming ``op``
    (the error would otherwise name inv, which the caller never called)."""
    try:
        return inv(a)
    except np.linalg.LinAlgError as e:
        raise np.linalg.LinAlgError(
            f"{op}: no gradient at a singular matrix (it needs the inverse): {e}"
        ) from e


_det = primitive("det", arity=1)(np.linalg.det)
# d det(A) = det(A) tr(A^-1 dA): the cotangent is g det(A) A^-T. A singular A has det 0 and a
# non-zero gradient (its adjugate), which inv cannot give: the backward pass raises LinAlgError.
_det.defvjp(
    lambda g, out, a: multiply(expand_dims(g * out, (-1, -2)), _mT(_inverse_in_gradient("det", a)))
)
_det.allow_complex()


def det(a: TensorLike) -> Tensor:
    """Determinant of a (stack of) square matrices (numpy.linalg.det).

    Its gradient needs the inverse: at a singular matrix the backward pass raises LinAlgError
    rather than returning a wrong gradient.
    """
    t = _float("det", a)
    _square("det", t)
    return _det.bind(t)


@primitive("slogdet", arity=1)
def _slogdet(a: Any) -> Any:
    # Packed as (..., 2): [sign, logabsdet], so one factorisation gives both.
    sign, logabsdet = np.linalg.slogdet(a)
    return np.stack([sign, logabsdet], axis=-1)


# Only logabsdet has a gradient (the sign is piecewise constant): A^-T.
_slogdet.defvjp(
    lambda g, out, a: multiply(
        expand_dims(g[..., 1], (-1, -2)), _mT(_inverse_in_gradient("slogdet", a))
    )
)


def slogdet(a: TensorLike) -> SlogdetResult:
    """Sign and log of the absolute determinant (numpy.linalg.slogdet).

    The sign is piecewise constant (no gradient); ``logabsdet`` has gradient ``A^-T``.
    """
    t = _float("slogdet", a)
    _square("slogdet", t)
    f = _factor_of(t)
    packed = _slogdet.bind(t) if f is None else _factored.slogdet(t, f)
    return SlogdetResult(as_tensor(packed.numpy()[..., 0]), packed[..., 1])


# ----- solve -----

_solve = primitive("solve", arity=2)(np.linalg.solve)


def _solve_vjp_all(g: VJPArg, out: VJPArg, a: VJPArg, b: VJPArg) -> list[Any]:
    if np.ndim(b) == 1:  # b a vector (NumPy 2: only when b is 1-D); x has shape (..., M)
        gb = solve(_mT(a), expand_dims(g, -1))  # (..., M, 1)
        return [-multiply(gb, expand_dims(out, -2)), reshape(gb, gb.shape[:-1])]
    gb = solve(_mT(a), g)
    return [-matmul(gb, _mT(out)), gb]


_solve.defvjp_all(_solve_vjp_all)
_solve.allow_complex()


def solve(a: TensorLike, b: TensorLike) -> Tensor:
    """Solve ``a @ x = b`` for x (numpy.linalg.solve, NumPy 2 rules).

    ``b`` is a vector only when 1-D; otherwise a (stack of) matrices of shape ``(..., M, K)``
    whose batch axes broadcast against those of ``a``. Singular ``a``: LinAlgError.
    """
    ta, tb = _float("solve", a), _float("solve", b)
    _square("solve", ta)
    m = ta.shape[-1]
    if tb.ndim == 0 or (tb.shape[-1] if tb.ndim == 1 else tb.shape[-2]) != m:
        raise ValueError(
            f"solve: b of shape {tb.shape} does not match a of shape {ta.shape}: b must be "
            f"({m},) or (..., {m}, K)"
        )
    f = _factor_of(ta) if tb.ndim <= 2 else None
    return _solve.bind(ta, tb) if f is None else _factored.solve(ta, tb, f)


# ----- cholesky -----

_cholesky = primitive("cholesky", arity=1)(np.linalg.cholesky)


def _cholesky_vjp(g: VJPArg, out: VJPArg, a: VJPArg) -> Tensor:
    # A = L L^T. With P = Phi(L^T Lbar) (lower triangle, halved diagonal), the symmetric
    # cotangent is sym(L^-T P L^-1) (Murray, "Differentiation of the Cholesky decomposition").
    n = np.shape(a)[-1]
    lower = np.tril(np.ones((n, n))) - 0.5 * np.eye(n)
    phi = multiply(matmul(_mT(out), g), lower.astype(value_of(out).dtype))
    linv = inv(out)
    s = matmul(_mT(linv), matmul(phi, linv))
    return 0.5 * (s + _mT(s))


_cholesky.defvjp(_cholesky_vjp)


def cholesky(a: TensorLike) -> Tensor:
    """Lower Cholesky factor L of a symmetric positive-definite ``a = L L^T``
    (numpy.linalg.cholesky); not positive definite: LinAlgError. Gradient: symmetric."""
    t = _float("cholesky", a)
    _square("cholesky", t)
    return _cholesky.bind(t)


# ----- matrix_power -----


def matrix_power(a: TensorLike, n: int) -> Tensor:
    """``a`` raised to the integer power n by repeated squaring (numpy.linalg.matrix_power)."""
    if not isinstance(n, int | np.integer) or isinstance(n, bool):
        raise TypeError(f"matrix_power: exponent must be an integer; got {n!r}")
    t = operand(a, "matrix_power")
    _square("matrix_power", t)
    n = int(n)
    if n == 0:
        eye = np.eye(t.shape[-1], dtype=t.dtype if t.dtype.kind == "f" else None)
        return as_tensor(np.broadcast_to(eye, t.shape).copy())
    if n < 0:
        t, n = inv(t), -n
    result: Tensor | None = None
    base = t
    while True:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if not n:
            break
        base = matmul(base, base)
    assert result is not None
    return result


# ----- norm -----


def _safe(out: Any) -> Tensor:
    # The divisor in a norm's gradient: the norm, with 1 in place of 0 (where x is 0 too).
    return where(value_of(out) == 0, 1.0, out)


@primitive("norm")
def _pnorm(x: Any, *, p: float, axis: tuple[int, ...], keepdims: bool) -> Any:
    return np.sum(np.abs(x) ** p, axis=axis, keepdims=keepdims) ** (1.0 / p)


def _pnorm_vjp(g: VJPArg, out: VJPArg, x: VJPArg, *, p: float, axis: Any, keepdims: bool) -> Any:
    # d||x||_p / dx = sign(x) |x|^(p-1) / ||x||^(p-1); 0 at x = 0 (a finite subgradient).
    if not keepdims:
        g, out = expand_dims(g, axis), expand_dims(out, axis)
    sign = np.sign(value_of(x))
    if p == 2:
        return multiply(g, x / _safe(out))
    ratio = absolute(x) / _safe(out)
    if p < 0:
        # A zero entry makes a negative-order norm 0 (NumPy: sum |x|^p = inf). Near it the
        # norm is about |x_0|, so the other entries' derivatives vanish and x_0's is a
        # subgradient of |x_0|: 0 everywhere in that slice (0^(p-1) would be inf, and NaN).
        dead = np.broadcast_to(value_of(out) == 0, np.shape(x))
        if dead.any():
            ratio = where(dead, 1.0, ratio)
            return multiply(g, where(dead, 0.0, sign * power(ratio, p - 1.0)))
    return multiply(g, sign * power(ratio, p - 1.0))


_pnorm.defvjp(_pnorm_vjp)


def _axes_of(x: Tensor, axis: Any, op: str = "norm") -> tuple[int, ...]:
    from .ops._axes import axis_tuple

    if axis is None:
        return tuple(range(x.ndim))
    items = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    return tuple(axis_tuple(op, items, x.shape))


def _vector_norm(x: Tensor, ord: Any, axis: tuple[int, ...], keepdims: bool) -> Tensor:
    if ord is None or ord == 2:
        return _pnorm.bind(x, p=2.0, axis=axis, keepdims=keepdims)
    if ord == np.inf:
        return _max(absolute(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return _min(absolute(x), axis=axis, keepdims=keepdims)
    if ord == 0:  # the number of non-zeros: piecewise constant
        count = np.sum(x.numpy() != 0, axis=axis, keepdims=keepdims).astype(x.dtype)
        return as_tensor(count)
    if ord == 1:
        return _sum(absolute(x), axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"norm: invalid norm order {ord!r} for vectors")
    return _pnorm.bind(x, p=float(ord), axis=axis, keepdims=keepdims)


def _matrix_norm(x: Tensor, ord: Any, axis: tuple[int, ...], keepdims: bool) -> Tensor:
    row, col = axis
    if ord is None or ord == "fro":
        return _pnorm.bind(x, p=2.0, axis=axis, keepdims=keepdims)
    if ord in (1, -1, np.inf, -np.inf):
        # 1: largest column sum of |x| (sum over rows); inf: largest row sum.
        over, then = (row, col) if ord in (1, -1) else (col, row)
        sums = _sum(absolute(x), axis=over, keepdims=True)
        pick = _max if ord > 0 else _min
        out = pick(sums, axis=then, keepdims=True)
        return (
            out
            if keepdims
            else reshape(out, tuple(s for i, s in enumerate(x.shape) if i not in axis))
        )
    if ord in ("nuc", 2, -2):
        # Through the singular values of the matrices in the two axes, moved last.
        moved = moveaxis(x, (row, col), (-2, -1))
        s = svdvals(moved)
        out = _sum(s, axis=-1) if ord == "nuc" else (_max if ord == 2 else _min)(s, axis=-1)
        return expand_dims(out, tuple(sorted(axis))) if keepdims else out
    raise ValueError(f"norm: invalid norm order {ord!r} for matrices")


def norm(x: TensorLike, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Vector or matrix norm (numpy.linalg.norm).

    Vector orders: None/2, 1, inf, -inf, 0 (count of non-zeros, no gradient) and any real p;
    matrix orders (2-D x or a pair of axes): None/'fro', 'nuc', 1, -1, 2, -2, inf, -inf (the
    spectral ones through the singular values, which must be distinct). The gradient at
    x = 0 is the finite subgradient 0 (for the 2-norm and p-norms as for |x|).
    """
    t = _float("norm", x)
    axes = _axes_of(t, axis)
    if axis is None and ord is None:
        return _pnorm.bind(t, p=2.0, axis=axes, keepdims=keepdims)
    if len(axes) == 1:
        return _vector_norm(t, ord, axes, keepdims)
    if len(axes) == 2:
        if axes[0] == axes[1]:
            raise ValueError("norm: duplicate axes given")
        return _matrix_norm(t, ord, axes, keepdims)
    raise ValueError(f"norm: improper number of dimensions to norm (axes {axes})")


def vector_norm(
    x: TensorLike, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2
) -> Tensor:
    """Vector norm over ``axis`` (all axes, flattened, by default) (numpy.linalg.vector_norm)."""
    t = _float("vector_norm", x)
    if axis is None:
        out = _vector_norm(reshape(t, (-1,)), ord, (0,), False)
        return reshape(out, (1,) * t.ndim) if keepdims else out
    return _vector_norm(t, ord, _axes_of(t, axis, "vector_norm"), keepdims)


def matrix_norm(x: TensorLike, /, *, keepdims: bool = False, ord: Any = "fro") -> Tensor:
    """Norm of the matrices in the last two axes (numpy.linalg.matrix_norm)."""
    t = _float("matrix_norm", x)
    if t.ndim < 2:
        raise ValueError(f"matrix_norm: x must be at least 2-D; got shape {t.shape}")
    return _matrix_norm(t, ord, (t.ndim - 2, t.ndim - 1), keepdims)


# ----- decompositions (primitives in ops/decompositions.py) -----


def _uplo(op: str, UPLO: str) -> str:
    if UPLO not in ("L", "U"):
        raise ValueError(f"{op}: UPLO must be 'L' or 'U'; got {UPLO!r}")
    return UPLO


def eigh(a: TensorLike, UPLO: str = "L") -> EighResult:
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix (numpy.linalg.eigh).

    The gradient is the symmetric one (``a`` is assumed symmetric) and needs distinct
    eigenvalues when the eigenvectors are differentiated; at a repeat it raises LinAlgError.
    """
    t = _float("eigh", a)
    _square("eigh", t)
    packed = _dec.eigh_packed.bind(t, UPLO=_uplo("eigh", UPLO))
    return EighResult(packed[..., 0, :], packed[..., 1:, :])


def eig(a: TensorLike) -> EigResult:
    """Eigenvalues and right eigenvectors of a general square matrix (numpy.linalg.eig).

    As in NumPy the result is complex unless every eigenvalue is real, and each eigenvector has
    unit norm with its largest component real (LAPACK's normalisation). The gradient is the
    derivative of exactly that normalisation, so it is right for any function of the vectors;
    it needs distinct eigenvalues (a repeat raises LinAlgError), and where two components of a
    vector tie for the largest the normalisation itself jumps. Complex input is accepted.
    """
    t = _float("eig", a)
    _square("eig", t)
    packed = _dec.eig_packed.bind(t)
    return EigResult(packed[..., 0, :], packed[..., 1:, :])


def eigvals(a: TensorLike) -> Tensor:
    """Eigenvalues of a general square matrix (numpy.linalg.eigvals); complex unless all are
    real. Their gradient needs distinct eigenvalues: a repeat raises LinAlgError."""
    t = _float("eigvals", a)
    _square("eigvals", t)
    return _dec.eigvals_raw.bind(t)


def eigvalsh(a: TensorLike, UPLO: str = "L") -> Tensor:
    """Eigenvalues (ascending) of a symmetric matrix (numpy.linalg.eigvalsh)."""
    t = _float("eigvalsh", a)
    _square("eigvalsh", t)
    return _dec.eigvalsh_raw.bind(t, UPLO=_uplo("eigvalsh", UPLO))


def _at_least_2d(op: str, t: Tensor) -> None:
    if t.ndim < 2:
        raise np.linalg.LinAlgError(
            f"{op}: {t.ndim}-dimensional array given; the array must be at least 2-dimensional"
        )


def svdvals(x: TensorLike, /) -> Tensor:
    """Singular values, descending (numpy.linalg.svdvals)."""
    t = _float("svdvals", x)
    _at_least_2d("svdvals", t)
    return _dec.svdvals_raw.bind(t)


def svd(
    a: TensorLike, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False
) -> Any:
    """Singular value decomposition ``a = U diag(S) Vh`` (numpy.linalg.svd).

    The gradient of U and Vh needs distinct non-zero singular values. With
    ``full_matrices=True`` (NumPy's default) the columns of U or rows of Vh beyond
    ``min(m, n)`` are not unique, so a gradient through them raises; use
    ``full_matrices=False``. ``hermitian`` is accepted for NumPy's signature and ignored (the
    general algorithm gives the same factors up to signs).
    """
    t = _float("svd", a)
    _at_least_2d("svd", t)
    if not compute_uv:
        return svdvals(t)
    m, n = t.shape[-2:]
    u, s, vh = _dec.svd_unpack(_dec.svd_packed.bind(t), m, n)
    if full_matrices and m != n:
        full_u, _, full_vh = np.linalg.svd(t.numpy(), full_matrices=True)
        k = min(m, n)
        if m > n:
            u = concatenate([u, _complement.bind(t, extra=full_u[..., k:])], axis=-1)
        else:
            vh = concatenate([vh, _complement.bind(t, extra=full_vh[..., k:, :])], axis=-2)
    return SVDResult(u, s, vh)


@primitive("svd[full_matrices]")
def _complement(a: Any, *, extra: Any) -> Any:
    return extra


def _complement_vjp(g: VJPArg, out: VJPArg, a: VJPArg, *, extra: Any) -> Any:
    if np.any(value_of(g)):
        raise np.linalg.LinAlgError(
            "svd: with full_matrices=True the singular vectors beyond min(m, n) are not unique, "
            "so they have no gradient; use full_matrices=False"
        )
    # A tapediff op, not np.zeros_like: in a recorded (higher-order) backward pass the result
    # must be a tensor.
    return multiply(a, 0.0)


_complement.defvjp(_complement_vjp)


def qr(a: TensorLike, mode: str = "reduced") -> Any:
    """QR decomposition (numpy.linalg.qr), modes 'reduced', 'complete' (square or tall-by-
    reduced only) and 'r'. Full column rank is needed for the gradient."""
    t = _float("qr", a)
    _at_least_2d("qr", t)
    if mode not in ("reduced", "complete", "r"):
        raise ValueError(f"qr: mode must be 'reduced', 'complete' or 'r'; got {mode!r}")
    m, n = t.shape[-2:]
    if m >= n:
        packed = _dec.qr_packed.bind(t)
        q, r = packed[..., :m, :], packed[..., m:, :]
        if mode == "complete" and m > n:
            raise NotImplementedError(
                "qr: mode='complete' of a tall matrix has non-unique extra columns of Q, which "
                "have no gradient; use mode='reduced'"
            )
    else:
        # A wide a = [X Y] with X square: X = Q R1 and R = [R1, Q^T Y], the same Q.
        q, r1 = qr(t[..., :, :m])
        r = concatenate([r1, matmul(_mT(q), t[..., :, m:])], axis=-1)
    return r if mode == "r" else QRResult(q, r)


def pinv(a: TensorLike, rcond: Any = None, hermitian: bool = False, *, rtol: Any = None) -> Tensor:
    """Moore-Penrose pseudo-inverse (numpy.linalg.pinv); its gradient assumes the rank stays
    constant near ``a``."""
    t = _float("pinv", a)
    _at_least_2d("pinv", t)
    if rcond is not None and rtol is not None:
        raise ValueError("pinv: give rcond or rtol, not both")
    tol = rtol if rcond is None else rcond
    return _dec.pinv_raw.bind(t, rtol=tol, hermitian=bool(hermitian))


def lstsq(a: TensorLike, b: TensorLike, rcond: Any = None) -> tuple[Tensor, Tensor, int, Tensor]:
    """Least-squares solution of ``a @ x = b``: x, residuals, rank, singular values
    (numpy.linalg.lstsq); x is ``pinv(a) @ b``, differentiable where the rank is constant."""
    ta, tb = _float("lstsq", a), _float("lstsq", b)
    if ta.ndim != 2 or tb.ndim not in (1, 2) or tb.shape[0] != ta.shape[0]:
        raise np.linalg.LinAlgError(
            f"lstsq: a must be 2-D (M, N) and b (M,) or (M, K); got a {ta.shape}, b {tb.shape}"
        )
    m, n = ta.shape
    x = matmul(pinv(ta, rcond=rcond), tb)
    s = svdvals(ta)
    sv = s.numpy()
    tol = (np.finfo(sv.dtype).eps * max(m, n) if rcond is None else rcond) * (sv.max(initial=0.0))
    rank = int(np.sum(sv > tol))
    if rank == n and m > n:
        r = tb - matmul(ta, x)
        residuals = _sum(r * r, axis=0)
        residuals = reshape(residuals, (1,)) if tb.ndim == 1 else residuals
    else:
        residuals = as_tensor(np.empty((0,), dtype=x.dtype))
    return x, residuals, rank, s


def multi_dot(arrays: Any, *, out: None = None) -> Tensor:
    """Product of two or more matrices, in the cheapest order (numpy.linalg.multi_dot)."""
    if out is not None:
        raise TypeError("multi_dot: out= is not supported (tensors are immutable)")
    ts = [operand(x, "multi_dot") for x in arrays]
    if len(ts) < 2:
        raise ValueError(f"multi_dot: expecting at least two arrays; got {len(ts)}")
    first_1d, last_1d = ts[0].ndim == 1, ts[-1].ndim == 1
    if first_1d:
        ts[0] = reshape(ts[0], (1, -1))
    if last_1d:
        ts[-1] = reshape(ts[-1], (-1, 1))
    if any(t.ndim != 2 for t in ts):
        raise np.linalg.LinAlgError(
            f"multi_dot: arrays must be 2-D (the first and last may be 1-D); got shapes "
            f"{[t.shape for t in ts]}"
        )
    result = _chain(ts, _chain_order([t.shape for t in ts]), 0, len(ts) - 1)
    if first_1d and last_1d:
        return reshape(result, ())
    if first_1d or last_1d:
        return reshape(result, (-1,))
    return result


def _chain_order(shapes: list[tuple[int, ...]]) -> list[list[int]]:
    """The split points of the cheapest parenthesisation (dynamic programming, CLRS 15.2)."""
    dims = [shapes[0][0], *(s[1] for s in shapes)]
    n = len(shapes)
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = -1
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] < 0 or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(ts: list[Tensor], split: list[list[int]], i: int, j: int) -> Tensor:
    if i == j:
        return ts[i]
    k = split[i][j]
    return matmul(_chain(ts, split, i, k), _chain(ts, split, k + 1, j))


def _register_dispatch() -> None:
    """``np.linalg.det(t)`` and friends run these functions (NEP 18); registered here because
    tensor.py, where the table lives, is imported before this module can be."""
    from .tensor import _FUNCTIONS

    for name in __all__:
        func = getattr(np.linalg, name, None)
        if callable(func) and not isinstance(func, type):
            _FUNCTIONS[func] = globals()[name]


_register_dispatch()
