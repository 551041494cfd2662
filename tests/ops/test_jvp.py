"""td.jvp against central finite differences, for every smooth row of the op table.

jvp runs the pullback twice (the gradient of <J^T u, t> with respect to u), so it checks that
each VJP is linear in its cotangent and recorded as such, which gradcheck alone does not.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_table import OP_TABLE, OpCase, table_params

import tapediff as td

SMOOTH = [c for c in OP_TABLE if c.second_order]


def _outputs(result: Any) -> list[np.ndarray]:
    items = result if isinstance(result, list | tuple) else [result]
    # complex128 for complex outputs (rows_complex.py, rows_fft.py), float64 otherwise.
    return [np.asarray(r.numpy(), dtype=np.result_type(r.dtype, np.float64)) for r in items]


@pytest.mark.parametrize("case", table_params(SMOOTH, lambda c: c.xfail_second_order or c.xfail))
@given(data=st.data())
def test_jvp_matches_finite_differences(case: OpCase, data: st.DataObject) -> None:
    arrays, kwargs = data.draw(case.inputs, label="(arrays, kwargs)")
    floating = [i for i, a in enumerate(arrays) if np.asarray(a).dtype.kind in "fc"]
    if not floating:
        return
    rng = np.random.default_rng(len(case.name))
    base = [np.array(a, dtype=np.result_type(a, np.float64)) for a in (arrays[i] for i in floating)]
    # A complex input gets a complex tangent (both directions at once).
    tangents = [
        rng.standard_normal(b.shape)
        + (1j * rng.standard_normal(b.shape) if b.dtype.kind == "c" else 0)
        for b in base
    ]

    def f(*xs: Any) -> Any:
        full = list(arrays)
        for i, x in zip(floating, xs, strict=True):
            full[i] = x
        return case.fn(*full, **kwargs)

    _, tangent_out = td.jvp(f, [td.tensor(b) for b in base], [td.tensor(t) for t in tangents])
    eps = case.eps
    plus = _outputs(f(*[td.tensor(b + eps * t) for b, t in zip(base, tangents, strict=True)]))
    minus = _outputs(f(*[td.tensor(b - eps * t) for b, t in zip(base, tangents, strict=True)]))
    numeric = [(p - m) / (2 * eps) for p, m in zip(plus, minus, strict=True)]
    for got, want in zip(_outputs(tangent_out), numeric, strict=True):
        scale = max(1.0, float(np.max(np.abs(want), initial=0.0)))
        np.testing.assert_allclose(got, want, atol=case.atol * scale, rtol=case.rtol)
