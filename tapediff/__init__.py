"""tapediff: reverse-mode automatic differentiation on NumPy with a gradient tape."""

# ruff: noqa: I001
# Import order matters: tensor.py first, because it imports the ops modules (for its operators
# and methods) and those import Tensor from it. Importing it first makes every ops module see a
# fully defined Tensor and lets ops modules import each other's names at module level.
from .tensor import Tensor as Tensor
from .tensor import Variable as Variable
from .tensor import as_tensor as as_tensor
from .tensor import tensor as tensor
from .tape import Tape as Tape
from .tape import UnconnectedGradientError as UnconnectedGradientError
from .ops.constructors import *  # noqa: F403
from .ops.elementwise import *  # noqa: F403
from .ops.ufuncs import *  # noqa: F403
from .ops.indexing import *  # noqa: F403
from .ops.linalg import *  # noqa: F403
from .ops.nn import *  # noqa: F403
from .ops.reductions import *  # noqa: F403
from .ops.shape import *  # noqa: F403
from .ops.stats import *  # noqa: F403
from .ops.cumulative import *  # noqa: F403
from .ops.sorting import *  # noqa: F403
from .ops.layout import *  # noqa: F403
from .ops.contractions import *  # noqa: F403
from .ops.complex import *  # noqa: F403
from .ops.arith import *  # noqa: F403
from .ops.numeric import *  # noqa: F403
from .functional import *  # noqa: F403
from .fixed_points import fixed_point as fixed_point
from . import random as random
from . import linalg as linalg
from . import nn as nn
from . import optim as optim
from . import fft as fft

__version__ = "0.1.0"
