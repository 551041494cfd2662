"""A state machine mixing Variables, nested/persistent tapes, resets, stop_recording and assigns.

Every loss is recorded from values read at that moment; every gradient asked later must be the
finite-difference gradient at those read values, whatever was assigned since.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import tapediff as td

N = 3
values = st.lists(
    st.floats(-1.5, 1.5, allow_nan=False, allow_subnormal=False), min_size=N, max_size=N
).map(np.array)


def _f(read: dict[int, np.ndarray], i: int, j: int, a: float) -> float:
    """The loss from raw values: sum(tanh(a * v_i) + v_j * v_i)."""
    return float(np.sum(np.tanh(a * read[i]) + read[j] * read[i]))


def _fd(read: dict[int, np.ndarray], i: int, j: int, a: float, k: int) -> np.ndarray:
    """Central finite differences of _f with respect to variable k."""
    out = np.zeros(N)
    h = 1e-6
    for e in range(N):
        up = {key: v.copy() for key, v in read.items()}
        down = {key: v.copy() for key, v in read.items()}
        up[k][e] += h
        down[k][e] -= h
        out[e] = (_f(up, i, j, a) - _f(down, i, j, a)) / (2 * h)
    return out


@dataclass
class _Loss:
    tensor: td.Tensor
    read: dict[int, np.ndarray]
    i: int
    j: int
    a: float


@dataclass
class _TapeState:
    tape: td.Tape
    persistent: bool
    losses: list[_Loss] = field(default_factory=list)
    used: bool = False


class TapeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.vars: list[td.Variable] = []
        self.model: list[np.ndarray] = []  # what each variable must read as
        self.open: list[_TapeState] = []  # innermost last
        self.tapes: list[_TapeState] = []  # every tape made, open or closed

    def teardown(self) -> None:
        while self.open:
            self.open.pop().tape.__exit__(None, None, None)

    @precondition(lambda self: len(self.vars) < 4)
    @rule(init=values)
    def create_variable(self, init: np.ndarray) -> None:
        self.vars.append(td.Variable(init.copy()))
        self.model.append(init.copy())

    @precondition(lambda self: self.vars)
    @rule(data=st.data(), new=values, add=st.booleans())
    def assign(self, data: st.DataObject, new: np.ndarray, add: bool) -> None:
        k = data.draw(st.integers(0, len(self.vars) - 1), label="var")
        if add:
            self.vars[k].assign_add(new)
            self.model[k] = self.model[k] + new
        else:
            self.vars[k].assign(new)
            self.model[k] = new.copy()

    @precondition(lambda self: len(self.open) < 3)
    @rule(persistent=st.booleans())
    def open_tape(self, persistent: bool) -> None:
        state = _TapeState(td.Tape(persistent=persistent), persistent)
        state.tape.__enter__()
        self.open.append(state)
        self.tapes.append(state)

    @precondition(lambda self: self.open)
    @rule()
    def close_tape(self) -> None:
        self.open.pop().tape.__exit__(None, None, None)

    @precondition(lambda self: self.vars)
    @rule(data=st.data(), a=st.floats(0.3, 2.0), stop=st.booleans())
    def compute_loss(self, data: st.DataObject, a: float, stop: bool) -> None:
        i = data.draw(st.integers(0, len(self.vars) - 1), label="i")
        j = data.draw(st.integers(0, len(self.vars) - 1), label="j")
        read = {k: self.vars[k].numpy().copy() for k in {i, j}}
        stop = stop and bool(self.open)

        def compute() -> td.Tensor:
            vi, vj = self.vars[i], self.vars[j]
            return td.sum(td.tanh(a * vi) + vj * vi)

        if stop:
            # The innermost tape must not see it; the outer ones still record it.
            with self.open[-1].tape.stop_recording():
                loss = compute()
            recorders = self.open[:-1]
        else:
            loss = compute()
            recorders = list(self.open)
        assert float(loss.numpy()) == pytest.approx(_f(read, i, j, a), rel=1e-12, abs=1e-12)
        for state in recorders:
            state.losses.append(_Loss(loss, read, i, j, a))
        if stop:
            inner = self.open[-1]
            if inner.persistent or not inner.used:
                grads = inner.tape.gradient(loss, self.vars, unconnected_gradients="zero")
                inner.used = True
                for g in grads:
                    np.testing.assert_array_equal(g.numpy(), np.zeros(N))

    @precondition(lambda self: self.tapes)
    @rule(data=st.data())
    def reset_tape(self, data: st.DataObject) -> None:
        state = data.draw(st.sampled_from(self.tapes), label="tape")
        state.tape.reset()
        state.losses = []
        state.used = False

    @precondition(lambda self: any(s.losses for s in self.tapes))
    @rule(data=st.data())
    def gradient(self, data: st.DataObject) -> None:
        state = data.draw(st.sampled_from([s for s in self.tapes if s.losses]), label="tape")
        loss = data.draw(st.sampled_from(state.losses), label="loss")
        if state.used and not state.persistent:
            with pytest.raises(RuntimeError):
                state.tape.gradient(loss.tensor, self.vars)
            return
        grads = state.tape.gradient(loss.tensor, self.vars, unconnected_gradients="zero")
        state.used = True
        for k, g in enumerate(grads):
            expected = _fd(loss.read, loss.i, loss.j, loss.a, k) if k in loss.read else 0.0
            np.testing.assert_allclose(g.numpy(), expected, rtol=1e-6, atol=1e-7)

    @invariant()
    def variables_read_as_assigned(self) -> None:
        for var, expected in zip(self.vars, self.model, strict=True):
            np.testing.assert_array_equal(var.numpy(), expected)


# The loaded profile (tests/conftest.py) sets max_examples; steps per example are kept short.
TapeMachine.TestCase.settings = settings(stateful_step_count=25)
test_tape_machine = TapeMachine.TestCase
