"""Gradient checking and hypothesis strategies, for tapediff's tests and for users' own ops.

:func:`gradcheck` compares the tape's vector-Jacobian product with central finite differences,
and :func:`gradgradcheck` does the same for the gradient itself (second order, through nested
tapes). Both work without hypothesis installed.

The strategies (:func:`arrays`, :func:`shapes`, :func:`broadcastable_shapes`, :func:`axes`,
:func:`permutations`, :func:`reshape_targets`, :func:`floats`, :func:`away_from`, :func:`grid`)
need ``hypothesis``, which tapediff itself does not depend on: it is imported when a strategy is
built, so ``import tapediff.testing`` never needs it.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .tape import Tape
from .tensor import Array, Tensor

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "GradcheckError",
    "arrays",
    "away_from",
    "axes",
    "broadcastable_shapes",
    "floats",
    "gradcheck",
    "gradgradcheck",
    "grid",
    "permutations",
    "reshape_targets",
    "shapes",
]

Outputs = Tensor | Sequence[Tensor]


class GradcheckError(AssertionError):
    """A tape gradient disagrees with finite differences (or the check itself found misuse)."""


# ----- gradient checks -----


def _is_float(x: Any) -> bool:
    """Real or complex floating point: what can be differentiated."""
    return bool(np.issubdtype(np.asarray(x).dtype, np.inexact))


def _wide(x: Any) -> Array:
    """``x`` as a new float64 array, or complex128 if it is complex."""
    arr = np.asarray(x)
    return np.array(arr, dtype=np.complex128 if arr.dtype.kind == "c" else np.float64)


def _as_outputs(out: Any, where: str) -> list[Tensor]:
    outs = [out] if isinstance(out, Tensor) else out
    if not isinstance(outs, list | tuple) or not all(isinstance(o, Tensor) for o in outs):
        raise TypeError(
            f"{where}: f must return a Tensor or a list/tuple of Tensors; got {type(out).__name__}"
        )
    for i, o in enumerate(outs):
        if not np.issubdtype(o.dtype, np.inexact):
            raise TypeError(
                f"{where}: output {i} has dtype {o.dtype}; only floating (real or complex) "
                "outputs have gradients"
            )
    return list(outs)


def _cotangent(rng: np.random.Generator, shape: tuple[int, ...], complex_: bool = False) -> Array:
    # Magnitudes in [0.5, 1.5] with random signs: far from all-ones (so a rule that is only right
    # for a summed loss fails) and far from zero (so no element's error is hidden). A complex
    # output gets such real and imaginary parts.
    magnitude = rng.uniform(0.5, 1.5, size=shape)
    real = np.where(rng.random(size=shape) < 0.5, -magnitude, magnitude)
    if not complex_:
        return real
    return real + 1j * _cotangent(rng, shape)


def _snapshot(x: Any) -> Any:
    if isinstance(x, Tensor):
        return x._array.copy()
    if isinstance(x, np.ndarray):
        return x.copy()
    return None


def _unchanged(x: Any, before: Any) -> bool:
    if before is None:
        return True
    now = x._array if isinstance(x, Tensor) else x
    return bool(now.shape == before.shape and np.array_equal(now, before, equal_nan=True))


def _fail(message: str, raise_exception: bool) -> bool:
    if raise_exception:
        raise GradcheckError(message)
    return False


def _fn_name(f: Callable[..., Any]) -> str:
    owner = getattr(f, "__self__", None)  # a primitive's bind: name the primitive
    name = getattr(owner, "name", None) or getattr(f, "__qualname__", None)
    return str(name or repr(f))


def gradcheck(
    f: Callable[..., Outputs],
    inputs: Sequence[Any],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    raise_exception: bool = True,
    wrt: Sequence[int] | None = None,
    seed: int = 0,
) -> bool:
    """Check the tape's gradients of ``f(*inputs)`` against central finite differences.

    Every floating input (or only the positions in ``wrt``) is cast to float64 (complex ones to
    complex128), watched, and differentiated; other inputs (integer index arrays, boolean
    masks, ...) are passed through unchanged. ``f`` returns a Tensor or a list/tuple of Tensors.
    Each output is weighted by a random cotangent ``v`` (seeded by ``seed``), and the tape's
    ``v @ J`` is compared with the same product formed from the full finite-difference Jacobian
    ``(f(x + eps) - f(x - eps)) / 2 eps``.

    An element passes when ``|analytic - numeric| <= atol + rtol * min(|analytic|, |numeric|)``:
    the relative part is symmetric, so neither side can be made "right" by being huge. The
    defaults suit float64 with ``eps=1e-6``: the finite-difference error is about
    ``1e-16 * |f| / eps + eps**2 * |f'''|``, far below ``atol=1e-5`` for values of moderate size.
    Keep inputs at least ``eps`` away from kinks and domain edges (see :func:`away_from`).

    Complex inputs and outputs follow tapediff's convention (``docs/complex.md``): a complex
    output's cotangent ``v`` is complex and pairs as ``Re(sum(v * f))``, and a complex input
    ``z = x + iy`` is perturbed in its real and its imaginary part, the numeric gradient being
    ``dL/dx - i dL/dy`` for ``L = Re(sum(v * f))``.

    Also fails if ``f`` mutates any input or the tape mutates the cotangent. Returns True on
    success; on failure raises :class:`GradcheckError` naming the input, the worst element, both
    values and the tolerance, or returns False when ``raise_exception=False``.
    """
    return _check(
        f,
        inputs,
        where=f"gradcheck({_fn_name(f)})",
        what="gradient",
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
        wrt=wrt,
        seed=seed,
    )


def _check(
    f: Callable[..., Outputs],
    inputs: Sequence[Any],
    *,
    where: str,
    what: str,
    eps: float,
    atol: float,
    rtol: float,
    raise_exception: bool,
    wrt: Sequence[int] | None,
    seed: int,
) -> bool:
    _check_tolerances(where, eps=eps, atol=atol, rtol=rtol)
    positions = _positions(inputs, wrt, where)
    base = [_wide(x) if i in positions else x for i, x in enumerate(inputs)]
    args: list[Any] = [Tensor(b) if i in positions else b for i, b in enumerate(base)]
    before = [_snapshot(a) for a in args]
    originals = [_snapshot(x) for x in inputs]

    rng = np.random.default_rng(seed)
    with Tape() as tape:
        for i in positions:
            tape.watch(args[i])
        outs = _as_outputs(f(*args), where)
    _refuse_non_finite(where, inputs, positions, outs)
    cotangents = [_cotangent(rng, o.shape, o.dtype.kind == "c") for o in outs]
    seeds = [Tensor(c) for c in cotangents]
    analytic = tape.gradient(
        outs, [args[i] for i in positions], output_gradients=seeds, unconnected_gradients="zero"
    )

    for i, (a, b) in enumerate(zip(args, before, strict=True)):
        if not _unchanged(a, b):
            return _fail(f"{where}: f modified input {i} in place", raise_exception)
    for i, (x, b) in enumerate(zip(inputs, originals, strict=True)):
        if not _unchanged(x, b):
            return _fail(f"{where}: the caller's input {i} was modified", raise_exception)
    for k, (s, c) in enumerate(zip(seeds, cotangents, strict=True)):
        if not _unchanged(s, c):
            return _fail(f"{where}: the output cotangent {k} was modified", raise_exception)

    def evaluate(xs: list[Any]) -> list[Array] | None:
        results = _as_outputs(f(*xs), where)
        if [r.shape for r in results] != [o.shape for o in outs]:
            return None
        return [_wide(r._array) for r in results]

    for k, i in enumerate(positions):
        x = base[i]
        grad = analytic[k]
        if grad.shape != x.shape:
            return _fail(
                f"{where}: gradient for input {i} has shape {grad.shape}, expected {x.shape}",
                raise_exception,
            )
        # One column of the Jacobian per element of x, differenced elementwise before it is
        # weighted by the cotangent (less cancellation than differencing the weighted sums).
        numeric = np.zeros(x.shape, dtype=x.dtype)
        flat = numeric.reshape(-1)
        # A complex input is perturbed along its real and its imaginary part: its cotangent
        # pairs with a change dz as Re(ct * dz), so ct = dL/dx - i dL/dy.
        directions = (1.0, 1j) if x.dtype.kind == "c" else (1.0,)
        for j in range(x.size):
            idx = np.unravel_index(j, x.shape)
            for direction in directions:
                sides = []
                for step in (eps, -eps):
                    shifted = x.copy()
                    shifted[idx] += step * direction
                    xs = list(args)
                    xs[i] = Tensor(shifted)
                    sides.append(evaluate(xs))
                plus, minus = sides
                if plus is None or minus is None:
                    return _fail(
                        f"{where}: the output shapes changed when input {i} was perturbed",
                        raise_exception,
                    )
                slope = sum(
                    float(np.real(np.sum((p - m) / (2 * eps) * c)))
                    for p, m, c in zip(plus, minus, cotangents, strict=True)
                )
                flat[j] += slope if direction == 1.0 else -1j * slope
        ok = _compare(where, what, i, _wide(grad._array), numeric, atol, rtol)
        if ok is not None:
            return _fail(ok, raise_exception)
    return True


def _positions(inputs: Sequence[Any], wrt: Sequence[int] | None, where: str) -> list[int]:
    if isinstance(inputs, Tensor | np.ndarray) or not isinstance(inputs, Sequence):
        raise TypeError(
            f"{where}: inputs must be a list or tuple of the arguments to f; "
            f"got {type(inputs).__name__}"
        )
    if wrt is None:
        positions = [i for i, x in enumerate(inputs) if _is_float(x)]
    else:
        positions = sorted({_wrt_index(where, i, len(inputs)) for i in wrt})
        for i in positions:
            if not _is_float(inputs[i]):
                raise TypeError(
                    f"{where}: input {i} has dtype {np.asarray(inputs[i]).dtype}; "
                    "only floating inputs can be differentiated"
                )
    if not positions:
        raise ValueError(f"{where}: no floating input to differentiate")
    return positions


def _refuse_non_finite(
    where: str, inputs: Sequence[Any], positions: list[int], outs: list[Tensor]
) -> None:
    """Raise if a NaN or inf input makes f's output non-finite: every difference would be NaN.

    Functions that map non-finite inputs to finite outputs (nan_to_num, where) are checked.
    """
    if all(np.isfinite(o._array).all() for o in outs):
        return
    for i in positions:
        bad = int(np.size(inputs[i]) - np.count_nonzero(np.isfinite(np.asarray(inputs[i]))))
        if bad:
            raise ValueError(
                f"{where}: input {i} must be finite to be checked against finite differences; "
                f"it has {bad} NaN or infinite element{'s' if bad != 1 else ''} and f's "
                "output is not finite"
            )


def _wrt_index(where: str, i: Any, n: int) -> int:
    """A position of ``wrt`` as an index into the ``n`` inputs (negative counts from the end)."""
    try:
        index = operator.index(i)
    except TypeError:
        raise TypeError(
            f"{where}: wrt must hold integer positions of inputs; got {type(i).__name__} {i!r}"
        ) from None
    if not -n <= index < n:
        raise IndexError(f"{where}: wrt position {index} is out of range for {n} inputs")
    return index % n


def _check_tolerances(where: str, *, eps: float, atol: float, rtol: float) -> None:
    """eps must be a positive finite step, atol and rtol finite and not negative."""
    for name, value, positive in (("eps", eps, True), ("atol", atol, False), ("rtol", rtol, False)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise TypeError(f"{where}: {name} must be a real number; got {type(value).__name__}")
        ok = math.isfinite(value) and (value > 0 if positive else value >= 0)
        if not ok:
            need = "positive" if positive else "non-negative"
            raise ValueError(f"{where}: {name} must be a finite, {need} number; got {value!r}")


def _compare(
    where: str, what: str, index: int, analytic: Array, numeric: Array, atol: float, rtol: float
) -> str | None:
    """None if every element is within tolerance, else the failure message."""
    diff = np.abs(analytic - numeric)
    tol = atol + rtol * np.minimum(np.abs(analytic), np.abs(numeric))
    bad = ~(diff <= tol)  # NaN on either side fails
    if not bad.any():
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        excess = np.where(np.isnan(diff), np.inf, diff / tol)
    worst = np.unravel_index(int(np.argmax(excess)), analytic.shape)
    pos = tuple(int(w) for w in worst)
    return (
        f"{where}: {what} for input {index} (shape {analytic.shape}) disagrees with finite "
        f"differences at {int(bad.sum())} of {analytic.size} elements; worst at index {pos}: "
        f"analytic={analytic[worst]!r}, numeric={numeric[worst]!r}, "
        f"|difference|={diff[worst]!r} > tolerance {tol[worst]!r} (atol={atol}, rtol={rtol})"
    )


def gradgradcheck(
    f: Callable[..., Outputs],
    inputs: Sequence[Any],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-4,
    raise_exception: bool = True,
    wrt: Sequence[int] | None = None,
    seed: int = 0,
) -> bool:
    """Check second derivatives: :func:`gradcheck` of ``x -> d<f(x), v>/dx`` for a random ``v``.

    The inner gradient is taken with a tape nested inside gradcheck's tape, which is the path
    users take for higher-order derivatives (the inner VJPs are recorded by the outer tape).
    gradcheck's own random cotangent ``w`` then makes this a check of ``w @ H @ v``-style products.
    It checks the tape's second derivatives against its own first derivatives, so run
    :func:`gradcheck` as well: a wrong first derivative built from tapediff ops has a consistent
    derivative of its own. Same arguments, tolerances and return/raise contract as
    :func:`gradcheck`.
    """
    where = f"gradgradcheck({_fn_name(f)})"
    _check_tolerances(where, eps=eps, atol=atol, rtol=rtol)
    positions = _positions(inputs, wrt, where)
    rng = np.random.default_rng(seed + 1)
    cotangents: list[Array] | None = None

    def first_order(*xs: Any) -> list[Tensor]:
        nonlocal cotangents
        with Tape() as inner:
            for i in positions:
                inner.watch(xs[i])
            outs = _as_outputs(f(*xs), where)
        if cotangents is None:
            cotangents = [_cotangent(rng, o.shape, o.dtype.kind == "c") for o in outs]
        seeds = [Tensor(c) for c in cotangents]
        grads = inner.gradient(
            outs, [xs[i] for i in positions], output_gradients=seeds, unconnected_gradients="zero"
        )
        return list(grads)

    return _check(
        first_order,
        inputs,
        where=f"gradgradcheck({_fn_name(f)})",
        what="second derivative (the tape gradient's own gradient)",
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
        wrt=positions,
        seed=seed,
    )


# ----- hypothesis strategies -----


def floats(
    min_value: float = -3.0, max_value: float = 3.0, *, width: int = 64
) -> SearchStrategy[float]:
    """Finite floats in ``[min_value, max_value]`` (no NaN, no inf, no subnormals)."""
    from hypothesis import strategies as st

    return st.floats(
        min_value,
        max_value,
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
        width=width,  # type: ignore[arg-type]
    )


def away_from(
    points: Sequence[float],
    margin: float = 1e-3,
    min_value: float = -3.0,
    max_value: float = 3.0,
    *,
    width: int = 64,
) -> SearchStrategy[float]:
    """Floats in ``[min_value, max_value]`` at least ``margin`` from every one of ``points``.

    For kinks (relu, abs at 0), jumps (floor at integers) and domain edges (log, sqrt at 0).
    A value that lands too close is pushed ``margin`` past the nearest point (to its other side if
    the bound is in the way), so nothing is filtered out. Points must be more than
    ``2 * margin`` apart, and the interval must leave room beside each point.
    """
    pts = sorted(float(p) for p in points)
    if any(b - a <= 2 * margin for a, b in pairwise(pts)):
        raise ValueError(f"away_from: points must be more than 2 * margin = {2 * margin} apart")

    def push(x: float) -> float:
        for p in pts:
            if abs(x - p) < margin:
                up, down = p + 1.5 * margin, p - 1.5 * margin
                return up if (x >= p and up <= max_value) or down < min_value else down
        return x

    def fits(x: float) -> bool:
        return min_value <= x <= max_value and all(abs(x - p) >= margin for p in pts)

    return floats(min_value, max_value, width=width).map(push).filter(fits)


def grid(
    min_value: float = -3.0, max_value: float = 3.0, step: float = 0.125
) -> SearchStrategy[float]:
    """Multiples of ``step`` in ``[min_value, max_value]``.

    Exact ties are frequent and distinct values differ by at least ``step``: right for maximum,
    minimum and sorting-like ops, whose gradients need either exact ties or a clear gap.
    """
    from hypothesis import strategies as st

    lo, hi = int(np.ceil(min_value / step)), int(np.floor(max_value / step))
    if lo > hi:
        raise ValueError(f"grid: no multiple of {step} in [{min_value}, {max_value}]")
    return st.integers(lo, hi).map(lambda k: k * step)


def shapes(
    min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4
) -> SearchStrategy[tuple[int, ...]]:
    """Array shapes with ``min_dims..max_dims`` axes of length ``min_side..max_side``."""
    from hypothesis.extra import numpy as hnp

    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def arrays(
    dtype: npt.DTypeLike = np.float64,
    shape: tuple[int, ...] | int | SearchStrategy[tuple[int, ...]] | None = None,
    *,
    min_value: float = -3.0,
    max_value: float = 3.0,
    elements: SearchStrategy[Any] | None = None,
    unique: bool = False,
) -> SearchStrategy[Array]:
    """Arrays of ``dtype`` and ``shape`` (default: :func:`shapes`) with bounded finite elements.

    Floating elements default to :func:`floats` in ``[min_value, max_value]`` (for complex
    dtypes, the real and the imaginary part); integer ones to integers in that range; pass
    ``elements`` (e.g. :func:`away_from` or :func:`grid`) to say more.
    """
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp

    dt = np.dtype(dtype)
    if elements is None:
        if np.issubdtype(dt, np.floating):
            elements = floats(min_value, max_value, width=min(64, 8 * dt.itemsize))
        elif np.issubdtype(dt, np.integer):
            elements = st.integers(int(np.ceil(min_value)), int(np.floor(max_value)))
        elif dt == np.bool_:
            elements = st.booleans()
        elif dt.kind == "c":
            # Real and imaginary parts each in [min_value, max_value].
            part = floats(min_value, max_value, width=min(64, 4 * dt.itemsize))
            elements = st.builds(complex, part, part)
        else:
            raise TypeError(f"arrays: no default elements for dtype {dt}; pass elements=")
    return hnp.arrays(dt, shapes() if shape is None else shape, elements=elements, unique=unique)


def broadcastable_shapes(
    num_shapes: int = 2,
    min_dims: int = 0,
    max_dims: int = 3,
    min_side: int = 1,
    max_side: int = 4,
) -> SearchStrategy[tuple[tuple[int, ...], ...]]:
    """``num_shapes`` shapes that broadcast together (some axes of length 1, some missing)."""
    from hypothesis.extra import numpy as hnp

    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes,
        min_dims=min_dims,
        max_dims=max_dims,
        min_side=min_side,
        max_side=max_side,
    ).map(lambda b: tuple(b.input_shapes))


def axes(
    ndim: int,
    *,
    allow_none: bool = True,
    allow_int: bool = True,
    allow_tuple: bool = True,
    allow_negative: bool = True,
) -> SearchStrategy[int | tuple[int, ...] | None]:
    """Valid ``axis`` arguments for an array of ``ndim`` axes: None, an int or a tuple of ints.

    Negative axes appear when ``allow_negative``; a tuple never names one axis twice.
    """
    from hypothesis import strategies as st

    def signed(a: int) -> SearchStrategy[int]:
        return st.sampled_from((a, a - ndim)) if allow_negative else st.just(a)

    options: list[SearchStrategy[Any]] = []
    if allow_none:
        options.append(st.none())
    if allow_int and ndim > 0:
        options.append(st.integers(0, ndim - 1).flatmap(signed))
    if allow_tuple and ndim == 0:
        options.append(st.just(()))
    elif allow_tuple:
        options.append(
            st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim).flatmap(
                lambda axs: st.tuples(*(signed(a) for a in axs))
            )
        )
    if not options:
        raise ValueError(f"axes: nothing allowed for ndim={ndim}")
    return st.one_of(*options)


def permutations(ndim: int, *, allow_negative: bool = True) -> SearchStrategy[tuple[int, ...]]:
    """Axis permutations for ``transpose`` of an ``ndim``-axis array (negative entries allowed)."""
    from hypothesis import strategies as st

    perms = st.permutations(list(range(ndim)))
    if not allow_negative:
        return perms.map(tuple)
    return perms.flatmap(lambda p: st.tuples(*(st.sampled_from((a, a - ndim)) for a in p)))


def _prime_factors(n: int) -> list[int]:
    factors, d = [], 2
    while d * d <= n:
        while n % d == 0:
            factors.append(d)
            n //= d
        d += 1
    if n > 1:
        factors.append(n)
    return factors


def reshape_targets(
    shape: tuple[int, ...], *, max_dims: int = 5, allow_minus_one: bool = True
) -> SearchStrategy[tuple[int, ...]]:
    """Shapes with the same number of elements as ``shape``; one entry may be -1.

    The size's prime factors are spread over ``0..max_dims`` axes (padded with 1s); for an empty
    array no -1 is used (NumPy cannot infer it).
    """
    from hypothesis import strategies as st

    size = int(np.prod(shape))
    if size == 0:
        return st.just(tuple(shape))
    factors = _prime_factors(size)

    @st.composite
    def target(draw: Any) -> tuple[int, ...]:
        ndim = draw(st.integers(1 if factors else 0, max_dims))
        dims = [1] * ndim
        for p in factors:
            dims[draw(st.integers(0, ndim - 1))] *= p
        if allow_minus_one and ndim and draw(st.booleans()):
            dims[draw(st.integers(0, ndim - 1))] = -1
        return tuple(dims)

    result: SearchStrategy[tuple[int, ...]] = target()
    return result
