"""More of NumPy's numeric functions: ptp, cov, corrcoef, the vector products (vdot, vecdot,
matvec, vecmat, matrix_transpose), trapezoid, interp, 1-D convolve/correlate, polyval,
meshgrid, broadcast_arrays, delete, insert, select, compress, extract, resize, unstack and the
NumPy 2 cumulative_sum/cumulative_prod.

All but convolve are compositions of existing differentiable ops (gathers, where, sums,
products), so their gradients and second derivatives follow. convolve is one primitive whose
VJPs are convolutions themselves (of the cotangent with the other operand, flipped), so it
is differentiable to every order. NumPy's names, signatures and dtypes (cov, corrcoef and
interp compute in at least float64, as NumPy does).

Conventions: ptp's ties split the gradient as max/min do; interp is piecewise linear in x, and
at a knot x == xp[i] it takes the slope of the interval to the right (the last interval at
xp[-1]); its gradient with respect to x is 0 outside [xp[0], xp[-1]]. xp, the weights of cov,
the conditions of select/compress/extract and the indices of delete/insert are constants (a
tensor a tape tracks there is refused rather than given no gradient).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..tensor import Axis, Tensor, TensorLike, _wrap, operand
from ._axes import axis_index
from ._primitive import primitive, value_of
from .complex import conj
from .cumulative import cumprod, cumsum, diff
from .elementwise import astype, clip, sqrt, where
from .indexing import getitem, take
from .layout import atleast_2d, diagonal, flip
from .linalg import matmul
from .reductions import max as _max
from .reductions import min as _min
from .reductions import sum
from .shape import broadcast_to, concatenate, moveaxis, reshape, swapaxes
from .stats import average

__all__ = [
    "broadcast_arrays",
    "compress",
    "convolve",
    "corrcoef",
    "correlate",
    "cov",
    "cumulative_prod",
    "cumulative_sum",
    "delete",
    "extract",
    "insert",
    "interp",
    "matrix_transpose",
    "matvec",
    "meshgrid",
    "polyval",
    "ptp",
    "resize",
    "select",
    "trapezoid",
    "unstack",
    "vdot",
    "vecdot",
    "vecmat",
]


def _constant(op: str, what: str, value: Any) -> Any:
    """``value`` as an array; a tensor is read by value unless a tape tracks it (then its
    gradient would be lost: refused)."""
    if isinstance(value, Tensor):
        from .._record import tracks

        if tracks(value):
            raise TypeError(
                f"{op}: {what} is a constant and gets no gradient, but a tape is tracking the "
                "tensor given for it; pass td.stop_gradient(...) or its values to drop the "
                "gradient explicitly"
            )
        return value._array
    return value


def _conj(t: Tensor) -> Tensor:
    return conj(t) if t.dtype.kind == "c" else t


# ----- ptp -----


def ptp(a: TensorLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Range ``max - min`` over the given axes (numpy.ptp); ties split the gradient evenly."""
    t = operand(a, "ptp")
    return _max(t, axis=axis, keepdims=keepdims) - _min(t, axis=axis, keepdims=keepdims)


# ----- cov, corrcoef -----


def _weights(op: str, what: str, w: Any, n: int, integer: bool) -> Any:
    arr = np.asarray(_constant(op, what, w), dtype=float)
    if arr.ndim > 1:
        raise RuntimeError(f"{op}: cannot handle multidimensional {what} (shape {arr.shape})")
    if arr.shape[0] != n:
        raise RuntimeError(
            f"{op}: incompatible numbers of samples and {what} ({n} vs {arr.shape[0]})"
        )
    if integer and not np.all(arr == np.around(arr)):
        raise TypeError(f"{op}: {what} must be integers")
    if np.any(arr < 0):
        raise ValueError(f"{op}: {what} cannot be negative")
    return arr


def cov(
    m: TensorLike,
    y: TensorLike | None = None,
    rowvar: bool = True,
    bias: bool = False,
    ddof: int | None = None,
    fweights: Any = None,
    aweights: Any = None,
    *,
    dtype: npt.DTypeLike | None = None,
) -> Tensor:
    """Covariance matrix of the variables in ``m`` (and ``y``) (numpy.cov); the weights are
    constants."""
    if ddof is not None and ddof != int(ddof):
        raise ValueError(f"cov: ddof must be an integer; got {ddof!r}")
    x = operand(m, "cov")
    if x.ndim > 2:
        raise ValueError(f"cov: m has more than 2 dimensions (shape {x.shape})")
    target = np.result_type(x.dtype, np.float64) if dtype is None else np.dtype(dtype)
    if y is not None:
        yt = operand(y, "cov")
        if yt.ndim > 2:
            raise ValueError(f"cov: y has more than 2 dimensions (shape {yt.shape})")
        if dtype is None:
            target = np.result_type(target, yt.dtype)
    x = astype(atleast_2d(x), target)
    if not rowvar and x.shape[0] != 1:
        x = swapaxes(x, 0, 1)
    if x.shape[0] == 0:
        return _wrap(np.array([], dtype=target).reshape(0, 0))
    if y is not None:
        yy = astype(atleast_2d(yt), target)
        if not rowvar and yy.shape[0] != 1:
            yy = swapaxes(yy, 0, 1)
        x = concatenate([x, yy], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    n = x.shape[1]
    w = None
    if fweights is not None:
        w = _weights("cov", "fweights", fweights, n, integer=True)
    if aweights is not None:
        aw = _weights("cov", "aweights", aweights, n, integer=False)
        w = aw if w is None else w * aw
    wt = None if w is None else _wrap(w.astype(target))
    avg = average(x, axis=1, weights=None if wt is None else broadcast_to(wt, x.shape))
    if w is None:
        fact: Any = n - ddof
    elif ddof == 0:
        fact = float(w.sum())
    elif aweights is None:
        fact = float(w.sum()) - ddof
    else:
        fact = float(w.sum()) - ddof * float((w * aw).sum()) / float(w.sum())
    if fact <= 0:
        # As NumPy: a warning, and a division by zero (inf or nan).
        import warnings

        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=2)
        fact = 0.0
    xc = x - reshape(avg, (-1, 1))
    xw = xc if wt is None else xc * wt
    with np.errstate(divide="ignore", invalid="ignore"):
        c = matmul(xc, _conj(swapaxes(xw, 0, 1))) * (1.0 / np.asarray(fact, dtype=target))
    return reshape(c, ()) if c.shape == (1, 1) else c


def corrcoef(
    x: TensorLike,
    y: TensorLike | None = None,
    rowvar: bool = True,
    *,
    dtype: npt.DTypeLike | None = None,
) -> Tensor:
    """Pearson correlation coefficients (numpy.corrcoef), clipped to [-1, 1] as NumPy does."""
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return c / c  # NumPy's scalar case (1, or nan)
    d = diagonal(c)
    std = sqrt(d.real if d.dtype.kind == "c" else d)
    c = c / reshape(std, (-1, 1)) / reshape(std, (1, -1))
    if c.dtype.kind == "c":
        raise TypeError("corrcoef: complex input is not supported")
    return clip(c, -1, 1)


# ----- vector and matrix products -----


def vdot(a: TensorLike, b: TensorLike, /) -> Tensor:
    """Dot product of the flattened inputs, the first conjugated (numpy.vdot)."""
    ta, tb = operand(a, "vdot"), operand(b, "vdot")
    if ta.size != tb.size:
        raise ValueError(
            f"vdot: the inputs must have the same number of elements; got shapes {ta.shape} "
            f"({ta.size}) and {tb.shape} ({tb.size})"
        )
    return sum(_conj(reshape(ta, -1)) * reshape(tb, -1))


def vecdot(x1: TensorLike, x2: TensorLike, /, *, axis: int = -1) -> Tensor:
    """Vector dot product along ``axis``, broadcast over the others, x1 conjugated
    (numpy.vecdot, numpy.linalg.vecdot)."""
    t1, t2 = operand(x1, "vecdot"), operand(x2, "vecdot")
    if t1.ndim == 0 or t2.ndim == 0:
        raise ValueError(
            f"vecdot: the inputs must have at least one axis; got shapes {t1.shape}, {t2.shape}"
        )
    a1, a2 = axis_index("vecdot", axis, t1.shape), axis_index("vecdot", axis, t2.shape)
    if t1.shape[a1] != t2.shape[a2]:
        raise ValueError(
            f"vecdot: the vectors along axis {axis} have lengths {t1.shape[a1]} (x1 of shape "
            f"{t1.shape}) and {t2.shape[a2]} (x2 of shape {t2.shape})"
        )
    u, v = moveaxis(t1, a1, -1), moveaxis(t2, a2, -1)
    try:
        np.broadcast_shapes(u.shape[:-1], v.shape[:-1])
    except ValueError:
        raise ValueError(
            f"vecdot: the shapes {t1.shape} and {t2.shape} do not broadcast (outside axis {axis})"
        ) from None
    return sum(_conj(u) * v, axis=-1)


def matvec(x1: TensorLike, x2: TensorLike, /) -> Tensor:
    """Matrix-vector product over the last axes, broadcast over the others (numpy.matvec)."""
    a, v = operand(x1, "matvec"), operand(x2, "matvec")
    if a.ndim < 2 or v.ndim < 1 or a.shape[-1] != v.shape[-1]:
        raise ValueError(
            f"matvec: expected a matrix (..., m, n) and a vector (..., n); got shapes {a.shape} "
            f"and {v.shape}"
        )
    return reshape_last(matmul(a, v[..., None]), -1)


def vecmat(x1: TensorLike, x2: TensorLike, /) -> Tensor:
    """Vector-matrix product over the last axes, the vector conjugated (numpy.vecmat)."""
    v, a = operand(x1, "vecmat"), operand(x2, "vecmat")
    if a.ndim < 2 or v.ndim < 1 or a.shape[-2] != v.shape[-1]:
        raise ValueError(
            f"vecmat: expected a vector (..., n) and a matrix (..., n, m); got shapes {v.shape} "
            f"and {a.shape}"
        )
    return reshape_last(matmul(_conj(v)[..., None, :], a), -2)


def reshape_last(t: Tensor, axis: int) -> Tensor:
    """``t`` without its length-1 axis ``axis`` (-1 or -2)."""
    shape = list(t.shape)
    del shape[axis]
    return reshape(t, tuple(shape))


def matrix_transpose(x: TensorLike, /) -> Tensor:
    """The last two axes swapped (numpy.matrix_transpose, numpy.linalg.matrix_transpose)."""
    t = operand(x, "matrix_transpose")
    if t.ndim < 2:
        raise ValueError(f"matrix_transpose: expected at least 2 dimensions; got shape {t.shape}")
    return swapaxes(t, -1, -2)


# ----- integration, interpolation, polynomials -----


def trapezoid(y: TensorLike, x: TensorLike | None = None, dx: Any = 1.0, axis: int = -1) -> Tensor:
    """Integral of ``y`` by the trapezoidal rule along ``axis``, at sample points ``x`` or
    spacing ``dx`` (numpy.trapezoid); differentiable in y, x and dx."""
    t = operand(y, "trapezoid")
    if t.ndim == 0:
        raise ValueError("trapezoid: y must have at least one dimension; got a 0-d value")
    ax = axis_index("trapezoid", axis, t.shape)
    if x is None:
        d: Any = dx
    else:
        xt = operand(x, "trapezoid")
        if xt.ndim == 1:
            if xt.shape[0] != t.shape[ax]:
                raise ValueError(
                    f"trapezoid: x has {xt.shape[0]} points but y has {t.shape[ax]} along "
                    f"axis {axis}"
                )
            shape = [1] * t.ndim
            shape[ax] = max(xt.shape[0] - 1, 0)
            d = reshape(diff(xt), tuple(shape))
        else:
            d = diff(xt, axis=ax)
    n = t.shape[ax]
    lo = (slice(None),) * ax + (slice(1, None),)
    hi = (slice(None),) * ax + (slice(None, n - 1),)
    return sum(d * (getitem(t, lo) + getitem(t, hi)) / 2.0, axis=ax)


def interp(
    x: TensorLike,
    xp: Any,
    fp: TensorLike,
    left: Any = None,
    right: Any = None,
    period: Any = None,
) -> Tensor:
    """One-dimensional piecewise-linear interpolation (numpy.interp); differentiable in x and
    fp, xp (increasing) is a constant."""
    xs = operand(x, "interp")
    f = operand(fp, "interp")
    xpa = np.asarray(_constant("interp", "xp", xp), dtype=np.float64)
    for name, v in (("left", left), ("right", right)):
        _constant("interp", name, v)
    if xpa.ndim != 1 or f.ndim != 1:
        raise ValueError(f"interp: xp and fp must be 1-D; got shapes {xpa.shape} and {f.shape}")
    if xpa.shape[0] != f.shape[0]:
        raise ValueError(
            f"interp: fp and xp are not of the same length ({f.shape[0]} and {xpa.shape[0]})"
        )
    if xpa.shape[0] == 0:
        raise ValueError("interp: array of sample points is empty")
    if f.dtype.kind == "c":
        raise TypeError("interp: complex fp is not supported")
    target = np.result_type(f.dtype, np.float64)
    f = astype(f, target)
    if xs.dtype.kind not in "fc" or xs.dtype != target:
        xs = astype(xs, target)
    if period is not None:
        period = float(_constant("interp", "period", period))
        if period == 0:
            raise ValueError("interp: period must be a non-zero value")
        period = abs(period)
        left = right = None
        xs = xs % period
        order = np.argsort(xpa % period, kind="stable")
        xpa = (xpa % period)[order]
        f = take(f, order)
        xpa = np.concatenate([xpa[-1:] - period, xpa, xpa[:1] + period])
        f = concatenate([f[-1:], f, f[:1]])
    xv = value_of(xs)
    n = xpa.shape[0]
    if n == 1:
        inner = broadcast_to(f[0], xs.shape)
    else:
        j = np.clip(np.searchsorted(xpa, xv, side="right") - 1, 0, n - 2)
        lo = _wrap(xpa[j].astype(target))
        width = _wrap((xpa[j + 1] - xpa[j]).astype(target))
        f0, f1 = take(f, j), take(f, j + 1)
        # NumPy's own formula: slope * (x - xp[j]) + fp[j].
        inner = (f1 - f0) / width * (xs - lo) + f0
    lval: Any = f[0] if left is None else np.asarray(left, dtype=target)
    rval: Any = f[-1] if right is None else np.asarray(right, dtype=target)
    out = where(xv > xpa[-1], rval, inner)
    return where(xv < xpa[0], lval, out)


def polyval(p: TensorLike, x: TensorLike) -> Tensor:
    """Value of the polynomial with coefficients ``p`` (highest power first) at ``x``
    (numpy.polyval), by Horner's rule; differentiable in p and x."""
    c = operand(p, "polyval")
    xt = operand(x, "polyval")
    if c.ndim != 1:
        raise ValueError(f"polyval: p must be 1-D coefficients; got shape {c.shape}")
    y: Any = _wrap(np.zeros_like(xt._array))
    for i in range(c.shape[0]):
        y = y * xt + c[i]
    return y if isinstance(y, Tensor) else _wrap(np.asarray(y))


# ----- convolve, correlate -----


def _convolve_full(a: Any, v: Any) -> Any:
    return np.convolve(a, v, "full")


_conv = primitive("convolve", arity=2)(_convolve_full)


def _conv_full(a: Any, v: Any) -> Tensor:
    return _conv.bind(a, v)


def _correlate_valid(g: Any, v: Any, n: int) -> Tensor:
    """sum_m g[k + m] v[m] for k < n: the transpose of the full convolution with v."""
    m = np.shape(value_of(v))[0]
    return getitem(_conv_full(g, flip(v)), slice(m - 1, m - 1 + n))


# out[k] = sum_i a[i] v[k - i]: d/da[i] = sum_k g[k] v[k - i], likewise for v.
_conv.defvjp(
    lambda g, out, a, v: _correlate_valid(g, v, np.shape(value_of(a))[0]),
    lambda g, out, a, v: _correlate_valid(g, a, np.shape(value_of(v))[0]),
)


def _mode_slice(op: str, mode: str, la: int, lv: int) -> slice:
    """The part of the full result that ``mode`` keeps."""
    full = la + lv - 1
    if mode == "full":
        return slice(0, full)
    lo, hi = (la, lv) if la <= lv else (lv, la)
    if mode == "same":
        # NumPy centres the result; when it swaps correlate's operands (a shorter than v),
        # the odd element falls on the other side.
        extra = full - hi
        start = (extra + 1) // 2 if op == "correlate" and la < lv else extra // 2
        return slice(start, start + hi)
    if mode == "valid":
        return slice(lo - 1, hi)
    raise ValueError(f"{op}: mode must be 'full', 'same' or 'valid'; got {mode!r}")


def _vectors(op: str, a: TensorLike, v: TensorLike) -> tuple[Tensor, Tensor]:
    ta, tv = operand(a, op), operand(v, op)
    for name, t in (("a", ta), ("v", tv)):
        if t.ndim != 1:
            raise ValueError(f"{op}: {name} must be 1-D; got shape {t.shape}")
        if t.shape[0] == 0:
            raise ValueError(f"{op}: {name} cannot be empty")
    if ta.dtype.kind == "c" or tv.dtype.kind == "c":
        raise TypeError(f"{op}: complex input is not supported")
    return ta, tv


def convolve(a: TensorLike, v: TensorLike, mode: str = "full") -> Tensor:
    """Discrete linear convolution of two 1-D sequences (numpy.convolve), modes full, same and
    valid; differentiable in both."""
    ta, tv = _vectors("convolve", a, v)
    s = _mode_slice("convolve", mode, ta.shape[0], tv.shape[0])
    out = _conv_full(ta, tv)
    return out if mode == "full" else getitem(out, s)


def correlate(a: TensorLike, v: TensorLike, mode: str = "valid") -> Tensor:
    """Cross-correlation of two 1-D sequences, ``c[k] = sum_n a[n + k] v[n]`` (numpy.correlate),
    modes valid, same and full; differentiable in both."""
    ta, tv = _vectors("correlate", a, v)
    s = _mode_slice("correlate", mode, ta.shape[0], tv.shape[0])
    out = _conv_full(ta, flip(tv))
    return out if mode == "full" else getitem(out, s)


# ----- grids and broadcasting -----


def meshgrid(
    *xi: TensorLike, copy: bool = True, sparse: bool = False, indexing: str = "xy"
) -> tuple[Tensor, ...]:
    """Coordinate arrays from coordinate vectors (numpy.meshgrid), indexing 'xy' or 'ij'.

    ``copy`` is accepted for NumPy's signature: tensors are immutable, so the broadcast
    results never share writable memory."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij'; got {indexing!r}")
    ts = [reshape(operand(x, "meshgrid"), -1) for x in xi]
    ndim = len(ts)
    out = []
    for i, t in enumerate(ts):
        shape = [1] * ndim
        shape[i] = t.shape[0]
        out.append(reshape(t, tuple(shape)))
    if indexing == "xy" and ndim > 1:
        for i in range(ndim):
            s = list(out[i].shape)
            s[0], s[1] = s[1], s[0]
            out[i] = reshape(out[i], tuple(s))
    if not sparse:
        full = np.broadcast_shapes(*(o.shape for o in out))
        out = [broadcast_to(o, full) for o in out]
    return tuple(out)


def broadcast_arrays(*args: TensorLike, subok: bool = False) -> tuple[Tensor, ...]:
    """The inputs broadcast against each other (numpy.broadcast_arrays); ``subok`` is accepted
    for NumPy's signature."""
    ts = [operand(a, "broadcast_arrays") for a in args]
    try:
        shape = np.broadcast_shapes(*(t.shape for t in ts))
    except ValueError:
        raise ValueError(
            "broadcast_arrays: shapes " + ", ".join(str(t.shape) for t in ts) + " do not broadcast"
        ) from None
    return tuple(t if t.shape == shape else broadcast_to(t, shape) for t in ts)


# ----- delete, insert, select, compress, extract, resize, unstack -----


def _gathered(pool: Tensor, labels: Any) -> Tensor:
    """``pool`` gathered at the flat positions ``labels`` (an integer array of any shape)."""
    flat = take(pool, labels.reshape(-1))
    return reshape(flat, labels.shape)


def delete(arr: TensorLike, obj: Any, axis: int | None = None) -> Tensor:
    """``arr`` without the entries ``obj`` along ``axis`` (numpy.delete); obj is a constant."""
    t = operand(arr, "delete")
    obj = _constant("delete", "obj", obj)
    # NumPy's own delete on the flat positions of arr says where every output element is from.
    labels = np.delete(np.arange(t.size).reshape(t.shape), obj, axis=axis)
    return _gathered(reshape(t, -1), labels)


def insert(arr: TensorLike, obj: Any, values: TensorLike, axis: int | None = None) -> Tensor:
    """``arr`` with ``values`` inserted before the indices ``obj`` along ``axis``
    (numpy.insert); differentiable in arr and values, obj is a constant."""
    t = operand(arr, "insert")
    vals = operand(values, "insert")
    obj = _constant("insert", "obj", obj)
    # NumPy's own insert on labels: arr's flat positions, and values' positions after them
    # (negative, so NumPy keeps them apart), laid out exactly as NumPy lays out the values.
    base = np.arange(t.size, dtype=np.int64).reshape(t.shape)
    vlabels = -1 - np.arange(vals.size, dtype=np.int64).reshape(vals.shape)
    labels = np.insert(base, obj, vlabels, axis=axis)
    labels = np.where(labels >= 0, labels, t.size - 1 - labels)
    if vals.dtype != t.dtype:
        vals = astype(vals, t.dtype)  # NumPy casts the values to arr's dtype
    pool = concatenate([reshape(t, -1), reshape(vals, -1)])
    return _gathered(pool, labels)


def select(condlist: Sequence[Any], choicelist: Sequence[TensorLike], default: Any = 0) -> Tensor:
    """Elements of the first choice whose condition holds, else ``default`` (numpy.select);
    differentiable in the choices and default."""
    if len(condlist) != len(choicelist):
        raise ValueError(
            f"select: list of cases must be same length as list of conditions "
            f"({len(choicelist)} choices, {len(condlist)} conditions)"
        )
    if len(choicelist) == 0:
        raise ValueError("select: select with an empty condition list is not possible")
    conds = [np.asarray(_constant("select", "condlist", c)) for c in condlist]
    for i, c in enumerate(conds):
        if c.dtype != np.bool_:
            raise TypeError(f"select: invalid entry {i} in condlist: should be boolean ndarray")
    choices = [operand(c, "select") for c in choicelist]
    d = operand(default, "select")
    dtype = np.result_type(*(c.dtype for c in choices), d.dtype)
    result: Tensor = astype(d, dtype)
    for c, ch in zip(reversed(conds), reversed(choices), strict=True):
        result = where(c, astype(ch, dtype), result)
    shape = np.broadcast_shapes(*(c.shape for c in conds), *(c.shape for c in choices), d.shape)
    return result if result.shape == shape else broadcast_to(result, shape)


def compress(condition: Any, a: TensorLike, axis: int | None = None) -> Tensor:
    """The slices of ``a`` along ``axis`` where ``condition`` is true (numpy.compress)."""
    t = operand(a, "compress")
    cond = np.asarray(_constant("compress", "condition", condition))
    if cond.ndim != 1:
        raise ValueError(f"compress: condition must be a 1-d array; got shape {cond.shape}")
    if axis is None:
        t, ax = reshape(t, -1), 0
    else:
        ax = axis_index("compress", axis, t.shape)
    n = t.shape[ax]
    idx = np.flatnonzero(cond)
    if idx.size and idx[-1] >= n:
        raise IndexError(
            f"compress: condition is true at index {idx[-1]}, past the {n} entries of axis {ax}"
        )
    return take(t, idx, axis=ax)


def extract(condition: Any, arr: TensorLike) -> Tensor:
    """The elements of ``arr`` where ``condition`` is true, flattened (numpy.extract)."""
    t = operand(arr, "extract")
    cond = np.asarray(_constant("extract", "condition", condition))
    idx = np.flatnonzero(cond)
    if idx.size and idx[-1] >= t.size:
        raise IndexError(
            f"extract: condition is true at flat index {idx[-1]}, past the {t.size} elements "
            f"of arr (shape {t.shape})"
        )
    return take(reshape(t, -1), idx)


def resize(a: TensorLike, new_shape: int | Sequence[int]) -> Tensor:
    """``a`` flattened, repeated cyclically to fill ``new_shape`` (numpy.resize)."""
    t = operand(a, "resize")
    shape = (new_shape,) if isinstance(new_shape, int | np.integer) else tuple(new_shape)
    try:
        shape = tuple(operator.index(s) for s in shape)
    except TypeError:
        raise TypeError(f"resize: new_shape must be integers; got {new_shape!r}") from None
    if any(s < 0 for s in shape):
        raise ValueError(f"resize: all elements of `new_shape` must be non-negative; got {shape}")
    size = math.prod(shape)
    if t.size == 0 or size == 0:
        return _wrap(np.zeros(shape, dtype=t.dtype))
    return _gathered(reshape(t, -1), np.arange(size).reshape(shape) % t.size)


def unstack(x: TensorLike, /, *, axis: int = 0) -> tuple[Tensor, ...]:
    """The slices of ``x`` along ``axis`` (numpy.unstack)."""
    t = operand(x, "unstack")
    if t.ndim == 0:
        raise ValueError("unstack: input array must be at least 1-d; got a 0-d value")
    ax = axis_index("unstack", axis, t.shape)
    moved = moveaxis(t, ax, 0)
    return tuple(moved[i] for i in range(moved.shape[0]))


# ----- cumulative_sum, cumulative_prod -----


def _cumulative(
    op: str, x: TensorLike, axis: int | None, dtype: Any, include_initial: bool, initial: float
) -> Tensor:
    t = operand(x, op)
    if axis is None:
        if t.ndim != 1:
            raise ValueError(
                f"{op}: axis must be given for an input of more than one dimension, or of 0; "
                f"got shape {t.shape}"
            )
        ax = 0
    else:
        ax = axis_index(op, axis, t.shape)
    out = (cumsum if initial == 0 else cumprod)(t, ax, dtype)
    if not include_initial:
        return out
    shape = list(out.shape)
    shape[ax] = 1
    return concatenate([_wrap(np.full(shape, initial, dtype=out.dtype)), out], axis=ax)


def cumulative_sum(
    x: TensorLike,
    /,
    *,
    axis: int | None = None,
    dtype: npt.DTypeLike | None = None,
    include_initial: bool = False,
) -> Tensor:
    """Cumulative sum along ``axis`` (numpy.cumulative_sum); ``include_initial`` puts a 0 first."""
    return _cumulative("cumulative_sum", x, axis, dtype, include_initial, 0.0)


def cumulative_prod(
    x: TensorLike,
    /,
    *,
    axis: int | None = None,
    dtype: npt.DTypeLike | None = None,
    include_initial: bool = False,
) -> Tensor:
    """Cumulative product along ``axis`` (numpy.cumulative_prod); ``include_initial`` puts a 1
    first."""
    return _cumulative("cumulative_prod", x, axis, dtype, include_initial, 1.0)
