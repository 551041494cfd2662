"""Compat graphs and eager code agree: the same model built both ways, same values and gradients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tapediff as td
import tapediff.graph_compat as ad
from tapediff.testing import arrays, broadcastable_shapes, floats, grid, shapes


@dataclass(frozen=True)
class Case:
    name: str
    compat: Callable[..., ad.Operation]
    eager: Callable[..., td.Tensor]
    arity: int = 1
    low: float = -2.0
    high: float = 2.0
    min_dims: int = 0
    tie_prone: bool = False  # draw from a grid: exact ties or clear gaps


CASES = [
    Case("add", lambda a, b: a + b, td.add, 2),
    Case("subtract", lambda a, b: a - b, td.subtract, 2),
    Case("multiply", lambda a, b: a * b, td.multiply, 2),
    Case("divide", lambda a, b: a / b, td.divide, 2, 0.5, 2.0),
    Case("power", lambda a, b: a**b, td.power, 2, 0.5, 2.0),
    Case("maximum", ad.maximum, td.maximum, 2, tie_prone=True),
    Case("minimum", ad.minimum, td.minimum, 2, tie_prone=True),
    Case("where", lambda c, a, b: ad.where(c, a, b), lambda c, a, b: td.where(c != 0, a, b), 3,
         tie_prone=True),
    Case("negative", lambda a: -a, td.negative),
    Case("square", ad.square, td.square),
    Case("sqrt", ad.sqrt, td.sqrt, low=0.5),
    Case("exp", ad.exp, td.exp),
    Case("log", ad.log, td.log, low=0.5),
    Case("tanh", ad.tanh, td.tanh),
    Case("sigmoid", ad.acts.sigmoid, td.sigmoid),
    Case("relu", ad.acts.relu, td.relu, tie_prone=True),
    Case("softmax", ad.acts.softmax, lambda a: td.softmax(a, axis=-1), min_dims=1),
    Case("sum", lambda a: ad.sum(a, axis=-1), lambda a: td.sum(a, axis=-1), min_dims=1),
    Case("sum all", ad.sum, td.sum),
    Case("mean", lambda a: ad.mean(a, axis=0, keepdims=True),
         lambda a: td.mean(a, axis=0, keepdims=True), min_dims=1),
    Case("prod", lambda a: ad.prod(a, axis=-1), lambda a: td.prod(a, axis=-1), min_dims=1),
    Case("max", lambda a: ad.max(a, axis=0), lambda a: td.max(a, axis=0), min_dims=1,
         tie_prone=True),
    Case("min", ad.min, td.min, tie_prone=True),
    Case("transpose", ad.transpose, td.transpose),
    Case("flatten", ad.flatten, lambda a: td.reshape(a, -1)),
    Case("expand_dims", ad.expand_dims, lambda a: td.expand_dims(a, -1)),
    Case("getitem", lambda a: a[::-1], lambda a: a[::-1], min_dims=1),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@given(data=st.data())
def test_op_agrees_with_eager(case: Case, data: st.DataObject) -> None:
    if case.arity == 1:
        in_shapes: tuple[tuple[int, ...], ...] = (data.draw(shapes(min_dims=case.min_dims)),)
    else:
        in_shapes = data.draw(broadcastable_shapes(case.arity))
    elements = grid(case.low, case.high, 0.5) if case.tie_prone else floats(case.low, case.high)
    values = [data.draw(arrays(shape=s, elements=elements)) for s in in_shapes]
    variables = [ad.variable(v) for v in values]
    out = case.compat(*variables)
    cotangent = data.draw(arrays(shape=np.shape(out.forward())))
    out.backward(ad.constant(cotangent))

    tensors = [td.tensor(v) for v in values]
    with td.Tape() as tape:
        tape.watch(tensors)
        expected = case.eager(*tensors)
    grads = tape.gradient(expected, tensors, output_gradients=td.tensor(cotangent))

    np.testing.assert_allclose(out.forward(), expected.numpy(), rtol=1e-12, atol=0)
    assert out.shape == expected.shape
    for var, g in zip(variables, grads, strict=True):
        want = np.zeros(var.shape) if g is None else g.numpy()
        got = np.zeros(var.shape) if var.gradient is None else var.gradient.forward()
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)


@st.composite
def mlp_problem(draw: st.DrawFn) -> dict[str, Any]:
    batch, n_in, n_hidden, n_out = (draw(st.integers(1, 4)) for _ in range(4))
    return {
        "x": draw(arrays(shape=(batch, n_in))),
        "y": draw(arrays(shape=(batch, n_out))),
        "w1": draw(arrays(shape=(n_in, n_hidden))),
        "b1": draw(arrays(shape=(n_hidden,))),
        "w2": draw(arrays(shape=(n_hidden, n_out))),
        "b2": draw(arrays(shape=(n_out,))),
    }


@given(problem=mlp_problem(), classify=st.booleans())
def test_model_built_both_ways_agrees(problem: dict[str, Any], classify: bool) -> None:
    """A two-layer model: compat graph + Session vs eager ops under a Tape."""
    names = ("w1", "b1", "w2", "b2")
    x = ad.placeholder((None, problem["x"].shape[1]), name="x")
    y = ad.placeholder((None, problem["y"].shape[1]), name="y")
    params = {k: ad.variable(problem[k]) for k in names}
    hidden = ad.tanh(ad.dot(x, params["w1"]) + params["b1"])
    logits = ad.dot(hidden, params["w2"]) + params["b2"]
    if classify:
        per_row = ad.losses.cross_entropy(ad.acts.softmax(y), ad.acts.softmax(logits))
    else:
        per_row = ad.losses.mean_square_error(y, logits)
    loss = ad.mean(per_row)
    loss.backward()
    sess = ad.Session()
    feed = {x: problem["x"], "y": problem["y"]}
    value = sess.run(loss, feed)
    grads = sess.run({k: params[k].gradient for k in names}, feed)
    dx = sess.run(x.gradient, feed)

    ex, ey = td.tensor(problem["x"]), td.tensor(problem["y"])
    eparams = {k: td.Variable(problem[k]) for k in names}
    with td.Tape() as tape:
        tape.watch(ex)
        eh = td.tanh(td.dot(ex, eparams["w1"]) + eparams["b1"])
        elogits = td.dot(eh, eparams["w2"]) + eparams["b2"]
        if classify:
            rows = td.sum(-td.softmax(ey) * td.log(td.softmax(elogits)), axis=-1)
        else:
            rows = td.sum(td.square(ey - elogits), axis=-1)
        eloss = td.mean(rows)
    egrads = tape.gradient(eloss, {**eparams, "x": ex})

    np.testing.assert_allclose(value, eloss.item(), rtol=1e-12)
    for k in names:
        np.testing.assert_allclose(grads[k], egrads[k].numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(dx, egrads["x"].numpy(), rtol=1e-10, atol=1e-14)
