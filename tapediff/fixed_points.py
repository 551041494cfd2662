"""``fixed_point``: iterate ``x <- f(a)(x)`` to convergence, differentiated implicitly.

The forward pass iterates without recording anything. At the fixed point ``x* = f(a)(x*)`` the
implicit function theorem gives the VJP: the adjoint ``w`` solves ``w = g + (df/dx)^T w``,
itself a fixed point, and ``a`` gets ``(df/da)^T w``. The adjoint fixed point is solved by
``fixed_point`` again, so its own VJP is implicit too: derivatives of every order are those of
the exact fixed point (to the tolerance of the iterations), never of the unrolled loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np

from ._hidden import no_hidden_inputs
from .functional import vjp
from .ops._primitive import VJPArg, primitive, value_of
from .tensor import Tensor, TensorLike, _wrap, operand

__all__ = ["fixed_point"]

Distance = Callable[[Tensor, Tensor], Any]


def _max_abs_difference(x: Tensor, y: Tensor) -> float:
    return float(np.max(np.abs(x.numpy() - y.numpy()), initial=0.0))


def _rebuild(leaves: Sequence[Any], kind: type | None) -> Any:
    """``a`` as the user gave it: one tensor, or a tuple/list of them."""
    return leaves[0] if kind is None else kind(leaves)


def _iterate(
    fa: Callable[[Any], Any], x0: Any, distance: Distance, tol: float, max_iter: int
) -> Tensor:
    x_prev = x0
    for _ in range(max_iter):
        x = operand(fa(x_prev), "fixed_point")
        if x.shape != x_prev.shape:
            raise ValueError(
                f"f(a) must map x to an x of the same shape; got {x.shape} from {x_prev.shape}"
            )
        if float(value_of(distance(x, x_prev))) <= tol:
            return x
        x_prev = x
    raise RuntimeError(
        f"fixed_point: no convergence to tol={tol} in max_iter={max_iter} iterations; "
        "check that f(a) is a contraction near the fixed point, or raise max_iter"
    )


@primitive("fixed_point")
def _fixed_point(
    *leaves: Any,
    f: Callable[[Any], Callable[[Any], Any]],
    kind: type | None,
    x0: Any,
    distance: Distance,
    tol: float,
    max_iter: int,
) -> Any:
    a = _rebuild([_wrap(np.asarray(x)) for x in leaves], kind)
    with no_hidden_inputs("f"):
        x = _iterate(f(a), _wrap(x0), distance, tol, max_iter)
    return x.numpy()


def _differentiable(leaves: Sequence[Any]) -> list[int]:
    return [
        i for i, x in enumerate(leaves) if np.issubdtype(np.asarray(value_of(x)).dtype, np.floating)
    ]


def _pullback_a(
    f: Callable[[Any], Callable[[Any], Any]], kind: type | None, leaves: Sequence[Any], x: Any
) -> tuple[list[int], Callable[[Any], tuple[Tensor, ...]]]:
    """The positions of the floating leaves of ``a`` and the VJP of ``a -> f(a)(x)`` there."""
    idx = _differentiable(leaves)

    def of_a(*floating: Any) -> Any:
        parts = list(leaves)
        for i, v in zip(idx, floating, strict=True):
            parts[i] = v
        return f(_rebuild(parts, kind))(x)

    _, pull = vjp(of_a, *(leaves[i] for i in idx))
    return idx, pull


def _fixed_point_vjp(
    g: VJPArg,
    out: VJPArg,
    *leaves: VJPArg,
    f: Callable[[Any], Callable[[Any], Any]],
    kind: type | None,
    x0: Any,
    distance: Distance,
    tol: float,
    max_iter: int,
) -> list[Any]:
    def adjoint(params: tuple[Any, ...]) -> Callable[[Any], Any]:
        # w -> g + (d f(a)(x)/dx at x*)^T w, with (g, x*, a) as this fixed point's parameters.
        g_, x_, *a_ = params
        _, pull_x = vjp(lambda x: f(_rebuild(a_, kind))(x), x_)
        return lambda w: g_ + pull_x(w)[0]

    w = fixed_point(
        adjoint,
        (g, out, *leaves),
        np.zeros(np.shape(g), value_of(g).dtype),
        distance,
        tol,
        max_iter,
    )
    idx, pull_a = _pullback_a(f, kind, leaves, out)
    cts: list[Any] = [None] * len(leaves)
    for i, ct in zip(idx, pull_a(w), strict=True):
        cts[i] = ct
    return cts


_fixed_point.defvjp_all(_fixed_point_vjp)


def fixed_point(
    f: Callable[[Any], Callable[[Any], Any]],
    a: TensorLike | Sequence[TensorLike],
    x0: TensorLike,
    distance: Distance | None = None,
    tol: float = 1e-10,
    max_iter: int = 10_000,
) -> Tensor:
    """The fixed point ``x = f(a)(x)`` reached by iterating from ``x0``, differentiable with
    respect to ``a`` (a tensor or a tuple/list of them) by the implicit function theorem.

    Iteration stops when ``distance(x_new, x_old) <= tol`` (default: the largest absolute
    difference); no convergence in ``max_iter`` steps raises RuntimeError. ``f`` must reach
    every differentiated quantity through ``a``: a tracked tensor it closes over raises.
    """
    if not callable(f):
        raise TypeError(f"fixed_point: f must be callable (a -> (x -> x)); got {type(f).__name__}")
    kind: type | None = None
    if isinstance(a, tuple | list):
        kind = type(a)
        leaves = [operand(x, "fixed_point") for x in a]
    else:
        leaves = [operand(cast(TensorLike, a), "fixed_point")]
    start = np.array(value_of(x0))
    if not np.issubdtype(start.dtype, np.floating):
        start = start.astype(np.float64)
    if not (isinstance(max_iter, int) and max_iter > 0):
        raise ValueError(f"fixed_point: max_iter must be a positive integer; got {max_iter!r}")
    return _fixed_point.bind(
        *leaves,
        f=f,
        kind=kind,
        x0=start,
        distance=_max_abs_difference if distance is None else distance,
        tol=float(tol),
        max_iter=max_iter,
    )
