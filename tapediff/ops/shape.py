"""Shape operations: views and rearrangements whose VJPs rearrange the cotangent back.

Only reshape, broadcast_to, transpose, swapaxes, concatenate, stack and constant-mode pad are
primitives; the rest (moveaxis, expand_dims, squeeze, split, tile, repeat, the other pad modes)
are compositions of those and of indexing, so their gradients, and second derivatives, follow.

Axes are checked before NumPy sees them, so a bad axis raises an error naming the op and the
tensor's shape: ``numpy.exceptions.AxisError`` (a ``ValueError``) when out of bounds,
``ValueError`` when repeated, ``TypeError`` when not an integer. Unlike NumPy's reductions, a 0-d
tensor has no axis 0 or -1.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .._errors import non_numeric_error
from ..tensor import Shape, Tensor, TensorLike, as_tensor, operand
from ._axes import AxisError, axis_index, axis_tuple
from ._primitive import VJPArg, primitive

__all__ = [
    "array_split",
    "broadcast_to",
    "concatenate",
    "expand_dims",
    "flatten",
    "moveaxis",
    "pad",
    "ravel",
    "repeat",
    "reshape",
    "split",
    "squeeze",
    "stack",
    "swapaxes",
    "tile",
    "transpose",
]

_Indices = int | Sequence[int] | npt.NDArray[np.integer[Any]]


# ----- reshaping -----

_reshape = primitive("reshape")(np.reshape)
_reshape.defvjp(lambda g, out, x, shape: reshape(g, x.shape))


def reshape(a: TensorLike, shape: Shape) -> Tensor:
    """``a`` with a new shape of the same size; one entry may be -1 (numpy.reshape)."""
    # A size mismatch is a ValueError naming the op and the shapes (raised by bind).
    try:
        return _reshape.bind(a, shape=shape)
    except TypeError as e:
        _refuse_non_numeric("reshape", [a])
        raise TypeError(
            f"reshape: shape must be an int or a tuple of ints; got {shape!r} ({e})"
        ) from None


def ravel(a: TensorLike) -> Tensor:
    """The elements as a 1-D tensor in C order (numpy.ravel)."""
    return reshape(a, -1)


def flatten(a: TensorLike) -> Tensor:
    """The elements as a 1-D tensor in C order (ndarray.flatten)."""
    return reshape(a, -1)


def expand_dims(a: TensorLike, axis: int | Sequence[int]) -> Tensor:
    """Insert length-one axes at the positions ``axis`` of the result (numpy.expand_dims)."""
    t = operand(a, "expand_dims")
    n_new = len(axis) if isinstance(axis, Sequence) else 1
    ndim = t.ndim + n_new
    try:
        new = set(axis_tuple("expand_dims", axis, (1,) * ndim))
    except AxisError:
        raise AxisError(
            f"expand_dims: axis {axis!r} is out of bounds for the {ndim} dimensions of the "
            f"result (a tensor of shape {t.shape} with {n_new} new)"
        ) from None
    except ValueError:
        raise ValueError(
            f"expand_dims: repeated axis in axis={axis!r} for a tensor of shape {t.shape}"
        ) from None
    rest = iter(t.shape)
    return reshape(t, tuple(1 if i in new else next(rest) for i in range(ndim)))


def squeeze(a: TensorLike, axis: int | Sequence[int] | None = None) -> Tensor:
    """Remove length-one axes: all of them, or those in ``axis`` (numpy.squeeze)."""
    t = operand(a, "squeeze")
    shape = t.shape
    if axis is None:
        drop = {i for i, n in enumerate(shape) if n == 1}
    else:
        drop = set(axis_tuple("squeeze", axis, shape))
        for i in sorted(drop):
            if shape[i] != 1:
                raise ValueError(
                    f"squeeze: cannot squeeze axis {i} of a tensor of shape {shape}: "
                    f"its length is {shape[i]}, not 1"
                )
    return reshape(t, tuple(n for i, n in enumerate(shape) if i not in drop))


_broadcast_to = primitive("broadcast_to")(np.broadcast_to)
# The tape sums a cotangent of the broadcast shape back to the input's shape.
_broadcast_to.defvjp(lambda g, out, x, shape: g)


def broadcast_to(array: TensorLike, shape: Shape) -> Tensor:
    """``array`` broadcast to ``shape`` (numpy.broadcast_to)."""
    try:
        return _broadcast_to.bind(array, shape=shape)
    except ValueError:
        raise ValueError(
            f"broadcast_to: cannot broadcast a tensor of shape {np.shape(array)} to shape {shape!r}"
        ) from None


# ----- permuting axes -----

_transpose = primitive("transpose")(np.transpose)
_transpose.defvjp(
    lambda g, out, x, axes: transpose(g, None if axes is None else tuple(np.argsort(axes)))
)


def transpose(a: TensorLike, axes: Sequence[int] | None = None) -> Tensor:
    """Permute the axes; reverse them when ``axes`` is None (numpy.transpose)."""
    if axes is None:
        return _transpose.bind(a, axes=None)
    t = operand(a, "transpose")
    # Normalized (non-negative) axes, so that the VJP's argsort inverts the permutation.
    perm = axis_tuple("transpose", axes, t.shape, "axes")
    if len(perm) != t.ndim:
        raise ValueError(
            f"transpose: axes {tuple(axes)!r} must be a permutation of all "
            f"{t.ndim} axes of a tensor of shape {t.shape}"
        )
    return _transpose.bind(t, axes=perm)


_swapaxes = primitive("swapaxes")(np.swapaxes)
_swapaxes.defvjp(lambda g, out, x, axis1, axis2: swapaxes(g, axis1, axis2))


def swapaxes(a: TensorLike, axis1: int, axis2: int) -> Tensor:
    """Interchange two axes (numpy.swapaxes)."""
    t = operand(a, "swapaxes")
    ax1 = axis_index("swapaxes", axis1, t.shape, "axis1")
    ax2 = axis_index("swapaxes", axis2, t.shape, "axis2")
    return _swapaxes.bind(t, axis1=ax1, axis2=ax2)


def moveaxis(
    a: TensorLike, source: int | Sequence[int], destination: int | Sequence[int]
) -> Tensor:
    """Move axes to new positions, keeping the others in order (numpy.moveaxis)."""
    t = operand(a, "moveaxis")
    src = axis_tuple("moveaxis", source, t.shape, "source")
    dst = axis_tuple("moveaxis", destination, t.shape, "destination")
    if len(src) != len(dst):
        raise ValueError(
            f"moveaxis: source {source!r} and destination {destination!r} must name the same "
            "number of axes"
        )
    order = [i for i in range(t.ndim) if i not in src]
    for d, s in sorted(zip(dst, src, strict=True)):
        order.insert(d, s)
    return transpose(t, order)


# ----- joining and splitting -----


def _shapes(arrays: Sequence[Any]) -> str:
    return ", ".join(str(np.shape(x)) for x in arrays)


def _sequence(op: str, arrays: Any) -> list[Any]:
    """``arrays`` as a list, or a TypeError naming ``op`` if it is not a sequence."""
    if arrays is None or isinstance(arrays, str | bytes) or not hasattr(arrays, "__iter__"):
        raise TypeError(
            f"{op}: expected a sequence of tensors or arrays; got {type(arrays).__name__}"
        )
    return list(arrays)


def _refuse_non_numeric(op: str, arrays: list[Any]) -> None:
    """On a failed shape check: if an element is not numeric, that is the error to raise."""
    refused = non_numeric_error(op, arrays)
    if refused is not None:
        raise refused


@primitive("concatenate")
def _concatenate(*arrays: Any, axis: int) -> Any:
    return np.concatenate(arrays, axis=axis)


def _concatenate_vjp(g: VJPArg, out: VJPArg, *arrays: VJPArg, axis: int) -> list[Any]:
    """Each input's cotangent is its slice of ``g``."""
    pieces = []
    start = 0
    lead = (slice(None),) * axis
    for x in arrays:
        stop = start + np.shape(x)[axis]
        pieces.append(g[(*lead, slice(start, stop))])
        start = stop
    return pieces


_concatenate.defvjp_all(_concatenate_vjp)


def concatenate(arrays: Sequence[TensorLike] | Tensor, axis: int | None = 0) -> Tensor:
    """Join tensors along an existing axis; flattened first when ``axis`` is None
    (numpy.concatenate)."""
    # Like NumPy, a tensor counts as the sequence of its subtensors along axis 0.
    arrays = _sequence("concatenate", arrays)
    if not arrays:
        raise ValueError("concatenate: expected a non-empty sequence of tensors; got an empty one")
    if axis is None:
        arrays = [reshape(x, -1) for x in arrays]
        axis = 0
    first = np.shape(arrays[0])
    if not first:
        _refuse_non_numeric("concatenate", arrays)
        raise ValueError(f"concatenate: cannot join 0-d tensors; got shapes {_shapes(arrays)}")
    ax = axis_index("concatenate", axis, first)
    # Mismatched shapes: NumPy's ValueError, with the op's name and the shapes (added by bind).
    return _concatenate.bind(*arrays, axis=ax)


@primitive("stack")
def _stack(*arrays: Any, axis: int) -> Any:
    return np.stack(arrays, axis=axis)


_stack.defvjp_all(
    lambda g, out, *arrays, axis: [g[(slice(None),) * axis + (i,)] for i in range(len(arrays))]
)


def stack(arrays: Sequence[TensorLike] | Tensor, axis: int = 0) -> Tensor:
    """Join tensors of one shape along a new axis (numpy.stack)."""
    # Like NumPy, a tensor counts as the sequence of its subtensors along axis 0.
    arrays = _sequence("stack", arrays)
    if not arrays:
        raise ValueError("stack: expected a non-empty sequence of tensors; got an empty one")
    first = np.shape(arrays[0])
    for x in arrays[1:]:
        if np.shape(x) != first:
            _refuse_non_numeric("stack", arrays)
            raise ValueError(
                f"stack: all tensors must have the same shape; got shapes {_shapes(arrays)}"
            )
    ax = axis_index("stack", axis, (*first, len(arrays)))
    return _stack.bind(*arrays, axis=ax)


def _split_points(op: str, n: int, indices_or_sections: _Indices) -> list[int]:
    if isinstance(indices_or_sections, int | np.integer):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError(f"{op}: the number of sections must be positive; got {sections}")
        each, extra = divmod(n, sections)
        sizes = [each + 1] * extra + [each] * (sections - extra)
        return [0, *np.cumsum(sizes).tolist()]
    try:
        return [0, *(operator.index(i) for i in indices_or_sections), n]
    except TypeError:
        raise TypeError(
            f"{op}: indices_or_sections must be an integer or a sequence of integers; "
            f"got {indices_or_sections!r}"
        ) from None


def _split(ary: TensorLike, points: list[int], axis: int) -> list[Tensor]:
    t = as_tensor(ary)
    lead = (slice(None),) * axis
    return [t[(*lead, slice(start, stop))] for start, stop in itertools.pairwise(points)]


def array_split(ary: TensorLike, indices_or_sections: _Indices, axis: int = 0) -> list[Tensor]:
    """Split into sections, the first ``n % sections`` one longer; or at the given indices
    (numpy.array_split)."""
    t = operand(ary, "array_split")
    ax = axis_index("array_split", axis, t.shape)
    points = _split_points("array_split", t.shape[ax], indices_or_sections)
    return _split(t, points, ax)


def split(ary: TensorLike, indices_or_sections: _Indices, axis: int = 0) -> list[Tensor]:
    """Split into equal sections, or at the given indices, as differentiable slices
    (numpy.split)."""
    t = operand(ary, "split")
    ax = axis_index("split", axis, t.shape)
    n = t.shape[ax]
    sections = indices_or_sections
    if isinstance(sections, int | np.integer) and sections > 0 and n % sections:
        raise ValueError(
            f"split: axis {ax} of length {n} (tensor of shape {t.shape}) does not divide "
            f"into {sections} equal sections; use array_split for uneven ones"
        )
    points = _split_points("split", n, indices_or_sections)
    return _split(t, points, ax)


# ----- padding, tiling, repeating -----

_GATHER_PAD_MODES = ("edge", "reflect", "symmetric", "wrap")
_OTHER_PAD_MODES = ("linear_ramp", "maximum", "mean", "median", "minimum", "empty")


@primitive("pad")
def _pad_constant(x: Any, pad_width: Any, constant_values: Any) -> Any:
    return np.pad(x, pad_width, mode="constant", constant_values=constant_values)


_pad_constant.defvjp(
    lambda g, out, x, pad_width, constant_values: g[
        tuple(slice(before, before + n) for (before, _), n in zip(pad_width, x.shape, strict=True))
    ]
)


def pad(
    array: TensorLike,
    pad_width: npt.ArrayLike,
    mode: str = "constant",
    constant_values: Any = 0,
) -> Tensor:
    """Pad with a constant (the default) or by edge, reflect, symmetric or wrap (numpy.pad).

    ``pad_width`` takes NumPy's forms: ``n``, ``(before, after)``, or one pair per axis.
    ``constant_values`` is a constant: no gradient flows to it. The other NumPy modes raise
    NotImplementedError.
    """
    supported = "'constant', " + ", ".join(repr(m) for m in _GATHER_PAD_MODES)
    if mode in _OTHER_PAD_MODES:
        raise NotImplementedError(f"pad: mode={mode!r} is not supported; use {supported}")
    if mode != "constant" and mode not in _GATHER_PAD_MODES:
        raise ValueError(f"pad: unknown mode {mode!r}; expected {supported}")
    if mode != "constant" and np.any(np.asarray(constant_values) != 0):
        raise ValueError(f"pad: constant_values only applies to mode='constant', not {mode!r}")
    t = operand(array, "pad")
    widths = np.asarray(pad_width)
    if widths.dtype.kind not in "iu":
        raise TypeError(f"pad: pad_width must be integers; got {pad_width!r}")
    try:
        pairs = np.broadcast_to(widths, (t.ndim, 2))
    except ValueError:
        raise ValueError(
            f"pad: pad_width {pad_width!r} does not fit a tensor of shape {t.shape}: expected "
            f"n, (before, after) or {t.ndim} (before, after) pairs"
        ) from None
    if (pairs < 0).any():
        raise ValueError(f"pad: pad_width must be non-negative; got {pad_width!r}")
    pw = tuple((int(b), int(e)) for b, e in pairs)
    if not pw:
        return t  # a 0-d tensor has no axis to pad (NumPy returns it unchanged)
    if mode == "constant":
        cv = constant_values._array if isinstance(constant_values, Tensor) else constant_values
        return _pad_constant.bind(t, pad_width=pw, constant_values=cv)
    # The remaining modes only copy elements, so padding an array of flat indices says where
    # each output element comes from; gathering with it gives the gradient (repeats accumulate).
    index = np.arange(t.size).reshape(t.shape)
    try:
        source = np.pad(index, pw, mode=mode)  # type: ignore[call-overload]
    except ValueError as e:
        raise ValueError(f"pad: cannot pad a tensor of shape {t.shape}: {e}") from None
    return reshape(t, -1)[source]


def _counts(op: str, what: str, value: Any) -> tuple[int, ...]:
    """Non-negative integer counts (``reps``, ``repeats``) as a tuple."""
    arr = np.asarray(value._array if isinstance(value, Tensor) else value)
    if arr.size == 0:
        arr = arr.astype(np.intp)
    if arr.dtype.kind not in "iu" or arr.ndim > 1:
        raise TypeError(
            f"{op}: {what} must be an integer or a 1-D sequence of integers; got {value!r}"
        )
    if (arr < 0).any():
        raise ValueError(f"{op}: {what} must be non-negative; got {value!r}")
    return tuple(int(n) for n in arr.reshape(-1))


def tile(A: TensorLike, reps: TensorLike) -> Tensor:
    """``A`` repeated ``reps`` times along each axis (numpy.tile)."""
    t = operand(A, "tile")
    r = _counts("tile", "reps", reps)
    d = max(len(r), t.ndim)
    r = (1,) * (d - len(r)) + r
    shape = (1,) * (d - t.ndim) + t.shape
    # Each axis n becomes a pair (r, n): broadcasting fills the r copies, the tape sums them back.
    spread = broadcast_to(
        reshape(t, tuple(x for n in shape for x in (1, n))),
        tuple(x for k, n in zip(r, shape, strict=True) for x in (k, n)),
    )
    return reshape(spread, tuple(k * n for k, n in zip(r, shape, strict=True)))


def repeat(a: TensorLike, repeats: TensorLike, axis: int | None = None) -> Tensor:
    """Repeat each element ``repeats`` times (or ``repeats[i]`` times for element ``i``) along
    ``axis``; over the flattened tensor when ``axis`` is None (numpy.repeat)."""
    t = operand(a, "repeat")
    if axis is None:
        t = reshape(t, -1)
        axis = 0
    ax = axis_index("repeat", axis, t.shape)
    counts = _counts("repeat", "repeats", repeats)
    shape = t.shape
    if len(counts) == 1:
        # Each element becomes a new axis of k copies: broadcast, then merge the two axes.
        k = counts[0]
        spread = broadcast_to(
            reshape(t, (*shape[: ax + 1], 1, *shape[ax + 1 :])),
            (*shape[: ax + 1], k, *shape[ax + 1 :]),
        )
        return reshape(spread, (*shape[:ax], shape[ax] * k, *shape[ax + 1 :]))
    if len(counts) != shape[ax]:
        raise ValueError(
            f"repeat: repeats has {len(counts)} entries but axis {ax} of a tensor of shape "
            f"{shape} has length {shape[ax]}"
        )
    source = np.repeat(np.arange(shape[ax]), counts)
    return t[(slice(None),) * ax + (source,)]


# Linear maps: their VJPs (transposes) are right for complex values as they are.
for _p in (
    _reshape,
    _broadcast_to,
    _transpose,
    _swapaxes,
    _concatenate,
    _stack,
    _pad_constant,
):
    _p.allow_complex()
