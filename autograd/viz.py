"""Drawing a graph: every value, every op, and on every edge the local derivative.

:func:`to_dot` writes Graphviz DOT source as text; it needs neither the ``dot`` program nor the
``graphviz`` Python package. :func:`draw_dot` wraps that text in a ``graphviz.Digraph``, which a
notebook shows as SVG, and :func:`render` writes an ``.svg``, ``.png``, ``.pdf`` or ``.dot`` file.

The drawing is the chain rule laid out flat:

* a box per value, showing its label, ``data`` and ``grad``;
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
  v1 [shape=record, label="{ data 6 | grad 0 }"];
  o1 [shape=ellipse, label="* 3", tooltip="x * c: d/dx = c"];
  v0 [shape=record, label="{ data 36 | grad 0 }"];
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
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import ops
from .engine import Value, topological_order

__all__ = [
    "to_dot", "draw_dot", "render", "op_text", "format_number", "GraphvizNotFoundError",
    "RANKDIRS", "COLLAPSE_MODES",
]

RANKDIRS = ("LR", "TB", "RL", "BT")
COLLAPSE_MODES = ("neuron", "layer")
#: Ops that count as a neuron's activation when collapsing an MLP.
_ACTIVATIONS = frozenset({"relu", "tanh", "sigmoid", "leaky_relu", "softplus", "identity", "gelu",
                          "silu", "elu"})
#: Ops that gather a neuron's weighted terms when it is built from ``*`` and ``+``.
_GATHER = frozenset({"add", "sum"})

INSTALL_HINT = (
    "the Graphviz 'dot' program is needed to render a drawing, but it was not found on PATH; "
    "install it (Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz; "
    "Windows: winget install graphviz), or write DOT text instead (a .dot file or to_dot())"
)


class GraphvizNotFoundError(RuntimeError):
    """The Graphviz ``dot`` program (a system package) is not installed."""


def format_number(x: float, digits: int = 4) -> str:
    """A number in at most ``digits`` significant digits, for labels.

    >>> format_number(2.0), format_number(-0.123456), format_number(1e-7), format_number(-0.0)
    ('2', '-0.1235', '1e-07', '0')
    """
    if x == 0.0:
        return "0"
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return format(x, f".{digits}g")


def op_text(node: Value) -> str:
    """What the op node of ``node`` shows: the op's symbol, and the constant it used if any.

    >>> from autograd import Value
    >>> x = Value(1.0)
    >>> op_text(x * 3), op_text(x ** 2), op_text(2 - x), op_text(x.leaky_relu(0.1)), op_text(x)
    ('* 3', '** 2', '2 -', 'leaky_relu 0.1', '')
    """
    name = node.op_name
    if not name:
        return ""
    op = ops.OPS.get(name)
    if op is None:  # an op made outside the table (e.g. a test's deliberately wrong one)
        return node.op
    c = node.constant
    if op.arity == ops.UNARY_CONST:
        shown = format_number(float(c))
        if name.startswith("r"):  # rsub_const, rdiv_const, rpow_const: the constant comes first
            return f"{shown} {op.symbol}"
        return f"{op.symbol} {shown}"
    if op.arity == ops.NARY_CONST and isinstance(c, tuple):
        if len(c) <= 4:
            return f"{op.symbol}\nx = ({', '.join(format_number(float(v)) for v in c)})"
        return f"{op.symbol}\nx = {len(c)} numbers"
    return op.symbol


# ---------------------------------------------------------------------------------------------
# Escaping
# ---------------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _record_field(text: str) -> str:
    """Text for one field of a record label (braces, bars and angle brackets escaped)."""
    out = text.replace("\\", "\\\\")
    for ch in '{}|<>"':
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", "\\n")


# ---------------------------------------------------------------------------------------------
# Collapsing an MLP into neurons or layers
# ---------------------------------------------------------------------------------------------


@dataclass
class _Group:
    """One box of a collapsed drawing: one use of a neuron, or one layer on one input."""

    name: str
    detail: str
    nparams: int
    members: set[Value] = field(default_factory=set)
    outputs: list[Value] = field(default_factory=list)


def _neurons(module: Any) -> list[tuple[int, int, str, list[Value]]]:
    """(layer number, neuron number, activation, parameters) for each neuron, by duck typing.

    Understands an object with ``layers`` (each with ``neurons``), one with ``neurons``, or a
    single neuron (anything with ``parameters()``).
    """
    if hasattr(module, "layers"):
        layers = list(module.layers)
    elif hasattr(module, "neurons"):
        layers = [module]
    elif hasattr(module, "parameters"):
        layers = [None]
    else:
        raise TypeError(
            f"collapse needs module= an MLP, Layer or Neuron (with parameters()), "
            f"got {type(module).__name__}"
        )
    found = []
    for li, layer in enumerate(layers, start=1):
        neurons = [module] if layer is None else list(layer.neurons)
        for ni, neuron in enumerate(neurons, start=1):
            act = str(getattr(neuron, "activation", ""))
            found.append((li, ni, act, list(neuron.parameters())))
    return found


def _assign_groups(order: Sequence[Value], module: Any, mode: str) -> tuple[
        list[_Group], dict[Value, int], set[Value]]:
    """Which nodes of the graph belong to which box, and which parameters the boxes hide.

    Each use of a neuron (one per sample it was applied to) is found from its parameters: the
    nodes that use a parameter directly (its ``w·x+b`` node, or the products ``w_i * x_i``), the
    sums that gather only those, and one activation on top. With ``mode="layer"`` the uses of a
    layer's neurons on the same input make one box.
    """
    neurons = _neurons(module)
    param_neuron: dict[Value, int] = {}
    for k, (_, _, _, params) in enumerate(neurons):
        for p in params:
            param_neuron[p] = k
    # Uses of neurons, merged with a small union-find when a sum gathers several pieces.
    use_neuron: list[int] = []
    merged: list[int] = []

    def find(u: int) -> int:
        while merged[u] != u:
            merged[u] = merged[merged[u]]
            u = merged[u]
        return u

    use_of: dict[Value, int] = {}
    complete: set[int] = set()  # uses that already hold a whole neuron (w·x+b, or activated)
    activated: set[int] = set()

    def new_use(node: Value, k: int) -> None:
        use_of[node] = len(use_neuron)
        use_neuron.append(k)
        merged.append(len(merged))
        if node.op_name in ("wsum", "wsum_const"):
            complete.add(use_of[node])

    for node in reversed(order):  # parents before users
        if not node.parents or node in param_neuron:
            continue
        direct = {param_neuron[p] for p in node.parents if p in param_neuron}
        if len(direct) > 1:
            continue
        others = [p for p in node.parents if p not in param_neuron]
        pieces = {find(use_of[p]) for p in others if p in use_of}
        owners = {use_neuron[u] for u in pieces}
        joins = (all(p in use_of for p in others) and len(owners) == 1
                 and (not direct or owners == direct))
        if joins and node.op_name in _GATHER and not pieces & complete:
            first = min(pieces)
            for u in pieces:
                merged[u] = first
            use_of[node] = first
        elif direct:
            new_use(node, direct.pop())
        elif joins and node.op_name in _ACTIVATIONS and len(pieces) == 1 and not direct:
            u = pieces.pop()
            if u not in activated:
                use_of[node] = u
                activated.add(u)
                complete.add(u)
    position = {v: i for i, v in enumerate(order)}
    # Members and inputs of each use, in a fixed order.
    members: dict[int, list[Value]] = {}
    for node in order:
        if node in use_of:
            members.setdefault(find(use_of[node]), []).append(node)
    uses = sorted(members, key=lambda u: -position[members[u][-1]])  # inputs side first

    def signature(u: int) -> tuple[Any, ...]:
        """What a use of a neuron was applied to: its outside parents and constants."""
        inside = set(members[u])
        outside = sorted({position[p] for v in members[u] for p in v.parents
                          if p not in inside and p not in param_neuron})
        consts = tuple(v.constant for v in members[u] if isinstance(v.constant, tuple))
        return (tuple(outside), consts)

    groups: list[_Group] = []
    group_of: dict[Value, int] = {}
    box_of: dict[tuple[Any, ...], int] = {}
    count: dict[tuple[int, ...], int] = {}
    for u in uses:
        li, ni, act, params = neurons[use_neuron[u]]
        key: tuple[Any, ...] = (u,) if mode == "neuron" else (li, signature(u))
        gi = box_of.get(key)
        if gi is None:
            gi = len(groups)
            box_of[key] = gi
            who = (li, ni) if mode == "neuron" else (li,)
            count[who] = count.get(who, 0) + 1
            if mode == "neuron":
                groups.append(_Group(f"neuron {li}.{ni}", act, len(params)))
            else:
                layer_neurons = [n for n in neurons if n[0] == li]
                groups.append(_Group(
                    f"layer {li}", f"{len(layer_neurons)} neurons, {act}",
                    sum(len(n[3]) for n in layer_neurons),
                ))
            groups[gi].name += f" #{count[who]}"
        g = groups[gi]
        g.members.update(members[u])
        g.outputs.append(members[u][0])  # nearest the root: the neuron's output
        for v in members[u]:
            group_of[v] = gi
    # Drop "#1" where a neuron or layer was used once.
    for g in groups:
        base = g.name.rsplit(" #", 1)[0]
        if sum(1 for h in groups if h.name.rsplit(" #", 1)[0] == base) == 1:
            g.name = base
    # A parameter disappears into its box unless something outside the boxes uses it too.
    hidden = {p for p in param_neuron if p in position}
    for node in order:
        if node not in group_of:
            hidden.difference_update(node.parents)
    return groups, group_of, hidden


# ---------------------------------------------------------------------------------------------
# DOT
# ---------------------------------------------------------------------------------------------


def _fill(magnitude: float, largest: float) -> str:
    """White for no gradient, deepening to orange-red for the largest."""
    t = 0.0 if largest <= 0.0 or not math.isfinite(magnitude) else min(magnitude / largest, 1.0)
    if not math.isfinite(magnitude):
        t = 1.0
    r = round(255 + (230 - 255) * t)
    g = round(255 + (85 - 255) * t)
    b = round(255 + (13 - 255) * t)
    return f"#{r:02x}{g:02x}{b:02x}"


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
      per neuron or layer instead of its parameters and arithmetic. With ``"neuron"``, an arrow
      into a neuron carries d(neuron output)/d(that input).
    * ``color_by_grad``: fill each value box by the size of its gradient (deeper = larger).
    * ``grads``: show these gradients instead of each node's ``.grad`` (nodes missing show 0);
      ``highlight``: draw this node, its op and the arrows into that op in red. Both are used by
      :mod:`autograd.trace` to draw a backward pass frame by frame.
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

    def grad_of(v: Value) -> float:
        return v.grad if grads is None else float(grads.get(v, 0.0))

    groups: list[_Group] = []
    group_of: dict[Value, int] = {}
    hidden: set[Value] = set()
    if collapse is not None:
        groups, group_of, hidden = _assign_groups(order, module, collapse)

    # Units: what gets one box. A value outside any group, or a whole group.
    unit_of: dict[Value, str] = {}
    units: list[str] = []
    seen_units: set[str] = set()
    for v in order:
        if v in hidden:
            continue
        key = f"g{group_of[v]}" if v in group_of else f"v{position[v]}"
        unit_of[v] = key
        if key not in seen_units:
            seen_units.add(key)
            units.append(key)
    kept = set(units if max_nodes is None else units[:max_nodes])
    left_out = len(units) - len(kept)

    largest = 0.0
    if color_by_grad:
        for v in order:
            size = abs(grad_of(v))
            if math.isfinite(size):
                largest = max(largest, size)

    lines = ["digraph autograd {", f"  rankdir={rankdir};"]
    if title:
        lines.append(f"  label={_quote(title)}; labelloc=t;")
    lines.append('  node [fontname="Helvetica", fontsize=11];')
    lines.append('  edge [fontname="Helvetica", fontsize=10];')
    red = ', color="#d62728", fontcolor="#d62728", penwidth=2.5'
    node_lines: list[str] = []
    edge_lines: list[str] = []
    needs_note: list[str] = []
    drawn_groups: set[str] = set()

    def value_box(v: Value, name: str) -> str:
        fields = [_record_field(v.label)] if v.label else []
        fields.append(f"data {format_number(v.data)}")
        fields.append(f"grad {format_number(grad_of(v))}")
        attrs = f"shape=record, label=\"{{ {' | '.join(fields)} }}\""
        if color_by_grad:
            attrs += f', style=filled, fillcolor="{_fill(abs(grad_of(v)), largest)}"'
        if highlight is v:
            attrs += red
        return f"  {name} [{attrs}];"

    for v in reversed(order):
        unit = unit_of.get(v, "")
        if unit not in kept:
            continue
        i = position[v]
        if v in group_of:
            if unit in drawn_groups:
                continue
            drawn_groups.add(unit)
            g = groups[group_of[v]]
            fields = [_record_field(g.name)]
            if g.detail:
                fields.append(_record_field(g.detail))
            fields.append(f"{g.nparams} params")
            if len(g.outputs) == 1:
                fields.append(f"out {format_number(g.outputs[0].data)}")
                fields.append(f"grad {format_number(grad_of(g.outputs[0]))}")
            elif len(g.outputs) <= 4:
                outs = ", ".join(format_number(o.data) for o in g.outputs)
                grads_shown = ", ".join(format_number(grad_of(o)) for o in g.outputs)
                fields.append(f"out ({outs})")
                fields.append(f"grad ({grads_shown})")
            attrs = (f"shape=record, style=\"rounded,filled\", fillcolor=\"#e8f0fe\", "
                     f"label=\"{{ {' | '.join(fields)} }}\"")
            node_lines.append(f"  {unit} [{attrs}];")
            continue
        node_lines.append(value_box(v, unit))
        if not v.parents:
            continue
        op_id = f"o{i}"
        op_attrs = f"shape=ellipse, label={_quote(op_text(v))}"
        table_op = ops.OPS.get(v.op_name)
        maths = table_op.maths if table_op is not None else ""
        if maths:
            op_attrs += f", tooltip={_quote(maths)}"
        hl = highlight is v
        if hl:
            op_attrs += red
        node_lines.append(f"  {op_id} [{op_attrs}];")
        for parent, local in zip(v.parents, v.local_grads):
            src = unit_of.get(parent, "")
            if parent in hidden:
                continue
            if src not in kept:
                if op_id not in needs_note:
                    needs_note.append(op_id)
                continue
            edge_lines.append(
                f"  {src} -> {op_id} [label={_quote(format_number(local))}{red if hl else ''}];"
            )
        edge_lines.append(f"  {op_id} -> {unit}{' [' + red[2:] + ']' if hl else ''};")

    # Arrows into each group box: from every value outside the group that a member uses.
    for gi, g in enumerate(groups):
        unit = f"g{gi}"
        if unit not in kept:
            continue
        sources: dict[str, list[Value]] = {}
        for v in sorted((m for m in g.members if m in position), key=position.__getitem__,
                        reverse=True):
            for parent in v.parents:
                if group_of.get(parent) == gi or parent in hidden:
                    continue
                src = unit_of[parent]
                if src not in kept:
                    if unit not in needs_note:
                        needs_note.append(unit)
                    continue
                listed = sources.setdefault(src, [])
                if not any(p is parent for p in listed):  # by identity: Values == by number
                    listed.append(parent)
        for src, parents in sources.items():
            label = ""
            if len(parents) == 1 and len(g.outputs) == 1:
                from .functional import backprop

                (d,) = backprop(g.outputs[0], parents)
                label = f" [label={_quote(format_number(float(d)))}]"
            edge_lines.append(f"  {src} -> {unit}{label};")

    lines.extend(node_lines)
    if left_out:
        note = (f"{left_out} more value{'s' if left_out != 1 else ''} not shown "
                f"(max_nodes={max_nodes})")
        lines.append(f'  omitted [shape=note, style=dashed, label={_quote(note)}];')
        for target in needs_note:
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
    _write_whole(path, data)
    return path


def run_dot(source: str, fmt: str) -> bytes:
    """Runs ``dot -T<fmt>`` on DOT text and returns the output."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFoundError(INSTALL_HINT)
    result = subprocess.run([exe, f"-T{fmt}"], input=source.encode(), capture_output=True,
                            check=False, timeout=120)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"dot failed: {message[0] if message else 'no message'}")
    return result.stdout


def _write_whole(path: str, data: bytes) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".autograd-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
