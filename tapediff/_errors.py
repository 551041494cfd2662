"""Errors raised on behalf of an op: NumPy's exception type, the op's name and inputs first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .tensor import Tensor


def op_error(name: str, error: BaseException, args: Sequence[Any] = ()) -> BaseException:
    """``error`` with the op's name and what it was given in front, of the same exception type.

    Errors that already name an op (made here, or raised by a tapediff op that a forward
    called) are returned unchanged, so no message is prefixed twice. When an input is not
    numeric (None, an object or string array, a list of such), that is the cause, and the error
    is a TypeError saying so, whatever NumPy raised (found here, on the error path only, so that
    no op pays for the check when it succeeds).
    """
    if getattr(error, "_tapediff_op", None) is not None:
        return error
    # A list operand holding a tracked tensor fails in NumPy's conversion (the tensor refuses
    # numpy.asarray): the cause to name is the list.
    from ._record import _refuse_tracked_in

    for a in args:
        if isinstance(a, list | tuple):
            try:
                _refuse_tracked_in(name, a)
            except TypeError as refusal:
                return refusal
    refused = non_numeric_error(name, args)
    if refused is not None:
        return refused
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


def non_numeric_error(name: str, args: Sequence[Any]) -> TypeError | None:
    """The TypeError for the first input of op ``name`` that is not numeric, or None.

    For error paths: ops call it once a check has failed, to name the real cause.
    """
    culprit = _non_numeric(args)
    if culprit is None:
        return None
    position, what = culprit
    error = TypeError(
        f"{name}: expected numeric tensors or arrays (booleans, integers or floating point); "
        f"got {what} as input {position}"
    )
    error._tapediff_op = name  # type: ignore[attr-defined]
    return error


_NON_NUMERIC_KINDS = "OSUVMm"  # object, bytes, str, void, datetime, timedelta
_NUMERIC_OR_SEQUENCE = (Tensor, np.ndarray, np.generic, bool, int, float, complex, list, tuple)


def _non_numeric(args: Sequence[Any]) -> tuple[int, str] | None:
    """The position and a description of the first input that is not numeric, if any.

    Arrays of a non-numeric dtype are looked for before None, since a few ops (clip's bounds)
    take None as a legitimate input.
    """
    for i, x in enumerate(args):
        what = _bad_array(x)
        if what is not None:
            return i, what
    for i, x in enumerate(args):
        if x is None:
            return i, "None"
        if not isinstance(x, _NUMERIC_OR_SEQUENCE):
            return i, f"a {type(x).__name__}"
    return None


def _bad_array(x: Any) -> str | None:
    if isinstance(x, Tensor | np.ndarray | np.generic):
        kind = x.dtype.kind
        return f"an array of dtype {x.dtype}" if kind in _NON_NUMERIC_KINDS else None
    if isinstance(x, list | tuple):
        try:
            kind = np.asarray(x).dtype.kind
        except Exception:
            return f"a ragged {type(x).__name__}"
        if kind == "O":
            return f"a {type(x).__name__} holding non-numbers (e.g. None)"
        if kind in _NON_NUMERIC_KINDS:
            return f"a {type(x).__name__} of strings"
    return None


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
