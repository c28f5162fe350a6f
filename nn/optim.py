"""Optimizers: SGD (with a learning-rate schedule, momentum, weight decay), Adam and AdamW.

Each reads ``p.grad`` of its parameters and updates ``p.data`` in place;
``t`` counts the steps taken so far. A step is all or nothing: it first
computes every new value (and the optimizer's own running state), and
writes them only when all are finite numbers. A gradient that is NaN or
infinite, or an update that overflows, raises ``FloatingPointError`` naming
the parameter, and leaves the parameters, the running state and ``t`` as
they were, so a diverged run stops instead of spreading NaN through the model.

The lecture's update is w <- w - eta(t) dL/dw; ``lr`` may be a number or a
callable ``eta(t)`` of the step index t = 0, 1, 2, ...

>>> from autograd_lite import Value
>>> w = Value(1.0, label="w")
>>> opt = SGD([w], lr=lambda t: 0.5 / (t + 1))
>>> for _ in range(2):
...     opt.zero_grad()
...     loss = w * w
...     loss.backward()
...     opt.step()
>>> w.data    # 1 - 0.5*2*1 = 0, then 0 - 0.25*2*0 = 0
0.0
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

from autograd_lite import Value

Schedule = float | Callable[[int], float]


class Optimizer:
    """What every optimizer shares: its parameters, the step count, ``zero_grad``, ``step``.

    A subclass says how one step changes the numbers in ``_proposal``;
    ``step`` checks the proposal and then writes it.
    """

    def __init__(self, params: Iterable[Value] | Any, lr: Schedule) -> None:
        if hasattr(params, "parameters") and callable(params.parameters):
            params = params.parameters()  # a Module
        if isinstance(params, Value):
            raise TypeError(
                f"{type(self).__name__} takes a list of parameters (model.parameters()), "
                f"got a single Value"
            )
        ps = list(params)
        if not ps:
            raise ValueError(f"{type(self).__name__}: no parameters to optimize")
        seen: set[int] = set()
        for i, p in enumerate(ps):
            if not isinstance(p, Value):
                raise TypeError(
                    f"{type(self).__name__}: params[{i}] is {type(p).__name__}, not a Value"
                )
            if id(p) in seen:
                raise ValueError(f"{type(self).__name__}: params[{i}] appears twice")
            seen.add(id(p))
        if not callable(lr):
            _check_lr(lr, f"{type(self).__name__}: lr")
        self.params = ps
        self.lr = lr
        self.t = 0  # steps taken

    def learning_rate(self, t: int | None = None) -> float:
        """eta(t) for step ``t`` (the next step by default)."""
        t = self.t if t is None else t
        if callable(self.lr):
            return _check_lr(self.lr(t), f"{type(self).__name__}: the lr schedule at step {t}")
        return float(self.lr)

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0.0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """One update of every parameter from its current ``grad``: all of them, or none.

        ``FloatingPointError`` (naming the parameter) when a gradient or a
        new value would not be a finite number; then nothing has changed.
        """
        grads = self._gradients()
        data, state = self._proposal(grads, self.learning_rate())
        self._check_finite("the update would make it", data)
        for name, values in state.items():
            self._check_finite(f"its {name} estimate would become", values)
        for name, values in state.items():
            setattr(self, name, values)
        for p, x in zip(self.params, data):
            p.data = x
        self.t += 1

    def _proposal(
        self, grads: list[float], eta: float
    ) -> tuple[list[float], dict[str, list[float]]]:
        """The new data of every parameter, and the new running state by attribute name."""
        raise NotImplementedError

    def _gradients(self) -> list[float]:
        """Every parameter's gradient as a float, checked finite before any update."""
        grads = []
        for i, p in enumerate(self.params):
            g = p.grad
            if type(g) is not float:
                g = float(getattr(g, "data", g))  # a Value after create_graph=True
            if not math.isfinite(g):
                self._refuse(i, f"the gradient of {self._name(i)!r} is {g!r}")
            grads.append(g)
        return grads

    def _check_finite(self, what: str, values: list[float]) -> None:
        for i, x in enumerate(values):
            if not math.isfinite(x):
                self._refuse(i, f"{what} {x!r} for {self._name(i)!r}")

    def _name(self, i: int) -> str:
        return self.params[i].label or f"params[{i}]"

    def _refuse(self, i: int, problem: str) -> None:
        raise FloatingPointError(
            f"{type(self).__name__} step {self.t}: {problem}; "
            "no parameter was changed (try a smaller learning rate)"
        )


class SGD(Optimizer):
    """Stochastic gradient descent: w <- w - eta(t) v.

    v is the gradient g (plus ``weight_decay`` * w when given); with
    ``momentum`` mu it is the running v <- mu v + g, started at 0.

    >>> from autograd_lite import Value
    >>> w = Value(2.0)
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> w.grad = 1.0; opt.step(); w.data    # v = 1
    1.9
    >>> w.grad = 1.0; opt.step(); round(w.data, 12)    # v = 0.9 + 1
    1.71
    """

    def __init__(
        self,
        params: Iterable[Value] | Any,
        lr: Schedule = 0.1,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _in_range(momentum, "SGD: momentum", 0.0, 1.0, closed=False)
        self.weight_decay = _finite_at_least_0(weight_decay, "SGD: weight_decay")
        self.velocity = [0.0] * len(self.params)

    def _proposal(
        self, grads: list[float], eta: float
    ) -> tuple[list[float], dict[str, list[float]]]:
        mu, wd = self.momentum, self.weight_decay
        data, velocity = [], list(self.velocity)
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if wd:
                g = g + wd * p.data
            if mu:
                g = velocity[i] = mu * velocity[i] + g
            data.append(p.data - eta * g)
        return data, {"velocity": velocity} if mu else {}


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015): steps scaled by running gradient moments.

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
    w <- w - eta * m_hat / (sqrt(v_hat) + eps), with m_hat = m / (1 - b1^t),
    v_hat = v / (1 - b2^t) and t counted from 1. ``weight_decay`` adds
    ``weight_decay`` * w to g (L2 regularisation; ``AdamW`` decays the
    weight instead). ``eps`` must be > 0: it keeps the step finite where
    a gradient has been 0 so far.

    >>> from autograd_lite import Value
    >>> w = Value(1.0)
    >>> opt = Adam([w], lr=0.1)
    >>> w.grad = 3.0; opt.step(); round(w.data, 9)    # the first step moves by lr
    0.9
    """

    decoupled = False  # AdamW: weight decay acts on the weight, not through the gradient

    def __init__(
        self,
        params: Iterable[Value] | Any,
        lr: Schedule = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        name = type(self).__name__
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"{name}: betas must be a pair (b1, b2), got {betas!r}")
        self.betas = (
            _in_range(betas[0], f"{name}: betas[0]", 0.0, 1.0, closed=False),
            _in_range(betas[1], f"{name}: betas[1]", 0.0, 1.0, closed=False),
        )
        self.eps = _finite_above_0(eps, f"{name}: eps")
        self.weight_decay = _finite_at_least_0(weight_decay, f"{name}: weight_decay")
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def _proposal(
        self, grads: list[float], eta: float
    ) -> tuple[list[float], dict[str, list[float]]]:
        b1, b2 = self.betas
        t = self.t + 1
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        wd, eps = self.weight_decay, self.eps
        shrink = 1.0 - eta * wd if self.decoupled else 1.0
        data, m, v = [], list(self.m), list(self.v)
        for i, (p, g) in enumerate(zip(self.params, grads)):
            w = p.data
            if self.decoupled:
                w = w * shrink  # PyTorch's AdamW: w <- w - eta wd w, before the Adam step
            elif wd:
                g = g + wd * w
            m[i] = b1 * m[i] + (1.0 - b1) * g
            v[i] = b2 * v[i] + (1.0 - b2) * g * g
            data.append(w - eta * (m[i] / c1) / (math.sqrt(v[i] / c2) + eps))
        return data, {"m": m, "v": v}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019), as PyTorch's AdamW.

    Each step first shrinks every weight, w <- w - eta wd w, then takes the
    Adam step above with the plain gradient: the decay never enters the
    moments m and v. The defaults are PyTorch's (``weight_decay=0.01``).

    >>> from autograd_lite import Value
    >>> w = Value(1.0)
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> w.grad = 0.0; opt.step(); w.data    # only the decay: 1 - 0.1 * 0.5 * 1
    0.95
    """

    decoupled = True

    def __init__(
        self,
        params: Iterable[Value] | Any,
        lr: Schedule = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


def _check_lr(lr: Any, what: str) -> float:
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise TypeError(f"{what} must be a number or a callable eta(t), got {type(lr).__name__}")
    lr = float(lr)
    if not math.isfinite(lr) or lr < 0.0:
        raise ValueError(f"{what} must be a finite number >= 0, got {lr!r}")
    return lr


def _in_range(x: Any, what: str, low: float, high: float, closed: bool = True) -> float:
    x = _number(x, what)
    ok = low <= x <= high if closed else low <= x < high
    if not ok or math.isnan(x):
        bound = "]" if closed else ")"
        raise ValueError(f"{what} must be in [{low:g}, {high:g}{bound}, got {x!r}")
    return x


def _finite_at_least_0(x: Any, what: str) -> float:
    x = _number(x, what)
    if not (math.isfinite(x) and x >= 0.0):
        raise ValueError(f"{what} must be a finite number >= 0, got {x!r}")
    return x


def _finite_above_0(x: Any, what: str) -> float:
    x = _number(x, what)
    if not (math.isfinite(x) and x > 0.0):
        raise ValueError(f"{what} must be a finite number > 0, got {x!r}")
    return x


def _number(x: Any, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a number, got {type(x).__name__}")
    return float(x)
