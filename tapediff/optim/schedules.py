"""Learning-rate schedules: callables ``schedule(step) -> lr``, passed to an optimizer as ``lr``.

``step`` is the number of optimizer steps already taken (0 for the first update), so a schedule
is a pure function: nothing to call each epoch, and a resumed optimizer (``load_state_dict``
restores ``step_count``) is back on its schedule. To decay per epoch, count in steps:
``StepLR(0.1, step_size=10 * steps_per_epoch)``. Each schedule matches the PyTorch scheduler of
the same name over its range (``CosineAnnealingLR`` then stays at ``eta_min`` instead of rising
again). Warmup wraps the schedule that follows it::

    lr = LinearWarmup(CosineAnnealingLR(1e-3, T_max=900), warmup_steps=100)
    opt = td.optim.AdamW(model, lr=lr)

Any function of the step works too: ``lr=lambda t: 1e-3 / (1 + t) ** 0.5``.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np

__all__ = [
    "CosineAnnealingLR",
    "ExponentialLR",
    "LinearLR",
    "LinearWarmup",
    "SequentialLR",
    "StepLR",
]

RateLike: TypeAlias = float | Callable[[int], float]


def _positive_int(cls: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{cls}: {name} must be a positive integer; got {value!r}")
    return int(value)


def _number(cls: str, name: str, value: Any, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{cls}: {name} must be a real number; got {type(value).__name__}")
    x = float(value)
    if not math.isfinite(x) or x < 0 or (positive and x == 0):
        raise ValueError(
            f"{cls}: {name} must be a finite number {'>' if positive else '>='} 0; got {value}"
        )
    return x


def _step(cls: str, step: Any) -> int:
    if isinstance(step, bool) or not isinstance(step, int | np.integer) or step < 0:
        raise ValueError(f"{cls}: the step must be an integer >= 0; got {step!r}")
    return int(step)


def _rate(cls: str, name: str, value: Any) -> RateLike:
    """A float learning rate (checked) or a schedule (any callable), as given."""
    return value if callable(value) else _number(cls, name, value)


def _at(rate: RateLike, step: int) -> float:
    return float(rate(step)) if callable(rate) else rate


@dataclass(frozen=True)
class StepLR:
    """``base_lr * gamma ** (step // step_size)``: decay by ``gamma`` every ``step_size`` steps."""

    base_lr: float
    step_size: int
    gamma: float = 0.1

    def __post_init__(self) -> None:
        _number("StepLR", "base_lr", self.base_lr)
        _positive_int("StepLR", "step_size", self.step_size)
        _number("StepLR", "gamma", self.gamma, positive=True)

    def __call__(self, step: int) -> float:
        return self.base_lr * self.gamma ** (_step("StepLR", step) // self.step_size)


@dataclass(frozen=True)
class ExponentialLR:
    """``base_lr * gamma ** step``."""

    base_lr: float
    gamma: float

    def __post_init__(self) -> None:
        _number("ExponentialLR", "base_lr", self.base_lr)
        _number("ExponentialLR", "gamma", self.gamma, positive=True)

    def __call__(self, step: int) -> float:
        return self.base_lr * self.gamma ** _step("ExponentialLR", step)


@dataclass(frozen=True)
class CosineAnnealingLR:
    """Half a cosine from ``base_lr`` at step 0 to ``eta_min`` at ``T_max``, then ``eta_min``.

    ``eta_min + (base_lr - eta_min) * (1 + cos(pi * step / T_max)) / 2`` for ``step <= T_max``
    (PyTorch's closed form; PyTorch keeps following the cosine back up after ``T_max``).
    """

    base_lr: float
    T_max: int
    eta_min: float = 0.0

    def __post_init__(self) -> None:
        _number("CosineAnnealingLR", "base_lr", self.base_lr)
        _positive_int("CosineAnnealingLR", "T_max", self.T_max)
        _number("CosineAnnealingLR", "eta_min", self.eta_min)

    def __call__(self, step: int) -> float:
        t = min(_step("CosineAnnealingLR", step), self.T_max)
        cos = (1 + math.cos(math.pi * t / self.T_max)) / 2
        return self.eta_min + (self.base_lr - self.eta_min) * cos


@dataclass(frozen=True)
class LinearLR:
    """``base_lr`` times a factor going linearly from ``start_factor`` to ``end_factor`` over
    ``total_iters`` steps, then held (PyTorch's ``LinearLR``)."""

    base_lr: float
    start_factor: float = 1.0 / 3
    end_factor: float = 1.0
    total_iters: int = 5

    def __post_init__(self) -> None:
        _number("LinearLR", "base_lr", self.base_lr)
        _number("LinearLR", "start_factor", self.start_factor)
        _number("LinearLR", "end_factor", self.end_factor)
        _positive_int("LinearLR", "total_iters", self.total_iters)

    def __call__(self, step: int) -> float:
        t = min(_step("LinearLR", step), self.total_iters)
        factor = self.start_factor + (self.end_factor - self.start_factor) * t / self.total_iters
        return self.base_lr * factor


@dataclass(frozen=True)
class SequentialLR:
    """``schedules[k]`` from ``milestones[k - 1]`` on, each restarted at step 0 there.

    ``milestones`` are increasing positive steps, one fewer than ``schedules``; a schedule may
    be a float (a constant rate).
    """

    schedules: Sequence[RateLike]
    milestones: Sequence[int]

    def __post_init__(self) -> None:
        if len(self.schedules) < 1:
            raise ValueError("SequentialLR: needs at least one schedule")
        for i, s in enumerate(self.schedules):
            _rate("SequentialLR", f"schedules[{i}]", s)
        if len(self.milestones) != len(self.schedules) - 1:
            raise ValueError(
                f"SequentialLR: expected {len(self.schedules) - 1} milestones (one fewer than "
                f"schedules), got {len(self.milestones)}"
            )
        ms = [
            _positive_int("SequentialLR", f"milestones[{i}]", m)
            for i, m in enumerate(self.milestones)
        ]
        if any(b <= a for a, b in itertools.pairwise(ms)):
            raise ValueError(f"SequentialLR: milestones must increase; got {list(self.milestones)}")
        object.__setattr__(self, "schedules", tuple(self.schedules))
        object.__setattr__(self, "milestones", tuple(ms))

    def __call__(self, step: int) -> float:
        t = _step("SequentialLR", step)
        k = bisect.bisect_right(self.milestones, t)
        start = self.milestones[k - 1] if k else 0
        return _at(self.schedules[k], t - start)


@dataclass(frozen=True)
class LinearWarmup:
    """A linear ramp over ``warmup_steps`` steps up to ``after``'s first rate, then ``after``.

    During warmup the rate is ``peak * (start_factor + (1 - start_factor) * step /
    warmup_steps)`` with ``peak = after(0)``; from ``warmup_steps`` on it is
    ``after(step - warmup_steps)``. ``after`` is a schedule or a float.
    """

    after: RateLike
    warmup_steps: int
    start_factor: float = 0.0

    def __post_init__(self) -> None:
        _rate("LinearWarmup", "after", self.after)
        _positive_int("LinearWarmup", "warmup_steps", self.warmup_steps)
        f = _number("LinearWarmup", "start_factor", self.start_factor)
        if f > 1:
            raise ValueError(f"LinearWarmup: start_factor must be in [0, 1]; got {f}")

    def __call__(self, step: int) -> float:
        t = _step("LinearWarmup", step)
        if t >= self.warmup_steps:
            return _at(self.after, t - self.warmup_steps)
        frac = self.start_factor + (1 - self.start_factor) * t / self.warmup_steps
        return _at(self.after, 0) * frac
