"""The key check shared by every ``load_state_dict`` (modules and optimizers)."""

from __future__ import annotations

from collections.abc import Iterable


def check_keys(owner: str, expected: Iterable[str], given: Iterable[str]) -> None:
    """Raise KeyError naming the missing and unexpected keys, if any (nothing is loaded)."""
    want, have = set(expected), set(given)
    missing, extra = sorted(want - have), sorted(have - want)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing keys {missing}")
        if extra:
            parts.append(f"unexpected keys {extra}")
        raise KeyError(f"{owner}.load_state_dict: {'; '.join(parts)}; nothing was loaded")
