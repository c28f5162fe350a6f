"""``FLOAT``: the math backend that runs the op rules on Python floats.

A rule (``ops.py``) computes its output and local derivatives with plain
arithmetic plus the functions of a backend ``m``. ``FLOAT`` gives them
floats (the engine's forward pass), ``VALUE`` gives them Values
(``value.py``, for second derivatives) and ``NUMPY`` numpy arrays
(``batched/numpy_math.py``, for ``compile_batched``). A user's ``custom_op`` rule may
call any of these functions.

>>> FLOAT.sigmoid(-1000.0), FLOAT.step(0.0), FLOAT.sign(-3.0), FLOAT.relu(float("nan"))
(0.0, 0.0, -1.0, nan)
"""

from __future__ import annotations

import math


def _sigmoid(x: float) -> float:
    # Two branches so that exp never overflows: sigmoid(+-1000) is 1.0 / 0.0.
    # For x >= 0 it is 1 - sigmoid(-x), one rounding from the accurate small
    # one: then sigmoid(x) + sigmoid(-x) is exactly 1 in floats, so slopes
    # that add up to 1 (logaddexp's) cancel exactly where the exact ones do.
    if x >= 0.0:
        e = math.exp(-x)
        return 1.0 - e / (1.0 + e)
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): finite for every finite x.
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


# step, sign and relu give nan for nan, as PyTorch does: a comparison with nan
# is False both ways, so nan falls through to the last branch.


def _step(x: float) -> float:
    return 0.0 if x <= 0.0 else (1.0 if x > 0.0 else x)


def _sign(x: float) -> float:
    return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else (0.0 if x == 0.0 else x))


def _relu(x: float) -> float:
    return 0.0 if x <= 0.0 else x


class FloatMath:
    """The functions rules call, on Python floats."""

    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    sqrt = staticmethod(math.sqrt)
    tanh = staticmethod(math.tanh)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    sigmoid = staticmethod(_sigmoid)
    softplus = staticmethod(_softplus)
    step = staticmethod(_step)
    sign = staticmethod(_sign)
    relu = staticmethod(_relu)
    abs = staticmethod(abs)


FLOAT = FloatMath()

BACKEND_FUNCTIONS: tuple[str, ...] = tuple(
    name for name in vars(FloatMath) if not name.startswith("_")
)
"""The functions every backend offers a rule: ``m.exp``, ``m.sigmoid``, ..."""

__all__ = ["BACKEND_FUNCTIONS", "FLOAT", "FloatMath"]
