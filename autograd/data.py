"""Datasets for classification, in pure Python: small seeded 2-D generators and one real set.

Each generator returns ``(X, y)``: ``X`` a list of ``[x0, x1]`` float pairs, ``y`` a list of int
labels, shuffled. The names and arguments follow scikit-learn's. Every random draw comes from a
``random.Random(seed)`` of the call's own (``seed=None``: a fresh unpredictable one).

>>> X, y = make_moons(n_samples=6, noise=0.0, seed=0)
>>> len(X), sorted(y)
(6, [0, 0, 0, 1, 1, 1])
>>> make_moons(50, noise=0.1, seed=3) == make_moons(50, noise=0.1, seed=3)
True

:func:`load_digits` reads the 1,797 handwritten digits shipped inside the package (offline,
standard library only).
"""

from __future__ import annotations

import functools
import gzip
import importlib.resources
import math
import numbers
import random
from collections.abc import Sequence
from typing import TypeVar

__all__ = [
    "make_moons", "make_circles", "make_xor", "make_blobs", "load_digits", "train_test_split",
    "random_state", "DIGITS_CREDIT",
]

Point = list[float]
Dataset = tuple[list[Point], list[int]]
T = TypeVar("T")
L = TypeVar("L")


def _n_samples(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n!r}")
    return int(n)


def _non_negative(x: object, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(float(x)) \
            or float(x) < 0.0:
        raise ValueError(f"{name} must be a finite number >= 0, got {x!r}")
    return float(x)


def random_state(seed: object) -> random.Random:
    """The generator every seeded function of autograd draws from: ``random.Random(seed)``, or a
    freshly seeded one for ``seed=None``; never the global generator."""
    if seed is None:
        return random.Random()
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int or None, got {type(seed).__name__}: {seed!r}")
    return random.Random(int(seed))


def _linspace(start: float, stop: float, n: int, endpoint: bool = True) -> list[float]:
    if n <= 1:
        return [start] * n
    step = (stop - start) / (n - 1 if endpoint else n)
    return [start + i * step for i in range(n)]


def _finish(points: list[Point], labels: list[int], noise: float,
            rng: random.Random) -> Dataset:
    """Adds Gaussian noise of standard deviation ``noise`` to each coordinate, then shuffles."""
    if noise:
        points = [[x0 + rng.gauss(0.0, noise), x1 + rng.gauss(0.0, noise)] for x0, x1 in points]
    order = list(range(len(points)))
    rng.shuffle(order)
    return [points[i] for i in order], [labels[i] for i in order]


def make_moons(n_samples: int = 100, noise: float = 0.0, seed: int | None = None) -> Dataset:
    """Two interleaving half circles: label 0 the upper moon, label 1 the lower one.

    ``n_samples // 2`` points on the upper moon (``(cos t, sin t)``, t in [0, pi]), the rest on
    the lower one (``(1 - cos t, 0.5 - sin t)``), then Gaussian noise of standard deviation
    ``noise`` on each coordinate.
    """
    n = _n_samples(n_samples)
    sd = _non_negative(noise, "noise")
    rng = random_state(seed)
    n_out = n // 2
    n_in = n - n_out
    points = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_out)]
    points += [[1.0 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0.0, math.pi, n_in)]
    return _finish(points, [0] * n_out + [1] * n_in, sd, rng)


def make_circles(n_samples: int = 100, noise: float = 0.0, factor: float = 0.8,
                 seed: int | None = None) -> Dataset:
    """A circle of radius 1 (label 0) around a smaller one of radius ``factor`` (label 1).

    >>> X, y = make_circles(4, factor=0.5, seed=0)
    >>> sorted(round(math.hypot(*p), 6) for p in X)
    [0.5, 0.5, 1.0, 1.0]
    """
    n = _n_samples(n_samples)
    sd = _non_negative(noise, "noise")
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) \
            or not 0.0 <= float(factor) < 1.0:
        raise ValueError(f"factor must be a number in [0, 1), got {factor!r}")
    rng = random_state(seed)
    n_out = n // 2
    n_in = n - n_out
    f = float(factor)
    points = [[math.cos(t), math.sin(t)]
              for t in _linspace(0.0, 2 * math.pi, n_out, endpoint=False)]
    points += [[f * math.cos(t), f * math.sin(t)]
               for t in _linspace(0.0, 2 * math.pi, n_in, endpoint=False)]
    return _finish(points, [0] * n_out + [1] * n_in, sd, rng)


def make_xor(n_samples: int = 100, noise: float = 0.0, seed: int | None = None) -> Dataset:
    """Points uniform in the square [-1, 1]², label 1 where the two coordinates differ in sign.

    The labels come from the clean points; the noise is added afterwards.

    >>> X, y = make_xor(20, seed=0)
    >>> all(label == int((x0 > 0) != (x1 > 0)) for (x0, x1), label in zip(X, y))
    True
    """
    n = _n_samples(n_samples)
    sd = _non_negative(noise, "noise")
    rng = random_state(seed)
    points = [[rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)] for _ in range(n)]
    labels = [int((x0 > 0.0) != (x1 > 0.0)) for x0, x1 in points]
    return _finish(points, labels, sd, rng)


def make_blobs(n_samples: int = 100, centers: int | Sequence[Sequence[float]] = 3,
               cluster_std: float = 1.0, seed: int | None = None) -> Dataset:
    """Gaussian blobs: label k for points around the k-th center.

    ``centers`` is a number of centers (drawn uniformly in [-10, 10]²) or a list of ``[x0, x1]``
    centers. Samples are shared out evenly (the first ``n_samples % k`` centers get one more).

    >>> X, y = make_blobs(9, centers=[[0, 0], [5, 5], [-5, 5]], cluster_std=0.1, seed=0)
    >>> sorted(y)
    [0, 0, 0, 1, 1, 1, 2, 2, 2]
    """
    n = _n_samples(n_samples)
    sd = _non_negative(cluster_std, "cluster_std")
    rng = random_state(seed)
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        if centers < 1:
            raise ValueError(f"centers must be a positive integer or a list, got {centers!r}")
        middles = [[rng.uniform(-10.0, 10.0), rng.uniform(-10.0, 10.0)]
                   for _ in range(int(centers))]
    elif isinstance(centers, Sequence) and centers and all(
            isinstance(c, Sequence) and len(c) == 2
            and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in c)
            for c in centers):
        middles = [[float(c[0]), float(c[1])] for c in centers]
    else:
        raise ValueError(
            f"centers must be a positive integer or a non-empty list of [x0, x1] points, "
            f"got {centers!r}"
        )
    k = len(middles)
    points: list[Point] = []
    labels: list[int] = []
    for label, (c0, c1) in enumerate(middles):
        count = n // k + (1 if label < n % k else 0)
        points += [[c0 + rng.gauss(0.0, sd), c1 + rng.gauss(0.0, sd)] for _ in range(count)]
        labels += [label] * count
    return _finish(points, labels, 0.0, rng)


def train_test_split(X: Sequence[T], y: Sequence[L], test_size: float = 0.25,  # noqa: N803
                     seed: int | None = None) -> tuple[list[T], list[T], list[L], list[L]]:
    """Shuffles and splits into ``(X_train, X_test, y_train, y_test)``, as scikit-learn does.

    ``test_size`` is a fraction in (0, 1) (the test part gets ``ceil(test_size * n)`` samples)
    or a count. Both parts must end up non-empty.

    >>> X_train, X_test, y_train, y_test = train_test_split(list(range(8)), [0] * 8, seed=1)
    >>> len(X_train), len(X_test), sorted(X_train + X_test) == list(range(8))
    (6, 2, True)
    """
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}; they must match")
    n = len(X)
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise ValueError(f"test_size must be a fraction or a count, got {test_size!r}")
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
    elif 0.0 < float(test_size) < 1.0:
        n_test = math.ceil(float(test_size) * n)
    else:
        raise ValueError(f"test_size must be a fraction in (0, 1) or a count, got {test_size!r}")
    if not 0 < n_test < n:
        raise ValueError(
            f"test_size={test_size!r} leaves {n_test} of {n} samples for testing; "
            "both the train and the test part need at least one"
        )
    order = list(range(n))
    random_state(seed).shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


#: Where the digits come from and under which licence (CC BY 4.0 asks for this credit).
DIGITS_CREDIT = (
    "Optical Recognition of Handwritten Digits, E. Alpaydin and C. Kaynak (1998), "
    "UCI Machine Learning Repository, https://doi.org/10.24432/C50P49, licence CC BY 4.0"
)

_DIGITS_FILE = "digits.bin.gz"
_DIGITS_MAGIC = b"autograd-digits 1\n"


@functools.lru_cache(maxsize=1)
def _digits_bytes() -> tuple[bytes, bytes]:
    """``(labels, pixels)`` as raw bytes, read and checked once per process."""
    resource = importlib.resources.files("autograd").joinpath("datasets").joinpath(_DIGITS_FILE)
    try:
        raw = gzip.decompress(resource.read_bytes())
    except (OSError, EOFError) as err:
        raise RuntimeError(f"the shipped digits file {_DIGITS_FILE} cannot be read ({err}); "
                           "reinstall scalar-autograd") from None
    if not raw.startswith(_DIGITS_MAGIC):
        raise RuntimeError(f"the shipped digits file {_DIGITS_FILE} has an unknown format")
    size_line, _, body = raw[len(_DIGITS_MAGIC):].partition(b"\n")
    n, width = (int(v) for v in size_line.split())
    labels, pixels = body[:n], body[n:]
    if len(pixels) != n * width or width != 64 or max(labels) > 9 or max(pixels) > 16:
        raise RuntimeError(f"the shipped digits file {_DIGITS_FILE} is damaged; "
                           "reinstall scalar-autograd")
    return labels, pixels


def load_digits(n_class: int = 10) -> tuple[list[list[float]], list[int]]:
    """The 1,797 8x8 handwritten digits (UCI), as ``(X, y)`` in scikit-learn's order.

    Each ``X[i]`` is a list of 64 floats, the pixels row by row, each 0..16 (how many of the
    16 bits of a 4x4 block of the original 32x32 bitmap were inked); ``y[i]`` is the digit,
    0..9. ``n_class`` keeps the digits ``0..n_class-1`` only, as scikit-learn's argument does.
    Read from a 44 KB file inside the package (see ``autograd/datasets/README.md``); source
    and licence in :data:`DIGITS_CREDIT`. Every call returns new lists.

    >>> X, y = load_digits()
    >>> len(X), len(X[0]), y[:10]
    (1797, 64, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    >>> [int(v) for v in X[0][:8]]          # the top row of the first image, a zero
    [0, 0, 5, 13, 9, 1, 0, 0]
    >>> len(load_digits(n_class=2)[1])
    360
    """
    if isinstance(n_class, bool) or not isinstance(n_class, numbers.Integral) \
            or not 1 <= n_class <= 10:
        raise ValueError(f"n_class must be an integer from 1 to 10, got {n_class!r}")
    labels, pixels = _digits_bytes()
    floats = [float(v) for v in range(17)]  # pixel byte -> float, looked up
    X: list[list[float]] = []  # noqa: N806
    y: list[int] = []
    for i, label in enumerate(labels):
        if label < n_class:
            X.append([floats[v] for v in pixels[64 * i:64 * i + 64]])
            y.append(label)
    return X, y
