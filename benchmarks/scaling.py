"""How the cost of two size-dependent paths grows: prints time ratios between doubling sizes.

    python -m benchmarks.scaling            # 4 sizes each, best of 3 runs per size
    python -m benchmarks.scaling --quick    # small sizes, one run (a smoke test)

A path that is linear in its input shows a ratio near 2 at each doubling; a quadratic one near
4. The paths:

* ``formula``: ``autograd.expression.evaluate`` of ``x*x+x*x+...`` (n terms), the parser behind
  ``autograd graph``. Each node's label was once found with ``ast.get_source_segment``, which
  re-reads the whole text, so the whole build was quadratic.
* ``collapsed``: ``viz.to_dot(loss, collapse="neuron", module=model)`` of an MLP 2-8-8-1 on n
  samples.

Timings are printed, never asserted: the tests run this only as a smoke test.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

from autograd import viz
from autograd.data import make_moons
from autograd.expression import evaluate
from autograd.nn import MLP, hinge_loss


def _formula(n: int) -> Callable[[], object]:
    source = "+".join(["x*x"] * n)
    return lambda: evaluate(source, {"x": 0.5})


def _collapsed(n: int) -> Callable[[], object]:
    X, y = make_moons(n, noise=0.1, seed=0)  # noqa: N806
    model = MLP(2, [8, 8, 1], seed=0)
    scores = [model(x) for x in X]
    loss = hinge_loss(scores, [2 * t - 1 for t in y])  # type: ignore[arg-type]
    return lambda: viz.to_dot(loss, collapse="neuron", module=model)


PATHS: dict[str, tuple[Callable[[int], Callable[[], object]], tuple[int, ...], tuple[int, ...]]] = {
    # name: (make the job for size n, full sizes, quick sizes)
    "formula": (_formula, (312, 625, 1250, 2500), (25, 50, 100, 200)),
    "collapsed": (_collapsed, (50, 100, 200, 400), (2, 4, 8, 16)),
}


def _best(job: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        job()
        best = min(best, time.perf_counter() - start)
    return best


def measure(name: str, sizes: Sequence[int], repeats: int) -> list[tuple[int, float]]:
    """``(size, best time in seconds)`` for each size."""
    make = PATHS[name][0]
    return [(n, _best(make(n), repeats)) for n in sizes]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scaling",
                                     description="time ratios of size-dependent paths")
    parser.add_argument("--quick", action="store_true", help="small sizes, one run")
    parser.add_argument("--paths", nargs="*", choices=list(PATHS), default=list(PATHS))
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else 3
    print("| path | size | seconds | ratio to the previous size |")
    print("| --- | ---: | ---: | ---: |")
    for name in args.paths:
        sizes = PATHS[name][2] if args.quick else PATHS[name][1]
        previous = None
        for n, seconds in measure(name, sizes, repeats):
            ratio = "" if previous is None else f"{seconds / previous:.2f}"
            print(f"| {name} | {n} | {seconds:.4f} | {ratio} |", flush=True)
            previous = seconds
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
