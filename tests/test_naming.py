"""One naming of nodes: labels where given, else ids in the order of computation."""

from __future__ import annotations

import pytest

from autograd import Value, topological_order
from autograd.naming import ID_PREFIX, names_in_order, node_names
from autograd.nn import MLP, mse_loss


def test_labels_kept_and_ids_count_unlabelled_nodes_inputs_first() -> None:
    a = Value(1.0, label="a")
    b = Value(2.0)
    c = a * b          # #2 (b, given before c, is #1)
    d = c.tanh()
    d.label = "d"
    e = d + a          # #3
    names = node_names(e)
    assert names[a] == "a" and names[d] == "d"
    assert [names[b], names[c], names[e]] == ["#1", "#2", "#3"]
    assert set(names) == set(topological_order(e))


def test_same_graph_same_names_and_identity_keys() -> None:
    def build() -> tuple[Value, Value, Value]:
        x, y = Value(2.0), Value(2.0)   # equal numbers, different nodes
        return x * y + x, x, y

    out1, x1, y1 = build()
    out2, x2, y2 = build()
    n1, n2 = node_names(out1), node_names(out2)
    assert n1[x1] == n2[x2] and n1[y1] == n2[y2] and n1[x1] != n1[y1]
    assert list(n1.values()) == list(n2.values())
    assert names_in_order(topological_order(out1)) == n1


def test_mlp_parameters_by_state_dict_name() -> None:
    model = MLP(2, [2, 1], seed=0)
    loss = mse_loss([model([1.0, 2.0])], [0.0])  # type: ignore[list-item]
    names = node_names(loss)
    for name, p in model.named_parameters():
        assert names[p] == name
    ids = [n for n in names.values() if n.startswith(ID_PREFIX)]
    assert len(ids) == len(set(ids)) == len(names) - len(model.parameters())


def test_deep_chain_and_bad_input() -> None:
    x = Value(0.1)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    names = node_names(y)
    assert names[y] == "#100001" and names[x] == "#1"
    with pytest.raises(TypeError, match="node_names needs a Value"):
        node_names(3.0)  # type: ignore[arg-type]
