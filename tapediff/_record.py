"""What a tape records: the layout of one record, the active-tape stack, and the code that runs a
primitive and records it.

This module owns the record layout: records are written only here (by :func:`bind`,
:func:`bind1`, :func:`bind2` and :func:`record`) and read by the tape with the offsets and
accessors below. A :class:`~tapediff.ops._primitive.Primitive` gets one of the three bind
functions as its ``bind`` when it is declared: ``bind1``/``bind2`` are the unrolled paths for
one or two inputs and no parameters (about a third of the per-op cost is saved there).
Neither ``tape.py`` nor ``ops/_primitive.py`` imports the other: both import this module.

A record is one flat tuple::

    (prim, out, params, tracked, *inputs)

- ``prim``: the :class:`~tapediff.ops._primitive.Primitive` that ran;
- ``out``: the output tensor;
- ``params``: its static keyword parameters (a dict, shared and never mutated);
- ``tracked``: the positions of the inputs the tape tracked when it recorded (only those can
  receive gradients, so the replay never visits constants);
- ``inputs``: the positional inputs, with each Variable replaced by the snapshot of the value it
  had when it was read, and each raw array or list copied, so nothing a caller does later can
  change what was recorded.

One flat tuple per record, not a nested inputs tuple: one object fewer per op for the cyclic
garbage collector to scan, which is what dominates very deep graphs.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

import numpy as np

from ._errors import non_numeric_error, op_error
from .tensor import Tensor, Variable, _wrap

if TYPE_CHECKING:
    from .ops._primitive import Primitive

Record: TypeAlias = tuple[Any, ...]

# Offsets into a record.
PRIM = 0
OUT = 1
PARAMS = 2
TRACKED = 3
FIRST_INPUT = 4


class Recorder(Protocol):
    """What recording needs of a tape (implemented by :class:`tapediff.Tape`)."""

    _recording: bool
    _records: list[Record]
    # ids of the tensors whose values matter to the tape (watched, read, or recorded outputs).
    _tracked: set[int]

    def _read_variable(self, var: Variable, snap: Tensor | None = None) -> Tensor | None: ...

    def _tracks(self, x: Tensor) -> bool: ...


# The stack of active tapes, innermost last: the only global mutable state, and context-local,
# so threads and asyncio tasks never record onto each other's tapes.
ACTIVE: ContextVar[tuple[Recorder, ...]] = ContextVar("tapediff_active_tapes", default=())

# Shared by every record of a primitive without static parameters; never mutated.
NO_PARAMS: dict[str, Any] = {}
# Operand types that never need a snapshot (unlike a Variable) or a copy (unlike an ndarray or
# a list).
_PLAIN = frozenset(
    {Tensor, float, int, bool, complex, np.float64, np.float32, np.complex128, np.complex64}
)
_FIRST = (0,)


def tracks(x: Tensor) -> bool:
    """Whether a recording tape tracks ``x`` (or would watch the Variable ``x`` when read)."""
    return any(t._recording and t._tracks(x) for t in ACTIVE.get())


def prim_of(rec: Record) -> Primitive:
    """The primitive that ran."""
    prim: Primitive = rec[PRIM]
    return prim


def out_of(rec: Record) -> Tensor:
    """The output tensor."""
    out: Tensor = rec[OUT]
    return out


def params_of(rec: Record) -> dict[str, Any]:
    """The static keyword parameters."""
    params: dict[str, Any] = rec[PARAMS]
    return params


def tracked_of(rec: Record) -> tuple[int, ...]:
    """Positions of the inputs that can receive gradients."""
    tracked: tuple[int, ...] = rec[TRACKED]
    return tracked


def inputs_of(rec: Record) -> tuple[Any, ...]:
    """The recorded positional inputs."""
    return rec[FIRST_INPUT:]


def make(
    prim: Primitive,
    out: Tensor,
    params: dict[str, Any],
    tracked: tuple[int, ...],
    inputs: tuple[Any, ...],
) -> Record:
    """A record (the layout documented above); the recording functions inline this."""
    return (prim, out, params, tracked, *inputs)


# Tracked-input positions for every bit mask of up to 8 inputs, shared by all records.
_POSITIONS = tuple(tuple(i for i in range(8) if mask >> i & 1) for mask in range(256))


def positions(mask: int) -> tuple[int, ...]:
    """The positions of the set bits of ``mask``."""
    if mask < 256:
        return _POSITIONS[mask]
    return tuple(i for i in range(mask.bit_length()) if mask >> i & 1)


_ndarray = np.ndarray
_may_share_memory = np.may_share_memory
_asarray = np.asarray
_new = object.__new__
_generic = np.generic
# NumPy's exceptions from a forward that bind names the op in (the type is kept).
# AttributeError: NumPy object loops call a method on each element (np.hypot(None, None)).
_FORWARD_ERRORS = (ValueError, TypeError, IndexError, ArithmeticError, AttributeError)


def bind(prim: Primitive, *args: Any, **params: Any) -> Tensor:
    """Run ``prim``'s forward on the inputs' arrays; record it on each tape tracking an input."""
    for a in args:
        if isinstance(a, Variable):
            return _bind_variables(prim, args, params)
    out = _forward(prim, args, params)
    if prim.differentiable:
        tapes = ACTIVE.get()
        if tapes:
            record(tapes, prim, args, out, params or NO_PARAMS)
    return out


def _bind_variables(prim: Primitive, args: tuple[Any, ...], params: dict[str, Any]) -> Tensor:
    """``bind`` when inputs include Variables: each is read once, and that one snapshot serves
    the forward pass and every record, so an assign from another thread cannot come between."""
    # One read per variable, also when it is passed twice (v * v).
    read: dict[int, Tensor] = {}
    snaps = tuple(read.setdefault(id(a), a._read()) if isinstance(a, Variable) else a for a in args)
    out = _forward(prim, snaps, params)
    if prim.differentiable:
        tapes = ACTIVE.get()
        if tapes:
            record(tapes, prim, args, out, params or NO_PARAMS, snaps)
    return out


def _forward(prim: Primitive, args: tuple[Any, ...], params: dict[str, Any]) -> Tensor:
    """The forward on the inputs' arrays, as an output tensor that aliases no caller's array."""
    try:
        result = prim.forward(*[a._array if isinstance(a, Tensor) else a for a in args], **params)
    except _FORWARD_ERRORS as e:
        raise op_error(prim.name, e, args) from e
    if type(result) is _ndarray:
        # A view of a caller's ndarray, or the array itself (identity-like forwards).
        if result.base is not None or (args and result is args[0]):
            result = _own(prim, result, args)
    elif not isinstance(result, _generic):
        result = _asarray(result)
    out: Tensor = _new(Tensor)
    out._array = result
    return out


# bind1/bind2: bind for one or two inputs and no static parameters, with the single-tape plain
# case of record() inlined, because this is the per-op overhead every eager call pays
# (operators and elementwise ops use them).
def bind1(prim: Primitive, a: Any) -> Tensor:
    """``bind`` for a primitive declared with ``arity=1``."""
    if type(a) is Tensor:
        ra = a._array
    elif isinstance(a, Variable):
        return _bind_variables(prim, (a,), NO_PARAMS)
    else:
        ra = a._array if isinstance(a, Tensor) else a
    try:
        result = prim.forward(ra)
    except _FORWARD_ERRORS as e:
        raise op_error(prim.name, e, (a,)) from e
    if type(result) is not _ndarray and not isinstance(result, _generic):
        result = _asarray(result)
    out: Tensor = _new(Tensor)
    out._array = result
    if prim.differentiable:
        tapes = ACTIVE.get()
        if tapes:
            if len(tapes) == 1 and type(a) is Tensor:
                tape = tapes[0]
                tracked = tape._tracked
                if tape._recording and id(a) in tracked:
                    tape._records.append((prim, out, NO_PARAMS, _FIRST, a))
                    tracked.add(id(out))
            else:
                record(tapes, prim, (a,), out, NO_PARAMS)
    return out


def bind2(prim: Primitive, a: Any, b: Any) -> Tensor:
    """``bind`` for a primitive declared with ``arity=2``."""
    # Variables take _bind_variables; the checks are ordered so that a plain tensor with a
    # tensor or a number pays no more than it did before variables needed it.
    if type(a) is Tensor:
        ra = a._array
        if isinstance(b, Tensor):
            if type(b) is not Tensor and isinstance(b, Variable):
                return _bind_variables(prim, (a, b), NO_PARAMS)
            rb = b._array
        else:
            rb = b
    elif isinstance(a, Variable) or isinstance(b, Variable):
        return _bind_variables(prim, (a, b), NO_PARAMS)
    elif isinstance(a, Tensor):
        ra = a._array
        rb = b._array if isinstance(b, Tensor) else b
    elif isinstance(b, Tensor):
        ra, rb = a, b._array
    else:
        # Two plain operands: make one an array so that operator-based forwards follow NumPy's
        # rules (2.0 / 0.0 is inf, not ZeroDivisionError).
        ra, rb = _asarray(a), b
    try:
        result = prim.forward(ra, rb)
    except _FORWARD_ERRORS as e:
        raise op_error(prim.name, e, (a, b)) from e
    if type(result) is not _ndarray and not isinstance(result, _generic):
        result = _asarray(result)
    out: Tensor = _new(Tensor)
    out._array = result
    if prim.differentiable:
        tapes = ACTIVE.get()
        if tapes:
            if len(tapes) == 1 and type(a) is Tensor and type(b) in _PLAIN:
                tape = tapes[0]
                tracked = tape._tracked
                mask = (id(a) in tracked) | (id(b) in tracked) << 1
                if mask and tape._recording:
                    tape._records.append((prim, out, NO_PARAMS, _POSITIONS[mask], a, b))
                    tracked.add(id(out))
            else:
                record(tapes, prim, (a, b), out, NO_PARAMS)
    return out


def _own(prim: Primitive, result: Any, args: tuple[Any, ...]) -> Any:
    """A view ``result`` of a caller's ndarray, copied: a tensor must not change if it does.

    Also where a shape op (reshape, transpose) has made an object array of a caller's None or
    list of non-numbers, which NumPy's shape functions accept: refused here, off the path of
    tensor inputs.
    """
    for a in args:
        if not isinstance(a, Tensor):
            if result.dtype == object:
                raise non_numeric_error(prim.name, args) or TypeError(
                    f"{prim.name}: expected numeric tensors or arrays; got an object array"
                )
            # Only a result that may alias the caller's array: forwards also return views of
            # arrays of their own (a transposed or sliced fresh buffer), which need no copy.
            if isinstance(a, _ndarray) and _may_share_memory(result, a):
                return result.copy()
    return result


def record(
    tapes: tuple[Recorder, ...],
    prim: Primitive,
    args: tuple[Any, ...],
    out: Tensor,
    params: dict[str, Any],
    snaps: tuple[Any, ...] | None = None,
) -> None:
    """Append ``prim(*args, **params) -> out`` to every recording tape that tracks an input.

    ``snaps``: ``args`` with each Variable replaced by the snapshot the forward pass used.
    """
    for tape in tapes:
        if not tape._recording:
            continue
        tracked = tape._tracked
        plain = True  # no Variable to snapshot and no raw array or list to copy
        mask = 0
        bit = 1
        for x in args:
            if id(x) in tracked:
                mask |= bit
            elif type(x) not in _PLAIN:
                plain = False
            bit <<= 1
        if plain:
            if mask:
                tape._records.append((prim, out, params, positions(mask), *args))
                tracked.add(id(out))
            continue
        special = _snapshot_inputs(tape, args, snaps, prim.name)
        if special is not None:
            tape._records.append((prim, out, params, special[1], *special[0]))
            tracked.add(id(out))


def _refuse_tracked_in(op: str, data: list[Any] | tuple[Any, ...]) -> None:
    """A list operand is read by NumPy as plain values: a tracked tensor inside it would lose
    its gradient, so that is refused (before any tape records the op)."""
    from .tensor import _tensors_in

    if any(tracks(t) for t in _tensors_in(data)):
        raise TypeError(
            f"{op}: a list operand holds a tensor a tape is tracking; NumPy reads the list as "
            "plain values, so that tensor's gradient would be lost. Build the operand with "
            "td.stack(...) or td.tensor(...), which are recorded"
        )


def _snapshot_inputs(
    tape: Recorder,
    args: tuple[Any, ...],
    snaps: tuple[Any, ...] | None,
    prim_name: str = "op",
) -> tuple[tuple[Any, ...], tuple[int, ...]] | None:
    """The inputs to record and the tracked positions, or None if no input is tracked.

    A Variable is recorded as the value it has now, so a later assign cannot change the record;
    a raw ndarray or a list is copied, since its owner may change it before the backward pass.
    """
    mask = 0
    inputs = []
    for i, x in enumerate(args):
        if isinstance(x, Variable):
            snap = tape._read_variable(x, None if snaps is None else snaps[i])
            if snap is not None:
                mask |= 1 << i
                x = snap
        elif id(x) in tape._tracked:
            mask |= 1 << i
        elif isinstance(x, np.ndarray):
            x = _wrap(x.copy())
        elif isinstance(x, list):
            _refuse_tracked_in(prim_name, x)
            x = _wrap(np.array(x))
        elif isinstance(x, tuple):
            _refuse_tracked_in(prim_name, x)
        inputs.append(x)
    return (tuple(inputs), positions(mask)) if mask else None
