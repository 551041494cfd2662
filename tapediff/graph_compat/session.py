"""``Session``: evaluation steps that share one forward pass between several fetches."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from ._engine import PlanCache, _Evaluation, to_numpy
from .operation import Operation

__all__ = ["Session"]


class Session:
    """Runs fetches; all runs between two :meth:`prepare` calls form one step.

    Within a step every node is computed once: later runs reuse the values (and the tape) of
    earlier ones, so ``run(loss)`` followed by ``run(w.gradient)`` costs one forward pass and one
    reverse sweep, and updates made to variables in between are not seen until ``prepare()``.

    A session may be shared by threads: their runs are serialised (one at a time), and they
    share its current step.
    """

    def __init__(self) -> None:
        self._step: _Evaluation | None = None
        self._plans = PlanCache()
        # A step's tapes are entered and left within one run; runs must not interleave.
        self._lock = threading.Lock()

    def prepare(self) -> None:
        """Start a new step: the next run recomputes everything."""
        with self._lock:
            self._step = None

    def run(self, fetches: Any, feed_dict: Mapping[Any, Any] | None = None) -> Any:
        """Evaluate an op, a list of ops or a dict of ops (same structure back, as arrays)."""
        if fetches is None or isinstance(fetches, Operation):
            ops = [fetches]
        elif isinstance(fetches, list):
            ops = list(fetches)
        elif isinstance(fetches, dict):
            ops = list(fetches.values())
        else:
            raise NotImplementedError(
                f"Session.run: fetches must be an Operation, a list or a dict of them; "
                f"got {type(fetches).__name__}"
            )
        for op in ops:
            if op is None:
                raise TypeError(
                    "Session.run: a fetch is None; a node's .gradient is None until a loss "
                    "depending on it is differentiated: call loss.backward() first"
                )
            if not isinstance(op, Operation):
                raise TypeError(f"Session.run: cannot fetch {type(op).__name__}; expected an op")
        with self._lock:
            if self._step is None:
                self._step = _Evaluation(step_wide=True, plans=self._plans)
            checked = [op for op in ops if isinstance(op, Operation)]  # all, checked above
            values = [to_numpy(v) for v in self._step.evaluate(checked, feed_dict)]
        if isinstance(fetches, Operation):
            return values[0]
        if isinstance(fetches, list):
            return values
        return dict(zip(fetches, values, strict=True))
