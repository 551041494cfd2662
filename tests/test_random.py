"""td.random: reproducible, seeded by an explicit numpy Generator; shapes, dtypes, errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import tapediff as td


def test_public_names() -> None:
    assert sorted(td.random.__all__) == ["normal", "uniform"]


@pytest.mark.parametrize("draw", [td.random.normal, td.random.uniform])
def test_same_seed_same_values_different_seed_different_values(draw: Any) -> None:
    a = draw(np.random.default_rng(42), (3, 4))
    b = draw(np.random.default_rng(42), (3, 4))
    c = draw(np.random.default_rng(43), (3, 4))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(a.numpy(), c.numpy())


@pytest.mark.parametrize("draw", [td.random.normal, td.random.uniform])
@pytest.mark.parametrize("shape", [(), 5, (2, 3), (0, 2)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shape_and_dtype(draw: Any, shape: Any, dtype: Any) -> None:
    t = draw(np.random.default_rng(0), shape, dtype=dtype)
    assert type(t) is td.Tensor
    assert t.shape == np.empty(shape).shape
    assert t.dtype == dtype


def test_default_shape_is_a_scalar_float64() -> None:
    t = td.random.normal(np.random.default_rng(0))
    assert t.shape == () and t.dtype == np.float64


def test_draws_advance_the_generator() -> None:
    rng = np.random.default_rng(0)
    first = td.random.normal(rng, 4)
    second = td.random.normal(rng, 4)
    assert not np.array_equal(first.numpy(), second.numpy())


def test_normal_matches_the_generator_and_moments() -> None:
    t = td.random.normal(np.random.default_rng(7), (3,), loc=2.0, scale=0.5)
    expected = np.random.default_rng(7).standard_normal(3) * 0.5 + 2.0
    np.testing.assert_allclose(t.numpy(), expected)
    big = td.random.normal(np.random.default_rng(1), 200_000, loc=-1.0, scale=3.0).numpy()
    # Seeded, so deterministic; the bounds are ~10 standard errors wide.
    assert abs(big.mean() + 1.0) < 0.07
    assert abs(big.std() - 3.0) < 0.05


def test_uniform_range_and_moments() -> None:
    u = td.random.uniform(np.random.default_rng(3), 100_000, low=-2.0, high=4.0).numpy()
    assert u.min() >= -2.0 and u.max() < 4.0
    assert abs(u.mean() - 1.0) < 0.06
    u32 = td.random.uniform(np.random.default_rng(3), 1000, low=1.0, high=2.0, dtype=np.float32)
    assert u32.dtype == np.float32
    assert float(u32.numpy().min()) >= 1.0 and float(u32.numpy().max()) <= 2.0


def test_zero_scale_is_constant() -> None:
    t = td.random.normal(np.random.default_rng(0), 3, loc=1.5, scale=0.0)
    np.testing.assert_array_equal(t.numpy(), [1.5, 1.5, 1.5])


@pytest.mark.parametrize("draw", [td.random.normal, td.random.uniform])
@pytest.mark.parametrize("rng", [0, None, np.random.RandomState(0), "seed"])
def test_non_generator_is_a_type_error(draw: Any, rng: Any) -> None:
    with pytest.raises(TypeError, match=r"expected a numpy.random.Generator.*default_rng\(seed\)"):
        draw(rng, (2,))


@pytest.mark.parametrize("draw", [td.random.normal, td.random.uniform])
@pytest.mark.parametrize("dtype", [np.int64, np.float16, np.complex128])
def test_non_float32_64_dtype_is_a_type_error(draw: Any, dtype: Any) -> None:
    with pytest.raises(TypeError, match="dtype must be float32 or float64"):
        draw(np.random.default_rng(0), (2,), dtype=dtype)


def test_negative_scale_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="scale must be non-negative"):
        td.random.normal(np.random.default_rng(0), 2, scale=-1.0)
