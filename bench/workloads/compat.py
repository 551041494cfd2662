"""compat: the legacy linear-regression example, 10,000 SGD steps through ``Session``.

``examples/legacy/linear_regression.py`` is run unchanged, with ``auto_diff`` resolving to
``tapediff.graph_compat`` (placeholders of shape (None, n), ``Session.prepare/run``,
``var.gradient``, ``update_add``). Next to it: the same model and the same random batches
written with the eager tapediff API, and by hand in NumPy. The budget is for the compat layer
against eager tapediff: what the deferred graph costs on top of the one engine. Every version
draws its batches from the same generator in the same order, so all three must agree.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import tapediff as td

from ..results import NUMPY, Check, Config, Row, Section, Target, close, close_all, tolerances
from ..timing import Plan, compare, ratio, round_ratios

NAME = "compat"
TARGET = 1.5  # x the eager version
EAGER = "tapediff eager"
COMPAT = "legacy example on graph_compat"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "legacy" / "linear_regression.py"
# The example's defaults, which the eager and NumPy versions repeat.
FEATURES = 4
BATCH = 32
LR = 0.1
FULL_STEPS = 10_000
QUICK_STEPS = 25

Result = dict[str, Any]  # the example's result: losses, w, b, true_w, true_b


def legacy_example() -> tuple[ModuleType | None, str]:
    """The example module, imported with ``auto_diff`` aliased to the compat layer; else why not."""
    if not EXAMPLE.exists():
        return None, f"{EXAMPLE.name} is not in examples/legacy"
    try:
        ad = importlib.import_module("tapediff.graph_compat")
    except ImportError as e:
        return None, f"tapediff.graph_compat does not import: {e}"
    if not hasattr(ad, "install_auto_diff_alias"):
        return None, "tapediff.graph_compat has no install_auto_diff_alias yet"
    ad.install_auto_diff_alias()
    spec = importlib.util.spec_from_file_location("_bench_legacy_linear_regression", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, ""


def _batches(seed: int) -> tuple[np.random.Generator, np.ndarray, float]:
    rng = np.random.default_rng(seed)
    return rng, rng.normal(size=FEATURES), 0.5


def _batch(rng: np.random.Generator, true_w: np.ndarray, true_b: float) -> tuple[Any, Any]:
    x = rng.uniform(-1.0, 1.0, size=(BATCH, FEATURES))
    return x, x @ true_w + true_b + rng.normal(scale=0.01, size=BATCH)


def numpy_train(steps: int, seed: int) -> Result:
    """Hand-written loss, gradients and SGD update, on the example's batches."""
    rng, true_w, true_b = _batches(seed)
    w = np.zeros(FEATURES)
    b = 0.0
    losses = []
    for _ in range(steps):
        x, y = _batch(rng, true_w, true_b)
        r = x @ w + b - y
        losses.append(float((r * r).sum() / BATCH))
        gr = r * (2 / BATCH)
        w = w - LR * (x.T @ gr)
        b = b - LR * float(gr.sum())
    return {"losses": losses, "w": w, "b": b}


def eager_train(steps: int, seed: int) -> Result:
    """The example's model with the eager API: a tape per step, Variables updated in place."""
    rng, true_w, true_b = _batches(seed)
    w = td.Variable(np.zeros(FEATURES))
    b = td.Variable(0.0)
    losses = []
    for _ in range(steps):
        x, y = _batch(rng, true_w, true_b)
        with td.Tape() as tape:
            loss = td.sum(td.square(td.dot(x, w) + b - y)) / BATCH
        losses.append(float(loss))
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_add(-LR * gw)
        b.assign_add(-LR * gb)
    return {"losses": losses, "w": w.numpy().copy(), "b": float(b)}


def _impls(cfg: Config, steps: int) -> tuple[dict[str, Callable[[], Result]], str]:
    impls: dict[str, Callable[[], Result]] = {
        NUMPY: lambda: numpy_train(steps, cfg.seed),
        EAGER: lambda: eager_train(steps, cfg.seed),
    }
    example, why = legacy_example()
    if example is not None:
        train = example.train
        impls[COMPAT] = lambda: train(steps=steps, seed=cfg.seed)
    return impls, why


def profile_target(cfg: Config) -> Callable[[], object]:
    """1,000 steps of the legacy example (of the eager version until it exists), for --profile."""
    impls, _ = _impls(cfg, 1000)
    return impls.get(COMPAT, impls[EAGER])


def checks(cfg: Config) -> list[Check]:
    impls, why = _impls(cfg, QUICK_STEPS)
    want = impls.pop(NUMPY)()
    rtol, atol = tolerances(np.float64)
    out = []
    for name, fn in impls.items():
        got = fn()
        what = f"{name}, {QUICK_STEPS} SGD steps"
        out += close_all(
            NAME, what, [got["w"], got["b"]], [want["w"], want["b"]], ("w", "b"), rtol, atol
        )
        out.append(close(NAME, f"{what}, losses", got["losses"], want["losses"], rtol, atol))
    if COMPAT not in impls:
        out.append(Check(NAME, COMPAT, True, why, skipped=True))
    return out


def run(cfg: Config) -> Section:
    steps = QUICK_STEPS if cfg.quick else FULL_STEPS
    impls, why = _impls(cfg, steps)
    plan = Plan(repeats=3, warmup=1, min_sample_s=0.01) if cfg.quick else Plan(3, 0, calls=1)
    times = compare(impls, plan)
    base = times[NUMPY]
    section = Section(
        NAME, f"{EXAMPLE.name} ({FEATURES} features, batch {BATCH}, a new batch each step), SGD"
    )
    variant = f"{steps} steps"
    for name, t in times.items():
        section.rows.append(
            Row(variant, name, seconds=t.median, ratio=ratio(t, base), samples=t.samples)
        )
    if COMPAT not in times:
        section.notes.append(f"compat row not measured: {why}")
    else:
        measured = ratio(times[COMPAT], times[EAGER])
        spread = round_ratios(times[COMPAT], times[EAGER])
        section.targets.append(
            Target("compat vs eager", measured, TARGET, "x", judged=not cfg.quick, spread=spread)
        )
    return section
