"""tapediff.graph_compat: the define-then-run API of the legacy ``auto_diff`` package.

``import tapediff.graph_compat as ad`` replaces ``import auto_diff as ad``: placeholders,
variables, constants and ops build a graph; ``op.forward(feed_dict)`` or ``Session().run(...)``
evaluates it; ``loss.backward()`` gives every upstream node a ``.gradient`` node. Everything runs
on tapediff's one engine: nodes are evaluated with its eager ops, and a gradient node is answered
by a gradient tape. ``python -m tapediff.graph_compat script.py`` runs a legacy script unchanged.

Where this layer deliberately differs from auto_diff (its bugs are fixed), see the section
"Differences from auto_diff" of docs/graph_compat.md.
"""

from . import acts, losses
from ._alias import install_auto_diff_alias
from .operation import MissingFeedError, Operation, OpGradient
from .ops import *  # noqa: F403
from .ops import __all__ as _ops_all
from .session import Session
from .shortcuts import *  # noqa: F403
from .shortcuts import __all__ as _shortcuts_all
from .simplify import simplify

__all__ = [
    "MissingFeedError",
    "OpGradient",
    "Operation",
    "Session",
    "acts",
    "install_auto_diff_alias",
    "losses",
    "simplify",
    *_ops_all,
    *_shortcuts_all,
]
