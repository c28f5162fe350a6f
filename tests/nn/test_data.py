"""Datasets: shapes, geometry, determinism by seed; mini-batches."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nn import (
    batches,
    make_blobs,
    make_circles,
    make_diag,
    make_moons,
    make_simple,
    make_spiral,
    make_split,
    make_xor,
    to_signed,
    xor_table,
)

MAKERS = [
    lambda seed: make_moons(40, seed=seed),
    lambda seed: make_circles(40, seed=seed),
    lambda seed: make_spiral(40, classes=4, seed=seed),
    lambda seed: make_blobs(40, centers=3, seed=seed),
    lambda seed: make_simple(40, seed=seed),
    lambda seed: make_diag(40, seed=seed),
    lambda seed: make_split(40, seed=seed),
    lambda seed: make_xor(40, seed=seed),
]


@pytest.mark.parametrize("make", MAKERS)
def test_every_dataset_is_deterministic_by_seed(make):
    X1, y1 = make(5)
    X2, y2 = make(5)
    X3, _ = make(6)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("make", MAKERS)
def test_every_dataset_is_n_rows_of_2_floats_with_int_labels(make):
    X, y = make(0)
    assert X.shape == (40, 2) and X.dtype == np.float64
    assert y.shape == (40,) and y.dtype == np.int64
    assert np.isfinite(X).all()


def test_moons_without_noise_lie_on_the_two_half_circles():
    X, y = make_moons(100, noise=0.0, seed=0)
    upper, lower = X[y == 0], X[y == 1]
    assert len(upper) == len(lower) == 50
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert (upper[:, 1] >= -1e-12).all()
    assert np.allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert (lower[:, 1] <= 0.5 + 1e-12).all()


def test_moons_are_shuffled_not_sorted_by_class():
    _, y = make_moons(100, seed=0)
    assert 0 < y[:50].sum() < 50


def test_circles_without_noise_have_radius_1_and_factor():
    X, y = make_circles(60, noise=0.0, factor=0.3, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(r[y == 0], 1.0) and np.allclose(r[y == 1], 0.3)


@given(n=st.integers(3, 60), k=st.integers(1, 5))
@settings(max_examples=25, deadline=None)
def test_spiral_has_k_classes_of_nearly_equal_size_within_the_unit_disc(n, k):
    assume(n >= k)
    X, y = make_spiral(n, classes=k, seed=0)
    counts = np.bincount(y, minlength=k)
    assert counts.sum() == n and counts.max() - counts.min() <= 1
    r = np.hypot(X[:, 0], X[:, 1])
    assert (r > 0).all() and (r <= 1 + 1e-12).all()  # the noise turns the angle only


def test_spiral_without_noise_follows_angle_4k_plus_4r():
    X, y = make_spiral(30, classes=3, noise=0.0, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    angle = np.arctan2(X[:, 0], X[:, 1])  # x = r sin t, y = r cos t
    expected = 4.0 * y + 4.0 * r
    assert np.allclose(np.angle(np.exp(1j * (angle - expected))), 0.0, atol=1e-9)


def test_blobs_with_zero_spread_sit_on_their_centres():
    centres = [[0.0, 0.0], [3.0, -1.0], [-2.0, 5.0]]
    X, y = make_blobs(9, centers=centres, std=0.0)
    for k, c in enumerate(centres):
        assert np.allclose(X[y == k], c)
    assert np.bincount(y).tolist() == [3, 3, 3]


def test_random_blob_centres_lie_in_the_box():
    X, y = make_blobs(300, centers=4, std=0.0, seed=1)
    assert (np.abs(X) <= 10).all() and len(np.unique(X, axis=0)) == 4


def test_minitorch_datasets_follow_their_rules():
    X, y = make_simple(200, seed=1)
    assert ((X[:, 0] < 0.5) == (y == 1)).all()
    X, y = make_diag(200, seed=1)
    assert ((X[:, 0] + X[:, 1] < 0.5) == (y == 1)).all()
    X, y = make_split(200, seed=1)
    assert (((X[:, 0] < 0.2) | (X[:, 0] > 0.8)) == (y == 1)).all()
    X, y = make_xor(200, seed=1)
    assert (((X[:, 0] > 0.5) != (X[:, 1] > 0.5)) == (y == 1)).all()
    assert ((X >= 0) & (X <= 1)).all()
    assert 0 < y.sum() < 200


def test_xor_table_is_the_truth_table():
    X, y = xor_table()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert y.tolist() == [int(a) ^ int(b) for a, b in X]


def test_to_signed_maps_0_1_to_minus_1_plus_1():
    assert to_signed(np.array([0, 1, 0])).tolist() == [-1, 1, -1]
    with pytest.raises(ValueError, match="labels must be 0 or 1, got \\[0, 2\\]"):
        to_signed([0, 2])


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: make_moons(0), ValueError, "n must be a positive int"),
        (lambda: make_moons(10.0), TypeError, "n must be a positive int"),
        (lambda: make_moons(10, noise=-1), ValueError, "noise must be a finite number >= 0"),
        (lambda: make_circles(10, factor=1.5), ValueError, "factor must be in"),
        (lambda: make_spiral(2, classes=3), ValueError, "2 points can't make 3 classes"),
        (lambda: make_spiral(10, classes=0), ValueError, "classes must be a positive int"),
        (lambda: make_blobs(10, centers=[1, 2]), ValueError, "centers must be"),
        (lambda: make_moons(10, seed="x"), TypeError, "seed must be an int"),
    ],
)
def test_bad_dataset_arguments_say_what_was_wrong(make, error, match):
    with pytest.raises(error, match=match):
        make()


# --- mini-batches --------------------------------------------------------------------


@given(n=st.integers(1, 40), size=st.integers(1, 50), seed=st.integers(0, 10))
@settings(max_examples=40, deadline=None)
def test_batches_cover_every_row_once_in_batches_of_the_size(n, size, seed):
    X = np.arange(2 * n, dtype=float).reshape(n, 2)
    y = np.arange(n)
    parts = list(batches(X, y, size, seed=seed))
    assert [len(yb) for _, yb in parts[:-1]] == [size] * (len(parts) - 1)
    assert 1 <= len(parts[-1][1]) <= size
    seen = np.concatenate([yb for _, yb in parts])
    assert sorted(seen.tolist()) == list(range(n))
    for Xb, yb in parts:  # rows stay paired with their targets
        assert np.array_equal(Xb[:, 0], 2 * yb)


def test_batches_are_deterministic_by_seed_and_shuffled():
    X, y = np.zeros((50, 2)), np.arange(50)
    a = [yb.tolist() for _, yb in batches(X, y, 10, seed=1)]
    b = [yb.tolist() for _, yb in batches(X, y, 10, seed=1)]
    c = [yb.tolist() for _, yb in batches(X, y, 10, shuffle=False)]
    assert a == b
    assert c[0] == list(range(10)) and a != c


def test_batch_size_none_is_one_full_batch_in_order():
    X, y = np.zeros((5, 2)), np.arange(5)
    [(Xb, yb)] = list(batches(X, y))
    assert yb.tolist() == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    "X, y, size, match",
    [
        (np.zeros((3, 2)), np.zeros(2), 1, "X has 3 rows but y has 2 targets"),
        (np.zeros(3), np.zeros(3), 1, "X must be 2-D"),
        (np.zeros((3, 2)), np.zeros(3), 0, "batch_size must be a positive int"),
        ([[1.0, float("nan")]], [0], 1, "X row 0 holds a value that is not finite"),
        (np.zeros((0, 2)), np.zeros(0), 1, "empty"),
    ],
)
def test_bad_batches_arguments_say_what_was_wrong(X, y, size, match):
    with pytest.raises(ValueError, match=match):
        list(batches(X, y, size))


@pytest.mark.parametrize(
    "make, error, match",
    [
        (
            lambda: make_blobs(10, centers=[[np.nan, 0.0], [1.0, 1.0]]),
            ValueError,
            r"make_blobs: centers\[0\] is not finite",
        ),
        (
            lambda: make_blobs(10, centers=[[0.0, 0.0], [np.inf, 1.0]]),
            ValueError,
            r"make_blobs: centers\[1\] is not finite",
        ),
        (lambda: make_blobs(10, centers="ab"), TypeError, "make_blobs: centers must be a count"),
        (lambda: make_blobs(10, centers=True), TypeError, "make_blobs: centers must be a count"),
        (lambda: make_circles(10, factor="a"), TypeError, "make_circles: factor must be a number"),
        (lambda: make_circles(10, factor=np.inf), ValueError, "make_circles: factor must be in"),
        (lambda: make_blobs(10, std=np.nan), ValueError, "make_blobs: std must be a finite"),
        (lambda: make_moons(10, seed=-1), ValueError, "seed must be an int >= 0"),
        (
            lambda: list(batches(np.zeros((3, 2)), np.zeros(3), 1, shuffle="no")),
            TypeError,
            "batches: shuffle must be True or False, got str",
        ),
    ],
)
def test_datasets_refuse_non_finite_and_wrongly_typed_arguments_by_name(make, error, match):
    with pytest.raises(error, match=match):
        make()
