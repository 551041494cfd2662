"""The one axis-normalising helper of every op: NumPy's exception types, the op's name first.

An axis out of bounds is ``numpy.exceptions.AxisError`` (a ``ValueError`` and an
``IndexError``, as in NumPy), a non-integer axis a ``TypeError``, a repeated axis a
``ValueError``; each message names the op, the argument and the tensor's shape.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

AxisError = np.exceptions.AxisError


def axis_index(op: str, axis: Any, shape: tuple[int, ...], what: str = "axis") -> int:
    """``axis`` as a non-negative int, or a clear error naming ``op`` and ``shape``."""
    try:
        ax = operator.index(axis)
    except TypeError:
        raise TypeError(
            f"{op}: {what} must be an integer; got {type(axis).__name__} {axis!r}"
        ) from None
    ndim = len(shape)
    if not -ndim <= ax < ndim:
        raise AxisError(
            f"{op}: {what} {ax} is out of bounds for a tensor of shape {shape} "
            f"({ndim} dimension{'' if ndim == 1 else 's'})"
        )
    return ax % ndim


def axis_tuple(op: str, axis: Any, shape: tuple[int, ...], what: str = "axis") -> tuple[int, ...]:
    """An int or a sequence of ints as a tuple of distinct non-negative axes."""
    ndim = len(shape)
    if type(axis) is int and -ndim <= axis < ndim:  # the common case, kept cheap
        return (axis % ndim,)
    items = tuple(axis) if isinstance(axis, Sequence | np.ndarray) else (axis,)
    axes = tuple(axis_index(op, a, shape, what) for a in items)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{op}: repeated axis in {what}={axis!r} for a tensor of shape {shape}")
    return axes
