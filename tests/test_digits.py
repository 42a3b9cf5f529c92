"""Tests for autograd.data.load_digits: the shipped digits, checked against scikit-learn's."""
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False, disallow-untyped-calls=False

import gzip
import importlib.resources
from collections import Counter

import pytest

from autograd import data
from autograd.data import load_digits


def test_shape_types_and_ranges():
    X, y = load_digits()
    assert len(X) == len(y) == 1797
    assert all(type(row) is list and len(row) == 64 for row in X)
    assert all(type(v) is float and 0.0 <= v <= 16.0 and v == int(v) for row in X for v in row)
    assert all(type(t) is int for t in y)
    counts = Counter(y)
    assert sorted(counts) == list(range(10))
    assert all(174 <= c <= 183 for c in counts.values())  # the UCI test part's class sizes


def test_every_call_returns_new_lists():
    X1, y1 = load_digits()
    X1[0][0] = 99.0
    y1[0] = 7
    X2, y2 = load_digits()
    assert X2[0][0] == 0.0 and y2[0] == 0


def test_n_class():
    X, y = load_digits(n_class=3)
    assert set(y) == {0, 1, 2} and len(X) == len(y) == sum(1 for t in load_digits()[1] if t < 3)
    for bad in (0, 11, 2.5, True, "10"):
        with pytest.raises(ValueError, match="n_class"):
            load_digits(n_class=bad)


def test_identical_to_scikit_learn():
    datasets = pytest.importorskip("sklearn.datasets")
    reference = datasets.load_digits()
    X, y = load_digits()
    assert y == [int(t) for t in reference.target]
    assert [[float(v) for v in row] for row in reference.data] == X
    X2, y2 = load_digits(n_class=4)
    reference4 = datasets.load_digits(n_class=4)
    assert y2 == [int(t) for t in reference4.target]
    assert [[float(v) for v in row] for row in reference4.data] == X2


def test_credit_names_source_and_licence():
    assert "Alpaydin" in data.DIGITS_CREDIT and "CC BY 4.0" in data.DIGITS_CREDIT


def test_damaged_file_is_refused(monkeypatch, tmp_path):

    class Fake:
        def __init__(self, raw):
            self.raw = raw

        def joinpath(self, *parts):
            return self

        def read_bytes(self):
            return self.raw

    for raw, message in [(b"not gzip", "cannot be read"),
                         (gzip.compress(b"other format\n"), "unknown format"),
                         (gzip.compress(b"autograd-digits 1\n2 64\n\x01\x02" + b"\x00" * 127),
                          "damaged")]:
        monkeypatch.setattr(importlib.resources, "files", lambda _pkg, r=raw: Fake(r))
        data._digits_bytes.cache_clear()
        with pytest.raises(RuntimeError, match=message):
            load_digits()
    monkeypatch.undo()
    data._digits_bytes.cache_clear()
    assert len(load_digits()[1]) == 1797
