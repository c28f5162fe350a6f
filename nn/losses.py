"""Loss functions from the lectures, each for one example, built from Values.

=======================================  ==========================================  =============
loss                                     definition                                  gradient
=======================================  ==========================================  =============
``squared_error(yhat, y)``               1/2 (y - yhat)^2 (summed over outputs)      yhat - y
``mse(yhats, ys)``                       mean over examples of (y - yhat)^2          2(yhat - y)/n
``hinge(score, y)``                      max(0, 1 - y score), y in {-1, +1}          -y or 0
``binary_cross_entropy(yhat, y)``        -y log yhat - (1 - y) log(1 - yhat)         see below
``binary_cross_entropy_with_logits``     the same of yhat = sigmoid(z), z a logit    s(z) - y
``softmax_cross_entropy(z, y)``          -sum_k y_k log softmax(z)_k, z logits       p - y
``l2_penalty(params, lam)``              lam sum w^2                                 2 lam w
=======================================  ==========================================  =============

The lecture pairs each loss with the last layer's activation (L. Kaelbling's
notes: squared and hinge with a linear output, NLL with a sigmoid or a
softmax). ``binary_cross_entropy`` takes the probability yhat, as the
lectures write it and as PyTorch's ``binary_cross_entropy`` does: put a
sigmoid on the last layer (``output_activation="sigmoid"``). Its gradient
with respect to yhat is (yhat - y) / (yhat (1 - yhat)), and through the
sigmoid the yhat (1 - yhat) cancels to yhat - y. ``..._with_logits`` and
``softmax_cross_entropy`` take logits (a linear last layer) and fold the
sigmoid or softmax in, in a form that cannot overflow.

Squared error: ``squared_error`` has the 1/2 of seeds 001 (regression loss)
and 004 (L = 1/2 (y - t)^2), so its gradient is yhat - y; ``mse`` is the
usual mean of squares without the 1/2, and the 2-2-1 "Backprop Demo" of
seed 001 and seed 003's linear regression use (y - yhat)^2 without it too.

>>> from autograd_lite import Value
>>> yhat = Value(0.7)
>>> loss = binary_cross_entropy(yhat, 1)       # seed 001's -log 0.7
>>> round(loss.data, 4)
0.3567
>>> z = Value(0.0)
>>> loss = binary_cross_entropy_with_logits(z, 1)
>>> loss.backward()
>>> round(loss.data, 6), z.grad     # log 2, and sigmoid(0) - 1
(0.693147, -0.5)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from autograd_lite import Value, logsumexp

Output = Value | Sequence[Value]
F = TypeVar("F", bound=Callable[..., Value])

# What a loss needs from ``fit``, said by the loss itself (``loss_needs``).
PER_SAMPLE, WHOLE_BATCH = "per sample", "whole batch"
NUMBER, CLASS_INDEX = "number", "class index"


def loss_needs(*, batch: str = PER_SAMPLE, target: str = NUMBER) -> Callable[[F], F]:
    """Mark a loss with what ``fit`` must give it; a loss without the mark is per-sample.

    ``batch``: ``PER_SAMPLE`` (``loss(output, target)`` for one example, which
    ``fit`` averages) or ``WHOLE_BATCH`` (``loss(outputs, targets)`` for the
    whole batch at once, as ``mse``). ``target``: ``NUMBER`` (a number or a
    list of them) or ``CLASS_INDEX`` (a class label, which a compiled batch
    feeds in as a one-hot row). A loss of your own takes the same mark.

    >>> @loss_needs(batch=WHOLE_BATCH)
    ... def mean_abs(yhats, ys):
    ...     return total([abs(yh - y) for yh, y in zip(yhats, ys)]) / len(ys)
    >>> mean_abs.batch, per_sample(mean_abs)(Value(2.0), 5.0).data
    ('whole batch', 3.0)
    """
    if batch not in (PER_SAMPLE, WHOLE_BATCH):
        raise ValueError(f"batch must be {PER_SAMPLE!r} or {WHOLE_BATCH!r}, got {batch!r}")
    if target not in (NUMBER, CLASS_INDEX):
        raise ValueError(f"target must be {NUMBER!r} or {CLASS_INDEX!r}, got {target!r}")

    def mark(loss: F) -> F:
        loss.batch, loss.target = batch, target  # type: ignore[attr-defined]
        return loss

    return mark


def takes_whole_batch(loss: Callable) -> bool:
    """Whether ``loss`` takes a whole batch, ``loss(outputs, targets)`` (see ``loss_needs``)."""
    return getattr(loss, "batch", PER_SAMPLE) == WHOLE_BATCH


def takes_class_index(loss: Callable) -> bool:
    """Whether ``loss``'s target is a class label (see ``loss_needs``)."""
    return getattr(loss, "target", NUMBER) == CLASS_INDEX


def per_sample(loss: Callable) -> Callable[[Any, Any], Value]:
    """``loss`` of one example: the loss itself, or a whole-batch loss on a batch of one."""
    if takes_whole_batch(loss):
        return lambda output, target: loss([output], [target])
    return loss


def squared_error(yhat: Output, y: Any) -> Value:
    """The lecture's regression loss 1/2 (y - yhat)^2; summed over outputs for a vector.

    >>> from autograd_lite import Value
    >>> squared_error(Value(3.0), 1.0).data
    2.0
    >>> squared_error([Value(1.0), Value(2.0)], [0.0, 0.0]).data
    2.5
    """
    outs, targets = _paired(yhat, y, "squared_error")
    return 0.5 * total([(t - o) ** 2 for o, t in zip(outs, targets)])


@loss_needs(batch=WHOLE_BATCH)
def mse(yhats: Sequence[Output], ys: Sequence[Any]) -> Value:
    """Mean squared error over a batch: mean of (y - yhat)^2 over every output.

    This is the usual MSE, without the 1/2: ``mse`` of one scalar example is
    twice its ``squared_error``.

    >>> from autograd_lite import Value
    >>> mse([Value(1.0), Value(3.0)], [0.0, 1.0]).data
    2.5
    """
    if len(yhats) != len(ys):
        raise ValueError(f"mse: {len(yhats)} predictions but {len(ys)} targets")
    if len(yhats) == 0:
        raise ValueError("mse of an empty batch is undefined")
    terms = []
    for i, (o, t) in enumerate(zip(yhats, ys)):
        outs, targets = _paired(o, t, f"mse (example {i})")
        terms.extend((tk - ok) ** 2 for ok, tk in zip(outs, targets))
    return total(terms) / len(terms)


def hinge(score: Value, y: Any) -> Value:
    """The SVM max-margin loss max(0, 1 - y * score), for a label y of -1 or +1.

    >>> from autograd_lite import Value
    >>> hinge(Value(0.25), 1).data, hinge(Value(3.0), 1).data, hinge(Value(3.0), -1).data
    (0.75, 0.0, 4.0)
    """
    s = _one_output(score, "hinge")
    label = _number(y, "hinge", "label")
    if label not in (-1.0, 1.0):
        raise ValueError(
            f"hinge: the label must be -1 or +1, got {label!r} (map 0/1 labels with 2*y - 1)"
        )
    return (1.0 - label * s).relu()


LOG_FLOOR = -100.0
"""The least value a log in ``binary_cross_entropy`` takes, as in PyTorch's BCELoss."""

_FLOOR = math.exp(LOG_FLOOR)  # e^-100 = 3.7e-44: log(_FLOOR) is exactly -100.0


def clamped_log(p: Value) -> Value:
    """max(log p, -100) for p >= 0, built from the engine's own operations.

    It is log(relu(p - e^-100) + e^-100): exactly log p wherever log p >= -100,
    and -100 below (p = 0 included). Its gradient is the derivative of that
    function: 1/p above the floor, and 0 where the floor holds, because a
    clamped value does not change when p moves; so nothing is infinite and
    no NaN appears.

    >>> from autograd_lite import Value
    >>> p = Value(0.0)
    >>> out = clamped_log(p)
    >>> out.backward()
    >>> out.data, p.grad
    (-100.0, 0.0)
    """
    return ((p - _FLOOR).relu() + _FLOOR).log()


def binary_cross_entropy(yhat: Value, y: Any) -> Value:
    """-y log yhat - (1 - y) log(1 - yhat) of a probability yhat; y in [0, 1].

    The lectures' binary cross-entropy (seed 001), on the probability yhat =
    sigmoid(z) that a sigmoid output layer gives, like PyTorch's
    ``binary_cross_entropy``. Each log is clamped at -100 as PyTorch's BCELoss
    does (``clamped_log``), so yhat = 0 or 1, where a saturated sigmoid rounds
    to, gives a finite loss (at most 100) and finite gradients instead of an
    error. Where neither log is clamped the gradient is the lecture's
    (yhat - y) / (yhat (1 - yhat)); a clamped log contributes 0. (PyTorch's
    hand-written backward uses (yhat - y) / max(yhat (1 - yhat), 1e-12)
    instead, which is not the derivative of its clamped loss: the two agree
    wherever yhat (1 - yhat) >= 1e-12.) A term whose weight y or 1 - y is 0
    is left out of the graph.

    For logits use ``binary_cross_entropy_with_logits``: it has no clamp and
    its gradient s(z) - y never vanishes when the sigmoid saturates.

    >>> from autograd_lite import Value
    >>> round(binary_cross_entropy(Value(0.7), 1).data, 6)     # -log 0.7
    0.356675
    >>> binary_cross_entropy(Value(0.0), 1).data               # -max(log 0, -100)
    100.0
    >>> binary_cross_entropy(Value(1.3), 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: binary_cross_entropy: yhat must be a probability in [0, 1], got 1.3; ...
    """
    p = _one_output(yhat, "binary_cross_entropy")
    if not 0.0 <= p.data <= 1.0:
        where = f" (Value {p.label!r})" if p.label else ""
        raise ValueError(
            f"binary_cross_entropy: yhat must be a probability in [0, 1], got {p.data!r}{where}; "
            "for a logit (a linear output) use binary_cross_entropy_with_logits"
        )
    target = _target_probability(y, "binary_cross_entropy")
    terms = []
    if target != 0.0:
        terms.append(-target * clamped_log(p))
    if target != 1.0:
        terms.append(-(1.0 - target) * clamped_log(1.0 - p))
    return total(terms)


def binary_cross_entropy_with_logits(logit: Value, y: Any) -> Value:
    """Binary cross-entropy of yhat = sigmoid(z), from the logit z; y in [0, 1].

    Computed as softplus(z) - y z, which equals
    -y log sigmoid(z) - (1 - y) log(1 - sigmoid(z)), is finite for every z,
    and has gradient sigmoid(z) - y (PyTorch's ``BCEWithLogitsLoss``).

    >>> from autograd_lite import Value
    >>> binary_cross_entropy_with_logits(Value(1000.0), 0).data   # sigmoid(1000) rounds to 1
    1000.0
    """
    z = _one_output(logit, "binary_cross_entropy_with_logits")
    target = _target_probability(y, "binary_cross_entropy_with_logits")
    return z.softplus() - target * z


@loss_needs(target=CLASS_INDEX)
def softmax_cross_entropy(logits: Sequence[Value], y: Any) -> Value:
    """The lecture's NLL of softmax(z), from the logits z: logsumexp(z) - z_y.

    ``y`` is the class index, or a list of target probabilities (a one-hot
    vector). The gradient with respect to z_k is p_k - y_k, p = softmax(z).
    The probabilities may also be Values, such as the inputs of a compiled
    graph (``fit(batched=True)`` feeds class labels in as one-hot rows that
    way): then they are used as they are, unchecked, every term included.

    >>> from autograd_lite import Value
    >>> z = [Value(1000.0), Value(0.0)]
    >>> softmax_cross_entropy(z, 0).data, softmax_cross_entropy(z, 1).data
    (0.0, 1000.0)
    >>> softmax_cross_entropy(z, [Value(0.0), Value(1.0)]).data
    1000.0
    """
    zs = _logits(logits, "softmax_cross_entropy")
    if isinstance(y, (list, tuple)) and y and all(isinstance(p, Value) for p in y):
        if len(y) != len(zs):
            raise ValueError(
                f"softmax_cross_entropy: {len(zs)} logits but {len(y)} target probabilities"
            )
        return logsumexp(zs) - total([p * z for p, z in zip(y, zs)])
    if isinstance(y, (list, tuple)) or hasattr(y, "ndim") and getattr(y, "ndim", 0) == 1:
        probs = [_number(p, "softmax_cross_entropy", f"target[{k}]") for k, p in enumerate(y)]
        if len(probs) != len(zs):
            raise ValueError(
                f"softmax_cross_entropy: {len(zs)} logits but {len(probs)} target probabilities"
            )
        if any(p < 0.0 for p in probs) or abs(sum(probs) - 1.0) > 1e-9:
            raise ValueError(
                "softmax_cross_entropy: the target probabilities must be >= 0 and sum to 1, "
                f"got {probs}"
            )
        lse = logsumexp(zs)
        return lse - total([p * z for p, z in zip(probs, zs) if p != 0.0])
    k = _class_index(y, len(zs))
    return logsumexp(zs) - zs[k]


@loss_needs(target=CLASS_INDEX)
def nll(logits: Sequence[Value], y: Any) -> Value:
    """Negative log-likelihood -log softmax(z)_y: ``softmax_cross_entropy`` by its other name.

    >>> from autograd_lite import Value
    >>> round(nll([Value(0.0), Value(0.0)], 1).data, 6)   # log 2
    0.693147
    """
    return softmax_cross_entropy(logits, y)


def l2_penalty(params: Iterable[Value], lam: float) -> Value:
    """The L2 penalty lam * sum w^2 over ``params`` (a list of Values, or a Module).

    >>> from autograd_lite import Value
    >>> l2_penalty([Value(1.0), Value(-2.0)], 0.1).data
    0.5
    """
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()
    ps = list(params)
    for i, p in enumerate(ps):
        if not isinstance(p, Value):
            raise TypeError(f"l2_penalty: params[{i}] is {type(p).__name__}, not a Value")
    if not ps:
        raise ValueError("l2_penalty: no parameters given")
    lam = _number(lam, "l2_penalty", "lam")
    if lam < 0.0:
        raise ValueError(f"l2_penalty: lam must be >= 0, got {lam!r}")
    return lam * total([p * p for p in ps])


def total(values: Sequence[Value]) -> Value:
    """values[0] + values[1] + ... as a chain of Value additions (no constant 0 node).

    >>> from autograd_lite import Value
    >>> total([Value(1.0), Value(2.0), Value(3.0)]).data
    6.0
    """
    if not values:
        raise ValueError("total() of an empty list")
    acc = values[0]
    for v in values[1:]:
        acc = acc + v
    return acc


# --- checking what a loss was given --------------------------------------------


def _one_output(out: Any, loss: str) -> Value:
    if isinstance(out, Value):
        return out
    if isinstance(out, (list, tuple)) and len(out) == 1 and isinstance(out[0], Value):
        return out[0]
    if isinstance(out, (list, tuple)):
        raise ValueError(
            f"{loss} takes one output per example (a Value), got a list of {len(out)}; "
            f"for several classes use softmax_cross_entropy"
        )
    raise TypeError(f"{loss} takes a Value (the model's output), got {type(out).__name__}")


def _logits(out: Any, loss: str) -> list[Value]:
    if isinstance(out, Value):
        raise TypeError(f"{loss} takes a list of logits (one per class), got a single Value")
    if not isinstance(out, (list, tuple)) or not out:
        raise TypeError(f"{loss} takes a non-empty list of Values (the logits)")
    for k, z in enumerate(out):
        if not isinstance(z, Value):
            raise TypeError(f"{loss}: logit {k} is {type(z).__name__}, not a Value")
    return list(out)


def _number(x: Any, loss: str, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{loss}: the {what} must be a number, got {type(x).__name__}")
    v = float(x)
    if not math.isfinite(v):
        raise ValueError(f"{loss}: the {what} must be finite, got {v!r}")
    return v


def _target_probability(y: Any, loss: str) -> float:
    target = _number(y, loss, "target")
    if not 0.0 <= target <= 1.0:
        raise ValueError(f"{loss}: the target must be in [0, 1], got {target!r}")
    return target


def _class_index(y: Any, n: int) -> int:
    if isinstance(y, bool) or not isinstance(y, numbers.Real):
        raise TypeError(
            f"softmax_cross_entropy: the target must be a class index or a list of "
            f"probabilities, got {type(y).__name__}"
        )
    if not float(y).is_integer():
        raise ValueError(f"softmax_cross_entropy: the class index must be whole, got {y!r}")
    k = int(y)
    if not 0 <= k < n:
        raise ValueError(f"softmax_cross_entropy: class {k} is out of range for {n} logits")
    return k


def _paired(out: Any, y: Any, loss: str) -> tuple[list[Value], list[float]]:
    if isinstance(out, Value):
        outs = [out]
    elif isinstance(out, (list, tuple)) and all(isinstance(o, Value) for o in out):
        outs = list(out)
    else:
        raise TypeError(f"{loss} takes a Value or a list of Values, got {type(out).__name__}")
    if isinstance(y, (list, tuple)) or hasattr(y, "ndim") and getattr(y, "ndim", 0) >= 1:
        targets = [_number(t, loss, "target") for t in y]
    else:
        targets = [_number(y, loss, "target")]
    if len(targets) != len(outs):
        raise ValueError(f"{loss}: {len(outs)} outputs but {len(targets)} targets")
    return outs, targets
