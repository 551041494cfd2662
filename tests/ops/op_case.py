"""The op table's row type and the building blocks rows are made of.

A row (:class:`OpCase`) names the public op (``name`` up to an optional ``[variant]``; dotted for
namespaces, ``"linalg.det"``), how to call it on the generated inputs, the NumPy reference it
must match, and a hypothesis strategy drawing ``(arrays, kwargs)``. The core rows are in
``op_table.py``; each ``rows_*.py`` module beside it adds the rows of one area (``ROWS``), the
public modules whose names are ops (``MODULES``), the names among them with no gradient
(``NOT_DIFFERENTIABLE``) and the names an issue requires (``REQUIRED``). ``op_table.py``
collects them all into one table, which every property test walks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

import tapediff as td
from tapediff import testing as tdt

Inputs = tuple[tuple[Any, ...], dict[str, Any]]
MARGIN = 1e-3  # distance from kinks/jumps/edges; far above gradcheck's eps = 1e-6


@dataclass(frozen=True)
class OpCase:
    name: str  # "op" or "op[variant]"; op is the public tapediff name
    fn: Callable[..., Any]  # called as fn(*arrays, **kwargs)
    reference: Callable[..., Any]  # NumPy computation of the same thing, same call
    inputs: st.SearchStrategy[Inputs]
    domain: str = "any finite input"  # what the strategy guarantees, for readers
    second_order: bool = True  # gradgradcheck too (smooth, or piecewise-linear away from kinks)
    atol: float = 1e-5
    rtol: float = 1e-4
    eps: float = 1e-6
    same_dtype: bool = True  # float32 in -> float32 out (False for astype)
    # Known bugs: the row's gradient (second-order) check must fail until the op is fixed.
    xfail: str | None = None
    xfail_second_order: str | None = None

    @property
    def op(self) -> str:
        return self.name.split("[", 1)[0]


def resolve(name: str) -> Any:
    """``td.<name>`` for a dotted name such as ``"linalg.det"``; None if it does not exist."""
    obj: Any = td
    for part in name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _op(name: str) -> Callable[..., Any]:
    """The public op ``td.<name>`` (dotted for namespaces: ``"linalg.det"``), looked up at call
    time (it may not exist yet)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return resolve(name)(*args, **kwargs)

    call.__qualname__ = f"td.{name}"
    return call


# ----- building blocks -----


def floats(lo: float = -3.0, hi: float = 3.0) -> st.SearchStrategy[float]:
    return tdt.floats(lo, hi)


def away(points: Sequence[float], lo: float = -3.0, hi: float = 3.0) -> st.SearchStrategy[float]:
    return tdt.away_from(points, MARGIN, lo, hi)


def arr(shape: Any, elements: st.SearchStrategy[float] | None = None) -> st.SearchStrategy[Any]:
    return tdt.arrays(np.float64, shape, elements=floats() if elements is None else elements)


def unary(
    elements: st.SearchStrategy[float] | None = None,
    shapes: st.SearchStrategy[tuple[int, ...]] | None = None,
    **kwargs: st.SearchStrategy[Any],
) -> st.SearchStrategy[Inputs]:
    """One array (default rank 0-3) and kwargs drawn from the given strategies."""
    shape = tdt.shapes(0, 3) if shapes is None else shapes
    return st.tuples(arr(shape, elements).map(lambda a: (a,)), st.fixed_dictionaries(kwargs))


@st.composite
def nary(draw: st.DrawFn, *elements: st.SearchStrategy[float], max_dims: int = 3) -> Inputs:
    """Mutually broadcastable arrays, one per elements strategy."""
    shapes = draw(tdt.broadcastable_shapes(len(elements), 0, max_dims, max_side=3))
    return tuple(draw(arr(s, e)) for s, e in zip(shapes, elements, strict=True)), {}


def grid(step: float = 0.125, lo: float = -3.0, hi: float = 3.0) -> st.SearchStrategy[float]:
    return tdt.grid(lo, hi, step)


def integers_in(lo: float, hi: float) -> list[float]:
    return [float(k) for k in range(int(np.ceil(lo)), int(np.floor(hi)) + 1)]


# ----- complex inputs (rows_complex.py, rows_fft.py) -----


@st.composite
def carr(
    draw: st.DrawFn,
    shape: Any,
    re: st.SearchStrategy[float] | None = None,
    im: st.SearchStrategy[float] | None = None,
) -> Any:
    """complex128 arrays whose real and imaginary parts are drawn from ``re`` and ``im``."""
    if isinstance(shape, st.SearchStrategy):
        shape = draw(shape)  # one shape for both parts
    return np.asarray(draw(arr(shape, re)) + 1j * draw(arr(shape, im)))


def cunary(
    re: st.SearchStrategy[float] | None = None,
    im: st.SearchStrategy[float] | None = None,
    shapes: st.SearchStrategy[tuple[int, ...]] | None = None,
    **kwargs: st.SearchStrategy[Any],
) -> st.SearchStrategy[Inputs]:
    """One complex array (default rank 0-3) and kwargs drawn from the given strategies."""
    shape = tdt.shapes(0, 3) if shapes is None else shapes
    return st.tuples(carr(shape, re, im).map(lambda a: (a,)), st.fixed_dictionaries(kwargs))


@st.composite
def cnary(
    draw: st.DrawFn,
    *parts: tuple[st.SearchStrategy[float] | None, st.SearchStrategy[float] | None],
    max_dims: int = 3,
) -> Inputs:
    """Mutually broadcastable complex arrays, one per (re, im) pair of strategies."""
    shapes = draw(tdt.broadcastable_shapes(len(parts), 0, max_dims, max_side=3))
    return tuple(draw(carr(s, re, im)) for s, (re, im) in zip(shapes, parts, strict=True)), {}
