"""The Gaussian-process problem shared by the ``gp`` workload and its peers.

Negative log marginal likelihood of y under a GP with a squared-exponential kernel and
hyperparameters theta = (log lengthscale, log signal variance, log noise variance):
``0.5 y^T K^-1 y + 0.5 log|K| + n/2 log 2 pi``, written as scientific code writes it, with
``solve`` and ``slogdet``. The hand-written NumPy gradient is the textbook one (Rasmussen &
Williams eq. 5.9): ``dnll/dK = 0.5 (K^-1 - alpha alpha^T)`` with ``alpha = K^-1 y``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

FULL_N = 200
QUICK_N = 30
DIMS = 3


@dataclass(frozen=True)
class Problem:
    """Inputs X (n, d), targets y (n,), their squared distances, and the hyperparameters."""

    x: np.ndarray
    y: np.ndarray
    sqdist: np.ndarray
    theta: np.ndarray


def problem(n: int, seed: int) -> Problem:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, DIMS))
    y = np.sin(x.sum(axis=1)) + 0.1 * rng.normal(size=n)
    sqdist = ((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=-1)
    return Problem(x, y, sqdist, np.array([0.1, 0.2, -2.0]))


def numpy_step(p: Problem) -> tuple[Any, list[Any]]:
    """The NLL and its gradient in theta, by hand."""
    n = p.y.shape[0]
    ell2, sf2, sn2 = np.exp(2 * p.theta[0]), np.exp(p.theta[1]), np.exp(p.theta[2])
    kf = sf2 * np.exp(-0.5 * p.sqdist / ell2)
    k = kf + sn2 * np.eye(n)
    kinv = np.linalg.inv(k)
    alpha = kinv @ p.y
    _, logdet = np.linalg.slogdet(k)
    nll = 0.5 * p.y @ alpha + 0.5 * logdet + 0.5 * n * np.log(2 * np.pi)
    w = 0.5 * (kinv - np.outer(alpha, alpha))
    wk = w * kf
    grad = np.array([np.sum(wk * p.sqdist) / ell2, np.sum(wk), sn2 * np.trace(w)])
    return nll, [grad]


def nll(lib: Any, linalg: Any, theta: Any, sqdist: Any, y: Any, eye: Any) -> Any:
    """The NLL written once for NumPy-like libraries (tapediff, autograd, JAX)."""
    ell2, sf2, sn2 = lib.exp(2 * theta[0]), lib.exp(theta[1]), lib.exp(theta[2])
    k = sf2 * lib.exp(-0.5 * sqdist / ell2) + sn2 * eye
    alpha = linalg.solve(k, y)
    n = y.shape[0]
    return 0.5 * lib.dot(y, alpha) + 0.5 * linalg.slogdet(k)[1] + 0.5 * n * np.log(2 * np.pi)
