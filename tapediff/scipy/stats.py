"""``scipy.stats`` for tapediff: distributions under SciPy's names, methods and parameter names,
differentiable in the points and the parameters.

``norm``, ``t``, ``beta``, ``gamma`` and ``chi2`` have ``logpdf``, ``pdf``, ``cdf`` and
``logcdf`` (with ``loc`` and ``scale``); ``poisson`` has ``logpmf``, ``pmf``, ``cdf`` and
``logcdf`` (``mu``, ``loc``); ``dirichlet`` has ``logpdf`` and ``pdf`` (``alpha``);
``multivariate_normal`` has ``logpdf`` and ``pdf`` (``mean``, ``cov``, both differentiable).

Each is a composition of :mod:`tapediff.scipy.special` functions and tapediff ops, so second
derivatives work. As in SciPy: outside the support logpdf is -inf and pdf 0 (with gradient 0),
cdf is 0 or 1; invalid parameters (``scale <= 0``, a shape parameter out of range) give NaN.

Not everything has a gradient:

- A cdf whose derivative with respect to a shape parameter would need the derivative of an
  incomplete gamma or beta function in its first argument (``t.cdf`` in ``df``, ``beta.cdf`` in
  ``a``/``b``, ``gamma.cdf`` in ``a``, ``chi2.cdf`` in ``df``) raises NotImplementedError when a
  tape tracks that parameter: never a silent zero.
- poisson's ``k`` and ``loc`` are counts: a tracked ``k`` is refused with a TypeError.

Differences from SciPy: float32 stays float32 (SciPy returns float64); t with ``df=inf`` gives
NaN (SciPy switches to the normal distribution); ``multivariate_normal`` needs a positive-
definite ``cov`` (``allow_singular=True`` with a singular one raises NotImplementedError), and
its gradient with respect to ``cov`` is symmetric (the lower triangle is what is read, as in
SciPy). ``dirichlet`` takes the components along the first axis of ``x``, as SciPy does.

Calling SciPy's own ``scipy.stats.norm.logpdf`` on a tensor does not record (SciPy converts it
to an array): use these.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._record import tracks
from ..linalg import cholesky, solve
from ..ops._primitive import value_of
from ..ops.elementwise import exp, log, log1p, where
from ..ops.reductions import sum
from ..ops.shape import concatenate, reshape, squeeze
from ..tensor import Tensor, TensorLike, _wrap, operand
from . import special as _sp
from .special import _no_gradient, _refuse_vjp, _stdtr

__all__ = ["beta", "chi2", "dirichlet", "gamma", "multivariate_normal", "norm", "poisson", "t"]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
_LOG_PI = math.log(math.pi)
_LOG_2 = math.log(2.0)


def _safe(x: Tensor, mask: Any, value: float) -> Tensor:
    """``x`` with ``value`` where ``mask``: inputs at which a discarded branch is evaluated
    harmlessly, so that no NaN or inf from it reaches a gradient."""
    return where(mask, value, x) if np.any(mask) else x


def _fill(out: Tensor, mask: Any, value: float) -> Tensor:
    """``out`` with the constant ``value`` where ``mask`` (gradient 0 there)."""
    return where(mask, value, out) if np.any(mask) else out


def _operands(op: str, *values: Any) -> tuple[Tensor, ...]:
    """The inputs as tensors of one floating dtype, NumPy's for them: a Python number (a
    default ``loc=0``) does not widen float32."""
    raw = [
        v if isinstance(v, Tensor | float | int) and not isinstance(v, bool) else operand(v, op)
        for v in values
    ]
    dt = np.result_type(*(r.dtype if isinstance(r, Tensor) else r for r in raw))
    if dt.kind != "f":
        dt = np.dtype(np.float64)
    return tuple(r if isinstance(r, Tensor) else _wrap(np.asarray(r, dtype=dt)) for r in raw)


class _Continuous:
    """A continuous distribution with SciPy's ``loc``/``scale`` standardization."""

    name = ""
    shapes: tuple[str, ...] = ()
    lower = -math.inf  # support of the standardized variable, closed where finite
    upper = math.inf
    inside = 0.0  # a point inside the support

    def _valid(self, *shapes: Any) -> Any:
        return np.bool_(True)

    def _logpdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        raise NotImplementedError

    def _pdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        return exp(self._logpdf(z, *shapes))

    def _cdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        raise NotImplementedError

    def _logcdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        return log(self._cdf(z, *shapes))

    def _eval(self, kind: str, x: Any, shapes: tuple[Any, ...], loc: Any, scale: Any) -> Tensor:
        op = f"{self.name}.{kind}"
        if kind in ("cdf", "logcdf"):
            for pname, p in zip(self.shapes, shapes, strict=True):
                _no_gradient(
                    op,
                    pname,
                    p,
                    " (it needs an incomplete gamma or beta function's "
                    "derivative in its first argument)",
                )
        tx, tloc, tscale, *tshapes = _operands(op, x, loc, scale, *shapes)
        with np.errstate(invalid="ignore", divide="ignore"):
            bad_scale = ~(value_of(tscale) > 0)
            scale_s = _safe(tscale, bad_scale, 1.0)
            z = (tx - tloc) / scale_s
            zv = value_of(z)
            shape = np.broadcast_shapes(zv.shape, *(p.shape for p in tshapes))
            bad = np.broadcast_to(bad_scale | ~self._valid(*map(value_of, tshapes)), shape)
            below = np.broadcast_to(zv < self.lower, shape)
            above = np.broadcast_to(zv > self.upper, shape)
            nan = np.broadcast_to(np.isnan(zv), shape)
            zs = _safe(z, bad | below | above | nan, self.inside)
            ps = tuple(_safe(p, bad, 1.0) for p in tshapes)
            if kind == "logpdf":
                out = self._logpdf(zs, *ps) - log(_safe(scale_s, bad, 1.0))
                out = _fill(out, below | above, -math.inf)
            elif kind == "pdf":
                out = self._pdf(zs, *ps) / _safe(scale_s, bad, 1.0)
                out = _fill(out, below | above, 0.0)
            elif kind == "cdf":
                out = _fill(_fill(self._cdf(zs, *ps), below, 0.0), above, 1.0)
            else:
                out = _fill(_fill(self._logcdf(zs, *ps), below, -math.inf), above, 0.0)
            # NaN points stay NaN (they were replaced in zs only to keep gradients finite).
            return _fill(out, bad | nan, math.nan)


# ----- norm -----


class norm_gen(_Continuous):
    """The normal distribution (scipy.stats.norm): mean ``loc``, standard deviation ``scale``."""

    name = "norm"

    def _logpdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        return -(z * z) / 2.0 - _LOG_SQRT_2PI

    def _pdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        return exp(-(z * z) / 2.0) / _SQRT_2PI

    def _cdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        return _sp.ndtr(z)

    def _logcdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        return _sp.log_ndtr(z)

    def logpdf(self, x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1) -> Tensor:
        """Log of the probability density at ``x``."""
        return self._eval("logpdf", x, (), loc, scale)

    def pdf(self, x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1) -> Tensor:
        """Probability density at ``x``."""
        return self._eval("pdf", x, (), loc, scale)

    def cdf(self, x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1) -> Tensor:
        """Cumulative distribution function at ``x``."""
        return self._eval("cdf", x, (), loc, scale)

    def logcdf(self, x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1) -> Tensor:
        """Log of the cumulative distribution function at ``x`` (accurate in the left tail)."""
        return self._eval("logcdf", x, (), loc, scale)


# ----- t -----


def _t_logpdf(z: Any, df: Any) -> Any:
    return (
        _sp.gammaln((df + 1) / 2.0)
        - _sp.gammaln(df / 2.0)
        - 0.5 * (log(df) + _LOG_PI)
        - (df + 1) / 2.0 * log1p(z * z / df)
    )


_stdtr.defvjp(_refuse_vjp("t.cdf", "df"), lambda g, out, df, z: g * exp(_t_logpdf(z, df)))


class t_gen(_Continuous):
    """Student's t distribution (scipy.stats.t) with ``df`` degrees of freedom."""

    name = "t"
    shapes = ("df",)

    def _valid(self, *shapes: Any) -> Any:
        return shapes[0] > 0

    def _logpdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        out: Tensor = _t_logpdf(z, shapes[0])
        return out

    def _cdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        return _stdtr.bind(shapes[0], z)

    def logpdf(
        self, x: TensorLike, df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1
    ) -> Tensor:
        """Log of the probability density at ``x``."""
        return self._eval("logpdf", x, (df,), loc, scale)

    def pdf(
        self, x: TensorLike, df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1
    ) -> Tensor:
        """Probability density at ``x``."""
        return self._eval("pdf", x, (df,), loc, scale)

    def cdf(
        self, x: TensorLike, df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1
    ) -> Tensor:
        """Cumulative distribution function at ``x``; not differentiable in ``df``."""
        return self._eval("cdf", x, (df,), loc, scale)

    def logcdf(
        self, x: TensorLike, df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1
    ) -> Tensor:
        """Log of the cumulative distribution function at ``x``; not differentiable in ``df``."""
        return self._eval("logcdf", x, (df,), loc, scale)


# ----- beta -----


class beta_gen(_Continuous):
    """The beta distribution (scipy.stats.beta) with shape parameters ``a`` and ``b``."""

    name = "beta"
    shapes = ("a", "b")
    lower, upper, inside = 0.0, 1.0, 0.5

    def _valid(self, *shapes: Any) -> Any:
        return (shapes[0] > 0) & (shapes[1] > 0)

    def _logpdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        a, b = shapes
        return _sp.xlog1py(b - 1.0, -z) + _sp.xlogy(a - 1.0, z) - _sp.betaln(a, b)

    def _cdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        return _sp.betainc(shapes[0], shapes[1], z)

    def logpdf(
        self,
        x: TensorLike,
        a: TensorLike,
        b: TensorLike,
        loc: TensorLike = 0,
        scale: TensorLike = 1,
    ) -> Tensor:
        """Log of the probability density at ``x``."""
        return self._eval("logpdf", x, (a, b), loc, scale)

    def pdf(
        self,
        x: TensorLike,
        a: TensorLike,
        b: TensorLike,
        loc: TensorLike = 0,
        scale: TensorLike = 1,
    ) -> Tensor:
        """Probability density at ``x``."""
        return self._eval("pdf", x, (a, b), loc, scale)

    def cdf(
        self,
        x: TensorLike,
        a: TensorLike,
        b: TensorLike,
        loc: TensorLike = 0,
        scale: TensorLike = 1,
    ) -> Tensor:
        """Cumulative distribution function at ``x``; not differentiable in ``a`` and ``b``."""
        return self._eval("cdf", x, (a, b), loc, scale)

    def logcdf(
        self,
        x: TensorLike,
        a: TensorLike,
        b: TensorLike,
        loc: TensorLike = 0,
        scale: TensorLike = 1,
    ) -> Tensor:
        """Log of the cumulative distribution function; not differentiable in ``a``, ``b``."""
        return self._eval("logcdf", x, (a, b), loc, scale)


# ----- gamma -----


class gamma_gen(_Continuous):
    """The gamma distribution (scipy.stats.gamma) with shape parameter ``a``."""

    name = "gamma"
    shapes = ("a",)
    lower, inside = 0.0, 1.0

    def _valid(self, *shapes: Any) -> Any:
        return shapes[0] > 0

    def _logpdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        a = shapes[0]
        return _sp.xlogy(a - 1.0, z) - z - _sp.gammaln(a)

    def _cdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        return _sp.gammainc(shapes[0], z)

    def logpdf(
        self, x: TensorLike, a: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1
    ) -> Tensor:
        """Log of the probability density at ``x``."""
        return self._eval("logpdf", x, (a,), loc, scale)

    def pdf(
        self, x: TensorLike, a: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1
    ) -> Tensor:
        """Probability density at ``x``."""
        return self._eval("pdf", x, (a,), loc, scale)

    def cdf(
        self, x: TensorLike, a: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1
    ) -> Tensor:
        """Cumulative distribution function at ``x``; not differentiable in ``a``."""
        return self._eval("cdf", x, (a,), loc, scale)

    def logcdf(
        self, x: TensorLike, a: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1
    ) -> Tensor:
        """Log of the cumulative distribution function at ``x``; not differentiable in ``a``."""
        return self._eval("logcdf", x, (a,), loc, scale)


# ----- chi2 -----


class chi2_gen(_Continuous):
    """The chi-squared distribution (scipy.stats.chi2) with ``df`` degrees of freedom."""

    name = "chi2"
    shapes = ("df",)
    lower, inside = 0.0, 1.0

    def _valid(self, *shapes: Any) -> Any:
        return shapes[0] > 0

    def _logpdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        df = shapes[0]
        return _sp.xlogy(df / 2.0 - 1, z) - z / 2.0 - _sp.gammaln(df / 2.0) - (_LOG_2 * df) / 2.0

    def _cdf(self, z: Tensor, *shapes: Tensor) -> Tensor:
        return _sp.gammainc(shapes[0] / 2.0, z / 2.0)

    def logpdf(
        self, x: TensorLike, df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1
    ) -> Tensor:
        """Log of the probability density at ``x``."""
        return self._eval("logpdf", x, (df,), loc, scale)

    def pdf(
        self, x: TensorLike, df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1
    ) -> Tensor:
        """Probability density at ``x``."""
        return self._eval("pdf", x, (df,), loc, scale)

    def cdf(
        self, x: TensorLike, df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1
    ) -> Tensor:
        """Cumulative distribution function at ``x``; not differentiable in ``df``."""
        return self._eval("cdf", x, (df,), loc, scale)

    def logcdf(
        self, x: TensorLike, df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1
    ) -> Tensor:
        """Log of the cumulative distribution function at ``x``; not differentiable in ``df``."""
        return self._eval("logcdf", x, (df,), loc, scale)


# ----- poisson -----


class poisson_gen:
    """The Poisson distribution (scipy.stats.poisson) with mean ``mu``; differentiable in
    ``mu`` (``k`` and ``loc`` are counts)."""

    def _counts(self, op: str, k: Any, mu: Any, loc: Any) -> tuple[Any, Tensor, Any]:
        for name, value in (("k", k), ("loc", loc)):
            if isinstance(value, Tensor) and tracks(value):
                raise TypeError(
                    f"poisson.{op}: {name} is a count (not differentiable), but it was given a "
                    "tensor that a tape is tracking; pass a number or an array"
                )
        tmu = operand(mu, f"poisson.{op}")
        kk = np.asarray(value_of(k)) - np.asarray(value_of(loc))
        if kk.dtype.kind not in "biuf":
            raise TypeError(f"poisson.{op}: k and loc must be numbers, got {kk.dtype}")
        dtype = tmu.dtype if tmu.dtype.kind == "f" else np.dtype(np.float64)
        return kk.astype(dtype), tmu, np.asarray(value_of(tmu)) < 0

    def logpmf(self, k: Any, mu: TensorLike, loc: Any = 0) -> Tensor:
        """Log of the probability mass at ``k``."""
        kk, tmu, bad = self._counts("logpmf", k, mu, loc)
        off = (kk < 0) | (np.floor(kk) != kk)
        ks = np.where(off, 0.0, kk).astype(kk.dtype)
        mus = _safe(tmu, bad, 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = _sp.xlogy(_wrap(ks), mus) - _sp.gammaln(_wrap(ks + 1)) - mus
        out = _fill(out, np.broadcast_to(off, out.shape), -math.inf)
        return _fill(out, np.broadcast_to(bad, out.shape), math.nan)

    def pmf(self, k: Any, mu: TensorLike, loc: Any = 0) -> Tensor:
        """Probability mass at ``k``."""
        return exp(self.logpmf(k, mu, loc))

    def cdf(self, k: Any, mu: TensorLike, loc: Any = 0) -> Tensor:
        """Cumulative distribution function: P(K <= k)."""
        kk, tmu, bad = self._counts("cdf", k, mu, loc)
        kf = np.floor(kk)
        below = kf < 0
        ks = np.where(below, 0.0, kf).astype(kk.dtype)
        mus = _safe(tmu, bad, 1.0)
        # P(K <= k) = Q(k + 1, mu); its mu-derivative is -pmf(k), through gammaincc's x.
        out = _sp.gammaincc(_wrap(ks + 1), mus)
        out = _fill(out, np.broadcast_to(below, out.shape), 0.0)
        return _fill(out, np.broadcast_to(bad, out.shape), math.nan)

    def logcdf(self, k: Any, mu: TensorLike, loc: Any = 0) -> Tensor:
        """Log of the cumulative distribution function."""
        with np.errstate(divide="ignore"):
            return log(self.cdf(k, mu, loc))


# ----- dirichlet -----


class dirichlet_gen:
    """The Dirichlet distribution (scipy.stats.dirichlet) with concentrations ``alpha``.

    As in SciPy, the components of ``x`` run along its first axis, and ``x`` may leave out the
    last one (it is then 1 minus the sum of the others).
    """

    def _check(self, op: str, x: Any, alpha: Any) -> tuple[Tensor, Tensor]:
        op = f"dirichlet.{op}"
        ta, tx = operand(alpha, op), operand(x, op)
        av = value_of(ta)
        if av.ndim != 1:
            raise ValueError(f"{op}: alpha must be one-dimensional, got shape {ta.shape}")
        if np.min(av) <= 0:
            raise ValueError(f"{op}: every alpha must be greater than 0, got {av}")
        n = av.shape[0]
        if tx.ndim == 0 or tx.shape[0] not in (n, n - 1):
            raise ValueError(
                f"{op}: x must have {n} or {n - 1} entries along its first axis (alpha has "
                f"{n}), got shape {tx.shape}"
            )
        if tx.shape[0] == n - 1:
            if tx.ndim > 2:
                raise ValueError(f"{op}: an x without its last component must be 1-d or 2-d")
            tx = concatenate([tx, 1 - sum(tx, axis=0, keepdims=True)], axis=0)
        xv = value_of(tx)
        if np.min(xv) < 0 or np.max(xv) > 1:
            raise ValueError(f"{op}: every entry of x must lie in [0, 1]")
        low = (av < 1).reshape((n,) + (1,) * (xv.ndim - 1))
        if np.any((xv == 0) & low):
            raise ValueError(f"{op}: an entry of x can be 0 only where its alpha is >= 1")
        # SciPy's tolerance in float64; a few roundings of float32 otherwise.
        tol = max(1e-9, 8 * n * float(np.finfo(xv.dtype).eps)) if xv.dtype.kind == "f" else 1e-9
        if np.any(np.abs(np.sum(xv, axis=0) - 1.0) > tol):
            raise ValueError(
                f"{op}: x must lie on the simplex (its entries sum to 1 along the first axis); "
                f"the sums are {np.sum(xv, axis=0)}"
            )
        return tx, ta

    def logpdf(self, x: TensorLike, alpha: TensorLike) -> Tensor:
        """Log of the probability density at ``x``."""
        return self._logpdf("logpdf", x, alpha)

    def _logpdf(self, op: str, x: TensorLike, alpha: TensorLike) -> Tensor:
        tx, ta = self._check(op, x, alpha)
        col = reshape(ta, ta.shape + (1,) * (tx.ndim - 1))
        lnb = sum(_sp.gammaln(ta)) - _sp.gammaln(sum(ta))
        return squeeze(-lnb + sum(_sp.xlogy(col - 1.0, tx), axis=0))

    def pdf(self, x: TensorLike, alpha: TensorLike) -> Tensor:
        """Probability density at ``x``."""
        return exp(self._logpdf("pdf", x, alpha))


# ----- multivariate_normal -----


class multivariate_normal_gen:
    """The multivariate normal distribution (scipy.stats.multivariate_normal); differentiable
    in ``x``, ``mean`` and ``cov``."""

    def logpdf(
        self,
        x: TensorLike,
        mean: TensorLike | None = None,
        cov: TensorLike = 1,
        allow_singular: bool = False,
    ) -> Tensor:
        """Log of the probability density at ``x`` (the last axis of ``x`` holds the
        components)."""
        op = "multivariate_normal.logpdf"
        tx, tcov, *rest = _operands(op, x, cov, *(() if mean is None else (mean,)))
        tmean = rest[0] if rest else None
        if tmean is not None and tmean.ndim > 1:
            raise ValueError(f"{op}: mean must be a scalar or 1-d, got shape {tmean.shape}")
        if tcov.ndim > 2:
            raise ValueError(f"{op}: cov must be a scalar, 1-d or 2-d, got shape {tcov.shape}")
        # SciPy's rule: the dimension comes from mean if given, else from a 2-d cov, else 1.
        dim = tcov.shape[0] if tcov.ndim == 2 else 1
        if tmean is not None:
            dim = max(tmean.size, 1)
        if (tcov.ndim == 2 and tcov.shape != (dim, dim)) or (tcov.ndim == 1 and tcov.size != dim):
            raise ValueError(
                f"{op}: cov of shape {tcov.shape} does not match the dimension {dim} "
                "(from mean, else from cov)"
            )
        dt = tcov.dtype if tcov.dtype.kind == "f" else np.dtype(np.float64)
        eye = np.eye(dim, dtype=dt)
        if tcov.ndim == 0:
            tcov = tcov * _wrap(eye)
        elif tcov.ndim == 1:
            tcov = reshape(tcov, (dim, 1)) * _wrap(eye)
        if tx.ndim == 0:
            tx = reshape(tx, (1,))
        if tx.ndim == 1:
            tx = reshape(tx, (-1, 1) if dim == 1 else (1, -1))
        if tx.shape[-1] != dim:
            raise ValueError(
                f"{op}: x has {tx.shape[-1]} components on its last axis, the distribution {dim}"
            )
        try:
            chol = cholesky(tcov)
        except np.linalg.LinAlgError:
            if allow_singular:
                raise NotImplementedError(
                    f"{op}: a singular cov (allow_singular=True) is not supported"
                ) from None
            raise np.linalg.LinAlgError(
                f"{op}: cov must be symmetric positive definite (allow_singular is False)"
            ) from None
        dev = tx if tmean is None else tx - tmean
        lead = dev.shape[:-1]
        flat = reshape(dev, (-1, dim))
        # L z = dev^T; the Mahalanobis distance is |z|^2, log det cov = 2 sum log diag L.
        zt = solve(chol, flat.T)
        maha = sum(zt * zt, axis=0)
        logdet = 2.0 * sum(log(sum(chol * _wrap(eye), axis=-1)))
        out = -0.5 * (dim * (2 * _LOG_SQRT_2PI) + logdet + maha)
        return squeeze(reshape(out, lead))

    def pdf(
        self,
        x: TensorLike,
        mean: TensorLike | None = None,
        cov: TensorLike = 1,
        allow_singular: bool = False,
    ) -> Tensor:
        """Probability density at ``x``."""
        return exp(self.logpdf(x, mean, cov, allow_singular))


norm = norm_gen()
t = t_gen()
beta = beta_gen()
gamma = gamma_gen()
chi2 = chi2_gen()
poisson = poisson_gen()
dirichlet = dirichlet_gen()
multivariate_normal = multivariate_normal_gen()
