"""Bad input and edge cases of the statistics reductions (tapediff/ops/stats.py, logsumexp b=)."""

from __future__ import annotations

import numpy as np
import pytest

import tapediff as td

X = np.array([[0.3, -1.2, 2.0], [0.7, 0.1, -0.4]])


def test_nan_positions_get_zero_gradient() -> None:
    x = np.array([1.0, np.nan, 3.0])
    for f in (td.nansum, td.nanmean, td.nanmedian):
        g = td.grad(lambda t, f=f: f(t))(x)
        assert g.numpy()[1] == 0.0
        assert np.all(np.isfinite(g.numpy()))


def test_all_nan_slice_is_nan_like_numpy() -> None:
    x = np.array([[np.nan, np.nan], [1.0, 2.0]])
    with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning):
        want = np.nanmean(x, axis=1)
    got = td.nanmean(x, axis=1)
    np.testing.assert_array_equal(got.numpy(), want)


def test_numpy_dispatch_records() -> None:
    for f in (np.nansum, np.nanmean, np.median, np.average, np.nanmedian):
        g = td.grad(lambda t, f=f: f(t))(X)
        assert np.any(g.numpy() != 0)
    g = td.grad(lambda t: np.quantile(t, 0.3) + np.percentile(t, 70))(X)
    assert np.isclose(g.numpy().sum(), 2.0)


def test_median_gradient_goes_to_middle_elements() -> None:
    g = td.grad(td.median)(np.array([3.0, 1.0, 2.0, 5.0]))
    np.testing.assert_array_equal(g.numpy(), [0.5, 0.0, 0.5, 0.0])


def test_quantile_bad_q_and_method() -> None:
    with pytest.raises(ValueError, match="quantile.*range"):
        td.quantile(X, 1.5)
    with pytest.raises(ValueError, match="percentile.*range"):
        td.percentile(X, -1)
    with pytest.raises(ValueError, match="quantile.*method"):
        td.quantile(X, 0.5, method="bogus")
    with pytest.raises(ValueError, match="q must be a scalar or 1-d"):
        td.quantile(X, [[0.5]])
    with pytest.raises(ValueError, match="median.*empty"):
        td.median(np.zeros(0))
    with pytest.raises(np.exceptions.AxisError, match="median"):
        td.median(X, axis=2)


def test_average_returned_and_bad_weights() -> None:
    w = np.array([1.0, 2.0, 3.0])
    avg, scl = td.average(X, axis=1, weights=w, returned=True)
    want_avg, want_scl = np.average(X, axis=1, weights=w, returned=True)
    np.testing.assert_allclose(avg.numpy(), want_avg)
    np.testing.assert_allclose(scl.numpy(), want_scl)
    with pytest.raises(TypeError, match="axis must be specified"):
        td.average(X, weights=w)
    with pytest.raises(ValueError, match="not compatible"):
        td.average(X, axis=0, weights=w)
    with pytest.raises(ZeroDivisionError, match="weights sum to zero"):
        td.average(X, axis=1, weights=np.zeros(3))


def test_logsumexp_b_sign_and_errors() -> None:
    from scipy.special import logsumexp

    b = np.array([1.0, -2.0, 0.5])
    out, sign = td.logsumexp(X, axis=1, b=b, return_sign=True)
    want, want_sign = logsumexp(X, axis=1, b=b, return_sign=True)
    np.testing.assert_allclose(out.numpy(), want)
    np.testing.assert_array_equal(sign.numpy(), want_sign)
    with pytest.raises(ValueError, match="logsumexp: b of shape"):
        td.logsumexp(X, b=np.ones(4))


def test_float32_stays_float32() -> None:
    x = X.astype(np.float32)
    for f in (td.nansum, td.nanmean, td.median, td.nanmedian, td.average):
        assert f(x).dtype == np.float32
    assert td.quantile(x, [0.2, 0.8]).dtype == np.float32
    assert td.logsumexp(x, b=np.float32(2.0)).dtype == np.float32
