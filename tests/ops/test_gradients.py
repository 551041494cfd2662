"""One property over the whole op table: tape gradients equal central finite differences."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_table import OP_TABLE, OpCase, table_params

from tapediff.testing import gradcheck


@pytest.mark.parametrize("case", table_params(OP_TABLE, lambda c: c.xfail))
@given(data=st.data())
def test_gradient_matches_finite_differences(case: OpCase, data: st.DataObject) -> None:
    arrays, kwargs = data.draw(case.inputs, label="(arrays, kwargs)")
    gradcheck(
        lambda *xs: case.fn(*xs, **kwargs),
        arrays,
        eps=case.eps,
        atol=case.atol,
        rtol=case.rtol,
    )
