"""Tensor (an immutable array value) and Variable (a trainable, assignable tensor)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, SupportsIndex, TypeAlias, cast

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from .ops.indexing import _AtIndexer

Array: TypeAlias = npt.NDArray[Any]
TensorLike: TypeAlias = "Tensor | npt.ArrayLike"
Axis: TypeAlias = "int | tuple[int, ...] | None"
Shape: TypeAlias = "int | tuple[int, ...]"


def _readonly(a: Array) -> Array:
    """A view of ``a`` that nobody can write through, nor make writeable again.

    NumPy lets a view be made writeable whenever the array owning the memory is; a view of a
    read-only buffer cannot be, so the view is taken through a read-only memoryview.
    """
    arr = np.asarray(a)  # a 0-d value may be held as a NumPy scalar
    try:
        view = np.asarray(memoryview(cast(Any, arr)).toreadonly())
    except (TypeError, ValueError, BufferError):
        view = None
    if view is None or view.dtype != arr.dtype or view.shape != arr.shape:
        view = arr.copy()  # a dtype the buffer protocol cannot carry: a private copy
    view.flags.writeable = False
    return view


def _checked_array(data: Any, dtype: npt.DTypeLike | None, what: str, copy: bool = True) -> Array:
    """``np.array(data, dtype)``, refusing what is not an array of numbers or booleans."""
    try:
        arr = np.array(data, dtype=dtype) if copy else np.asarray(data, dtype=dtype)
    except ValueError as e:  # a ragged list, or strings that are not numbers
        raise ValueError(f"{what}: expected numbers, booleans or arrays of them; {e}") from None
    if arr.dtype == object:
        raise TypeError(
            f"{what}: expected numbers, booleans or arrays of them; got {_describe_data(data)}, "
            "which NumPy can only hold as an object array"
        )
    return arr


def _describe_data(data: Any) -> str:
    if data is None:
        return "None"
    if isinstance(data, list | tuple):
        return f"a {type(data).__name__} containing non-numbers (e.g. None)"
    if isinstance(data, np.ndarray):
        return f"an ndarray of dtype {data.dtype}"
    return f"a {type(data).__name__}"


class Tensor:
    """An immutable n-dimensional array that gradient tapes can record operations on."""

    __slots__ = ("__weakref__", "_array")

    # An ndarray, or a NumPy scalar for a 0-d op result (scalar arithmetic is several times
    # faster than 0-d array arithmetic, and NumPy treats the two alike).
    _array: Array

    def __init__(self, data: TensorLike, dtype: npt.DTypeLike | None = None) -> None:
        if isinstance(data, Tensor | list | tuple) and _holds_tracked(data):
            # A new tensor made here is never recorded: its gradient would be silently lost.
            raise TypeError(
                "Tensor(...) cannot record its construction from a tensor a tape is tracking, "
                "so the gradient would be lost; use td.tensor(...) (or td.stack) to keep it, "
                "or td.stop_gradient(...) to drop it explicitly"
            )
        if isinstance(data, Tensor):
            data = data._array
        # Copy: the caller's array may change later, a tensor must not.
        self._array = _checked_array(data, dtype, "Tensor")

    # ----- basic attributes -----
    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape."""
        return self._array.shape

    @property
    def dtype(self) -> np.dtype[Any]:
        """The array's dtype."""
        return self._array.dtype

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return self._array.ndim

    @property
    def size(self) -> int:
        """Number of elements."""
        return self._array.size

    @property
    def real(self) -> Tensor:
        """The real part, like ndarray.real (see :func:`tapediff.real`)."""
        return _cx.real(self)

    @property
    def imag(self) -> Tensor:
        """The imaginary part, like ndarray.imag (see :func:`tapediff.imag`)."""
        return _cx.imag(self)

    def conj(self) -> Tensor:
        """The complex conjugate, like ndarray.conj (see :func:`tapediff.conj`)."""
        return _cx.conj(self)

    conjugate = conj

    @property
    def T(self) -> Tensor:
        """The transpose (axes reversed), like ndarray.T."""
        return _sh.transpose(self)

    @property
    def at(self) -> _AtIndexer:
        """Functional indexed updates: ``x.at[idx].set(v)`` / ``.add(v)``, as in JAX."""
        return _ix._AtIndexer(self)

    def numpy(self) -> Array:
        """The value as a read-only NumPy array (no copy)."""
        return _readonly(self._array)

    def item(self) -> Any:
        """The single element as a Python scalar."""
        return self._array.item()

    def tolist(self) -> Any:
        """The value as nested Python lists."""
        return self._array.tolist()

    def __array__(self, dtype: npt.DTypeLike | None = None, copy: bool | None = None) -> Array:
        # The door through which SciPy and other libraries read a tensor (np.asarray): their
        # result would carry no gradient, so a tensor a tape is tracking is refused, as PyTorch
        # refuses .numpy() on a tensor that requires grad. .numpy() stays the explicit way out.
        if self._array.dtype.kind in "fc":
            from ._record import tracks

            if tracks(self):
                raise TypeError(
                    f"converting a tensor that a tape is tracking (shape {self.shape}, dtype "
                    f"{self.dtype}) to a NumPy array would drop its gradient: a function outside "
                    "tapediff (SciPy, or another library reading it with numpy.asarray) cannot "
                    "be differentiated. Use tapediff's version (tapediff.scipy.*, "
                    "tapediff.numpy.*), or x.numpy() for the values without a gradient"
                )
        if dtype is not None and np.dtype(dtype) != self._array.dtype:
            return np.asarray(self._array).astype(dtype)
        if copy:
            return np.array(self._array, copy=True)
        return _readonly(self._array)

    def __len__(self) -> int:
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._array)

    def __iter__(self) -> Iterator[Tensor]:
        if self._array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        for i in range(len(self._array)):
            yield self[i]

    def __bool__(self) -> bool:
        return bool(self._array)

    def _scalar(self, what: str) -> Any:
        if self._array.size != 1:
            raise TypeError(
                f"{what}: only a tensor with one element converts to a Python scalar; "
                f"got shape {self.shape}"
            )
        return self._array.item()

    def __float__(self) -> float:
        return float(self._scalar("float()"))

    def __int__(self) -> int:
        return int(self._scalar("int()"))

    def __complex__(self) -> complex:
        return complex(self._scalar("complex()"))

    def __format__(self, spec: str) -> str:
        """``f"{loss:.4f}"``: a one-element tensor formats as its number (like a NumPy scalar);
        larger tensors take only an empty spec, as ndarrays do."""
        if spec and self._array.size == 1:
            return format(self._array.item(), spec)
        return format(self._array, spec)

    def __round__(self, ndigits: int | None = None) -> Any:
        """As for NumPy scalars: ``round(t)`` of a one-element tensor is a Python int, and
        ``round(t, n)`` is ``tapediff.round(t, n)``, a tensor of the same dtype and shape."""
        if ndigits is None:
            return round(self._scalar("round()"))
        return _ew.round(self, ndigits)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Tensor, (np.array(self._array),))

    def __index__(self) -> int:
        return self._array.__index__()

    # ----- NumPy protocols: np.exp(t), np.sum(t, axis=0), ndarray + t run tapediff's ops -----
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        impl = _UFUNCS.get(ufunc)
        if impl is None:
            impl = _scipy_ufunc(ufunc)
        if impl is not None and method == "__call__":
            if not kwargs:
                return impl(*inputs)
            if kwargs.keys() <= _UFUNC_KWARGS.get(ufunc, frozenset()):
                return impl(*inputs, **kwargs)
        home = "scipy.special" if _is_scipy_special(ufunc) else "numpy"
        name = f"{home}.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
        if kwargs:
            name += f" with {', '.join(kwargs)}="
        return _without_tapediff(name, getattr(ufunc, method), inputs, kwargs)

    def __array_function__(
        self, func: Any, types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        impl = _FUNCTIONS.get(func)
        if impl is not None:
            return impl(*args, **kwargs)
        module = getattr(func, "__module__", None) or "numpy"
        name = f"{module}.{getattr(func, '__name__', func)}"
        return _without_tapediff(name, func, args, kwargs)

    # Identity hashing (as in PyTorch) keeps tensors usable in sets and as dict keys,
    # even though == is elementwise.
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        body = np.array2string(np.asarray(self._array), separator=", ", prefix="tensor(")
        return f"tensor({body}, dtype={self._array.dtype})"

    def __copy__(self) -> Tensor:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        return self

    # ----- arithmetic operators -----
    # These call the primitives directly: one Python call less on the hottest path.
    def __add__(self, other: TensorLike) -> Tensor:
        return _ew._add.bind(self, other)

    def __radd__(self, other: TensorLike) -> Tensor:
        return _ew._add.bind(other, self)

    def __sub__(self, other: TensorLike) -> Tensor:
        return _ew._subtract.bind(self, other)

    def __rsub__(self, other: TensorLike) -> Tensor:
        return _ew._subtract.bind(other, self)

    def __mul__(self, other: TensorLike) -> Tensor:
        return _ew._multiply.bind(self, other)

    def __rmul__(self, other: TensorLike) -> Tensor:
        return _ew._multiply.bind(other, self)

    def __truediv__(self, other: TensorLike) -> Tensor:
        return _ew._divide.bind(self, other)

    def __rtruediv__(self, other: TensorLike) -> Tensor:
        return _ew._divide.bind(other, self)

    def __pow__(self, other: TensorLike) -> Tensor:
        return _ew._power.bind(self, other)

    def __rpow__(self, other: TensorLike) -> Tensor:
        return _ew._power.bind(other, self)

    def __mod__(self, other: TensorLike) -> Tensor:
        return _uf._remainder.bind(self, other)

    def __rmod__(self, other: TensorLike) -> Tensor:
        return _uf._remainder.bind(other, self)

    def __floordiv__(self, other: TensorLike) -> Tensor:
        return _ar._floor_divide.bind(self, other)

    def __rfloordiv__(self, other: TensorLike) -> Tensor:
        return _ar._floor_divide.bind(other, self)

    def __divmod__(self, other: TensorLike) -> tuple[Tensor, Tensor]:
        return _ar.divmod(self, other)

    def __rdivmod__(self, other: TensorLike) -> tuple[Tensor, Tensor]:
        return _ar.divmod(other, self)

    def __matmul__(self, other: TensorLike) -> Tensor:
        return _la.matmul(self, other)

    def __rmatmul__(self, other: TensorLike) -> Tensor:
        return _la.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ew._negative.bind(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return _ew.absolute(self)

    # ----- comparisons: boolean results, never differentiable -----
    def __eq__(self, other: object) -> Tensor:  # type: ignore[override]
        return _ew.equal(self, other)  # type: ignore[arg-type]

    def __ne__(self, other: object) -> Tensor:  # type: ignore[override]
        return _ew.not_equal(self, other)  # type: ignore[arg-type]

    def __lt__(self, other: TensorLike) -> Tensor:
        return _ew.less(self, other)

    def __le__(self, other: TensorLike) -> Tensor:
        return _ew.less_equal(self, other)

    def __gt__(self, other: TensorLike) -> Tensor:
        return _ew.greater(self, other)

    def __ge__(self, other: TensorLike) -> Tensor:
        return _ew.greater_equal(self, other)

    def __getitem__(self, key: Any) -> Tensor:
        return _ix.getitem(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError(
            f"{type(self).__name__} does not support item assignment (tensors are immutable); "
            "use x.at[key].set(value), which returns a new tensor"
            + (", or Variable.assign" if isinstance(self, Variable) else "")
        )

    # ----- logical and bitwise operators: boolean masks, never differentiable -----
    def __and__(self, other: TensorLike) -> Tensor:
        return _ew.bitwise_and(self, other)

    def __rand__(self, other: TensorLike) -> Tensor:
        return _ew.bitwise_and(other, self)

    def __or__(self, other: TensorLike) -> Tensor:
        return _ew.bitwise_or(self, other)

    def __ror__(self, other: TensorLike) -> Tensor:
        return _ew.bitwise_or(other, self)

    def __xor__(self, other: TensorLike) -> Tensor:
        return _ew.bitwise_xor(self, other)

    def __rxor__(self, other: TensorLike) -> Tensor:
        return _ew.bitwise_xor(other, self)

    def __invert__(self) -> Tensor:
        return _ew.invert(self)

    def any(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """See :func:`tapediff.any`."""
        return _rd.any(self, axis=axis, keepdims=keepdims)

    def all(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """See :func:`tapediff.all`."""
        return _rd.all(self, axis=axis, keepdims=keepdims)

    # ----- NumPy-style methods (each delegates to the function of the same name) -----
    def astype(self, dtype: npt.DTypeLike) -> Tensor:
        """A copy cast to ``dtype``; differentiable between floating dtypes."""
        return _ew.astype(self, dtype)

    # ndarray's signatures (dtype, out, initial and where in NumPy's positions).
    def sum(
        self,
        axis: Axis = None,
        dtype: npt.DTypeLike | None = None,
        out: None = None,
        keepdims: bool = False,
        initial: Any = np._NoValue,
        where: Any = True,
    ) -> Tensor:
        """See :func:`tapediff.sum`."""
        return _rd.sum(self, axis, dtype, out, keepdims, initial, where)

    def mean(
        self,
        axis: Axis = None,
        dtype: npt.DTypeLike | None = None,
        out: None = None,
        keepdims: bool = False,
        *,
        where: Any = True,
    ) -> Tensor:
        """See :func:`tapediff.mean`."""
        return _rd.mean(self, axis, dtype, out, keepdims, where=where)

    def prod(
        self,
        axis: Axis = None,
        dtype: npt.DTypeLike | None = None,
        out: None = None,
        keepdims: bool = False,
        initial: Any = np._NoValue,
        where: Any = True,
    ) -> Tensor:
        """See :func:`tapediff.prod`."""
        return _rd.prod(self, axis, dtype, out, keepdims, initial, where)

    def max(
        self,
        axis: Axis = None,
        out: None = None,
        keepdims: bool = False,
        initial: Any = np._NoValue,
        where: Any = True,
    ) -> Tensor:
        """See :func:`tapediff.max`."""
        return _rd.max(self, axis, out, keepdims, initial, where)

    def min(
        self,
        axis: Axis = None,
        out: None = None,
        keepdims: bool = False,
        initial: Any = np._NoValue,
        where: Any = True,
    ) -> Tensor:
        """See :func:`tapediff.min`."""
        return _rd.min(self, axis, out, keepdims, initial, where)

    def var(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        """See :func:`tapediff.var`."""
        return _rd.var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis: Axis = None, ddof: int = 0, keepdims: bool = False) -> Tensor:
        """See :func:`tapediff.std`."""
        return _rd.std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def argmax(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """See :func:`tapediff.argmax`."""
        return _rd.argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """See :func:`tapediff.argmin`."""
        return _rd.argmin(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape: SupportsIndex | tuple[int, ...]) -> Tensor:
        """Like ndarray.reshape: ``x.reshape(2, 3)`` or ``x.reshape((2, 3))``."""
        if len(shape) == 1 and not isinstance(shape[0], SupportsIndex):
            return _sh.reshape(self, shape[0])
        return _sh.reshape(self, tuple(int(s) for s in shape))  # type: ignore[arg-type]

    def flatten(self) -> Tensor:
        """See :func:`tapediff.flatten`."""
        return _sh.flatten(self)

    def ravel(self) -> Tensor:
        """See :func:`tapediff.ravel`."""
        return _sh.ravel(self)

    def transpose(self, *axes: int | tuple[int, ...] | None) -> Tensor:
        """Like ndarray.transpose: ``x.transpose(1, 0)`` or ``x.transpose((1, 0))``."""
        if not axes or (len(axes) == 1 and axes[0] is None):
            return _sh.transpose(self)
        if len(axes) == 1 and isinstance(axes[0], tuple | list):
            return _sh.transpose(self, tuple(axes[0]))
        return _sh.transpose(self, tuple(axes))  # type: ignore[arg-type]

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        """See :func:`tapediff.swapaxes`."""
        return _sh.swapaxes(self, axis1, axis2)

    def squeeze(self, axis: Axis = None) -> Tensor:
        """See :func:`tapediff.squeeze`."""
        return _sh.squeeze(self, axis)

    def repeat(self, repeats: int | tuple[int, ...], axis: int | None = None) -> Tensor:
        """See :func:`tapediff.repeat`."""
        return _sh.repeat(self, repeats, axis)

    def clip(self, a_min: TensorLike | None = None, a_max: TensorLike | None = None) -> Tensor:
        """See :func:`tapediff.clip`."""
        return _ew.clip(self, a_min, a_max)

    def take(self, indices: Any, axis: int | None = None) -> Tensor:
        """See :func:`tapediff.take`."""
        return _ix.take(self, indices, axis=axis)

    def dot(self, other: TensorLike) -> Tensor:
        """See :func:`tapediff.dot`."""
        return _la.dot(self, other)

    def cumsum(self, axis: int | None = None, dtype: npt.DTypeLike | None = None) -> Tensor:
        """See :func:`tapediff.cumsum`."""
        return _cu.cumsum(self, axis, dtype)

    def cumprod(self, axis: int | None = None, dtype: npt.DTypeLike | None = None) -> Tensor:
        """See :func:`tapediff.cumprod`."""
        return _cu.cumprod(self, axis, dtype)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        """See :func:`tapediff.diagonal`."""
        return _ly.diagonal(self, offset, axis1, axis2)

    def trace(
        self, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: npt.DTypeLike | None = None
    ) -> Tensor:
        """See :func:`tapediff.trace`."""
        return _ly.trace(self, offset, axis1, axis2, dtype)


class Variable(Tensor):
    """A trainable tensor whose value can be replaced with ``assign``; tapes watch it by default.

    ``assign`` swaps in a new array instead of writing into the old one, so a value that a tape
    has already recorded never changes under it. The in-place operators ``v -= d``, ``v += d``,
    ``v *= d`` and ``v /= d`` update the variable through ``assign`` (as PyTorch's in-place
    updates do), so a training loop's ``w -= lr * g`` trains ``w`` itself.

    Updates follow NumPy's in-place rules: ``assign``, ``assign_add`` and ``assign_sub`` take a
    value of the variable's shape, the in-place operators one that broadcasts to it (``w -= 0.5``),
    and the result is cast back to the variable's dtype when the kinds agree (``same_kind``), so a
    float32 variable stays float32 when updated with a float64 value such as
    ``np.float64(0.1) * g``. (An expression like ``w * np.float64(0.1)`` itself promotes to float64,
    as NumPy 2 does for a float32 array times a NumPy float64 scalar; ``w * 0.1`` stays float32.)

    The value is held as one immutable snapshot that ``assign`` replaces in a single step, so
    an op reading a variable uses the same value for its forward pass and its record, even
    while other threads assign; concurrent updates (``assign_add``, ``-=``) are never lost.
    ``copy.copy``/``copy.deepcopy`` give an independent variable with the same value, name and
    ``trainable``; variables (and tensors) pickle.
    """

    __slots__ = ("_snapshot", "name", "trainable")

    name: str | None
    trainable: bool
    _snapshot: Tensor

    def __init__(
        self,
        data: TensorLike,
        dtype: npt.DTypeLike | None = None,
        name: str | None = None,
        trainable: bool = True,
    ) -> None:
        if isinstance(data, Tensor):
            data = data._array
        arr = _checked_array(data, dtype, "Variable")
        if arr.dtype.kind not in "biufc":
            raise TypeError(
                "Variable: expected a floating or complex value (booleans and integers are "
                f"converted to float64); got dtype {arr.dtype}"
            )
        if arr.dtype.kind in "biu":
            if dtype is not None:
                raise TypeError(
                    f"Variable needs a floating dtype; got dtype={np.dtype(dtype).name}"
                )
            arr = arr.astype(np.float64)
        self._snapshot = _wrap(arr)
        self.name = name
        self.trainable = trainable

    # The snapshot is the one source of truth: reading it is a single attribute load.
    @property
    def _array(self) -> Array:  # type: ignore[override]
        return self._snapshot._array

    def _read(self) -> Tensor:
        """The current value as a plain tensor; stable until the next assign."""
        return self._snapshot

    def value(self) -> Tensor:
        """The current value as a plain (non-trainable) tensor."""
        return self._read()

    def _checked(self, value: TensorLike, method: str, broadcast: bool = False) -> Array:
        """``value`` as an array that fits this variable, or an error naming ``method``.

        ``broadcast``: ``value`` may broadcast to the variable's shape, as the operand of
        NumPy's ``a -= b`` may.
        """
        if isinstance(value, Tensor):
            arr = value._array
        else:
            arr = _checked_array(value, None, f"Variable.{method}", copy=False)
        if arr.dtype.kind not in "biufc":
            raise TypeError(
                f"Variable.{method}: expected a numeric value of shape {self.shape} and dtype "
                f"{self.dtype}; got dtype {arr.dtype}"
            )
        shape = self._array.shape
        if arr.shape != shape and not (broadcast and _broadcasts(arr.shape, shape)):
            raise ValueError(
                f"Variable.{method}: expected a value of shape {shape}"
                + (" (or one that broadcasts to it)" if broadcast else "")
                + f", got shape {arr.shape}"
            )
        # NumPy's rule for `a -= b`: any value of the same kind casts (float64 into float32).
        if not np.can_cast(arr.dtype, self._array.dtype, casting="same_kind"):
            raise TypeError(
                f"Variable.{method}: expected dtype {self._array.dtype} (or one of the same kind "
                f"that casts to it), got {arr.dtype}"
            )
        return arr

    def assign(self, value: TensorLike) -> Variable:
        """Replace the value; the shape must match, and the dtype is cast to the variable's by
        NumPy's ``same_kind`` rule (a float64 value goes into a float32 variable as float32)."""
        arr = self._checked(value, "assign")
        snap = _wrap(np.array(arr, dtype=self._array.dtype))
        with _UPDATE_LOCK:
            self._snapshot = snap
        return self

    def _update(self, method: str, op: Any, delta: TensorLike, broadcast: bool = False) -> Variable:
        arr = self._checked(delta, method, broadcast)
        # Read, compute and swap under one lock, so concurrent updates are never lost.
        with _UPDATE_LOCK:
            old = self._snapshot._array
            self._snapshot = _wrap(op(old, arr).astype(old.dtype, copy=False))
        return self

    def assign_add(self, delta: TensorLike) -> Variable:
        """Replace the value with ``value + delta`` (same shape; dtype as for ``assign``)."""
        return self._update("assign_add", np.add, delta)

    def assign_sub(self, delta: TensorLike) -> Variable:
        """Replace the value with ``value - delta`` (same shape; dtype as for ``assign``)."""
        return self._update("assign_sub", np.subtract, delta)

    def __iadd__(self, delta: TensorLike) -> Variable:
        return self._update("+=", np.add, delta, broadcast=True)

    def __isub__(self, delta: TensorLike) -> Variable:
        return self._update("-=", np.subtract, delta, broadcast=True)

    def __imul__(self, factor: TensorLike) -> Variable:
        return self._update("*=", np.multiply, factor, broadcast=True)

    def __itruediv__(self, divisor: TensorLike) -> Variable:
        return self._update("/=", np.true_divide, divisor, broadcast=True)

    def __copy__(self) -> Variable:
        return Variable(self._array, name=self.name, trainable=self.trainable)

    def __deepcopy__(self, memo: dict[int, Any]) -> Variable:
        return Variable(self._array, name=self.name, trainable=self.trainable)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Variable, (np.array(self._array), None, self.name, self.trainable))

    def __repr__(self) -> str:
        body = np.array2string(self._array, separator=", ", prefix="Variable(")
        label = f", name={self.name!r}" if self.name is not None else ""
        return f"Variable({body}, dtype={self._array.dtype}{label})"


_new = object.__new__
# Held while a Variable's snapshot is read and replaced by an update (one lock for all variables:
# updates are rare next to reads, and reads need no lock since the swap is one attribute store).
_UPDATE_LOCK = threading.Lock()


def _broadcasts(shape: tuple[int, ...], to: tuple[int, ...]) -> bool:
    """Whether an array of ``shape`` broadcasts to ``to`` (and so leaves ``to`` unchanged)."""
    try:
        return np.broadcast_shapes(shape, to) == to
    except ValueError:
        return False


def _wrap(array: Array) -> Tensor:
    """Wrap an array the caller will never mutate, without copying (internal fast path)."""
    t: Tensor = _new(Tensor)
    t._array = array
    return t


def tensor(data: TensorLike, dtype: npt.DTypeLike | None = None) -> Tensor:
    """A new tensor holding a copy of ``data`` (NumPy dtype rules).

    Built from tensors a tape tracks (``data`` itself, or inside nested lists and tuples), it
    is recorded, so the gradient reaches them.
    """
    if isinstance(data, Tensor | list | tuple) and _holds_tracked(data):
        if isinstance(data, Tensor):
            return _ew._astype.bind(data, dtype=np.dtype(data.dtype if dtype is None else dtype))
        return _stacked(data, dtype, "Tensor")
    return Tensor(data, dtype)


def as_tensor(data: TensorLike) -> Tensor:
    """``data`` itself if it is a tensor, else a new tensor of it (recorded when nested lists
    or tuples hold tensors a tape tracks)."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, list | tuple) and _holds_tracked(data):
        return _stacked(data, None, "as_tensor")
    return _wrap(_checked_array(data, None, "as_tensor"))


def operand(data: TensorLike, op: str) -> Tensor:
    """``as_tensor`` for an input of the op named ``op``: data that NumPy can hold only as an
    object array (None, a list with None in it) is refused with a TypeError naming ``op``."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, list | tuple) and _holds_tracked(data):
        return _stacked(data, None, op)
    return _wrap(_checked_array(data, None, op))


def _holds_tracked(data: Any) -> bool:
    """Whether ``data`` is, or nests in lists and tuples, a tensor that a tape tracks."""
    from ._record import ACTIVE, tracks

    return bool(ACTIVE.get()) and any(tracks(t) for t in _tensors_in(data))


def _stacked(data: list[Any] | tuple[Any, ...], dtype: npt.DTypeLike | None, what: str) -> Tensor:
    """Nested lists/tuples holding tracked tensors as one recorded tensor (nested stacks), of
    the value and dtype ``np.array`` would give."""
    target = _checked_array(_to_arrays(data), dtype, what).dtype  # also refuses ragged data

    def build(d: Any) -> Tensor:
        if isinstance(d, Tensor):
            return d
        if isinstance(d, list | tuple):
            return _sh.stack([build(e) for e in d])
        return _wrap(np.asarray(d))

    t = build(data)
    return t if t.dtype == target else _ew.astype(t, target)


# The operator and method implementations live in ops/, which imports this module: import the
# modules (not names) so that either side may be imported first.
from .ops import arith as _ar  # noqa: E402
from .ops import complex as _cx  # noqa: E402
from .ops import constructors as _co  # noqa: E402
from .ops import contractions as _ct  # noqa: E402
from .ops import cumulative as _cu  # noqa: E402
from .ops import elementwise as _ew  # noqa: E402
from .ops import indexing as _ix  # noqa: E402
from .ops import layout as _ly  # noqa: E402
from .ops import linalg as _la  # noqa: E402
from .ops import numeric as _nu  # noqa: E402
from .ops import reductions as _rd  # noqa: E402
from .ops import shape as _sh  # noqa: E402
from .ops import sorting as _so  # noqa: E402
from .ops import stats as _st  # noqa: E402
from .ops import ufuncs as _uf  # noqa: E402


def _to_arrays(obj: Any) -> Any:
    """``obj`` with every tensor (also inside lists, tuples and dicts) replaced by a read-only
    view of its array, so that NumPy functions that write into an argument (np.copyto, np.put,
    np.fill_diagonal) or return a view of it (np.flip, np.diagonal) cannot change a tensor."""
    if isinstance(obj, Tensor):
        arr = obj._array
        return _readonly(arr) if type(arr) is np.ndarray else arr
    if isinstance(obj, list | tuple):
        return type(obj)(_to_arrays(o) for o in obj)
    if isinstance(obj, dict):
        return {k: _to_arrays(v) for k, v in obj.items()}
    return obj


def _tensors_in(obj: Any) -> Iterator[Tensor]:
    """Every tensor in ``obj``, also inside lists, tuples and dicts."""
    if isinstance(obj, Tensor):
        yield obj
    elif isinstance(obj, list | tuple):
        for o in obj:
            yield from _tensors_in(o)
    elif isinstance(obj, dict):
        for o in obj.values():
            yield from _tensors_in(o)


def _without_tapediff(name: str, func: Any, args: Any, kwargs: dict[str, Any]) -> Any:
    """A NumPy function tapediff does not implement, computed on the values, or refused.

    Refused (TypeError) when ``out=`` names a tensor (tensors are immutable), and when a tape
    tracks one of the tensors and the result holds floating values: such a result could
    depend smoothly on the input, and it would carry no gradient (a gradient silently lost).
    Results with no floating values (shapes, counts, indices, booleans: ``np.shape``,
    ``np.argsort``, ``np.allclose``) carry no gradient by nature and are returned.
    """
    if any(isinstance(o, Tensor) for o in _tensors_in(kwargs.get("out", ()))):
        raise TypeError(
            f"{name} cannot write into a tapediff tensor: tensors are immutable; "
            "leave out out= and use the result"
        )
    from ._record import tracks

    tracked = any(tracks(t) for t in _tensors_in((args, kwargs)))
    try:
        result = func(*_to_arrays(tuple(args)), **_to_arrays(kwargs))
    except ValueError as e:
        if "read-only" not in str(e):
            raise
        raise TypeError(
            f"{name} cannot write into a tapediff tensor: tensors are immutable; use "
            "x.at[index].set(value), which returns a new tensor, or Variable.assign"
        ) from None
    if tracked and _has_floats(result):
        hint = _spelling(name)
        use = f"; use {hint}, which is differentiable" if hint else ""
        raise TypeError(
            f"{name} is not differentiable in tapediff, and it was called on a tensor that a "
            f"tape is tracking, so its result would carry no gradient{use}. To compute on the "
            "values without a gradient, call it on np.asarray(x) or inside "
            "tape.stop_recording()"
        )
    return result


def _has_floats(obj: Any) -> bool:
    """Whether ``obj`` (an array, scalar, or a tuple/list of them) holds floating values."""
    if isinstance(obj, np.ndarray | np.generic):
        return obj.dtype.kind in "fc"
    if isinstance(obj, float | complex):
        return True
    if isinstance(obj, list | tuple):
        return any(_has_floats(o) for o in obj)
    return False


# Where tapediff keeps the differentiable version of a NumPy or SciPy module's functions.
_NAMESPACES = {
    "numpy": "tapediff",
    "numpy.linalg": "tapediff.linalg",
    "numpy.fft": "tapediff.fft",
    "scipy.special": "tapediff.scipy.special",
    "scipy.linalg": "tapediff.scipy.linalg",
    "scipy.stats": "tapediff.scipy.stats",
    "scipy.signal": "tapediff.scipy.signal",
}


def _spelling(name: str) -> str | None:
    """The tapediff function for the NumPy/SciPy function ``name``, if there is one."""
    import importlib

    base = name.split(" ", 1)[0]
    module, _, func = base.rpartition(".")
    if "." in func or not module:
        return None
    # A ufunc method (numpy.add.reduce) or a private module (numpy._core...) has no spelling.
    module = ".".join(m for m in module.split(".") if not m.startswith("_"))
    target = _NAMESPACES.get(module)
    if target is None:
        return None
    try:
        mod = importlib.import_module(target)
    except ImportError:
        return None
    return f"{target}.{func}" if callable(getattr(mod, func, None)) else None


def _is_scipy_special(ufunc: np.ufunc) -> bool:
    """Whether ``ufunc`` is one of scipy.special's, public or private (``_zeta``, which
    ``scipy.special.zeta`` calls). SciPy is already imported if it made the ufunc."""
    import sys

    for home in ("scipy.special", "scipy.special._ufuncs"):
        module = sys.modules.get(home)
        if module is not None and getattr(module, ufunc.__name__, None) is ufunc:
            return True
    return False


def _scipy_ufunc(ufunc: np.ufunc) -> Any:
    """The tapediff function for one of scipy.special's ufuncs, or None.

    tapediff.scipy.special registers its functions in _UFUNCS when imported; it is imported
    here, the first time a tensor meets one of SciPy's ufuncs, so that ``import tapediff``
    never imports SciPy.
    """
    if not _is_scipy_special(ufunc):
        return None
    import importlib

    importlib.import_module("tapediff.scipy.special")
    return _UFUNCS.get(ufunc)


# NumPy callables that dispatch to the tapediff op of the same name (NEP 13 and NEP 18).
_UFUNCS: dict[np.ufunc, Any] = {
    getattr(np, name): getattr(_ew, name)
    for name in [
        "add",
        "subtract",
        "multiply",
        "divide",
        "negative",
        "power",
        "square",
        "sqrt",
        "exp",
        "log",
        "log1p",
        "expm1",
        "absolute",
        "sin",
        "cos",
        "tan",
        "tanh",
        "maximum",
        "minimum",
        "sign",
        "floor",
        "ceil",
        "trunc",
        "equal",
        "not_equal",
        "less",
        "less_equal",
        "greater",
        "greater_equal",
        "logical_not",
        "logical_and",
        "logical_or",
        "logical_xor",
        "bitwise_and",
        "bitwise_or",
        "bitwise_xor",
        "invert",
        "isnan",
        "isfinite",
    ]
}
_UFUNCS[np.conjugate] = _cx.conjugate
_UFUNCS[np.matmul] = _la.matmul
_UFUNCS.update(
    (getattr(np, name), getattr(_uf, name))
    for name in [
        "arcsin",
        "arccos",
        "arctan",
        "arctan2",
        "hypot",
        "sinh",
        "cosh",
        "arcsinh",
        "arccosh",
        "arctanh",
        "exp2",
        "log2",
        "log10",
        "logaddexp",
        "logaddexp2",
        "fabs",
        "reciprocal",
        "remainder",
        "mod",
        "fmax",
        "fmin",
        "rad2deg",
        "degrees",
        "deg2rad",
        "radians",
        "cbrt",
    ]
)
_FUNCTIONS: dict[Any, Any] = {
    getattr(np, name): getattr(module, name)
    for module, names in (
        (_rd, "sum mean prod max min amax amin var std argmax argmin any all"),
        (
            _sh,
            "reshape ravel transpose swapaxes moveaxis expand_dims squeeze broadcast_to "
            "concatenate stack split array_split pad tile repeat",
        ),
        (_la, "dot tensordot einsum outer"),
        (_ew, "where clip round"),
        (_ix, "take"),
        (_uf, "sinc nan_to_num"),
        (_st, "nansum nanmean average median quantile percentile nanmedian nanquantile"),
        (_st, "nanpercentile"),
        (_cu, "cumsum cumprod diff gradient"),
        (_so, "sort partition take_along_axis"),
        (
            _ly,
            "flip flipud fliplr rot90 roll rollaxis diag diagonal triu tril trace vstack hstack "
            "column_stack dstack append vsplit hsplit dsplit atleast_1d atleast_2d atleast_3d",
        ),
        (_ct, "inner kron cross"),
        (_co, "full_like linspace"),
        (_cx, "real imag angle"),
    )
    for name in names.split()
}

# Issue 7: the remaining arithmetic ufuncs and NumPy's further numeric functions.
_UFUNCS.update(
    (getattr(np, name), getattr(_ar, name))
    for name in [
        "floor_divide",
        "divmod",
        "fmod",
        "positive",
        "rint",
        "copysign",
        "float_power",
        "heaviside",
    ]
)
_UFUNCS.update((getattr(np, name), getattr(_nu, name)) for name in ["vecdot", "matvec", "vecmat"])
# Keyword arguments of a ufunc call that its tapediff function takes too (others are refused).
_UFUNC_KWARGS: dict[np.ufunc, frozenset[str]] = {np.vecdot: frozenset({"axis"})}
_FUNCTIONS.update((getattr(np, name), getattr(_ar, name)) for name in ["around", "fix"])
_FUNCTIONS.update(
    (getattr(np, name), getattr(_nu, name))
    for name in [
        "ptp",
        "cov",
        "corrcoef",
        "vdot",
        "matrix_transpose",
        "trapezoid",
        "interp",
        "convolve",
        "correlate",
        "polyval",
        "meshgrid",
        "broadcast_arrays",
        "delete",
        "insert",
        "select",
        "compress",
        "extract",
        "resize",
        "unstack",
        "cumulative_sum",
        "cumulative_prod",
    ]
)
_FUNCTIONS[np.astype] = _ew.astype


# Metadata NumPy would read through a full array conversion (about 30 us a call on a tensor);
# ops call np.shape and np.ndim on their operands, so these are answered directly.
def _shape(a: Any) -> tuple[int, ...]:
    return a._array.shape if isinstance(a, Tensor) else np.shape(a)


def _ndim(a: Any) -> int:
    return a._array.ndim if isinstance(a, Tensor) else np.ndim(a)


def _size(a: Any, axis: int | None = None) -> int:
    return np.size(a._array if isinstance(a, Tensor) else a, axis)


_FUNCTIONS.update({np.shape: _shape, np.ndim: _ndim, np.size: _size})


def _copyto(dst: Any, src: Any, casting: Any = "same_kind", where: Any = True) -> None:
    """np.copyto, which np.full and np.full_like use to write their fill value: refused when
    the source is a tensor a tape tracks (the ndarray written would carry no gradient)."""
    from ._record import tracks

    if any(tracks(t) for t in _tensors_in(src)):
        raise TypeError(
            "numpy.copyto would copy a tensor a tape is tracking into an ndarray, which carries "
            "no gradient (np.full and np.full_like with a tensor fill value do this); use "
            "tapediff.full or tapediff.full_like, which are differentiable"
        )
    _without_tapediff("numpy.copyto", np.copyto, (dst, src), {"casting": casting, "where": where})


_FUNCTIONS[np.copyto] = _copyto
