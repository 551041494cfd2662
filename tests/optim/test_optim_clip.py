"""Gradient clipping by global norm and by value."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tapediff as td
from tapediff.optim import clip_grad_norm, clip_grad_value, global_norm


def _grads() -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.normal(size=(3, 4)), rng.normal(size=(5,)), np.array(2.0)]


def test_clip_grad_norm_scales_to_max_norm() -> None:
    gs = _grads()
    total = math.sqrt(sum(float(np.sum(g**2)) for g in gs))
    clipped, norm = clip_grad_norm(gs, 1.0)
    assert norm == pytest.approx(total)
    assert isinstance(clipped, list) and all(isinstance(c, td.Tensor) for c in clipped)
    for c, g in zip(clipped, gs, strict=True):
        np.testing.assert_allclose(c.numpy(), g * (1.0 / (total + 1e-6)))
    assert global_norm(clipped) == pytest.approx(1.0, rel=1e-5)


def test_below_max_norm_unchanged_and_structure_kept() -> None:
    gs = _grads()
    clipped, norm = clip_grad_norm((gs[0], None, gs[2]), 100.0)
    assert isinstance(clipped, tuple) and clipped[1] is None
    np.testing.assert_array_equal(clipped[0].numpy(), gs[0])
    by_name, norm2 = clip_grad_norm({"a": gs[0], "b": None, "c": gs[2]}, 0.5)
    assert by_name["b"] is None and set(by_name) == {"a", "b", "c"}
    assert norm2 == pytest.approx(norm)
    assert global_norm(by_name) == pytest.approx(0.5, rel=1e-5)


def test_inf_norm_and_float32() -> None:
    gs = [g.astype(np.float32) for g in _grads()]
    clipped, norm = clip_grad_norm(gs, 0.5, norm_type=math.inf)
    assert norm == pytest.approx(max(float(np.abs(g).max()) for g in gs))
    assert all(c.dtype == np.float32 for c in clipped)
    assert max(float(np.abs(c.numpy()).max()) for c in clipped) == pytest.approx(0.5, rel=1e-5)


def test_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    gs = _grads()
    ps = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in gs]
    for p, g in zip(ps, gs, strict=True):
        p.grad = torch.tensor(g)
    total = torch.nn.utils.clip_grad_norm_(ps, 0.7)
    clipped, norm = clip_grad_norm(gs, 0.7)
    assert norm == pytest.approx(float(total), rel=1e-12)
    for c, p in zip(clipped, ps, strict=True):
        np.testing.assert_allclose(c.numpy(), p.grad.numpy(), rtol=1e-12)


def test_nonfinite_norm_leaves_gradients() -> None:
    gs = _grads()
    gs[1][0] = np.inf
    clipped, norm = clip_grad_norm(gs, 1.0)
    assert norm == math.inf
    np.testing.assert_array_equal(clipped[0].numpy(), gs[0])
    v = td.Variable(np.zeros(5))
    opt = td.optim.SGD([v], skip_nonfinite=True)
    assert opt.step([clipped[1]]) is False


def test_clip_grad_value() -> None:
    gs = _grads()
    clipped = clip_grad_value([gs[0], None], 0.5)
    assert clipped[1] is None
    np.testing.assert_array_equal(clipped[0].numpy(), np.clip(gs[0], -0.5, 0.5))


def test_errors() -> None:
    with pytest.raises(
        ValueError, match=r"clip_grad_norm: max_norm must be a finite number >= 0; got -1"
    ):
        clip_grad_norm(_grads(), -1)
    with pytest.raises(TypeError, match=r"clip_grad_norm: max_norm must be a real number; got str"):
        clip_grad_norm(_grads(), "1")  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"clip_grad_norm: norm_type must be positive \(or inf\); got 0.0"
    ):
        clip_grad_norm(_grads(), 1.0, norm_type=0)
    with pytest.raises(
        TypeError,
        match=r"clip_grad_norm: expected a list, tuple or dict of gradients .* got ndarray",
    ):
        clip_grad_norm(np.zeros(3), 1.0)
    with pytest.raises(
        TypeError, match=r"clip_grad_norm: gradient 1 must hold real numbers; got dtype complex128"
    ):
        clip_grad_norm([np.zeros(2), np.zeros(2, complex)], 1.0)
    with pytest.raises(
        ValueError, match=r"clip_grad_value: clip_value must be a finite number >= 0; got nan"
    ):
        clip_grad_value(_grads(), float("nan"))
