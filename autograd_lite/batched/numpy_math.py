"""``NUMPY``: the math backend that runs the rules on numpy arrays, a batch at a time.

Every op's rule (``ops.py``) writes its value and local derivatives with
plain arithmetic plus the functions of a backend ``m``. ``FLOAT`` gives them
floats, ``VALUE`` gives them Values; this one gives them arrays, so one call
of a rule computes its node for every sample of a batch (``batched.py``).

Each function returns, element by element, what ``FLOAT``'s does for one
float: the same branch-free stable forms of sigmoid and softplus, and
``step``, ``relu`` and ``sign`` that are 0 at 0 and nan for nan.

>>> import numpy as np
>>> from autograd_lite.engine import ops
>>> from autograd_lite.engine.float_math import FLOAT
>>> x = np.array([-1000.0, 0.0, 1000.0])
>>> NUMPY.sigmoid(x).tolist()
[0.0, 0.5, 1.0]
>>> [ops.SIGMOID.rule(FLOAT, v)[0] for v in x.tolist()]
[0.0, 0.5, 1.0]
>>> ops.RELU.rule(NUMPY, np.array([-2.0, 3.0]))[1].tolist()   # relu's own rule, on a batch
[0.0, 1.0]
"""

from __future__ import annotations

import numpy as np


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # FLOAT's two branches, chosen per element: exp(-|x|) never overflows, and
    # it is exp(-x) where x >= 0 and exp(x) where x < 0.
    e = np.exp(-np.abs(x))
    small = e / (1.0 + e)
    return np.where(x >= 0.0, 1.0 - small, small)


def _softplus(x: np.ndarray) -> np.ndarray:
    # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), as FLOAT computes it.
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


# step and relu run on every hidden unit of a ReLU network, so they avoid
# np.where with a scalar, several times slower than a comparison or a max.


def _step(x: np.ndarray) -> np.ndarray:
    out = (x > 0.0).astype(float)  # 0.0 at and below 0
    with np.errstate(invalid="ignore", over="ignore"):
        total = np.add.reduce(x, axis=None)  # one pass: nan if x holds a nan (or +-inf)
    if np.isnan(total):
        out[np.isnan(x)] = np.nan  # nan stays nan, as FLOAT's step
    return out


def _sign(x: np.ndarray) -> np.ndarray:
    return np.sign(x)  # -1, 0, 1, and nan for nan, as FLOAT's sign


def _relu(x: np.ndarray) -> np.ndarray:
    out = np.maximum(x, 0.0)  # keeps nan, as FLOAT's relu
    out += 0.0  # a -0.0 becomes 0.0
    return out


class NumpyMath:
    """The functions rules call, on numpy arrays (element-wise)."""

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sqrt = staticmethod(np.sqrt)
    tanh = staticmethod(np.tanh)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    sigmoid = staticmethod(_sigmoid)
    softplus = staticmethod(_softplus)
    step = staticmethod(_step)
    sign = staticmethod(_sign)
    abs = staticmethod(np.abs)
    relu = staticmethod(_relu)


NUMPY = NumpyMath()

__all__ = ["NUMPY", "NumpyMath"]
