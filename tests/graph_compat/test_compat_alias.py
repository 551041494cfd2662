"""``import auto_diff`` through install_auto_diff_alias() and the edit-free script runner."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

import tapediff.graph_compat as ad
from tapediff.graph_compat import ops


def test_import_auto_diff_gives_the_compat_layer(auto_diff: ModuleType) -> None:
    for name in ad.__all__:
        if name not in ("install_auto_diff_alias", "acts", "losses"):
            assert getattr(auto_diff, name) is getattr(ad, name)
    assert auto_diff.acts.softmax is ad.acts.softmax
    assert auto_diff.losses.cross_entropy is ad.losses.cross_entropy
    assert auto_diff.op.Operation is ad.Operation


@pytest.mark.parametrize("cls_name", ops.__all__)
def test_each_op_class_has_its_legacy_module_path(auto_diff: ModuleType, cls_name: str) -> None:
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in cls_name[2:])
    module = importlib.import_module(f"auto_diff.op.op{snake}")
    assert getattr(module, cls_name) is getattr(ad, cls_name)


def test_documented_module_paths(auto_diff: ModuleType) -> None:
    from auto_diff.op.op_flatten import OpFlatten
    from auto_diff.op.op_transpose import OpTranspose
    from auto_diff.op.operation import Operation
    from auto_diff.sess.session import Session
    from auto_diff.simple.simplify import simplify

    assert OpTranspose is ad.OpTranspose and OpFlatten is ad.OpFlatten
    assert Operation is ad.Operation and Session is ad.Session and simplify is ad.simplify
    import auto_diff.op.op_transpose

    assert auto_diff.op.op_transpose.OpTranspose is ad.OpTranspose
    shortcuts = importlib.import_module("auto_diff.op.shortcuts")
    assert shortcuts.reshape is ad.reshape
    assert importlib.import_module("auto_diff.acts.activations").softmax is ad.acts.softmax
    assert importlib.import_module("auto_diff.losses.losses").cross_entropy is (
        ad.losses.cross_entropy
    )
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("auto_diff.op.op_nonexistent")


def test_install_is_idempotent_and_refuses_a_real_auto_diff(auto_diff: ModuleType) -> None:
    ad.install_auto_diff_alias()
    assert sum(type(f).__name__ == "_AliasFinder" for f in sys.meta_path) == 1
    saved_path = list(sys.meta_path)
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "_AliasFinder"]
    sys.modules["auto_diff"] = ModuleType("auto_diff")
    try:
        with pytest.raises(RuntimeError, match="already imported"):
            ad.install_auto_diff_alias()
    finally:
        sys.meta_path[:] = saved_path


LEGACY_SCRIPT = """
import sys
import numpy as np
import auto_diff as ad
from auto_diff.op.op_reshape import OpReshape

x = ad.placeholder((None, 2))
w = ad.variable(np.array([1.0, 2.0]))
y = ad.sum(OpReshape(x, (-1,)) * ad.flatten(ad.dot(ad.ones((2, 1)), ad.reshape(w, (1, 2)))))
y.backward()
feed = {x: np.array([[1.0, 1.0], [2.0, 2.0]])}
print(__name__, sys.argv[1:], ad.Session().run([y, w.gradient], feed))
"""


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tapediff.graph_compat", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_runner_executes_a_legacy_script_unchanged(tmp_path: Path) -> None:
    script = tmp_path / "legacy.py"
    script.write_text(textwrap.dedent(LEGACY_SCRIPT))
    (tmp_path / "helper_module.py").write_text("VALUE = 1\n")
    script.write_text(script.read_text() + "import helper_module\n")
    done = _run(str(script), "--flag", "value")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "__main__ ['--flag', 'value'] [np.float64(9.0), array([3., 3.])]"
    )


def test_runner_usage_errors(tmp_path: Path) -> None:
    done = _run()
    assert done.returncode == 2 and "usage: python -m tapediff.graph_compat" in done.stderr
    done = _run(str(tmp_path / "missing.py"))
    assert done.returncode == 2 and "no such file" in done.stderr
    done = _run("--help")
    assert done.returncode == 0 and "usage" in done.stdout
