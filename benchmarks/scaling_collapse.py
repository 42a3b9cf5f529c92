"""How the time of a collapsed drawing grows with the size of the graph.

Trains nothing: builds the hinge loss of an MLP 2-16-16-1 on ``n`` two-moons samples, runs
backward, and times ``viz.to_dot(loss, collapse="neuron", module=model)`` for doubling ``n``. Linear
time shows as a ratio near 2 between one size and the next (a quadratic algorithm gives 4).

    python -m benchmarks.scaling_collapse                 # sizes 100 200 400 800, 3 runs each
    python -m benchmarks.scaling_collapse --sizes 50 100 --runs 1 --mode layer --full

Each figure is the fastest of ``--runs`` runs (the least disturbed by other work on the machine).
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Sequence

from autograd import viz
from autograd.data import make_moons
from autograd.engine import Value
from autograd.nn import MLP, hinge_loss


def build(n: int) -> tuple[Value, MLP]:
    """The loss of a 2-16-16-1 MLP on ``n`` samples, after backward, and the model."""
    xs, ys = make_moons(n_samples=n, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    scores = [model(x) for x in xs]
    loss = hinge_loss(scores, [2 * t - 1 for t in ys])  # type: ignore[arg-type]
    loss.backward()
    return loss, model


def time_drawing(n: int, runs: int, mode: str, full: bool) -> tuple[float, int]:
    """Fastest time of ``runs`` collapsed drawings of the size-``n`` graph, and the DOT length."""
    loss, model = build(n)
    best = float("inf")
    length = 0
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        text = viz.to_dot(loss, collapse=mode, module=model, max_nodes=None if full else 500)
        best = min(best, time.perf_counter() - start)
        length = len(text)
    return best, length


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400, 800],
                        help="numbers of samples (default: 100 200 400 800)")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (default: 3)")
    parser.add_argument("--mode", choices=viz.COLLAPSE_MODES, default="neuron",
                        help="collapse mode (default: neuron)")
    parser.add_argument("--full", action="store_true",
                        help="draw every box (max_nodes=None) instead of the first 500")
    args = parser.parse_args(argv)
    if args.runs < 1 or any(n < 1 for n in args.sizes):
        parser.error("--runs and --sizes must be positive")
    print(f"to_dot(collapse={args.mode!r}, max_nodes={'None' if args.full else 500}), "
          f"MLP 2-16-16-1, fastest of {args.runs} runs")
    print(f"{'samples':>8} {'seconds':>9} {'DOT chars':>10} {'ratio to previous':>18}")
    previous: tuple[int, float] | None = None
    for n in args.sizes:
        seconds, length = time_drawing(n, args.runs, args.mode, args.full)
        ratio = ""
        if previous is not None:
            pn, pt = previous
            ratio = f"{seconds / pt:.2f} for {n / pn:g}x the samples"
        print(f"{n:>8} {seconds:>9.3f} {length:>10} {ratio:>18}")
        previous = (n, seconds)


if __name__ == "__main__":
    main()
