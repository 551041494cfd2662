"""Adding differentiable operations: the same API tapediff's own ops are written with.

A primitive is a NumPy forward on raw arrays plus the vector-Jacobian products (VJPs) of its
inputs::

    import numpy as np
    import tapediff as td
    from tapediff.extend import primitive, defvjp

    @primitive("logaddexp")
    def _logaddexp(x1, x2):
        return np.logaddexp(x1, x2)

    defvjp(_logaddexp,
           lambda g, out, x1, x2: g * td.exp(x1 - out),
           lambda g, out, x1, x2: g * td.exp(x2 - out))

    def logaddexp(x1, x2):
        return _logaddexp.bind(x1, x2)

The VJP contract:

- A VJP is called as ``vjp(g, out, *inputs, **params)``: ``g`` is the cotangent of the output
  ``out``, ``inputs`` are the positional inputs and ``params`` the keyword arguments of ``bind``
  (static: they never get gradients). It returns the cotangent of one input.
- Its arguments are :data:`VJPArg`: NumPy arrays in a first-order backward pass (the fast
  path; a 0-d value may come as a NumPy scalar), tensors when an outer tape records the
  backward pass. Write VJPs with tapediff ops and operators, which accept both; the same VJP
  then gives second and higher derivatives. Use :func:`value_of` for constant masks.
- A VJP may return a cotangent of the broadcast shape, or of another floating dtype: the tape
  sums broadcast axes away and casts it to the input's dtype.
- ``defvjp_all`` attaches one function that returns every input's cotangent at once (a
  sequence, None for an input without a gradient): for variadic ops and for gradients that
  share work between inputs.
- ``primitive(name, arity=1)`` or ``arity=2`` declares a primitive with exactly that many inputs
  and no keyword parameters; its ``bind`` is then a faster, unrolled path.
- Complex values (``docs/complex.md``): a VJP is the linear transpose (``g * f'(z)`` for a
  holomorphic op, no conjugate). A primitive refuses complex values in the backward pass until
  :func:`allow_complex` declares its VJPs right for them.
"""

from __future__ import annotations

from .ops._primitive import VJP, Primitive, VJPAll, VJPArg, primitive, value_of

__all__ = [
    "VJP",
    "Primitive",
    "VJPAll",
    "VJPArg",
    "allow_complex",
    "defvjp",
    "defvjp_all",
    "primitive",
    "value_of",
]


def defvjp(prim: Primitive, *vjps: VJP | None) -> Primitive:
    """Attach one VJP per positional input of ``prim`` (None: no gradient); returns ``prim``."""
    prim.defvjp(*vjps)
    return prim


def defvjp_all(prim: Primitive, vjp: VJPAll) -> Primitive:
    """Attach a VJP returning every input's cotangent at once; returns ``prim``."""
    prim.defvjp_all(vjp)
    return prim


def allow_complex(prim: Primitive) -> Primitive:
    """Declare ``prim``'s VJPs right for complex values (linear transposes, no conjugation);
    without it, a complex input or output raises TypeError in the backward pass. Returns
    ``prim``."""
    return prim.allow_complex()
