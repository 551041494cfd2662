"""The op table covers every differentiable public op, and names nothing else."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from hypothesis import find, settings
from hypothesis.errors import NoSuchExample
from op_case import resolve
from op_table import _ROWS, AREAS, OP_TABLE, PENDING

from tapediff.ops import elementwise, indexing, linalg, nn, reductions, shape

# Modules whose public names are ops. constructors (zeros, arange, ...) and random only build
# tensors from non-tensor arguments, so no gradient flows through them.
# Each area module (rows_*.py) adds its public modules: names in tapediff.ops modules are
# top-level (td.exp), names in a namespace module are dotted (td.linalg.det).
OP_MODULES = (
    elementwise,
    reductions,
    shape,
    linalg,
    indexing,
    nn,
    *(m for area in AREAS for m in getattr(area, "MODULES", ())),
)

NOT_DIFFERENTIABLE = {
    # comparisons and predicates: boolean results
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    "logical_not",
    "logical_and",
    "logical_or",
    "logical_xor",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "invert",
    "any",
    "all",
    "isnan",
    "isfinite",
    # integer results
    "argmax",
    "argmin",
    # exists to block gradients (tested with the tape, not against finite differences)
    "stop_gradient",
}

# Every differentiable op that issue 2 (and the table's brief) asks for.
REQUIRED = set(
    [
        "add",
        "subtract",
        "multiply",
        "divide",
        "negative",
        "power",
        "square",
        "sqrt",
        "exp",
        "log",
        "log1p",
        "expm1",
        "abs",
        "sin",
        "cos",
        "tan",
        "tanh",
        "sigmoid",
        "relu",
        "softplus",
        "maximum",
        "minimum",
        "clip",
        "where",
        "sign",
        "floor",
        "round",
        "ceil",
        "trunc",
        "astype",
        "sum",
        "mean",
        "prod",
        "max",
        "min",
        "amax",
        "amin",
        "var",
        "std",
        "logsumexp",
        "reshape",
        "flatten",
        "ravel",
        "transpose",
        "swapaxes",
        "moveaxis",
        "expand_dims",
        "squeeze",
        "broadcast_to",
        "concatenate",
        "stack",
        "split",
        "pad",
        "tile",
        "repeat",
        "dot",
        "matmul",
        "tensordot",
        "einsum",
        "outer",
        "getitem",
        "scatter_add",
        "scatter_set",
        "take",
        "softmax",
        "log_softmax",
        "cross_entropy",
    ]
)


for _area in AREAS:
    NOT_DIFFERENTIABLE |= set(getattr(_area, "NOT_DIFFERENTIABLE", ()))
    REQUIRED |= set(getattr(_area, "REQUIRED", ()))


def _prefix(module: Any) -> str:
    """How the names of ``module`` are spelled under tapediff: "" or "linalg." and so on."""
    name: str = module.__name__
    return "" if name.startswith("tapediff.ops.") else name.removeprefix("tapediff.") + "."


def public_ops() -> dict[str, Callable[..., Any]]:
    names = {_prefix(module) + name for module in OP_MODULES for name in module.__all__}
    return {name: resolve(name) for name in names}


def test_every_listed_public_name_is_exported_by_tapediff() -> None:
    for module in OP_MODULES:
        for name in module.__all__:
            spelled = _prefix(module) + name
            assert resolve(spelled) is getattr(module, name), (module.__name__, spelled)


def test_non_differentiable_list_names_real_ops() -> None:
    assert sorted(NOT_DIFFERENTIABLE - public_ops().keys()) == []


def test_every_differentiable_public_op_has_a_row() -> None:
    # Aliases (abs / absolute) are one function: one row covers every name bound to it.
    by_function: dict[int, set[str]] = defaultdict(set)
    for name, fn in public_ops().items():
        if name not in NOT_DIFFERENTIABLE:
            by_function[id(fn)].add(name)
    covered = {c.op for c in OP_TABLE}
    missing = sorted(min(names) for names in by_function.values() if not names & covered)
    assert missing == [], f"differentiable public ops without an OP_TABLE row: {missing}"


def test_every_row_names_a_public_differentiable_op() -> None:
    ops = public_ops()
    stray = sorted({c.op for c in OP_TABLE if c.op not in ops or c.op in NOT_DIFFERENTIABLE})
    assert stray == [], f"OP_TABLE rows for names that are not differentiable public ops: {stray}"


def test_no_row_is_waiting_for_its_op() -> None:
    assert PENDING == (), f"table rows whose op tapediff does not export yet: {list(PENDING)}"


def test_every_required_op_is_exported_and_in_the_table() -> None:
    exported = public_ops().keys()
    assert sorted(REQUIRED - exported) == [], "required ops not exported"
    assert sorted(REQUIRED - {c.op for c in _ROWS}) == [], "required ops without a row"


def test_row_names_are_unique() -> None:
    names = [c.name for c in _ROWS]
    assert len(names) == len(set(names))


def _reached(name: str, goals: dict[str, Callable[[Any], bool]]) -> set[str]:
    """Which goals the strategy of row ``name`` can meet: ``hypothesis.find`` searches for an
    input meeting each one (derandomized, so reproducible for a given hypothesis version)."""
    case = next(c for c in _ROWS if c.name == name)
    seen: set[str] = set()
    search = settings(max_examples=3000, derandomize=True, database=None, deadline=None)
    for goal, met in goals.items():
        try:
            find(case.inputs, met, settings=search)
        except NoSuchExample:
            continue
        seen.add(goal)
    return seen


def _axis(i: Any) -> Any:
    return i[1]["axis"]


def test_sum_reshape_transpose_reach_ranks_0_to_5_and_every_argument_form() -> None:
    # The issue asks for these three on random ranks 0-5, random axes/permutations, keepdims
    # both ways and -1 targets: each extreme must actually be generated.
    sum_goals: dict[str, Callable[[Any], bool]] = {
        "rank 0": lambda i: i[0][0].ndim == 0,
        "rank 5, several axes": lambda i: (
            i[0][0].ndim == 5 and isinstance(_axis(i), tuple) and len(_axis(i)) > 1
        ),
        "negative int axis": lambda i: isinstance(_axis(i), int) and _axis(i) < 0,
        "axis None": lambda i: _axis(i) is None,
        "keepdims": lambda i: i[1]["keepdims"],
        "no keepdims": lambda i: not i[1]["keepdims"],
    }
    assert _reached("sum", sum_goals) == set(sum_goals)
    reshape_goals: dict[str, Callable[[Any], bool]] = {
        "rank 0": lambda i: i[0][0].ndim == 0,
        "rank 5 with -1": lambda i: i[0][0].ndim == 5 and -1 in i[1]["shape"],
        "to rank 5": lambda i: len(i[1]["shape"]) == 5,
        "to rank 0": lambda i: i[1]["shape"] == (),
    }
    assert _reached("reshape", reshape_goals) == set(reshape_goals)
    transpose_goals: dict[str, Callable[[Any], bool]] = {
        "rank 0": lambda i: i[0][0].ndim == 0,
        "rank 5, negative axes": lambda i: i[0][0].ndim == 5 and min(i[1]["axes"] or (0,)) < 0,
        "axes None": lambda i: i[1]["axes"] is None,
    }
    assert _reached("transpose", transpose_goals) == set(transpose_goals)


def test_the_readme_table_names_every_differentiable_public_op() -> None:
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### What is differentiable", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", section))
    names = {n for n in public_ops() if n not in NOT_DIFFERENTIABLE}
    missing = sorted(n for n in names if n.rsplit(".", 1)[-1] not in listed)
    assert missing == [], f"README's 'What is differentiable' table lacks {missing}"
