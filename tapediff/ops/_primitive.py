"""The primitive: a NumPy forward plus the vector-Jacobian products (VJPs) of its inputs.

An op module declares a primitive with ``@primitive("name")`` on its raw-array forward, attaches
its VJPs with :meth:`Primitive.defvjp` (one per input) or :meth:`Primitive.defvjp_all` (all
inputs at once), and exposes a typed public function that calls ``bind``. ``arity=1`` or
``arity=2`` declares a primitive with that many inputs and no static parameters; its ``bind`` is
then an unrolled fast path (about a third of the per-op cost), chosen once, here.

The VJP contract (see ``tapediff.extend``): a VJP is called as ``vjp(g, out, *inputs, **params)``
where ``g`` is the cotangent of ``out``. Its arguments are :data:`VJPArg`: NumPy arrays (or
scalars) in a first-order backward pass, when nothing can record the backward pass, and tensors
when an outer tape records it. VJPs are written with tapediff ops and operators, which accept
both, so the same code gives first and higher derivatives. A VJP may return a cotangent of the
broadcast shape or another floating dtype: the tape sums it back to the input's shape and casts
it (one un-broadcast helper, in ``tape.py``).

Complex numbers: VJPs are linear transposes (no conjugation; see ``docs/complex.md``). A VJP
written with real-number formulas (comparisons, sign, max, floor...) would be silently wrong on
complex input, so a primitive refuses complex values by default: its VJPs are wrapped in a guard
that raises TypeError when the output or an input is complex. The guard runs in the backward
pass, and only in the primitives that have one, so the forward hot path (bind1/bind2) and the
replay loop pay nothing. :meth:`Primitive.allow_complex` drops the guard for a primitive whose
VJPs are right for complex values (checked against finite differences in both the real and the
imaginary direction).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import MethodType
from typing import Any, TypeAlias

import numpy as np

from .. import _record
from ..tensor import Array, Tensor

# What a VJP receives for g, out and each input: a NumPy array in a first-order pass (a 0-d
# value may come as a NumPy scalar, which behaves as a 0-d array), a Tensor when an outer tape
# records the backward pass.
VJPArg: TypeAlias = "Tensor | Array"
VJP: TypeAlias = Callable[..., Any]
VJPAll: TypeAlias = Callable[..., Sequence[Any]]


class Primitive:
    """A differentiable operation: its NumPy forward and the VJPs of its inputs."""

    __slots__ = (
        "_raw_vjp_all",
        "_raw_vjps",
        "arity",
        "bind",
        "complex_ok",
        "differentiable",
        "forward",
        "name",
        "tensor_vjp",
        "vjp_all",
        "vjps",
    )

    bind: Callable[..., Tensor]

    def __init__(
        self,
        name: str,
        forward: Callable[..., Any],
        arity: int | None = None,
        tensor_vjp: bool = False,
    ) -> None:
        if arity not in (None, 1, 2):
            raise ValueError(f"primitive {name!r}: arity must be None, 1 or 2; got {arity!r}")
        self.name = name
        self.forward = forward
        self.arity = arity
        # A first-order backward pass calls VJPs with NumPy arrays in place of tensors. True:
        # always pass tensors, for VJPs that run user code written for tensors.
        self.tensor_vjp = tensor_vjp
        # False: not differentiable at all, never recorded (comparisons, argmax, ...).
        self.differentiable = False
        self.vjps: tuple[VJP | None, ...] = ()
        self.vjp_all: VJPAll | None = None
        # True: the VJPs are right for complex values (allow_complex); False: they are guarded.
        self.complex_ok = False
        self._raw_vjps: tuple[VJP | None, ...] = ()
        self._raw_vjp_all: VJPAll | None = None
        # Chosen once, here. The bind functions live with the record layout in _record.py; bound
        # to this primitive, one costs about what a method call does.
        run = _record.bind1 if arity == 1 else _record.bind2 if arity == 2 else _record.bind
        self.bind = MethodType(run, self)

    def defvjp(self, *vjps: VJP | None) -> None:
        """Attach one VJP per positional input; None marks an input without a gradient."""
        if self.arity is not None and len(vjps) != self.arity:
            raise ValueError(
                f"primitive {self.name!r} has {self.arity} input(s); got {len(vjps)} VJPs"
            )
        self._raw_vjps, self._raw_vjp_all = vjps, None
        self.differentiable = True
        self._install()

    def defvjp_all(self, vjp: VJPAll) -> None:
        """Attach one function returning every input's cotangent at once (None: no gradient).

        Called as ``vjp(g, out, *inputs, **params)``; it returns a sequence with one entry per
        positional input. For variadic ops and gradients that share work between inputs.
        """
        self._raw_vjps, self._raw_vjp_all = (), vjp
        self.differentiable = True
        self._install()

    def allow_complex(self) -> Primitive:
        """Declare the VJPs right for complex values (linear transposes, no conjugation): the
        complex guard is dropped. Returns the primitive."""
        self.complex_ok = True
        self._install()
        return self

    def _install(self) -> None:
        """Set vjps/vjp_all from the raw ones, guarded unless complex values are allowed."""
        if self.complex_ok:
            self.vjps, self.vjp_all = self._raw_vjps, self._raw_vjp_all
            return
        self.vjps = tuple(None if v is None else _guarded(self, v) for v in self._raw_vjps)
        raw_all = self._raw_vjp_all
        self.vjp_all = None if raw_all is None else _guarded(self, raw_all)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def is_complex(x: Any) -> bool:
    """Whether ``x`` (an array, tensor, NumPy scalar or Python number) is complex."""
    dtype = getattr(x, "dtype", None)
    if dtype is not None:
        return bool(dtype.kind == "c")
    return isinstance(x, complex)


def complex_refusal(name: str) -> TypeError:
    """The error of a primitive whose gradient formula holds for real numbers only."""
    return TypeError(
        f"{name}: no gradient for complex values (its gradient formula holds for real numbers "
        "only, and a complex input or output would get a wrong gradient); differentiate a real "
        "function of td.real(z), td.imag(z) or td.abs(z) instead, or keep this op out of the "
        "differentiated path (td.stop_gradient)"
    )


def _guarded(prim: Primitive, vjp: Any) -> Any:
    """``vjp``, refusing complex values: an input or output that is complex raises TypeError.

    For the unrolled arities the check is two dtype tests (a recorded input of a one-input
    primitive is always a tensor, so it has a dtype); a real backward pass pays one extra call.
    """
    if prim.arity == 1:

        def guarded1(g: Any, out: Any, x: Any) -> Any:
            if out.dtype.kind == "c" or x.dtype.kind == "c":
                raise complex_refusal(prim.name)
            return vjp(g, out, x)

        return guarded1
    if prim.arity == 2:

        def guarded2(g: Any, out: Any, x1: Any, x2: Any) -> Any:
            if out.dtype.kind == "c" or is_complex(x1) or is_complex(x2):
                raise complex_refusal(prim.name)
            return vjp(g, out, x1, x2)

        return guarded2

    def guarded(g: Any, out: Any, *inputs: Any, **params: Any) -> Any:
        if is_complex(out) or any(is_complex(x) for x in inputs):
            raise complex_refusal(prim.name)
        return vjp(g, out, *inputs, **params)

    return guarded


def value_of(x: Any) -> Array:
    """The array behind ``x``: a tensor's array, or ``x`` itself as an array.

    VJPs use it to compute constant masks; in a first-order backward pass their arguments are
    arrays already, in a higher-order one tensors.
    """
    return x._array if isinstance(x, Tensor) else np.asarray(x)


def primitive(name: str, arity: int | None = None) -> Callable[[Callable[..., Any]], Primitive]:
    """Decorator turning a raw-array forward function into a :class:`Primitive`."""

    def wrap(forward: Callable[..., Any]) -> Primitive:
        return Primitive(name, forward, arity=arity)

    return wrap
