"""``simplify``: graph rewrites, by default folding subtrees of constants into one constant."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ._engine import _Evaluation, _post_order, to_numpy
from .operation import Operation
from .ops import OpConstant

__all__ = ["simplify", "sp_const_sub_tree"]


def sp_const_sub_tree(op: Operation) -> Operation:
    """Replace every node whose inputs are all constants by a constant of its value.

    Works bottom-up and rewrites ``inputs`` in place, as auto_diff did; a node that is kept but
    whose inputs change keeps the name it had.
    """
    replaced: dict[int, Operation] = {}
    values = _Evaluation()  # one evaluation: each folded value is computed once
    for node in _post_order([op]):
        if not node.inputs:
            continue
        inputs = [replaced.get(id(inp), inp) for inp in node.inputs]
        if all(isinstance(inp, OpConstant) for inp in inputs):
            replaced[id(node)] = OpConstant(to_numpy(values.evaluate([node])[0]))
        elif any(new is not old for new, old in zip(inputs, node.inputs, strict=True)):
            node.name = node.name  # keep the name computed from the original inputs
            node.inputs = inputs
    return replaced.get(id(op), op)


def simplify(
    op: Operation, simplifies: Sequence[Callable[[Operation], Operation]] | None = None
) -> Operation:
    """Apply each rewrite in turn (default: constant folding) and return the new root."""
    for rewrite in [sp_const_sub_tree] if simplifies is None else simplifies:
        op = rewrite(op)
    return op
