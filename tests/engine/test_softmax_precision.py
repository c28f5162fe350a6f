"""Derivatives of logsumexp, softmax and log_softmax keep their relative precision.

The exact reference is written in closed form and evaluated in mpmath at 50
digits. Differentiating by x_k alone, with p_k = 1 / (1 + r) and its
complement q_k = r / (1 + r), r = sum_{j != k} e^(x_j - x_k) (both computed
directly, never as 1 minus the other):

    d/dx_k p_k   = p_k q_k
    d2/dx_k2 p_k = p_k q_k (q_k - p_k)
    d3/dx_k3 p_k = p_k q_k ((q_k - p_k)^2 - 2 p_k q_k)

lse's derivatives are p_k's shifted by one order; log p_i's are q_k then
-p_k's (i = k) or -p_k's (i != k); p_i (i != k) is (e^x_i / C)(1 - p_k).
"""

from __future__ import annotations

import pytest

from autograd_lite import Value, grad, log_softmax, logsumexp, softmax

mp = pytest.importorskip("mpmath")  # the dev extra brings it
mp.mp.dps = 50
SMALLEST_NORMAL = mp.mpf("2.2250738585072014e-308")
GAPS = [0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 40.0, 100.0, 300.0, 700.0]


def exact(kind: str, i: int, xs: list[float], k: int, order: int):
    t = mp.mpf(xs[k])
    others = mp.fsum(mp.exp(mp.mpf(x)) for j, x in enumerate(xs) if j != k)
    r = others * mp.exp(-t)
    p, q = 1 / (1 + r), r / (1 + r)
    dp = [p, p * q, p * q * (q - p), p * q * ((q - p) ** 2 - 2 * p * q)]
    if kind == "logsumexp":
        return dp[order - 1]
    if kind == "log_softmax":
        return q if (i == k and order == 1) else -dp[order - 1]
    if i == k:
        return dp[order]
    return -mp.exp(mp.mpf(xs[i])) / others * dp[order]


def ours(kind: str, i: int, xs: list[float], k: int, order: int) -> float:
    def f(t):
        vs = [Value(x) for x in xs]
        vs[k] = t
        if kind == "logsumexp":
            return logsumexp(vs)
        return {"softmax": softmax, "log_softmax": log_softmax}[kind](vs)[i]

    for _ in range(order):
        f = grad(f)
    return f(xs[k])


def cases():
    for gap in GAPS:
        for xs in ([0.0, -gap], [0.0, -gap, -gap / 2], [-gap, 3.0, -gap]):
            yield gap, xs


@pytest.mark.parametrize("kind", ["logsumexp", "softmax", "log_softmax"])
@pytest.mark.parametrize("order", [1, 2, 3])
def test_derivatives_within_1e_12_relative_of_the_exact_value_for_gaps_up_to_700(kind, order):
    checked = 0
    worst = (0.0, None)
    for gap, xs in cases():
        outputs = [0] if kind == "logsumexp" else range(len(xs))
        for i in outputs:
            for k in range(len(xs)):
                want = exact(kind, i, xs, k, order)
                if abs(want) < SMALLEST_NORMAL:
                    continue  # below the normal floats: 0 is allowed
                got = ours(kind, i, xs, k, order)
                error = float(abs((mp.mpf(got) - want) / want))
                checked += 1
                if error > worst[0]:
                    worst = (error, (gap, xs, i, k, got, mp.nstr(want, 17)))
    assert checked >= 90  # every case whose exact value is a normal float
    assert worst[0] <= 1e-12, worst


def test_the_input_40_below_the_max_keeps_its_derivative_e_to_the_minus_40():
    x = Value(-40.0)
    logsumexp([Value(0.0), x]).backward()
    assert x.grad == pytest.approx(4.248354255291589e-18, rel=1e-15)  # e^-40 / (1 + e^-40)


def test_the_largest_inputs_second_derivative_is_not_lost_to_1_minus_p():
    # d2/dx0^2 log p0 at [0, -40] is -p0 p1 = -4.25e-18 (1 - p0 would round to 0).
    second = grad(grad(lambda t: log_softmax([t, Value(-40.0)])[0]))(0.0)
    assert second == pytest.approx(-4.248354255291589e-18, rel=1e-14)
