"""Losses, each the mean over samples, and ``softmax``.

They are re-exported from :mod:`autograd.nn`, where the public contract places them
(``from autograd.nn import hinge_loss``); this module holds them so that ``nn`` is about modules.

>>> from autograd import Value
>>> loss = mse_loss([Value(1.0)], [0.0])
>>> loss.backward()
>>> loss.data
1.0
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

from .engine import Value, logsumexp
from .engine import sum as vsum

__all__ = [
    "mse_loss", "hinge_loss", "binary_cross_entropy", "softmax", "cross_entropy", "l2_penalty",
]

Scalar = Value | float


def _samples(preds: object, targets: object, who: str) -> tuple[list[Any], list[Any]]:
    """Both arguments as lists of equal, non-zero length (a lone Value or number is one sample)."""
    p = _as_list(preds, who, "predictions")
    t = _as_list(targets, who, "targets")
    if len(p) != len(t):
        raise ValueError(f"{who}: {len(p)} predictions but {len(t)} targets; they must match")
    if not p:
        raise ValueError(f"{who}: needs at least one sample")
    return p, t


def _as_list(x: object, who: str, what: str) -> list[Any]:
    if isinstance(x, Value) or (isinstance(x, numbers.Real) and not isinstance(x, bool)):
        return [x]
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
        raise TypeError(f"{who}: {what} must be a list, got {type(x).__name__}")
    return list(x)


def _real(x: object, who: str) -> float:
    if isinstance(x, Value):
        return x.data
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{who}: expected a number, got {type(x).__name__}: {x!r}")
    return float(x)


def _as_value(x: object, who: str) -> Value:
    return x if isinstance(x, Value) else Value(_real(x, who))


def mse_loss(preds: Sequence[Scalar] | Scalar, targets: Sequence[Scalar] | Scalar) -> Value:
    """Mean squared error: ``mean((pred - target) ** 2)``.

    >>> mse_loss([Value(1.0), Value(3.0)], [0.0, 1.0]).data
    2.5
    """
    p, t = _samples(preds, targets, "mse_loss")
    errors = [(_as_value(a, "mse_loss") - b) ** 2 for a, b in zip(p, t)]
    return vsum(errors) / len(errors)


def hinge_loss(scores: Sequence[Scalar] | Scalar, labels: Sequence[float] | float) -> Value:
    """Mean hinge loss ``mean(relu(1 - label * score))`` for labels -1 or +1 (an SVM's loss).

    >>> hinge_loss([Value(2.0), Value(0.5)], [1, 1]).data
    0.25
    """
    s, y = _samples(scores, labels, "hinge_loss")
    terms = []
    for score, label in zip(s, y):
        if label not in (-1, 1) or isinstance(label, bool):
            raise ValueError(f"hinge_loss: labels must be -1 or +1, got {label!r}")
        terms.append((1.0 - _as_value(score, "hinge_loss") * float(label)).relu())
    return vsum(terms) / len(terms)


def binary_cross_entropy(logits: Sequence[Scalar] | Scalar,
                         labels: Sequence[float] | float) -> Value:
    """Mean binary cross-entropy from logits (labels 0 or 1; probabilities in [0, 1] work too).

    Computed as ``softplus(z) - y * z``, which equals ``-(y log sigmoid(z) + (1 - y) log(1 -
    sigmoid(z)))`` and stays finite for any logit, as ``binary_cross_entropy_with_logits`` in
    PyTorch.

    >>> round(binary_cross_entropy([Value(0.0)], [1]).data, 6)  # log 2
    0.693147
    >>> binary_cross_entropy([Value(-1000.0)], [1]).data
    1000.0
    """
    z, y = _samples(logits, labels, "binary_cross_entropy")
    terms = []
    for logit, label in zip(z, y):
        t = _real(label, "binary_cross_entropy")
        if not 0.0 <= t <= 1.0 or isinstance(label, bool):
            raise ValueError(f"binary_cross_entropy: labels must be 0 or 1, got {label!r}")
        v = _as_value(logit, "binary_cross_entropy")
        term = v.softplus()
        terms.append(term if t == 0.0 else term - v * t)
    return vsum(terms) / len(terms)


def softmax(values: Sequence[Scalar]) -> list[Value]:
    """``exp(v_i) / sum_j exp(v_j)`` as a list of Values, without overflow for large inputs.

    >>> [round(p.data, 4) for p in softmax([Value(1.0), Value(1.0), Value(1000.0)])]
    [0.0, 0.0, 1.0]
    """
    vals = [_as_value(v, "softmax") for v in _as_list(values, "softmax", "values")]
    if not vals:
        raise ValueError("softmax: needs at least one value")
    # Shifting by the largest value (a constant) changes nothing but keeps exp from overflowing.
    top = max(v.data for v in vals)
    exps = [(v - top).exp() for v in vals]
    total = vsum(exps)
    return [e / total for e in exps]


def cross_entropy(logits: Sequence[Scalar] | Sequence[Sequence[Scalar]],
                  target_index: int | Sequence[int]) -> Value:
    """Cross-entropy of one sample's logits with its class index: ``logsumexp(z) - z[t]``.

    That is ``-log(softmax(z)[t])``, computed stably. Given a list of samples' logits and a
    list of class indices, it returns the mean over the samples.

    >>> round(cross_entropy([Value(0.0), Value(0.0)], 1).data, 6)   # log 2
    0.693147
    >>> round(cross_entropy([[0.0, 0.0], [0.0, 0.0]], [0, 1]).data, 6)
    0.693147
    """
    if isinstance(target_index, Sequence):
        rows, targets = _samples(logits, target_index, "cross_entropy")
        terms = [_cross_entropy_one(row, t) for row, t in zip(rows, targets)]
        return vsum(terms) / len(terms)
    return _cross_entropy_one(logits, target_index)


def _cross_entropy_one(logits: object, t: object) -> Value:
    z = [_as_value(v, "cross_entropy") for v in _as_list(logits, "cross_entropy", "logits")]
    if not z:
        raise ValueError("cross_entropy: needs at least one logit")
    if isinstance(t, bool) or not isinstance(t, numbers.Integral) or not 0 <= int(t) < len(z):
        raise ValueError(
            f"cross_entropy: target index must be an int in [0, {len(z) - 1}], got {t!r}"
        )
    return logsumexp(z) - z[int(t)]


def l2_penalty(params: Sequence[Value], alpha: float) -> Value:
    """``alpha * sum(p ** 2)``: add it to a loss to keep weights small.

    Its gradient is ``2 * alpha * p``, the same as the optimizers' ``weight_decay=2 * alpha``.

    >>> l2_penalty([Value(1.0), Value(-2.0)], 0.5).data
    2.5
    """
    a = _real(alpha, "l2_penalty")
    if not a >= 0.0 or not math.isfinite(a):
        raise ValueError(f"l2_penalty: alpha must be a finite number >= 0, got {alpha!r}")
    if not all(isinstance(p, Value) for p in params):
        raise TypeError("l2_penalty: params must be Values")
    return vsum([p * p for p in params]) * a
