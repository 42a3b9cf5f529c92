"""The backprop player: one self-contained HTML page that plays the forward pass, then the backward.

:func:`page` turns a recorded backward pass (:func:`autograd.trace.trace_backward`) into a page;
``autograd.viz.to_html(root)`` and ``BackwardTrace.to_html()`` call it, and a trace shows as the
player inline in Jupyter (``_repr_html_``, which uses :func:`fragment`).

What the page shows, counted as one sequence of steps ("step N of M"):

* the forward pass, one value per step, parents before the nodes that use them: the new value
  appears in its box (values not computed yet are faint);
* the backward pass, one node per step in the order ``backward()`` visits them: the node is lit
  with its upstream gradient ``dL/dnode``, each edge into its op shows
  ``local derivative × upstream = contribution``, the parents that receive are green, a table
  lists what each receives, and every box shows its running ``.grad``.

The page needs no network: the drawing is inline SVG made by the Graphviz ``dot`` program, the
script and style are inline, the fonts are the system's, and a Content-Security-Policy forbids
any request. Every number on it is formatted here, in Python, with the drawing's number format;
the script only picks which to show. Controls: buttons, a slider, the arrow keys (space plays and
pauses, Home and End jump), and ``#step=N`` in the address opens the page at step N.

>>> from autograd import Value
>>> from autograd.trace import trace_backward
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> c = a * b
>>> c.label = "c"
>>> d = player_data(trace_backward(c))
>>> sorted(n["name"] for n in d["nodes"]), d["nodes"][0]["x"], len(d["steps"])
(['a', 'b', 'c'], 'c = a * b = -6', 1)
>>> names = [n["name"] for n in d["nodes"]]
>>> {names[p]: (local, sent, after) for p, local, sent, after in d["steps"][0]["s"]}
{'a': ('-3', '-3', '-3'), 'b': ('2', '2', '2')}

(``a`` receives local derivative -3 times upstream 1, and its ``.grad`` goes from 0 to -3.)
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import subprocess
from collections.abc import Sequence
from importlib import resources
from typing import Any, Protocol
from xml.etree import ElementTree

from . import ops
from .dot import RANKDIRS, quote, record_field, run_dot
from .engine import Value
from .files import atomic_write
from .fmt import format_number, op_text


class BackwardTrace(Protocol):
    """What the player reads of a recorded pass (:class:`autograd.recording.Recording`, of
    which :class:`autograd.trace.BackwardTrace` is one); the player imports neither
    :mod:`autograd.trace` nor :mod:`autograd.viz`: both build on it."""

    @property
    def root(self) -> Value: ...

    @property
    def seed(self) -> float: ...

    @property
    def order(self) -> list[Value]: ...

    @property
    def steps(self) -> Sequence[Any]: ...

    @property
    def grads(self) -> dict[Value, float]: ...

    def name(self, node: Value) -> str: ...

__all__ = ["page", "fragment", "player_data", "save", "MAX_NODES", "TooManyNodesError"]

#: The player stays smooth up to this many values (each also has an op node and edges); a bigger
#: graph is refused with a message rather than drawn slowly.
MAX_NODES = 500
#: Milliseconds between steps while playing.
INTERVAL_MS = 700

#: Past this many values the layout trades a few edge crossings for speed (see :func:`_dot`).
_BIG = 150

_INFIX = frozenset({"+", "-", "*", "/", "**", "%", "//"})
_DASH = "\u2013"


class TooManyNodesError(ValueError):
    """The graph has more values than the player's cap (``max_nodes``)."""


def _op_text(node: Value) -> str:
    """The op's text on one line, as the drawing's op node shows it; '' for an input."""
    return op_text(node).splitlines()[0] if node.parents else ""


def _maths(node: Value) -> str:
    op = ops.OPS.get(node.op_name)
    return op.maths if op is not None else ""


def _formula(node: Value, names: list[str]) -> str:
    """``c = a * b``, ``o = tanh(n)``, ``y = x ** 2``: how a node was computed, by name."""
    if len(names) > 4:
        names = [*names[:3], f"… {len(names) - 3} more"]
    symbol = node.op
    if symbol in _INFIX and len(names) == 2:
        return f"{names[0]} {symbol} {names[1]}"
    text = _op_text(node)
    if symbol in _INFIX and len(names) == 1:  # an op with a constant: "* 3", or "2 -" first
        return f"{text} {names[0]}" if text.endswith(symbol) else f"{names[0]} {text}"
    c = node.constant
    extra = [format_number(float(c))] if isinstance(c, (int, float)) else []
    return f"{symbol}({', '.join([*names, *extra])})"


def player_data(trace: BackwardTrace) -> dict[str, Any]:
    """Everything the page shows, as JSON-ready data; every number already a string.

    ``nodes[i]`` is ``trace.order[i]`` (the output first): its name, data, op, parents (indices)
    and forward formula; the forward pass shows them from the last to the first (parents
    first). ``steps[s]`` is backward step ``s + 1``: the node ``n``, its upstream gradient
    ``u`` and, per parent in order, ``[parent, local, contribution, parent's .grad after]``
    (the page replays the steps to know each ``.grad`` before, so no number is sent twice).
    """
    order = trace.order
    index = {v: i for i, v in enumerate(order)}
    names = [trace.name(v) for v in order]
    nodes = []
    for i, v in enumerate(order):
        parents = [index[p] for p in v.parents]
        if v.parents:
            formula = f"{names[i]} = {_formula(v, [names[p] for p in parents])}"
            formula += f" = {format_number(v.data)}"
        else:
            formula = f"{names[i]} is an input: {format_number(v.data)}"
        nodes.append({"name": names[i], "d": format_number(v.data), "p": parents,
                      "op": _op_text(v) or "input", "x": formula})
    # The running gradients, summed in the trace's order, so the last ones are trace.grads.
    running = [0.0] * len(order)
    running[index[trace.root]] = trace.seed
    steps = []
    for step in trace.steps:
        sends = []
        for c in step.contributions:
            p = index[c.parent]
            running[p] += c.amount
            sends.append([p, format_number(c.local), format_number(c.amount),
                          format_number(running[p])])
        steps.append({"n": index[step.node], "u": format_number(step.upstream), "s": sends})
    return {"nodes": nodes, "steps": steps, "root": index[trace.root],
            "seed": format_number(trace.seed), "interval": INTERVAL_MS}


# ---------------------------------------------------------------------------------------------
# The drawing
# ---------------------------------------------------------------------------------------------


def _dot(trace: BackwardTrace, data: dict[str, Any], rankdir: str) -> str:
    """DOT with an id on every box (``v{i}``), op (``o{i}``) and edge (``e{i}_{j}``, ``f{i}``).

    Each box is wide enough for the longest text it will show during the play, and shows the
    final state (all values, final gradients): what a reader sees where scripts do not run.
    """
    nodes = data["nodes"]
    longest = [max(len("grad " + _DASH), len("grad " + data["seed"])) for _ in nodes]
    for step in data["steps"]:
        for p, _local, _amount, after in step["s"]:  # a parent's .grad before is an after
            longest[p] = max(longest[p], 5 + len(after))
    final = [format_number(trace.grads.get(v, 0.0)) for v in trace.order]
    # Edges first, boxes filled white on top of them: an edge never runs across a number.
    lines = ["digraph player {", f"  rankdir={rankdir};", '  bgcolor="transparent";',
             "  outputorder=edgesfirst;",
             '  node [fontname="Helvetica", fontsize=11, style=filled, fillcolor=white];',
             '  edge [fontname="Helvetica", fontsize=10, arrowsize=0.7];']
    if len(nodes) > _BIG:
        # Fewer crossing-reduction passes and straight edges: an MLP's 500 values lay out in
        # seconds instead of a minute, with a few more crossings.
        lines.append("  mclimit=0.1; nslimit=2; nslimit1=2; splines=line;")
    edges = []
    # Vertical fields: a record's fields stack across the rank direction, braces flip them.
    wrap = ("", "") if rankdir in ("LR", "RL") else ("{ ", " }")
    for i in range(len(nodes) - 1, -1, -1):
        n = nodes[i]
        fields = [n["name"], f"data {n['d']}", f"grad {final[i]}"]
        chars = max(len(fields[0]), len(fields[1]), longest[i])
        width = max(0.75, (chars * 6.4 + 16) / 72)
        label = " | ".join(record_field(f) for f in fields)
        lines.append(f'  v{i} [id="v{i}", shape=record, width={width:.2f}, '
                     f'label="{wrap[0]}{label}{wrap[1]}"];')
        if not n["p"]:
            continue
        maths = _maths(trace.order[i])
        tooltip = f", tooltip={quote(maths)}" if maths else ""
        lines.append(f'  o{i} [id="o{i}", shape=ellipse, label={quote(n["op"])}{tooltip}];')
        for j, (p, local) in enumerate(zip(n["p"], trace.order[i].local_grads)):
            edges.append(f'  v{p} -> o{i} [id="e{i}_{j}", label={quote(format_number(local))}];')
        edges.append(f'  o{i} -> v{i} [id="f{i}"];')
    lines.extend(edges)
    lines.append("}")
    return "\n".join(lines)


_SVG = "{http://www.w3.org/2000/svg}"
_XLINK = "{http://www.w3.org/1999/xlink}"
#: What every shape and text inherits from the drawing's groups (see :func:`_drawing`); Graphviz
#: writes these on every element, the page says them once. The drawing needs no style sheet, so
#: that it shows as it should where the page's style is stripped (a notebook viewer).
_INHERITED = {"fill": "#000", "stroke": "none", "text-anchor": "middle",
              "font-family": "Helvetica,sans-Serif"}
_FONT_SIZE = {"edge": "10", "node": "11"}
_COLOURS = {"black": "#000", "white": "#fff"}
_GEOMETRY = frozenset({"points", "d", "x", "y", "cx", "cy", "rx", "ry"})
_DECIMAL = re.compile(r"-?\d+\.\d+")
#: Boxes, ops or edges per layer of the drawing (see :func:`_drawing`).
_PER_LAYER = 40


def _short(match: re.Match[str]) -> str:
    """A coordinate to a tenth of a point (a seventh of a pixel), without a trailing .0."""
    text = f"{float(match.group()):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _markup(e: ElementTree.Element, kind: str) -> str:
    """One element of Graphviz's SVG as short HTML-embedded SVG: what it would inherit anyway
    left out, coordinates rounded, Graphviz's own hover titles (internal ids) dropped, and a
    tooltip link turned into a plain ``<title>``."""
    tag = e.tag.removeprefix(_SVG)
    inner = "".join(_markup(child, kind) for child in e)
    if tag == "title":
        return ""
    if tag == "a":  # a tooltip: Graphviz wraps the shapes in a link with an xlink:title
        tip = e.get(_XLINK + "title")
        return (f"<title>{html.escape(tip, quote=False)}</title>" if tip else "") + inner
    if tag == "g" and set(e.attrib) <= {"id"}:  # the link's wrapper: nothing of its own
        return inner
    inherited = {**_INHERITED, "font-size": _FONT_SIZE[kind]}
    attrs = []
    for key, value in e.attrib.items():
        key = key.replace(_XLINK, "xlink:")
        value = _COLOURS.get(value, value)
        if key == "font-size":
            value = value.removesuffix(".00")
        if inherited.get(key) == value or (tag == "polyline" and key == "fill"
                                           and len(e.get("points", "").split()) == 2):
            continue  # (a polyline of two points, a record's divider, encloses nothing to fill)
        if key in _GEOMETRY:
            value = _DECIMAL.sub(_short, value).strip()
            if tag == "polygon":  # Graphviz repeats the first point last; a polygon closes
                points = value.split()
                if len(points) > 3 and points[0] == points[-1]:
                    value = " ".join(points[:-1])
        attrs.append(f' {key}="{html.escape(value)}"')
    text = html.escape(e.text or "", quote=False) if tag == "text" else ""
    if not text and not inner:
        return f"<{tag}{''.join(attrs)}/>"  # SVG inside HTML may close an empty element so
    return f"<{tag}{''.join(attrs)}>{text}{inner}</{tag}>"


_NUMBERS = re.compile(r"-?\d+(?:\.\d+)?")
_PLACE = re.compile(r"^scale\(([-\d.]+) ([-\d.]+)\) rotate\(0\) translate\(([-\d.]+) ([-\d.]+)\)$")
#: Room around a group's coordinates for what they do not count: a text's height, the width of
#: a lit outline. (A layer shows what lies outside its box anyway: it only costs more then.)
_PAD = 16.0


def _span(group: ElementTree.Element, axis: int) -> tuple[float, float]:
    """Where a group lies along one axis (0 x, 1 y), in the graph's coordinates."""
    values = []
    for e in group.iter():
        if "points" in e.attrib or "d" in e.attrib:  # Graphviz writes x,y pairs (M, C, points)
            numbers = [float(n) for n in _NUMBERS.findall(e.get("points") or e.get("d") or "")]
            values.extend(numbers[axis::2])
        for key in ("cx", "x") if axis == 0 else ("cy", "y"):
            if key in e.attrib:
                values.append(float(e.get(key) or 0))
    if not values:
        return 0.0, 0.0
    return min(values) - _PAD, max(values) + _PAD


def _length_class(length: float) -> int:
    """0 up to 64 points long, then one more each time the length doubles."""
    return int(math.log2(max(length, 64.0) / 64.0))


def _drawing(svg_text: str) -> tuple[str, dict[str, Any]]:
    """Graphviz's SVG, shortened (:func:`_markup`), and how the page splits it into layers.

    The markup is one SVG, the edges (under the boxes) and then the boxes and ops, each group
    of them sorted into runs of about ``_PER_LAYER`` that lie close together along the
    drawing's long side. It is what shows where scripts do not run. The page's script moves
    each run into an SVG layer of its own, on one canvas, as long as what it draws: the
    returned table lists, per layer, its kind (0 edges, 1 boxes), where it starts and how long
    it is (points, along ``axis``: 0 x, 1 y) and how many groups it takes.

    Why layers: a browser paints an SVG whole, every element of it, when any part of it
    changes or when a scroll brings a new part of it into view; at 500 values (thousands of
    shapes and texts) that took tens of milliseconds a step. A layer is painted alone, so a
    step paints the few layers it touches, and a scroll the layers it brings into view. The
    plain version is the one SVG, as the page carries it.
    """
    svg = ElementTree.fromstring(svg_text)  # our own dot's output, not user input
    graph = svg.find(_SVG + "g")
    if graph is None:
        raise RuntimeError("the Graphviz drawing has no graph group: cannot lay it out")
    width, height = svg.get("width", "0pt"), svg.get("height", "0pt")
    box = [float(n) for n in svg.get("viewBox", "0 0 0 0").split()]
    axis = 1 if box[3] >= box[2] else 0  # the long side: y when the drawing is tall
    place = _PLACE.match(graph.get("transform", ""))
    groups: dict[str, list[tuple[float, float, str]]] = {"edge": [], "node": []}
    for g in graph:
        kind = g.get("class", "")
        if g.tag == _SVG + "g" and kind in groups:
            lo, hi = _span(g, axis)
            groups[kind].append((lo, hi, f'<g id="{html.escape(g.get("id", ""))}" class="{kind}">'
                                 f'{"".join(_markup(c, kind) for c in g)}</g>'))
        # anything else is Graphviz's background (transparent here) or a title: left out
    inherited = "".join(f' {key}="{value}"' for key, value in _INHERITED.items())
    out = [f'<svg class="agp-drawing" xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{height}" viewBox="{" ".join(f"{n:.2f}" for n in box)}">'
           f'<g transform="{graph.get("transform", "")}"{inherited}>']
    layers = []
    for number, kind in enumerate(("edge", "node")):
        # Edges of about one length together, then by where they start: a layer of short edges
        # stays short, however many long edges (a weight used by every example) there are.
        items = sorted(groups[kind], key=lambda item: (_length_class(item[1] - item[0]), item[0]))
        out.append(f'<g class="agp-{kind}s" font-size="{_FONT_SIZE[kind]}">')
        for i in range(0, len(items), _PER_LAYER):
            chunk = items[i:i + _PER_LAYER]
            start, end = 0.0, box[2 + axis]  # the whole canvas, where the place is unknown
            if place is not None and box[0] == box[1] == 0:
                scale, shift = float(place.group(1 + axis)), float(place.group(3 + axis))
                start = max(start, scale * (min(lo for lo, _, _ in chunk) + shift))
                end = min(end, scale * (max(hi for _, hi, _ in chunk) + shift))
            layers.append([number, round(start, 1), round(max(end - start, 1.0), 1), len(chunk)])
            out.extend(text for _, _, text in chunk)
        out.append("</g>")
    out.append("</g></svg>")
    return "".join(out), {"axis": axis, "layers": layers}


def _svg(dot_source: str) -> tuple[str, dict[str, Any]]:
    """The drawing as inline SVG, and its layers (see :func:`_drawing`)."""
    try:
        text = run_dot(dot_source, "svg").decode("utf-8")
    except subprocess.TimeoutExpired:
        raise RuntimeError(
            f"Graphviz took more than two minutes to lay out the player's drawing "
            f"({dot_source.count(' shape=record')} values); inputs used at many depths of a "
            "deep graph make long edges that are slow to lay out. Play a smaller part of the "
            "graph (call to_html on an inner node)"
        ) from None
    return _drawing(text)


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def _asset(name: str) -> str:
    """player.js or player.css as the page carries it: without the comments (which are for
    whoever reads the file) and the indentation. Only whole-line ``//`` comments are dropped
    from the script, so nothing inside a string or a regular expression is touched."""
    text = resources.files("autograd").joinpath(name).read_text(encoding="utf-8")
    if name.endswith(".css"):
        text = _CSS_COMMENT.sub("", text)
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


def _json_for_script(data: dict[str, Any]) -> str:
    """JSON that cannot end its <script> block early, whatever the labels say."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _check_size(trace: BackwardTrace, max_nodes: int) -> None:
    n = len(trace.order)
    if n > max_nodes:
        raise TooManyNodesError(
            f"the player draws at most {max_nodes} values and stays smooth up to "
            f"{MAX_NODES}; this graph has {n}. Play a smaller part of it (call to_html on an "
            f"inner node), draw it still with viz.draw_dot(root, max_nodes=...), or pass "
            f"max_nodes={n} to draw it all anyway"
        )


def _past_the_cap(values: int) -> str:
    if values <= MAX_NODES:
        return ""
    return (f" <b>This graph has {values} values, more than the {MAX_NODES} the player is made "
            "for: it may step slowly.</b>")


def fragment(trace: BackwardTrace, *, title: str | None = None, rankdir: str = "LR",
             max_nodes: int = MAX_NODES, standalone: bool = False) -> str:
    """The player as a ``<div>`` with its own style and script, to embed (Jupyter, a page).

    Outside a page of its own (``standalone=False``) the keys work while the player has focus
    (click it), and the address's ``#step=N`` is left to the page. The cap (``max_nodes``) is
    as for :func:`page`.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    _check_size(trace, max_nodes)
    data = player_data(trace)
    svg, drawing = _svg(_dot(trace, data, rankdir))
    data["drawing"] = drawing
    total = len(data["nodes"]) + len(data["steps"])
    heading = html.escape(title if title is not None else
                          f"backprop of {trace.name(trace.root)}: forward, then backward")
    buttons = "".join(
        f'<button type="button" data-act="{act}" title="{hint}">{text}</button>'
        for act, text, hint in (("first", "\u00ab first", "first step (Home)"),
                                ("prev", "\u25c0 back", "step back (\u2190)"),
                                ("play", "\u25b6 play", "play / pause (space)"),
                                ("next", "next \u25b6", "step forward (\u2192)"),
                                ("last", "last \u00bb", "last step (End)")))
    head = "".join(f"<th>{h}</th>" for h in (
        "parent", "local derivative", "\u00d7 upstream", "= contribution", "parent's .grad now"))
    style = "" if standalone else f"<style>{_asset('player.css')}</style>"
    return (
        f'<div class="agp" tabindex="0" data-standalone="{1 if standalone else 0}">{style}'
        f'<div class="agp-title">{heading}</div>'
        f'<div class="agp-bar">{buttons}'
        f'<input class="agp-slider" type="range" min="1" max="{total}" value="{total}" '
        f'aria-label="step">'
        f'<span class="agp-status" style="min-width:{len(str(total)) * 2 + 9}ch">'
        f'step {total} of {total}</span></div>'
        f'<div class="agp-what">the end of the backward pass: every value and gradient '
        f'(the player needs JavaScript to step)</div>'
        f'<div class="agp-sendbox"><div class="agp-sendhint" hidden>in the backward pass, '
        f'this table lists what each parent receives</div>'
        f'<table class="agp-sends" hidden><thead><tr>{head}</tr>'
        f'</thead><tbody></tbody></table></div>'
        f'<div class="agp-view">{svg}</div>'
        f'<div class="agp-note">{len(data["nodes"])} values, {len(data["steps"])} backward '
        f"steps. Keys: \u2190 \u2192 step, space play/pause, Home/End"
        f"{'; #step=N in the address opens at step N' if standalone else ' (click first)'}."
        f"{_past_the_cap(len(data['nodes']))}</div>"
        f'<script type="application/json" class="agp-data">{_json_for_script(data)}</script>'
        f"<script>{_asset('player.js')}</script>"
        f"</div>"
    )


_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'")


def page(trace: BackwardTrace, *, title: str | None = None, rankdir: str = "LR",
         max_nodes: int = MAX_NODES) -> str:
    """One self-contained HTML page (no request leaves it) that plays ``trace``.

    Needs the Graphviz ``dot`` program to lay out the drawing. A graph with more than
    ``max_nodes`` values raises :class:`TooManyNodesError` (a ``ValueError``) saying so: the
    player is made to stay smooth up to :data:`MAX_NODES` (500) values, the default cap. A
    bigger ``max_nodes`` draws a bigger graph anyway, and the page then says, under the
    drawing, that it is past the size the player is made for and may step slowly.
    """
    body = fragment(trace, title=title, rankdir=rankdir, max_nodes=max_nodes, standalone=True)
    name = html.escape(title if title is not None else f"backprop of {trace.name(trace.root)}")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{name}</title>\n<style>{_asset('player.css')}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def save(text: str, path: str | os.PathLike[str]) -> str:
    """Writes ``text`` to ``path`` whole or not at all, keeping an old file's permission bits
    (:func:`autograd.files.atomic_write`, as every other output). Returns the path."""
    atomic_write(path, text)
    return os.fspath(path)
