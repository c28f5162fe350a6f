"""``logsumexp``, ``log_softmax`` and ``softmax`` over a list of Values.

All three subtract the largest input first. ``log(sum(exp(x_i)))`` equals
``m + log(sum(exp(x_i - m)))`` for any constant ``m``, and with ``m = max x``
every exponent is <= 0, so logits of 1000 give finite results. ``m`` enters
the graph as a constant: the identity holds for every ``m``, so the
gradients are exact. ``softmax`` is ``exp(x_i - logsumexp(x))`` and
``log_softmax`` is ``x_i - logsumexp(x)``, so all three share one graph
shape, whose second and higher derivatives cancel exactly where inputs are
equal.

>>> from autograd_lite import Value, softmax
>>> [round(p.data, 4) for p in softmax([Value(1000.0), Value(1000.0)])]
[0.5, 0.5]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .value import Value, _coerce, _constant


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


def logsumexp(xs: Sequence[Any]) -> Value:
    """log(sum(exp(x_i))), stable for large inputs.

    After the max shift, the terms are folded in pairwise with
    lse(a, w) = w + softplus(a - w), softplus in its stable form: the
    derivative of each step is a sigmoid, which is exactly 1/2 where its
    inputs are equal, so derivatives of every order cancel exactly in floats
    where the inputs do (``softmax([u, u])``).

    >>> round(logsumexp([Value(1000.0), Value(1000.0)]).data - 1000.0, 9)   # log 2
    0.693147181
    """
    vs = _values(xs, "logsumexp")
    m = max_shift(vs)
    acc = vs[0] - m
    for v in vs[1:]:
        w = v - m
        acc = w + (acc - w).softplus()
    return acc + m


def log_softmax(xs: Sequence[Any]) -> list[Value]:
    """x_i - logsumexp(x): log-probabilities, stable for large inputs."""
    vs = _values(xs, "log_softmax")
    lse = logsumexp(vs)
    return [v - lse for v in vs]


def softmax(xs: Sequence[Any]) -> list[Value]:
    """exp(x_i) / sum_j exp(x_j): probabilities that sum to 1.

    Computed as exp(x_i - logsumexp(x)), not as a quotient: then the
    derivative of p_i is p_i (dx_i - sum_k p_k dx_k) term by term, and where
    inputs are equal the terms cancel exactly in floats, so second and
    higher derivatives of a constant combination of probabilities are 0,
    not rounding noise.
    """
    vs = _values(xs, "softmax")
    lse = logsumexp(vs)
    return [(v - lse).exp() for v in vs]
