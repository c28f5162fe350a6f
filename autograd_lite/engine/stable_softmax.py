"""``logsumexp``, ``log_softmax`` and ``softmax`` over a list of Values, exact to the last bits.

``logsumexp`` folds the list with ``logaddexp(a, b) = log(e**a + e**b)``,
an op whose two local derivatives are sigmoids computed apart
(``ops.LOGADDEXP``): finite for any finite inputs, logits of 1000
included, and the derivative with respect to an input far below the
others is its own tiny number (4.2e-18 at a gap of 40), not 1 minus
something close to 1.

``log_softmax`` writes log p_i as ``-softplus(L_i - x_i)``, where L_i is
the logsumexp of every input but x_i (prefix and suffix folds, so the n
lists cost O(n) nodes): then d log p_i / d x_i is ``sigmoid(L_i - x_i)``,
1 - p_i computed directly, and the largest input's derivatives keep
their relative precision too. ``softmax`` is ``exp`` of it. Derivatives of
every order are sums of products of accurately computed factors, and
where inputs are equal the terms cancel exactly in floats (``softmax([u,
u])``'s second derivative is 0, not rounding noise).

>>> from autograd_lite import Value, softmax
>>> [round(p.data, 4) for p in softmax([Value(1000.0), Value(1000.0)])]
[0.5, 0.5]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .ops import LOGADDEXP
from .value import Value, _coerce, apply


def _values(xs: Sequence[Any], fn: str) -> list[Value]:
    if isinstance(xs, (str, bytes)) or not hasattr(xs, "__iter__"):
        raise TypeError(f"{fn}() takes a list of Values or numbers, got {type(xs).__name__}")
    out = []
    for i, x in enumerate(xs):
        v = _coerce(x)
        if v is None:
            raise TypeError(f"{fn}(): item {i} is {type(x).__name__}, not a Value or number")
        out.append(v)
    if not out:
        raise ValueError(f"{fn}() of an empty list is undefined")
    return out


def _fold(vs: Sequence[Value]) -> list[Value]:
    """Running logsumexps: item k is the logsumexp of ``vs[:k + 1]``."""
    acc = [vs[0]]
    for v in vs[1:]:
        acc.append(apply(LOGADDEXP, acc[-1], v))
    return acc


def logsumexp(xs: Sequence[Any]) -> Value:
    """log(sum(exp(x_i))), for any finite inputs.

    >>> round(logsumexp([Value(1000.0), Value(1000.0)]).data - 1000.0, 9)   # log 2
    0.693147181
    >>> x = Value(-40.0)
    >>> logsumexp([Value(0.0), x]).backward()
    >>> x.grad          # e**-40 / (1 + e**-40), to the last digit
    4.248354255291589e-18
    """
    return _fold(_values(xs, "logsumexp"))[-1]


def _others(vs: list[Value]) -> list[Value | None]:
    """For each i, the logsumexp of every input but ``vs[i]`` (None for a list of one)."""
    n = len(vs)
    if n == 1:
        return [None]
    before = _fold(vs)  # before[k]: inputs 0..k
    after = _fold(vs[::-1])[::-1]  # after[k]: inputs k..n-1, folded from the end
    out: list[Value | None] = [after[1]]
    for i in range(1, n - 1):
        out.append(apply(LOGADDEXP, before[i - 1], after[i + 1]))
    out.append(before[n - 2])
    return out


def log_softmax(xs: Sequence[Any]) -> list[Value]:
    """x_i - logsumexp(x): log-probabilities, as -softplus(L_i - x_i) (see the module doc).

    >>> [round(q.data, 6) for q in log_softmax([Value(0.0), Value(0.0)])]   # -log 2
    [-0.693147, -0.693147]
    """
    vs = _values(xs, "log_softmax")
    return [v - v if rest is None else -(rest - v).softplus() for v, rest in zip(vs, _others(vs))]


def softmax(xs: Sequence[Any]) -> list[Value]:
    """exp(x_i) / sum_j exp(x_j): probabilities that sum to 1, as exp(log_softmax(x)).

    >>> [round(p.data, 4) for p in softmax([Value(0.0), Value(1.0)])]
    [0.2689, 0.7311]
    """
    return [q.exp() for q in log_softmax(_values(xs, "softmax"))]
