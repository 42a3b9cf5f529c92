"""The backprop player's page, read as text (the browser tests are in test_player_browser.py)."""

from __future__ import annotations

import html
import json
import math
import re
import shutil
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.player import (
    MAX_NODES,
    TooManyNodesError,
    fragment,
    page,
    player_data,
    save,
)
from autograd.trace import trace_backward
from autograd.viz import format_number, to_html

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="the Graphviz dot program is not installed")


def neuron() -> tuple[Value, dict[str, Value]]:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n}


def page_data(text: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" class="agp-data">(.*?)</script>', text, re.S)
    assert m is not None
    data: dict[str, Any] = json.loads(m.group(1))
    return data


def test_data_replays_the_trace_exactly() -> None:
    o, v = neuron()
    w = v["w1"] * v["w1"] + o  # w1 used twice by one op, and again through o
    w.label = "w"
    trace = trace_backward(w)
    d = player_data(trace)
    assert [n["name"] for n in d["nodes"]] == [trace.name(x) for x in trace.order]
    assert d["nodes"][d["root"]]["name"] == "w" and d["seed"] == "1"
    seen: set[int] = set()
    # The page plays the forward pass from the last node to the first: parents first.
    for i in range(len(d["nodes"]) - 1, -1, -1):
        assert all(p in seen for p in d["nodes"][i]["p"])
        seen.add(i)
    assert seen == set(range(len(trace.order)))
    # Each step's afters, summed as backward sums them, end at the trace's gradients.
    running: dict[Value, float] = {trace.root: trace.seed}
    for s, step in enumerate(d["steps"]):
        tstep = trace.steps[s]
        assert d["nodes"][step["n"]]["name"] == trace.name(tstep.node)
        assert step["u"] == format_number(tstep.upstream)
        for (p, local, sent, now), c in zip(step["s"], tstep.contributions, strict=True):
            assert trace.order[p] is c.parent
            assert (local, sent) == (format_number(c.local), format_number(c.amount))
            running[c.parent] = running.get(c.parent, 0.0) + c.amount
            assert now == format_number(running[c.parent])
        after = trace.grads_before(s + 1)
        for c in tstep.contributions:
            assert running[c.parent] == after[c.parent]
    for x in trace.order:
        assert running.get(x, 0.0) == trace.grads[x]


def test_a_parent_used_twice_receives_twice_in_one_step() -> None:
    a = Value(3.0, label="a")
    y = a * a
    d = player_data(trace_backward(y))
    (step,) = d["steps"]
    assert [s[0] for s in step["s"]] == [1, 1]
    assert [s[3] for s in step["s"]] == ["3", "6"]  # .grad after each: 0 + 3, then 3 + 3


def test_formulas_name_the_parents() -> None:
    x = Value(2.0, label="x")
    cases = {"y": x * 3, "z": 2 - x, "t": x.tanh(), "l": x.leaky_relu(0.1), "p": x ** 2}
    for name, node in cases.items():
        node.label = name
    d = {k: player_data(trace_backward(v))["nodes"][0]["x"] for k, v in cases.items()}
    assert d["y"] == "y = x * 3 = 6"
    assert d["z"] == "z = 2 - x = 0"
    assert d["t"] == f"t = tanh(x) = {format_number(math.tanh(2.0))}"
    assert d["l"] == "l = leaky_relu(x, 0.1) = 2"
    assert d["p"] == "p = x ** 2 = 4"
    assert player_data(trace_backward(x))["nodes"][0]["x"] == "x is an input: 2"


@needs_dot
def test_to_html_leaves_every_grad_as_it_was() -> None:
    o, v = neuron()
    v["w1"].grad = 5.0
    v["n"].grad = -1.5
    before = {k: x.grad for k, x in v.items()} | {"o": o.grad}
    to_html(o)
    assert {k: x.grad for k, x in v.items()} | {"o": o.grad} == before


@needs_dot
def test_page_is_self_contained() -> None:
    o, _ = neuron()
    text = to_html(o)
    assert text.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    # No address to fetch: the only URLs are the SVG namespace names, which are never fetched.
    urls = set(re.findall(r"""(?:https?:)?//[^\s"'<>)]+""", text))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    for tag in ("<link rel=\"stylesheet\"", "<script src", "@import", "url(", "@font-face"):
        assert tag not in text
    assert text.count("<svg") == 1 and "<script>" in text
    # Every box, op and edge carries the id the script looks for.
    d = page_data(text)
    for i, n in enumerate(d["nodes"]):
        assert f'id="v{i}"' in text
        if n["p"]:
            assert f'id="o{i}"' in text and f'id="f{i}"' in text
            for j in range(len(n["p"])):
                assert f'id="e{i}_{j}"' in text


@needs_dot
def test_labels_cannot_break_out_of_the_page() -> None:
    a = Value(1.0, label='</script><script>alert(1)</script>')
    b = Value(2.0, label='{x|y} "q" <b>&amp;')
    y = a * b
    y.label = "</div>"
    text = to_html(y, title="<i>t</i>")
    assert "<script>alert(1)" not in text and "<i>t</i>" not in text
    assert text.count("</script>") == 2  # the JSON block and the script, nothing else
    d = page_data(text)
    assert {n["name"] for n in d["nodes"]} == {a.label, b.label, "</div>"}


def test_over_the_cap_is_refused_with_the_fix() -> None:
    x = Value(0.5, label="x")
    y = x
    for _ in range(MAX_NODES):
        y = y * 1.0001
    trace = trace_backward(y)
    with pytest.raises(TooManyNodesError, match=r"at most 500 values.*has 501.*max_nodes=501"):
        page(trace)
    with pytest.raises(ValueError, match="at most 10 values"):
        fragment(trace, max_nodes=10)
    if HAS_DOT:
        small = trace_backward(x * 2)
        assert "<svg" in fragment(small, max_nodes=3) and "made for" not in fragment(small)
    note = trace._repr_html_()
    assert note.startswith("<p>") and "has 501" in note and "<svg" not in note


def test_rankdir_checked() -> None:
    with pytest.raises(ValueError, match="rankdir must be one of"):
        fragment(trace_backward(Value(1.0) * 2), rankdir="XY")


@needs_dot
def test_repr_html_is_an_embeddable_player() -> None:
    o, _ = neuron()
    text = trace_backward(o)._repr_html_()
    assert text.startswith('<div class="agp"') and 'data-standalone="0"' in text
    assert "<html" not in text and "<style>" in text and "<svg" in text


def box_texts(text: str, i: int) -> list[str]:
    """The texts of box ``v{i}`` in the page's SVG: name, data, grad."""
    m = re.search(rf'<g id="v{i}" class="node">(.*?)</g>', text, re.S)
    assert m is not None
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", m.group(1))]


@needs_dot
def test_static_frame_shows_the_final_gradients() -> None:
    """Where scripts do not run (GitHub's notebook view), the drawing shows the last step."""
    o, _ = neuron()
    trace = trace_backward(o)
    text = trace._repr_html_()
    o.backward()
    for i, x in enumerate(trace.order):
        assert box_texts(text, i) == [trace.name(x), f"data {format_number(x.data)}",
                                      f"grad {format_number(x.grad)}"]


@needs_dot
def test_save_writes_whole_file(tmp_path) -> None:
    target = tmp_path / "page.html"
    target.write_text("old")
    save("<p>new</p>", target)
    assert target.read_text() == "<p>new</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
    with pytest.raises(FileNotFoundError):
        save("x", tmp_path / "missing" / "page.html")
    assert target.read_text() == "<p>new</p>"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-3, 3), min_size=2, max_size=4))
def test_running_gradients_end_at_backward(xs: list[float]) -> None:
    vs = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    y = (vs[0] * vs[1]).tanh()
    for v in vs[1:]:
        y = y * v + vs[0]
    d = player_data(trace_backward(y))
    shown = {d["root"]: d["seed"]}
    for step in d["steps"]:
        for p, *_, now in step["s"]:
            shown[p] = now
    y.backward()
    for i, v in enumerate(vs):
        idx = next(k for k, n in enumerate(d["nodes"]) if n["name"] == f"x{i}")
        assert shown.get(idx, "0") == format_number(v.grad)


def test_repr_html_without_graphviz_falls_back_to_the_table(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    t = trace_backward(Value(2.0, label="a") * 3)
    assert t._repr_html_() is None
    assert "| step |" in t._repr_markdown_()


# The drawing (player._drawing): what Graphviz draws, shorter, with a table of the layers the
# page splits it into.

_GRAPHVIZ = """<svg width="300pt" height="1000pt" viewBox="0.00 0.00 300.00 1000.00"
 xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(4 996)">
<polygon fill="transparent" stroke="transparent" points="-4,4 -4,-996 296,-996 296,4 -4,4"/>
<g id="e1_0" class="edge">
<title>v0&#45;&gt;o1</title>
<path fill="none" stroke="black" d="M50.04,-900.26C60.11,-800.49 70.5,-700 80.55,-600.04"/>
<polygon fill="black" stroke="black" points="80,-600 85,-590 75,-590 80,-600"/>
<text text-anchor="middle" x="60" y="-750"
 font-family="Helvetica,sans-Serif" font-size="10.00">&#45;3</text>
</g>
<g id="v0" class="node">
<title>v0</title>
<polygon fill="white" stroke="black" points="10,-880 10,-940 90,-940 90,-880 10,-880"/>
<text text-anchor="middle" x="50" y="-926.7"
 font-family="Helvetica,sans-Serif" font-size="11.00">a &lt;b&gt; &amp; c</text>
<polyline fill="none" stroke="black" points="10,-920 90,-920 "/>
</g>
<g id="o1" class="node">
<title>o1</title>
<g id="a_o1"><a xlink:title="d/dx = y, d/dy = x">
<ellipse fill="red" stroke="black" cx="80" cy="-50" rx="27" ry="18"/>
<text text-anchor="start" x="80" y="-46.7"
 font-family="Helvetica,sans-Serif" font-size="11.00">*</text>
</a>
</g>
</g>
</g>
</svg>"""


def test_drawing_keeps_every_shape_and_says_only_what_is_not_inherited() -> None:
    from autograd.player import _drawing

    text, _ = _drawing(_GRAPHVIZ)
    assert text.startswith('<svg class="agp-drawing" xmlns="http://www.w3.org/2000/svg" '
                           'width="300pt" height="1000pt" viewBox="0.00 0.00 300.00 1000.00">'
                           '<g transform="scale(1 1) rotate(0) translate(4 996)" fill="#000" '
                           'stroke="none" text-anchor="middle" '
                           'font-family="Helvetica,sans-Serif"><g class="agp-edges" '
                           'font-size="10"><g id="e1_0" class="edge">')
    for gid in ("e1_0", "v0", "o1"):
        assert text.count(f'<g id="{gid}" ') == 1
    assert text.index('<g class="agp-nodes" font-size="11"><g id="v0"') > text.index('"e1_0"')
    # Graphviz's hover titles (its internal ids) and the transparent background are gone, the
    # op's tooltip is a plain title.
    assert "v0-&gt;o1" not in text and "<title>v0</title>" not in text
    assert "transparent" not in text and "<a " not in text
    assert "<title>d/dx = y, d/dy = x</title>" in text
    # What a shape would inherit is left out; what it would not is said (in short colours).
    assert 'font-family="Helvetica,sans-Serif" font-size' not in text
    assert '<path fill="none" stroke="#000" d="M50,-900.3C60.1,-800.5 70.5,-700 80.5,-600"/>' \
        in text
    assert '<polygon stroke="#000" points="80,-600 85,-590 75,-590"/>' in text  # an arrowhead
    assert '<polygon fill="#fff" stroke="#000" points="10,-880 10,-940 90,-940 90,-880"/>' \
        in text  # a box: the polygon does not repeat its first point
    assert '<polyline stroke="#000" points="10,-920 90,-920"/>' in text  # a divider: no fill
    assert '<ellipse fill="red" stroke="#000" cx="80" cy="-50" rx="27" ry="18"/>' in text
    assert '<text text-anchor="start" x="80" y="-46.7">*</text>' in text
    # Texts and labels escaped for HTML.
    assert ">a &lt;b&gt; &amp; c</text>" in text and ">-3</text>" in text
    assert text.endswith("</g></g></g></svg>")


def test_each_layer_spans_what_it_draws() -> None:
    from autograd.player import _PER_LAYER, _drawing

    text, drawing = _drawing(_GRAPHVIZ)
    assert drawing["axis"] == 1  # taller than wide
    assert _PER_LAYER > 2
    # the edge, then the two nodes, in the order the markup has them
    assert [(kind, count) for kind, _, _, count in drawing["layers"]] == [(0, 1), (1, 2)]
    bodies = [text[text.index('<g id="e1_0"'):text.index('<g class="agp-nodes"')],
              text[text.index('<g id="v0"'):]]
    shift = 996  # the graph's y, plus this, is the canvas's y
    for (_, top, height, _), body in zip(drawing["layers"], bodies, strict=True):
        ys = [float(y) + shift for y in re.findall(r' c?y="(-?[\d.]+)"', body)]
        for pair in re.findall(r' (?:points|d)="([^"]*)"', body):
            numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", pair)]
            ys.extend(y + shift for y in numbers[1::2])
        assert ys and all(top <= y <= top + height for y in ys), (top, height, ys)
    # The edge's layer runs from y 96 to 406 (plus room), not over the whole canvas.
    top, height = drawing["layers"][0][1:3]
    assert top < 96 and top + height < 450


def test_layers_fall_back_to_the_whole_canvas_where_the_place_is_unknown() -> None:
    from autograd.player import _drawing

    _, drawing = _drawing(_GRAPHVIZ.replace("rotate(0)", "rotate(90)"))
    assert [layer[1:3] for layer in drawing["layers"]] == [[0, 1000], [0, 1000]]


@needs_dot
def test_page_carries_the_script_without_its_comments() -> None:
    text = to_html(neuron()[0])
    script = text[text.index("<script>") + 8:text.rindex("</script>")]
    assert "use strict" in script
    assert not any(line.lstrip().startswith("//") for line in script.splitlines())
    style = text[text.index("<style>") + 7:text.index("</style>")]
    assert "/*" not in style and ".agp-layer" in style


@needs_dot
def test_past_the_cap_on_request_the_page_says_so() -> None:
    x = Value(0.5, label="x")
    y = x
    for _ in range(MAX_NODES // 2):  # two values a step: MAX_NODES + 1 in all
        y = (y * 1.0001).tanh()
    trace = trace_backward(y)
    assert len(trace.order) == MAX_NODES + 1
    text = page(trace, max_nodes=MAX_NODES + 1)
    assert f"This graph has {MAX_NODES + 1} values, more than the {MAX_NODES}" in text
