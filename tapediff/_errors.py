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
    named = _of_nearest_type(error, f"{name}: {error}{given}")
    if named is None:
        return error
    named._tapediff_op = name  # type: ignore[attr-defined]
    return named


def _of_nearest_type(error: BaseException, message: str) -> BaseException | None:
    """An exception of ``error``'s type with ``message``, or of its nearest base type that can
    be made from a message alone (NumPy's _UFuncNoLoopError needs the ufunc and dtypes; its
    base TypeError does not), so that the op's name is never lost."""
    for cls in type(error).__mro__:
        if not issubclass(cls, BaseException):
            continue
        try:
            made: BaseException = cls(message)
        except Exception:
            continue
        if str(made) == message:
            return made
    return None


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
