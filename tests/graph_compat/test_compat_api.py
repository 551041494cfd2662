"""The public surface of tapediff.graph_compat: names, classes, display names, shapes, operators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tapediff.graph_compat as ad

LEGACY_NAMES = [
    # LEGACY_API.md section 1
    "Operation", "OpConstant", "OpPlaceholder", "OpVariable", "Session",
    "constant", "array", "placeholder", "variable", "ones", "zeros", "ones_like", "zeros_like",
    "transpose", "reshape", "flatten", "expand_dims", "squeeze", "shape",
    "sum", "prod", "argmax",
    "square", "exp", "log", "negative", "add", "subtract", "multiply", "divide",
    "dot", "setitem", "simplify", "acts", "losses",
    # op classes of auto_diff.op.*
    "OpAdd", "OpSubtract", "OpMultiply", "OpDivide", "OpDot", "OpNegative", "OpSquare", "OpExp",
    "OpLog", "OpTranspose", "OpReshape", "OpFlatten", "OpExpandDims", "OpSqueeze", "OpSum",
    "OpProd", "OpArgmax", "OpShape", "OpGetitem", "OpSetitem", "OpOnes", "OpZeros",
    "OpOnesLike", "OpZerosLike", "OpKeepdims",
    # names auto_diff gained later
    "mean", "max", "min", "maximum", "minimum", "power", "sqrt", "tanh", "where",
    "OpMean", "OpMax", "OpMin", "OpMaximum", "OpMinimum", "OpPower", "OpSqrt", "OpTanh",
    "OpWhere",
    # tapediff additions
    "install_auto_diff_alias", "MissingFeedError", "OpGradient",
]  # fmt: skip


@pytest.mark.parametrize("name", LEGACY_NAMES)
def test_public_name_is_exported(name: str) -> None:
    assert name in ad.__all__
    assert getattr(ad, name) is not None


def test_all_is_exactly_the_public_surface() -> None:
    extra = {"OpLeakyRelu", "OpRelu", "OpSigmoid", "OpSoftmax"}
    assert set(ad.__all__) == set(LEGACY_NAMES) | extra
    assert ad.array is ad.constant


def test_submodule_functions() -> None:
    assert set(ad.acts.__all__) == {"softmax", "relu", "leaky_relu", "sigmoid"}
    assert set(ad.losses.__all__) == {"cross_entropy", "mean_square_error"}


def test_flatten_is_a_reshape() -> None:
    assert issubclass(ad.OpFlatten, ad.OpReshape)
    assert issubclass(ad.OpSum, ad.OpKeepdims) and issubclass(ad.OpProd, ad.OpKeepdims)


A = ad.placeholder((2, 3), name="A")
B = ad.placeholder((2, 3), name="B")
V = ad.placeholder((3,), name="V")
M = ad.placeholder((3, 4), name="M")
C4 = ad.placeholder((1, 2, 3, 4), name="T")

# (builder, class, display name, shape): every shortcut, method and operator of the surface.
BUILDERS: list[tuple[Callable[[], ad.Operation], type, str, tuple[Any, ...]]] = [
    (lambda: ad.constant(0), ad.OpConstant, "0.0", ()),
    (lambda: ad.constant(1e-8), ad.OpConstant, "1e-08", ()),
    (lambda: ad.constant(np.float32(2)), ad.OpConstant, "2.0", ()),
    (lambda: ad.array([1]), ad.OpConstant, "C(1,)", (1,)),
    (lambda: ad.constant([[1]]), ad.OpConstant, "C(1, 1)", (1, 1)),
    (lambda: ad.constant(np.array(3.0)), ad.OpConstant, "C()", ()),
    (lambda: ad.placeholder((3, 1, 2)), ad.OpPlaceholder, "X(3, 1, 2)", (3, 1, 2)),
    (lambda: ad.placeholder([1]), ad.OpPlaceholder, "X(1,)", (1,)),
    (lambda: ad.placeholder((None, 4)), ad.OpPlaceholder, "X(None, 4)", (None, 4)),
    (lambda: ad.variable(np.zeros((3, 1, 2))), ad.OpVariable, "W(3, 1, 2)", (3, 1, 2)),
    (lambda: ad.variable(2.0), ad.OpVariable, "W()", ()),
    (lambda: ad.variable([[2.0]]), ad.OpVariable, "W(1, 1)", (1, 1)),
    (lambda: ad.variable(np.ones, shape=[2, 3]), ad.OpVariable, "W[2, 3]", [2, 3]),
    (lambda: ad.ones(5), ad.OpOnes, "ones(5)", (5,)),
    (lambda: ad.ones((3, 5)), ad.OpOnes, "ones(3, 5)", (3, 5)),
    (lambda: ad.ones(()), ad.OpOnes, "ones()", ()),
    (lambda: ad.zeros([2]), ad.OpZeros, "zeros(2)", (2,)),
    (lambda: ad.ones_like(A), ad.OpOnesLike, "ones_like(A)", (2, 3)),
    (lambda: ad.zeros_like(A), ad.OpZerosLike, "zeros_like(A)", (2, 3)),
    (lambda: ad.add(A, B), ad.OpAdd, "add(A, B)", (2, 3)),
    (lambda: A + 1, ad.OpAdd, "add(A, 1.0)", (2, 3)),
    (lambda: 1 + A, ad.OpAdd, "add(1.0, A)", (2, 3)),
    (lambda: ad.subtract(A, B), ad.OpSubtract, "subtract(A, B)", (2, 3)),
    (lambda: 2 - A, ad.OpSubtract, "subtract(2.0, A)", (2, 3)),
    (lambda: A * B, ad.OpMultiply, "multiply(A, B)", (2, 3)),
    (lambda: 3 * A, ad.OpMultiply, "multiply(3.0, A)", (2, 3)),
    (lambda: A / B, ad.OpDivide, "divide(A, B)", (2, 3)),
    (lambda: 1 / A, ad.OpDivide, "divide(1.0, A)", (2, 3)),
    (lambda: A // B, ad.OpDivide, "divide(A, B)", (2, 3)),
    (lambda: 2 // A, ad.OpDivide, "divide(2.0, A)", (2, 3)),
    (lambda: ad.multiply(A, V), ad.OpMultiply, "multiply(A, V)", (2, 3)),
    (lambda: ad.divide(A, 2.0), ad.OpDivide, "divide(A, 2.0)", (2, 3)),
    (lambda: -A, ad.OpNegative, "(-A)", (2, 3)),
    (lambda: ad.negative(A), ad.OpNegative, "(-A)", (2, 3)),
    (lambda: ad.square(A), ad.OpSquare, "square(A)", (2, 3)),
    (lambda: ad.exp(A), ad.OpExp, "exp(A)", (2, 3)),
    (lambda: ad.log(A), ad.OpLog, "log(A)", (2, 3)),
    (lambda: ad.sqrt(A), ad.OpSqrt, "sqrt(A)", (2, 3)),
    (lambda: ad.tanh(A), ad.OpTanh, "tanh(A)", (2, 3)),
    (lambda: ad.power(A, 2), ad.OpPower, "power(A, 2.0)", (2, 3)),
    (lambda: A**B, ad.OpPower, "power(A, B)", (2, 3)),
    (lambda: 2**A, ad.OpPower, "power(2.0, A)", (2, 3)),
    (lambda: ad.maximum(A, B), ad.OpMaximum, "maximum(A, B)", (2, 3)),
    (lambda: ad.minimum(A, 0), ad.OpMinimum, "minimum(A, 0.0)", (2, 3)),
    (lambda: ad.where(A, B, V), ad.OpWhere, "where(A, B, V)", (2, 3)),
    (lambda: ad.where(V), ad.OpWhere, "where(V, 1.0, 0.0)", (3,)),
    (lambda: ad.dot(A, M), ad.OpDot, "dot(A, M)", (2, 4)),
    (lambda: A.dot(V), ad.OpDot, "dot(A, V)", (2,)),
    (lambda: ad.transpose(A), ad.OpTranspose, "transpose(A)", (3, 2)),
    (lambda: A.transpose(), ad.OpTranspose, "transpose(A)", (3, 2)),
    (lambda: C4.transpose((1, 0, 3, 2)), ad.OpTranspose, "transpose(T, axes=(1, 0, 3, 2))",
     (2, 1, 4, 3)),
    (lambda: ad.transpose(A, axes=[1, 0]), ad.OpTranspose, "transpose(A, axes=[1, 0])", (3, 2)),
    (lambda: ad.reshape(A, (1, 2, 3)), ad.OpReshape, "reshape(A, shape=(1, 2, 3))", (1, 2, 3)),
    (lambda: A.reshape((-1, 2)), ad.OpReshape, "reshape(A, shape=(3, 2))", (3, 2)),
    (lambda: ad.reshape(A, [6]), ad.OpReshape, "reshape(A, shape=(6,))", (6,)),
    (lambda: ad.flatten(C4), ad.OpFlatten, "flatten(T)", (24,)),
    (lambda: A.flatten(), ad.OpFlatten, "flatten(A)", (6,)),
    (lambda: ad.expand_dims(A), ad.OpExpandDims, "expand_dims(A)", (2, 3, 1)),
    (lambda: A.expand_dims(-1), ad.OpExpandDims, "expand_dims(A)", (2, 3, 1)),
    (lambda: A.expand_dims(axis=1), ad.OpExpandDims, "expand_dims(A, axis=1)", (2, 1, 3)),
    (lambda: ad.expand_dims(A, axis=-3), ad.OpExpandDims, "expand_dims(A, axis=-3)", (1, 2, 3)),
    (lambda: ad.squeeze(ad.placeholder((1, 2, 1), name="S")), ad.OpSqueeze, "squeeze(S)", (1, 2)),
    (lambda: ad.squeeze(C4, axis=0), ad.OpSqueeze, "squeeze(T, axis=0)", (2, 3, 4)),
    (lambda: ad.placeholder((1, 1, 1, 1), name="S").squeeze(axis=(1, -1, 2)), ad.OpSqueeze,
     "squeeze(S, axis=(1, -1, 2))", (1,)),
    (lambda: ad.sum(A), ad.OpSum, "sum(A)", ()),
    (lambda: A.sum(axis=-1), ad.OpSum, "sum(A, axis=-1)", (2,)),
    (lambda: ad.sum(C4, axis=(0, -1)), ad.OpSum, "sum(T, axis=(0, -1))", (2, 3)),
    (lambda: ad.sum(A, keepdims=True), ad.OpSum, "sum(A, keepdims=True)", (1, 1)),
    (lambda: A.sum(axis=0, keepdims=True), ad.OpSum, "sum(A, axis=0, keepdims=True)", (1, 3)),
    (lambda: ad.sum(ad.variable(1.0), axis=0), ad.OpSum, "sum(W(), axis=0)", ()),
    (lambda: ad.prod(A, axis=1), ad.OpProd, "prod(A, axis=1)", (2,)),
    (lambda: A.prod(keepdims=True), ad.OpProd, "prod(A, keepdims=True)", (1, 1)),
    (lambda: ad.mean(A, axis=0), ad.OpMean, "mean(A, axis=0)", (3,)),
    (lambda: ad.max(A), ad.OpMax, "max(A)", ()),
    (lambda: ad.min(A, axis=-1, keepdims=True), ad.OpMin, "min(A, axis=-1, keepdims=True)",
     (2, 1)),
    (lambda: ad.argmax(A), ad.OpArgmax, "argmax(A)", ()),
    (lambda: ad.argmax(C4, axis=-1), ad.OpArgmax, "argmax(T, axis=-1)", (1, 2, 3)),
    (lambda: ad.shape(C4), ad.OpShape, "shape(T)", (4,)),
    (lambda: A[0], ad.OpGetitem, "A[0]", (3,)),
    (lambda: A[:, 1], ad.OpGetitem, "A[:, 1]", (2,)),
    (lambda: A[1, ::2], ad.OpGetitem, "A[1, ::2]", (2,)),
    (lambda: C4[0, 1:, :-1:-1], ad.OpGetitem, "T[0, 1:, :-1:-1]", (1, 0, 4)),
    (lambda: C4[0, :, -2:], ad.OpGetitem, "T[0, :, -2:]", (2, 2, 4)),
    (lambda: ad.setitem(A, (1, 2), 5.0), ad.OpSetitem, "setitem(A, (1, 2), 5.0)", (2, 3)),
    (lambda: ad.acts.softmax(A), ad.OpSoftmax, "softmax(A)", (2, 3)),
    (lambda: ad.acts.relu(A), ad.OpRelu, "relu(A)", (2, 3)),
    (lambda: ad.acts.sigmoid(A), ad.OpSigmoid, "sigmoid(A)", (2, 3)),
    (lambda: ad.acts.leaky_relu(A), ad.OpLeakyRelu, "leaky_relu(A)", (2, 3)),
    (lambda: ad.acts.leaky_relu(A, alpha=0.2), ad.OpLeakyRelu, "leaky_relu(A, alpha=0.2)",
     (2, 3)),
    (lambda: ad.losses.cross_entropy(B, ad.acts.softmax(A)), ad.OpSum,
     "sum(multiply((-B), log(softmax(A))), axis=-1)", (2,)),
    (lambda: ad.losses.cross_entropy(V, V), ad.OpSum, "sum(multiply((-V), log(V)), axis=-1)", ()),
    (lambda: ad.losses.mean_square_error(B, A), ad.OpSum,
     "sum(square(subtract(B, A)), axis=-1)", (2,)),
]  # fmt: skip


@pytest.mark.parametrize(("build", "cls", "name", "shape"), BUILDERS, ids=[b[2] for b in BUILDERS])
def test_builder_class_name_and_shape(
    build: Callable[[], ad.Operation], cls: type, name: str, shape: tuple[Any, ...]
) -> None:
    op = build()
    assert type(op) is cls
    assert op.name == name
    assert str(op) == name and op.__unicode__() == name
    assert op.shape == shape
    assert op.dim == len(shape)
    assert op.isscalar() == (len(shape) == 0)


def test_name_keyword_and_setter() -> None:
    x = ad.placeholder((2,), name="x")
    y = ad.add(x, x, name="twice")
    assert y.name == "twice"
    assert ad.sum(y).name == "sum(twice)"
    y.name = "renamed"
    assert str(y) == "renamed" and ad.exp(y).name == "exp(renamed)"
    assert "OpAdd" in repr(y)


def test_display_names_are_computed_lazily() -> None:
    x = ad.placeholder((2,), name="x")
    y = ad.exp(x + 1.0)
    assert y._name is None  # nothing rendered at construction
    assert y.name == "exp(add(x, 1.0))"
    assert y._name == "exp(add(x, 1.0))"
    assert y.inputs[0]._name is None  # intermediates are not cached by the rendering


# ----- shape inference -----


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((1, 3, 1, 4), (5, 1), (1, 3, 5, 4)),
        ((None, 1), (3,), (None, 3)),
        ((None,), (4, 1), (4, None)),
        ((), (2, 3), (2, 3)),
        ((2, 3), (), (2, 3)),
        ((None, 3), (None, 3), (None, 3)),
        ((2, 1), (1, 2), (2, 2)),
    ],
)
def test_broadcast_shapes(
    a: tuple[Any, ...], b: tuple[Any, ...], expected: tuple[Any, ...]
) -> None:
    x, y = ad.placeholder(a), ad.placeholder(b)
    for op in (x + y, x - y, x * y, x / y, ad.maximum(x, y), ad.power(x, y)):
        assert op.shape == expected


def test_broadcast_mismatch_names_op_and_shapes() -> None:
    x, y = ad.placeholder((2, 3), name="x"), ad.placeholder((4,), name="y")
    with pytest.raises(ValueError, match=r"add: cannot broadcast shapes \(2, 3\) and \(4,\)"):
        _ = x + y
    with pytest.raises(ValueError, match="where"):
        ad.where(ad.placeholder((3,)), x, y)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((), (2, 3), (2, 3)),
        ((2, 3), (), (2, 3)),
        ((3,), (3,), ()),
        ((2, 3), (3, 4), (2, 4)),
        ((5, 2, 3), (3,), (5, 2)),
        ((3,), (3, 4), (4,)),
        ((5, 2, 3), (6, 3, 4), (5, 2, 6, 4)),
        ((None, 3), (3, 2), (None, 2)),
        ((None, 3), (3,), (None,)),
    ],
)
def test_dot_shapes(a: tuple[Any, ...], b: tuple[Any, ...], expected: tuple[Any, ...]) -> None:
    assert ad.dot(ad.placeholder(a), ad.placeholder(b)).shape == expected


@pytest.mark.parametrize(("a", "b"), [((2, 3), (4, 5)), ((3,), (4,)), ((2, 3), (None, 2))])
def test_dot_mismatch_is_a_construction_error(a: tuple[Any, ...], b: tuple[Any, ...]) -> None:
    with pytest.raises(ValueError, match="dot: shapes .* are not aligned"):
        ad.dot(ad.placeholder(a), ad.placeholder(b))


def test_shape_op_errors_at_construction() -> None:
    x = ad.placeholder((2, 3), name="x")
    with pytest.raises(ValueError, match="only one dimension can be -1"):
        ad.reshape(x, (-1, -1))
    with pytest.raises(ValueError, match=r"cannot reshape x of shape \(2, 3\)"):
        ad.reshape(x, (4, 2))
    with pytest.raises(ValueError, match="cannot reshape"):
        ad.reshape(x, (-1, 4))
    with pytest.raises(ValueError, match="not a permutation"):
        ad.transpose(x, (0,))
    with pytest.raises(ValueError, match="repeated axis"):
        ad.transpose(x, (0, 0))
    with pytest.raises(ValueError, match="out of bounds"):
        ad.sum(x, axis=2)
    with pytest.raises(ValueError, match="out of bounds"):
        ad.expand_dims(x, axis=4)
    with pytest.raises(ValueError, match="has length 3, not 1"):
        ad.squeeze(x)
    with pytest.raises(ValueError, match="scalar"):
        ad.squeeze(ad.variable(1.0))
    with pytest.raises(TypeError, match="axis must be an int"):
        ad.argmax(x, axis=(0, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="shape"):
        ad.ones((None, 2))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="callable initializer needs shape"):
        ad.variable(np.zeros)
    with pytest.raises(ValueError, match="initializer returned shape"):
        ad.variable(lambda shape: np.zeros(3), shape=(2,))
    with pytest.raises(ValueError, match="placeholder: shape entries"):
        ad.placeholder((2, -1))


def test_shapes_with_unknown_dimensions() -> None:
    x = ad.placeholder((None, 4))
    assert ad.reshape(x, (-1, 2)).shape == (None, 2)
    assert ad.flatten(x).shape == (None,)
    assert ad.sum(x, axis=0).shape == (4,)
    assert ad.squeeze(ad.placeholder((3, None))).shape == (3,)
    assert x[1:].shape == (None, 4) and x[:, 1:3].shape == (None, 2)
    assert ad.transpose(x).shape == (4, None)
    assert ad.expand_dims(x, 0).shape == (1, None, 4)


@pytest.mark.parametrize(
    "item",
    [0, -1, (1, 2), (slice(None), 1), (slice(1, None), slice(None, -1)),
     (slice(None, 0, -1), slice(None, -1, -1)), (slice(None, None, -2), 0, slice(-3, None, 2)),
     slice(1, None)],
)  # fmt: skip
def test_getitem_shape_matches_numpy(item: Any) -> None:
    value = np.zeros((4, 3, 5))
    assert ad.constant(value)[item].shape == value[item].shape


def test_getitem_rejects_what_it_cannot_index() -> None:
    x = ad.placeholder((2, 3), name="x")
    for bad in (None, Ellipsis, [0, 1], (0, None), 1.5, True):
        with pytest.raises(TypeError, match="an int, a slice, or a tuple"):
            _ = x[bad]
    with pytest.raises(IndexError, match="too many indices"):
        _ = x[0, 1, 2]
    with pytest.raises(IndexError, match="out of bounds"):
        _ = x[2]


# ----- operators, identity, the Operation base -----


def test_ops_are_identity_equal_and_hashable() -> None:
    a, b = ad.placeholder((1,)), ad.placeholder((1,))
    assert a == a and a != b
    assert len({a, b, a}) == 2
    assert (a == 1) is False


def test_numpy_array_on_the_left_builds_one_node() -> None:
    x = ad.placeholder((3,), name="x")
    y = np.ones(3) + x
    assert isinstance(y, ad.OpAdd) and y.name == "add(C(3,), x)"
    assert isinstance(np.ones(3) * x, ad.OpMultiply)


class _Named(ad.Operation):
    def __init__(self, **kwargs: Any) -> None:
        self.shape = (1, 2)
        super().__init__(**kwargs)

    def _get_name(self) -> str:
        return "test"

    def _get_op_name(self) -> str:
        return "test"


def test_operation_construction_contract() -> None:
    with pytest.raises(NotImplementedError, match="set self.shape"):
        ad.Operation()
    with pytest.raises(NotImplementedError):
        ad.Operation(shape=(1, 2))
    with pytest.raises(NotImplementedError):
        ad.Operation(shape=(1, 2), name="test")

    class NoOpName(ad.Operation):
        def __init__(self) -> None:
            self.shape = ()
            super().__init__(name="n")

    with pytest.raises(NotImplementedError, match="_get_op_name"):
        NoOpName()

    class NoName(ad.Operation):
        def __init__(self, **kwargs: Any) -> None:
            self.shape = ()
            super().__init__(**kwargs)

        def _get_op_name(self) -> str:
            return "n"

    with pytest.raises(NotImplementedError, match="_get_name"):
        NoName()
    assert NoName(name="given").name == "given"

    op = _Named()
    assert op.inputs == [] and op.gradient is None and op.name == "test"
    assert op != _Named()
    assert ad.Operation.STEP_KEY == "__step__"
