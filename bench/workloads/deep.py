"""deep: chains of 10^4, 10^5 and 10^6 scalar ops, recorded and differentiated.

Measures how the cost per op holds up as the tape grows: a library whose records form reference
cycles, or that allocates many small containers per op, slows down superlinearly here as Python's
cyclic garbage collector keeps rescanning the growing graph. The collector stays on, as in real
use.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

import numpy as np

import tapediff as td

from ..peers import load as load_peers
from ..report import count
from ..results import NUMPY, TAPEDIFF, Check, Config, Row, Section, Target, close, tolerances
from ..timing import Plan, compare, quartiles, ratio
from . import _chain

NAME = "deep"
US_PER_OP = 3.0
GROWTH = 11.0  # t(10^6) / t(10^5)
FULL_SIZES = (10**4, 10**5, 10**6)
QUICK_SIZES = (10**3, 10**4)
# Peers cost 7-160 us/op here: run them only where a few repeats take seconds, not minutes.
PEER_MAX = {"JAX": 10**4}
PEER_DEFAULT_MAX = 10**5

GC_OFF = "tapediff, gc disabled (diagnostic)"

Chain = Callable[[], tuple[np.ndarray, np.ndarray]]


def _impls(cfg: Config, n: int) -> dict[str, Chain]:
    ops = _chain.kinds(n)
    x0, a, b = _chain.scalar_constants()
    tx = td.tensor(x0)
    nx = np.float64(x0)
    impls: dict[str, Chain] = {
        NUMPY: lambda: _chain.numpy_chain(nx, a, b, ops),
        TAPEDIFF: lambda: _chain.tapediff_chain(tx, a, b, ops),
    }
    if cfg.peers:
        for peer in load_peers(cfg.threads)[0]:
            limit = next((m for k, m in PEER_MAX.items() if k in peer.name), PEER_DEFAULT_MAX)
            if n <= (QUICK_SIZES[0] if cfg.quick else limit):
                impls[peer.name] = peer.module.chain(nx, a, b, ops)
    return impls


def profile_target(cfg: Config) -> Callable[[], object]:
    """The tapediff chain of the largest-but-one size alone, for ``--profile``."""
    sizes = QUICK_SIZES if cfg.quick else FULL_SIZES
    return _impls(Config(quick=cfg.quick, seed=cfg.seed), sizes[-2])[TAPEDIFF]


def checks(cfg: Config) -> list[Check]:
    n = QUICK_SIZES[0]
    impls = _impls(cfg, n)
    want_y, want_g = impls.pop(NUMPY)()
    rtol, atol = tolerances(np.float64)
    out = []
    for name, fn in impls.items():
        y, g = fn()
        out.append(close(NAME, f"{name} value, {n} ops", y, want_y, rtol, atol))
        out.append(close(NAME, f"{name} gradient, {n} ops", g, want_g, rtol, atol))
    return out


def _gc_disabled(fn: Chain) -> Chain:
    def run() -> tuple[np.ndarray, np.ndarray]:
        gc.disable()
        try:
            return fn()
        finally:
            gc.enable()

    return run


def _plan(cfg: Config, n: int) -> Plan:
    if cfg.quick:
        return Plan(repeats=3, warmup=1, min_sample_s=0.01)
    if n >= 10**6:
        return Plan(repeats=3, warmup=0, calls=1)
    if n >= 10**5:
        return Plan(repeats=5, warmup=1, calls=1)
    return Plan(repeats=7, warmup=1, min_sample_s=0.1)


def run(cfg: Config) -> Section:
    sizes = QUICK_SIZES if cfg.quick else FULL_SIZES
    section = Section(NAME, "chain of scalar ops (*, +, tanh every 10th), fwd+bwd, gc enabled")
    medians: dict[int, float] = {}
    samples: dict[int, tuple[float, ...]] = {}
    for n in sizes:
        impls = _impls(cfg, n)
        if n == sizes[-2]:
            # Diagnostic, not a target: how much of the time is the cyclic garbage collector.
            impls[GC_OFF] = _gc_disabled(impls[TAPEDIFF])
        times = compare(impls, _plan(cfg, n))
        base = times[NUMPY]
        medians[n] = times[TAPEDIFF].median
        samples[n] = times[TAPEDIFF].samples
        for name, t in times.items():
            section.rows.append(
                Row(
                    f"{count(n)} ops",
                    name,
                    seconds=t.median,
                    us_per_op=t.median / n * 1e6,
                    ratio=ratio(t, base),
                    samples=t.samples,
                )
            )
    judged = not cfg.quick
    for n in sizes[-2:]:
        section.targets.append(
            Target(
                f"deep {count(n)} ops",
                medians[n] / n * 1e6,
                US_PER_OP,
                "us/op",
                judged=judged,
                spread=quartiles([s / n * 1e6 for s in samples[n]]),
            )
        )
    small, big = sizes[-2], sizes[-1]
    section.targets.append(
        Target(
            f"deep t({count(big)})/t({count(small)})",
            medians[big] / medians[small],
            GROWTH,
            "x",
            judged=judged,
        )
    )
    if cfg.peers:
        section.notes.append(
            "peers run up to 1e5 ops (JAX eager up to 1e4): slower ones take minutes"
        )
    return section
