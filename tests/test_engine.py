"""The engine's shape: one record layout written by every bind path, no import cycle between the
engine modules, the public extension API, and one error style for ops."""

from __future__ import annotations

import ast
import contextlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tapediff as td
from tapediff import _record
from tapediff.extend import VJPArg, defvjp, defvjp_all, primitive, value_of
from tapediff.testing import gradcheck, gradgradcheck

PACKAGE = Path(td.__file__).parent


# ----- one record layout, whichever bind path wrote it -----


def _twins(arity: int) -> tuple[Any, Any]:
    """The same op declared with the unrolled bind path and with the general one."""
    fwd = np.sin if arity == 1 else np.multiply
    fast = primitive(f"twin{arity}", arity=arity)(fwd)
    general = primitive(f"twin{arity}")(fwd)
    vjps = [lambda g, out, *xs: g] * arity
    defvjp(fast, *vjps)
    defvjp(general, *vjps)
    return fast, general


def _shape_of(rec: _record.Record, tape: td.Tape) -> tuple[Any, ...]:
    """A record with its tensors replaced by what they are to the tape."""

    def kind(x: Any) -> Any:
        if isinstance(x, td.Variable):
            return "variable"
        if isinstance(x, td.Tensor):
            return ("tracked" if id(x) in tape._tracked else "tensor", x.shape)
        return type(x).__name__

    return (
        _record.prim_of(rec).arity,
        len(rec),
        _record.params_of(rec),
        _record.tracked_of(rec),
        [kind(x) for x in _record.inputs_of(rec)],
        kind(_record.out_of(rec)),
    )


@pytest.mark.parametrize("arity", [1, 2])
@pytest.mark.parametrize("tapes", [1, 2])
@pytest.mark.parametrize("operand", ["tensor", "variable", "array", "float"])
def test_every_bind_path_writes_the_same_record(arity: int, tapes: int, operand: str) -> None:
    fast, general = _twins(arity)
    x = td.tensor([0.5, 1.5])
    other: Any = {
        "tensor": td.tensor([2.0, 3.0]),
        "variable": td.Variable([2.0, 3.0]),
        "array": np.array([2.0, 3.0]),
        "float": 2.0,
    }[operand]
    args = (x,) if arity == 1 else (x, other)
    shapes = []
    for prim in (fast, general):
        # With two tapes, recording leaves the single-tape fast path for the general one.
        stack = [td.Tape() for _ in range(tapes)]
        for t in stack:
            t.watch(x)
        with contextlib.ExitStack() as active:
            for t in stack:
                active.enter_context(t)
            out = prim.bind(*args)
        tape = stack[-1]
        (rec,) = tape._records
        assert _record.out_of(rec) is out and _record.prim_of(rec) is prim
        shapes.append(_shape_of(rec, tape)[1:])
    assert shapes[0] == shapes[1]


def test_record_accessors_follow_the_documented_layout() -> None:
    x = td.tensor([1.0, 2.0])
    with td.Tape() as tape:
        tape.watch(x)
        y = td.sum(x * 2.0, axis=0)
    mul, total = tape._records
    assert _record.prim_of(total).name == "sum"
    assert _record.out_of(total) is y
    assert _record.params_of(total) == {"axis": (0,), "keepdims": False}
    assert _record.tracked_of(total) == (0,)
    assert _record.inputs_of(total) == (_record.out_of(mul),)
    rebuilt = _record.make(
        _record.prim_of(total),
        _record.out_of(total),
        _record.params_of(total),
        _record.tracked_of(total),
        _record.inputs_of(total),
    )
    assert rebuilt == total


# ----- no import cycle between the engine modules -----

ENGINE = ("tapediff.tape", "tapediff._record", "tapediff.ops._primitive")


def _imports(module: str) -> set[str]:
    """The tapediff modules that ``module`` imports at module level (not under TYPE_CHECKING)."""
    path = PACKAGE.parent / (module.replace(".", "/") + ".py")
    tree = ast.parse(path.read_text())
    package = module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in tree.body:  # module level only: function-level imports run after import time
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            names = [f"{target}.{a.name}" for a in node.names]
            found.update(n for n in [target, *names] if n in ENGINE)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in ENGINE)
    found.discard(module)
    return found


def test_engine_modules_import_each_other_without_a_cycle() -> None:
    graph = {m: _imports(m) for m in ENGINE}
    assert graph["tapediff._record"] == set()
    assert "tapediff.ops._primitive" not in graph["tapediff.tape"]
    assert "tapediff.tape" not in graph["tapediff.ops._primitive"]


def test_tapediff_tape_imports_alone_in_a_fresh_interpreter() -> None:
    code = (
        "import tapediff.tape as t, sys\n"
        "assert hasattr(t, 'Tape')\n"
        "import tapediff\n"
        "assert tapediff.Tape is t.Tape\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# ----- tapediff.extend: a user's op, to second order -----


@primitive("user_logaddexp")
def _logaddexp(x1: Any, x2: Any) -> Any:
    return np.logaddexp(x1, x2)


defvjp(
    _logaddexp,
    lambda g, out, x1, x2: g * td.exp(x1 - out),
    lambda g, out, x1, x2: g * td.exp(x2 - out),
)


def test_a_user_primitive_works_to_second_order() -> None:
    f = lambda x: td.sum(_logaddexp.bind(x, 2.0 * x))  # noqa: E731
    x = td.tensor([0.3, -1.2])
    gradcheck(f, [x])
    gradgradcheck(f, [x])


@primitive("user_scale")
def _scale(x: Any, y: Any, *, k: float) -> Any:
    return k * x * y


def _scale_vjp_all(g: VJPArg, out: VJPArg, x: VJPArg, y: VJPArg, *, k: float) -> list[Any]:
    return [g * k * y, None]  # y deliberately gets no gradient


defvjp_all(_scale, _scale_vjp_all)


def test_defvjp_all_gives_every_cotangent_at_once_and_none_means_no_gradient() -> None:
    x, y = td.tensor([1.0, 2.0]), td.tensor([3.0, 4.0])
    with td.Tape(persistent=True) as tape:
        tape.watch([x, y])
        z = td.sum(_scale.bind(x, y, k=2.0))
    gx, gy = tape.gradient(z, [x, y])
    np.testing.assert_array_equal(gx.numpy(), [6.0, 8.0])
    assert gy is None
    hx = td.grad(lambda a: td.sum(td.grad(lambda b: td.sum(_scale.bind(b * b, y, k=2.0)))(a)))
    np.testing.assert_allclose(hx(x).numpy(), [12.0, 16.0])  # d/dx sum(4 x y) = 4 y


def test_value_of_reads_arrays_and_tensors() -> None:
    np.testing.assert_array_equal(value_of(td.tensor([1.0])), [1.0])
    np.testing.assert_array_equal(value_of([1.0]), [1.0])


def test_declaration_errors_name_the_primitive() -> None:
    with pytest.raises(ValueError, match=r"primitive 'p': arity must be None, 1 or 2; got 3"):
        primitive("p", arity=3)(np.add)
    p = primitive("q", arity=2)(np.add)
    with pytest.raises(ValueError, match=r"primitive 'q' has 2 input\(s\); got 1 VJPs"):
        p.defvjp(lambda g, out, a, b: g)


def test_a_vjp_returning_a_non_tensor_in_a_recorded_pass_names_the_op() -> None:
    bad = primitive("bad_vjp", arity=1)(np.sin)
    bad.defvjp(lambda g, out, x: "nonsense")
    x = td.tensor(0.5)
    with pytest.raises(TypeError, match="bad_vjp: the VJP for argument 0 returned str"):
        td.grad(lambda a: bad.bind(a))(x)
    with pytest.raises(TypeError, match="bad_vjp: the VJP for argument 0 returned str"):
        td.grad(td.grad(lambda a: bad.bind(a)))(x)


# ----- one error style: NumPy's exception types, the op's name first -----


def test_forward_errors_keep_numpys_type_and_name_the_op_once() -> None:
    a, b = td.tensor(np.ones((2, 3))), td.tensor(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"^add: .*\(input shapes: \(2, 3\), \(4, 5\)\)$"):
        td.add(a, b)
    with pytest.raises(np.exceptions.AxisError, match=r"^sum: axis 2 is out of bounds"):
        td.sum(a, axis=2)
    with pytest.raises(TypeError, match=r"^bitwise_and: .*dtypes: float64, float64\)$"):
        td.bitwise_and(a, a)
    # A non-numeric input is named as the cause instead of NumPy's loop message.
    with pytest.raises(TypeError, match=r"^exp: expected numeric .*; got an array of dtype <U1"):
        td.exp(np.array(["a"]))
    singular = primitive("inv", arity=1)(np.linalg.inv)
    with pytest.raises(np.linalg.LinAlgError, match=r"^inv: Singular matrix"):
        singular.bind(np.zeros((2, 2)))


def test_one_axis_helper_serves_every_op() -> None:
    x = td.tensor(np.ones((2, 3)))
    calls: list[Callable[[], Any]] = [
        lambda: td.sum(x, axis=3),
        lambda: td.softmax(x, axis=-3),
        lambda: td.take(x, [0], axis=2),
        lambda: td.cross_entropy(x, [0, 1], axis=5),
        lambda: td.tensordot(x, x, axes=([5], [0])),
        lambda: td.swapaxes(x, 0, 9),
    ]
    for call in calls:
        with pytest.raises(np.exceptions.AxisError, match=r"^\w+: .*out of bounds for a tensor"):
            call()
    with pytest.raises(TypeError, match=r"^mean: axis must be an integer; got float"):
        td.mean(x, axis=1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^max: repeated axis"):
        td.max(x, axis=(1, -1))
