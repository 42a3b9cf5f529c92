"""A reusable training loop, evaluation, and a decision-boundary plot (used by ``autograd train``
and the notebooks).

>>> from autograd.data import make_moons
>>> from autograd.nn import MLP
>>> from autograd.optim import Adam
>>> X, y = make_moons(60, noise=0.1, seed=0)
>>> model = MLP(2, [8, 8, 1], seed=0)
>>> history = fit(model, X, y, Adam(model.parameters(), lr=0.05), steps=60)
>>> len(history.losses), accuracy(model, X, y) >= 0.95
(60, True)
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .engine import Value, no_grad
from .nn import binary_cross_entropy, cross_entropy, hinge_loss, l2_penalty
from .optim import LinearDecay, Optimizer

__all__ = [
    "LOSSES", "History", "fit", "predict", "accuracy", "evaluate", "loss_of",
    "confusion_matrix", "per_class_accuracy", "format_confusion_matrix", "misclassified",
    "plot_decision_boundary", "MATPLOTLIB_HINT", "CompiledLoss", "DivergedError",
]

#: Losses :func:`fit` knows: "hinge" and "bce" for one output (a score or logit, class 1 when it
#: is > 0), "cross_entropy" for one output per class (the class with the largest one wins).
LOSSES: tuple[str, ...] = ("hinge", "bce", "cross_entropy")

#: What to tell a user who asks for a plot without matplotlib.
MATPLOTLIB_HINT = 'plotting needs matplotlib: pip install "scalar-autograd[plot]"'

Model = Callable[[Sequence[Any]], "Value | list[Value]"]
Callback = Callable[[int, float, float], None]


class DivergedError(RuntimeError):
    """Training stopped because the loss is no longer a finite number (nan or ±inf).

    ``step`` is the step whose loss it is (counting from 1) and ``loss`` that loss. :func:`fit`
    raises it before the optimizer uses that step's gradient, so the parameters are still those
    after the step before, all finite if they were.
    """

    def __init__(self, message: str, step: int, loss: float) -> None:
        super().__init__(message)
        self.step = step
        self.loss = loss


@dataclass
class History:
    """What :func:`fit` saw at each step: the loss minimised and the accuracy on the batch."""

    losses: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)


def _check_loss(loss: str) -> None:
    if loss not in LOSSES:
        valid = ", ".join(repr(name) for name in LOSSES)
        raise ValueError(f"unknown loss {loss!r}; valid losses are {valid}")


def _targets(y: Sequence[int], loss: str) -> list[Any]:
    """Labels as the loss wants them: +-1 for hinge, 0/1 for bce, class indices otherwise."""
    if loss == "hinge":
        bad = [t for t in y if t not in (0, 1)]
        if bad:
            raise ValueError(f"hinge loss needs labels 0 or 1, got {bad[0]!r}")
        return [2 * t - 1 for t in y]
    return list(y)


def loss_of(outputs: Sequence[Value | list[Value]], targets: Sequence[Any], loss: str) -> Value:
    """The mean loss of the model's outputs (targets as :func:`fit` prepares them)."""
    if loss == "cross_entropy":
        if outputs and isinstance(outputs[0], Value):
            raise ValueError("cross_entropy needs one output per class; the model has one output")
        return cross_entropy(outputs, targets)  # type: ignore[arg-type]
    if outputs and not isinstance(outputs[0], Value):
        raise ValueError(f"{loss} loss needs a model with one output, got {len(outputs[0])}")
    if loss == "hinge":
        return hinge_loss(outputs, targets)  # type: ignore[arg-type]
    return binary_cross_entropy(outputs, targets)  # type: ignore[arg-type]


def _label(output: Value | list[Value]) -> int:
    if isinstance(output, Value):
        return 1 if output.data > 0.0 else 0
    best = 0
    for i in range(1, len(output)):
        if output[i].data > output[best].data:
            best = i
    return best


def predict(model: Model, X: Sequence[Sequence[float]]) -> list[int]:  # noqa: N803
    """Class labels: 1 where a one-output model's score is > 0, else the largest output's index."""
    with no_grad():
        return [_label(model(x)) for x in X]


def accuracy(model: Model, X: Sequence[Sequence[float]], y: Sequence[int]) -> float:  # noqa: N803
    """The fraction of samples whose predicted label equals ``y``."""
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}; they must match")
    if not y:
        raise ValueError("accuracy of no samples")
    hits = sum(p == t for p, t in zip(predict(model, X), y))
    return hits / len(y)


def evaluate(model: Model, X: Sequence[Sequence[float]], y: Sequence[int],  # noqa: N803
             loss: str = "hinge") -> tuple[float, float]:
    """``(mean loss, accuracy)`` over the samples, computed without recording a graph."""
    _check_loss(loss)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}; they must match")
    targets = _targets(y, loss)
    with no_grad():
        outputs = [model(x) for x in X]
        value = loss_of(outputs, targets, loss).data
    hits = sum(_label(out) == t for out, t in zip(outputs, y))
    return value, hits / len(y)


def confusion_matrix(y_true: Sequence[int], y_pred: Sequence[int],
                     n_classes: int | None = None) -> list[list[int]]:
    """Counts ``m[t][p]`` of samples of true class ``t`` predicted as ``p`` (scikit-learn's order:
    rows are the truth, columns the prediction). ``n_classes`` defaults to the largest label + 1.

    >>> confusion_matrix([0, 0, 1, 2], [0, 1, 1, 2])
    [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    """
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} labels but y_pred has {len(y_pred)}; "
                         "they must match")
    labels = [*y_true, *y_pred]
    bad = [t for t in labels if isinstance(t, bool) or not isinstance(t, int) or t < 0]
    if bad:
        raise ValueError(f"labels must be integers >= 0, got {bad[0]!r}")
    k = (max(labels, default=-1) + 1) if n_classes is None else n_classes
    if labels and max(labels) >= k:
        raise ValueError(f"label {max(labels)} does not fit n_classes={k}")
    matrix = [[0] * k for _ in range(k)]
    for t, p in zip(y_true, y_pred):
        matrix[t][p] += 1
    return matrix


def per_class_accuracy(matrix: Sequence[Sequence[int]]) -> list[float]:
    """For each true class, the fraction of its samples predicted right (the recall): the
    diagonal over the row sums. A class with no samples gets ``nan``.

    >>> per_class_accuracy([[3, 1], [0, 2]])
    [0.75, 1.0]
    """
    return [row[i] / sum(row) if sum(row) else math.nan for i, row in enumerate(matrix)]


def format_confusion_matrix(matrix: Sequence[Sequence[int]],
                            labels: Sequence[str] | None = None) -> str:
    """The matrix as a text table: one row per true class, one column per predicted class, and
    each class's accuracy (the recall) at the end of its row.

    >>> print(format_confusion_matrix([[3, 1], [0, 2]]))
    true\\pred  0  1   acc
           0  3  1   75%
           1  .  2  100%
    """
    names = [str(i) for i in range(len(matrix))] if labels is None else [str(s) for s in labels]
    if len(names) != len(matrix):
        raise ValueError(f"{len(names)} labels for a {len(matrix)}x{len(matrix)} matrix")
    width = max([len(n) for n in names] + [len(str(v)) for row in matrix for v in row])
    head = "true\\pred"
    lines = [f"{head} " + " ".join(n.rjust(width) for n in names) + "   acc"]
    for name, row, acc in zip(names, matrix, per_class_accuracy(matrix)):
        cells = " ".join(("." if v == 0 else str(v)).rjust(width) for v in row)
        shown = "   -" if math.isnan(acc) else f"{acc:4.0%}"
        lines.append(f"{name.rjust(len(head))} {cells}  {shown}")
    return "\n".join(lines)


def misclassified(model: Model, X: Sequence[Sequence[float]],  # noqa: N803
                  y: Sequence[int]) -> list[tuple[int, int, int]]:
    """``(index, predicted, true)`` for every sample the model gets wrong, in order."""
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}; they must match")
    return [(i, p, t) for i, (p, t) in enumerate(zip(predict(model, X), y)) if p != t]


def fit(model: Model, X: Sequence[Sequence[float]], y: Sequence[int],  # noqa: N803
        optimizer: Optimizer, steps: int, *, loss: str = "hinge", batch_size: int = 0,
        l2: float = 0.0, schedule: LinearDecay | None = None, seed: int | None = None,
        callback: Callback | None = None, compile: bool = False) -> History:  # noqa: A002
    """Trains ``model`` for ``steps`` optimizer steps and returns the :class:`History`.

    Each step: the outputs on a batch, the mean ``loss`` (plus ``l2_penalty(params, l2)``),
    ``zero_grad``, ``backward``, ``optimizer.step()`` and ``schedule.step()``. ``batch_size``
    0 (or >= the number of samples) uses every sample at every step; otherwise batches are
    drawn from a shuffled order of the samples, reshuffled after each pass (``seed`` seeds
    that), so ``batch_size=1`` is per-sample SGD. ``callback(step, loss, batch_accuracy)``
    is called after each step (step counts from 1). ``compile=True`` computes the loss and its
    gradient through :func:`autograd.compile` (see :class:`CompiledLoss`): the same losses,
    faster.

    A loss that is not finite (nan or ±inf: the learning rate is too large, or the data holds
    such a number) stops training with :class:`DivergedError` naming the step, before the
    optimizer moves the parameters with that step's gradient.
    """
    _check_loss(loss)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0, got {steps!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 0:
        raise ValueError(f"batch_size must be an integer >= 0, got {batch_size!r}")
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}; they must match")
    if not y:
        raise ValueError("fit needs at least one sample")
    if l2 < 0.0:
        raise ValueError(f"l2 must be >= 0, got {l2!r}")
    n = len(y)
    targets = _targets(y, loss)
    params = optimizer.params
    full = batch_size == 0 or batch_size >= n
    rng = random.Random(seed)
    order = list(range(n))
    position = n
    history = History()
    compiled = CompiledLoss(model, loss, params) if compile else None
    xb: Sequence[Sequence[float]] = X
    tb: Sequence[Any] = targets
    yb: Sequence[int] = y
    for step in range(1, steps + 1):
        if not full:
            if position + batch_size > n:
                rng.shuffle(order)
                position = 0
            picked = order[position:position + batch_size]
            position += batch_size
            xb = [X[i] for i in picked]
            tb = [targets[i] for i in picked]
            yb = [y[i] for i in picked]
        if compiled is not None:
            optimizer.zero_grad()
            value = compiled.mean_loss(xb, tb, l2)
            hits = sum(p == t for p, t in zip(predict(model, xb), yb))
        else:
            outputs = [model(x) for x in xb]
            total = loss_of(outputs, tb, loss)
            if l2:
                total = total + l2_penalty(params, l2)
            optimizer.zero_grad()
            total.backward()
            value = total.data
            hits = sum(_label(out) == t for out, t in zip(outputs, yb))
        if not math.isfinite(value):
            raise _diverged(value, step, optimizer)
        optimizer.step()
        if schedule is not None:
            schedule.step()
        history.losses.append(value)
        history.accuracies.append(hits / len(yb))
        if callback is not None:
            callback(step, value, hits / len(yb))
    return history


def _diverged(value: float, step: int, optimizer: Optimizer) -> DivergedError:
    if step == 1:  # before any update: the learning rate had no part in it yet
        return DivergedError(
            f"the loss is {value} at step 1, before any update: the data or the model's "
            "parameters hold a number that is not finite; the parameters are left as they were",
            step, value)
    lr = getattr(optimizer, "lr", None)
    at = f" than lr={lr:g}" if isinstance(lr, float) else ""
    return DivergedError(
        f"training diverged: the loss is {value} at step {step}; the parameters are left as "
        f"they were after step {step - 1}; try a smaller learning rate{at}", step, value)


class CompiledLoss:
    """The mean loss of a batch and its gradient through :func:`autograd.compile`.

    One compiled function per target (the target is a constant of its code), each summing its
    samples in one generated loop; the gradient of the sum is then divided by the batch size and
    the L2 penalty (a small graph) added eagerly. The same numbers as the eager loss, up to the
    order of the additions.

    >>> from autograd.nn import MLP
    >>> model = MLP(2, [4, 1], seed=0)
    >>> mean = CompiledLoss(model, "hinge", model.parameters())
    >>> eager = loss_of([model([0.5, 1.0]), model([1.0, -1.0])], [1, -1], "hinge")
    >>> abs(mean.mean_loss([[0.5, 1.0], [1.0, -1.0]], [1, -1]) - eager.data) < 1e-12
    True
    """

    def __init__(self, model: Model, loss: str, params: Sequence[Value]) -> None:
        _check_loss(loss)
        self.model = model
        self.loss = loss
        self.params = list(params)
        self.functions: dict[Any, Any] = {}

    def _function(self, target: Any) -> Any:
        from .compiler import compile

        cf = self.functions.get(target)
        if cf is None:
            model, loss = self.model, self.loss

            def sample_loss(x: Sequence[Value]) -> Value:
                return loss_of([model(x)], [target], loss)

            cf = self.functions[target] = compile(sample_loss)
        return cf

    def mean_loss(self, xb: Sequence[Sequence[float]], tb: Sequence[Any], l2: float = 0.0
                  ) -> float:
        """The mean loss over the batch (plus ``l2_penalty``); adds its gradient into ``.grad``
        (which should start at zero, as after ``zero_grad``)."""
        groups: dict[Any, list[tuple[Sequence[float]]]] = {}
        for x, t in zip(xb, tb):
            groups.setdefault(t, []).append((x,))
        total = 0.0
        for t, rows in groups.items():
            total += self._function(t).sum(rows)
        n = len(xb)
        for p in self.params:
            p.grad /= n
        value = total / n
        if l2:
            penalty = l2_penalty(self.params, l2)
            penalty.backward()
            value += penalty.data
        return value


def plot_decision_boundary(model: Model, X: Sequence[Sequence[float]],  # noqa: N803
                           y: Sequence[int], ax: Any = None, resolution: int = 80,
                           title: str | None = None) -> Any:
    """Draws the model's predicted class over the plane with the samples on top; returns the axes.

    Needs matplotlib (``pip install "scalar-autograd[plot]"``); without ``ax`` it makes a new
    figure with ``matplotlib.pyplot``.
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError(MATPLOTLIB_HINT) from None
    if not X:
        raise ValueError("plot_decision_boundary needs at least one sample")
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5, 5))
    xs = [p[0] for p in X]
    ys = [p[1] for p in X]
    pad_x = 0.1 * (max(xs) - min(xs)) + 0.25
    pad_y = 0.1 * (max(ys) - min(ys)) + 0.25
    x_lo, x_hi = min(xs) - pad_x, max(xs) + pad_x
    y_lo, y_hi = min(ys) - pad_y, max(ys) + pad_y
    gx = [x_lo + (x_hi - x_lo) * i / (resolution - 1) for i in range(resolution)]
    gy = [y_lo + (y_hi - y_lo) * j / (resolution - 1) for j in range(resolution)]
    grid = predict(model, [[a, b] for b in gy for a in gx])
    zz = [grid[j * resolution:(j + 1) * resolution] for j in range(resolution)]
    classes = max(max(y), max(grid)) + 1
    levels = [k - 0.5 for k in range(classes + 1)]
    ax.contourf(gx, gy, zz, levels=levels, cmap="coolwarm", alpha=0.35)
    ax.scatter(xs, ys, c=list(y), cmap="coolwarm", vmin=0, vmax=max(classes - 1, 1),
               edgecolors="k", linewidths=0.5, s=25)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    return ax
