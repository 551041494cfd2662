"""Errors raised on behalf of an op: NumPy's exception type, the op's name and inputs first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .tensor import Tensor


def op_error(name: str, error: BaseException, args: Sequence[Any] = ()) -> BaseException:
    """``error`` with the op's name and what it was given in front, of the same exception type.

    Errors that already name an op (made here, or raised by a tapediff op that a forward
    called) are returned unchanged, so no message is prefixed twice.
    """
    if getattr(error, "_tapediff_op", None) is not None:
        return error
    given = ""
    if args:
        given = f" (input shapes: {', '.join(_describe(a) for a in args)}"
        if isinstance(error, TypeError):
            given += f"; dtypes: {', '.join(_dtype_of(a) for a in args)}"
        given += ")"
    try:
        named = type(error)(f"{name}: {error}{given}")
    except Exception:  # an exception type whose constructor takes other arguments
        return error
    named._tapediff_op = name  # type: ignore[attr-defined]
    return named


def _describe(x: Any) -> str:
    """An op argument's shape, or what it is when it is not array-like, for error messages."""
    if isinstance(x, Tensor | np.ndarray | np.generic):
        return str(x.shape)
    if isinstance(x, bool | int | float | complex):
        return "()"
    if isinstance(x, list | tuple):
        try:
            return str(np.shape(x))
        except Exception:
            return f"a ragged {type(x).__name__}"
    return f"a {type(x).__name__}" if x is not None else "None"


def _dtype_of(x: Any) -> str:
    if isinstance(x, Tensor | np.ndarray | np.generic):
        return str(x.dtype)
    if x is None:
        return "None"
    try:
        return str(np.asarray(x).dtype)
    except Exception:
        return type(x).__name__
