"""``NUMPY``: the math backend that runs the rules on numpy arrays, a batch at a time.

Every op's rule (``ops.py``) writes its value and local derivatives with
plain arithmetic plus the functions of a backend ``m``. ``FLOAT`` gives them
floats, ``VALUE`` gives them Values; this one gives them arrays, so one call
of a rule computes its node for every sample of a batch (``batched.py``).

Each function returns, element by element, what ``FLOAT``'s does for one
float: the same branch-free stable forms of sigmoid and softplus, and
``step``, ``relu`` and ``sign`` that are 0 at 0 and nan for nan.

``NUMPY_FINITE`` is the same backend for arrays known to hold no nan and no
inf (``run.forward`` uses it when every leaf of the graph is finite, which
makes every value it computes finite or an error): its ``step`` skips the
pass that looks for a nan to carry through.

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
>>> NUMPY.step(np.array([np.nan, 2.0])).tolist(), NUMPY_FINITE.step(np.array([-1.0, 2.0])).tolist()
([nan, 1.0], [0.0, 1.0])
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
    return _max_with_zero(x) + np.log1p(np.exp(-np.abs(x)))


# step and relu run on every hidden unit of a ReLU network, so they avoid
# np.where with a scalar, several times slower than a comparison or a max,
# and take the max against a row of zeros rather than the number 0.


def _step(x: np.ndarray) -> np.ndarray:
    out = (x > 0.0).astype(float)  # 0.0 at and below 0
    with np.errstate(invalid="ignore", over="ignore"):
        total = np.add.reduce(x, axis=None)  # one pass: nan if x holds a nan (or +-inf)
    if np.isnan(total):
        out[np.isnan(x)] = np.nan  # nan stays nan, as FLOAT's step
    return out


def _step_of_finite(x: np.ndarray) -> np.ndarray:
    return (x > 0.0).astype(float)  # no nan to carry through


def _sign(x: np.ndarray) -> np.ndarray:
    return np.sign(x)  # -1, 0, 1, and nan for nan, as FLOAT's sign


_zeros = np.zeros(0)
_zeros.flags.writeable = False


def _zero_row(n: int) -> np.ndarray:
    """n zeros, from one read-only row kept for the purpose (grown when needed)."""
    global _zeros
    if len(_zeros) < n:
        _zeros = np.zeros(max(n, 2 * len(_zeros)))
        _zeros.flags.writeable = False
    return _zeros[:n]


def _max_with_zero(x: np.ndarray) -> np.ndarray:
    """max(x, 0), nan kept. Against a row of zeros, not the number 0: numpy's vector
    loop takes two arrays, and runs about 2.5x faster than with a scalar."""
    if isinstance(x, np.ndarray) and x.ndim:
        return np.maximum(x, _zero_row(x.shape[-1]))
    return np.maximum(x, 0.0)


def _maximum_gives_plus_zero() -> bool:
    """Whether ``np.maximum(-0.0, 0.0)`` is 0.0, as FLOAT's relu of -0.0 is.

    Of two equal numbers numpy's maximum may return either, and -0.0 == 0.0;
    when it returns the 0.0, relu needs no second pass to turn a -0.0 into
    0.0. Probed once, as ``_relu`` computes it: on vector loops and their
    scalar tails, contiguous and strided rows, and a single number.
    """
    for n in (1, 2, 3, 5, 8, 13, 17, 33, 64, 1000):
        rows = np.full((3, 2 * n + 1), -0.0)
        for x in (rows[0, :n], rows[:, :n], rows[:, ::2], rows.T, rows[0, 0]):
            if np.signbit(_max_with_zero(x)).any():
                return False
    return True


_MAXIMUM_GIVES_PLUS_ZERO = _maximum_gives_plus_zero()


def _relu(x: np.ndarray) -> np.ndarray:
    out = _max_with_zero(x)  # keeps nan, as FLOAT's relu
    if not _MAXIMUM_GIVES_PLUS_ZERO:
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


class FiniteNumpyMath(NumpyMath):
    """``NumpyMath`` for arrays that hold no nan and no inf."""

    step = staticmethod(_step_of_finite)


NUMPY = NumpyMath()
NUMPY_FINITE = FiniteNumpyMath()

__all__ = ["NUMPY", "NUMPY_FINITE", "FiniteNumpyMath", "NumpyMath"]
