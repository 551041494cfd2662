"""Fixtures for the graph_compat tests: the auto_diff alias, undone after each test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

from tapediff.graph_compat import install_auto_diff_alias


@pytest.fixture
def auto_diff() -> Iterator[ModuleType]:
    """``import auto_diff`` resolving to tapediff.graph_compat, for one test."""
    saved_path = list(sys.meta_path)
    saved_modules = {k: v for k, v in sys.modules.items() if k.split(".")[0] == "auto_diff"}
    for name in saved_modules:
        del sys.modules[name]
    install_auto_diff_alias()
    try:
        import auto_diff

        yield auto_diff
    finally:
        sys.meta_path[:] = saved_path
        for name in [k for k in sys.modules if k.split(".")[0] == "auto_diff"]:
            del sys.modules[name]
        sys.modules.update(saved_modules)
