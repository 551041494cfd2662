"""Optimizers: updates equal the published rules (a reference written here from the formulas,
and torch.optim where installed), gradient formats, all-or-nothing steps, state dicts, errors."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import tapediff as td
from tapediff import nn, optim

Arrays = list[np.ndarray]
SHAPES = [(3, 4), (4,), ()]
STEPS = 6


def _init(dtype: Any = np.float64) -> Arrays:
    rng = np.random.default_rng(0)
    return [rng.normal(size=s).astype(dtype) for s in SHAPES]


def _grads(dtype: Any = np.float64, none_at: tuple[int, int] | None = None) -> list[list[Any]]:
    """STEPS lists of gradients; ``none_at=(step, index)`` leaves one gradient out."""
    rng = np.random.default_rng(1)
    out: list[list[Any]] = []
    for t in range(STEPS):
        gs: list[Any] = [rng.normal(size=s).astype(dtype) for s in SHAPES]
        if none_at is not None and none_at[0] == t:
            gs[none_at[1]] = None
        out.append(gs)
    return out


# ----- references, written from the published update rules (PyTorch's documentation) -----


def ref_sgd(
    ps: Arrays,
    steps: list[list[Any]],
    lr: float,
    momentum: float = 0.0,
    dampening: float = 0.0,
    weight_decay: float = 0.0,
    nesterov: bool = False,
) -> Arrays:
    ps = [p.copy() for p in ps]
    b: list[Any] = [None] * len(ps)
    for gs in steps:
        for i, g in enumerate(gs):
            if g is None:
                continue
            g = g + weight_decay * ps[i]
            if momentum != 0:
                b[i] = g if b[i] is None else momentum * b[i] + (1 - dampening) * g
                g = g + momentum * b[i] if nesterov else b[i]
            ps[i] = ps[i] - lr * g
    return ps


def ref_adam(
    ps: Arrays,
    steps: list[list[Any]],
    lr: float,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    amsgrad: bool = False,
    decoupled: bool = False,
) -> Arrays:
    b1, b2 = betas
    ps = [p.copy() for p in ps]
    m = [np.zeros_like(p) for p in ps]
    v = [np.zeros_like(p) for p in ps]
    vmax = [np.zeros_like(p) for p in ps]
    t = [0] * len(ps)
    for gs in steps:
        for i, g in enumerate(gs):
            if g is None:
                continue
            t[i] += 1
            if decoupled:
                ps[i] = ps[i] - lr * weight_decay * ps[i]
            else:
                g = g + weight_decay * ps[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g**2
            m_hat = m[i] / (1 - b1 ** t[i])
            if amsgrad:
                vmax[i] = np.maximum(vmax[i], v[i])
                v_hat = vmax[i] / (1 - b2 ** t[i])
            else:
                v_hat = v[i] / (1 - b2 ** t[i])
            ps[i] = ps[i] - lr * m_hat / (np.sqrt(v_hat) + eps)
    return ps


def ref_rmsprop(
    ps: Arrays,
    steps: list[list[Any]],
    lr: float,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    momentum: float = 0.0,
    centered: bool = False,
) -> Arrays:
    ps = [p.copy() for p in ps]
    v = [np.zeros_like(p) for p in ps]
    ga = [np.zeros_like(p) for p in ps]
    b = [np.zeros_like(p) for p in ps]
    for gs in steps:
        for i, g in enumerate(gs):
            if g is None:
                continue
            g = g + weight_decay * ps[i]
            v[i] = alpha * v[i] + (1 - alpha) * g**2
            vt = v[i]
            if centered:
                ga[i] = alpha * ga[i] + (1 - alpha) * g
                vt = vt - ga[i] ** 2
            if momentum > 0:
                b[i] = momentum * b[i] + g / (np.sqrt(vt) + eps)
                ps[i] = ps[i] - lr * b[i]
            else:
                ps[i] = ps[i] - lr * g / (np.sqrt(vt) + eps)
    return ps


def ref_adagrad(
    ps: Arrays,
    steps: list[list[Any]],
    lr: float,
    lr_decay: float = 0.0,
    weight_decay: float = 0.0,
    initial_accumulator_value: float = 0.0,
    eps: float = 1e-10,
) -> Arrays:
    ps = [p.copy() for p in ps]
    s = [np.full_like(p, initial_accumulator_value) for p in ps]
    t = [0] * len(ps)
    for gs in steps:
        for i, g in enumerate(gs):
            if g is None:
                continue
            t[i] += 1
            g = g + weight_decay * ps[i]
            clr = lr / (1 + (t[i] - 1) * lr_decay)
            s[i] = s[i] + g**2
            ps[i] = ps[i] - clr * g / (np.sqrt(s[i]) + eps)
    return ps


def _adamw_ref(ps: Arrays, steps: list[list[Any]], lr: float, **kw: Any) -> Arrays:
    kw.setdefault("weight_decay", 1e-2)
    return ref_adam(ps, steps, lr, decoupled=True, **kw)


Ref = Callable[..., Arrays]
CASES: list[tuple[str, type[optim.Optimizer], Ref, dict[str, Any]]] = [
    ("sgd", optim.SGD, ref_sgd, {"lr": 0.1}),
    ("sgd-momentum", optim.SGD, ref_sgd, {"lr": 0.1, "momentum": 0.9}),
    (
        "sgd-dampening-wd",
        optim.SGD,
        ref_sgd,
        {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.1},
    ),
    ("sgd-nesterov", optim.SGD, ref_sgd, {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    (
        "sgd-nesterov-wd",
        optim.SGD,
        ref_sgd,
        {"lr": 0.1, "momentum": 0.5, "nesterov": True, "weight_decay": 0.01},
    ),
    ("adam", optim.Adam, ref_adam, {"lr": 0.1}),
    ("adam-betas-eps", optim.Adam, ref_adam, {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-3}),
    ("adam-wd", optim.Adam, ref_adam, {"lr": 0.1, "weight_decay": 0.2}),
    ("amsgrad", optim.Adam, ref_adam, {"lr": 0.1, "amsgrad": True}),
    (
        "amsgrad-wd",
        optim.Adam,
        ref_adam,
        {"lr": 0.1, "amsgrad": True, "weight_decay": 0.1, "betas": (0.8, 0.95)},
    ),
    ("adamw", optim.AdamW, _adamw_ref, {"lr": 0.1}),
    ("adamw-amsgrad", optim.AdamW, _adamw_ref, {"lr": 0.1, "weight_decay": 0.3, "amsgrad": True}),
    ("rmsprop", optim.RMSprop, ref_rmsprop, {"lr": 0.01}),
    ("rmsprop-centered", optim.RMSprop, ref_rmsprop, {"lr": 0.01, "centered": True}),
    (
        "rmsprop-momentum-wd",
        optim.RMSprop,
        ref_rmsprop,
        {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.1, "alpha": 0.9},
    ),
    (
        "rmsprop-centered-momentum",
        optim.RMSprop,
        ref_rmsprop,
        {"lr": 0.01, "momentum": 0.5, "centered": True, "eps": 1e-4},
    ),
    ("adagrad", optim.Adagrad, ref_adagrad, {"lr": 0.1}),
    (
        "adagrad-decay-init",
        optim.Adagrad,
        ref_adagrad,
        {"lr": 0.1, "lr_decay": 0.2, "initial_accumulator_value": 0.5},
    ),
    ("adagrad-wd-eps", optim.Adagrad, ref_adagrad, {"lr": 0.1, "weight_decay": 0.1, "eps": 1e-3}),
]
IDS = [c[0] for c in CASES]


def _run(
    cls: type[optim.Optimizer], kw: dict[str, Any], steps: list[list[Any]], dtype: Any = np.float64
) -> tuple[list[td.Variable], optim.Optimizer]:
    vs = [td.Variable(p) for p in _init(dtype)]
    opt = cls(vs, **kw)
    for gs in steps:
        assert opt.step(gs) is True
    return vs, opt


@pytest.mark.parametrize(("name", "cls", "ref", "kw"), CASES, ids=IDS)
def test_matches_published_rule(
    name: str, cls: type[optim.Optimizer], ref: Ref, kw: dict[str, Any]
) -> None:
    steps = _grads()
    vs, opt = _run(cls, kw, steps)
    expected = ref(_init(), steps, **kw)
    for v, e in zip(vs, expected, strict=True):
        np.testing.assert_allclose(v.numpy(), e, rtol=1e-12, atol=1e-14)
    assert opt.step_count == STEPS
    # The result really moved: a rule that did nothing would not match the reference by chance.
    assert not np.allclose(vs[0].numpy(), _init()[0])


@pytest.mark.parametrize(("name", "cls", "ref", "kw"), CASES, ids=IDS)
def test_none_gradient_skips_variable_and_its_state(
    name: str, cls: type[optim.Optimizer], ref: Ref, kw: dict[str, Any]
) -> None:
    steps = _grads(none_at=(2, 1))
    vs, opt = _run(cls, kw, steps)
    for v, e in zip(vs, ref(_init(), steps, **kw), strict=True):
        np.testing.assert_allclose(v.numpy(), e, rtol=1e-12, atol=1e-14)
    state = opt.state_dict()
    assert state["0.step"] == STEPS and state["1.step"] == STEPS - 1


def _torch_run(
    torch: Any, cls_name: str, kw: dict[str, Any], steps: list[list[Any]], dtype: Any
) -> list[np.ndarray]:
    params = [torch.tensor(p, requires_grad=True) for p in _init(dtype)]
    opt = getattr(torch.optim, cls_name)(params, **kw)
    for gs in steps:
        for p, g in zip(params, gs, strict=True):
            p.grad = None if g is None else torch.tensor(g)
        opt.step()
    return [p.detach().numpy() for p in params]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("name", "cls", "ref", "kw"), CASES, ids=IDS)
def test_matches_torch(
    name: str, cls: type[optim.Optimizer], ref: Ref, kw: dict[str, Any], dtype: Any
) -> None:
    torch = pytest.importorskip("torch")
    steps = _grads(dtype, none_at=(3, 2))
    vs, _ = _run(cls, kw, steps, dtype)
    expected = _torch_run(torch, cls.__name__, kw, steps, dtype)
    tol = 1e-12 if dtype == np.float64 else 2e-5
    for v, e in zip(vs, expected, strict=True):
        assert v.dtype == dtype
        np.testing.assert_allclose(v.numpy(), e, rtol=tol, atol=tol)


@pytest.mark.parametrize(("name", "cls", "ref", "kw"), CASES, ids=IDS)
def test_float32_stays_float32(
    name: str, cls: type[optim.Optimizer], ref: Ref, kw: dict[str, Any]
) -> None:
    vs, opt = _run(cls, kw, _grads(np.float64), np.float32)  # float64 gradients are cast
    assert all(v.dtype == np.float32 for v in vs)
    assert all(
        a.dtype == np.float32
        for k, a in opt.state_dict().items()
        if not k.endswith("step") and k != "step_count"
    )


# ----- gradient formats and use with a tape -----


def _model() -> nn.Sequential:
    return nn.Sequential(nn.Linear(3, 4, rng=0), nn.Tanh(), nn.Linear(4, 1, rng=1))


def test_module_params_names_and_tape_gradients_train() -> None:
    model = _model()
    opt = optim.Adam(model, lr=0.05)
    assert opt.variables == model.parameters()
    assert opt.names == [n for n, _ in model.named_parameters()]
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3))
    y = np.sin(x.sum(axis=1, keepdims=True))
    losses = []
    for _ in range(60):
        with td.Tape() as tape:
            loss = nn.losses.mse(model(x), y)
        losses.append(float(loss))
        opt.step(tape.gradient(loss, opt.variables))
    assert losses[-1] < 0.3 * losses[0]


def test_gradient_dicts_by_variable_and_by_name_equal_list() -> None:
    steps = _grads()
    base, _ = _run(optim.Adam, {"lr": 0.1}, steps)

    vs = [td.Variable(p) for p in _init()]
    opt = optim.Adam(vs, lr=0.1)
    for gs in steps:
        opt.step({v: td.tensor(g) for v, g in zip(vs, gs, strict=True)})
    named = {f"p{i}": td.Variable(p) for i, p in enumerate(_init())}
    opt2 = optim.Adam(named, lr=0.1)
    assert opt2.names == ["p0", "p1", "p2"]
    for gs in steps:
        opt2.step({f"p{i}": g for i, g in enumerate(gs)})
    for a, b, c in zip(base, vs, named.values(), strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        np.testing.assert_array_equal(a.numpy(), c.numpy())


def test_dict_missing_key_is_no_gradient() -> None:
    vs = [td.Variable(p) for p in _init()]
    opt = optim.SGD(vs, lr=1.0)
    opt.step({vs[0]: np.ones(SHAPES[0])})
    np.testing.assert_array_equal(vs[0].numpy(), _init()[0] - 1)
    np.testing.assert_array_equal(vs[1].numpy(), _init()[1])


def test_tape_gradient_by_name_dict() -> None:
    model = _model()
    opt = optim.SGD(model, lr=0.1)
    x = np.ones((2, 3))
    with td.Tape() as tape:
        loss = td.sum(model(x))
    grads = tape.gradient(loss, dict(model.named_parameters()))
    before = [v.numpy().copy() for v in opt.variables]
    opt.step(grads)
    for v, b, name in zip(opt.variables, before, opt.names or [], strict=True):
        np.testing.assert_allclose(v.numpy(), b - 0.1 * np.asarray(grads[name]))


# ----- all or nothing -----


def _snapshot(opt: optim.Optimizer) -> tuple[Arrays, dict[str, np.ndarray]]:
    return [v.numpy().copy() for v in opt.variables], opt.state_dict()


def _assert_unchanged(opt: optim.Optimizer, snap: tuple[Arrays, dict[str, np.ndarray]]) -> None:
    values, state = snap
    for v, b in zip(opt.variables, values, strict=True):
        np.testing.assert_array_equal(v.numpy(), b)
    now = opt.state_dict()
    assert now.keys() == state.keys()
    for k in state:
        np.testing.assert_array_equal(now[k], state[k])


@pytest.mark.parametrize(("name", "cls", "ref", "kw"), CASES, ids=IDS)
def test_wrong_shape_raises_and_changes_nothing(
    name: str, cls: type[optim.Optimizer], ref: Ref, kw: dict[str, Any]
) -> None:
    _, opt = _run(cls, kw, _grads()[:2])
    snap = _snapshot(opt)
    good = _grads()[2]
    bad = [*good[:2], np.ones(5)]  # the last one is wrong: the first two must not be applied
    with pytest.raises(
        ValueError, match=r"gradient for variable 2 has shape \(5,\), expected \(\)"
    ):
        opt.step(bad)
    _assert_unchanged(opt, snap)
    assert opt.step_count == 2


def test_wrong_shape_names_module_parameter() -> None:
    model = _model()
    opt = optim.SGD(model, lr=0.1, momentum=0.9)
    grads = [np.zeros(v.shape) for v in opt.variables]
    grads[2] = np.zeros((4, 1))
    with pytest.raises(
        ValueError,
        match=r"SGD.step: the gradient for variable 2 \('layers.2.weight'\) has shape \(4, 1\), expected \(1, 4\)",
    ):
        opt.step(grads)


def test_wrong_count_and_type_raise() -> None:
    vs = [td.Variable(p) for p in _init()]
    opt = optim.Adam(vs)
    snap = _snapshot(opt)
    with pytest.raises(ValueError, match=r"Adam.step: expected 3 gradients .* got 2"):
        opt.step(_grads()[0][:2])
    with pytest.raises(TypeError, match=r"Adam.step: expected a list or tuple .* got ndarray"):
        opt.step(np.zeros(3))
    with pytest.raises(
        TypeError,
        match=r"Adam.step: the gradient for variable 0 must hold real numbers; got dtype complex128",
    ):
        opt.step([np.zeros(SHAPES[0], complex), None, None])
    with pytest.raises(TypeError, match=r"Adam.step: the gradient for variable 1 is not an array"):
        opt.step([None, [[1.0], [1.0, 2.0]], None])
    with pytest.raises(
        TypeError,
        match=r"Adam.step: the gradient for variable 2 must hold real numbers; got dtype <U1",
    ):
        opt.step([None, None, "x"])
    with pytest.raises(KeyError, match=r"does not update"):
        opt.step({td.Variable(np.zeros(3)): np.zeros(3)})
    with pytest.raises(KeyError, match=r"keyed by name need an optimizer built from a Module"):
        opt.step({"w": np.zeros(3)})
    with pytest.raises(TypeError, match=r"keys must be Variables or names; got a key of type int"):
        opt.step({0: np.zeros(3)})
    _assert_unchanged(opt, snap)


def test_unknown_and_duplicate_names_raise() -> None:
    model = _model()
    opt = optim.SGD(model, lr=0.1)
    with pytest.raises(KeyError, match=r"no variable named 'layers.9.weight'"):
        opt.step({"layers.9.weight": np.zeros((4, 3))})
    w = model.layers[0].weight  # type: ignore[attr-defined]
    with pytest.raises(
        ValueError, match=r"two gradients given for variable 0 \('layers.0.weight'\)"
    ):
        opt.step({"layers.0.weight": np.zeros((4, 3)), w: np.zeros((4, 3))})


@pytest.mark.parametrize(("name", "cls", "ref", "kw"), CASES, ids=IDS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_skip_nonfinite_changes_nothing(
    name: str, cls: type[optim.Optimizer], ref: Ref, kw: dict[str, Any], bad: float
) -> None:
    vs = [td.Variable(p) for p in _init()]
    opt = cls(vs, skip_nonfinite=True, **kw)
    for gs in _grads()[:2]:
        assert opt.step(gs) is True
    snap = _snapshot(opt)
    gs = _grads()[2]
    gs[2] = np.array(bad)
    assert opt.step(gs) is False
    _assert_unchanged(opt, snap)
    assert opt.step_count == 2
    # The next finite step continues as if the skipped one never happened.
    for gs in _grads()[3:]:
        assert opt.step(gs) is True
    expected = ref(_init(), _grads()[:2] + _grads()[3:], **kw)
    for v, e in zip(vs, expected, strict=True):
        np.testing.assert_allclose(v.numpy(), e, rtol=1e-12, atol=1e-14)


def test_nonfinite_without_skip_is_applied_as_torch_does() -> None:
    v = td.Variable(np.ones(2))
    opt = optim.SGD([v], lr=0.1)
    assert opt.step([np.array([np.nan, 1.0])]) is True
    assert np.isnan(v.numpy()[0]) and v.numpy()[1] == pytest.approx(0.9)


# ----- hyperparameters and construction -----


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda p: optim.SGD(p, lr=-0.1), r"SGD: lr must be a finite number >= 0; got -0.1"),
        (
            lambda p: optim.Adam(p, lr=float("nan")),
            r"Adam: lr must be a finite number >= 0; got nan",
        ),
        (
            lambda p: optim.Adam(p, betas=(1.0, 0.999)),
            r"Adam: betas\[0\] must be in \[0, 1\); got 1.0",
        ),
        (
            lambda p: optim.AdamW(p, betas=(0.9, -0.1)),
            r"AdamW: betas\[1\] must be in \[0, 1\); got -0.1",
        ),
        (lambda p: optim.Adam(p, eps=-1e-8), r"Adam: eps must be >= 0; got -1e-08"),
        (lambda p: optim.Adam(p, weight_decay=-1), r"Adam: weight_decay must be >= 0; got -1"),
        (lambda p: optim.SGD(p, momentum=-0.5), r"SGD: momentum must be >= 0; got -0.5"),
        (
            lambda p: optim.SGD(p, nesterov=True),
            r"SGD: nesterov=True needs momentum > 0 and dampening == 0",
        ),
        (
            lambda p: optim.SGD(p, momentum=0.9, dampening=0.1, nesterov=True),
            r"nesterov=True needs",
        ),
        (lambda p: optim.RMSprop(p, alpha=-0.1), r"RMSprop: alpha must be >= 0; got -0.1"),
        (lambda p: optim.RMSprop(p, momentum=-1), r"RMSprop: momentum must be >= 0"),
        (lambda p: optim.Adagrad(p, lr_decay=-1), r"Adagrad: lr_decay must be >= 0; got -1"),
        (
            lambda p: optim.Adagrad(p, initial_accumulator_value=-1),
            r"Adagrad: initial_accumulator_value must be >= 0",
        ),
        (lambda p: optim.Adagrad(p, eps=math.inf), r"Adagrad: eps must be >= 0; got inf"),
    ],
)
def test_bad_hyperparameters_are_named(make: Callable[[Any], Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make([td.Variable(np.zeros(2))])


def test_bad_hyperparameter_types() -> None:
    p = [td.Variable(np.zeros(2))]
    with pytest.raises(TypeError, match=r"Adam: betas must be a pair"):
        optim.Adam(p, betas=0.9)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"SGD: lr must be a real number; got str"):
        optim.SGD(p, lr="0.1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"SGD: momentum must be a real number; got NoneType"):
        optim.SGD(p, momentum=None)  # type: ignore[arg-type]


def test_bad_params() -> None:
    v = td.Variable(np.zeros(2))
    with pytest.raises(ValueError, match=r"SGD: got no variables to optimize"):
        optim.SGD([])
    with pytest.raises(ValueError, match=r"SGD: parameter 1 appears twice"):
        optim.SGD([v, v])
    with pytest.raises(
        TypeError,
        match=r"SGD: parameter 0 must be a Variable; got Tensor \(a Tensor cannot be updated",
    ):
        optim.SGD([td.tensor([1.0])])
    with pytest.raises(TypeError, match=r"SGD: params must be a Module, a dict .* got ndarray"):
        optim.SGD(np.zeros(3))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"SGD: parameter 'b' must be a Variable; got int"):
        optim.SGD({"a": v, "b": 3})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match=r"keyed by name \(str\); got a key of type int"):
        optim.SGD({1: v})  # type: ignore[dict-item]


def test_hyperparameters_fixed_lr_settable() -> None:
    v = td.Variable(np.ones(2))
    opt = optim.Adam([v], lr=0.1, amsgrad=False)
    with pytest.raises(AttributeError, match=r"Adam.amsgrad is fixed at construction"):
        opt.amsgrad = True
    assert opt.amsgrad is False
    opt.lr = 0.5
    assert opt.lr == 0.5
    with pytest.raises(ValueError, match=r"Adam: lr must be a finite number >= 0; got -1"):
        opt.lr = -1
    assert opt.lr == 0.5
    sgd = optim.SGD([v], lr=0.5)
    sgd.lr = 0.25
    sgd.step([np.ones(2)])
    np.testing.assert_allclose(v.numpy(), [0.75, 0.75])
    assert "lr=0.25" in repr(sgd)


def test_schedule_as_lr() -> None:
    v = td.Variable(np.zeros(1))
    opt = optim.SGD([v], lr=lambda t: 0.1 * (t + 1))
    assert opt.lr == pytest.approx(0.1)
    for _ in range(3):
        opt.step([np.ones(1)])
    np.testing.assert_allclose(v.numpy(), [-(0.1 + 0.2 + 0.3)])
    assert opt.lr == pytest.approx(0.4)
    assert opt.lr_schedule is not None
    # A skipped step does not advance the schedule.
    opt2 = optim.SGD(
        [td.Variable(np.zeros(1))], lr=optim.schedules.StepLR(1.0, 1, 0.5), skip_nonfinite=True
    )
    assert opt2.step([np.array([np.nan])]) is False
    assert opt2.lr == 1.0


def test_schedule_giving_a_bad_rate_raises_and_changes_nothing() -> None:
    v = td.Variable(np.zeros(1))
    opt = optim.SGD([v], lr=lambda t: 0.1 - 0.1 * t)
    opt.step([np.ones(1)])
    opt.step([np.ones(1)])  # rate 0 at step 1
    snap = _snapshot(opt)
    with pytest.raises(
        ValueError, match=r"SGD: lr schedule .* at step 2 must be a finite number >= 0; got -0.1"
    ):
        opt.step([np.ones(1)])
    _assert_unchanged(opt, snap)
    np.testing.assert_allclose(v.numpy(), [-0.1])
    with pytest.raises(
        TypeError, match=r"SGD: lr schedule .* at step 0 must be a real number; got str"
    ):
        optim.SGD([v], lr=lambda t: "fast")  # type: ignore[arg-type,return-value]


# ----- state dicts -----


@pytest.mark.parametrize(("name", "cls", "ref", "kw"), CASES, ids=IDS)
def test_state_dict_round_trip_through_npz(
    name: str, cls: type[optim.Optimizer], ref: Ref, kw: dict[str, Any], tmp_path: Any
) -> None:
    steps = _grads()
    vs, opt = _run(cls, kw, steps[:3])
    path = tmp_path / "opt.npz"
    np.savez(path, **opt.state_dict())
    vs2 = [td.Variable(v.numpy()) for v in vs]
    opt2 = cls(vs2, **kw)
    with np.load(path, allow_pickle=False) as data:
        opt2.load_state_dict({k: data[k] for k in data.files})
    assert opt2.step_count == 3
    for gs in steps[3:]:
        opt.step(gs)
        opt2.step(gs)
    for a, b in zip(vs, vs2, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    # And both equal an uninterrupted run.
    for a, e in zip(vs, ref(_init(), steps, **kw), strict=True):
        np.testing.assert_allclose(a.numpy(), e, rtol=1e-12, atol=1e-14)


def test_state_dict_keys_are_names_for_modules() -> None:
    opt = optim.Adam(_model(), amsgrad=True)
    assert set(opt.state_dict()) >= {
        "step_count",
        "layers.0.weight.step",
        "layers.0.weight.exp_avg",
        "layers.2.bias.max_exp_avg_sq",
    }


def test_load_state_dict_errors_change_nothing() -> None:
    _, opt = _run(optim.Adam, {"lr": 0.1}, _grads()[:2])
    snap = _snapshot(opt)
    good = opt.state_dict()
    missing = {k: v for k, v in good.items() if k != "1.exp_avg"}
    with pytest.raises(
        KeyError, match=r"Adam.load_state_dict: missing keys \['1.exp_avg'\]; nothing was loaded"
    ):
        opt.load_state_dict(missing)
    with pytest.raises(KeyError, match=r"unexpected keys \['0.max_exp_avg_sq'\]"):
        opt.load_state_dict(good | {"0.max_exp_avg_sq": np.zeros((3, 4))})
    zeros = {k: np.zeros_like(v) for k, v in good.items()}
    with pytest.raises(ValueError, match=r"'2.exp_avg_sq' has shape \(1,\), expected \(\)"):
        opt.load_state_dict(zeros | {"2.exp_avg_sq": np.zeros(1)})
    with pytest.raises(TypeError, match=r"'2.exp_avg' has dtype float32, expected float64"):
        opt.load_state_dict(zeros | {"2.exp_avg": np.float32(0)})
    with pytest.raises(ValueError, match=r"'step_count' must be a non-negative integer"):
        opt.load_state_dict(zeros | {"step_count": np.array(-1)})
    with pytest.raises(ValueError, match=r"'0.step' must be a non-negative integer"):
        opt.load_state_dict(zeros | {"0.step": np.array(1.5)})
    _assert_unchanged(opt, snap)
    opt.load_state_dict(zeros)
    assert opt.step_count == 0


def test_variables_and_names_are_copies() -> None:
    model = _model()
    opt = optim.SGD(model, lr=1.0)
    opt.variables.append(td.Variable(np.zeros(1)))
    opt.names.append("extra")  # type: ignore[union-attr]
    assert len(opt.variables) == 4 and opt.names == [n for n, _ in model.named_parameters()]
    opt.step([np.zeros(v.shape) for v in opt.variables])
