"""compat: the legacy linear-regression program, 10,000 SGD steps through ``Session``.

The same model three ways: the define-then-run program of the old ``auto_diff`` API
(placeholders of shape (None, n), ``Session.prepare/run``, ``var.gradient``, ``update_add``) on
``tapediff.graph_compat``; the eager tapediff API; and hand-written NumPy. The budget is for the
compat layer against eager tapediff: what the deferred graph costs on top of the engine.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

import tapediff as td

from ..results import NUMPY, Check, Config, Row, Section, Target, close_all, tolerances
from ..timing import Plan, compare, ratio, round_ratios

NAME = "compat"
TARGET = 1.5  # x the eager version
EAGER = "tapediff eager"
COMPAT = "tapediff graph_compat"
FEATURES = 8
BATCH = 64
LR = 0.01
FULL_STEPS = 10_000
QUICK_STEPS = 25

Array = npt.NDArray[np.float64]
Result = tuple[Array, Array, Array]  # trained w, trained b, loss of the last step


@dataclass(frozen=True)
class Data:
    x: Array
    y: Array
    w0: Array
    b0: Array


def data(seed: int) -> Data:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, FEATURES))
    w_true = rng.standard_normal((FEATURES, 1))
    y = x @ w_true + 0.5 + 0.01 * rng.standard_normal((BATCH, 1))
    return Data(x, y, 0.1 * rng.standard_normal((FEATURES, 1)), np.zeros(1))


def compat_api() -> ModuleType | None:
    """``tapediff.graph_compat`` if it provides the legacy API yet, else None."""
    try:
        ad = importlib.import_module("tapediff.graph_compat")
    except ImportError:
        return None
    needed = ("placeholder", "variable", "dot", "square", "Session")
    return ad if all(hasattr(ad, n) for n in needed) else None


def numpy_train(d: Data, steps: int) -> Result:
    """Hand-written loss, gradients and simultaneous SGD update."""
    w, b = d.w0.copy(), d.b0.copy()
    loss = np.zeros(())
    for _ in range(steps):
        r = d.x @ w + b - d.y
        loss = np.asarray((r * r).sum() / BATCH)
        gr = r * (2 / BATCH)
        gw = d.x.T @ gr
        gb = gr.sum(axis=0)
        w = w - LR * gw
        b = b - LR * gb
    return w, b, loss


class Eager:
    """The model in the eager API: a tape per step, Variables updated with assign_sub."""

    def __init__(self, d: Data) -> None:
        self.d = d
        self.x = td.tensor(d.x)
        self.y = td.tensor(d.y)
        self.w = td.Variable(d.w0)
        self.b = td.Variable(d.b0)

    def train(self, steps: int) -> Result:
        w, b = self.w, self.b
        w.assign(self.d.w0)
        b.assign(self.d.b0)
        loss = td.tensor(0.0)
        for _ in range(steps):
            with td.Tape() as tape:
                loss = td.sum(td.square(self.y - (td.dot(self.x, w) + b))) / BATCH
            gw, gb = tape.gradient(loss, [w, b])
            w.assign_sub(LR * gw)
            b.assign_sub(LR * gb)
        return w.numpy().copy(), b.numpy().copy(), loss.numpy()


class Legacy:
    """The legacy program, built once as a graph; each step runs it through a Session."""

    def __init__(self, ad: Any, d: Data) -> None:
        self.ad = ad
        self.d = d
        x = ad.placeholder((None, FEATURES))
        y = ad.placeholder((None, 1))
        self.w = ad.variable(d.w0)
        self.b = ad.variable(d.b0)
        y_pred = ad.dot(x, self.w) + self.b
        self.loss = ad.square(y - y_pred).sum() / BATCH
        self.loss.backward()
        self.feed = {x: d.x, y: d.y}
        self.session = ad.Session()

    def train(self, steps: int) -> Result:
        self.w.update(self.d.w0)
        self.b.update(self.d.b0)
        sess, feed = self.session, self.feed
        loss = np.zeros(())
        for _ in range(steps):
            sess.prepare()
            loss = sess.run(self.loss, feed)
            for var in (self.w, self.b):
                var.update_add(-LR * sess.run(var.gradient, feed))
        return np.array(self.w.forward()), np.array(self.b.forward()), np.asarray(loss)


def profile_target(cfg: Config) -> Callable[[], object]:
    """1,000 steps of the compat program (of the eager one until compat exists), for --profile."""
    d = data(cfg.seed)
    ad = compat_api()
    model = Eager(d) if ad is None else Legacy(ad, d)
    return lambda: model.train(1000)


def checks(cfg: Config) -> list[Check]:
    d = data(cfg.seed)
    want = numpy_train(d, QUICK_STEPS)
    rtol, atol = tolerances(np.float64)
    names = ("w", "b", "last loss")
    what = f"{QUICK_STEPS} SGD steps"
    out = close_all(NAME, f"{EAGER}, {what}", Eager(d).train(QUICK_STEPS), want, names, rtol, atol)
    ad = compat_api()
    if ad is None:
        out.append(
            Check(NAME, COMPAT, True, "tapediff.graph_compat has no Session yet", skipped=True)
        )
        return out
    got = Legacy(ad, d).train(QUICK_STEPS)
    return out + close_all(NAME, f"{COMPAT}, {what}", got, want, names, rtol, atol)


def run(cfg: Config) -> Section:
    steps = QUICK_STEPS if cfg.quick else FULL_STEPS
    d = data(cfg.seed)
    eager = Eager(d)
    impls = {NUMPY: lambda: numpy_train(d, steps), EAGER: lambda: eager.train(steps)}
    ad = compat_api()
    if ad is not None:
        legacy = Legacy(ad, d)
        impls[COMPAT] = lambda: legacy.train(steps)
    plan = Plan(repeats=3, warmup=1, min_sample_s=0.01) if cfg.quick else Plan(3, 0, calls=1)
    times = compare(impls, plan)
    base = times[NUMPY]
    section = Section(NAME, f"linear regression ({FEATURES} features, batch {BATCH}), SGD")
    variant = f"{steps} steps"
    for name, t in times.items():
        section.rows.append(
            Row(variant, name, seconds=t.median, ratio=ratio(t, base), samples=t.samples)
        )
    if ad is None:
        section.notes.append("tapediff.graph_compat has no Session yet: compat row not measured")
    else:
        measured = ratio(times[COMPAT], times[EAGER])
        spread = round_ratios(times[COMPAT], times[EAGER])
        section.targets.append(
            Target("compat vs eager", measured, TARGET, "x", judged=not cfg.quick, spread=spread)
        )
    return section
