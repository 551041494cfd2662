"""Losses of ``auto_diff`` (``ad.losses``), built from graph ops as auto_diff built them."""

from __future__ import annotations

from typing import Any

from .operation import Operation
from .ops import OpLog, OpMultiply, OpNegative, OpSquare, OpSubtract, OpSum, _as_op

__all__ = ["cross_entropy", "mean_square_error"]


def cross_entropy(y_true: Any, y_pred: Any) -> Operation:
    """``sum(-y_true * log(y_pred), axis=-1)``: cross entropy over the last axis."""
    return OpSum(OpMultiply(OpNegative(_as_op(y_true)), OpLog(y_pred)), axis=-1)


def mean_square_error(y_true: Any, y_pred: Any) -> Operation:
    """``sum(square(y_true - y_pred), axis=-1)``: as in auto_diff, a sum over the last axis."""
    return OpSum(OpSquare(OpSubtract(y_true, y_pred)), axis=-1)
