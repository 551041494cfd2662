"""Layers, initializers and losses on the tape: ``Module``, ``Linear``, ``Conv2D``, ``LSTM``..."""

from . import init as init
from . import losses as losses
from .activations import *  # noqa: F403
from .conv import *  # noqa: F403
from .dropout import *  # noqa: F403
from .functional import *  # noqa: F403
from .layers import *  # noqa: F403
from .linear import *  # noqa: F403
from .module import *  # noqa: F403
from .norm import *  # noqa: F403
from .pool import *  # noqa: F403
from .recurrent import *  # noqa: F403
from .training import *  # noqa: F403
