"""``numpy.linalg`` for tapediff: determinants, inverses, solves, cholesky, norms.

Every function is batched over leading axes like NumPy, keeps float32 as float32 and raises
NumPy's ``LinAlgError`` from the forward for singular or non-positive-definite input. VJPs are
written with tapediff ops (inv, solve, matmul...), so second derivatives work too.
Input to ``cholesky`` is assumed symmetric: its gradient is the symmetric one (as in autograd
and JAX), not the derivative with respect to the lower triangle NumPy reads.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .ops._primitive import VJPArg, primitive, value_of
from .ops.elementwise import absolute, multiply, power, where
from .ops.linalg import matmul
from .ops.reductions import max as _max
from .ops.reductions import min as _min
from .ops.reductions import sum as _sum
from .ops.shape import expand_dims, reshape, swapaxes
from .tensor import Tensor, TensorLike, as_tensor, operand

__all__ = ["cholesky", "det", "inv", "matrix_power", "norm", "slogdet", "solve"]


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


def _float(op: str, a: TensorLike) -> Tensor:
    t = operand(a, op)
    if not np.issubdtype(t.dtype, np.floating):
        t = as_tensor(t.numpy().astype(np.float64))
    return t


# ----- inv, det, slogdet -----

_inv = primitive("inv", arity=1)(np.linalg.inv)
_inv.defvjp(lambda g, out, a: -matmul(_mT(out), matmul(g, _mT(out))))


def inv(a: TensorLike) -> Tensor:
    """Inverse of a (stack of) square matrices (numpy.linalg.inv); singular: LinAlgError."""
    t = _float("inv", a)
    _square("inv", t)
    return _inv.bind(t)


_det = primitive("det", arity=1)(np.linalg.det)
# d det(A) = det(A) tr(A^-1 dA): the cotangent is g det(A) A^-T. A singular A has det 0 and a
# non-zero gradient (its adjugate), which inv cannot give: the backward pass raises LinAlgError.
_det.defvjp(lambda g, out, a: multiply(expand_dims(g * out, (-1, -2)), _mT(inv(a))))


def det(a: TensorLike) -> Tensor:
    """Determinant of a (stack of) square matrices (numpy.linalg.det).

    Its gradient needs the inverse: at a singular matrix the backward pass raises LinAlgError
    rather than returning a wrong gradient.
    """
    t = _float("det", a)
    _square("det", t)
    return _det.bind(t)


_logabsdet = primitive("slogdet", arity=1)(lambda a: np.linalg.slogdet(a)[1])
_logabsdet.defvjp(lambda g, out, a: multiply(expand_dims(g, (-1, -2)), _mT(inv(a))))


def slogdet(a: TensorLike) -> tuple[Tensor, Tensor]:
    """Sign and log of the absolute determinant (numpy.linalg.slogdet).

    The sign is piecewise constant (no gradient); ``logabsdet`` has gradient ``A^-T``.
    """
    t = _float("slogdet", a)
    _square("slogdet", t)
    sign = np.linalg.slogdet(t.numpy())[0]
    return as_tensor(np.asarray(sign)), _logabsdet.bind(t)


# ----- solve -----

_solve = primitive("solve", arity=2)(np.linalg.solve)


def _solve_vjp_all(g: VJPArg, out: VJPArg, a: VJPArg, b: VJPArg) -> list[Any]:
    if np.ndim(b) == 1:  # b a vector (NumPy 2: only when b is 1-D); x has shape (..., M)
        gb = solve(_mT(a), expand_dims(g, -1))  # (..., M, 1)
        return [-multiply(gb, expand_dims(out, -2)), reshape(gb, gb.shape[:-1])]
    gb = solve(_mT(a), g)
    return [-matmul(gb, _mT(out)), gb]


_solve.defvjp_all(_solve_vjp_all)


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
    return _solve.bind(ta, tb)


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
        raise NotImplementedError(
            f"norm: matrix norm ord={ord!r} needs singular values, which tapediff.linalg does "
            "not differentiate yet"
        )
    raise ValueError(f"norm: invalid norm order {ord!r} for matrices")


def norm(x: TensorLike, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:
    """Vector or matrix norm (numpy.linalg.norm).

    Vector orders: None/2, 1, inf, -inf, 0 (count of non-zeros, no gradient) and any real p;
    matrix orders (2-D x or a pair of axes): None/'fro', 1, -1, inf, -inf. The gradient at
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
