"""Rows for ``tapediff.scipy.special`` (issue 7), checked against SciPy's own functions.

Domains: the gamma family away from its poles (0, -1, -2, ...) by 0.1; incomplete gamma and
beta with their first parameter(s) static (no gradient is provided for them) and x inside
(0, inf) or (0, 1); inverse functions inside (-1, 1), (0, 2), (0, 1); the Bessel functions of
the second kind and iv/ive of non-integer order at x > 0; log_ndtr in both tails.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sc
from hypothesis import strategies as st
from op_case import Inputs, OpCase, _op, arr, floats, nary, unary

from tapediff import testing as tdt
from tapediff.scipy import special

MODULES = (special,)

REQUIRED = {
    f"scipy.special.{name}"
    for name in [
        "gamma",
        "gammaln",
        "rgamma",
        "digamma",
        "psi",
        "polygamma",
        "multigammaln",
        "gammainc",
        "gammaincc",
        "beta",
        "betaln",
        "betainc",
        "erf",
        "erfc",
        "erfinv",
        "erfcinv",
        "expit",
        "logit",
        "xlogy",
        "xlog1py",
        "logsumexp",
        "j0",
        "j1",
        "y0",
        "y1",
        "jn",
        "yn",
        "i0",
        "i1",
        "iv",
        "ive",
        "ndtr",
        "log_ndtr",
        "ndtri",
    ]
}


def sp(name: str) -> Any:
    return _op(f"scipy.special.{name}")


# The gamma function's poles are 0, -1, -2...: 0.1 away from them.
OFF_POLES = tdt.away_from([-3.0, -2.0, -1.0, 0.0], 0.1, -2.9, 4.0)
POSITIVE = floats(0.1, 4.0)


def with_order(name: str, orders: st.SearchStrategy[Any], x: st.SearchStrategy[float]) -> OpCase:
    """A row for ``name(order, x)`` with a static order (a kwarg) and x differentiated."""
    return OpCase(
        name=f"scipy.special.{name}",
        fn=lambda x, order: sp(name)(order, x),
        reference=lambda x, order: getattr(sc, name)(order, x),
        inputs=unary(x, order=orders),
        domain=f"static order, x in the strategy's range ({name})",
    )


@st.composite
def static_first(
    draw: st.DrawFn, params: int, p: st.SearchStrategy[float], x: st.SearchStrategy[float]
) -> Inputs:
    """``params`` static leading parameters (kwargs p0, p1...) and one differentiated x, all
    broadcasting together."""
    shapes = draw(tdt.broadcastable_shapes(params + 1, 0, 3, max_side=3))
    xs = draw(arr(shapes[-1], x))
    kw = {f"p{i}": draw(arr(shapes[i], p)) for i in range(params)}
    return (xs,), kw


@st.composite
def logsumexp_inputs(draw: st.DrawFn) -> Inputs:
    # Rank >= 1: for a 0-d input with keepdims=True SciPy returns shape (1,), NumPy's rule ().
    shape = draw(tdt.shapes(1, 3, max_side=3))
    a = draw(arr(shape, floats(-5, 5)))
    return (a,), {"axis": draw(tdt.axes(len(shape))), "keepdims": draw(st.booleans())}


def _sum_off_poles(inputs: Inputs) -> bool:
    # B(a, b) = G(a) G(b) / G(a + b) is 0 where a + b is a pole of G (0, -1): log|B| is -inf
    # there. a + b = -1.9 + 0.9 misses -1 by one ulp in float64 but is exactly -1 in float32.
    (a, b), _ = inputs
    s = np.asarray(a + b)
    return bool(np.all(np.minimum(np.abs(s), np.abs(s + 1.0)) > 0.1))


@st.composite
def xlogy_at_zero(draw: st.DrawFn, y_lo: float) -> Inputs:
    """x with exact zeros among its entries; y > y_lo. The gradient in y is 0 where x == 0."""
    (x, y), _ = draw(nary(floats(-2, 2) | st.just(0.0), floats(y_lo, 4.0)))
    return (x, y), {}


ROWS: tuple[OpCase, ...] = (
    OpCase("scipy.special.gamma", sp("gamma"), sc.gamma, unary(OFF_POLES), "0.1 from poles"),
    OpCase("scipy.special.gammaln", sp("gammaln"), sc.gammaln, unary(OFF_POLES), "0.1 from poles"),
    OpCase("scipy.special.rgamma", sp("rgamma"), sc.rgamma, unary(OFF_POLES), "0.1 from poles"),
    OpCase("scipy.special.digamma", sp("digamma"), sc.digamma, unary(OFF_POLES), "0.1 from poles"),
    OpCase("scipy.special.psi", sp("psi"), sc.psi, unary(POSITIVE), "psi is digamma"),
    with_order("polygamma", st.sampled_from([0, 1, 2, 3]), OFF_POLES),
    OpCase(
        "scipy.special.polygamma[array_n]",
        lambda x, n: sp("polygamma")(n, x),
        lambda x, n: sc.polygamma(n, x),
        unary(POSITIVE, shapes=st.just((3,)), n=st.just(np.array([0, 1, 2]))),
        "n an integer array broadcast against x",
    ),
    OpCase(
        "scipy.special.multigammaln",
        lambda a, d: sp("multigammaln")(a + (d - 1) / 2, d),
        lambda a, d: sc.multigammaln(a + (d - 1) / 2, d),
        unary(floats(0.1, 4.0), d=st.integers(1, 4)),
        "a > (d - 1) / 2 + 0.1",
    ),
    OpCase(
        "scipy.special.gammainc",
        lambda x, p0: sp("gammainc")(p0, x),
        lambda x, p0: sc.gammainc(p0, x),
        static_first(1, floats(0.5, 4.0), floats(0.05, 6.0)),
        "a static in [0.5, 4], x in [0.05, 6]",
    ),
    OpCase(
        "scipy.special.gammaincc",
        lambda x, p0: sp("gammaincc")(p0, x),
        lambda x, p0: sc.gammaincc(p0, x),
        static_first(1, floats(0.5, 4.0), floats(0.05, 6.0)),
        "a static in [0.5, 4], x in [0.05, 6]",
    ),
    OpCase("scipy.special.beta", sp("beta"), sc.beta, nary(POSITIVE, POSITIVE), "a, b > 0"),
    OpCase("scipy.special.betaln", sp("betaln"), sc.betaln, nary(POSITIVE, POSITIVE), "a, b > 0"),
    OpCase(
        "scipy.special.betaln[negative]",
        sp("betaln"),
        sc.betaln,
        nary(tdt.away_from([-2.0, -1.0], 0.1, -1.9, -0.6), POSITIVE).filter(_sum_off_poles),
        "a < 0 and a + b off the poles: log |B|",
    ),
    OpCase(
        "scipy.special.betainc",
        lambda x, p0, p1: sp("betainc")(p0, p1, x),
        lambda x, p0, p1: sc.betainc(p0, p1, x),
        static_first(2, floats(0.5, 4.0), floats(0.02, 0.98)),
        "a, b static in [0.5, 4], x in [0.02, 0.98]",
    ),
    OpCase("scipy.special.erf", sp("erf"), sc.erf, unary()),
    OpCase("scipy.special.erfc", sp("erfc"), sc.erfc, unary()),
    OpCase("scipy.special.erfinv", sp("erfinv"), sc.erfinv, unary(floats(-0.99, 0.99))),
    OpCase("scipy.special.erfcinv", sp("erfcinv"), sc.erfcinv, unary(floats(0.01, 1.99))),
    OpCase("scipy.special.expit", sp("expit"), sc.expit, unary(floats(-8, 8))),
    OpCase("scipy.special.logit", sp("logit"), sc.logit, unary(floats(0.01, 0.99))),
    OpCase("scipy.special.xlogy", sp("xlogy"), sc.xlogy, nary(floats(), floats(0.1, 4.0)), "y>0"),
    OpCase(
        "scipy.special.xlogy[x_zero]",
        sp("xlogy"),
        sc.xlogy,
        xlogy_at_zero(0.1),
        "exact zeros in x",
    ),
    OpCase(
        "scipy.special.xlog1py",
        sp("xlog1py"),
        sc.xlog1py,
        nary(floats(), floats(-0.9, 4.0)),
        "y > -1",
    ),
    OpCase(
        "scipy.special.xlog1py[x_zero]",
        sp("xlog1py"),
        sc.xlog1py,
        xlogy_at_zero(-0.9),
        "exact zeros in x",
    ),
    OpCase("scipy.special.logsumexp", sp("logsumexp"), sc.logsumexp, logsumexp_inputs()),
    OpCase("scipy.special.j0", sp("j0"), sc.j0, unary(floats(-10, 10))),
    OpCase("scipy.special.j1", sp("j1"), sc.j1, unary(floats(-10, 10))),
    OpCase("scipy.special.y0", sp("y0"), sc.y0, unary(floats(0.1, 10)), "x > 0"),
    OpCase("scipy.special.y1", sp("y1"), sc.y1, unary(floats(0.1, 10)), "x > 0"),
    with_order("jn", st.integers(-2, 4), floats(-10, 10)),
    OpCase(
        "scipy.special.jn[real_order]",
        lambda x, n: sp("jn")(n, x),
        lambda x, n: sc.jn(n, x),
        unary(floats(0.1, 10), n=st.sampled_from([-1.5, 0.5, 2.25])),
        "non-integer order (SciPy's jn is jv), x > 0",
    ),
    with_order("yn", st.integers(-2, 4), floats(0.5, 10)),
    OpCase("scipy.special.i0", sp("i0"), sc.i0, unary(floats(-5, 5))),
    OpCase("scipy.special.i1", sp("i1"), sc.i1, unary(floats(-5, 5))),
    with_order("iv", st.sampled_from([-1.5, -1, 0, 0.5, 1, 2.5]), floats(0.1, 5)),
    OpCase(
        "scipy.special.iv[negative_x]",
        lambda x, v: sp("iv")(v, x),
        lambda x, v: sc.iv(v, x),
        unary(tdt.away_from([0.0], 0.01, -5, 5), v=st.integers(-2, 3)),
        "integer order, x of either sign (SciPy's iv is NaN at tiny x such as 1e-308)",
    ),
    with_order("ive", st.sampled_from([-1.5, -1, 0, 0.5, 1, 2.5]), floats(0.1, 5)),
    OpCase(
        "scipy.special.ive[negative_x]",
        lambda x, v: sp("ive")(v, x),
        lambda x, v: sc.ive(v, x),
        unary(tdt.away_from([0.0], 0.05, -5, 5), v=st.integers(-2, 3)),
        "integer order, x off 0 (exp(-|x|) has a kink there)",
    ),
    OpCase("scipy.special.ndtr", sp("ndtr"), sc.ndtr, unary(floats(-6, 6))),
    OpCase("scipy.special.log_ndtr", sp("log_ndtr"), sc.log_ndtr, unary(floats(-6, 6))),
    OpCase(
        "scipy.special.log_ndtr[tails]",
        sp("log_ndtr"),
        sc.log_ndtr,
        unary(floats(-40, -5) | floats(5, 30)),
        "far tails: the left through erfcx, the right near 0",
    ),
    OpCase("scipy.special.ndtri", sp("ndtri"), sc.ndtri, unary(floats(0.01, 0.99))),
)
