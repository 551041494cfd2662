"""Forward values equal the NumPy reference; float32 stays float32 through outputs and gradients."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_table import OP_TABLE, OpCase, table_params

import tapediff as td


def _outputs(result: Any) -> list[Any]:
    return list(result) if isinstance(result, list | tuple) else [result]


def _is_float_array(x: Any) -> bool:
    return isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)


def _is_complex_array(x: Any) -> bool:
    return isinstance(x, np.ndarray) and x.dtype.kind == "c"


def _single(x: Any) -> Any:
    """float32 for a real array, complex64 for a complex one (rows_complex.py, rows_fft.py)."""
    return x.astype(np.complex64) if _is_complex_array(x) else x.astype(np.float32)


@pytest.mark.parametrize("case", table_params(OP_TABLE))
@given(data=st.data())
def test_forward_matches_numpy(case: OpCase, data: st.DataObject) -> None:
    arrays, kwargs = data.draw(case.inputs, label="(arrays, kwargs)")
    got = _outputs(case.fn(*(td.tensor(a) for a in arrays), **kwargs))
    want = _outputs(case.reference(*arrays, **kwargs))
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert isinstance(g, td.Tensor)
        w = np.asarray(w)
        assert g.shape == w.shape
        assert g.dtype == w.dtype
        np.testing.assert_allclose(g.numpy(), w, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", table_params(OP_TABLE))
@given(data=st.data())
def test_float32_in_float32_out_and_gradients(case: OpCase, data: st.DataObject) -> None:
    arrays, kwargs = data.draw(case.inputs, label="(arrays, kwargs)")
    args = [
        td.tensor(_single(a)) if _is_float_array(a) or _is_complex_array(a) else a for a in arrays
    ]
    # Static float arrays (one-hot labels) too, or NumPy would promote the result to float64.
    kw = {k: v.astype(np.float32) if _is_float_array(v) else v for k, v in kwargs.items()}
    sources = [a for a in args if isinstance(a, td.Tensor)]
    with td.Tape() as tape:
        tape.watch(sources)
        outs = _outputs(case.fn(*args, **kw))
    want = _outputs(case.reference(*arrays, **kwargs))
    for out, w in zip(outs, want, strict=True):
        if case.same_dtype:
            single = np.complex64 if np.asarray(w).dtype.kind == "c" else np.float32
            assert out.dtype == single, f"{case.name}: single precision gave {out.dtype} output"
        np.testing.assert_allclose(out.numpy(), w, rtol=1e-4, atol=1e-4)
    if case.xfail:
        return  # the row's gradient is known to be wrong (test_gradients.py xfails it)
    # Ones as the cotangents (what gradient() seeds a real target with): a complex output
    # has no gradient of its own and needs one given.
    ones = [td.tensor(np.ones(o.shape, o.dtype)) for o in outs]
    grads = tape.gradient(outs, sources, output_gradients=ones, unconnected_gradients="zero")
    for i, (g, s) in enumerate(zip(grads, sources, strict=True)):
        assert g.dtype == s.dtype, f"{case.name}: gradient {i} has dtype {g.dtype}"
        assert g.dtype in (np.float32, np.complex64), f"{case.name}: gradient {i} is {g.dtype}"
        assert g.shape == s.shape
