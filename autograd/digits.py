"""Handwritten digits on the scalar engine: the recipe, the learning curve and the pictures.

Shared by ``autograd train --dataset digits`` and notebook 06. The recipe (:data:`RECIPE`): pixels
scaled from 0..16 to [0, 1], an MLP 64-32-10 (relu, linear output), cross-entropy, Adam with
batches of 32 and a learning rate decaying linearly from 0.01 to 0.0005 over 30 passes over the
training part (3/4 of the 1,797 digits). It reaches about 97% on the held-out quarter.

>>> X, y = load_scaled()
>>> len(X), max(max(row) for row in X)
(1797, 1.0)
>>> steps_for_epochs(2, n_train=100, batch_size=32)      # 3 full batches per pass
6
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .data import load_digits
from .files import atomic_write
from .training import Model, accuracy, misclassified

__all__ = [
    "RECIPE", "load_scaled", "steps_for_epochs", "EpochCurve", "plot_digits",
    "plot_learning_curve", "plot_misclassified", "plot_report",
]

#: The default recipe of ``autograd train --dataset digits`` (and notebook 06).
RECIPE: dict[str, Any] = {
    "hidden": [32], "epochs": 30, "batch_size": 32, "lr": 0.01, "lr_end": 0.0005,
    "test_size": 0.25,
}

#: 16 = the largest pixel value: 16 inked bits in a 4x4 block.
PIXEL_MAX = 16.0


def load_scaled(n_samples: int | None = None) -> tuple[list[list[float]], list[int]]:
    """:func:`autograd.data.load_digits` with pixels divided by 16 (into [0, 1]); the first
    ``n_samples`` digits only if given."""
    X, y = load_digits()  # noqa: N806
    if n_samples is not None:
        X, y = X[:n_samples], y[:n_samples]  # noqa: N806
    return [[v / PIXEL_MAX for v in row] for row in X], y


def steps_for_epochs(epochs: int, n_train: int, batch_size: int) -> int:
    """Optimizer steps in ``epochs`` passes: :func:`autograd.training.fit` takes
    ``n_train // batch_size`` full batches per pass (one step per pass for full batch)."""
    per_epoch = 1 if batch_size == 0 or batch_size >= n_train else n_train // batch_size
    return epochs * per_epoch


@dataclass
class EpochCurve:
    """A :func:`~autograd.training.fit` callback that records, at the end of every pass, the
    mean training loss of that pass and the accuracy on held-out data; ``then`` (another
    callback, a progress display say) is called at every step."""

    model: Model
    X_test: Sequence[Sequence[float]]
    y_test: Sequence[int]
    steps_per_epoch: int
    then: Callable[[int, float, float], None] | None = None
    train_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    _losses: list[float] = field(default_factory=list)

    def __call__(self, step: int, loss: float, acc: float) -> None:
        self._losses.append(loss)
        if step % self.steps_per_epoch == 0:
            self.train_loss.append(sum(self._losses) / len(self._losses))
            self._losses.clear()
            if self.y_test:
                self.test_accuracy.append(accuracy(self.model, self.X_test, self.y_test))
        if self.then is not None:
            self.then(step, loss, acc)


def _image(row: Sequence[float]) -> list[list[float]]:
    if len(row) != 64:
        raise ValueError(f"a digit has 64 pixels, got {len(row)}")
    return [list(row[8 * r:8 * r + 8]) for r in range(8)]


def plot_digits(images: Sequence[Sequence[float]], titles: Sequence[str] | None = None,
                columns: int = 10, figure: Any = None, cmap: str = "gray_r") -> Any:
    """Draws 8x8 images (64 values each) in a grid, each with its title; returns the figure.

    Without ``figure``, a new ``matplotlib.figure.Figure`` (no window, no global state).
    """
    from matplotlib.figure import Figure

    n = len(images)
    if n == 0:
        raise ValueError("plot_digits needs at least one image")
    cols = max(1, min(columns, n))
    rows = (n + cols - 1) // cols
    if figure is None:
        figure = Figure(figsize=(1.0 * cols, 1.15 * rows + 0.3))
    for i, row in enumerate(images):
        ax = figure.add_subplot(rows, cols, i + 1)
        ax.imshow(_image(row), cmap=cmap, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(titles[i], fontsize=8)
    return figure


def plot_learning_curve(curve: EpochCurve, ax: Any) -> Any:
    """Training loss per pass (left axis, log scale) and test accuracy (right axis)."""
    epochs = list(range(1, len(curve.train_loss) + 1))
    ax.plot(epochs, curve.train_loss, "o-", color="tab:blue", markersize=3,
            label="training loss (mean of the pass)")
    ax.set_yscale("log")
    ax.set_xlabel("epoch (pass over the training digits)")
    ax.set_ylabel("cross-entropy", color="tab:blue")
    if curve.test_accuracy:
        right = ax.twinx()
        right.plot(epochs, [100 * a for a in curve.test_accuracy], "s-", color="tab:red",
                   markersize=3, label="test accuracy")
        right.set_ylabel("test accuracy (%)", color="tab:red")
        right.set_ylim(min(80.0, 100 * min(curve.test_accuracy)), 100.0)
        right.grid(alpha=0.3)
        best = curve.test_accuracy[-1]
        right.set_title(f"final test accuracy {best:.1%}", fontsize=10)
    return ax


def plot_misclassified(model: Model, X: Sequence[Sequence[float]], y: Sequence[int],  # noqa: N803
                       limit: int = 30, columns: int = 10, figure: Any = None) -> Any:
    """The digits the model gets wrong (the first ``limit``), titled ``predicted (true)``."""
    wrong = misclassified(model, X, y)[:limit]
    if not wrong:
        raise ValueError("the model classifies every sample right: nothing to draw")
    return plot_digits([X[i] for i, _, _ in wrong], [f"{p} (true {t})" for _, p, t in wrong],
                       columns=columns, figure=figure)


def plot_report(path: str, curve: EpochCurve, model: Model,
                X_test: Sequence[Sequence[float]], y_test: Sequence[int]) -> None:  # noqa: N803
    """One image: the learning curve on top, the misclassified test digits below."""
    from matplotlib.figure import Figure

    wrong = misclassified(model, X_test, y_test)[:30] if y_test else []
    grid_rows = (len(wrong) + 9) // 10
    figure = Figure(figsize=(10, 4 + 1.2 * grid_rows), layout="constrained")
    top: Any = figure
    bottom: Any = None
    if wrong:
        parts: Any = figure.subfigures(2, 1, height_ratios=[4, 1.2 * grid_rows])
        top, bottom = parts[0], parts[1]
    plot_learning_curve(curve, top.add_subplot())
    if bottom is not None:
        bottom.suptitle(f"misclassified test digits ({len(wrong)} shown): predicted (true)",
                        fontsize=10)
        plot_digits([X_test[i] for i, _, _ in wrong], [f"{p} ({t})" for _, p, t in wrong],
                    figure=bottom)
    buffer = io.BytesIO()  # written whole or not at all (autograd.files.atomic_write)
    figure.savefig(buffer, dpi=100, format=os.path.splitext(str(path))[1].lstrip(".").lower())
    atomic_write(path, buffer.getvalue())
