"""Initialisation: the lecture's rule of thumb, reproducible by seed.

Weights are drawn from Gaussian(0, 1/nin): seed 000's rule of thumb
W_ij ~ Gaussian(0, 1/m), where the seed marks 1/m as the *variance*. So the
standard deviation is 1/sqrt(nin) (numpy's ``normal`` takes the standard
deviation, hence the square root below), and the size of w . x does not
grow with the number of inputs. Biases start at 0, the seed's alternative
to drawing them from Gaussian(0, 1). Randomness comes from a numpy
``Generator``: pass ``seed`` for a fresh one, or ``rng`` to share one
across several layers.

>>> gaussian_weights(3, random_generator(seed=0)) == gaussian_weights(3, random_generator(seed=0))
True
"""

from __future__ import annotations

import math
import numbers

import numpy as np


def random_generator(
    seed: int | None = None, rng: np.random.Generator | None = None
) -> np.random.Generator:
    """The numpy Generator to draw from: ``rng`` if given, else one seeded with ``seed``.

    With neither, the generator is seeded from the operating system (not
    reproducible).

    >>> int(random_generator(seed=1).integers(100)) == int(random_generator(seed=1).integers(100))
    True
    """
    if rng is not None:
        if seed is not None:
            raise ValueError("pass seed or rng, not both")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(
                f"rng must be a numpy Generator (numpy.random.default_rng(seed)), "
                f"got {type(rng).__name__}"
            )
        return rng
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"seed must be an int or None, got {type(seed).__name__}")
    if seed is not None and seed < 0:
        raise ValueError(f"seed must be an int >= 0 or None (numpy's seeds are), got {seed}")
    return np.random.default_rng(seed)


def gaussian_weights(nin: int, rng: np.random.Generator) -> list[float]:
    """``nin`` weights drawn from Gaussian(mean 0, variance 1/nin), as floats.

    >>> w = gaussian_weights(10_000, random_generator(seed=0))
    >>> len(w), round(float(np.var(w)) * 10_000, 1)     # variance 1/nin, not std 1/nin
    (10000, 1.0)
    """
    return [float(w) for w in rng.normal(0.0, 1.0 / math.sqrt(nin), size=nin)]
