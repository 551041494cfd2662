"""The optimizer base: the variables, an all-or-nothing ``step``, per-variable slots, state dicts.

A subclass gives two pure functions: ``_init_slots`` (the zero state of one variable) and
``_update`` (one variable's new value and new slots from its value, gradient, slots, learning
rate and step number). The base validates every gradient, computes every new value, and only
then assigns them, so a step that raises (or is skipped) changes no variable and no slot.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

import numpy as np

from .._state import check_keys
from ..nn.module import Module
from ..tensor import Array, Tensor, Variable

__all__ = ["LearningRate", "Optimizer", "Params"]

Schedule: TypeAlias = Callable[[int], float]
LearningRate: TypeAlias = float | Schedule
Params: TypeAlias = Module | Mapping[str, Variable] | Iterable[Variable]
Slots: TypeAlias = dict[str, Array]


class Optimizer:
    """Base class of the optimizers; see :meth:`step` for the gradient formats it accepts.

    ``params`` is a :class:`~tapediff.nn.Module` (its ``named_parameters()``), a dict of
    name -> Variable, or an iterable of Variables. ``lr`` is a float or a schedule: any callable
    ``schedule(step) -> lr`` of the number of steps taken so far (0 for the first step), such as
    those of :mod:`tapediff.optim.schedules`. With ``skip_nonfinite=True`` a step whose gradients
    hold an inf or a NaN changes nothing and returns False.

    Hyperparameters other than ``lr`` are fixed at construction (the slots an optimizer keeps
    depend on them); ``opt.lr`` can be set at any time to a float or a schedule.
    """

    # Names of the constructor's hyperparameters, read-only once the optimizer is built.
    _fixed: tuple[str, ...] = ()

    def __init__(self, params: Params, lr: LearningRate, skip_nonfinite: bool = False) -> None:
        cls = type(self).__name__
        self._variables, self._names = _collect(cls, params)
        self.skip_nonfinite = bool(skip_nonfinite)
        self.step_count = 0
        self._schedule: Schedule | None = None
        self._lr = 0.0
        self.lr = lr  # validated by the setter
        self._steps = [0] * len(self._variables)
        self._slots: list[Slots] = [self._init_slots(v._array) for v in self._variables]
        self._built = True

    @property
    def variables(self) -> list[Variable]:
        """The variables this optimizer updates, in the order ``step`` takes gradients."""
        return list(self._variables)

    @property
    def names(self) -> list[str] | None:
        """Their names (for a Module or a dict of named variables), else None."""
        return None if self._names is None else list(self._names)

    # ----- the rule, given by subclasses -----

    def _init_slots(self, value: Array) -> Slots:
        """The state of one variable before its first step (arrays of its shape and dtype)."""
        return {}

    def _update(
        self, value: Array, grad: Array, slots: Slots, lr: float, step: int
    ) -> tuple[Array, Slots]:
        """The new value and new slots of one variable; must not modify its arguments.

        ``step`` is this variable's step number, counting this one (1 for its first update).
        """
        raise NotImplementedError(f"{type(self).__name__} does not define _update()")

    # ----- learning rate -----

    @property
    def lr(self) -> float:
        """The learning rate of the next step (a schedule's value at :attr:`step_count`).

        Set it to a float or to a schedule ``schedule(step) -> lr``.
        """
        return self._lr_at(self.step_count)

    @lr.setter
    def lr(self, value: LearningRate) -> None:
        cls = type(self).__name__
        if callable(value):
            # Called once here so that a schedule that cannot give a rate fails now, by name.
            _checked_lr(cls, value(self.step_count), f"lr schedule {value!r} at step 0")
            self._schedule = value
        else:
            self._lr = _checked_lr(cls, value, "lr")
            self._schedule = None

    @property
    def lr_schedule(self) -> Schedule | None:
        """The schedule set as ``lr``, or None when the learning rate is a constant."""
        return self._schedule

    def _lr_at(self, step: int) -> float:
        if self._schedule is None:
            return self._lr
        return _checked_lr(
            type(self).__name__,
            self._schedule(step),
            f"lr schedule {self._schedule!r} at step {step}",
        )

    # ----- stepping -----

    def step(self, grads: Any) -> bool:
        """Update every variable from its gradient; True if applied, False if skipped.

        ``grads`` is a list or tuple in the order of :attr:`variables` (what
        ``tape.gradient(loss, opt.variables)`` returns), or a dict keyed by Variable, or, for an
        optimizer built from a Module or a dict, keyed by parameter name. A gradient of None
        (or a variable missing from a dict) means the variable got no gradient this step: it and
        its slots are left as they are, as PyTorch does for a parameter whose ``.grad`` is None.

        Everything is checked before anything changes: a gradient of the wrong shape or kind
        raises and leaves every variable and every slot as it was. With ``skip_nonfinite`` a
        non-finite gradient skips the whole step (returns False, nothing changed).
        """
        arrays = self._checked_grads(grads)
        lr = self._lr_at(self.step_count)
        if self.skip_nonfinite and not all(g is None or np.isfinite(g).all() for g in arrays):
            return False
        # Compute everything first: an error here (or in a subclass's rule) leaves no trace.
        updates: list[tuple[int, Array, Slots]] = []
        for i, g in enumerate(arrays):
            if g is not None:
                value, slots = self._update(
                    self._variables[i]._array, g, self._slots[i], lr, self._steps[i] + 1
                )
                updates.append((i, value, slots))
        for i, value, slots in updates:
            self._variables[i].assign(value)
            self._slots[i] = slots
            self._steps[i] += 1
        self.step_count += 1
        return True

    def _label(self, i: int) -> str:
        if self._names is not None:
            return f"variable {i} ({self._names[i]!r})"
        name = self._variables[i].name
        return f"variable {i} (name {name!r})" if name is not None else f"variable {i}"

    def _checked_grads(self, grads: Any) -> list[Array | None]:
        cls = type(self).__name__
        n = len(self._variables)
        items: list[Any]
        if isinstance(grads, Mapping):
            items = self._from_mapping(grads)
        elif isinstance(grads, list | tuple):
            if len(grads) != n:
                raise ValueError(
                    f"{cls}.step: expected {n} gradients (one per variable, in the order of "
                    f".variables), got {len(grads)}; nothing was changed"
                )
            items = list(grads)
        else:
            raise TypeError(
                f"{cls}.step: expected a list or tuple of gradients in the order of .variables "
                f"(or a dict keyed by variable or name); got {type(grads).__name__}"
            )
        return [self._checked_grad(i, g) for i, g in enumerate(items)]

    def _from_mapping(self, grads: Mapping[Any, Any]) -> list[Any]:
        cls = type(self).__name__
        by_id = {id(v): i for i, v in enumerate(self._variables)}
        by_name = {name: i for i, name in enumerate(self._names or ())}
        items: list[Any] = [None] * len(self._variables)
        given: set[int] = set()
        for key, g in grads.items():
            if isinstance(key, Variable):
                i = by_id.get(id(key))
                if i is None:
                    raise KeyError(
                        f"{cls}.step: got a gradient for a Variable of shape {key.shape} that "
                        "this optimizer does not update; nothing was changed"
                    )
            elif isinstance(key, str):
                if self._names is None:
                    raise KeyError(
                        f"{cls}.step: gradients keyed by name need an optimizer built from a "
                        f"Module or a dict of named variables; got key {key!r}"
                    )
                found = by_name.get(key)
                if found is None:
                    raise KeyError(
                        f"{cls}.step: no variable named {key!r}; the names are {self._names}; "
                        "nothing was changed"
                    )
                i = found
            else:
                raise TypeError(
                    f"{cls}.step: gradient dict keys must be Variables or names; got a key of "
                    f"type {type(key).__name__}"
                )
            if i in given:
                raise ValueError(
                    f"{cls}.step: two gradients given for {self._label(i)}; nothing was changed"
                )
            given.add(i)
            items[i] = g
        return items

    def _checked_grad(self, i: int, g: Any) -> Array | None:
        if g is None:
            return None
        cls = type(self).__name__
        var = self._variables[i]
        try:
            arr = np.asarray(g._array if isinstance(g, Tensor) else g)
        except ValueError as e:  # ragged nested lists
            raise TypeError(
                f"{cls}.step: the gradient for {self._label(i)} is not an array ({e}); nothing "
                "was changed"
            ) from None
        if arr.dtype.kind not in "iuf":
            raise TypeError(
                f"{cls}.step: the gradient for {self._label(i)} must hold real numbers; got "
                f"dtype {arr.dtype}; nothing was changed"
            )
        if arr.shape != var.shape:
            raise ValueError(
                f"{cls}.step: the gradient for {self._label(i)} has shape {arr.shape}, expected "
                f"{var.shape} (the variable's shape); nothing was changed"
            )
        return arr.astype(var.dtype, copy=False)

    # ----- state -----

    def _prefix(self, i: int) -> str:
        return self._names[i] if self._names is not None else str(i)

    def state_dict(self) -> dict[str, Array]:
        """Copies of the step counts and slots as NumPy arrays (saveable with ``np.savez``).

        Keys: ``"step_count"``, and ``"<name>.step"``, ``"<name>.<slot>"`` per variable, where
        ``<name>`` is the parameter name (or the variable's index for a plain list). The
        hyperparameters, the learning rate included, are not state: they come from the constructor.
        """
        state: dict[str, Array] = {"step_count": np.array(self.step_count, dtype=np.int64)}
        for i, slots in enumerate(self._slots):
            prefix = self._prefix(i)
            state[f"{prefix}.step"] = np.array(self._steps[i], dtype=np.int64)
            for slot, value in slots.items():
                state[f"{prefix}.{slot}"] = np.array(value)
        return state

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Load what :meth:`state_dict` gave; on any mismatch raise and change nothing."""
        cls = type(self).__name__
        current = self.state_dict()
        check_keys(cls, current, state)
        values: dict[str, Array] = {}
        for key, now in current.items():
            raw = state[key]
            value = np.asarray(raw._array if isinstance(raw, Tensor) else raw)
            if value.shape != now.shape:
                raise ValueError(
                    f"{cls}.load_state_dict: {key!r} has shape {value.shape}, expected "
                    f"{now.shape}; nothing was loaded"
                )
            if now.dtype.kind == "i":
                if value.dtype.kind not in "iu" or value < 0:
                    raise ValueError(
                        f"{cls}.load_state_dict: {key!r} must be a non-negative integer; got "
                        f"{value!r}; nothing was loaded"
                    )
            elif value.dtype != now.dtype:
                raise TypeError(
                    f"{cls}.load_state_dict: {key!r} has dtype {value.dtype}, expected "
                    f"{now.dtype}; nothing was loaded"
                )
            values[key] = np.array(value, dtype=now.dtype)
        # Every check passed: only now change anything.
        self.step_count = int(values["step_count"])
        for i, slots in enumerate(self._slots):
            prefix = self._prefix(i)
            self._steps[i] = int(values[f"{prefix}.step"])
            self._slots[i] = {slot: values[f"{prefix}.{slot}"] for slot in slots}

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._fixed and vars(self).get("_built", False):
            raise AttributeError(
                f"{type(self).__name__}.{name} is fixed at construction (the optimizer's slots "
                "depend on it); build a new optimizer, or set .lr, which may change"
            )
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._fixed)
        lr = repr(self._schedule) if self._schedule is not None else repr(self._lr)
        return (
            f"{type(self).__name__}({len(self._variables)} variables, lr={lr}"
            + (f", {hyper}" if hyper else "")
            + ")"
        )


def _collect(cls: str, params: Any) -> tuple[list[Variable], list[str] | None]:
    """The variables (and their names, when ``params`` names them) of an optimizer's ``params``."""
    names: list[str] | None
    if isinstance(params, Module):
        pairs = params.named_parameters()
        names = [n for n, _ in pairs]
        variables = [v for _, v in pairs]
    elif isinstance(params, Mapping):
        names = []
        variables = []
        for key, v in params.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"{cls}: a dict of parameters must be keyed by name (str); got a key of type "
                    f"{type(key).__name__}"
                )
            names.append(key)
            variables.append(v)
    elif isinstance(params, Tensor | np.ndarray | str) or not isinstance(params, Iterable):
        raise TypeError(
            f"{cls}: params must be a Module, a dict of name -> Variable, or an iterable of "
            f"Variables; got {type(params).__name__}"
        )
    else:
        names = None
        variables = list(params)
    if not variables:
        raise ValueError(f"{cls}: got no variables to optimize")
    seen: set[int] = set()
    for i, v in enumerate(variables):
        where = f"{names[i]!r}" if names is not None else f"{i}"
        if not isinstance(v, Variable):
            raise TypeError(
                f"{cls}: parameter {where} must be a Variable; got {type(v).__name__}"
                + (
                    " (a Tensor cannot be updated: wrap it in td.Variable)"
                    if isinstance(v, Tensor)
                    else ""
                )
            )
        if id(v) in seen:
            raise ValueError(f"{cls}: parameter {where} appears twice; list each variable once")
        seen.add(id(v))
    return variables, names


def _checked_lr(cls: str, value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{cls}: {what} must be a real number; got {type(value).__name__}")
    lr = float(value)
    if not (math.isfinite(lr) and lr >= 0):
        raise ValueError(f"{cls}: {what} must be a finite number >= 0; got {value}")
    return lr


def check_hyper(
    cls: str,
    name: str,
    value: Any,
    low: float = 0.0,
    high: float | None = None,
    high_open: bool = True,
) -> float:
    """``value`` as a float, or an error naming the optimizer and hyperparameter and the range."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{cls}: {name} must be a real number; got {type(value).__name__}")
    x = float(value)
    if high is None:
        ok, rule = math.isfinite(x) and x >= low, f">= {low:g}"
    else:
        inside = x < high if high_open else x <= high
        ok = math.isfinite(x) and x >= low and inside
        rule = f"in [{low:g}, {high:g}{')' if high_open else ']'}"
    if not ok:
        raise ValueError(f"{cls}: {name} must be {rule}; got {value}")
    return x
