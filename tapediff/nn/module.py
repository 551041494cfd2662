"""The Module base: parameters, submodules, buffers, train/eval, and state dicts saved as .npz.

A module's parameters are its attributes that are :class:`~tapediff.Variable` objects; its
submodules are attributes that are modules, or lists/tuples of modules. Names are dotted paths
in attribute-definition order, so ``named_parameters()`` is deterministic. Buffers (BatchNorm's
running statistics) are plain NumPy arrays registered with :meth:`Module.register_buffer`: saved
in the state dict, never trained.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from .._state import check_keys
from ..tensor import Array, Tensor, Variable

__all__ = ["Module", "Sequential"]


class Module:
    """Base class of layers and models: call it to run :meth:`forward`."""

    training: bool = True

    def __init__(self) -> None:
        self.training = True
        self._buffer_names: list[str] = []

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ----- structure -----

    def register_buffer(self, name: str, value: Array) -> None:
        """Keep ``value`` as non-trainable state named ``name``, saved in the state dict."""
        if "_buffer_names" not in vars(self):
            self._buffer_names = []
        setattr(self, name, np.array(value))
        if name not in self._buffer_names:
            self._buffer_names.append(name)

    def _children(self) -> Iterator[tuple[str, Any]]:
        for name, value in vars(self).items():
            if isinstance(value, Variable | Module):
                yield name, value
            elif isinstance(value, list | tuple):
                for i, item in enumerate(value):
                    if isinstance(item, Variable | Module):
                        yield f"{name}.{i}", item

    def named_modules(self, prefix: str = "") -> list[tuple[str, Module]]:
        """This module and every submodule, with dotted names ("" for this one)."""
        out: list[tuple[str, Module]] = [(prefix, self)]
        seen = {id(self)}
        stack: list[tuple[str, Module]] = []
        for name, child in self._children():
            if isinstance(child, Module):
                stack.append((f"{prefix}{name}", child))
        for name, child in stack:
            for sub_name, sub in child.named_modules(name):
                if id(sub) not in seen:
                    seen.add(id(sub))
                    out.append((sub_name, sub))
        return out

    def named_parameters(self) -> list[tuple[str, Variable]]:
        """Every parameter once, with its dotted name, in definition order."""
        out: list[tuple[str, Variable]] = []
        seen: set[int] = set()
        for mod_name, mod in self.named_modules():
            prefix = f"{mod_name}." if mod_name else ""
            for name, child in mod._children():
                if isinstance(child, Variable) and id(child) not in seen:
                    seen.add(id(child))
                    out.append((prefix + name, child))
        return out

    def parameters(self) -> list[Variable]:
        """Every parameter once, in the order of :meth:`named_parameters`."""
        return [v for _, v in self.named_parameters()]

    def named_buffers(self) -> list[tuple[str, Array]]:
        """Every registered buffer with its dotted name."""
        return [(name, getattr(mod, b)) for name, mod, b in self._buffer_slots()]

    def _buffer_slots(self) -> list[tuple[str, Module, str]]:
        out = []
        for mod_name, mod in self.named_modules():
            prefix = f"{mod_name}." if mod_name else ""
            for b in vars(mod).get("_buffer_names", ()):
                out.append((prefix + b, mod, b))
        return out

    def train(self, mode: bool = True) -> Module:
        """Set training mode (dropout active, batch statistics) on this module and all below."""
        for _, mod in self.named_modules():
            mod.training = mode
        return self

    def eval(self) -> Module:
        """Set evaluation mode (dropout off, running statistics)."""
        return self.train(False)

    # ----- state -----

    def state_dict(self) -> dict[str, Array]:
        """Copies of every parameter and buffer value, keyed by dotted name."""
        state = {name: np.array(v._array) for name, v in self.named_parameters()}
        for name, value in self.named_buffers():
            state[name] = np.array(value)
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Load values saved by :meth:`state_dict`; on any mismatch raise and change nothing."""
        cls = type(self).__name__
        params = dict(self.named_parameters())
        buffers = {name: (mod, b) for name, mod, b in self._buffer_slots()}
        expected = set(params) | set(buffers)
        check_keys(cls, expected, state)
        values: dict[str, Array] = {}
        for name in sorted(expected):
            raw = state[name]
            value = raw._array if isinstance(raw, Tensor) else np.asarray(raw)
            current = params[name]._array if name in params else getattr(*buffers[name])
            if value.shape != current.shape:
                raise ValueError(
                    f"{cls}.load_state_dict: {name!r} has shape {value.shape}, expected "
                    f"{current.shape}; nothing was loaded"
                )
            if value.dtype != current.dtype:
                raise TypeError(
                    f"{cls}.load_state_dict: {name!r} has dtype {value.dtype}, expected "
                    f"{current.dtype}; nothing was loaded"
                )
            values[name] = value
        # Every check passed: only now change anything.
        for name, value in values.items():
            if name in params:
                params[name].assign(value)
            else:
                mod, b = buffers[name]
                setattr(mod, b, np.array(value))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state dict to ``path`` as an uncompressed .npz (no pickled objects)."""
        np.savez(path, **self.state_dict())  # type: ignore[arg-type]

    def load(self, path: str | os.PathLike[str]) -> None:
        """Read a state dict written by :meth:`save` (pickles refused) and load it."""
        with np.load(path, allow_pickle=False) as data:
            state = {k: data[k] for k in data.files}
        self.load_state_dict(state)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Sequential(Module):
    """Modules applied one after another."""

    def __init__(self, *layers: Module) -> None:
        super().__init__()
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(
                    f"Sequential: layer {i} must be a Module; got {type(layer).__name__}"
                )
        self.layers = list(layers)

    def forward(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)
