"""``autograd train``: make a 2-D dataset (or load the digits), train an MLP, report accuracy.

Progress is one line rewritten in place on a terminal, and a line every tenth of the run when the
output is a file or a pipe. ``--save`` writes the model as JSON (``MLP.load`` or ``MLP.from_file``
reads it back); ``--plot`` draws the decision boundary with matplotlib, an optional extra (for
the digits: the learning curve and the misclassified test digits). ``--dataset digits`` trains on
the 1,797 handwritten digits with the recipe of :mod:`autograd.digits` and prints a confusion
matrix.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import shutil
import sys
import time
from typing import Any, TextIO

from . import data, digits
from .cli_base import HelpFormatter, UsageError
from .files import atomic_write, check_writable
from .nn import ACTIVATIONS, MLP
from .optim import SGD, Adam, LinearDecay, Optimizer
from .training import (
    MATPLOTLIB_HINT,
    confusion_matrix,
    evaluate,
    fit,
    format_confusion_matrix,
    plot_decision_boundary,
    predict,
)
from .training import DivergedError as DivergedError  # the command line's error too (exit 1)

DATASETS = ("moons", "circles", "xor", "blobs", "digits")


class ByDataset:
    """A flag's default that depends on ``--dataset``: ``--help`` shows the usual one (the
    others are in the flag's help), :func:`resolve_defaults` picks the right one."""

    def __init__(self, usual: Any, shown: str, **special: Any) -> None:
        self.usual = usual
        self.shown = shown
        self.special = special

    def pick(self, dataset: str) -> Any:
        return self.special.get(dataset, self.usual)

    def __str__(self) -> str:
        return self.shown


def resolve_defaults(args: argparse.Namespace) -> None:
    """Replaces every :class:`ByDataset` default by the value for ``args.dataset``, and turns
    ``--epochs`` into steps (given both ``--steps`` and ``--epochs``: a usage error)."""
    given = {name for name, value in vars(args).items() if not isinstance(value, ByDataset)}
    if "steps" in given and "epochs" in given and args.epochs is not None:
        raise UsageError("autograd train: give --steps or --epochs, not both")
    for name, value in vars(args).items():
        if isinstance(value, ByDataset):
            setattr(args, name, value.pick(args.dataset))
    if "steps" in given:
        args.epochs = None

#: Most samples ``--samples`` accepts: the engine is scalar, and a million samples would take
#: hours per step and gigabytes of memory.
MAX_SAMPLES = 100_000

# Defaults of the options that apply to one dataset or optimizer only: the parser leaves them
# None, so that giving one where it does not apply can be refused.
DEFAULT_CENTERS = 3
DEFAULT_FACTOR = 0.5
DEFAULT_MOMENTUM = 0.9


#: Training counts as diverged when the loss is not finite, or when it exceeds this many times
#: the first step's loss (or 1, whichever is larger): none of the losses here grows like that
#: while training works.
GROWTH = 1e6


# DivergedError (from training): the loss stopped being a finite number, or grew GROWTH-fold:
# training stops, nothing is saved (exit 1).


# --- argument types: each raises ArgumentTypeError, which argparse turns into a usage error ----


def _parsed(text: str, convert: Any, ok: Any, what: str) -> Any:
    try:
        value = convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if not ok(value):
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    result: int = _parsed(text, int, lambda v: v >= 1, "a positive integer")
    return result


def _samples(text: str) -> int:
    result: int = _parsed(text, int, lambda v: 1 <= v <= MAX_SAMPLES,
                          f"a number of samples from 1 to {MAX_SAMPLES:,}")
    return result


def _classes(text: str) -> int:
    result: int = _parsed(text, int, lambda v: 2 <= v <= 1000, "a number of clusters from 2 "
                          "to 1000")
    return result


def _count(text: str) -> int:
    result: int = _parsed(text, int, lambda v: v >= 0, "an integer >= 0")
    return result


def _non_negative(text: str) -> float:
    result: float = _parsed(text, float, lambda v: math.isfinite(v) and v >= 0.0,
                            "a finite number >= 0")
    return result


def _positive(text: str) -> float:
    value = _non_negative(text)
    if value == 0.0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def _fraction(text: str) -> float:
    value = _non_negative(text)
    if value >= 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text!r}")
    return value


def _hidden(text: str) -> list[int]:
    parts = [part.strip() for part in text.split(",")]
    try:
        sizes = [int(part) for part in parts]
    except ValueError:
        sizes = []
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive layer sizes such as 16,16, got {text!r}"
        )
    return sizes


def add_parser(subparsers: Any) -> None:
    """Adds the ``train`` subcommand to the command line."""
    parser = subparsers.add_parser(
        "train",
        help="train a small MLP on a 2-D toy dataset",
        description="Train a multi-layer perceptron on a 2-D toy dataset with the scalar "
                    "autograd engine, then print the final loss and the train and test accuracy.",
        epilog="example:\n  autograd train --dataset circles --hidden 8,8 --steps 200 "
               "--save model.json --plot boundary.png",
        formatter_class=HelpFormatter,
    )
    add = parser.add_argument
    group = parser.add_argument_group("data")
    group.add_argument("--dataset", choices=DATASETS, default="moons", help="which dataset")
    group.add_argument("--samples", type=_samples,
                       default=ByDataset(200, "200", digits=None), metavar="N",
                       help="number of samples (digits: the first N of 1,797; all by default), "
                            f"at most {MAX_SAMPLES:,}")
    group.add_argument("--noise", type=_non_negative, default=0.1,
                       help="standard deviation of the Gaussian noise (blobs: of each cluster)")
    group.add_argument("--factor", type=_fraction, default=None,
                       help=f"circles only: radius of the inner circle (default: "
                            f"{DEFAULT_FACTOR})")
    group.add_argument("--centers", type=_classes, default=None, metavar="K",
                       help=f"blobs only: number of clusters (classes), at least 2 (default: "
                            f"{DEFAULT_CENTERS})")
    group.add_argument("--test-size", type=_fraction, default=0.25, metavar="FRACTION",
                       help="fraction of the samples held out for testing (0: none)")
    group = parser.add_argument_group("model")
    group.add_argument("--hidden", type=_hidden,
                       default=ByDataset([16, 16], "16,16", digits=digits.RECIPE["hidden"]),
                       metavar="SIZES", help="hidden layer sizes, comma-separated (digits: 32)")
    group.add_argument("--activation", choices=[a for a in ACTIVATIONS if a != "linear"],
                       default="relu", help="activation of the hidden layers")
    group.add_argument("--loss", choices=("auto", "hinge", "bce", "cross_entropy"),
                       default="auto",
                       help="auto: hinge for two classes, cross_entropy for more")
    group = parser.add_argument_group("optimization")
    group.add_argument("--optimizer", choices=("adam", "sgd"), default="adam",
                       help="the optimizer")
    group.add_argument("--lr", type=_positive,
                       default=ByDataset(0.05, "0.05", digits=digits.RECIPE["lr"]),
                       help="learning rate (digits: 0.01)")
    group.add_argument("--lr-end", type=_non_negative,
                       default=ByDataset(None, "None", digits=digits.RECIPE["lr_end"]),
                       metavar="LR",
                       help="decay the learning rate linearly to this by the last step "
                            "(None: keep it constant; digits: 0.0005)")
    group.add_argument("--momentum", type=_fraction, default=None,
                       help=f"sgd only: momentum, in [0, 1) (default: {DEFAULT_MOMENTUM}; "
                            "the library's SGD defaults to 0.0)")
    group.add_argument("--l2", type=_non_negative, default=0.0, metavar="ALPHA",
                       help="L2 penalty alpha * sum(p**2) added to the loss")
    group.add_argument("--batch-size", type=_count,
                       default=ByDataset(0, "0", digits=digits.RECIPE["batch_size"]),
                       metavar="N",
                       help="samples per step; 0: all of them (full batch), 1: per-sample SGD "
                            "(digits: 32)")
    group.add_argument("--steps", type=_count, default=ByDataset(100, "100", digits=None),
                       help="optimizer steps (digits: from --epochs)")
    group.add_argument("--epochs", type=_count,
                       default=ByDataset(None, "None", digits=digits.RECIPE["epochs"]),
                       metavar="N",
                       help="passes over the training set, instead of --steps (digits: 30)")
    group.add_argument("--compile", action="store_true",
                       help="compute the loss and gradient through autograd.compile "
                            "(same losses, faster)")
    add("--seed", type=int, default=0, help="seed for the data, the weights and the batches")
    add("--save", metavar="PATH", default=None, help="write the trained model as JSON")
    add("--plot", metavar="PATH", default=None,
        help="draw the decision boundary to an image file (needs matplotlib); digits: the "
             "learning curve and the misclassified test digits")
    parser.set_defaults(run=run)


def _check_output(path: str, flag: str) -> None:
    """Fails before training if ``path`` cannot be written (no folder, a folder, no right)."""
    try:
        check_writable(path)
    except FileNotFoundError as err:
        folder = os.path.dirname(os.path.abspath(path))
        if os.path.isdir(folder):  # it exists, but files cannot be made there (/proc)
            raise RuntimeError(f"{flag} {path}: cannot write there ({err.strerror})") from None
        raise RuntimeError(f"{flag} {path}: directory {folder} does not exist") from None
    except IsADirectoryError:
        raise RuntimeError(f"{flag} {path}: is a directory") from None
    except OSError as err:
        raise RuntimeError(f"{flag} {path}: cannot write there ({err.strerror})") from None


def _plot_backend(path: str) -> None:
    """Loads matplotlib (Agg backend) and checks that it can write ``path``'s format."""
    try:
        import matplotlib
    except ImportError:
        raise RuntimeError(MATPLOTLIB_HINT) from None
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    suffix = os.path.splitext(path)[1].lstrip(".").lower()
    formats = Figure().canvas.get_supported_filetypes()
    if suffix not in formats:
        raise UsageError(
            f"--plot {path}: unknown image format {suffix!r}; "
            f"use one of {', '.join(sorted(formats))}"
        )


def _make_data(args: argparse.Namespace) -> data.Dataset:
    n, noise, seed = args.samples, args.noise, args.seed
    if args.dataset == "digits":
        if n is not None and n > 1797:
            raise UsageError(f"autograd train: --samples {n}: the digits are 1,797 samples")
        return digits.load_scaled(n)  # pixels 0..16 scaled into [0, 1]
    if args.dataset == "moons":
        return data.make_moons(n, noise=noise, seed=seed)
    if args.dataset == "circles":
        return data.make_circles(n, noise=noise, factor=args.factor, seed=seed)
    if args.dataset == "xor":
        return data.make_xor(n, noise=noise, seed=seed)
    return data.make_blobs(n, centers=args.centers, cluster_std=noise, seed=seed)


def _resolve(args: argparse.Namespace) -> None:
    """Refuses options given where they do not apply, then fills in their defaults."""
    for flag, name, applies, default in (
        ("--centers", "centers", args.dataset == "blobs", DEFAULT_CENTERS),
        ("--factor", "factor", args.dataset == "circles", DEFAULT_FACTOR),
        ("--momentum", "momentum", args.optimizer == "sgd", DEFAULT_MOMENTUM),
    ):
        if getattr(args, name) is None:
            setattr(args, name, default)
        elif not applies:
            where = "--optimizer sgd" if name == "momentum" else \
                f"--dataset {'blobs' if name == 'centers' else 'circles'}"
            raise UsageError(f"{flag} applies to {where} only")


def _number(x: float) -> str:
    """A loss for a progress line: 4 decimals, or 4 significant digits when it is huge."""
    return f"{x:.4f}" if abs(x) < 1e6 else f"{x:.4g}"


def _columns(out: TextIO) -> int:
    try:
        return os.get_terminal_size(out.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return shutil.get_terminal_size().columns


class _Progress:
    """A status line rewritten in place on a terminal; a line every tenth of the run otherwise."""

    def __init__(self, steps: int, out: TextIO) -> None:
        self.steps = steps
        self.out = out
        self.tty = out.isatty()
        self.every = max(1, steps // 10)
        self.width = len(str(steps))
        self.shown = 0.0
        self.first: float | None = None
        self.raised: DivergedError | None = None

    def diverged(self, step: int, loss: float) -> DivergedError:
        """The command line's error for a loss that is not finite, or grew too much, at
        ``step`` (the status line ended first, on a terminal)."""
        if self.tty and step > 1:
            self.out.write("\n")
        what = f"is {loss}" if not math.isfinite(loss) or self.first is None else \
            f"grew from {_number(self.first)} to {_number(loss)}"
        self.raised = DivergedError(
            f"training diverged: the loss {what} at step {step}; nothing was saved; "
            "try a smaller learning rate (--lr)", step, loss)
        return self.raised

    def __call__(self, step: int, loss: float, acc: float) -> None:
        if self.first is None:
            self.first = loss
        if not math.isfinite(loss) or loss > GROWTH * max(self.first, 1.0):
            raise self.diverged(step, loss)
        line = (f"step {step:>{self.width}}/{self.steps}  loss {_number(loss)}  "
                f"batch accuracy {acc:.1%}")
        if self.tty:
            line = line[:max(20, _columns(self.out) - 1)]
            now = time.perf_counter()
            if now - self.shown >= 0.05 or step == self.steps:
                self.shown = now
                self.out.write("\r" + line + "\033[K")
                if step == self.steps:
                    self.out.write("\n")
                self.out.flush()
        elif step % self.every == 0 or step == self.steps:
            self.out.write(line + "\n")
            self.out.flush()


def run(args: argparse.Namespace) -> int:
    """Runs ``autograd train`` with parsed arguments; returns the exit code."""
    out = sys.stdout
    resolve_defaults(args)
    _resolve(args)
    classes = {"blobs": args.centers, "digits": 10}.get(args.dataset, 2)
    loss = args.loss
    if loss == "auto":
        loss = "hinge" if classes == 2 else "cross_entropy"
    if loss in ("hinge", "bce") and classes != 2:
        fix = "use --loss cross_entropy" + (" or --centers 2" if args.dataset == "blobs" else "")
        raise UsageError(f"--loss {loss} needs two classes; "
                         f"{args.dataset} has {classes} ({fix})")
    if args.save:
        _check_output(args.save, "--save")
    if args.plot:
        _check_output(args.plot, "--plot")
        _plot_backend(args.plot)

    X, y = _make_data(args)  # noqa: N806
    if args.test_size > 0.0:
        try:
            X_train, X_test, y_train, y_test = data.train_test_split(  # noqa: N806
                X, y, test_size=args.test_size, seed=args.seed)
        except ValueError as err:
            raise UsageError(f"--test-size: {err}") from None
    else:
        X_train, X_test, y_train, y_test = X, [], y, []  # noqa: N806

    if args.epochs is not None:
        args.steps = digits.steps_for_epochs(args.epochs, len(y_train), args.batch_size)
    outputs = 1 if loss in ("hinge", "bce") else classes
    model = MLP(len(X[0]), [*args.hidden, outputs], activation=args.activation,
                seed=args.seed)
    optimizer: Optimizer
    if args.optimizer == "adam":
        optimizer = Adam(model.parameters(), lr=args.lr)
    else:
        optimizer = SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    schedule = None
    if args.lr_end is not None and args.steps > 0:
        schedule = LinearDecay(optimizer, args.lr, args.lr_end, args.steps)
    batch = "full batch" if args.batch_size == 0 or args.batch_size >= len(y_train) \
        else f"batches of {args.batch_size}"
    lr = f"lr {args.lr:g}" + (f" -> {args.lr_end:g}" if schedule else "")
    optimizer_name = args.optimizer if args.optimizer == "adam" \
        else f"sgd (momentum {args.momentum:g})"

    what = ("handwritten 8x8 (UCI), pixels scaled to [0, 1]" if args.dataset == "digits"
            else f"noise {args.noise:g}")
    print(f"data: {args.dataset}, {len(y)} samples, {what}: "
          f"{len(y_train)} train, {len(y_test)} test", file=out)
    print(f"model: {model!r}, {len(model.parameters())} parameters, loss {loss}", file=out)
    epochs = f" ({args.epochs} epochs)" if args.epochs is not None else ""
    print(f"training: {optimizer_name}, {lr}, {args.steps} steps{epochs}, {batch}", file=out)
    out.flush()

    progress = _Progress(args.steps, out)
    callback: Any = progress
    curve = None
    if args.plot and args.dataset == "digits":
        per_epoch = digits.steps_for_epochs(1, len(y_train), args.batch_size)
        curve = callback = digits.EpochCurve(model, X_test, y_test, per_epoch, then=callback)
    start = time.perf_counter()
    try:
        fit(model, X_train, y_train, optimizer, args.steps, loss=loss,
            batch_size=args.batch_size, l2=args.l2, schedule=schedule, seed=args.seed,
            callback=callback, compile=args.compile)
    except DivergedError as err:
        if err is progress.raised:  # the progress display's check, in our wording already
            raise
        # fit's own check (a loss that is not finite), said as the command line says it
        raise progress.diverged(err.step, err.loss) from None
    elapsed = time.perf_counter() - start

    train_loss, train_acc = evaluate(model, X_train, y_train, loss)
    if not math.isfinite(train_loss):
        raise DivergedError(f"training diverged: the final loss is {train_loss}; nothing was "
                            "saved; try a smaller learning rate (--lr)", args.steps, train_loss)
    print(f"final loss {_number(train_loss)} (train, {loss})", file=out)
    print(f"train accuracy {train_acc:.1%} ({round(train_acc * len(y_train))}/{len(y_train)})",
          file=out)
    test_acc = None
    if y_test:
        _, test_acc = evaluate(model, X_test, y_test, loss)
        print(f"test accuracy {test_acc:.1%} ({round(test_acc * len(y_test))}/{len(y_test)})",
              file=out)
        if classes > 2:
            matrix = confusion_matrix(y_test, predict(model, X_test), classes)
            print("confusion matrix (test; rows: true class, columns: predicted)", file=out)
            print(format_confusion_matrix(matrix), file=out)
    print(f"trained in {elapsed:.1f} s", file=out)

    if args.save:
        model.save(args.save)
        print(f"saved the model to {args.save}", file=out)
    if args.plot and curve is not None:
        digits.plot_report(args.plot, curve, model, X_test, y_test)
        print(f"saved the learning curve and the misclassified digits to {args.plot}", file=out)
    elif args.plot:
        _plot(args, model, (X_train, y_train, train_acc), (X_test, y_test, test_acc))
        print(f"saved the decision boundary to {args.plot}", file=out)
    return 0


def _plot(args: argparse.Namespace, model: MLP, train: tuple[Any, Any, float],
          test: tuple[Any, Any, float | None]) -> None:
    """The decision boundary with the training points (circles) and the test points (triangles),
    both accuracies in the title; written whole or not at all."""
    from matplotlib.figure import Figure

    X_train, y_train, train_acc = train  # noqa: N806
    X_test, y_test, test_acc = test  # noqa: N806
    figure = Figure(figsize=(5, 5))
    ax = figure.add_subplot()
    title = f"{args.dataset}: train {train_acc:.1%}"
    if test_acc is not None:
        title += f", test {test_acc:.1%}"
    plot_decision_boundary(model, X_train, y_train, ax=ax, title=title)
    ax.collections[-1].set_label(f"train ({len(y_train)})")
    if X_test:
        classes = max(max(y_train), max(y_test)) + 1
        ax.scatter([p[0] for p in X_test], [p[1] for p in X_test], c=list(y_test),
                   cmap="coolwarm", vmin=0, vmax=max(classes - 1, 1), marker="^", s=36,
                   edgecolors="k", linewidths=1.0, label=f"test ({len(y_test)})")
    ax.legend(loc="lower right", fontsize="small")
    suffix = os.path.splitext(args.plot)[1].lstrip(".").lower()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=suffix, dpi=100, bbox_inches="tight")
    atomic_write(args.plot, buffer.getvalue())
