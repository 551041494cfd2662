"""train: one training step of a small conv net and of an LSTM, built from tapediff.nn layers.

conv: the convolutional part of ``examples/digits.py`` (batch 64 of 1x8x8 images, conv 32 ->
relu -> pool -> conv 64 -> relu -> pool -> linear 10, cross-entropy); lstm: batch 32, 20 steps,
16 inputs, hidden 64, linear 10 on the last hidden state, cross-entropy. Both float64, forward
plus every parameter's gradient, against the hand-written NumPy of ``_train.py`` and, with
--peers, PyTorch's ``torch.nn`` on the CPU. Small arrays: this measures the layers' own
overhead (im2col, pooling, the recurrence) as much as BLAS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..peers import load as load_peers
from ..results import NUMPY, TAPEDIFF, Check, Config, Row, Section, Target, close_all, tolerances
from ..timing import Plan, compare, ratio, round_ratios
from . import _train

NAME = "train"
TARGET_NUMPY = 1.2  # x hand-written NumPy, both models
TARGET_TORCH = 1.3  # x PyTorch CPU, conv net

Step = Callable[[], tuple[Any, list[Any]]]


def conv_problem(cfg: Config) -> _train.ConvProblem:
    if cfg.quick:
        return _train.conv_problem(6, 8, (1, 3, 4), 5, cfg.seed)
    return _train.conv_problem(64, 8, (1, 32, 64), 10, cfg.seed)


def lstm_problem(cfg: Config) -> _train.LSTMProblem:
    if cfg.quick:
        return _train.lstm_problem(4, 3, 5, 6, 4, cfg.seed)
    return _train.lstm_problem(20, 32, 16, 64, 10, cfg.seed)


def _conv_impls(cfg: Config, p: _train.ConvProblem) -> dict[str, Step]:
    impls: dict[str, Step] = {
        NUMPY: lambda: _train.numpy_conv_step(p),
        TAPEDIFF: _train.TapediffStep(_train.ConvNet(p), p.x, p.labels).step,
    }
    if cfg.peers:
        for peer in load_peers(cfg.threads)[0]:
            make = getattr(peer.module, "conv_step", None)
            if make is not None:
                impls[peer.name] = make(p)
    return impls


def _lstm_impls(cfg: Config, p: _train.LSTMProblem) -> dict[str, Step]:
    impls: dict[str, Step] = {
        NUMPY: lambda: _train.numpy_lstm_step(p),
        TAPEDIFF: _train.TapediffStep(_train.LSTMNet(p), p.x, p.labels).step,
    }
    if cfg.peers:
        for peer in load_peers(cfg.threads)[0]:
            make = getattr(peer.module, "lstm_step", None)
            if make is not None:
                impls[peer.name] = make(p)
    return impls


def profile_target(cfg: Config) -> Callable[[], object]:
    """Both tapediff steps, one after the other, for ``--profile``."""
    conv = _conv_impls(Config(quick=cfg.quick), conv_problem(cfg))[TAPEDIFF]
    lstm = _lstm_impls(Config(quick=cfg.quick), lstm_problem(cfg))[TAPEDIFF]

    def both() -> None:
        conv()
        lstm()

    return both


def checks(cfg: Config) -> list[Check]:
    out: list[Check] = []
    rtol, atol = tolerances(np.float64)
    variants: list[tuple[str, dict[str, Step], tuple[str, ...]]] = [
        ("conv", _conv_impls(cfg, conv_problem(cfg)), _train.CONV_NAMES),
        ("lstm", _lstm_impls(cfg, lstm_problem(cfg)), _train.LSTM_NAMES),
    ]
    for label, impls, names in variants:
        want_loss, want_grads = impls.pop(NUMPY)()
        for name, fn in impls.items():
            loss, grads = fn()
            what = f"{label} {name}"
            out += close_all(NAME, what, [loss], [want_loss], ["loss"], rtol, atol)
            out += close_all(NAME, what, grads, want_grads, names, rtol, atol)
    return out


def run(cfg: Config) -> Section:
    plan = (
        Plan(repeats=3, warmup=1, min_sample_s=0.01)
        if cfg.quick
        else Plan(repeats=25, min_sample_s=0.1)
    )
    section = Section(NAME, "one training step (forward + every parameter's gradient), float64")
    cp, lp = conv_problem(cfg), lstm_problem(cfg)
    n, c, s, _ = cp.x.shape
    steps, batch, _ = lp.x.shape
    hidden = lp.params[1].shape[1]
    variants = [
        ("conv", f"conv net, batch {n} of {c}x{s}x{s}", _conv_impls(cfg, cp)),
        ("lstm", f"lstm, batch {batch}, {steps} steps, hidden {hidden}", _lstm_impls(cfg, lp)),
    ]
    for label, variant, impls in variants:
        times = compare(impls, plan)
        base = times[NUMPY]
        for name, t in times.items():
            section.rows.append(
                Row(variant, name, seconds=t.median, ratio=ratio(t, base), samples=t.samples)
            )
        section.targets.append(
            Target(
                f"train {label} vs NumPy",
                ratio(times[TAPEDIFF], base),
                TARGET_NUMPY,
                "x",
                judged=not cfg.quick,
                spread=round_ratios(times[TAPEDIFF], base),
            )
        )
        torch_name = next((k for k in times if k.startswith("PyTorch")), None)
        if label == "conv" and torch_name is not None:
            section.targets.append(
                Target(
                    "train conv vs PyTorch",
                    ratio(times[TAPEDIFF], times[torch_name]),
                    TARGET_TORCH,
                    "x",
                    judged=not cfg.quick,
                    spread=round_ratios(times[TAPEDIFF], times[torch_name]),
                )
            )
            section.notes.append(
                f"conv net, tapediff / {torch_name}: ratio of the same rounds' samples"
            )
    return section
