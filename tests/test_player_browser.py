"""The backprop player in a real browser: headless Chromium driven by Selenium.

Opens the page, presses keys, clicks buttons, moves the slider, reads the numbers the page shows
and checks them against the engine's; checks ``#step=N``, that no request leaves the page and that
the console stays free of errors; takes a screenshot and looks at its colours.

Needs the ``selenium`` package (the test extra), Chromium and its driver (``apt-get install
chromium chromium-driver``; CI installs them). Where they are missing the tests skip and say which.
Set ``CHROMIUM`` and ``CHROMEDRIVER`` to use binaries elsewhere than on PATH.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograd import Value
from autograd.player import MAX_NODES
from autograd.trace import BackwardTrace, trace_backward
from autograd.viz import format_number, to_html
from benchmarks.player import mlp_graph


def _find(env: str, *names: str) -> str | None:
    if os.environ.get(env):
        return os.environ[env]
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = _find("CHROMIUM", "chromium", "chromium-browser", "google-chrome")
CHROMEDRIVER = _find("CHROMEDRIVER", "chromedriver")


def _missing(reason: str) -> None:
    """Skip, except where the browser tests must run (CI sets AUTOGRAD_REQUIRE_BROWSER=1)."""
    if os.environ.get("AUTOGRAD_REQUIRE_BROWSER"):
        pytest.fail(f"AUTOGRAD_REQUIRE_BROWSER is set but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    try:
        from selenium import webdriver
    except ImportError:
        _missing("selenium is not installed (pip install -e '.[test]')")
    if CHROMIUM is None or CHROMEDRIVER is None:
        _missing("Chromium and chromedriver are needed for the browser tests "
                 "(Debian/Ubuntu: apt-get install chromium chromium-driver)")
    if shutil.which("dot") is None:
        _missing("the Graphviz dot program is needed to lay out the player's drawing")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1300,900", "--hide-scrollbars"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    d.set_page_load_timeout(60)
    yield d
    d.quit()


def neuron() -> tuple[Value, dict[str, Value]]:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n}


@pytest.fixture(scope="module")
def neuron_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BackwardTrace, Value]:
    o, _ = neuron()
    path = tmp_path_factory.mktemp("player") / "neuron.html"
    path.write_text(to_html(o), encoding="utf-8")
    return path, trace_backward(o), o


def open_page(driver: Any, path: Path, fragment: str = "") -> None:
    driver.get("about:blank")
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(path.as_uri() + fragment)


def status(driver: Any) -> str:
    return str(driver.find_element("css selector", ".agp-status").text)


def boxes(driver: Any) -> list[list[str]]:
    """The texts in each box v0, v1, ...: [name, "data ...", "grad ..."]."""
    return list(driver.execute_script(
        "var out = []; for (var i = 0; ; i++) {"
        "  var g = document.getElementById('v' + i); if (!g) return out;"
        "  out.push(Array.from(g.querySelectorAll('text'), t => t.textContent)); }"))


def key(driver: Any, name: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    ActionChains(driver).send_keys(getattr(Keys, name) if name != " " else Keys.SPACE).perform()


def click(driver: Any, act: str) -> None:
    driver.find_element("css selector", f'[data-act="{act}"]').click()


def wait_for(driver: Any, script: str, expected: Any, timeout: float = 5.0) -> Any:
    """Polls ``script`` until it returns ``expected`` (or the time is up); returns the last."""
    end = time.monotonic() + timeout
    while True:
        got = driver.execute_script(script)
        if got == expected or time.monotonic() > end:
            return got
        time.sleep(0.05)


def severe(driver: Any) -> list[dict[str, Any]]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_opens_paused_at_step_one(driver: Any, neuron_page: Any) -> None:
    path, trace, _ = neuron_page
    total = len(trace.order) + len(trace.steps)
    open_page(driver, path)
    assert status(driver) == f"step 1 of {total}"
    time.sleep(1.0)  # longer than one step of play: it must not have moved
    assert status(driver) == f"step 1 of {total}"
    first = boxes(driver)
    # Step 1 shows only the first value of the forward pass; nothing has a gradient yet.
    shown = [b for b in first if not b[1].endswith("\u2013")]
    assert len(shown) == 1
    assert all(b[2] == "grad \u2013" for b in first)
    assert not severe(driver)


def test_numbers_match_the_engine_at_every_step(driver: Any, neuron_page: Any) -> None:
    path, trace, root = neuron_page
    n = len(trace.order)
    total = n + len(trace.steps)
    open_page(driver, path)
    names = [trace.name(v) for v in trace.order]
    revealed: set[int] = set()
    for k in range(1, total + 1):
        if k > 1:
            key(driver, "ARROW_RIGHT")
        assert status(driver) == f"step {k} of {total}"
        shown = boxes(driver)
        assert [b[0] for b in shown] == names
        if k <= n:  # forward: one more value each step, parents before their users
            known = {i for i, b in enumerate(shown) if b[1] != "data \u2013"}
            assert len(known) == k and revealed <= known
            (new,) = known - revealed
            position = {v: j for j, v in enumerate(trace.order)}  # by identity (== is by number)
            assert all(position[q] in revealed for q in trace.order[new].parents)
            revealed = known
            for i in known:
                assert shown[i][1] == f"data {format_number(trace.order[i].data)}"
            what = driver.find_element("css selector", ".agp-what").text
            assert what.startswith(f"forward {k} of {n}: {names[new]} ")
            assert what.endswith(format_number(trace.order[new].data))
            continue
        s = k - n  # backward steps done
        grads = trace.grads_before(s)
        for i, v in enumerate(trace.order):
            assert shown[i][1] == f"data {format_number(v.data)}"
            assert shown[i][2] == f"grad {format_number(grads.get(v, 0.0))}", (k, names[i])
        step = trace.steps[s - 1]
        rows = driver.execute_script(
            "return Array.from(document.querySelectorAll('.agp-sends tbody tr'),"
            " r => Array.from(r.cells, c => c.textContent));")
        expected = []
        running = trace.grads_before(s - 1)
        for c in step.contributions:
            running[c.parent] = running.get(c.parent, 0.0) + c.amount
            expected.append([trace.name(c.parent), format_number(c.local),
                             format_number(step.upstream), format_number(c.amount),
                             format_number(running[c.parent])])
        assert rows == expected
        lit = driver.execute_script(  # the highlights: copies of the lit shapes, on top
            "return Array.from(document.querySelectorAll('.agp-overlay .node.agp-lit'),"
            " g => g.getAttribute('data-of'));")
        i = next(j for j, v in enumerate(trace.order) if v is step.node)  # identity, not ==
        assert f"v{i}" in lit and f"o{i}" in lit
        labels = driver.execute_script(  # edge j into the op of node i is e{i}_{j}
            "return Array.from({length: arguments[1]}, (_, j) => document.querySelector("
            "'.agp-overlay [data-of=\"e' + arguments[0] + '_' + j + '\"] text').textContent);",
            i, len(step.contributions))
        receivers = driver.execute_script(
            "return Array.from(document.querySelectorAll('.agp-overlay .node.agp-recv'),"
            " g => g.getAttribute('data-of'));")
        position = {v: j for j, v in enumerate(trace.order)}
        assert sorted(receivers) == sorted({f"v{position[c.parent]}"
                                            for c in step.contributions})
        assert labels == [f"{format_number(c.local)} \u00d7 {format_number(step.upstream)} = "
                          f"{format_number(c.amount)}" for c in step.contributions]
    # The last step shows what backward() computes.
    root.backward()
    final = boxes(driver)
    for i, v in enumerate(trace.order):
        assert final[i][2] == f"grad {format_number(v.grad)}"
    for v in trace.order:
        v.grad = 0.0
    assert not severe(driver)


def test_keys_buttons_and_slider(driver: Any, neuron_page: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    path, trace, _ = neuron_page
    total = len(trace.order) + len(trace.steps)
    open_page(driver, path)
    key(driver, "END")
    assert status(driver) == f"step {total} of {total}"
    key(driver, "ARROW_LEFT")
    assert status(driver) == f"step {total - 1} of {total}"
    key(driver, "HOME")
    assert status(driver) == f"step 1 of {total}"
    key(driver, "ARROW_LEFT")  # stays at the first step
    assert status(driver) == f"step 1 of {total}"
    click(driver, "next")
    click(driver, "next")
    assert status(driver) == f"step 3 of {total}"
    click(driver, "prev")
    assert status(driver) == f"step 2 of {total}"
    click(driver, "last")
    assert status(driver) == f"step {total} of {total}"
    click(driver, "next")  # stays at the last step
    assert status(driver) == f"step {total} of {total}"
    click(driver, "first")
    assert status(driver) == f"step 1 of {total}"
    # Play moves on by itself, pause stops it.
    click(driver, "play")
    assert driver.find_element("css selector", '[data-act="play"]').text.endswith("pause")
    time.sleep(1.6)
    click(driver, "play")
    reached = int(status(driver).split()[1])
    assert reached >= 2
    time.sleep(1.0)
    assert status(driver) == f"step {reached} of {total}"
    # Space plays too.
    key(driver, " ")
    time.sleep(0.9)
    key(driver, " ")
    assert int(status(driver).split()[1]) > reached
    # The slider: its arrow keys move one step, and the page follows.
    slider = driver.find_element("css selector", ".agp-slider")
    driver.execute_script("arguments[0].focus();", slider)
    key(driver, "HOME")
    assert status(driver) == f"step 1 of {total}" and slider.get_attribute("value") == "1"
    slider.send_keys(Keys.ARROW_RIGHT)
    slider.send_keys(Keys.ARROW_RIGHT)
    assert status(driver) == f"step 3 of {total}"
    assert slider.get_attribute("max") == str(total)
    assert not severe(driver)


def test_step_in_the_address(driver: Any, neuron_page: Any) -> None:
    path, trace, _ = neuron_page
    n = len(trace.order)
    total = n + len(trace.steps)
    open_page(driver, path, f"#step={n + 2}")
    assert status(driver) == f"step {n + 2} of {total}"
    step = trace.steps[1]
    what = driver.find_element("css selector", ".agp-what").text
    assert what.startswith(f"backward 2 of {len(trace.steps)}: {trace.name(step.node)} ")
    assert f"= {format_number(step.upstream)} " in what
    # Stepping writes the step into the address once it pauses; changing the address moves
    # the page.
    for _ in range(3):
        key(driver, "ARROW_RIGHT")
    assert wait_for(driver, "return location.hash", f"#step={n + 5}") == f"#step={n + 5}"
    driver.execute_script("location.hash = '#step=3'")
    time.sleep(0.2)
    assert status(driver) == f"step 3 of {total}"
    open_page(driver, path, "#step=9999")  # past the end: the last step
    assert status(driver) == f"step {total} of {total}"
    open_page(driver, path, "#step=oops")  # not a step: the first
    assert status(driver) == f"step 1 of {total}"
    assert not severe(driver)


def test_no_request_leaves_the_page(driver: Any, neuron_page: Any) -> None:
    path, _, _ = neuron_page
    open_page(driver, path)
    key(driver, "END")
    click(driver, "play")
    time.sleep(0.3)
    click(driver, "play")
    requested = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.append(message["params"]["request"]["url"])
    assert requested, "the performance log recorded no requests at all: the check is blind"
    assert set(requested) == {path.as_uri()}, requested
    assert not severe(driver)


def test_screenshot_shows_the_lit_node_and_its_parents(driver: Any, neuron_page: Any,
                                                       tmp_path: Path) -> None:
    image = pytest.importorskip("PIL.Image", reason="Pillow (with matplotlib) reads the PNG")
    path, trace, _ = neuron_page
    n = len(trace.order)
    open_page(driver, path, f"#step={n + 2}")
    shot = tmp_path / "step.png"
    driver.save_screenshot(str(shot))
    colours = image.open(shot).convert("RGB").getcolors(1 << 24)

    def count(rgb: tuple[int, int, int]) -> int:
        return sum(n for n, p in colours if all(abs(a - b) < 30 for a, b in zip(p, rgb)))

    assert count((214, 39, 40)) > 200  # the lit node, its op and edges in red
    assert count((44, 160, 44)) > 100  # the parents receiving gradient in green
    open_page(driver, path, "#step=1")
    driver.save_screenshot(str(shot))
    colours = image.open(shot).convert("RGB").getcolors(1 << 24)
    assert count((44, 160, 44)) < 20  # nothing receives during the forward pass


def test_two_players_in_one_page_are_independent(driver: Any, tmp_path: Path) -> None:
    o, _ = neuron()
    a = Value(3.0, label="a")
    y = a * a
    y.label = "y"
    body = trace_backward(o)._repr_html_() + trace_backward(y)._repr_html_()
    path = tmp_path / "two.html"
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{body}"
                    "</body></html>", encoding="utf-8")
    open_page(driver, path)
    players = driver.find_elements("css selector", ".agp")
    assert len(players) == 2
    first, second = (p.find_element("css selector", ".agp-status") for p in players)
    assert first.text == "step 1 of 15" and second.text == "step 1 of 3"
    key(driver, "ARROW_RIGHT")  # not focused: an embedded player leaves the keys alone
    assert first.text == "step 1 of 15" and second.text == "step 1 of 3"
    players[1].find_element("css selector", '[data-act="last"]').click()
    assert first.text == "step 1 of 15" and second.text == "step 3 of 3"
    texts = players[1].find_elements("css selector", "tbody td")
    assert [t.text for t in texts] == ["a", "3", "1", "3", "3", "a", "3", "1", "3", "6"]
    players[0].click()
    key(driver, "ARROW_RIGHT")  # focused now
    assert first.text == "step 2 of 15" and second.text == "step 3 of 3"
    assert not severe(driver)


@pytest.fixture(scope="module")
def big_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BackwardTrace]:
    """A graph at the player's cap: an MLP's loss over as many examples as fit in 500 values."""
    y = mlp_graph(MAX_NODES)
    trace = trace_backward(y)
    assert MAX_NODES - 30 < len(trace.order) <= MAX_NODES
    path = tmp_path_factory.mktemp("player") / "big.html"
    path.write_text(to_html(y), encoding="utf-8")
    return path, trace


def test_five_hundred_values_step_without_errors(driver: Any, big_page: Any) -> None:
    """The cap's size: every step still shows the right numbers (no timing is asserted)."""
    path, trace = big_page
    n = len(trace.order)
    total = n + len(trace.steps)
    open_page(driver, path, f"#step={total - 1}")
    assert status(driver) == f"step {total - 1} of {total}"
    shown = boxes(driver)
    grads = trace.grads_before(len(trace.steps) - 1)
    for i, v in enumerate(trace.order):
        assert html.unescape(shown[i][2]) == f"grad {format_number(grads.get(v, 0.0))}"
    for _ in range(20):
        key(driver, "ARROW_LEFT")
    assert status(driver) == f"step {total - 21} of {total}"
    shown = boxes(driver)
    grads = trace.grads_before(len(trace.steps) - 21)
    for i, v in enumerate(trace.order):
        assert html.unescape(shown[i][2]) == f"grad {format_number(grads.get(v, 0.0))}"
    assert not severe(driver)


def test_five_hundred_values_frame_time(driver: Any, big_page: Any,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Steps once per animation frame across the end of the forward pass into the backward
    pass, and prints what a step costs (benchmarks/player.py says how it is measured). Nothing
    about the time is asserted (the machine is shared); where the run ends, what the page shows
    is."""
    from benchmarks.player import measure, report

    path, trace = big_page
    n = len(trace.order)
    steps = 120
    result = measure(driver, path, steps)
    assert len(result["work"]) == steps
    assert len(result["still"]) + len(result["scrolling"]) == steps
    end = max(1, n - steps // 2) + steps - 1  # the last step the run showed
    assert status(driver) == f"step {end} of {n + len(trace.steps)}"
    grads = trace.grads_before(end - n)
    for i, v in enumerate(trace.order):
        assert html.unescape(boxes(driver)[i][2]) == f"grad {format_number(grads.get(v, 0.0))}"
    with capsys.disabled():
        print(f"\nthe player at {n} values, in headless Chromium:")
        report(result)
    assert not severe(driver)


def test_layers_line_up_and_let_the_pointer_through(driver: Any, neuron_page: Any) -> None:
    """The drawing is a stack of SVG layers (player.py): each arrow ends at the shape it points
    to, whichever layers they are in, and the pointer reaches an op through the layers above
    it (its tooltip shows the op's derivatives)."""
    path, trace, _ = neuron_page
    open_page(driver, path)
    assert driver.execute_script("return document.querySelectorAll('svg.agp-layer').length") > 1
    rect = ("var r = document.getElementById(arguments[0]).querySelector(arguments[1])"
            ".getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];")

    def touching(a: list[float], b: list[float]) -> bool:
        return a[0] <= b[2] + 2 and b[0] <= a[2] + 2 and a[1] <= b[3] + 2 and b[1] <= a[3] + 2

    ops = [i for i, v in enumerate(trace.order) if v.parents]
    for i in ops:
        op = driver.execute_script(rect, f"o{i}", "ellipse")
        assert touching(driver.execute_script(rect, f"f{i}", "polygon"),
                        driver.execute_script(rect, f"v{i}", "polygon"))
        for j in range(len(trace.order[i].parents)):
            assert touching(driver.execute_script(rect, f"e{i}_{j}", "polygon"), op)
        hit = driver.execute_script(
            "var r = document.getElementById(arguments[0]).querySelector('ellipse')"
            ".getBoundingClientRect(); var e = document.elementFromPoint("
            "(r.left + r.right) / 2, (r.top + r.bottom) / 2 + r.height / 4);"
            "var g = e && e.closest('g[id]'); return g ? [g.id, g.querySelector('title') ?"
            " g.querySelector('title').textContent : null] : null;", f"o{i}")
        assert hit is not None and hit[0] == f"o{i}", (i, hit)
        assert hit[1] and "d/d" in hit[1]


def test_screenshots_of_a_small_and_a_big_graph(driver: Any, neuron_page: Any, big_page: Any,
                                                tmp_path: Path) -> None:
    """A backward step of each, as a person would see it: the lit node in red, the parents
    receiving in green, in view. Set AUTOGRAD_SCREENSHOTS to a folder to keep the PNGs."""
    image = pytest.importorskip("PIL.Image", reason="Pillow (with matplotlib) reads the PNG")
    folder = Path(os.environ.get("AUTOGRAD_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for name, (path, trace) in (("small", neuron_page[:2]), ("big", big_page)):
        n = len(trace.order)
        k = n + min(len(trace.steps), 2 if name == "small" else 100)
        open_page(driver, path, f"#step={k}")
        time.sleep(0.3)  # the scroll to the lit node waits for the next frame
        shot = folder / f"player_{name}_step{k}.png"
        driver.save_screenshot(str(shot))
        colours = image.open(shot).convert("RGB").getcolors(1 << 24)

        def count(rgb: tuple[int, int, int], found: Any = colours) -> int:
            return sum(c for c, p in found if all(abs(a - b) < 30 for a, b in zip(p, rgb)))

        assert count((214, 39, 40)) > 200, name  # the lit node, its op and edges in red
        # The lit box is on screen (the drawing scrolled to it).
        i = next(j for j, v in enumerate(trace.order) if v is trace.steps[k - n - 1].node)
        inside = driver.execute_script(
            "var r = document.getElementById(arguments[0]).getBoundingClientRect();"
            "var v = document.querySelector('.agp-view').getBoundingClientRect();"
            "return r.top >= v.top && r.bottom <= v.bottom && r.left >= v.left &&"
            " r.right <= v.right;", f"v{i}")
        assert inside, name
    assert not severe(driver)


def test_starts_when_its_script_is_run_after_insertion(driver: Any, tmp_path: Path) -> None:
    """As JupyterLab shows an output: set as innerHTML (scripts do not run), then each script
    element replaced by a copy, which runs."""
    a = Value(3.0, label="a")
    y = a * a
    path = tmp_path / "host.html"
    path.write_text("<!DOCTYPE html><html><body><div id='out'></div></body></html>")
    open_page(driver, path)
    driver.execute_script(
        "var host = document.getElementById('out'); host.innerHTML = arguments[0];"
        "host.querySelectorAll('script:not([type])').forEach(function (old) {"
        "  var s = document.createElement('script'); s.textContent = old.textContent;"
        "  old.parentNode.replaceChild(s, old); });", trace_backward(y)._repr_html_())
    assert driver.find_element("css selector", ".agp-status").text == "step 1 of 3"
    driver.find_element("css selector", '[data-act="next"]').click()
    assert driver.find_element("css selector", ".agp-status").text == "step 2 of 3"
    assert not severe(driver)


def test_drawing_shows_right_without_the_pages_style_and_script(driver: Any, neuron_page: Any,
                                                                tmp_path: Path) -> None:
    """Where a viewer strips the page's style sheet, scripts and style attributes (a notebook
    viewer), the drawing still shows the last step as Graphviz drew it: white boxes with black
    outlines, open black edges, black text."""
    import re

    path, trace, _ = neuron_page
    bare = re.sub(r"<style>.*?</style>|<script.*?</script>", "", path.read_text(), flags=re.S)
    bare = re.sub(r' style="[^"]*"', "", bare)
    stripped = tmp_path / "bare.html"
    stripped.write_text(bare, encoding="utf-8")
    open_page(driver, stripped)
    assert driver.execute_script("return document.querySelectorAll('svg').length") == 1
    look = driver.execute_script(
        "function s(q) { var e = document.querySelector(q), c = getComputedStyle(e);"
        "  return [c.fill, c.stroke]; }"
        "return [s('#v0 polygon'), s('#v0 polyline'), s('#v0 text'), s('.edge path'),"
        " s('.edge polygon'), s('ellipse')];")
    white, black, none = "rgb(255, 255, 255)", "rgb(0, 0, 0)", "none"
    # (a box's divider is a line of two points: its inherited fill encloses nothing)
    assert look == [[white, black], [black, black], [black, none], [none, black],
                    [black, black], [white, black]]
    o = trace.root
    assert box_text(driver, 0) == [trace.name(o), f"data {format_number(o.data)}",
                                   f"grad {format_number(trace.seed)}"]
    assert not severe(driver)


def box_text(driver: Any, i: int) -> list[str]:
    return list(driver.execute_script(
        "return Array.from(document.getElementById('v' + arguments[0]).querySelectorAll('text'),"
        " t => t.textContent);", i))
