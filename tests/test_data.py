"""Tests for autograd.data: shapes, labels, geometry, seeding, validation and the split."""
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False, disallow-untyped-calls=False

import math
import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd.data import make_blobs, make_circles, make_moons, make_xor, train_test_split

GENERATORS = [make_moons, make_circles, make_xor, make_blobs]


@pytest.mark.parametrize("make", GENERATORS)
@given(n=st.integers(1, 60), seed=st.integers(0, 2**32))
def test_shapes_and_types(make, n, seed):
    X, y = make(n, seed=seed)
    assert len(X) == len(y) == n
    assert all(isinstance(p, list) and len(p) == 2 for p in X)
    assert all(type(v) is float for p in X for v in p)
    assert all(type(t) is int for t in y)


@pytest.mark.parametrize("make", GENERATORS)
def test_seeded_and_global_random_untouched(make):
    random.seed(5)
    state = random.getstate()
    assert make(50, seed=1) == make(50, seed=1)
    assert make(50, seed=1) != make(50, seed=2)
    assert make(50) != make(50)  # seed=None: fresh each time
    assert random.getstate() == state


@pytest.mark.parametrize("make", [make_moons, make_circles, make_xor])
def test_binary_labels_balanced(make):
    _, y = make(101, seed=0)
    assert set(y) == {0, 1}
    if make is not make_xor:
        assert Counter(y) == {0: 50, 1: 51}


def test_moons_geometry_without_noise():
    X, y = make_moons(40, seed=0)
    for (a, b), t in zip(X, y):
        if t == 0:  # upper moon: unit circle, upper half
            assert math.hypot(a, b) == pytest.approx(1.0) and b >= -1e-12
        else:  # lower moon: unit circle around (1, 0.5), lower half
            assert math.hypot(a - 1.0, b - 0.5) == pytest.approx(1.0) and b <= 0.5 + 1e-12


def test_noise_moves_points():
    clean, _ = make_moons(200, seed=0)
    noisy, _ = make_moons(200, noise=0.2, seed=0)
    radii = [math.hypot(a, b) for (a, b), t in zip(noisy, make_moons(200, noise=0.2,
                                                                    seed=0)[1]) if t == 0]
    assert clean != noisy
    assert 0.1 < (sum((r - 1) ** 2 for r in radii) / len(radii)) ** 0.5 < 0.4


def test_circles_radii():
    X, y = make_circles(30, factor=0.3, seed=0)
    for p, t in zip(X, y):
        assert math.hypot(*p) == pytest.approx(1.0 if t == 0 else 0.3)


def test_xor_labels():
    X, y = make_xor(200, seed=0)
    assert all(-1 <= v <= 1 for p in X for v in p)
    assert all(t == int((a > 0) != (b > 0)) for (a, b), t in zip(X, y))


def test_blobs():
    X, y = make_blobs(10, centers=[[0, 0], [10, 10], [-10, 10]], cluster_std=0.5, seed=0)
    assert Counter(y) == {0: 4, 1: 3, 2: 3}
    centers = [(0, 0), (10, 10), (-10, 10)]
    for p, t in zip(X, y):
        assert math.dist(p, centers[t]) < 3.0
    _, y = make_blobs(100, centers=5, seed=0)
    assert set(y) == set(range(5))


@pytest.mark.parametrize("call,match", [
    (lambda: make_moons(0), "n_samples"),
    (lambda: make_moons(2.5), "n_samples"),
    (lambda: make_moons(True), "n_samples"),
    (lambda: make_moons(10, noise=-0.1), "noise"),
    (lambda: make_xor(10, noise=float("nan")), "noise"),
    (lambda: make_circles(10, factor=1.0), "factor"),
    (lambda: make_circles(10, factor=-0.5), "factor"),
    (lambda: make_blobs(10, centers=0), "centers"),
    (lambda: make_blobs(10, centers=[[1, 2, 3]]), "centers"),
    (lambda: make_blobs(10, cluster_std=-1), "cluster_std"),
    (lambda: train_test_split([1, 2], [1], 0.5), "2 samples but y has 1"),
    (lambda: train_test_split([1, 2, 3], [1, 2, 3], 1.5), "test_size"),
    (lambda: train_test_split([1, 2, 3], [1, 2, 3], 0.0), "test_size"),
    (lambda: train_test_split([1, 2, 3], [1, 2, 3], 3), "at least one"),
    (lambda: train_test_split([1], [1], 0.5), "at least one"),
])
def test_validation(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_seed():
    with pytest.raises(TypeError, match="seed"):
        make_moons(10, seed="a")  # type: ignore[arg-type]


def test_split_keeps_pairs_and_sizes():
    X = [[float(i), -float(i)] for i in range(20)]
    y = list(range(20))
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    assert (len(X_train), len(X_test)) == (15, 5)
    assert sorted(y_train + y_test) == y
    assert all(p[0] == t for p, t in zip(X_train + X_test, y_train + y_test))
    assert train_test_split(X, y, seed=3) == train_test_split(X, y, seed=3)
    assert len(train_test_split(X, y, test_size=7)[1]) == 7
    assert len(train_test_split(X, y, test_size=0.01)[1]) == 1  # rounds up, like sklearn
