"""The backprop player's size and speed in a real browser (headless Chromium through Selenium).

    python -m benchmarks.player                 # page size at 50 values, frame times at ~500
    python -m benchmarks.player --html old.html # the same timings for a page made elsewhere

Prints the page size of a 50-value graph, then, for a graph at the player's cap (an MLP's mean
squared error over as many moons as fit in 500 values), what one step costs while the page
steps once per animation frame, across the end of the forward pass into the backward pass:

* the script's own work per step (``go(k)``);
* the browser's main-thread work per frame (script, style, layout, paint, compositing: Chrome's
  ``TaskDuration`` over the run, divided by the frames);
* the interval between painted frames (never shorter than the display's refresh, about
  16.7 ms), for the steps whose lit node was already in view and, apart, for those that scroll
  the drawing to it (the browser then draws a part of the drawing it had not drawn yet);
* the same loop doing nothing, for what the machine's load alone costs.

Needs selenium, Chromium, chromedriver and Graphviz. No number here is asserted anywhere: the
machine is shared, and its load shows in every figure (the load average is printed).
"""

from __future__ import annotations

import argparse
import os
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

# One step per animation frame (or, with move 0, none: the idle baseline). For each frame: the
# interval to the next; the main thread's work on it, from the start of its animation-frame
# callbacks (where the step is taken) to a message posted then, which runs once the frame's
# style, layout and paint are done; and whether the drawing scrolled in it (the scroll to a
# step's lit node waits for the next frame: it shows in the frame after the step).
STEP_EVERY_FRAME = """
var done = arguments[arguments.length - 1];
var root = document.querySelector('.agp'), player = root.agp;
var view = root.querySelector('.agp-view');
var start = arguments[0], count = arguments[1], move = arguments[2];
var frames = [], work = [], busy = [], scrolled = [], last = null, where = null, k = start;
var channel = new MessageChannel(), began = 0;
channel.port1.onmessage = function () { busy.push(performance.now() - began); };
function tick(now) {
  began = performance.now();
  var here = view.scrollLeft + ',' + view.scrollTop;
  if (last !== null) { frames.push(now - last); scrolled.push(here !== where); }
  last = now; where = here;
  if (frames.length >= count) {
    done({frames: frames, work: work, busy: busy.slice(1), scrolled: scrolled});
    return;
  }
  if (move) {
    player.go(k);
    work.push(performance.now() - began);
    k += move;
  }
  channel.port2.postMessage(null);
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
    if not xs:
        return "none"
    xs = sorted(xs)
    return (f"median {statistics.median(xs):.1f} ms, 95th percentile "
            f"{xs[int(0.95 * (len(xs) - 1))]:.1f} ms, max {xs[-1]:.1f} ms ({len(xs)})")


def measure(driver: Any, path: Path, steps: int) -> dict[str, Any]:
    """Frame times at the page's cap graph: see the module's docstring."""
    driver.set_script_timeout(300)
    driver.get(path.as_uri())
    driver.execute_cdp_cmd("Performance.enable", {})
    time.sleep(1.0)  # the first layout and paint, out of the timings
    n, total = driver.execute_script(
        "var p = document.querySelector('.agp').agp;"
        "return [document.querySelectorAll('.agp [id^=v]').length, p.total];")
    start = max(1, n - steps // 2)  # across the end of the forward pass, into the backward
    steps = min(steps, total - start + 1)

    def busy() -> float:
        got = driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]
        return float(next(m["value"] for m in got if m["name"] == "TaskDuration"))

    jumps = driver.execute_script(
        "var p = document.querySelector('.agp').agp, t = [];"
        "for (var i = 0; i < 20; i++) { var t0 = performance.now();"
        f" p.go(i % 2 ? 1 : {total}); t.push(performance.now() - t0); }}"
        "return t;")
    before = busy()
    run = driver.execute_async_script(STEP_EVERY_FRAME, start, steps, 1)
    main_thread = (busy() - before) * 1000 / len(run["frames"])
    idle = driver.execute_async_script(STEP_EVERY_FRAME, start, 60, 0)  # the page stays put
    frames, busy, scrolled = run["frames"], run["busy"], run["scrolled"]
    return {
        "steps": f"{start}..{start + steps - 1} of {total}",
        "work": run["work"],
        "main_thread": main_thread,
        "busy_still": [b for b, s in zip(busy, scrolled) if not s],
        "busy_scrolling": [b for b, s in zip(busy, scrolled) if s],
        "still": [f for f, s in zip(frames, scrolled) if not s],
        "scrolling": [f for f, s in zip(frames, scrolled) if s],
        "idle": idle["frames"],
        "idle_busy": idle["busy"],
        "jumps": jumps,
    }


def report(result: dict[str, Any]) -> None:
    print(f"one step per frame, steps {result['steps']}:")
    print(f"  script per step (go):                {summary(result['work'])}")
    print("  main thread per frame (script, style, layout, paint):")
    print(f"    lit node already in view:          {summary(result['busy_still'])}")
    print(f"    scrolled to the lit node:          {summary(result['busy_scrolling'])}")
    print(f"    doing nothing:                     {summary(result['idle_busy'])}")
    print(f"    all frames, Chrome's TaskDuration: {result['main_thread']:.1f} ms on average "
          "(raster threads not counted)")
    print("  interval between frames:")
    print(f"    lit node already in view:          {summary(result['still'])}")
    print(f"    scrolled to the lit node:          {summary(result['scrolling'])}")
    print(f"    doing nothing:                     {summary(result['idle'])}")
    print(f"  script, jump first <-> last:         {summary(result['jumps'])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="steps timed at the cap")
    parser.add_argument("--html", type=Path, help="time this page instead of making one")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        path = args.html
        if path is None:
            small = chain_graph(50)
            page50 = to_html(small)
            print(f"50 values ({len(trace_backward(small).steps)} backward steps): page of "
                  f"{len(page50.encode()):,} bytes")
            big = mlp_graph(500)
            trace = trace_backward(big)
            t0 = time.perf_counter()
            page = to_html(big)
            made = time.perf_counter() - t0
            print(f"{len(trace.order)} values, {len(trace.order) + len(trace.steps)} steps: "
                  f"page of {len(page.encode()):,} bytes, made in {made:.1f} s (mostly "
                  "Graphviz layout)")
            path = Path(folder) / "big.html"
            path.write_text(page, encoding="utf-8")
        driver = browser()
        try:
            report(measure(driver, path.resolve(), args.steps))
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
