"""The primitive: a NumPy forward plus one vector-Jacobian product per differentiable input.

This is the only module in ``ops/`` that knows tapes exist. An op module declares a primitive with
``@primitive("name")`` on its raw-array forward, attaches its VJPs with ``defvjp``, and exposes a
typed public function that calls ``bind``.

A VJP is called as ``vjp(g, out, *inputs, **params)`` where ``g`` is the cotangent of ``out`` and
returns the cotangent of one input. VJPs are written with tapediff ops so that, when an outer tape
is recording, the backward pass is itself recorded (higher-order derivatives). A VJP may return a
cotangent of the broadcast shape: the tape sums it back to the input's shape (see ``tape._fit``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import numpy as np

from ..tape import _ACTIVE, _POSITIONS, _record
from ..tensor import Array, Tensor

VJP: TypeAlias = Callable[..., Tensor]

_ndarray = np.ndarray
_asarray = np.asarray
_new = object.__new__
_generic = np.generic
# Shared by every record of a primitive without static parameters; never mutated.
_NO_PARAMS: dict[str, Any] = {}
_FIRST = (0,)
# Operand types that never need a snapshot (unlike a Variable) or a copy (unlike an ndarray).
_PLAIN = frozenset({Tensor, float, int, bool, np.float64, np.float32})


class Primitive:
    """A differentiable operation: its NumPy forward and, per tensor input, a VJP (or None)."""

    __slots__ = ("forward", "name", "tensor_vjp", "vjps")

    def __init__(self, name: str, forward: Callable[..., Array], tensor_vjp: bool = False) -> None:
        self.name = name
        self.forward = forward
        # A first-order backward pass calls VJPs with NumPy arrays in place of tensors (they
        # are written with tapediff ops and operators, which accept both). True: always pass
        # tensors, for VJPs that run user code.
        self.tensor_vjp = tensor_vjp
        # None: not differentiable at all, never recorded (comparisons, argmax, ...).
        self.vjps: Sequence[VJP | None] | None = None

    def defvjp(self, *vjps: VJP | None) -> None:
        """Attach one VJP per positional input; None marks an input without a gradient."""
        self.vjps = vjps

    def defvjp_argnum(self, vjp: Callable[..., Tensor]) -> None:
        """Attach one VJP for any number of inputs, called as ``vjp(argnum, g, out, *inputs)``."""
        self.vjps = _ArgnumVJPs(vjp)

    def bind(self, *args: Any, **params: Any) -> Tensor:
        """Run the forward on the inputs' arrays; record it on each tape that tracks an input."""
        try:
            result = self.forward(
                *[a._array if isinstance(a, Tensor) else a for a in args], **params
            )
        except ValueError as e:
            raise _shape_error(self.name, args, e) from e
        return self._finish(result, args, params)

    # bind1/bind2: the same for one or two inputs and no static parameters, unrolled because
    # this is the per-op overhead every eager call pays (operators and elementwise ops use them).
    def bind1(self, a: Any) -> Tensor:
        """``bind`` for a primitive with one input and no static parameters."""
        try:
            result = self.forward(a._array if isinstance(a, Tensor) else a)
        except ValueError as e:
            raise _shape_error(self.name, (a,), e) from e
        if type(result) is not _ndarray and not isinstance(result, _generic):
            result = _asarray(result)
        out: Tensor = _new(Tensor)
        out._array = result
        if self.vjps is not None:
            tapes = _ACTIVE.get()
            if tapes:
                if len(tapes) == 1 and type(a) is Tensor:
                    # _record's plain case for one tape, inlined: the hottest recording path.
                    tape = tapes[0]
                    tracked = tape._tracked
                    if tape._recording and id(a) in tracked:
                        tape._records.append((self, out, _NO_PARAMS, _FIRST, a))
                        tracked.add(id(out))
                else:
                    _record(tapes, self, (a,), out, _NO_PARAMS)
        return out

    def bind2(self, a: Any, b: Any) -> Tensor:
        """``bind`` for a primitive with two inputs and no static parameters."""
        if isinstance(a, Tensor):
            ra = a._array
            rb = b._array if isinstance(b, Tensor) else b
        elif isinstance(b, Tensor):
            ra, rb = a, b._array
        else:
            # Two plain operands: make one an array so that operator-based forwards follow
            # NumPy's rules (2.0 / 0.0 is inf, not ZeroDivisionError).
            ra, rb = _asarray(a), b
        try:
            result = self.forward(ra, rb)
        except ValueError as e:
            raise _shape_error(self.name, (a, b), e) from e
        if type(result) is not _ndarray and not isinstance(result, _generic):
            result = _asarray(result)
        out: Tensor = _new(Tensor)
        out._array = result
        if self.vjps is not None:
            tapes = _ACTIVE.get()
            if tapes:
                if len(tapes) == 1 and type(a) is Tensor and type(b) in _PLAIN:
                    # _record's plain case for one tape, inlined: the hottest recording path.
                    tape = tapes[0]
                    tracked = tape._tracked
                    mask = (id(a) in tracked) | (id(b) in tracked) << 1
                    if mask and tape._recording:
                        tape._records.append((self, out, _NO_PARAMS, _POSITIONS[mask], a, b))
                        tracked.add(id(out))
                else:
                    _record(tapes, self, (a, b), out, _NO_PARAMS)
        return out

    def _finish(self, result: Any, args: tuple[Any, ...], params: dict[str, Any]) -> Tensor:
        if type(result) is _ndarray:
            if result.base is not None:
                result = _own(result, args)
        elif not isinstance(result, _generic):
            result = _asarray(result)
        out: Tensor = _new(Tensor)
        out._array = result
        if self.vjps is not None:
            tapes = _ACTIVE.get()
            if tapes:
                _record(tapes, self, args, out, params)
        return out

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def value_of(x: Any) -> Array:
    """The array behind ``x``: a tensor's array, or ``x`` itself as an array.

    VJPs use it to compute constant masks; in a first-order backward pass their arguments are
    arrays already, in a higher-order one tensors.
    """
    return x._array if isinstance(x, Tensor) else _asarray(x)


def _own(result: Array, args: tuple[Any, ...]) -> Array:
    """A view ``result`` of a caller's ndarray, copied: a tensor must not change if it does."""
    for a in args:
        if isinstance(a, _ndarray):
            return result.copy()
    return result


def _shape_error(name: str, args: tuple[Any, ...], error: ValueError) -> ValueError:
    """NumPy's ValueError, prefixed with the op's name and the shapes it was given."""
    if str(error).startswith(f"{name}:"):
        return error  # the op already wrote a message that names itself
    shapes = ", ".join(str(np.shape(a._array if isinstance(a, Tensor) else a)) for a in args)
    return ValueError(f"{name}: {error} (input shapes: {shapes})")


class _ArgnumVJPs(Sequence[VJP]):
    """Per-input VJPs of a variadic primitive (concatenate, stack), made from one function."""

    __slots__ = ("_vjp",)

    def __init__(self, vjp: Callable[..., Tensor]) -> None:
        self._vjp = vjp

    def __getitem__(self, i: Any) -> Any:
        vjp = self._vjp
        return lambda g, out, *inputs, **params: vjp(i, g, out, *inputs, **params)

    def __len__(self) -> int:
        raise TypeError("a variadic primitive has a VJP for any number of inputs")


def primitive(name: str) -> Callable[[Callable[..., Array]], Primitive]:
    """Decorator turning a raw-array forward function into a :class:`Primitive`."""

    def wrap(forward: Callable[..., Array]) -> Primitive:
        return Primitive(name, forward)

    return wrap
