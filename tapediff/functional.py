"""Function transforms built on Tape: grad, value_and_grad, vjp, jvp, jacobian, hessian."""

from __future__ import annotations

__all__: list[str] = []
