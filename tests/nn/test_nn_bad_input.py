"""Bad input to layers and state dicts: each error names the layer (or key), what was expected
and what was given, and a refused state dict leaves every parameter and buffer as it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from tapediff import nn

WRONG_SHAPES: list[tuple[Callable[[], nn.Module], tuple[int, ...], str]] = [
    (lambda: nn.Linear(3, 2), (4, 5), r"Linear: expected input of shape \(\.\.\., 3\); got shape \(4, 5\)"),
    (lambda: nn.Conv2D(2, 4, 3), (1, 3, 8, 8), r"Conv2D: expected input of shape \(N, 2, H, W\); got shape \(1, 3, 8, 8\)"),
    (lambda: nn.Conv2D(2, 4, 3, data_format="NHWC"), (8, 8, 2), r"Conv2D: expected input of shape \(N, H, W, 2\); got shape \(8, 8, 2\)"),
    (lambda: nn.MaxPool2D(2), (3, 8, 8), r"MaxPool2D: expected input of shape 4-d \(N, C, H, W\); got shape \(3, 8, 8\)"),
    (lambda: nn.AvgPool2D(2, data_format="NHWC"), (8, 8), r"AvgPool2D: expected input of shape 4-d \(N, H, W, C\); got shape \(8, 8\)"),
    (lambda: nn.LSTM(3, 4), (5, 2, 4), r"LSTM: expected input of shape \(T, N, 3\); got shape \(5, 2, 4\)"),
    (lambda: nn.GRU(3, 4, batch_first=True), (2, 3), r"GRU: expected input of shape \(N, T, 3\); got shape \(2, 3\)"),
    (lambda: nn.BatchNorm1D(3), (4, 2), r"BatchNorm1D: expected input of shape \(N, 3\) or \(N, 3, L\); got shape \(4, 2\)"),
    (lambda: nn.BatchNorm2D(3), (4, 2, 5, 5), r"BatchNorm2D: expected input of shape \(N, 3, H, W\); got shape \(4, 2, 5, 5\)"),
    (lambda: nn.LayerNorm(6), (4, 5), r"LayerNorm: expected input of shape \(\.\.\., 6\); got shape \(4, 5\)"),
    (lambda: nn.Flatten(), (), r"Flatten: expected input of shape \(N, \.\.\.\); got shape \(\)"),
    # Inside a Sequential the failing layer still names itself.
    (lambda: nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(5, 2)), (2, 3), r"Linear: expected input of shape \(\.\.\., 5\); got shape \(2, 4\)"),
]  # fmt: skip


@pytest.mark.parametrize(("make", "shape", "msg"), WRONG_SHAPES)
def test_wrong_input_shape_names_layer_expected_and_given(
    make: Callable[[], nn.Module], shape: tuple[int, ...], msg: str
) -> None:
    with pytest.raises(ValueError, match=msg):
        make()(np.ones(shape))


def _net() -> nn.Module:
    return nn.Sequential(
        nn.Conv2D(1, 2, 3, rng=0),
        nn.BatchNorm2D(2),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(8, 3, rng=1),
    )


def _snapshot(m: nn.Module) -> dict[str, np.ndarray]:
    return {k: np.array(v) for k, v in m.state_dict().items()}


@pytest.mark.parametrize(
    ("edit", "exc", "msg"),
    [
        # The bad entry sorts last, so every other key would already have been loaded by a
        # loader that wrote as it checked.
        (lambda d: d.pop("layers.4.bias"), KeyError, r"missing keys \['layers.4.bias'\]"),
        (
            lambda d: d.update(**{"layers.1.running_std": np.ones(2)}),
            KeyError,
            r"unexpected keys \['layers.1.running_std'\]",
        ),
        (
            lambda d: (d.pop("layers.0.bias"), d.update(**{"layers.0.b": np.ones(2)})),
            KeyError,
            r"missing keys \['layers.0.bias'\]; unexpected keys \['layers.0.b'\]",
        ),
        (
            lambda d: d.update(**{"layers.4.weight": np.ones((8, 3))}),
            ValueError,
            r"'layers.4.weight' has shape \(8, 3\), expected \(3, 8\)",
        ),
        (
            lambda d: d.update(**{"layers.1.running_var": np.ones(3)}),
            ValueError,
            r"'layers.1.running_var' has shape \(3,\), expected \(2,\)",
        ),
    ],
)
def test_refused_state_dict_changes_no_parameter_or_buffer(
    edit: Callable[[dict[str, Any]], object], exc: type, msg: str
) -> None:
    m = _net()
    m(np.random.default_rng(0).normal(size=(4, 1, 4, 4)))  # running statistics move off 0/1
    before = _snapshot(m)
    new = {k: v + 1.0 for k, v in before.items()}
    edit(new)
    with pytest.raises(exc, match=msg + r".*nothing was loaded"):
        m.load_state_dict(new)
    after = _snapshot(m)
    assert after.keys() == before.keys()
    for k, v in before.items():
        np.testing.assert_array_equal(after[k], v, err_msg=k)
    # The same dict, repaired, loads every value.
    good = {k: v + 1.0 for k, v in before.items()}
    m.load_state_dict(good)
    for k, v in _snapshot(m).items():
        np.testing.assert_array_equal(v, good[k], err_msg=k)
