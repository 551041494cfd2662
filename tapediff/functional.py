"""Function transforms built on Tape: grad, value_and_grad, vjp, jvp, jacobian, hessian, and
TensorFlow-style custom_gradient.

Every transform runs the user's function under a fresh Tape and asks that tape for gradients, so
there is one differentiation engine. Each differentiated argument enters the function through a
recorded identity op, and a tape's backward pass runs while the tapes around it keep recording:
that is all it takes for ``grad(grad(f))``, ``jacobian(grad(f))`` and a transform called inside a
user's ``with Tape()`` to be differentiable in turn.

Differentiated arguments are single array values (Tensors, NumPy arrays, Python floats), not
containers; a function's output is a Tensor, or for vjp/jvp/jacobian a tuple or list of Tensors.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from ._record import ACTIVE
from .ops._primitive import Primitive
from .tape import Tape
from .tensor import Tensor, _wrap

__all__ = ["custom_gradient", "grad", "hessian", "jacobian", "jvp", "value_and_grad", "vjp"]

# Gives each differentiated argument a tensor of its own, so an argument passed in two positions
# gets a gradient per position, while tapes that track the caller's tensor record the link to it.
_identity = Primitive("identity", lambda x: x)
_identity.defvjp(lambda g, out, x: g)
_identity.allow_complex()

_Rebuild = Callable[[list[Any]], Any]


def _describe(value: Any) -> str:
    """A short description of ``value`` for error messages."""
    if isinstance(value, Tensor):
        return f"a {type(value).__name__} of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, np.ndarray):
        return f"an ndarray of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"a {type(value).__name__}"


def _is_floating(dtype: np.dtype[Any]) -> bool:
    # Real or complex floating point (complex: the convention of docs/complex.md).
    return bool(np.issubdtype(dtype, np.inexact))


def _check_argnums(argnums: int | Sequence[int], what: str) -> tuple[tuple[int, ...], bool]:
    """``argnums`` as a tuple of ints, and whether it was a single int."""
    if isinstance(argnums, int | np.integer) and not isinstance(argnums, bool):
        return (int(argnums),), True
    if isinstance(argnums, Sequence) and not isinstance(argnums, str):
        nums = tuple(argnums)
        if all(isinstance(a, int | np.integer) and not isinstance(a, bool) for a in nums):
            if not nums:
                raise ValueError(f"{what}: argnums must not be empty")
            return tuple(int(a) for a in nums), False
    raise TypeError(f"{what}: argnums must be an int or a tuple of ints; got {argnums!r}")


def _positions(argnums: tuple[int, ...], nargs: int, what: str) -> list[int]:
    """Non-negative argument positions, checked against the number of positional arguments."""
    positions = []
    for a in argnums:
        if not -nargs <= a < nargs:
            raise TypeError(
                f"{what}: argnums includes {a}, but the function was called with {nargs} "
                "positional argument(s)"
            )
        positions.append(a % nargs)
    return positions


def _diff_input(x: Any, what: str, label: str) -> Tensor:
    """A tensor of its own standing for ``x`` in the differentiated call; floating dtype only."""
    if isinstance(x, Tensor):
        dtype = x.dtype
    elif isinstance(x, tuple | list | dict):
        raise TypeError(
            f"{what}: {label} is {_describe(x)}; differentiated arguments must be Tensors, "
            "NumPy arrays or Python floats (containers are not supported: pass td.tensor(...))"
        )
    else:
        arr = np.asarray(x)
        dtype = arr.dtype
    if not _is_floating(dtype):
        raise TypeError(
            f"{what}: {label} has dtype {dtype}; differentiation needs a floating-point or "
            "complex input. Convert it first, e.g. with x.astype(np.float64) "
            "or by passing 1.0 instead of 1"
        )
    if isinstance(x, Tensor):
        return _identity.bind(x)
    return _wrap(np.array(arr))


def _run(
    f: Callable[..., Any],
    args: Sequence[Any],
    kwargs: dict[str, Any],
    positions: Iterable[int],
    what: str,
    label: str,
    persistent: bool,
) -> tuple[Tape, list[Tensor], Any]:
    """Call ``f`` under a new tape watching the arguments at ``positions`` (in that order)."""
    call_args = list(args)
    fresh: dict[int, Tensor] = {}
    sources = []
    for p in positions:
        if p not in fresh:
            fresh[p] = call_args[p] = _diff_input(args[p], what, f"{label} {p}")
        sources.append(fresh[p])
    # Variables f reads are not differentiated (only the arguments are), so the tape ignores them.
    tape = Tape(persistent=persistent, watch_accessed_variables=False)
    with tape:
        tape.watch(sources)
        result = f(*call_args, **kwargs)
    return tape, sources, result


def _split_aux(result: Any, has_aux: bool, what: str) -> tuple[Any, Any]:
    if not has_aux:
        return result, None
    if not (isinstance(result, tuple | list) and len(result) == 2):
        raise TypeError(
            f"{what}: with has_aux=True, f must return a pair (output, aux); "
            f"it returned {_describe(result)}"
        )
    return result[0], result[1]


def _as_output(value: Any, what: str) -> Tensor:
    """``f``'s output as a floating tensor (an array or number is a constant output)."""
    if isinstance(value, Tensor):
        out = value
    elif isinstance(value, np.ndarray | np.generic | float | int) and not isinstance(value, bool):
        out = _wrap(np.asarray(value))
    else:
        raise TypeError(f"{what}: f must return a Tensor; it returned {_describe(value)}")
    if not _is_floating(out.dtype):
        raise TypeError(
            f"{what}: f must return a floating-point tensor; it returned {_describe(value)}"
        )
    return out


def _outputs(result: Any, what: str) -> tuple[list[Tensor], _Rebuild, bool]:
    """``f``'s outputs as a flat list, a rebuilder of the same structure, and whether it is one."""
    if isinstance(result, tuple | list):
        kind = type(result)
        outs = [_as_output(r, what) for r in result]
        return outs, (lambda xs: kind(xs)), True
    return [_as_output(result, what)], (lambda xs: xs[0]), False


def _like(values: Any, refs: list[Tensor], structured: bool, what: str, noun: str) -> list[Tensor]:
    """Tensors matching ``refs`` one to one in shape, cast to their dtypes; clear errors if not."""
    if structured:
        if not isinstance(values, tuple | list) or len(values) != len(refs):
            raise TypeError(
                f"{what}: expected a tuple of {len(refs)} {noun}s (one per output); "
                f"got {_describe(values)}"
            )
        items = list(values)
    else:
        items = [values]
    result = []
    for i, (v, ref) in enumerate(zip(items, refs, strict=True)):
        t = v if isinstance(v, Tensor) else None
        dtype = v.dtype if t is not None else np.asarray(v).dtype
        name = f"{noun} {i}" if structured else noun
        if not _is_floating(dtype):
            raise TypeError(
                f"{what}: {name} must be a floating-point tensor (like {ref.dtype}); "
                f"got {_describe(v)}"
            )
        if t is None:
            t = _wrap(np.array(v, dtype=ref.dtype))
        if t.shape != ref.shape:
            raise ValueError(f"{what}: {name} must have shape {ref.shape}; got shape {t.shape}")
        result.append(t if t.dtype == ref.dtype else t.astype(ref.dtype))
    return result


def _value_and_grad(
    f: Callable[..., Any], argnums: int | Sequence[int], has_aux: bool, what: str
) -> Callable[..., tuple[Any, Any]]:
    nums, single = _check_argnums(argnums, what)

    def value_and_grad_f(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        positions = _positions(nums, len(args), what)
        tape, sources, result = _run(f, args, kwargs, positions, what, "argnum", False)
        out, aux = _split_aux(result, has_aux, what)
        value = _as_output(out, what)
        if value.dtype.kind == "c":
            raise TypeError(
                f"{what}: f returned a complex value ({_describe(out)}); {what} needs a real "
                "scalar output, as JAX's grad without holomorphic=True. Differentiate a real "
                "function of it (td.real, td.imag, td.abs(y) ** 2), or use vjp with a complex "
                "cotangent"
            )
        if value.size != 1:
            raise ValueError(
                f"{what}: f must return a scalar (a tensor with one element); it returned "
                f"{_describe(out)}. Use jacobian or vjp for non-scalar outputs"
            )
        grads = tape.gradient(value, sources, unconnected_gradients="zero")
        g = grads[0] if single else tuple(grads)
        return ((value, aux) if has_aux else value), g

    return value_and_grad_f


def value_and_grad(
    f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False
) -> Callable[..., tuple[Any, Any]]:
    """Function returning ``(f(*args), grad(f, argnums)(*args))`` from one evaluation of ``f``.

    ``has_aux``: ``f`` returns ``(output, aux)``; the result is ``((output, aux), grads)``.
    """
    return functools.wraps(f)(_value_and_grad(f, argnums, has_aux, "value_and_grad"))


def grad(
    f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """Function returning the gradient of scalar-valued ``f`` with respect to ``argnums``.

    ``has_aux``: ``f`` returns ``(output, aux)``; the result is ``(grads, aux)``.
    Complex arguments (``docs/complex.md``, JAX's convention): for real ``f`` of ``z = x + iy``
    the result is ``df/dx - i df/dy``, so gradient descent steps along its conjugate; a
    complex-valued ``f`` is refused with TypeError (use ``vjp``).
    """
    value_and_grad_f = _value_and_grad(f, argnums, has_aux, "grad")

    @functools.wraps(f)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        value, grads = value_and_grad_f(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return grad_f


def vjp(f: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """``(f(*primals), pullback)``; ``pullback(cotangent)`` returns a tuple, one entry per primal.

    ``has_aux``: ``f`` returns ``(output, aux)``; the result is ``(output, pullback, aux)``.
    """
    what = "vjp"
    tape, sources, result = _run(f, primals, {}, range(len(primals)), what, "primal", True)
    out, aux = _split_aux(result, has_aux, what)
    outs, rebuild, structured = _outputs(out, what)

    def pullback(cotangent: Any) -> tuple[Tensor, ...]:
        cts = _like(cotangent, outs, structured, "vjp pullback", "cotangent")
        grads = tape.gradient(outs, sources, output_gradients=cts, unconnected_gradients="zero")
        return tuple(grads)

    value = rebuild(outs)
    return (value, pullback, aux) if has_aux else (value, pullback)


def jvp(
    f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], has_aux: bool = False
) -> tuple[Any, ...]:
    """``(f(*primals), J @ tangents)``, the Jacobian-vector product (two reverse passes).

    ``has_aux``: ``f`` returns ``(output, aux)``; the result is ``(output, tangent_out, aux)``.
    """
    what = "jvp"
    if not isinstance(primals, tuple | list) or not isinstance(tangents, tuple | list):
        raise TypeError(
            f"{what}: primals and tangents must be tuples or lists; "
            f"got {_describe(primals)} and {_describe(tangents)}"
        )
    if len(primals) != len(tangents):
        raise TypeError(
            f"{what}: expected one tangent per primal; got {len(primals)} primal(s) and "
            f"{len(tangents)} tangent(s)"
        )
    tape, sources, result = _run(f, primals, {}, range(len(primals)), what, "primal", False)
    ts = _like(tuple(tangents), sources, True, what, "tangent")
    out, aux = _split_aux(result, has_aux, what)
    outs, rebuild, _ = _outputs(out, what)
    # The pullback u -> J^T u is linear in u, so the gradient of <J^T u, t> with respect to u is
    # J t whatever u is; u = 0 is as good as any.
    inner = Tape(watch_accessed_variables=False)
    with inner:
        us = [_wrap(np.zeros(o.shape, dtype=o.dtype)) for o in outs]
        inner.watch(us)
        cts = tape.gradient(outs, sources, output_gradients=us, unconnected_gradients="zero")
    tangent_outs = inner.gradient(cts, us, output_gradients=ts, unconnected_gradients="zero")
    value, tangent_out = rebuild(outs), rebuild(tangent_outs)
    return (value, tangent_out, aux) if has_aux else (value, tangent_out)


def _jacobian(
    f: Callable[..., Any], argnums: int | Sequence[int], has_aux: bool, what: str
) -> Callable[..., Any]:
    nums, single = _check_argnums(argnums, what)

    def jacobian_f(*args: Any, **kwargs: Any) -> Any:
        positions = _positions(nums, len(args), what)
        tape, sources, result = _run(f, args, kwargs, positions, what, "argnum", True)
        out, aux = _split_aux(result, has_aux, what)
        outs, rebuild, _ = _outputs(out, what)
        jacs = []
        for o in outs:
            columns = tape.jacobian(o, sources, unconnected_gradients="zero")
            jacs.append(columns[0] if single else tuple(columns))
        jac = rebuild(jacs)
        return (jac, aux) if has_aux else jac

    return functools.wraps(f)(jacobian_f)


def jacobian(
    f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """Function returning the Jacobian of ``f``, shaped ``out.shape + arg.shape`` per argument.

    Tuples of outputs and of ``argnums`` nest, outputs outermost; ``has_aux`` as in :func:`grad`.
    """
    return _jacobian(f, argnums, has_aux, "jacobian")


def hessian(
    f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """Function returning the Hessian of ``f``, shaped ``out.shape + arg.shape + arg.shape``.

    For a tuple ``argnums``, ``h[i][j]`` has shape ``out.shape + args[i].shape + args[j].shape``.
    """
    return _jacobian(_jacobian(f, argnums, has_aux, "hessian"), argnums, has_aux, "hessian")


def _check_gradients(name: str, raw: Any, inputs: Sequence[Any]) -> list[Tensor | None]:
    """``grad_fn``'s result as one checked gradient per input (None where there is none)."""
    n = len(inputs)
    if isinstance(raw, Tensor) or raw is None:
        grads: list[Any] = [raw]
    elif isinstance(raw, tuple | list):
        grads = list(raw)
    else:
        raise TypeError(
            f"{name}: grad_fn must return a Tensor or a tuple of Tensors (one per input); "
            f"it returned {_describe(raw)}"
        )
    if len(grads) != n:
        raise ValueError(
            f"{name}: grad_fn returned {len(grads)} gradient(s); expected {n}, one per "
            "positional argument"
        )
    checked: list[Tensor | None] = []
    for i, (g, x) in enumerate(zip(grads, inputs, strict=True)):
        if not isinstance(x, Tensor):
            checked.append(None)  # a constant argument: whatever grad_fn says, no tape wants it
            continue
        if g is None:
            g = _wrap(np.zeros(x.shape, dtype=x.dtype))
        elif not isinstance(g, Tensor):
            raise TypeError(
                f"{name}: grad_fn's gradient for argument {i} is {_describe(g)}; expected a "
                "Tensor (write grad_fn with tapediff ops so it can be differentiated again)"
            )
        elif g.shape != x.shape:
            raise ValueError(
                f"{name}: grad_fn's gradient for argument {i} has shape {g.shape}; expected "
                f"{x.shape}, the shape of argument {i}"
            )
        checked.append(g)
    return checked


def _call_checking_variables(
    f: Callable[..., Any], name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """``f(*args, **kwargs)``; refuses trainable variables read inside, when a tape could want them.

    The custom op's inputs are the positional arguments only, so a variable used inside ``f``
    would silently get no gradient from any tape.
    """
    if not ACTIVE.get():
        return f(*args, **kwargs)
    probe = Tape(watch_accessed_variables=True)
    with probe:
        result = f(*args, **kwargs)
    hidden = [v for v in probe.watched_variables() if not any(v is a for a in args)]
    if hidden:
        names = ", ".join(repr(v.name) if v.name else f"of shape {v.shape}" for v in hidden)
        raise TypeError(
            f"{name}: a custom_gradient function used trainable Variable(s) ({names}) that are not "
            "among its positional arguments, so they would get no gradient; pass them as "
            "arguments and return their gradients from grad_fn"
        )
    return result


def custom_gradient(f: Callable[..., Any]) -> Callable[..., Tensor]:
    """Decorator: ``f(*xs)`` returns ``(value, grad_fn)``; tapes use ``grad_fn`` as its VJP.

    ``grad_fn(upstream)`` returns one gradient (or None) per positional argument, shaped like it.
    Written with tapediff ops, it is differentiable in turn. Keyword arguments get no gradient,
    and trainable variables ``f`` uses must be passed to it as positional arguments.
    """
    name = getattr(f, "__name__", type(f).__name__)

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Tensor:
        # f's own operations are recorded as usual: they are dead ends for the first derivative,
        # but they connect intermediates that grad_fn closes over to the inputs, so a derivative
        # of grad_fn's result reaches the inputs through them.
        result = _call_checking_variables(f, name, args, kwargs)
        if not (isinstance(result, tuple | list) and len(result) == 2 and callable(result[1])):
            raise TypeError(
                f"{name}: a custom_gradient function must return a pair (value, grad_fn) with "
                f"grad_fn callable; it returned {_describe(result)}"
            )
        value, grad_fn = result
        if isinstance(value, Tensor):
            array = value._array
        elif isinstance(value, np.ndarray | np.generic | float | int):
            array = np.asarray(value)
        else:
            raise TypeError(
                f"{name}: a custom_gradient function must return a Tensor as its value; "
                f"it returned {_describe(value)}"
            )

        prim = Primitive(name, lambda *arrays: array, tensor_vjp=True)
        # grad_fn gives every input's gradient at once, which is what defvjp_all takes.
        prim.defvjp_all(lambda g, out, *inputs: _check_gradients(name, grad_fn(g), inputs))
        # grad_fn is the user's VJP: on complex values it follows docs/complex.md's convention.
        prim.allow_complex()
        return prim.bind(*args)

    return wrapper
