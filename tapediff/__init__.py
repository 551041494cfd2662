"""tapediff: reverse-mode automatic differentiation on NumPy with a gradient tape."""

from . import random as random
from .functional import *  # noqa: F403
from .ops.constructors import *  # noqa: F403
from .ops.elementwise import *  # noqa: F403
from .ops.indexing import *  # noqa: F403
from .ops.linalg import *  # noqa: F403
from .ops.nn import *  # noqa: F403
from .ops.reductions import *  # noqa: F403
from .ops.shape import *  # noqa: F403
from .tape import Tape as Tape
from .tape import UnconnectedGradientError as UnconnectedGradientError
from .tensor import Tensor as Tensor
from .tensor import Variable as Variable
from .tensor import as_tensor as as_tensor
from .tensor import tensor as tensor

__version__ = "0.1.0"
