"""``logsumexp``, ``log_softmax`` and ``softmax`` over a list of Values, exact to the last bits.

All three first subtract the largest input m, a constant: the identities
hold for every m, so the gradients are exact, and the shifted inputs are
small wherever the inputs are close, so logits of 1000 lose no digits.

``logsumexp`` then combines the shifted inputs in a balanced tree of
``logaddexp(a, b) = log(e**a + e**b)``, an op whose two local derivatives
are sigmoids computed apart (``ops.LOGADDEXP``): the derivative with
respect to an input far below the others is its own tiny number (4.2e-18
at a gap of 40), not 1 minus something close to 1.

``log_softmax`` writes log p_i as ``-softplus(L_i - x_i)``, where L_i is
the logsumexp of every input but x_i (prefix and suffix folds, so the n
lists cost O(n) nodes): then d log p_i / d x_i is ``sigmoid(L_i - x_i)``,
1 - p_i computed directly, and the largest input's derivatives keep their
relative precision too. ``softmax`` is ``exp`` of it. Derivatives of every
order are sums of products of accurately computed factors. Where inputs
are equal, terms cancel exactly in floats: ``softmax([u, u])``'s second
derivative is 0, not rounding noise (for logsumexp of many equal inputs
the tree's halves cancel exactly when they split evenly, otherwise to
within rounding, as in PyTorch).

>>> from autograd_lite import Value, softmax
>>> [round(p.data, 4) for p in softmax([Value(1000.0), Value(1000.0)])]
[0.5, 0.5]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .ops import LOGADDEXP
from .value import Value, _coerce, _constant, apply


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


# Set only while ``compile_batched`` traces a function (``batched/trace.py``):
# told of each max shift and the Values it is the max of, so that the compiled
# program recomputes the shift for every sample instead of reusing this
# trace's number. None (no call, one global lookup) the rest of the time.
shift_listener: Callable[[Value, list[Value]], None] | None = None


def max_shift(vs: list[Value]) -> Value:
    """The constant m = max x_i that the stable forms subtract (a leaf: no gradient).

    >>> max_shift([Value(1.0), Value(3.0)]).data
    3.0
    """
    shift = _constant(max(v.data for v in vs))  # nan data (a diverged model) flows on
    if shift_listener is not None:
        shift_listener(shift, vs)
    return shift


def _shifted(vs: list[Value]) -> tuple[Value, list[Value]]:
    m = max_shift(vs)
    return m, [v - m for v in vs]


def _fold(vs: Sequence[Value]) -> list[Value]:
    """Running logsumexps: item k is the logsumexp of ``vs[:k + 1]``."""
    acc = [vs[0]]
    for v in vs[1:]:
        acc.append(apply(LOGADDEXP, acc[-1], v))
    return acc


def _pairwise(vs: list[Value]) -> Value:
    """The logsumexp of ``vs`` as a balanced tree of logaddexp: neighbours first, then
    their results, level by level (depth log2 n, and n equal inputs cancel exactly)."""
    level = list(vs)
    while len(level) > 1:
        paired = [apply(LOGADDEXP, level[k], level[k + 1]) for k in range(0, len(level) - 1, 2)]
        level = paired + level[len(paired) * 2 :]
    return level[0]


def logsumexp(xs: Sequence[Any]) -> Value:
    """log(sum(exp(x_i))), for any finite inputs.

    >>> round(logsumexp([Value(1000.0), Value(1000.0)]).data - 1000.0, 9)   # log 2
    0.693147181
    >>> x = Value(-40.0)
    >>> logsumexp([Value(0.0), x]).backward()
    >>> x.grad          # e**-40 / (1 + e**-40), to the last digit
    4.248354255291589e-18
    """
    m, shifted = _shifted(_values(xs, "logsumexp"))
    return _pairwise(shifted) + m


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
    _, us = _shifted(_values(xs, "log_softmax"))
    return [u - u if rest is None else -(rest - u).softplus() for u, rest in zip(us, _others(us))]


def softmax(xs: Sequence[Any]) -> list[Value]:
    """exp(x_i) / sum_j exp(x_j): probabilities that sum to 1, as exp(log_softmax(x)).

    >>> [round(p.data, 4) for p in softmax([Value(0.0), Value(1.0)])]
    [0.2689, 0.7311]
    """
    return [q.exp() for q in log_softmax(_values(xs, "softmax"))]
