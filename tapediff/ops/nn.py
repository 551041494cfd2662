"""Neural-network helpers: softmax, log_softmax and cross-entropy on raw logits.

Each is a primitive with its own VJP rather than a composition of exp/sum/log: the forward shifts
by the maximum so it never overflows, and the VJPs (``softmax' = out * (g - sum(g * out))``,
``log_softmax' = g - exp(out) * sum(g)``, ``cross_entropy' = softmax * sum(labels) - labels``)
are one pass each instead of the four or five records a composition would leave on the tape.
The VJPs are written with tapediff ops, so second derivatives work.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._errors import non_numeric_error
from ..tensor import Tensor, TensorLike, _wrap
from ._axes import axis_index, axis_tuple
from ._primitive import primitive
from .elementwise import exp
from .reductions import sum as _sum
from .shape import reshape

__all__ = ["cross_entropy", "log_softmax", "softmax"]

AxisArg = int | tuple[int, ...]


def _axis_param(op: str, x: TensorLike, axis: AxisArg) -> AxisArg:
    try:
        axes = axis_tuple(op, axis, np.shape(x))
    except (TypeError, ValueError, IndexError):
        refused = non_numeric_error(op, (x,))  # softmax(None): name the real cause
        if refused is not None:
            raise refused from None
        raise
    return axes[0] if isinstance(axis, int | np.integer) else axes


def _log_softmax_np(x: Any, axis: Any) -> Any:
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


@primitive("softmax")
def _softmax(x: Any, axis: Any) -> Any:
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


_softmax.defvjp(lambda g, out, x, axis: out * (g - _sum(g * out, axis=axis, keepdims=True)))


def softmax(x: TensorLike, axis: AxisArg = -1) -> Tensor:
    """``exp(x) / sum(exp(x), axis)``, computed without overflow (scipy.special.softmax)."""
    return _softmax.bind(x, axis=_axis_param("softmax", x, axis))


_log_softmax = primitive("log_softmax")(_log_softmax_np)
_log_softmax.defvjp(lambda g, out, x, axis: g - exp(out) * _sum(g, axis=axis, keepdims=True))


def log_softmax(x: TensorLike, axis: AxisArg = -1) -> Tensor:
    """``x - logsumexp(x, axis)``, computed without overflow (scipy.special.log_softmax)."""
    return _log_softmax.bind(x, axis=_axis_param("log_softmax", x, axis))


# ----- cross-entropy -----


def _expand(g: Tensor, axis: int) -> Tensor:
    """Put back the class axis that the loss summed away, as a length-one axis."""
    shape = list(g.shape)
    shape.insert(axis, 1)
    return reshape(g, tuple(shape))


def _one_hot(labels: Any, n: int, axis: int, dtype: Any) -> Any:
    classes = np.arange(n).reshape([-1 if d == axis else 1 for d in range(labels.ndim + 1)])
    return (np.expand_dims(labels, axis) == classes).astype(dtype)


@primitive("cross_entropy_int")
def _ce_int(logits: Any, labels: Any, axis: int) -> Any:
    lsm = _log_softmax_np(logits, axis)
    picked = np.take_along_axis(lsm, np.expand_dims(labels, axis), axis=axis)
    return -np.squeeze(picked, axis=axis)


_ce_int.defvjp(
    lambda g, out, logits, labels, axis: (
        _expand(g, axis)
        * (
            softmax(logits, axis=axis)
            - _wrap(_one_hot(np.asarray(labels), logits.shape[axis], axis, g.dtype))
        )
    ),
    None,  # class indices are not differentiable
)


@primitive("cross_entropy_prob")
def _ce_prob(logits: Any, labels: Any, axis: int) -> Any:
    lsm = _log_softmax_np(logits, axis)
    # A zero probability contributes nothing, even against a -inf log-probability (no 0 * -inf).
    terms = np.zeros(lsm.shape, dtype=np.result_type(labels, lsm))
    np.multiply(labels, lsm, out=terms, where=labels != 0)
    return -np.sum(terms, axis=axis)


_ce_prob.defvjp(
    lambda g, out, logits, labels, axis: (
        _expand(g, axis)
        * (softmax(logits, axis=axis) * _sum(labels, axis=axis, keepdims=True) - labels)
    ),
    lambda g, out, logits, labels, axis: -_expand(g, axis) * log_softmax(logits, axis=axis),
)


def cross_entropy(logits: TensorLike, labels: TensorLike, axis: int = -1) -> Tensor:
    """Per-example cross-entropy of softmax(``logits``) against ``labels``, not reduced.

    ``labels`` are either integer class indices, shaped like ``logits`` without ``axis``, or
    probabilities (one-hot or soft, floating), shaped like ``logits``. The result has the shape
    of ``logits`` without ``axis``. Gradients flow to ``logits``, and to probability labels
    (``-log_softmax(logits)``); integer labels get none.
    """
    lshape = np.shape(logits)
    if not lshape:
        refused = non_numeric_error("cross_entropy", (logits,))
        if refused is not None:
            raise refused
        raise ValueError("cross_entropy: logits must have a class axis; got a 0-d array")
    axis = axis_index("cross_entropy", axis, lshape)
    lab = labels._array if isinstance(labels, Tensor) else np.asarray(labels)
    n = lshape[axis]
    if np.issubdtype(lab.dtype, np.integer):
        expected = lshape[:axis] + lshape[axis + 1 :]
        if lab.shape != expected:
            raise ValueError(
                f"cross_entropy: integer labels must have the logits' shape without the class "
                f"axis {axis}, {expected}; got labels of shape {lab.shape} for logits of "
                f"shape {lshape}"
            )
        if lab.size and (lab.min() < 0 or lab.max() >= n):
            bad = lab.min() if lab.min() < 0 else lab.max()
            raise ValueError(
                f"cross_entropy: label {bad} is out of range for {n} classes (0 to {n - 1})"
            )
        return _ce_int.bind(logits, lab, axis=axis)
    if np.issubdtype(lab.dtype, np.floating):
        if lab.shape != lshape:
            raise ValueError(
                f"cross_entropy: probability (floating) labels must have the logits' shape "
                f"{lshape}; got labels of shape {lab.shape} (integer class labels would have "
                "the shape without the class axis)"
            )
        return _ce_prob.bind(logits, labels if isinstance(labels, Tensor) else lab, axis=axis)
    raise TypeError(
        f"cross_entropy: labels must be integer class indices or floating probabilities; "
        f"got dtype {lab.dtype}"
    )
