"""Optimizers (PyTorch's update rules), learning-rate schedules and gradient clipping.

``opt = td.optim.Adam(model, lr=1e-3)``; then, each step,
``opt.step(tape.gradient(loss, opt.variables))``.
"""

from . import schedules as schedules
from .adagrad import *  # noqa: F403
from .adam import *  # noqa: F403
from .clip import *  # noqa: F403
from .optimizer import *  # noqa: F403
from .rmsprop import *  # noqa: F403
from .sgd import *  # noqa: F403
