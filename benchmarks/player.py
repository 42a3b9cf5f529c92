"""The backprop player's size and speed in a real browser (headless Chromium through Selenium).

    python -m benchmarks.player            # page size at 50 values, frame times at ~500 values

Prints the page size of a 50-value graph, then, for a graph at the player's cap (an MLP's mean
squared error over as many moons as fit in 500 values), the time the page takes per step: the
script's own work (``go(k)``, which also forces layout when it scrolls the lit node into view)
and the interval between painted frames while it steps once per animation frame (a frame can
never be shorter than the display's refresh, about 16.7 ms), against the same loop showing the
same step every frame (what the machine's load alone costs). Needs selenium, Chromium,
chromedriver and Graphviz.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, cast

from autograd import Value, topological_order
from autograd.data import make_moons
from autograd.nn import MLP, mse_loss
from autograd.trace import trace_backward
from autograd.viz import to_html

_STEP_EVERY_FRAME = """
var done = arguments[arguments.length - 1];
var player = document.querySelector('.agp').agp;
var start = arguments[0], count = arguments[1], move = arguments[2];
var frames = [], work = [], last = null, k = start;
function tick(now) {
  if (last !== null) { frames.push(now - last); }
  last = now;
  if (work.length >= count) { done({frames: frames, work: work}); return; }
  var t0 = performance.now();
  player.go(k);
  k += move;
  work.push(performance.now() - t0);
  requestAnimationFrame(tick);
}
requestAnimationFrame(tick);
"""


def chain_graph(size: int) -> Value:
    """A graph of ``size`` values: tanh neurons in a chain."""
    x = Value(0.5, label="x")
    y = x
    while len(topological_order(y)) + 3 <= size:
        w = Value(0.9, label=f"w{len(topological_order(y))}")
        y = (y * w + 0.1).tanh()
    return y


def mlp_graph(size: int) -> Value:
    """The mean squared error of an 8-8-1 MLP over as many moons as fit in ``size`` values."""
    model = MLP(2, [8, 8, 1], activation="tanh", seed=0)
    points, labels = make_moons(n_samples=100, noise=0.1, seed=0)
    best = None
    for n in range(1, len(points)):
        xs = [[Value(a, label=f"x{i}_{j}") for j, a in enumerate(row)]
              for i, row in enumerate(points[:n])]
        loss = mse_loss([cast(Value, model(x)) for x in xs], [float(t) for t in labels[:n]])
        if len(topological_order(loss)) > size:
            break
        best = loss
    assert best is not None
    return best


def browser() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1300,900"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "chromedriver"),
                            options=options)


def summary(xs: list[float]) -> str:
    xs = sorted(xs)
    return (f"median {statistics.median(xs):.1f} ms, 95th percentile "
            f"{xs[int(0.95 * (len(xs) - 1))]:.1f} ms, max {xs[-1]:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="steps timed at the cap")
    args = parser.parse_args()
    small = chain_graph(50)
    page50 = to_html(small)
    print(f"50 values ({len(trace_backward(small).steps)} backward steps): page of "
          f"{len(page50.encode()):,} bytes")
    big = mlp_graph(500)
    trace = trace_backward(big)
    t0 = time.perf_counter()
    page = to_html(big)
    made = time.perf_counter() - t0
    n, total = len(trace.order), len(trace.order) + len(trace.steps)
    print(f"{n} values, {total} steps: page of {len(page.encode()):,} bytes, "
          f"made in {made:.1f} s (mostly Graphviz layout)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.html"
        path.write_text(page, encoding="utf-8")
        driver = browser()
        try:
            driver.set_script_timeout(120)
            driver.get(path.as_uri())
            start = max(1, n - args.steps // 2)  # across the end of forward, into backward
            result = driver.execute_async_script(_STEP_EVERY_FRAME, start, args.steps, 1)
            print(f"one step per frame, steps {start}..{start + args.steps - 1}:")
            print(f"  script work per step: {summary(result['work'])}")
            print(f"  frame interval:       {summary(result['frames'])}")
            still = driver.execute_async_script(_STEP_EVERY_FRAME, start, args.steps, 0)
            print(f"  the same, but every frame shows the same step (nothing changes): "
                  f"{summary(still['frames'])}")
            jumps = driver.execute_script(
                "var p = document.querySelector('.agp').agp, t = [];"
                "for (var i = 0; i < 20; i++) { var t0 = performance.now();"
                f" p.go(i % 2 ? 1 : {total}); t.push(performance.now() - t0); }}"
                "return t;")
            print(f"  jump first <-> last:  {summary(jumps)}")
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
