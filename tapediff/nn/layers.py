"""Flatten and Embedding."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

import tapediff as td

from ..tensor import Tensor, TensorLike, Variable
from . import init
from ._util import RngLike, shape_error
from .module import Module

__all__ = ["Embedding", "Flatten"]


class Flatten(Module):
    """Reshape (N, ...) to (N, prod(...))."""

    def forward(self, x: TensorLike) -> Tensor:
        shape = np.shape(x)
        if len(shape) < 1:
            raise shape_error("Flatten", "(N, ...)", shape)
        return td.reshape(x, (shape[0], -1))


class Embedding(Module):
    """Rows of ``weight`` (num_embeddings, embedding_dim) looked up by integer index."""

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        dtype: npt.DTypeLike = np.float64,
        rng: RngLike = None,
    ) -> None:
        super().__init__()
        if num_embeddings < 1 or embedding_dim < 1:
            raise ValueError(
                f"Embedding: num_embeddings and embedding_dim must be positive; got "
                f"{num_embeddings}, {embedding_dim}"
            )
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.weight = Variable(
            init.normal((num_embeddings, embedding_dim), rng=rng, dtype=dtype), name="weight"
        )

    def forward(self, indices: TensorLike) -> Tensor:
        idx = indices._array if isinstance(indices, Tensor) else np.asarray(indices)
        if not np.issubdtype(idx.dtype, np.integer):
            raise TypeError(f"Embedding: indices must be integers; got dtype {idx.dtype}")
        if idx.size and (idx.min() < 0 or idx.max() >= self.num_embeddings):
            bad = idx.min() if idx.min() < 0 else idx.max()
            raise IndexError(
                f"Embedding: index {bad} is out of range for {self.num_embeddings} embeddings"
            )
        return td.take(self.weight, idx, axis=0)
