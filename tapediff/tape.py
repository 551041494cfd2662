"""The gradient tape: records operations on watched tensors and replays them in reverse.

The tape is a list of records in execution order, which is already a topological order, so the
backward pass is a single reverse loop with a dict of accumulated cotangents. Active tapes live
in a ``ContextVar``, so threads and asyncio tasks never record onto each other's tapes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import Token
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np

from ._record import ACTIVE, FIRST_INPUT, OUT, PARAMS, PRIM, TRACKED, Record, Recorder
from .tensor import Tensor, Variable, _wrap

if TYPE_CHECKING:
    from .ops._primitive import Primitive

Sources: TypeAlias = "Tensor | Sequence[Tensor] | Mapping[Any, Tensor]"
UnconnectedPolicy: TypeAlias = Literal["none", "zero", "raise"]

# What a VJP's result may be without conversion, in each replay mode.
_RAW_TYPES = frozenset({np.ndarray, np.float64, np.float32, np.complex128, np.complex64})
_TENSOR_TYPES = frozenset({Tensor})


class UnconnectedGradientError(LookupError):
    """A source has no gradient with respect to the target (``unconnected_gradients="raise"``)."""


class Tape:
    """Records operations on watched tensors so that gradients can be computed by reverse replay.

    Use as a context manager. Variables are watched automatically when read inside the context
    (unless ``watch_accessed_variables=False``); other tensors need :meth:`watch`.
    A non-persistent tape can compute gradients once and frees its records while doing so.
    """

    __slots__ = (
        "_persistent",
        "_reads",
        "_recording",
        "_records",
        "_tokens",
        "_tracked",
        "_used",
        "_variables",
        "_watch_accessed",
        "_watched",
    )

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self._persistent = persistent
        self._watch_accessed = watch_accessed_variables
        self._tokens: list[Token[tuple[Recorder, ...]]] = []
        self._recording = True
        self._used = False
        self._records: list[Record] = []
        # ids of tensors whose values matter to this tape: watched leaves, variable snapshots,
        # record outputs. Every id here belongs to an object kept alive by _watched, _reads or
        # _records, so an id cannot be reused while it is in the set.
        self._tracked: set[int] = set()
        self._watched: dict[int, Tensor] = {}
        self._variables: dict[int, Variable] = {}
        self._reads: dict[int, list[Tensor]] = {}

    @property
    def persistent(self) -> bool:
        """Whether gradient() may be called more than once."""
        return self._persistent

    # ----- context -----
    def __enter__(self) -> Tape:
        if self._tokens:
            raise RuntimeError(
                "this Tape is already active; nested `with` on one tape is not allowed"
            )
        self._tokens.append(ACTIVE.set((*ACTIVE.get(), self)))
        return self

    def __exit__(self, *exc: object) -> None:
        ACTIVE.reset(self._tokens.pop())

    @contextmanager
    def stop_recording(self) -> Iterator[None]:
        """Temporarily stop recording on this tape (other tapes keep recording)."""
        if not self._tokens:
            raise RuntimeError(
                "stop_recording() needs the tape to be active: call it inside `with tape:`"
            )
        previous = self._recording
        self._recording = False
        try:
            yield
        finally:
            self._recording = previous

    def reset(self) -> None:
        """Forget everything recorded and watched; the tape can be used again."""
        self._records = []
        self._tracked = set()
        self._watched = {}
        self._variables = {}
        self._reads = {}
        self._used = False

    # ----- watching -----
    def watch(self, tensor: Tensor | Sequence[Tensor] | Mapping[Any, Tensor]) -> None:
        """Track ``tensor`` (or each tensor of a list/tuple/dict) so gradients can flow to it."""
        flat, _ = _flatten(tensor, "watch")
        for t in flat:
            if t.dtype.kind not in "fc":
                raise TypeError(
                    "watch() needs a floating-point or complex tensor; got dtype "
                    f"{t.dtype}. Convert it first, e.g. x.astype(np.float64)."
                )
        for t in flat:
            if isinstance(t, Variable):
                self._variables.setdefault(id(t), t)
            else:
                self._watched[id(t)] = t
                self._tracked.add(id(t))

    def watched_variables(self) -> tuple[Variable, ...]:
        """The variables this tape watches, in the order they were first watched or read."""
        return tuple(self._variables.values())

    def _read_variable(self, var: Variable, snap: Tensor | None = None) -> Tensor | None:
        """The snapshot to record for ``var`` (``snap``, the one the forward pass used, if
        given), or None if this tape does not watch it."""
        vid = id(var)
        if vid not in self._variables:
            if not (self._watch_accessed and var.trainable):
                return None
            self._variables[vid] = var
        if snap is None:
            snap = var._read()
        sid = id(snap)
        if sid not in self._tracked:
            self._tracked.add(sid)
            self._reads.setdefault(vid, []).append(snap)
        return snap

    # ----- gradients -----
    def gradient(
        self,
        target: Tensor | Sequence[Tensor],
        sources: Sources,
        output_gradients: Any = None,
        unconnected_gradients: UnconnectedPolicy = "none",
    ) -> Any:
        """Gradient of ``target`` (the sum of its elements) with respect to each source.

        ``sources`` may be a tensor, a list/tuple or a dict; the result has the same structure.
        ``output_gradients`` weights the target's elements (the vector in a vector-Jacobian
        product). Sources with no path to the target give None, zeros (``"zero"``), or an
        :class:`UnconnectedGradientError` that says why (``"raise"``).

        Complex numbers follow JAX and HIPS autograd (``docs/complex.md``): a VJP is the linear
        transpose, so a holomorphic ``f`` gives ``g * f'(z)`` (no conjugate), and for a real
        target the gradient with respect to ``z = x + iy`` is ``df/dx - i df/dy``; gradient
        descent steps along its conjugate. A real source whose cotangent is complex gets its
        real part. A complex target needs ``output_gradients`` (its cotangent): without it,
        TypeError, as JAX's ``grad`` of a complex function without ``holomorphic=True``.
        """
        self._check_usable()
        if unconnected_gradients not in ("none", "zero", "raise"):
            raise ValueError(
                "unconnected_gradients must be 'none', 'zero' or 'raise'; "
                f"got {unconnected_gradients!r}"
            )
        flat, rebuild = _flatten(sources, "gradient() sources")
        seeds = _seeds(target, output_gradients)
        watched = [self._is_watched(src) for src in flat]
        try:
            grads = self._replay(seeds, flat, consume=not self._persistent)
        finally:
            # A failed replay has consumed part of the records: the tape is used up either way.
            if not self._persistent:
                self._release()
        out = [
            _unconnected(i, src, unconnected_gradients, watched[i]) if g is None else g
            for i, (src, g) in enumerate(zip(flat, grads, strict=True))
        ]
        return rebuild(out)

    def jacobian(
        self,
        target: Tensor,
        sources: Sources,
        unconnected_gradients: UnconnectedPolicy = "none",
    ) -> Any:
        """Full Jacobian, shaped ``target.shape + source.shape`` for each source.

        Allowed once on a non-persistent tape, which it uses up. A complex target is refused
        (TypeError): its rows would be the complex derivative only for a holomorphic function
        (JAX's jacrev needs ``holomorphic=True`` for it); use :meth:`gradient` with
        ``output_gradients``. Complex sources of a real target are fine (rows as gradient's).
        """
        from .ops.shape import reshape, stack

        self._check_usable()
        if not isinstance(target, Tensor):
            raise TypeError(f"jacobian() target must be a Tensor; got {type(target).__name__}")
        if target.dtype.kind == "c":
            raise TypeError(
                f"jacobian() of a complex target (dtype {target.dtype}) is refused: with real "
                "unit cotangents its rows are the complex derivative only if the function is "
                "holomorphic, and silently incomplete otherwise. Take the Jacobian of "
                "td.real(y) and td.imag(y), or use gradient() with output_gradients"
            )
        flat, rebuild = _flatten(sources, "jacobian() sources")
        watched = [self._is_watched(src) for src in flat]
        n = target.size
        rows: list[list[Tensor | None]] = []
        eye = np.eye(n, dtype=target.dtype) if n else np.zeros((0, 0), target.dtype)
        try:
            for k in range(n):
                seed = Tensor(eye[k].reshape(target.shape))
                rows.append(self._replay([(target, seed)], flat, consume=False))
        finally:
            if not self._persistent:
                self._release()
        result: list[Tensor | None] = []
        for j, src in enumerate(flat):
            column = [row[j] for row in rows]
            if n and all(g is None for g in column):
                missing = _unconnected(j, src, unconnected_gradients, watched[j])
                if missing is None:
                    result.append(None)
                    continue
            shape = target.shape + src.shape
            if n == 0:
                result.append(Tensor(np.zeros(shape, dtype=src.dtype)))
                continue
            parts = [
                Tensor(np.zeros(src.shape, dtype=src.dtype)) if g is None else g for g in column
            ]
            result.append(reshape(stack(parts), shape))
        return rebuild(result)

    def _check_usable(self) -> None:
        if self._used:
            raise RuntimeError(
                "this non-persistent Tape has already computed gradients and released its "
                "records; use Tape(persistent=True) to call gradient()/jacobian() more than once"
            )

    def _release(self) -> None:
        self._used = True
        self._records = []
        self._tracked = set()
        self._watched = {}
        self._reads = {}

    def _source_keys(self, src: Tensor) -> list[int]:
        """Ids under which the tape knows ``src``: a variable has one per value it was read at."""
        if isinstance(src, Variable):
            return [id(s) for s in self._reads.get(id(src), ())]
        return [id(src)] if id(src) in self._tracked else []

    def _replay(
        self,
        seeds: list[tuple[Tensor, Tensor]],
        sources: list[Tensor],
        consume: bool,
    ) -> list[Tensor | None]:
        """Reverse-replay the records from the seeds; return the cotangent of each source.

        The mode is chosen once per call. When no other tape is recording, nothing can record
        the backward pass, so VJPs run on raw NumPy values (the first-order fast path: the same
        VJP code, minus the Tensor wrapping of every step). Otherwise they run on tensors, and
        the outer tapes record the backward pass (higher-order derivatives). Both modes share
        this one loop: cotangents are accumulated with ``+`` and fitted with ``_fit``, which
        work on arrays and tensors alike.
        """
        key_lists = [self._source_keys(s) for s in sources]
        wanted = {k for keys in key_lists for k in keys}
        records = self._records
        relevant: set[int] | None = None  # None: every tracked input is relevant
        if not self._all_roots_wanted(wanted):
            # Forward pass over the records: which tensors depend on a source. Cotangents are
            # only propagated along those, so gradients nobody asked for are never computed.
            relevant = set(wanted)
            for rec in records:
                for i in rec[TRACKED]:
                    if id(rec[FIRST_INPUT + i]) in relevant:
                        relevant.add(id(rec[OUT]))
                        break

        raw = not any(t._recording for t in ACTIVE.get() if t is not self)
        accepted, convert = (_RAW_TYPES, _raw_result) if raw else (_TENSOR_TYPES, _tensor_result)
        pending: dict[int, Any] = {}
        for t, seed in seeds:
            tid = id(t._read()) if isinstance(t, Variable) else id(t)
            s = seed._array if raw else seed
            prev = pending.get(tid)
            pending[tid] = s if prev is None else prev + s

        found: dict[int, Any] = {}
        previous, self._recording = self._recording, False
        # Popping from the end walks the records in reverse; when consuming, the tape's own list
        # is popped, so each record is freed as soon as it has been replayed.
        stack = records if consume else records.copy()
        pop = stack.pop
        try:
            while stack:
                rec = pop()
                out = rec[OUT]
                oid = id(out)
                g = pending.pop(oid, None)
                if g is None:
                    continue
                if oid in wanted:
                    found[oid] = g
                # Records are unpacked by arity (the layout is documented in _record.py): the
                # one- and two-input cases, which are most ops, without slicing.
                n = len(rec)
                if n == 6:
                    prim, _, params, tracked_at, a, b = rec
                    inputs: tuple[Any, ...] = (a, b)
                elif n == 5:
                    prim, _, params, tracked_at, a = rec
                    inputs = (a,)
                else:
                    prim, params, tracked_at = rec[PRIM], rec[PARAMS], rec[TRACKED]
                    inputs = rec[FIRST_INPUT:]
                args: tuple[Any, ...]
                if not raw:
                    g_in, out_in, args = g, out, inputs
                elif prim.tensor_vjp:
                    # User code (custom_gradient, compat ops) is promised tensors.
                    g_in, out_in, args = _wrap(g), out, inputs
                else:
                    g_in, out_in = g, out._array
                    if n == 6:
                        args = (
                            a._array if type(a) is Tensor else a,
                            b._array if type(b) is Tensor else b,
                        )
                    elif n == 5:
                        args = (a._array if type(a) is Tensor else a,)
                    else:
                        args = tuple(x._array if type(x) is Tensor else x for x in inputs)
                vjp_all = prim.vjp_all
                cts = None if vjp_all is None else vjp_all(g_in, out_in, *args, **params)
                vjps = prim.vjps
                for i in tracked_at:
                    x = inputs[i]
                    xid = id(x)
                    if relevant is not None and xid not in relevant:
                        continue
                    if cts is None:
                        vjp = vjps[i]
                        if vjp is None:
                            continue
                        ct = vjp(g_in, out_in, *args, **params)
                    else:
                        ct = cts[i]
                        if ct is None:
                            continue
                    if type(ct) not in accepted:
                        ct = convert(prim, i, ct)
                    xa = x._array
                    if ct.shape != xa.shape or (ct.dtype is not xa.dtype and ct.dtype != xa.dtype):
                        ct = _fit(prim, i, ct, xa)
                    prev = pending.get(xid)
                    pending[xid] = ct if prev is None else prev + ct
        finally:
            self._recording = previous

        results: list[Tensor | None] = []
        for src, keys in zip(sources, key_lists, strict=True):
            total: Any = None
            for k in keys:
                g = found.get(k)
                if g is None:
                    g = pending.get(k)
                if g is not None:
                    total = g if total is None else total + g
            if total is None:
                results.append(None)
                continue
            if total.dtype != src.dtype and src.dtype.kind in "fc":
                total = _cast(total, src.dtype)
            results.append(_wrap(total) if raw else total)
        return results

    def _all_roots_wanted(self, wanted: set[int]) -> bool:
        """True if every watched tensor and every variable read is among the wanted ids."""
        if not all(k in wanted for k in self._watched):
            return False
        return all(id(s) in wanted for snaps in self._reads.values() for s in snaps)

    def _tracks(self, x: Tensor) -> bool:
        """Whether ``x`` matters to this tape: tracked, or a Variable it watches when read."""
        if isinstance(x, Variable):
            return id(x) in self._variables or (self._watch_accessed and x.trainable)
        return id(x) in self._tracked

    def _is_watched(self, src: Tensor) -> bool:
        if isinstance(src, Variable):
            return id(src) in self._variables
        return id(src) in self._tracked


def _unconnected(
    index: int, src: Tensor, policy: UnconnectedPolicy, watched: bool
) -> Tensor | None:
    """What an unconnected source gets under ``policy``: None, zeros, or an error saying why."""
    if policy == "none":
        return None
    if policy == "zero":
        return Tensor(np.zeros(src.shape, dtype=src.dtype))
    what = f"source {index} ({type(src).__name__} of shape {src.shape}, dtype {src.dtype})"
    if isinstance(src, Variable):
        how = (
            "make sure it is read inside the tape's context with "
            "watch_accessed_variables=True and trainable=True, or call tape.watch(variable)"
        )
    else:
        how = "call tape.watch(x) inside the tape's context before using x"
    if not watched:
        raise UnconnectedGradientError(f"{what} has no gradient: it was never watched; {how}")
    raise UnconnectedGradientError(
        f"{what} has no gradient: it is watched, but the target does not depend on it through "
        "any recorded operation (it is not used on a path to the target, the path goes "
        "through a non-differentiable op such as argmax, a comparison or stop_gradient, or "
        "the ops ran while the tape was not recording)"
    )


def _seeds(target: Any, output_gradients: Any) -> list[tuple[Tensor, Tensor]]:
    """Pair each target with its initial cotangent (ones, or the given output gradient)."""
    targets: list[Any]
    if isinstance(target, list | tuple):
        targets = list(target)
        given: list[Any] = (
            [None] * len(targets) if output_gradients is None else list(output_gradients)
        )
        if len(given) != len(targets):
            raise ValueError(
                f"output_gradients must have one entry per target: expected {len(targets)}, "
                f"got {len(given)}"
            )
    else:
        targets = [target]
        given = [output_gradients]
    seeds = []
    for t, og in zip(targets, given, strict=True):
        if not isinstance(t, Tensor):
            raise TypeError(f"gradient() target must be a Tensor; got {type(t).__name__}")
        kind = t.dtype.kind
        if kind not in "fc":
            raise TypeError(
                f"gradient() target must have a complex or floating dtype; got {t.dtype}"
            )
        if og is None:
            if kind == "c":
                raise TypeError(
                    f"gradient() of a complex target (dtype {t.dtype}) needs output_gradients, "
                    "its cotangent: a complex function has no gradient of its own (JAX's grad "
                    "refuses it too). Differentiate a real function of it, such as "
                    "td.real(y), td.imag(y) or td.abs(y) ** 2, or pass output_gradients"
                )
            seed = Tensor(np.ones(t.shape, dtype=t.dtype))
        else:
            given_dtype = og.dtype if isinstance(og, Tensor) else np.asarray(og).dtype
            if given_dtype.kind == "c" and kind != "c":
                raise TypeError(
                    f"output_gradients for a real target (dtype {t.dtype}) must be real; got "
                    f"dtype {given_dtype}"
                )
            seed = og if isinstance(og, Tensor) else Tensor(np.asarray(og, dtype=t.dtype))
            if seed.shape != t.shape:
                raise ValueError(
                    f"output_gradients must have the target's shape {t.shape}; "
                    f"got shape {seed.shape}"
                )
        seeds.append((t, seed))
    return seeds


def _flatten(structure: Any, what: str) -> tuple[list[Tensor], Callable[[list[Any]], Any]]:
    """Flatten a tensor, list/tuple or dict of tensors; return the items and a rebuilder."""
    if isinstance(structure, Tensor):
        return [structure], lambda xs: xs[0]
    if isinstance(structure, Mapping):
        keys = list(structure)
        items = [structure[k] for k in keys]
        rebuild: Callable[[list[Any]], Any] = lambda xs: dict(zip(keys, xs, strict=True))  # noqa: E731
    elif isinstance(structure, list | tuple):
        items = list(structure)
        kind = type(structure)
        rebuild = (lambda xs: list(xs)) if kind is list else (lambda xs: tuple(xs))
    else:
        raise TypeError(
            f"{what} must be a Tensor, or a list, tuple or dict of Tensors; "
            f"got {type(structure).__name__}"
        )
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            raise TypeError(
                f"{what} must be Tensors; item {i} is {type(item).__name__}. "
                "Wrap arrays with td.tensor(...) (and watch them) first."
            )
    return items, rebuild


def _broadcast_axes(gshape: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...] | None:
    """Axes of ``gshape`` that broadcasting ``shape`` to it added; None if it cannot."""
    lead = len(gshape) - len(shape)
    if lead < 0:
        return None
    axes = list(range(lead))
    for i, n in enumerate(shape):
        m = gshape[lead + i]
        if n == m:
            continue
        if n != 1:
            return None
        axes.append(lead + i)
    return tuple(axes)


def _fit(prim: Primitive, index: int, ct: Any, xa: Any) -> Any:
    """Bring a VJP's cotangent to its input's shape and dtype, or fail naming the op.

    The one un-broadcast helper: a VJP may return a cotangent of the broadcast shape, and its
    broadcast axes are summed away here. Written with methods that arrays and tensors share,
    so it serves both replay modes (on tensors, outer tapes record it).
    """
    shape = xa.shape
    if ct.shape != shape:
        axes = _broadcast_axes(ct.shape, shape)
        if axes is None:
            raise ValueError(
                f"{prim.name}: gradient for argument {index} has shape {ct.shape}, expected {shape}"
            )
        if axes:
            ct = ct.sum(axis=axes, keepdims=True)
        if ct.shape != shape:
            ct = ct.reshape(shape)
    if ct.dtype != xa.dtype:
        ct = _cast(ct, xa.dtype)
    return ct


def _cast(ct: Any, dtype: np.dtype[Any]) -> Any:
    """``ct`` (an array or a tensor) cast to ``dtype``; a complex cotangent of a real value
    becomes its real part (the linear-transpose convention), with no ComplexWarning."""
    if ct.dtype.kind == "c" and dtype.kind != "c":
        ct = ct.real
        if ct.dtype == dtype:
            return ct
    return ct.astype(dtype)


def _raw_result(prim: Primitive, index: int, result: Any) -> Any:
    """A VJP's result as an array or NumPy scalar (it may be a tensor, or a Python number)."""
    if isinstance(result, Tensor):
        return result._array
    if isinstance(result, np.generic):
        return result
    if isinstance(result, int | float | np.ndarray):
        return np.asarray(result)
    raise TypeError(
        f"{prim.name}: the VJP for argument {index} returned {type(result).__name__}, "
        "expected a Tensor"
    )


def _tensor_result(prim: Primitive, index: int, result: Any) -> Tensor:
    """A VJP's result in a recorded backward pass: a tensor, or higher orders would break."""
    if isinstance(result, Tensor):
        return result
    raise TypeError(
        f"{prim.name}: the VJP for argument {index} returned {type(result).__name__}, "
        "expected a Tensor (write VJPs with tapediff ops so they can be differentiated again)"
    )
