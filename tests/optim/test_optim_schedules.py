"""Learning-rate schedules: closed forms, torch.optim.lr_scheduler where installed, errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tapediff as td
from tapediff.optim import schedules as S


def test_closed_forms() -> None:
    s = S.StepLR(0.1, step_size=3, gamma=0.5)
    assert [s(t) for t in range(7)] == pytest.approx([0.1] * 3 + [0.05] * 3 + [0.025])
    e = S.ExponentialLR(2.0, gamma=0.9)
    assert e(5) == pytest.approx(2.0 * 0.9**5)
    c = S.CosineAnnealingLR(1.0, T_max=10, eta_min=0.1)
    assert c(0) == pytest.approx(1.0)
    assert c(5) == pytest.approx(0.55)
    assert c(10) == pytest.approx(0.1)
    assert c(25) == pytest.approx(0.1)  # held at eta_min past T_max
    lin = S.LinearLR(1.0, start_factor=0.25, end_factor=1.0, total_iters=4)
    assert [lin(t) for t in range(6)] == pytest.approx([0.25, 0.4375, 0.625, 0.8125, 1.0, 1.0])


def test_warmup_then_cosine() -> None:
    lr = S.LinearWarmup(S.CosineAnnealingLR(1e-3, T_max=10), warmup_steps=4)
    assert [lr(t) for t in range(5)] == pytest.approx([0, 2.5e-4, 5e-4, 7.5e-4, 1e-3])
    assert lr(9) == pytest.approx(1e-3 * (1 + math.cos(math.pi * 5 / 10)) / 2)
    assert lr(100) == pytest.approx(0.0)
    const = S.LinearWarmup(0.2, warmup_steps=2, start_factor=0.5)
    assert [const(t) for t in range(4)] == pytest.approx([0.1, 0.15, 0.2, 0.2])


def test_sequential() -> None:
    seq = S.SequentialLR([0.5, S.ExponentialLR(1.0, 0.5), lambda t: 7.0 + t], milestones=[2, 5])
    assert [seq(t) for t in range(8)] == pytest.approx([0.5, 0.5, 1.0, 0.5, 0.25, 7.0, 8.0, 9.0])


def _torch_lrs(make: Callable[[Any, Any], Any], base: float, n: int) -> list[float]:
    torch = pytest.importorskip("torch")
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base)
    sched = make(torch.optim.lr_scheduler, opt)
    out = []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (S.StepLR(0.1, 4, 0.3), lambda m, o: m.StepLR(o, step_size=4, gamma=0.3)),
        (S.ExponentialLR(0.1, 0.8), lambda m, o: m.ExponentialLR(o, gamma=0.8)),
        (
            S.CosineAnnealingLR(0.1, 12, 0.01),
            lambda m, o: m.CosineAnnealingLR(o, T_max=12, eta_min=0.01),
        ),
        (
            S.LinearLR(0.1, 0.2, 0.9, 6),
            lambda m, o: m.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=6),
        ),
        (
            S.LinearWarmup(S.CosineAnnealingLR(0.1, 8), warmup_steps=5, start_factor=0.1),
            lambda m, o: m.SequentialLR(
                o,
                [m.LinearLR(o, start_factor=0.1, total_iters=5), m.CosineAnnealingLR(o, T_max=8)],
                milestones=[5],
            ),
        ),
    ],
    ids=["step", "exponential", "cosine", "linear", "warmup-cosine"],
)
def test_matches_torch(ours: Callable[[int], float], theirs: Callable[[Any, Any], Any]) -> None:
    n = 13  # within T_max of the cosines (PyTorch's rises again after it)
    expected = _torch_lrs(theirs, 0.1, n)  # every case here has base rate 0.1
    np.testing.assert_allclose([ours(t) for t in range(n)], expected, rtol=1e-9, atol=1e-15)


def test_optimizer_follows_schedule_by_step_count() -> None:
    v = td.Variable(np.zeros(1))
    opt = td.optim.SGD([v], lr=S.StepLR(1.0, step_size=2, gamma=0.1))
    for _ in range(4):
        opt.step([np.ones(1)])
    np.testing.assert_allclose(v.numpy(), [-(1 + 1 + 0.1 + 0.1)])
    assert opt.lr == pytest.approx(0.01)
    assert "StepLR(base_lr=1.0, step_size=2, gamma=0.1)" in repr(opt)


@pytest.mark.parametrize(
    ("make", "err", "match"),
    [
        (
            lambda: S.StepLR(0.1, 0),
            ValueError,
            r"StepLR: step_size must be a positive integer; got 0",
        ),
        (
            lambda: S.StepLR(0.1, 2.5),
            ValueError,
            r"StepLR: step_size must be a positive integer; got 2.5",
        ),
        (
            lambda: S.StepLR(-0.1, 2),
            ValueError,
            r"StepLR: base_lr must be a finite number >= 0; got -0.1",
        ),
        (
            lambda: S.ExponentialLR(0.1, 0.0),
            ValueError,
            r"ExponentialLR: gamma must be a finite number > 0; got 0.0",
        ),
        (
            lambda: S.CosineAnnealingLR(0.1, T_max=0),
            ValueError,
            r"CosineAnnealingLR: T_max must be a positive integer",
        ),
        (
            lambda: S.CosineAnnealingLR(0.1, 5, eta_min=-1),
            ValueError,
            r"CosineAnnealingLR: eta_min must be a finite number >= 0",
        ),
        (
            lambda: S.LinearLR(0.1, total_iters=0),
            ValueError,
            r"LinearLR: total_iters must be a positive integer",
        ),
        (
            lambda: S.LinearWarmup(0.1, 0),
            ValueError,
            r"LinearWarmup: warmup_steps must be a positive integer",
        ),
        (
            lambda: S.LinearWarmup(0.1, 3, start_factor=2),
            ValueError,
            r"LinearWarmup: start_factor must be in \[0, 1\]; got 2",
        ),
        (
            lambda: S.LinearWarmup("x", 3),
            TypeError,
            r"LinearWarmup: after must be a real number; got str",
        ),
        (
            lambda: S.SequentialLR([0.1, 0.2], [3, 4]),
            ValueError,
            r"SequentialLR: expected 1 milestones .* got 2",
        ),
        (
            lambda: S.SequentialLR([0.1, 0.2, 0.3], [3, 3]),
            ValueError,
            r"SequentialLR: milestones must increase; got \[3, 3\]",
        ),
        (lambda: S.SequentialLR([], []), ValueError, r"SequentialLR: needs at least one schedule"),
        (
            lambda: S.StepLR(0.1, 2)(-1),
            ValueError,
            r"StepLR: the step must be an integer >= 0; got -1",
        ),
    ],
)
def test_bad_arguments_are_named(make: Callable[[], Any], err: type[Exception], match: str) -> None:
    with pytest.raises(err, match=match):
        make()
