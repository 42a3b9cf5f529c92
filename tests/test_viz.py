"""The drawing: DOT text with every value, op and edge derivative; caps, collapse, rendering."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from autograd import Value, dot, topological_order, viz
from autograd.nn import MLP, hinge_loss

HAS_DOT = shutil.which("dot") is not None


def _edges(text: str) -> list[tuple[str, str, str | None]]:
    """(source, target, label or None) for every edge line."""
    found = []
    for m in re.finditer(r"^\s+(\w+) -> (\w+)(?: \[([^\]]*)\])?;$", text, re.M):
        attrs = m.group(3) or ""
        label = re.search(r'label="([^"]*)"', attrs)
        found.append((m.group(1), m.group(2), label.group(1) if label else None))
    return found


def _node_label(text: str, node_id: str) -> str:
    m = re.search(rf'^\s+{node_id} \[.*?label="((?:[^"\\]|\\.)*)"', text, re.M)
    assert m, f"no node {node_id}"
    return m.group(1)


def _build() -> tuple[Value, dict[str, Value]]:
    x = Value(1.5, label="x")
    w = Value(-0.5, label="w")
    b = Value(0.25, label="b")
    h = x * w + b
    h.label = "h"
    y = (h * 3).tanh() + w ** 2
    y.label = "y"
    y.backward()
    return y, {"x": x, "w": w, "b": b, "h": h, "y": y}


def test_every_value_op_and_edge_derivative_present() -> None:
    y, _ = _build()
    text = viz.to_dot(y)
    order = topological_order(y)
    ids = {v: f"v{i}" for i, v in enumerate(order)}
    for v, vid in ids.items():
        label = _node_label(text, vid)
        assert f"data {viz.format_number(v.data)}" in label
        assert f"grad {viz.format_number(v.grad)}" in label
        if v.label:
            assert v.label in label
    edges = _edges(text)
    for i, v in enumerate(order):
        if not v.parents:
            assert f"o{i}" not in text.split()
            continue
        assert _node_label(text, f"o{i}") == viz.op_text(v)
        assert (f"o{i}", ids[v], None) in edges  # op -> result, unlabelled
        into = [(s, lab) for s, t, lab in edges if t == f"o{i}"]
        expected = [(ids[p], viz.format_number(d)) for p, d in zip(v.parents, v.local_grads)]
        assert sorted(into) == sorted(expected)
    # one edge per (parent, use) and one per op output, nothing else
    n_values_in = sum(len(v.parents) for v in order)
    n_ops = sum(1 for v in order if v.parents)
    assert len(edges) == n_values_in + n_ops


def test_known_graph_exact_labels() -> None:
    a = Value(2.0, label="a")
    b = a * 3
    c = b ** 2
    text = viz.to_dot(c)
    assert 'label="* 3"' in text and 'label="** 2"' in text
    edges = _edges(text)
    # dc/db = 2 * b = 12, db/da = 3
    assert ("v1", "o0", "12") in edges
    assert ("v2", "o1", "3") in edges


def test_parent_used_twice_gives_two_edges() -> None:
    a = Value(-1.5, label="a")
    sq = a * a
    text = viz.to_dot(sq)
    edges = [e for e in _edges(text) if e[1] == "o0"]
    assert edges == [("v1", "o0", "-1.5"), ("v1", "o0", "-1.5")]


def test_deterministic_across_builds() -> None:
    first = viz.to_dot(_build()[0])
    second = viz.to_dot(_build()[0])
    assert first == second
    assert "0x" not in first  # no memory addresses


def test_constants_on_op_nodes() -> None:
    x = Value(2.0, label="x")
    for node, text in [(x - 1, "- 1"), (1 - x, "1 -"), (x / 4, "/ 4"), (2 / x, "2 /"),
                       (2 ** x, "2 **"), (x.leaky_relu(0.2), "leaky_relu 0.2"), (-x, "neg")]:
        assert f'label="{text}"' in viz.to_dot(node)
    wx = dot([Value(1.0), Value(2.0)], [0.5, -1.0], Value(0.0))
    assert "x = (0.5, -1)" in viz.to_dot(wx)


def test_rankdir_validated() -> None:
    y, _ = _build()
    for rd in viz.RANKDIRS:
        assert f"rankdir={rd};" in viz.to_dot(y, rankdir=rd)
    with pytest.raises(ValueError, match="rankdir"):
        viz.to_dot(y, rankdir="sideways")
    with pytest.raises(TypeError):
        viz.to_dot(3.0)  # type: ignore[arg-type]


def test_labels_are_escaped() -> None:
    v = Value(1.0, label='we{ird}|"<x>"\\')
    out = v * 2
    text = viz.to_dot(out)
    label = _node_label(text, "v1")
    assert label.startswith('{ we\\{ird\\}\\|\\"\\<x\\>\\"\\\\ |')


def test_max_nodes_says_what_was_left_out() -> None:
    x = Value(0.3, label="x")
    y = x
    for _ in range(30):
        y = y.tanh()
    text = viz.to_dot(y, max_nodes=5)
    assert text.count("shape=record") == 5
    assert "26 more values not shown (max_nodes=5)" in text
    assert "omitted -> o4 [style=dashed];" in text
    assert "omitted" not in viz.to_dot(y, max_nodes=None)
    with pytest.raises(ValueError, match="max_nodes"):
        viz.to_dot(y, max_nodes=0)


def test_color_by_grad() -> None:
    y, _ = _build()
    text = viz.to_dot(y, color_by_grad=True)
    assert text.count("fillcolor=") == len(topological_order(y))
    # the largest |grad| gets the deepest colour
    assert "#e6550d" in text
    assert "fillcolor" not in viz.to_dot(y)


def test_grads_override_and_highlight() -> None:
    a = Value(2.0, label="a")
    b = a * 3
    text = viz.to_dot(b, grads={b: 7.0}, highlight=b)
    assert "grad 7" in _node_label(text, "v0")
    assert "grad 0" in _node_label(text, "v1")
    assert a.grad == 0.0
    assert 'penwidth=2.5' in text


def test_collapse_neuron_and_layer() -> None:
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    score = model([0.5, -1.0])
    assert isinstance(score, Value)
    loss = hinge_loss([score], [1.0])
    loss.backward()
    full = viz.to_dot(loss)
    by_neuron = viz.to_dot(loss, collapse="neuron", module=model)
    by_layer = viz.to_dot(loss, collapse="layer", module=model)
    assert by_neuron.count("neuron 1.") == 3 and by_neuron.count("neuron 2.1") == 1
    assert by_layer.count("layer 1") == 1 and by_layer.count("layer 2") == 1
    assert len(by_layer) < len(by_neuron) < len(full)
    # no parameter boxes remain; neurons feed the next layer with d(out)/d(input) on the edge
    edges = _edges(by_neuron)
    into_out = [e for e in edges if e[1] == "g3"]
    assert len(into_out) == 3 and all(lab is not None for _, _, lab in into_out)
    w = model.layers[1].neurons[0].w
    # the output neuron is linear, so d(out)/d(hidden_i) is its weight w_i
    labels = sorted(str(lab) for _, _, lab in into_out)
    assert labels == sorted(viz.format_number(p.data) for p in w)
    with pytest.raises(ValueError, match="module"):
        viz.to_dot(loss, collapse="neuron")
    with pytest.raises(ValueError, match="collapse"):
        viz.to_dot(loss, collapse="weights", module=model)


def test_collapse_neuron_built_from_mul_and_add() -> None:
    class Hand:
        activation = "tanh"

        def __init__(self) -> None:
            self.w = [Value(0.3), Value(-0.2)]
            self.b = Value(0.1)

        def parameters(self) -> list[Value]:
            return [*self.w, self.b]

    n = Hand()
    out = ((n.w[0] * 1.0 + n.w[1] * 2.0) + n.b).tanh() * 2
    text = viz.to_dot(out, collapse="neuron", module=n)
    assert text.count("shape=record") == 2  # the neuron box and the output
    assert "3 params" in text


def test_draw_dot_is_a_digraph() -> None:
    graphviz = pytest.importorskip("graphviz")
    y, _ = _build()
    g = viz.draw_dot(y)
    assert isinstance(g, graphviz.Digraph)
    assert "rankdir=LR" in g.source
    assert g.source.count("->") == viz.to_dot(y).count("->")


@pytest.mark.skipif(not HAS_DOT, reason="the Graphviz dot program is not installed")
def test_render_svg_and_png(tmp_path: Path) -> None:
    y, _ = _build()
    svg = tmp_path / "g.svg"
    assert viz.render(y, svg) == str(svg)
    content = svg.read_text()
    assert content.lstrip().startswith("<?xml") and "<svg" in content
    assert "tanh" in content
    png = tmp_path / "g.png"
    viz.render(y, png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    g = viz.draw_dot(y)
    assert b"<svg" in g.pipe(format="svg")


def test_render_dot_file_needs_no_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    y, _ = _build()
    path = tmp_path / "g.dot"
    viz.render(y, path)
    assert path.read_text() == viz.to_dot(y) + "\n"
    with pytest.raises(viz.GraphvizNotFoundError, match="apt-get install graphviz"):
        viz.render(y, tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()
    # code that guards rendering with ``except RuntimeError`` catches it, and learns the way out
    with pytest.raises(RuntimeError, match=r"write DOT text instead \(a \.dot file or to_dot"):
        viz.render(y, tmp_path / "g.png")
    assert not (tmp_path / "g.png").exists()


def test_render_refuses_unknown_extension(tmp_path: Path) -> None:
    y, _ = _build()
    with pytest.raises(ValueError, match=r"\.dot, \.svg"):
        viz.render(y, tmp_path / "g.jpeg")


def test_format_number() -> None:
    assert viz.format_number(3.0) == "3"
    assert viz.format_number(0.123456789) == "0.1235"
    assert viz.format_number(float("inf")) == "inf"
    assert viz.format_number(float("nan")) == "nan"
    assert viz.format_number(-0.0) == "0"


def test_value_boxes_show_node_names() -> None:
    from autograd.naming import node_names

    y, _ = _build()
    text = viz.to_dot(y)
    names = node_names(y)
    for i, v in enumerate(topological_order(y)):
        first_field = _node_label(text, f"v{i}")[2:].split(" | ")[0]
        assert first_field == names[v]
    assert sorted(n for n in names.values() if n.startswith("#")) == ["#1", "#2", "#3", "#4"]


def test_collapse_arrow_carries_the_partial_derivative() -> None:
    # x2 depends on x1 and both feed the neuron: the arrow from x1 carries d out / d x1 with x2
    # held fixed (w0), because the path through x2 has arrows of its own in the drawing
    class Hand:
        activation = "linear"

        def __init__(self) -> None:
            self.w = [Value(0.3), Value(-0.2)]
            self.b = Value(0.1)

        def parameters(self) -> list[Value]:
            return [*self.w, self.b]

    n = Hand()
    x1 = Value(1.5, label="x1")
    x2 = x1 * 2.0
    x2.label = "x2"
    out = dot(n.w, [x1, x2], n.b) * 1.0
    text = viz.to_dot(out, collapse="neuron", module=n)
    edges = _edges(text)
    into_box = {src: lab for src, dst, lab in edges if dst.startswith("g")}
    x1_unit = next(u for u in into_box if "x1" in _node_label(text, u))
    x2_unit = next(u for u in into_box if "x2" in _node_label(text, u))
    assert into_box[x1_unit] == "0.3" and into_box[x2_unit] == "-0.2"


def test_collapse_reads_roles_from_the_op_table() -> None:
    # a hand-made neuron gathered with sum() and activated by softplus, an ACTIVATION op
    from autograd import sum as vsum

    class Hand:
        activation = "softplus"

        def __init__(self) -> None:
            self.w = [Value(0.3), Value(-0.2)]
            self.b = Value(0.1)

        def parameters(self) -> list[Value]:
            return [*self.w, self.b]

    n = Hand()
    out = vsum([n.w[0] * 1.0, n.w[1] * 2.0, n.b]).softplus() - 1.0
    text = viz.to_dot(out, collapse="neuron", module=n)
    assert text.count("shape=record") == 2 and "softplus" in text and "3 params" in text
    # a non-activation op on top (sin) stays outside the box
    out2 = vsum([n.w[0] * 1.0, n.w[1] * 2.0, n.b]).sin()
    assert viz.to_dot(out2, collapse="neuron", module=n).count("shape=record") == 2
    assert 'label="sin"' in viz.to_dot(out2, collapse="neuron", module=n)


def test_collapse_many_uses_numbered() -> None:
    model = MLP(2, [2, 1], activation="relu", seed=0)
    scores = [model([0.1 * i, -0.2 * i]) for i in range(5)]
    loss = hinge_loss(scores, [1, -1, 1, -1, 1])  # type: ignore[arg-type]
    text = viz.to_dot(loss, collapse="neuron", module=model, max_nodes=None)
    for k in range(1, 6):
        assert text.count(f"neuron 1.2 #{k} |") == 1
    assert "neuron 1.2 #6" not in text
    layer_text = viz.to_dot(loss, collapse="layer", module=model, max_nodes=None)
    assert layer_text.count("layer 2 #") == 5
