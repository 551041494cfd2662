"""Second derivatives through nested tapes, for every table row that has them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_table import OP_TABLE, OpCase, table_params

from tapediff.testing import gradgradcheck

SMOOTH = [c for c in OP_TABLE if c.second_order]


@pytest.mark.parametrize("case", table_params(SMOOTH, lambda c: c.xfail_second_order or c.xfail))
@given(data=st.data())
def test_second_derivative_matches_finite_differences(case: OpCase, data: st.DataObject) -> None:
    arrays, kwargs = data.draw(case.inputs, label="(arrays, kwargs)")
    gradgradcheck(
        lambda *xs: case.fn(*xs, **kwargs),
        arrays,
        eps=case.eps,
        atol=case.atol,
        rtol=case.rtol,
    )
