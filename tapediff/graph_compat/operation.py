"""``Operation``: the deferred graph node of the legacy ``auto_diff`` API.

A node only records what to compute (its ``inputs`` and parameters). Evaluation and
differentiation live in ``_engine``; this module holds the node protocol that legacy code and
user subclasses rely on: construction order, display names, operators, ``forward``/``backward``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import numpy as np

    from ._engine import GradRequest

__all__ = ["MissingFeedError", "OpGradient", "Operation"]

# True while a display name is being rendered (user _get_name() methods read inp.name).
_RENDERING: ContextVar[bool] = ContextVar("tapediff_graph_compat_rendering", default=False)


class MissingFeedError(KeyError):
    """Placeholders needed by an evaluation were not fed; ``placeholders`` lists all of them."""

    def __init__(self, message: str, placeholders: Sequence[Operation]) -> None:
        super().__init__(message)
        self.placeholders = list(placeholders)

    def __str__(self) -> str:
        # KeyError's own __str__ shows the repr of its argument (quotes and escapes).
        return str(self.args[0])


class Operation:
    """A node of a define-then-run graph (the legacy ``auto_diff.Operation``).

    Subclass contract (as in auto_diff): set ``self.inputs``, ``self.shape`` and any parameters,
    then call ``super().__init__(**kwargs)``; define ``_get_name()``, ``_get_op_name()``,
    ``_forward(feed_dict)`` and, for gradients, a symbolic ``_backward(gradient)`` that calls
    ``inp.backward(g)`` for each input.
    """

    STEP_KEY: ClassVar[str] = "__step__"
    # NumPy defers to our reflected operators: ndarray + op builds one add node.
    __array_ufunc__ = None

    inputs: list[Operation]
    shape: Any
    gradient: Any

    def __init__(self, **kwargs: Any) -> None:
        name = kwargs.get("name")
        if not hasattr(self, "shape"):
            raise NotImplementedError(
                f"{type(self).__name__}: set self.shape (a tuple; None for unknown dimensions) "
                "before calling Operation.__init__()"
            )
        if name is None and type(self)._get_name is Operation._get_name:
            raise NotImplementedError(
                f"{type(self).__name__} must define _get_name() (or be built with name=...)"
            )
        if not hasattr(self, "inputs"):
            self.inputs = []
        self.gradient = None
        self._name: str | None = None if name is None else str(name)
        # Number of nested tapes this node's value must be recorded on so that every gradient
        # requested so far can be computed from one forward pass (raised by backward()).
        self._need = 0
        # (step key, evaluation) of the last forward() that carried Operation.STEP_KEY.
        self._step: tuple[Any, Any] | None = None
        # User subclasses: (cotangent slot, symbolic gradient per input) from _backward().
        self._captured: tuple[Operation, list[Operation | None]] | None = None
        self._get_op_name()

    # ----- names -----
    @property
    def name(self) -> str:
        """The display name, e.g. ``add(X(None, 3), W(3,))``; computed on first use."""
        name = self._name
        if name is None:
            name = _render_name(self)
            if not _RENDERING.get():
                # Kept for the node asked about, not for the nodes read while rendering one.
                self._name = name
        return name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    def _get_name(self) -> str:
        raise NotImplementedError(f"{type(self).__name__} must define _get_name()")

    def _get_op_name(self) -> str:
        raise NotImplementedError(f"{type(self).__name__} must define _get_op_name()")

    def _name_parts(self) -> list[str | Operation] | None:
        """The name as literal strings and input nodes; None: ask ``_get_name()``."""
        return None

    def __str__(self) -> str:
        return self.name

    def __unicode__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        try:
            name = self.name
        except Exception:  # a node whose construction failed has no name
            name = "(incomplete)"
        return f"<{type(self).__name__} {name}>"

    # ----- shape -----
    @property
    def dim(self) -> int:
        """Number of dimensions."""
        return len(self.shape)

    def isscalar(self) -> bool:
        """Whether the output is a scalar (shape ``()``)."""
        return len(self.shape) == 0

    # ----- evaluation -----
    def forward(self, feed_dict: Mapping[Any, Any] | None = None) -> np.ndarray[Any, Any] | Any:
        """Evaluate the node; placeholders are fed by op or by name. Returns a new array."""
        from ._engine import forward

        return forward(self, feed_dict)

    def _forward(self, feed_dict: Mapping[Any, Any]) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} must define _forward(feed_dict) to be evaluated"
        )

    def backward(self, gradient: Operation | Any = None) -> None:
        """Give every node this one depends on a ``.gradient`` node: d(self)/d(node).

        ``gradient`` weights the elements of self (default: ones). Gradients accumulate until
        ``clear_gradient()``.
        """
        from ._engine import backward

        backward(self, gradient)

    def _backward(self, gradient: Operation) -> None:
        raise NotImplementedError(
            f"{type(self).__name__} has no gradient: it defines no _backward(gradient)"
        )

    def clear_gradient(self) -> None:
        """Forget this node's accumulated ``.gradient``."""
        self.gradient = None

    def simplify(self) -> Operation:
        """See :func:`simplify`."""
        from .simplify import simplify

        return simplify(self)

    # ----- methods building ops -----
    def transpose(self, axes: Sequence[int] | None = None, **kwargs: Any) -> Operation:
        """See :class:`OpTranspose`."""
        return _ops.OpTranspose(self, axes, **kwargs)

    def reshape(self, shape: Sequence[int] | int, **kwargs: Any) -> Operation:
        """See :class:`OpReshape`."""
        return _ops.OpReshape(self, shape, **kwargs)

    def flatten(self, **kwargs: Any) -> Operation:
        """See :class:`OpFlatten`."""
        return _ops.OpFlatten(self, **kwargs)

    def expand_dims(self, axis: int | None = None, **kwargs: Any) -> Operation:
        """See :class:`OpExpandDims`."""
        return _ops.OpExpandDims(self, axis, **kwargs)

    def squeeze(self, axis: int | Sequence[int] | None = None, **kwargs: Any) -> Operation:
        """See :class:`OpSqueeze`."""
        return _ops.OpSqueeze(self, axis, **kwargs)

    def sum(
        self, axis: int | Sequence[int] | None = None, keepdims: bool = False, **kwargs: Any
    ) -> Operation:
        """See :class:`OpSum`."""
        return _ops.OpSum(self, axis, keepdims, **kwargs)

    def prod(
        self, axis: int | Sequence[int] | None = None, keepdims: bool = False, **kwargs: Any
    ) -> Operation:
        """See :class:`OpProd`."""
        return _ops.OpProd(self, axis, keepdims, **kwargs)

    def dot(self, x: Operation | Any, **kwargs: Any) -> Operation:
        """See :class:`OpDot`."""
        return _ops.OpDot(self, x, **kwargs)

    # ----- operators -----
    def __add__(self, other: Any) -> Operation:
        return _ops.OpAdd(self, other)

    def __radd__(self, other: Any) -> Operation:
        return _ops.OpAdd(other, self)

    def __sub__(self, other: Any) -> Operation:
        return _ops.OpSubtract(self, other)

    def __rsub__(self, other: Any) -> Operation:
        return _ops.OpSubtract(other, self)

    def __mul__(self, other: Any) -> Operation:
        return _ops.OpMultiply(self, other)

    def __rmul__(self, other: Any) -> Operation:
        return _ops.OpMultiply(other, self)

    def __truediv__(self, other: Any) -> Operation:
        return _ops.OpDivide(self, other)

    def __rtruediv__(self, other: Any) -> Operation:
        return _ops.OpDivide(other, self)

    # auto_diff made // true division (name divide(...)); legacy code relies on it.
    __floordiv__ = __truediv__
    __rfloordiv__ = __rtruediv__

    def __pow__(self, other: Any) -> Operation:
        return _ops.OpPower(self, other)

    def __rpow__(self, other: Any) -> Operation:
        return _ops.OpPower(other, self)

    def __neg__(self) -> Operation:
        return _ops.OpNegative(self)

    def __getitem__(self, item: Any) -> Operation:
        return _ops.OpGetitem(self, item)


class OpGradient(Operation):
    """``source.gradient`` after ``target.backward(seed)``: d(target)/d(source), deferred.

    Evaluating it runs the target's forward pass under a tape and asks the tape; every gradient
    of one ``backward()`` call is computed by one reverse sweep per evaluation step.
    """

    def __init__(self, request: GradRequest, source: Operation) -> None:
        self.request = request
        self.inputs = [request.target, source]
        if request.seed is not None:
            self.inputs.append(request.seed)
        self.shape = tuple(source.shape)
        super().__init__()

    def _get_op_name(self) -> str:
        return "gradient"

    def _forward(self, feed_dict: Any) -> Any:
        return self.forward(feed_dict)

    def _get_name(self) -> str:
        return _render_name(self)

    def _name_parts(self) -> list[str | Operation]:
        return ["gradient(", self.inputs[0], ", ", self.inputs[1], ")"]


def _render_name(root: Operation) -> str:
    """The display name of ``root``, built without recursion and without caching intermediates.

    Built-in nodes describe their name as parts (strings and input nodes), expanded here with an
    explicit stack. User subclasses, whose ``_get_name()`` reads ``inp.name``, get their names
    computed first, inputs before consumers, and forgotten again afterwards.
    """
    token = _RENDERING.set(True)
    try:
        return _render(root)
    finally:
        _RENDERING.reset(token)


def _render(root: Operation) -> str:
    named = _name_user_nodes(root)
    out: list[str] = []
    stack: list[str | Operation] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        if item is not root and item._name is not None:
            out.append(item._name)
            continue
        parts = item._name_parts()
        if parts is None:
            out.append(item._get_name())
        else:
            stack.extend(reversed(parts))
    for node in named:
        node._name = None
    return "".join(out)


def _name_user_nodes(root: Operation) -> list[Operation]:
    """Name the unnamed user-subclass nodes above ``root``, inputs first; return them."""
    pending: list[Operation] = []
    seen: set[int] = set()
    stack: list[tuple[Operation, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            pending.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        parts = node._name_parts()
        if parts is None and node is not root:
            stack.append((node, True))
        for dep in node.inputs if parts is None else parts:
            if isinstance(dep, Operation) and dep._name is None and id(dep) not in seen:
                stack.append((dep, False))
    named = []
    for node in pending:
        if node._name is None:
            node._name = node._get_name()
            named.append(node)
    return named


from . import ops as _ops  # noqa: E402  (ops subclasses Operation)
