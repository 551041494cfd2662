"""``scipy.integrate`` for tapediff: ``odeint`` with gradients by the adjoint method.

The forward pass is SciPy's ``odeint`` (LSODA) on the values. The backward pass integrates the
adjoint system backwards in time, also with SciPy's ``odeint``, one output interval at a time,
restarting the state from the stored forward solution at each output time. For
``dy/dt = f(y, t, *args)`` and an output cotangent, the augmented state ``[y, a, a_args]``
follows ``[f, -a^T df/dy, -a^T df/dargs]``; the vector-Jacobian products of ``f`` are taken by
tapediff's own tape (``f`` is written with tapediff ops). Gradients reach ``y0``, every time in
``t`` and every floating array in ``args``.

First order only: the backward pass is a numerical integration, not a composition of tapediff
ops, so a tape recording it (a second derivative, ``jvp``) raises NotImplementedError rather
than return a wrong (zero) derivative.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._hidden import no_hidden_inputs
from .._record import tracks
from ..functional import vjp
from ..ops._primitive import VJPArg, primitive, value_of
from ..tensor import Tensor, TensorLike, _wrap, operand
from ._require import scipy_module

__all__ = ["odeint"]

Func = Callable[..., Any]


def _si(op: str) -> Any:
    return scipy_module("scipy.integrate", f"scipy.integrate.{op}")


def _rhs(func: Func, tfirst: bool, y: Any, t: float, args: Sequence[Any]) -> Any:
    return func(t, y, *args) if tfirst else func(y, t, *args)


def _evaluate(func: Func, tfirst: bool, y: Any, t: float, args: Sequence[Any]) -> Any:
    """``func`` on values, as a float64 array shaped like ``y``."""
    out = np.asarray(value_of(_rhs(func, tfirst, _wrap(y), t, args)), dtype=np.float64)
    if out.shape != np.shape(y):
        raise ValueError(
            f"func must return dy/dt of the shape of y, {np.shape(y)}; it returned shape "
            f"{out.shape}"
        )
    return out


def _arg_tensors(args: Sequence[Any]) -> list[Any]:
    return [_wrap(np.asarray(a)) if isinstance(a, np.ndarray | np.generic) else a for a in args]


@primitive("odeint")
def _odeint(y0: Any, t: Any, *args: Any, func: Func, tfirst: bool, options: dict[str, Any]) -> Any:
    targs = _arg_tensors(args)
    with no_hidden_inputs("func"):
        return _si("odeint").odeint(
            lambda y, tt: _evaluate(func, tfirst, y, tt, targs), y0, t, **options
        )


def _floating(x: Any) -> bool:
    return isinstance(x, Tensor | np.ndarray | np.generic | float) and np.issubdtype(
        np.asarray(value_of(x)).dtype, np.floating
    )


def _odeint_vjp(
    g: VJPArg,
    out: VJPArg,
    y0: VJPArg,
    t: VJPArg,
    *args: VJPArg,
    func: Func,
    tfirst: bool,
    options: dict[str, Any],
) -> list[Any]:
    if any(isinstance(x, Tensor) and tracks(x) for x in (g, out, y0, t, *args)):
        raise NotImplementedError(
            "odeint: higher-order derivatives (a tape recording the backward pass: nested "
            "tapes, grad of grad, jvp) are not supported; its gradient is first order only"
        )
    integrate = _si("odeint").odeint
    gv = np.asarray(value_of(g), dtype=np.float64).reshape(np.shape(out))
    ys = np.asarray(value_of(out), dtype=np.float64)
    ts = np.asarray(value_of(t), dtype=np.float64)
    vals = [value_of(a) if isinstance(a, Tensor) else a for a in args]
    which = [i for i, a in enumerate(vals) if _floating(a)]
    shapes = [np.shape(vals[i]) for i in which]
    sizes = [int(np.prod(s)) for s in shapes]
    n = ys.shape[1]

    def pullback(y: Any, tt: float, cot: Any) -> tuple[Any, Any, list[Any]]:
        """f(y, t) and the cotangents of y and of the floating args for cotangent ``cot``."""

        def f_of(yy: Any, *floating: Any) -> Any:
            parts = list(vals)
            for i, v in zip(which, floating, strict=True):
                parts[i] = v
            return _rhs(func, tfirst, yy, tt, _arg_tensors(parts))

        fy, pull = vjp(f_of, y, *(np.asarray(vals[i], dtype=np.float64) for i in which))
        cts = pull(cot)
        return fy.numpy(), cts[0].numpy(), [c.numpy() for c in cts[1:]]

    def augmented(state: Any, tt: float) -> Any:
        y, adj = state[:n], state[n : 2 * n]
        fy, dadj, dargs = pullback(y, tt, -adj)
        return np.concatenate([fy, dadj, *(d.reshape(-1) for d in dargs)])

    with no_hidden_inputs("func"):
        adj = np.zeros(n)
        adj_args = np.zeros(sum(sizes))
        grad_t = np.zeros(ts.shape)
        for i in range(len(ts) - 1, 0, -1):
            adj = adj + gv[i]
            # y(t_i) moves with t_i along f: the direct dependence of output i on t_i.
            grad_t[i] = gv[i] @ _evaluate(func, tfirst, ys[i], float(ts[i]), _arg_tensors(vals))
            state = np.concatenate([ys[i], adj, adj_args])
            state = integrate(augmented, state, ts[i - 1 : i + 1][::-1], **options)[-1]
            adj, adj_args = state[n : 2 * n], state[2 * n :]
        # Moving t_0 shifts every later output by -Phi(t_i, t_0) f(y0, t_0); output 0 is y0.
        grad_t[0] = -adj @ _evaluate(func, tfirst, ys[0], float(ts[0]), _arg_tensors(vals))
        grad_y0 = adj + gv[0]
    # Tensors: an outer tape may be recording (on other tensors), and then VJPs return tensors.
    cts: list[Any] = [_wrap(grad_y0.reshape(np.shape(y0))), _wrap(grad_t)] + [None] * len(args)
    offset = 0
    for i, shape, size in zip(which, shapes, sizes, strict=True):
        cts[2 + i] = _wrap(adj_args[offset : offset + size].reshape(shape))
        offset += size
    return cts


_odeint.defvjp_all(_odeint_vjp)


_OPTIONS = ("rtol", "atol", "tcrit", "h0", "hmax", "hmin", "mxstep", "mxhnil", "mxordn", "mxords")


def odeint(
    func: Func,
    y0: TensorLike,
    t: TensorLike,
    args: tuple[Any, ...] = (),
    Dfun: Any = None,
    col_deriv: int = 0,
    full_output: int = 0,
    *,
    tfirst: bool = False,
    **options: Any,
) -> Tensor:
    """Integrate ``dy/dt = func(y, t, *args)`` (scipy.integrate.odeint); rows of the result are
    ``y`` at the times ``t`` (``t[0]`` the initial time).

    ``func`` is written with tapediff ops; gradients reach ``y0``, ``t`` and the floating
    arrays in ``args`` (the adjoint method). Tolerances and step options (``rtol``, ``atol``,
    ``hmax``, ``mxstep``...) are SciPy's and serve the backward integration too. First order
    only: a second derivative raises NotImplementedError.
    """
    op = "odeint"
    _si(op)
    if not callable(func):
        raise TypeError(f"{op}: func must be callable; got {type(func).__name__}")
    if Dfun is not None or col_deriv or full_output:
        raise NotImplementedError(f"{op}: Dfun, col_deriv and full_output are not supported")
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise TypeError(f"{op}: unexpected keyword argument(s) {unknown}; supported: {_OPTIONS}")
    if not isinstance(args, tuple):
        raise TypeError(f"{op}: extra arguments must be in a tuple; got {type(args).__name__}")
    ty0, tt = operand(y0, op), operand(t, op)
    if ty0.ndim > 1:
        raise ValueError(f"{op}: y0 must be a scalar or a 1-D array; got shape {ty0.shape}")
    if tt.ndim != 1 or tt.shape[0] < 1:
        raise ValueError(
            f"{op}: t must be a 1-D sequence of at least one time; got shape {tt.shape}"
        )
    tv = tt.numpy()
    steps = np.diff(tv)
    if not (np.all(steps > 0) or np.all(steps < 0)):
        raise ValueError(f"{op}: t must be strictly monotonic; got {tv}")
    targs = [operand(a, op) if _floating(a) else a for a in args]
    return _odeint.bind(ty0, tt, *targs, func=func, tfirst=bool(tfirst), options=options)
