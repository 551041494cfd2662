"""Parity with ``torch.nn``: the same weights in both, then forward outputs and the gradients
with respect to the inputs and every parameter compared in float64.

Skipped where PyTorch is not installed (it is an optional extra, never a test dependency).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

import tapediff as td
from tapediff import nn
from tapediff.nn import losses

torch = pytest.importorskip("torch")
F = torch.nn.functional

RTOL, ATOL = 1e-9, 1e-11
RNG = np.random.default_rng(11)


def _t(a: np.ndarray, grad: bool = True) -> Any:
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def _close(got: Any, want: Any, what: str) -> None:
    np.testing.assert_allclose(np.asarray(got), want, rtol=RTOL, atol=ATOL, err_msg=what)


def _copy_weights(module: nn.Module, tmod: Any, names: dict[str, str] | None = None) -> None:
    """Every tapediff parameter's value into the torch parameter of the same (mapped) name."""
    tmod.double()
    tparams = dict(tmod.named_parameters())
    ours = module.named_parameters()
    assert len(ours) == len(tparams), (sorted(n for n, _ in ours), sorted(tparams))
    with torch.no_grad():
        for name, v in ours:
            tp = tparams[(names or {}).get(name, name)]
            assert tuple(tp.shape) == v.shape, name
            tp.copy_(torch.from_numpy(np.array(v.numpy())))


def _compare(
    module: nn.Module,
    tmod: Any,
    inputs: Sequence[np.ndarray],
    run_td: Callable[..., Sequence[Any]],
    run_torch: Callable[..., Sequence[Any]],
    names: dict[str, str] | None = None,
) -> None:
    """Forward outputs, then gradients of ``sum(out_k * G_k)`` for inputs and parameters."""
    _copy_weights(module, tmod, names)
    xs = [td.Variable(a) for a in inputs]
    params = module.parameters()
    with td.Tape() as tape:
        outs = run_td(*xs)
        cots = [RNG.normal(size=o.shape) for o in outs]
        loss = td.sum(td.stack([td.sum(o * c) for o, c in zip(outs, cots, strict=True)]))
    grads = tape.gradient(loss, [*xs, *params])

    txs = [_t(a) for a in inputs]
    touts = run_torch(*txs)
    tloss = sum((o * torch.from_numpy(c)).sum() for o, c in zip(touts, cots, strict=True))
    tparams = dict(tmod.named_parameters())
    tp = [tparams[(names or {}).get(n, n)] for n, _ in module.named_parameters()]
    tgrads = torch.autograd.grad(tloss, [*txs, *tp])
    for k, (o, to) in enumerate(zip(outs, touts, strict=True)):
        _close(o.numpy(), to.detach().numpy(), f"output {k}")
    labels = [f"input {k}" for k in range(len(xs))] + [n for n, _ in module.named_parameters()]
    for label, g, tg in zip(labels, grads, tgrads, strict=True):
        _close(g, tg.numpy(), f"gradient of {label}")


# ----- Linear -----


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4)])
def test_linear(bias: bool, shape: tuple[int, ...]) -> None:
    m = nn.Linear(4, 3, bias=bias, rng=0)
    tm = torch.nn.Linear(4, 3, bias=bias)
    _compare(m, tm, [RNG.normal(size=shape)], lambda x: [m(x)], lambda x: [tm(x)])


# ----- Conv2D -----

CONV_CASES = [
    # in, out, kernel, stride, padding, dilation, bias, input (N, C, H, W)
    (2, 3, 3, 1, 0, 1, True, (2, 2, 7, 6)),
    (2, 3, (3, 2), (2, 1), 1, 1, True, (2, 2, 8, 7)),
    (3, 2, 3, 2, (2, 1), (2, 1), False, (1, 3, 11, 9)),
    (1, 4, 3, 1, "same", 2, True, (3, 1, 8, 8)),
    (2, 2, (2, 3), 3, (1, 2), (1, 2), True, (2, 2, 9, 10)),
    (2, 3, 3, 1, "valid", 1, True, (2, 2, 5, 5)),
]


@pytest.mark.parametrize(
    ("cin", "cout", "kernel", "stride", "padding", "dilation", "bias", "shape"), CONV_CASES
)
@pytest.mark.parametrize("fmt", ["NCHW", "NHWC"])
def test_conv2d(
    cin: int,
    cout: int,
    kernel: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    bias: bool,
    shape: tuple[int, int, int, int],
    fmt: str,
) -> None:
    m = nn.Conv2D(cin, cout, kernel, stride, padding, dilation, bias=bias, data_format=fmt, rng=1)
    tm = torch.nn.Conv2d(cin, cout, kernel, stride, padding, dilation, bias=bias)
    x = RNG.normal(size=shape)
    if fmt == "NCHW":
        _compare(m, tm, [x], lambda x: [m(x)], lambda x: [tm(x)])
    else:
        _compare(
            m,
            tm,
            [x.transpose(0, 2, 3, 1)],
            lambda x: [m(x)],
            lambda x: [tm(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)],
        )


# ----- pooling -----

POOL_CASES = [
    # kernel, stride, padding, dilation (within PyTorch's rule: padding <= kernel // 2)
    (2, None, 0, 1),
    (3, 2, 1, 1),
    ((3, 2), (1, 2), (1, 0), 1),
    ((2, 3), 1, (0, 1), 1),
    (2, 1, 1, 2),
    ((3, 2), (2, 1), (1, 1), (2, 3)),
    (3, 2, 0, 1),
    ((2, 3), (1, 2), 0, (2, 1)),
    (2, (1, 3), 0, 1),
]


def _torch_avg_pool(x: Any, kernel: Any, stride: Any, padding: Any, dilation: Any) -> Any:
    """PyTorch's avg_pool2d (zero padding counted), or a depthwise ones-conv where dilated
    (PyTorch's avg_pool2d has no dilation)."""
    k = (kernel, kernel) if isinstance(kernel, int) else kernel
    s = k if stride is None else stride
    if dilation == 1:
        return F.avg_pool2d(x, k, s, padding, count_include_pad=True)
    c = x.shape[1]
    w = torch.full((c, 1, *k), 1.0 / (k[0] * k[1]), dtype=torch.float64)
    return F.conv2d(x, w, None, s, padding, dilation, groups=c)


@pytest.mark.parametrize(("kernel", "stride", "padding", "dilation"), POOL_CASES)
@pytest.mark.parametrize("fmt", ["NCHW", "NHWC"])
@pytest.mark.parametrize("op", ["max", "avg"])
def test_pool(kernel: Any, stride: Any, padding: Any, dilation: Any, fmt: str, op: str) -> None:
    layer = nn.MaxPool2D if op == "max" else nn.AvgPool2D
    m = layer(kernel, stride, padding, data_format=fmt, dilation=dilation)
    tm = torch.nn.Module()  # no parameters

    def ref(x: Any) -> Any:
        if op == "max":
            s = kernel if stride is None else stride
            return F.max_pool2d(x, kernel, s, padding, dilation)
        return _torch_avg_pool(x, kernel, stride, padding, dilation)

    # Distinct values: no ties, so both libraries pick the same winner.
    x = RNG.permutation(2 * 3 * 9 * 8).reshape(2, 3, 9, 8) / 10.0
    if fmt == "NCHW":
        _compare(m, tm, [x], lambda x: [m(x)], lambda x: [ref(x)])
    else:
        _compare(
            m,
            tm,
            [x.transpose(0, 2, 3, 1)],
            lambda x: [m(x)],
            lambda x: [ref(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)],
        )


# ----- Embedding -----


def test_embedding() -> None:
    m = nn.Embedding(7, 4, rng=2)
    tm = torch.nn.Embedding(7, 4)
    idx = np.array([[0, 3, 3], [6, 1, 3]])  # repeats: their gradients add up
    _compare(m, tm, [], lambda: [m(idx)], lambda: [tm(torch.from_numpy(idx))])


# ----- LSTM and GRU -----

RNN_NAMES = {n: n + "_l0" for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_lstm(batch_first: bool, bias: bool) -> None:
    steps, batch, nin, hid = 5, 3, 4, 6
    m = nn.LSTM(nin, hid, bias=bias, batch_first=batch_first, rng=3)
    tm = torch.nn.LSTM(nin, hid, bias=bias, batch_first=batch_first)
    shape = (batch, steps, nin) if batch_first else (steps, batch, nin)
    x, h0, c0 = RNG.normal(size=shape), RNG.normal(size=(batch, hid)), RNG.normal(size=(batch, hid))

    def ours(x: Any, h0: Any, c0: Any) -> list[Any]:
        seq, (h, c) = m(x, (h0, c0))
        return [seq, h, c]

    def theirs(x: Any, h0: Any, c0: Any) -> list[Any]:
        seq, (h, c) = tm(x, (h0[None], c0[None]))
        return [seq, h[0], c[0]]

    _compare(m, tm, [x, h0, c0], ours, theirs, RNN_NAMES)


def test_lstm_zero_state_and_last_output() -> None:
    m = nn.LSTM(3, 4, batch_first=True, return_sequences=False, rng=4)
    tm = torch.nn.LSTM(3, 4, batch_first=True)

    def ours(x: Any) -> list[Any]:
        last, (_, c) = m(x)
        return [last, c]

    def theirs(x: Any) -> list[Any]:
        seq, (_, c) = tm(x)
        return [seq[:, -1], c[0]]

    _compare(m, tm, [RNG.normal(size=(2, 6, 3))], ours, theirs, RNN_NAMES)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_gru(batch_first: bool, with_state: bool) -> None:
    steps, batch, nin, hid = 5, 3, 4, 6
    m = nn.GRU(nin, hid, batch_first=batch_first, rng=5)
    tm = torch.nn.GRU(nin, hid, batch_first=batch_first)
    shape = (batch, steps, nin) if batch_first else (steps, batch, nin)
    inputs = [RNG.normal(size=shape)]
    if with_state:
        inputs.append(RNG.normal(size=(batch, hid)))

    def ours(x: Any, h0: Any = None) -> list[Any]:
        seq, h = m(x, h0)
        return [seq, h]

    def theirs(x: Any, h0: Any = None) -> list[Any]:
        seq, h = tm(x, None if h0 is None else h0[None])
        return [seq, h[0]]

    _compare(m, tm, inputs, ours, theirs, RNN_NAMES)


# ----- normalisation and dropout -----


@pytest.mark.parametrize(
    ("make", "tmake", "shape", "fmt"),
    [
        (lambda: nn.BatchNorm1D(3), lambda: torch.nn.BatchNorm1d(3), (6, 3), "NCHW"),
        (lambda: nn.BatchNorm1D(3), lambda: torch.nn.BatchNorm1d(3), (4, 3, 5), "NCHW"),
        (lambda: nn.BatchNorm2D(3), lambda: torch.nn.BatchNorm2d(3), (2, 3, 4, 5), "NCHW"),
        (
            lambda: nn.BatchNorm2D(3, data_format="NHWC"),
            lambda: torch.nn.BatchNorm2d(3),
            (2, 4, 5, 3),
            "NHWC",
        ),
        (
            lambda: nn.BatchNorm2D(3, momentum=0.3, eps=1e-3),
            lambda: torch.nn.BatchNorm2d(3, momentum=0.3, eps=1e-3),
            (3, 3, 2, 2),
            "NCHW",
        ),
    ],
)
def test_batchnorm_train_then_eval(
    make: Callable[[], nn.Module], tmake: Callable[[], Any], shape: tuple[int, ...], fmt: str
) -> None:
    m, tm = make(), tmake()
    m.weight.assign(RNG.normal(size=3))  # type: ignore[attr-defined]
    m.bias.assign(RNG.normal(size=3))  # type: ignore[attr-defined]

    def theirs(x: Any) -> list[Any]:
        if fmt == "NHWC":
            return [tm(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)]
        return [tm(x)]

    for _ in range(3):  # training steps update the running statistics
        _compare(m, tm, [RNG.normal(1.5, 2.0, size=shape)], lambda x: [m(x)], theirs)
        _close(m.running_mean, tm.running_mean.numpy(), "running_mean")  # type: ignore[attr-defined]
        _close(m.running_var, tm.running_var.numpy(), "running_var")  # type: ignore[attr-defined]
    m.eval()
    tm.eval()
    _compare(m, tm, [RNG.normal(size=shape)], lambda x: [m(x)], theirs)


@pytest.mark.parametrize("normalized", [5, (3, 5)])
@pytest.mark.parametrize("affine", [True, False])
def test_layernorm(normalized: Any, affine: bool) -> None:
    m = nn.LayerNorm(normalized, elementwise_affine=affine)
    tm = torch.nn.LayerNorm(normalized, elementwise_affine=affine)
    if affine:
        m.weight.assign(RNG.normal(size=m.weight.shape))  # type: ignore[union-attr]
        m.bias.assign(RNG.normal(size=m.bias.shape))  # type: ignore[union-attr]
    _compare(m, tm, [RNG.normal(size=(2, 3, 5))], lambda x: [m(x)], lambda x: [tm(x)])


def test_dropout_in_eval_is_the_identity() -> None:
    m, tm = nn.Dropout(0.4, rng=0), torch.nn.Dropout(0.4)
    m.eval()
    tm.eval()
    _compare(m, tm, [RNG.normal(size=(4, 5))], lambda x: [m(x)], lambda x: [tm(x)])


# ----- losses -----

REDUCTIONS = ["mean", "sum", "none"]
PRED = RNG.normal(size=(6, 4)) * 2
TARGET = RNG.normal(size=(6, 4))
BINARY = (RNG.uniform(size=(6, 4)) > 0.5).astype(float)
SOFT = RNG.uniform(size=(6, 4))  # soft binary targets
PROB = RNG.uniform(0.05, 0.95, size=(6, 4))
LABELS = np.array([0, 3, 1, 1, 2, 3])


def _loss_case(ours: Callable[[Any], Any], theirs: Callable[[Any], Any], x: np.ndarray) -> None:
    _compare(nn.Module(), torch.nn.Module(), [x], lambda x: [ours(x)], lambda x: [theirs(x)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse(reduction: Any) -> None:
    tt = torch.from_numpy(TARGET)
    _loss_case(
        lambda p: losses.mse(p, TARGET, reduction=reduction),
        lambda p: F.mse_loss(p, tt, reduction=reduction),
        PRED,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("delta", [1.0, 0.6, 2.5])
def test_huber(reduction: Any, delta: float) -> None:
    tt = torch.from_numpy(TARGET)
    _loss_case(
        lambda p: losses.huber(p, TARGET, delta=delta, reduction=reduction),
        lambda p: F.huber_loss(p, tt, reduction=reduction, delta=delta),
        PRED,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("target", [BINARY, SOFT])
def test_binary_cross_entropy_with_logits(reduction: Any, target: np.ndarray) -> None:
    tt = torch.from_numpy(target)
    _loss_case(
        lambda z: losses.binary_cross_entropy_with_logits(z, target, reduction=reduction),
        lambda z: F.binary_cross_entropy_with_logits(z, tt, reduction=reduction),
        PRED,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy(reduction: Any) -> None:
    tt = torch.from_numpy(SOFT)
    _loss_case(
        lambda p: losses.binary_cross_entropy(p, SOFT, reduction=reduction),
        lambda p: F.binary_cross_entropy(p, tt, reduction=reduction),
        PROB,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("soft", [False, True])
def test_cross_entropy_from_logits(reduction: Any, soft: bool) -> None:
    if soft:
        target = RNG.dirichlet(np.ones(4), size=6)
        tt = torch.from_numpy(target)
    else:
        target, tt = LABELS, torch.from_numpy(LABELS)
    _loss_case(
        lambda z: losses.cross_entropy(z, target, reduction=reduction),
        lambda z: F.cross_entropy(z, tt, reduction=reduction),
        PRED,
    )


def test_cross_entropy_class_axis_one() -> None:
    """Logits (N, C, L) with the classes on axis 1, as PyTorch's cross_entropy takes them."""
    z = RNG.normal(size=(3, 4, 5))
    labels = RNG.integers(0, 4, size=(3, 5))
    tl = torch.from_numpy(labels)
    _loss_case(
        lambda z: losses.cross_entropy(z, labels, axis=1, reduction="sum"),
        lambda z: F.cross_entropy(z, tl, reduction="sum"),
        z,
    )


# ----- initializers: the same spread as torch.nn.init -----

INIT_PAIRS = [
    ("glorot_uniform", lambda w: torch.nn.init.xavier_uniform_(w)),
    ("glorot_normal", lambda w: torch.nn.init.xavier_normal_(w)),
    ("he_uniform", lambda w: torch.nn.init.kaiming_uniform_(w, a=0, nonlinearity="relu")),
    ("he_normal", lambda w: torch.nn.init.kaiming_normal_(w, a=0, nonlinearity="relu")),
    # LeCun is Kaiming with the linear gain (1).
    ("lecun_uniform", lambda w: torch.nn.init.kaiming_uniform_(w, nonlinearity="linear")),
    ("lecun_normal", lambda w: torch.nn.init.kaiming_normal_(w, nonlinearity="linear")),
]


@pytest.mark.parametrize(("name", "theirs"), INIT_PAIRS)
@pytest.mark.parametrize("shape", [(300, 200), (64, 16, 3, 3)])
def test_initializer_spread_matches_torch(
    name: str, theirs: Callable[[Any], Any], shape: tuple[int, ...]
) -> None:
    ours = getattr(nn.init, name)(shape, rng=0)
    torch.manual_seed(0)
    ref = theirs(torch.empty(shape, dtype=torch.float64)).numpy()
    assert ours.shape == ref.shape
    assert abs(ours.std() / ref.std() - 1) < 0.02, (ours.std(), ref.std())
    if name.endswith("uniform"):  # the same bound: both maxima sit just under it
        assert abs(np.abs(ours).max() / np.abs(ref).max() - 1) < 0.01
