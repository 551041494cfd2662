"""``install_auto_diff_alias``: make ``import auto_diff`` (and its module paths) load this layer.

The legacy package's module layout is mirrored by small alias modules holding the compat
objects, so ``from auto_diff.op.op_transpose import OpTranspose`` and ``ad.acts.softmax`` work.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import re
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

__all__ = ["install_auto_diff_alias"]

_ROOT = "auto_diff"


def _table() -> dict[str, tuple[bool, Callable[[], dict[str, Any]]]]:
    """Module name -> (is a package, the names it holds)."""
    from . import acts, losses, ops, shortcuts
    from .operation import Operation
    from .session import Session
    from .simplify import simplify, sp_const_sub_tree

    def names(module: ModuleType) -> Callable[[], dict[str, Any]]:
        return lambda: {n: getattr(module, n) for n in module.__all__}

    def package() -> dict[str, Any]:
        compat = sys.modules[__name__.rpartition(".")[0]]
        return {n: getattr(compat, n) for n in compat.__all__ if n != "install_auto_diff_alias"}

    def op_package() -> dict[str, Any]:
        leaves = {"Operation": Operation}
        leaves.update((n, getattr(ops, n)) for n in ("OpConstant", "OpPlaceholder", "OpVariable"))
        return {**leaves, **names(shortcuts)()}

    table: dict[str, tuple[bool, Callable[[], dict[str, Any]]]] = {
        _ROOT: (True, package),
        f"{_ROOT}.op": (True, op_package),
        f"{_ROOT}.op.operation": (False, lambda: {"Operation": Operation}),
        f"{_ROOT}.op.shortcuts": (False, names(shortcuts)),
        f"{_ROOT}.sess": (True, lambda: {"Session": Session}),
        f"{_ROOT}.sess.session": (False, lambda: {"Session": Session}),
        f"{_ROOT}.simple": (True, lambda: {"simplify": simplify}),
        f"{_ROOT}.simple.simplify": (False, lambda: {"simplify": simplify}),
        f"{_ROOT}.simple.sp_const_sub_tree": (
            False,
            lambda: {"sp_const_sub_tree": sp_const_sub_tree},
        ),
        f"{_ROOT}.acts": (True, names(acts)),
        f"{_ROOT}.acts.activations": (False, names(acts)),
        f"{_ROOT}.losses": (True, names(losses)),
        f"{_ROOT}.losses.losses": (False, names(losses)),
    }
    for cls_name in ops.__all__:
        # OpExpandDims -> auto_diff.op.op_expand_dims
        module = "op" + re.sub(r"([A-Z])", r"_\1", cls_name[2:]).lower()
        table[f"{_ROOT}.op.{module}"] = (False, _holding(cls_name, getattr(ops, cls_name)))
    return table


def _holding(name: str, obj: Any) -> Callable[[], dict[str, Any]]:
    return lambda: {name: obj}


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds and builds the ``auto_diff`` alias modules."""

    def __init__(self) -> None:
        self._table = _table()

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        entry = self._table.get(fullname)
        if entry is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=entry[0])

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        module.__dict__.update(self._table[module.__name__][1]())
        if module.__name__ == _ROOT:
            # auto_diff exposed these subpackages as attributes of the package.
            for sub in ("op", "sess", "simple", "acts", "losses"):
                setattr(module, sub, importlib.import_module(f"{_ROOT}.{sub}"))


def install_auto_diff_alias() -> None:
    """Make ``import auto_diff`` and its documented module paths resolve to this compat layer.

    Idempotent. Raises RuntimeError if a real ``auto_diff`` package was already imported.
    """
    if any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        return
    loaded = sys.modules.get(_ROOT)
    if loaded is not None:
        raise RuntimeError(
            f"auto_diff is already imported (from {getattr(loaded, '__file__', '?')}); "
            "call install_auto_diff_alias() before the first `import auto_diff`"
        )
    sys.meta_path.insert(0, _AliasFinder())
