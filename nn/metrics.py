"""Was a prediction right? One rule per kind of output, matched to its loss.

* a score trained with ``hinge`` (labels -1/+1): right when its sign matches;
* a probability trained with ``binary_cross_entropy`` (labels 0/1): right
  when yhat > 1/2 exactly for y = 1;
* a logit trained with ``binary_cross_entropy_with_logits`` (labels 0/1):
  right when z > 0 exactly for y = 1 (the same rule, as sigmoid(z) > 1/2
  exactly when z > 0);
* logits trained with ``softmax_cross_entropy`` / ``nll``: right when the
  largest logit is the target class.

Regression losses (``squared_error``, ``mse``) have no accuracy.

>>> from autograd_lite import Value
>>> sign_correct(Value(0.3), 1), logit_correct(Value(0.3), 0), probability_correct(Value(0.3), 0)
(True, False, True)
>>> argmax_correct([Value(1.0), Value(2.0)], 1)
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd_lite import Value

from . import losses

Correct = Callable[[Any, Any], bool]


def _data(out: Any) -> float:
    if isinstance(out, (list, tuple)) and len(out) == 1:
        out = out[0]
    return out.data if isinstance(out, Value) else float(out)


def sign_correct(score: Value, y: Any) -> bool:
    """True when ``score`` is on the side of 0 that label ``y`` (-1 or +1) names."""
    return (_data(score) > 0.0) == (float(y) > 0.0)


def logit_correct(logit: Value, y: Any) -> bool:
    """True when sigmoid(``logit``) > 1/2 exactly for target ``y`` >= 1/2."""
    return (_data(logit) > 0.0) == (float(y) >= 0.5)


def probability_correct(yhat: Value, y: Any) -> bool:
    """True when ``yhat`` > 1/2 exactly for target ``y`` >= 1/2.

    >>> from autograd_lite import Value
    >>> probability_correct(Value(0.9), 1), probability_correct(Value(0.5), 1)
    (True, False)
    """
    return (_data(yhat) > 0.5) == (float(y) >= 0.5)


def argmax_correct(logits: Sequence[Value], y: Any) -> bool:
    """True when the largest logit is class ``y`` (an index, or the largest target probability)."""
    zs = [_data(z) for z in logits]
    guess = max(range(len(zs)), key=zs.__getitem__)
    if isinstance(y, (list, tuple)) or getattr(y, "ndim", 0) == 1:
        ys = [float(t) for t in y]
        return guess == max(range(len(ys)), key=ys.__getitem__)
    return guess == int(y)


CORRECT_FOR_LOSS: dict[Callable[..., Value], Correct] = {
    losses.hinge: sign_correct,
    losses.binary_cross_entropy: probability_correct,
    losses.binary_cross_entropy_with_logits: logit_correct,
    losses.softmax_cross_entropy: argmax_correct,
    losses.nll: argmax_correct,
}


def correct_for(loss: Callable[..., Value]) -> Correct | None:
    """The accuracy rule that goes with ``loss``; None for regression losses.

    >>> correct_for(losses.hinge) is sign_correct, correct_for(losses.squared_error)
    (True, None)
    """
    return CORRECT_FOR_LOSS.get(loss)


def accuracy(outputs: Sequence[Any], targets: Sequence[Any], correct: Correct) -> float:
    """The fraction of ``outputs`` that ``correct`` judges right for their targets.

    >>> from autograd_lite import Value
    >>> accuracy([Value(1.0), Value(-1.0)], [1, 1], sign_correct)
    0.5
    """
    if len(outputs) != len(targets):
        raise ValueError(f"accuracy: {len(outputs)} outputs but {len(targets)} targets")
    if not outputs:
        raise ValueError("accuracy of no examples is undefined")
    return sum(bool(correct(o, t)) for o, t in zip(outputs, targets)) / len(outputs)
