"""NumPy's namespace for tapediff: ``import tapediff.numpy as np``.

Every function tapediff differentiates is here under NumPy's name and signature (``np.exp``,
``np.sum``, ``np.concatenate``...), and everything else is NumPy's own: constants, dtypes,
``np.shape``, ``np.argsort``, ``np.isfinite``... A NumPy function tapediff cannot differentiate,
called on a tensor a tape is tracking, raises a ``TypeError`` instead of silently losing the
gradient. ``array``/``asarray`` make tensors (from tensors too, keeping their gradients where
tapediff supports it). ``linalg``, ``fft`` and ``random`` are the submodules of the same names.

Code written for ``autograd.numpy`` ports by changing its imports::

    import tapediff.numpy as np
    from tapediff import grad
"""

from __future__ import annotations

from typing import Any

import numpy as _np

from ..ops import arith as _arith
from ..ops import complex as _complex
from ..ops import constructors as _constructors
from ..ops import contractions as _contractions
from ..ops import cumulative as _cumulative
from ..ops import elementwise as _elementwise
from ..ops import indexing as _indexing
from ..ops import layout as _layout
from ..ops import linalg as _linalg
from ..ops import numeric as _numeric
from ..ops import reductions as _reductions
from ..ops import shape as _shape
from ..ops import sorting as _sorting
from ..ops import stats as _stats
from ..ops import ufuncs as _ufuncs
from ..tensor import as_tensor as _as_tensor
from ..tensor import tensor as _tensor
from ._namespace import overlay as _overlay

# Every tapediff.ops module of NumPy-named functions (a test checks none is missing).
OPS_MODULES: tuple[Any, ...] = (
    _constructors,
    _elementwise,
    _indexing,
    _linalg,
    _reductions,
    _shape,
    _ufuncs,
)
OPS_MODULES += (_stats,)
OPS_MODULES += (_cumulative, _sorting, _layout, _contractions)
OPS_MODULES += (_complex,)
OPS_MODULES += (_arith, _numeric)
_overlay(globals(), _np, *OPS_MODULES)


def array(object: Any, dtype: Any = None) -> Any:
    """A new tensor holding ``object`` (numpy.array)."""
    return _tensor(object, dtype)


def asarray(a: Any, dtype: Any = None) -> Any:
    """``a`` itself if it is a tensor (of ``dtype``), else a new tensor (numpy.asarray)."""
    t = _as_tensor(a)
    return t if dtype is None or _np.dtype(dtype) == t.dtype else t.astype(dtype)


# The overlay copied NumPy's own submodules under these names, and `from . import` would then
# bind those instead of loading ours.
for _sub in ("fft", "linalg", "random"):
    globals().pop(_sub, None)

from . import fft as fft  # noqa: E402
from . import linalg as linalg  # noqa: E402
from . import random as random  # noqa: E402


def __getattr__(name: str) -> Any:
    raise AttributeError(f"module 'tapediff.numpy' has no attribute {name!r} (nor has numpy)")
