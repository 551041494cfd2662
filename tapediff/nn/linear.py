"""Linear (Dense): ``x @ weight.T + bias``, weight shaped ``(out_features, in_features)``."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

import tapediff as td

from ..tensor import Tensor, TensorLike, Variable
from . import init
from ._util import RngLike, as_rng, shape_error
from .module import Module

__all__ = ["Dense", "Linear"]


class Linear(Module):
    """Affine map over the last axis; initialised like PyTorch (uniform on ±1/sqrt(in))."""

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        dtype: npt.DTypeLike = np.float64,
        rng: RngLike = None,
    ) -> None:
        super().__init__()
        if in_features < 1 or out_features < 1:
            raise ValueError(
                f"Linear: in_features and out_features must be positive; got {in_features}, "
                f"{out_features}"
            )
        self.in_features = in_features
        self.out_features = out_features
        g = as_rng(rng)
        bound = 1.0 / math.sqrt(in_features)
        self.weight = Variable(
            init.uniform((out_features, in_features), -bound, bound, g, dtype), name="weight"
        )
        self.bias = (
            Variable(init.uniform((out_features,), -bound, bound, g, dtype), name="bias")
            if bias
            else None
        )

    def forward(self, x: TensorLike) -> Tensor:
        shape = np.shape(x)
        if len(shape) < 1 or shape[-1] != self.in_features:
            raise shape_error("Linear", f"(..., {self.in_features})", shape)
        y = td.matmul(x, td.transpose(self.weight))
        return y + self.bias if self.bias is not None else y

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features}, bias={self.bias is not None})"


Dense = Linear
