"""Drawing a graph: every value, every op, and on every edge the local derivative.

:func:`to_dot` writes Graphviz DOT source as text; it needs neither the ``dot`` program nor the
``graphviz`` Python package. :func:`draw_dot` wraps that text in a ``graphviz.Digraph``, which a
notebook shows as SVG, and :func:`render` writes an ``.svg``, ``.png``, ``.pdf`` or ``.dot`` file.

The drawing is the chain rule laid out flat:

* a box per value, showing its name (its label, or an id such as ``#2``: the names that
  :func:`autograd.explain` and :mod:`autograd.trace` use, see :mod:`autograd.naming`), ``data``
  and ``grad``;
* an ellipse per op (``*``, ``tanh``, ``** 2`` ...), with an arrow into the value it made;
* an arrow from each value into each op that uses it, labelled with the local derivative of that
  op's output with respect to that value (``node.local_grads[i]``). A value used twice by one op
  (``a * a``) has two arrows, each with its own derivative.

``dL/dv`` of any value is then the sum, over the arrows leaving it, of the arrow's number times the
``grad`` of the value the op made.

>>> from autograd import Value
>>> a = Value(2.0, label="a")
>>> c = (a * 3) ** 2
>>> print(to_dot(c))  # doctest: +ELLIPSIS
digraph autograd {
  rankdir=LR;
  ...
  v2 [shape=record, label="{ a | data 2 | grad 0 }"];
  v1 [shape=record, label="{ #1 | data 6 | grad 0 }"];
  o1 [shape=ellipse, label="* 3", tooltip="x * c: d/dx = c"];
  v0 [shape=record, label="{ #2 | data 36 | grad 0 }"];
  o0 [shape=ellipse, label="** 2", tooltip="x ** c: d/dx = c x**(c-1)"];
  v2 -> o1 [label="3"];
  o1 -> v1;
  v1 -> o0 [label="12"];
  o0 -> v0;
}
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from typing import Any

from . import ops
from .collapse import MODES as COLLAPSE_MODES
from .collapse import Collapsed, Group, assign_groups, input_derivatives
from .dot import RANKDIRS, GraphvizNotFoundError, quote, record_field, run_dot
from .engine import Value, topological_order
from .files import atomic_write
from .fmt import format_number, op_text
from .naming import names_in_order
from .player import page
from .recording import record_backward

__all__ = [
    "to_dot", "draw_dot", "render", "op_text", "format_number", "GraphvizNotFoundError",
    "RANKDIRS", "COLLAPSE_MODES", "to_html",
]

#: Attributes that draw a node or an arrow in red (the trace's current step).
_RED = 'color="#d62728", fontcolor="#d62728", penwidth=2.5'


# ---------------------------------------------------------------------------------------------
# Escaping
# ---------------------------------------------------------------------------------------------


def _record(fields: list[str]) -> str:
    return "\"{ " + " | ".join(fields) + " }\""


def _fill(magnitude: float, largest: float) -> str:
    """White for no gradient, deepening to orange-red for the largest."""
    t = 0.0 if largest <= 0.0 or not math.isfinite(magnitude) else min(magnitude / largest, 1.0)
    if not math.isfinite(magnitude):
        t = 1.0
    r = round(255 + (230 - 255) * t)
    g = round(255 + (85 - 255) * t)
    b = round(255 + (13 - 255) * t)
    return f"#{r:02x}{g:02x}{b:02x}"


# ---------------------------------------------------------------------------------------------
# The pieces of a drawing: a value box, a group box, an op node, the arrows
# ---------------------------------------------------------------------------------------------


def _value_box(unit: str, name: str, v: Value, grad: float, fill: str | None,
               highlighted: bool) -> str:
    """A value's box: its name, data and grad."""
    fields = [record_field(name), f"data {format_number(v.data)}",
              f"grad {format_number(grad)}"]
    attrs = f"shape=record, label={_record(fields)}"
    if fill is not None:
        attrs += f', style=filled, fillcolor="{fill}"'
    if highlighted:
        attrs += ", " + _RED
    return f"  {unit} [{attrs}];"


def _group_box(unit: str, g: Group, grad_of: Callable[[Value], float]) -> str:
    """A neuron's or layer's box: its name, activation, parameter count, outputs and grads."""
    fields = [record_field(g.name)]
    if g.detail:
        fields.append(record_field(g.detail))
    fields.append(f"{g.nparams} params")
    if len(g.outputs) == 1:
        fields.append(f"out {format_number(g.outputs[0].data)}")
        fields.append(f"grad {format_number(grad_of(g.outputs[0]))}")
    elif len(g.outputs) <= 4:
        outs = ", ".join(format_number(o.data) for o in g.outputs)
        grads_shown = ", ".join(format_number(grad_of(o)) for o in g.outputs)
        fields.append(f"out ({outs})")
        fields.append(f"grad ({grads_shown})")
    return (f"  {unit} [shape=record, style=\"rounded,filled\", fillcolor=\"#e8f0fe\", "
            f"label={_record(fields)}];")


def _op_node(op_id: str, v: Value, highlighted: bool) -> str:
    """The ellipse of the op that made ``v``; its tooltip is the op's maths from the table."""
    attrs = f"shape=ellipse, label={quote(op_text(v))}"
    table_op = ops.OPS.get(v.op_name)
    if table_op is not None and table_op.maths:
        attrs += f", tooltip={quote(table_op.maths)}"
    if highlighted:
        attrs += ", " + _RED
    return f"  {op_id} [{attrs}];"


def _edge(src: str, dst: str, label: str | None = None, highlighted: bool = False) -> str:
    attrs = []
    if label is not None:
        attrs.append(f"label={quote(label)}")
    if highlighted:
        attrs.append(_RED)
    return f"  {src} -> {dst}{' [' + ', '.join(attrs) + ']' if attrs else ''};"


class _Units:
    """What gets one box: a value outside any group (``v<i>``), or a whole group (``g<i>``);
    which boxes are kept under ``max_nodes``, and which drawn boxes lost an input to the cap."""

    def __init__(self, order: list[Value], collapsed: Collapsed | None,
                 max_nodes: int | None) -> None:
        group_of = collapsed.group_of if collapsed else {}
        hidden = collapsed.hidden if collapsed else set()
        self.of: dict[Value, str] = {}
        units: dict[str, None] = {}  # an ordered set
        for i, v in enumerate(order):
            if v in hidden:
                continue
            key = f"g{group_of[v]}" if v in group_of else f"v{i}"
            self.of[v] = key
            units[key] = None
        listed = list(units)
        self.kept = set(listed if max_nodes is None else listed[:max_nodes])
        self.left_out = len(listed) - len(self.kept)
        self.needs_note: dict[str, None] = {}  # an ordered set


def _largest_grad(order: list[Value], grad_of: Callable[[Value], float]) -> float:
    largest = 0.0
    for v in order:
        size = abs(grad_of(v))
        if math.isfinite(size):
            largest = max(largest, size)
    return largest


def _value_and_op(v: Value, i: int, name: str, units: _Units, hidden: set[Value],
                  grad: float, fill: str | None, highlighted: bool,
                  nodes: list[str], edges: list[str]) -> None:
    """The box of ``v``, the op that made it, and the arrows in and out of that op."""
    unit = units.of[v]
    nodes.append(_value_box(unit, name, v, grad, fill, highlighted))
    if not v.parents:
        return
    op_id = f"o{i}"
    nodes.append(_op_node(op_id, v, highlighted))
    for parent, local in zip(v.parents, v.local_grads):
        if parent in hidden:
            continue
        src = units.of.get(parent, "")
        if src not in units.kept:
            units.needs_note[op_id] = None
            continue
        edges.append(_edge(src, op_id, format_number(local), highlighted))
    edges.append(_edge(op_id, unit, None, highlighted))


def _group_edges(gi: int, g: Group, collapsed: Collapsed, units: _Units,
                 position: Mapping[Value, int], edges: list[str]) -> None:
    """Arrows into a group's box from every value outside it that a member uses; with one
    output and one value behind an arrow, the arrow carries d(output)/d(that value)."""
    unit = f"g{gi}"
    sources: dict[str, dict[Value, None]] = {}
    for v in sorted((m for m in g.members if m in position), key=position.__getitem__,
                    reverse=True):
        for parent in v.parents:
            if collapsed.group_of.get(parent) == gi or parent in collapsed.hidden:
                continue
            src = units.of[parent]
            if src not in units.kept:
                units.needs_note[unit] = None
                continue
            sources.setdefault(src, {})[parent] = None
    derivatives = (input_derivatives(g, collapsed.group_of, gi) if len(g.outputs) == 1
                   else {})
    for src, parents in sources.items():
        label = None
        if len(parents) == 1 and derivatives:
            (parent,) = parents
            label = format_number(derivatives[parent])
        edges.append(_edge(src, unit, label))


def to_dot(
    root: Value,
    rankdir: str = "LR",
    *,
    max_nodes: int | None = 500,
    collapse: str | None = None,
    module: Any = None,
    color_by_grad: bool = False,
    grads: Mapping[Value, float] | None = None,
    highlight: Value | None = None,
    title: str | None = None,
) -> str:
    """Graphviz DOT source for the graph behind ``root`` (deterministic: same graph, same text).

    * ``rankdir``: "LR" (inputs on the left), "TB", "RL" or "BT".
    * ``max_nodes``: draw at most this many value boxes (those nearest ``root``); a note in the
      drawing says how many were left out. ``None`` draws everything.
    * ``collapse="neuron"`` or ``"layer"`` with ``module=`` an MLP (or Layer, or Neuron): one box
      per neuron or layer instead of its parameters and arithmetic (see :mod:`autograd.collapse`).
      With ``"neuron"``, an arrow into a neuron carries d(neuron output)/d(that input).
    * ``color_by_grad``: fill each value box by the size of its gradient (deeper = larger).
    * ``grads``: show these gradients instead of each node's ``.grad`` (nodes missing show 0);
      ``highlight``: draw this node, its op and the arrows into that op in red. Both are used by
      :mod:`autograd.trace` to draw a backward pass frame by frame.

    Each box shows the node's name from :func:`autograd.naming.node_names`.
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if not isinstance(root, Value):
        raise TypeError(f"to_dot needs a Value, got {type(root).__name__}")
    if max_nodes is not None and (
        isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1
    ):
        raise ValueError(f"max_nodes must be a positive int or None, got {max_nodes!r}")
    if collapse is not None and collapse not in COLLAPSE_MODES:
        raise ValueError(f"collapse must be None, 'neuron' or 'layer', got {collapse!r}")
    if collapse is not None and module is None:
        raise ValueError("collapse needs module=, the MLP (or Layer or Neuron) to collapse")

    order = topological_order(root)
    position = {v: i for i, v in enumerate(order)}
    names = names_in_order(order)

    def grad_of(v: Value) -> float:
        return v.grad if grads is None else float(grads.get(v, 0.0))

    collapsed = assign_groups(order, module, collapse) if collapse is not None else None
    groups = collapsed.groups if collapsed else []
    group_of = collapsed.group_of if collapsed else {}
    hidden = collapsed.hidden if collapsed else set()
    units = _Units(order, collapsed, max_nodes)
    largest = _largest_grad(order, grad_of) if color_by_grad else 0.0

    lines = ["digraph autograd {", f"  rankdir={rankdir};"]
    if title:
        lines.append(f"  label={quote(title)}; labelloc=t;")
    lines.append('  node [fontname="Helvetica", fontsize=11];')
    lines.append('  edge [fontname="Helvetica", fontsize=10];')
    node_lines: list[str] = []
    edge_lines: list[str] = []
    drawn_groups: set[int] = set()
    for v in reversed(order):  # inputs first
        unit = units.of.get(v, "")
        if unit not in units.kept:
            continue
        if v in group_of:
            gi = group_of[v]
            if gi not in drawn_groups:
                drawn_groups.add(gi)
                node_lines.append(_group_box(unit, groups[gi], grad_of))
            continue
        grad = grad_of(v)
        fill = _fill(abs(grad), largest) if color_by_grad else None
        _value_and_op(v, position[v], names[v], units, hidden, grad, fill, highlight is v,
                      node_lines, edge_lines)
    if collapsed is not None:
        for gi, g in enumerate(collapsed.groups):
            if f"g{gi}" in units.kept:
                _group_edges(gi, g, collapsed, units, position, edge_lines)

    lines.extend(node_lines)
    if units.left_out:
        n = units.left_out
        note = f"{n} more value{'s' if n != 1 else ''} not shown (max_nodes={max_nodes})"
        lines.append(f'  omitted [shape=note, style=dashed, label={quote(note)}];')
        for target in units.needs_note:
            edge_lines.append(f"  omitted -> {target} [style=dashed];")
    lines.extend(edge_lines)
    lines.append("}")
    return "\n".join(lines)


def draw_dot(root: Value, rankdir: str = "LR", **options: Any) -> Any:
    """A ``graphviz.Digraph`` of the graph behind ``root`` (a notebook shows it as SVG).

    Takes the same options as :func:`to_dot`. Needs the ``graphviz`` Python package; showing or
    rendering it also needs the Graphviz ``dot`` program.
    """
    source = to_dot(root, rankdir, **options)
    try:
        import graphviz
    except ImportError as err:  # pragma: no cover - graphviz is a declared dependency
        raise ImportError(
            "draw_dot needs the graphviz Python package (pip install graphviz); "
            "to_dot() gives the DOT text without it"
        ) from err
    body = source.strip().splitlines()[1:-1]  # between "digraph autograd {" and "}"
    dg = graphviz.Digraph(name="autograd")
    dg.body.extend(line + "\n" for line in body)
    return dg


def to_html(root: Value, rankdir: str = "LR", **options: Any) -> str:
    """The backprop player for the graph behind ``root``: one self-contained HTML page.

    It computes the gradients it shows by itself (:func:`autograd.recording.record_backward`),
    leaving every ``.grad`` as it was. Options: ``title``, ``max_nodes`` (see
    :mod:`autograd.player`).
    """
    return page(record_backward(root), rankdir=rankdir, **options)


_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}


def render(root: Value, path: str | os.PathLike[str], rankdir: str = "LR",
           **options: Any) -> str:
    """Writes the drawing to ``path``; the extension picks the format (.dot, .svg, .png, .pdf).

    ``.dot`` needs nothing else; the others run the Graphviz ``dot`` program and raise
    :class:`GraphvizNotFoundError` (saying how to install it) when it is missing. The file is
    written whole or not at all. Returns the path written.
    """
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    if ext != ".dot" and ext not in _FORMATS:
        raise ValueError(
            f"cannot tell the format from {path!r}: use a .dot, .svg, .png or .pdf file name"
        )
    source = to_dot(root, rankdir, **options)
    data = (source + "\n").encode() if ext == ".dot" else run_dot(source, _FORMATS[ext])
    atomic_write(path, data)  # whole or not at all, keeping the old file's mode
    return path


