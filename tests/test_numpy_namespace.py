"""tapediff.numpy: NumPy's namespace with tapediff's differentiable functions in it."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import numpy
import pytest

import tapediff as td
import tapediff.numpy as np
import tapediff.ops
from tapediff.testing import gradcheck


def _nll(w: Any, b: Any, x: Any, y: Any) -> Any:
    """Logistic regression written as for autograd.numpy: only the import differs."""
    logits = np.dot(x, w) + b
    p = 1.0 / (1.0 + np.exp(-logits))
    eps = 1e-9
    return -np.mean(y * np.log(p + eps) + (1.0 - y) * np.log(1.0 - p + eps)) + 0.01 * np.sum(w**2)


def test_a_program_written_for_autograd_numpy_runs_and_differentiates() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((20, 3))
    y = (x[:, 0] > 0).astype(np.float64)
    w, b = np.array([0.1, -0.2, 0.3]), np.array(0.05)
    gw, gb = td.grad(_nll, argnums=(0, 1))(w, b, x, y)
    assert gw.shape == (3,) and gb.shape == ()
    gradcheck(lambda w_, b_: _nll(w_, b_, x, y), [w, b])


def test_differentiable_names_are_tapediffs_and_the_rest_numpys() -> None:
    for module in np.OPS_MODULES:
        for name in module.__all__:
            if hasattr(numpy, name):
                assert getattr(np, name) is getattr(module, name), name
    assert np.pi == numpy.pi and np.inf == numpy.inf and np.newaxis is None
    assert np.float32 is numpy.float32 and np.int64 is numpy.int64
    assert np.shape is numpy.shape and np.argsort is numpy.argsort
    assert np.random.default_rng is numpy.random.default_rng
    assert callable(np.linalg.norm) and callable(np.fft.fft)


def test_every_module_of_numpy_named_ops_is_in_the_namespace() -> None:
    # tapediff.ops modules of tapediff-only names (nn: softmax, cross_entropy) stay out.
    outside = {"nn"}
    # Modules that export nothing (decompositions: primitives behind tapediff.linalg) too.
    names = {m.name for m in pkgutil.iter_modules(tapediff.ops.__path__)}
    public = {
        n
        for n in names
        if not n.startswith("_") and importlib.import_module(f"tapediff.ops.{n}").__all__
    } - outside
    assert public == {m.__name__.rsplit(".", 1)[1] for m in np.OPS_MODULES}


def test_helpers_accept_tensors_and_nondifferentiable_functions_refuse_tracked_ones() -> None:
    x = np.array([3.0, 1.0, 2.0])
    assert isinstance(x, td.Tensor)
    with td.Tape() as tape:
        tape.watch(x)
        assert np.shape(x) == (3,) and np.ndim(x) == 1
        numpy.testing.assert_array_equal(np.argsort(x), [1, 2, 0])
        numpy.testing.assert_array_equal(np.isfinite(x).numpy(), [True, True, True])
        with pytest.raises(TypeError, match="numpy.unwrap is not differentiable in tapediff"):
            np.unwrap(x)


def test_asarray_keeps_a_tensor_and_its_gradient() -> None:
    x = td.tensor([1.0, 2.0])
    assert np.asarray(x) is x
    assert np.asarray(x, dtype=np.float32).dtype == numpy.float32
    g = td.grad(lambda a: np.sum(np.asarray(a) * 3.0))(x)
    numpy.testing.assert_array_equal(g.numpy(), [3.0, 3.0])


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="tapediff.numpy' has no attribute 'no_such_fn'"):
        np.no_such_fn  # noqa: B018
