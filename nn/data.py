"""Toy datasets made with numpy (no downloads), deterministic by seed, and mini-batches.

Every ``make_*`` returns ``(X, y)``: ``X`` a float array of shape (n, 2),
``y`` an int array of shape (n,) with class labels 0, 1, ... The same
arguments and ``seed`` give the same arrays on every run.

* ``make_moons``: two interleaving half circles (micrograd's demo data);
* ``make_circles``: a small circle inside a large one;
* ``make_spiral``: ``classes`` arms winding around the origin (CS231n);
* ``make_blobs``: Gaussian clusters around random centres;
* ``xor_table``: the four points of the XOR truth table;
* ``make_simple``, ``make_diag``, ``make_split``, ``make_xor``: MiniTorch's
  datasets, points uniform in the unit square labelled by a rule.

``to_signed`` turns 0/1 labels into the -1/+1 that ``hinge`` expects, and
``batches`` cuts a dataset into (shuffled) mini-batches.

>>> X, y = make_moons(6, seed=0)
>>> X.shape, y.tolist()
((6, 2), [1, 1, 0, 0, 1, 0])
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from typing import Any

import numpy as np

from .init import random_generator

Dataset = tuple[np.ndarray, np.ndarray]


def make_moons(n: int = 100, noise: float = 0.1, *, seed: int | None = 0) -> Dataset:
    """Two interleaving half circles: class 0 on top, class 1 below, shifted right.

    >>> X, y = make_moons(100, noise=0.0)
    >>> int((y == 0).sum()), int((y == 1).sum())
    (50, 50)
    """
    n = _count(n, "make_moons")
    noise = _noise(noise, "make_moons")
    rng = random_generator(seed)
    n0 = n - n // 2
    n1 = n // 2
    t0 = np.linspace(0.0, math.pi, n0)
    t1 = np.linspace(0.0, math.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    return _two_classes(upper, lower, noise, rng)


def make_circles(
    n: int = 100, noise: float = 0.05, factor: float = 0.5, *, seed: int | None = 0
) -> Dataset:
    """A circle of radius ``factor`` (class 1) inside one of radius 1 (class 0).

    >>> X, y = make_circles(8, noise=0.0)
    >>> bool(np.allclose(np.hypot(X[y == 1, 0], X[y == 1, 1]), 0.5))
    True
    """
    n = _count(n, "make_circles")
    noise = _noise(noise, "make_circles")
    factor = _number(factor, "make_circles", "factor")
    if not 0.0 < factor < 1.0:
        raise ValueError(f"make_circles: factor must be in (0, 1), got {factor!r}")
    rng = random_generator(seed)
    n0 = n - n // 2
    n1 = n // 2
    t0 = np.linspace(0.0, 2 * math.pi, n0, endpoint=False)
    t1 = np.linspace(0.0, 2 * math.pi, n1, endpoint=False)
    outer = np.column_stack([np.cos(t0), np.sin(t0)])
    inner = factor * np.column_stack([np.cos(t1), np.sin(t1)])
    return _two_classes(outer, inner, noise, rng)


def make_spiral(
    n: int = 300, classes: int = 3, noise: float = 0.2, *, seed: int | None = 0
) -> Dataset:
    """``classes`` spiral arms (CS231n's toy data): each point of arm k is at a
    radius r in (0, 1] and angle 4k + 4r (radians) plus Gaussian(0, noise) jitter.

    >>> X, y = make_spiral(9, classes=3)
    >>> sorted(np.bincount(y).tolist())
    [3, 3, 3]
    """
    n = _count(n, "make_spiral")
    classes = _count(classes, "make_spiral", "classes")
    noise = _noise(noise, "make_spiral")
    if n < classes:
        raise ValueError(f"make_spiral: {n} points can't make {classes} classes")
    rng = random_generator(seed)
    sizes = [n // classes + (1 if k < n % classes else 0) for k in range(classes)]
    xs, ys = [], []
    for k, m in enumerate(sizes):
        r = np.linspace(0.0, 1.0, m + 1)[1:]  # not 0: the arms would share the origin
        t = 4.0 * k + 4.0 * r + rng.normal(0.0, noise, size=m)
        xs.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        ys.append(np.full(m, k, dtype=np.int64))
    return _shuffled(np.vstack(xs), np.concatenate(ys), rng)


def make_blobs(
    n: int = 100, centers: Any = 3, std: float = 1.0, *, seed: int | None = 0
) -> Dataset:
    """Gaussian clusters: ``centers`` is a count (centres drawn uniformly in
    [-10, 10]^2) or an array of 2-D centres; each class has spread ``std``.

    >>> X, y = make_blobs(4, centers=[[0, 0], [5, 5]], std=0.0)
    >>> X[y == 1].tolist()
    [[5.0, 5.0], [5.0, 5.0]]
    """
    n = _count(n, "make_blobs")
    std = _noise(std, "make_blobs", "std")
    rng = random_generator(seed)
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        k = _count(centers, "make_blobs", "centers")
        middles = rng.uniform(-10.0, 10.0, size=(k, 2))
    else:
        middles = _centres(centers)
    k = len(middles)
    y = np.arange(n, dtype=np.int64) % k
    X = middles[y] + rng.normal(0.0, std, size=(n, 2))
    return _shuffled(X, y, rng)


def xor_table() -> Dataset:
    """The XOR truth table: inputs (0,0), (0,1), (1,0), (1,1) with labels 0, 1, 1, 0.

    >>> xor_table()[1].tolist()
    [0, 1, 1, 0]
    """
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array([0, 1, 1, 0], dtype=np.int64)


def make_simple(n: int = 50, *, seed: int | None = 0) -> Dataset:
    """MiniTorch's *simple*: points in the unit square, label 1 where x1 < 0.5.

    >>> X, y = make_simple(20)
    >>> bool(((X[:, 0] < 0.5) == (y == 1)).all())
    True
    """
    X = _unit_square(n, seed, "make_simple")
    return X, (X[:, 0] < 0.5).astype(np.int64)


def make_diag(n: int = 50, *, seed: int | None = 0) -> Dataset:
    """MiniTorch's *diag*: label 1 below the diagonal line x1 + x2 = 0.5.

    >>> X, y = make_diag(20)
    >>> bool(((X.sum(axis=1) < 0.5) == (y == 1)).all())
    True
    """
    X = _unit_square(n, seed, "make_diag")
    return X, (X[:, 0] + X[:, 1] < 0.5).astype(np.int64)


def make_split(n: int = 50, *, seed: int | None = 0) -> Dataset:
    """MiniTorch's *split*: label 1 in the two side strips x1 < 0.2 and x1 > 0.8.

    >>> X, y = make_split(20)
    >>> bool((((X[:, 0] < 0.2) | (X[:, 0] > 0.8)) == (y == 1)).all())
    True
    """
    X = _unit_square(n, seed, "make_split")
    return X, ((X[:, 0] < 0.2) | (X[:, 0] > 0.8)).astype(np.int64)


def make_xor(n: int = 50, *, seed: int | None = 0) -> Dataset:
    """MiniTorch's *xor*: label 1 in the quadrants where exactly one of x1, x2 exceeds 0.5.

    >>> X, y = make_xor(20)
    >>> bool((((X[:, 0] > 0.5) != (X[:, 1] > 0.5)) == (y == 1)).all())
    True
    """
    X = _unit_square(n, seed, "make_xor")
    return X, ((X[:, 0] > 0.5) != (X[:, 1] > 0.5)).astype(np.int64)


def to_signed(y: Any) -> np.ndarray:
    """0/1 labels as -1/+1 (the labels ``hinge`` expects).

    >>> to_signed([0, 1, 1]).tolist()
    [-1, 1, 1]
    """
    y = np.asarray(y)
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"to_signed: labels must be 0 or 1, got {sorted(set(y.tolist()))}")
    return 2 * y.astype(np.int64) - 1


def batches(
    X: Any,
    y: Any,
    batch_size: int | None = None,
    *,
    shuffle: bool = True,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
) -> Iterator[Dataset]:
    """``(X_batch, y_batch)`` pairs covering the data once, ``batch_size`` rows each
    (the last batch may be smaller); ``None`` means one full batch, in order.

    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> [yb.tolist() for _, yb in batches(X, y, 2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    """
    X, y = check_dataset(X, y, "batches")
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"batches: shuffle must be True or False, got {type(shuffle).__name__}")
    n = len(X)
    if batch_size is None:
        yield X, y
        return
    size = _count(batch_size, "batches", "batch_size")
    order = random_generator(seed, rng).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, size):
        idx = order[start : start + size]
        yield X[idx], y[idx]


def check_dataset(X: Any, y: Any, where: str) -> Dataset:
    """``X`` and ``y`` as numpy arrays, checked: 2-D X, one target per row, finite.

    >>> check_dataset([[1, 2]], [5], "fit")[0].dtype
    dtype('float64')
    """
    try:
        Xa = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{where}: X must be a 2-D array of numbers ({e})") from None
    if Xa.ndim != 2:
        raise ValueError(f"{where}: X must be 2-D (one row per example), got shape {Xa.shape}")
    ya = np.asarray(y)
    if ya.ndim == 0 or len(ya) != len(Xa):
        raise ValueError(
            f"{where}: X has {len(Xa)} rows but y has "
            f"{'no length' if ya.ndim == 0 else len(ya)} targets"
        )
    if len(Xa) == 0:
        raise ValueError(f"{where}: the dataset is empty")
    if not np.isfinite(Xa).all():
        row = int(np.argwhere(~np.isfinite(Xa))[0][0])
        raise ValueError(f"{where}: X row {row} holds a value that is not finite: {Xa[row]}")
    return Xa, ya


# --- helpers ---------------------------------------------------------------------


def _unit_square(n: int, seed: int | None, where: str) -> np.ndarray:
    return random_generator(seed).uniform(0.0, 1.0, size=(_count(n, where), 2))


def _shuffled(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> Dataset:
    order = rng.permutation(len(X))
    return X[order], y[order]


def _count(n: Any, where: str, what: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{where}: {what} must be a positive int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"{where}: {what} must be a positive int, got {n}")
    return int(n)


def _two_classes(
    first: np.ndarray, second: np.ndarray, noise: float, rng: np.random.Generator
) -> Dataset:
    """Points of class 0 then class 1, with Gaussian(0, noise) jitter, shuffled."""
    X = np.vstack([first, second])
    X = X + rng.normal(0.0, noise, size=X.shape)
    y = np.concatenate([np.zeros(len(first), dtype=np.int64), np.ones(len(second), dtype=np.int64)])
    return _shuffled(X, y, rng)


def _centres(centers: Any) -> np.ndarray:
    """make_blobs' explicit centres: a (k, 2) array of finite numbers."""
    wrong_type = TypeError(
        "make_blobs: centers must be a count or an array of 2-D points, "
        f"got {type(centers).__name__} {centers!r}"
    )
    if isinstance(centers, (bool, str, bytes)):
        raise wrong_type
    try:
        middles = np.asarray(centers, dtype=float)
    except (TypeError, ValueError):
        raise wrong_type from None
    if middles.ndim != 2 or middles.shape[1] != 2 or len(middles) == 0:
        raise ValueError(
            f"make_blobs: centers must be a count or an array of 2-D points, "
            f"got shape {middles.shape}"
        )
    for k, centre in enumerate(middles):
        if not np.isfinite(centre).all():
            raise ValueError(f"make_blobs: centers[{k}] is not finite: {centre.tolist()}")
    return middles


def _number(x: Any, where: str, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{where}: {what} must be a number, got {type(x).__name__}")
    return float(x)


def _noise(x: Any, where: str, what: str = "noise") -> float:
    x = _number(x, where, what)
    if not math.isfinite(x) or x < 0.0:
        raise ValueError(f"{where}: {what} must be a finite number >= 0, got {x!r}")
    return x
