"""Collapsing a network into boxes: membership, and the derivative on each arrow into a box."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, topological_order
from autograd.collapse import assign_groups, input_derivatives, module_neurons
from autograd.functional import backprop
from autograd.nn import MLP, Neuron, mse_loss

finite = st.floats(-2.0, 2.0)


@given(st.lists(finite, min_size=3, max_size=3), st.lists(finite, min_size=2, max_size=2),
       st.sampled_from(["tanh", "sigmoid", "relu", "linear"]))
def test_arrow_derivative_equals_backprop(ws: list[float], xs: list[float], act: str) -> None:
    model = MLP(2, [3, 1], activation=act, seed=0)
    for p, w in zip(model.layers[1].neurons[0].parameters(), [*ws, 0.1]):
        p.data = w
    inputs = [Value(x) for x in xs]
    out = model(inputs)
    assert isinstance(out, Value)
    order = topological_order(out)
    c = assign_groups(order, model, "neuron")
    assert len(c.groups) == 4
    for gi, g in enumerate(c.groups):
        (output,) = g.outputs
        got = input_derivatives(g, c.group_of, gi)
        outside = [p for p in got if p not in c.hidden]
        assert outside  # every neuron reads something from outside its box
        expected = backprop(output, outside)
        for p, e in zip(outside, expected):
            assert math.isclose(got[p], e, rel_tol=1e-12, abs_tol=1e-12)


def test_every_inner_node_of_an_mlp_is_in_a_box() -> None:
    model = MLP(3, [4, 2], activation="tanh", seed=1)
    outs = model([0.5, -0.2, 0.3])
    assert isinstance(outs, list)
    loss = mse_loss(outs, [0.0, 1.0])
    order = topological_order(loss)
    c = assign_groups(order, model, "neuron")
    params = set(model.parameters())
    in_boxes = set(c.group_of)
    for v in order:
        if v.parents and any(p in params for p in v.parents):
            assert v in in_boxes
    assert c.hidden == params
    assert sorted(g.name for g in c.groups) == sorted(
        f"neuron {n.layer}.{n.number}" for n in module_neurons(model))
    layers = assign_groups(order, model, "layer")
    assert [g.name for g in layers.groups] == ["layer 1", "layer 2"]
    assert [g.nparams for g in layers.groups] == [16, 10]


def test_bad_module_and_mode() -> None:
    out = Neuron(1, seed=0)([1.0])
    with pytest.raises(TypeError, match="collapse needs module="):
        assign_groups(topological_order(out), 3.0, "neuron")
    with pytest.raises(ValueError, match="collapse must be"):
        assign_groups(topological_order(out), Neuron(1, seed=0), "weights")
