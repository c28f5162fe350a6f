"""``logsumexp``, ``log_softmax`` and ``softmax`` over a list of Values.

All three subtract the largest input first. ``log(sum(exp(x_i)))`` equals
``m + log(sum(exp(x_i - m)))`` for any constant ``m``, and with ``m = max x``
every exponent is <= 0, so logits of 1000 give finite results. ``m`` enters
the graph as a constant: the identity holds for every ``m``, so the
gradients are exact.

>>> from autograd_lite import Value, softmax
>>> [round(p.data, 4) for p in softmax([Value(1000.0), Value(1000.0)])]
[0.5, 0.5]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .value import Value, _coerce


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


def _total(terms: list[Value]) -> Value:
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


# Set only while ``compile_batched`` traces a function (``batched_trace.py``):
# told of each max shift and the Values it is the max of, so that the compiled
# program recomputes the shift for every sample instead of reusing this
# trace's number. None (no call, one global lookup) the rest of the time.
shift_listener: Callable[[Value, list[Value]], None] | None = None


def max_shift(vs: list[Value]) -> Value:
    """The constant m = max x_i that the stable forms subtract (a leaf: no gradient).

    >>> max_shift([Value(1.0), Value(3.0)]).data
    3.0
    """
    shift = Value(max(v.data for v in vs))
    if shift_listener is not None:
        shift_listener(shift, vs)
    return shift


def logsumexp(xs: Sequence[Any]) -> Value:
    """log(sum(exp(x_i))), stable for large inputs."""
    vs = _values(xs, "logsumexp")
    m = max_shift(vs)
    return _total([(v - m).exp() for v in vs]).log() + m


def log_softmax(xs: Sequence[Any]) -> list[Value]:
    """x_i - logsumexp(x): log-probabilities, stable for large inputs."""
    vs = _values(xs, "log_softmax")
    lse = logsumexp(vs)
    return [v - lse for v in vs]


def softmax(xs: Sequence[Any]) -> list[Value]:
    """exp(x_i) / sum_j exp(x_j): probabilities that sum to 1."""
    vs = _values(xs, "softmax")
    m = max_shift(vs)
    exps = [(v - m).exp() for v in vs]
    total = _total(exps)
    return [e / total for e in exps]
