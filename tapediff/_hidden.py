"""A guard for primitives that run user code in their forward pass (fixed_point, odeint).

Such a forward calls the user's function on fresh, untracked tensors, so nothing of it is
recorded. If the function reaches a tensor a tape is tracking some other way (a closure, a
global, a trainable Variable), that tape records ops on it which lead nowhere: its gradient
would be silently lost. Any record added to an already active tape while the guard is on
reveals that, and the guard refuses.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ._record import ACTIVE


@contextmanager
def no_hidden_inputs(where: str) -> Iterator[None]:
    """Raise TypeError if the code run inside records anything on a tape active on entry (run
    inside a forward: the primitive's name is put in front of the message)."""
    before = [(tape, len(tape._records)) for tape in ACTIVE.get()]
    yield
    if any(len(tape._records) != n for tape, n in before):
        raise TypeError(
            f"{where} used a tensor that a tape is tracking without getting it as an "
            "argument (a closure, a global or a trainable Variable), so its gradient would be "
            "lost; pass it in explicitly"
        )
