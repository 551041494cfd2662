"""BatchNorm1D/2D (running statistics in eval) and LayerNorm."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

import tapediff as td

from ..tensor import Tensor, TensorLike, Variable
from ._spatial import data_format as check_format
from ._util import shape_error
from .module import Module

__all__ = ["BatchNorm1D", "BatchNorm2D", "LayerNorm"]


class _BatchNorm(Module):
    """Normalise per channel with batch statistics (train) or running ones (eval), like torch.

    ``momentum`` weighs the new batch: ``running = (1 - momentum) * running + momentum * batch``;
    the running variance takes the unbiased batch variance, normalisation the biased one.
    """

    _layer = "BatchNorm"

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float = 0.1,
        affine: bool = True,
        dtype: npt.DTypeLike = np.float64,
    ) -> None:
        super().__init__()
        if num_features < 1:
            raise ValueError(f"{self._layer}: num_features must be positive; got {num_features}")
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{self._layer}: momentum must be in [0, 1]; got {momentum}")
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.weight = Variable(np.ones(num_features, dtype), name="weight") if affine else None
        self.bias = Variable(np.zeros(num_features, dtype), name="bias") if affine else None
        self.register_buffer("running_mean", np.zeros(num_features, dtype))
        self.register_buffer("running_var", np.ones(num_features, dtype))

    def _normalise(self, t: Tensor, channel_axis: int) -> Tensor:
        axes = tuple(a for a in range(t.ndim) if a != channel_axis)
        shape = [1] * t.ndim
        shape[channel_axis] = self.num_features
        if self.training:
            count = t.size // self.num_features
            if count < 2:
                raise ValueError(
                    f"{self._layer}: training needs more than one value per channel; got input "
                    f"of shape {t.shape}"
                )
            mean = td.mean(t, axis=axes, keepdims=True)
            centred = t - mean
            var = td.mean(centred * centred, axis=axes, keepdims=True)
            m = self.momentum
            rm: np.ndarray = self.running_mean  # type: ignore[has-type]
            rv: np.ndarray = self.running_var  # type: ignore[has-type]
            bm = mean._array.reshape(-1)
            bv = var._array.reshape(-1) * (count / (count - 1))
            self.running_mean = ((1 - m) * rm + m * bm).astype(rm.dtype)
            self.running_var = ((1 - m) * rv + m * bv).astype(rv.dtype)
            y = centred / td.sqrt(var + self.eps)
        else:
            mean_c = np.reshape(self.running_mean, shape)
            var_c = np.reshape(self.running_var, shape)
            y = (t - mean_c) / np.sqrt(var_c + self.eps).astype(t.dtype)
        if self.weight is not None and self.bias is not None:
            y = y * td.reshape(self.weight, tuple(shape)) + td.reshape(self.bias, tuple(shape))
        return y


class BatchNorm1D(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) input over N (and L)."""

    _layer = "BatchNorm1D"

    def forward(self, x: TensorLike) -> Tensor:
        t = td.as_tensor(x)
        if t.ndim not in (2, 3) or t.shape[1] != self.num_features:
            c = self.num_features
            raise shape_error("BatchNorm1D", f"(N, {c}) or (N, {c}, L)", t.shape)
        return self._normalise(t, 1)


class BatchNorm2D(_BatchNorm):
    """Batch normalisation of 4-d input per channel, over N, H and W."""

    _layer = "BatchNorm2D"

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float = 0.1,
        affine: bool = True,
        data_format: str = "NCHW",
        dtype: npt.DTypeLike = np.float64,
    ) -> None:
        super().__init__(num_features, eps, momentum, affine, dtype)
        self.data_format = check_format("BatchNorm2D", data_format)

    def forward(self, x: TensorLike) -> Tensor:
        t = td.as_tensor(x)
        axis = 1 if self.data_format == "NCHW" else 3
        if t.ndim != 4 or t.shape[axis] != self.num_features:
            c = self.num_features
            expected = f"(N, {c}, H, W)" if axis == 1 else f"(N, H, W, {c})"
            raise shape_error("BatchNorm2D", expected, t.shape)
        return self._normalise(t, axis)


class LayerNorm(Module):
    """Normalise over the trailing ``normalized_shape`` axes, then scale and shift per element."""

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        dtype: npt.DTypeLike = np.float64,
    ) -> None:
        super().__init__()
        shape = (
            (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        )
        self.normalized_shape, self.eps = shape, eps
        self.weight = Variable(np.ones(shape, dtype), name="weight") if elementwise_affine else None
        self.bias = Variable(np.zeros(shape, dtype), name="bias") if elementwise_affine else None

    def forward(self, x: TensorLike) -> Tensor:
        t = td.as_tensor(x)
        k = len(self.normalized_shape)
        if t.shape[t.ndim - k :] != self.normalized_shape or t.ndim < k:
            dims = ", ".join(map(str, self.normalized_shape))
            raise shape_error("LayerNorm", f"(..., {dims})", t.shape)
        axes = tuple(range(t.ndim - k, t.ndim))
        centred = t - td.mean(t, axis=axes, keepdims=True)
        var = td.mean(centred * centred, axis=axes, keepdims=True)
        y = centred / td.sqrt(var + self.eps)
        if self.weight is not None and self.bias is not None:
            y = y * self.weight + self.bias
        return y
