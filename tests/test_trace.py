"""The recorded backward pass: steps in order, contributions that sum to the gradients."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, topological_order
from autograd.nn import MLP, mse_loss
from autograd.trace import trace_backward


def _graph(x0: float = 0.4, w0: float = -1.2) -> tuple[Value, list[Value]]:
    x = Value(x0, label="x")
    w = Value(w0, label="w")
    b = Value(0.3, label="b")
    h = (x * w + b).tanh()
    y = h * w + (w * w).exp() * 0.1
    y.label = "y"
    return y, [x, w, b]


def test_contributions_sum_to_backward() -> None:
    y, leaves = _graph()
    t = trace_backward(y)
    assert all(v.grad == 0.0 for v in topological_order(y))  # nothing touched
    received: dict[Value, float] = {}
    for step in t.steps:
        for c in step.contributions:
            received[c.parent] = received.get(c.parent, 0.0) + c.amount
    y.backward()
    for leaf in leaves:
        assert math.isclose(received[leaf], leaf.grad, rel_tol=1e-12)
        assert t.grads[leaf] == leaf.grad  # same order of additions: identical


def test_steps_follow_backward_order_with_upstream() -> None:
    y, _ = _graph()
    t = trace_backward(y, grad=2.0)
    order = [v for v in topological_order(y) if v.parents]
    assert [s.node for s in t.steps] == order
    assert t.steps[0].upstream == 2.0
    for step in t.steps:
        assert step.local_grads == step.node.local_grads
        assert [c.parent for c in step.contributions] == list(step.node.parents)
        for c in step.contributions:
            assert c.amount == c.local * step.upstream
        # the upstream gradient is everything the node received from its users
        assert step.upstream == t.grads[step.node]


def test_str_and_markdown() -> None:
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    text = str(trace_backward(c))
    assert "upstream dL/dnode" in text
    assert "a: -3 -> -3" in text and "b: 2 -> 2" in text
    assert text.splitlines()[-1] == "gradients of the leaves: a = -3, b = 2"
    assert trace_backward(c)._repr_markdown_().count("\n") == 2


def test_frames() -> None:
    y, leaves = _graph()
    t = trace_backward(y)
    start = t.to_dot(0)
    assert f"before step 1 of {len(t)}" in start and "penwidth" not in start
    first = t.to_dot(1)
    assert f"step 1 of {len(t)}: y sent" in first and "penwidth=2.5" in first
    last = t.to_dot(len(t))
    assert f"step {len(t)} of {len(t)}" in last
    assert t.grads_before(0) == {y: 1.0}
    for leaf in leaves:
        assert t.grads_before(len(t))[leaf] == t.grads[leaf]
        assert leaf.grad == 0.0
    with pytest.raises(IndexError):
        t.grads_before(len(t) + 1)
    with pytest.raises(IndexError, match="steps 1 to"):
        t.to_dot(len(t) + 1)


def test_steps_count_from_one_in_table_titles_and_frames() -> None:
    y, _ = _graph()
    t = trace_backward(y)
    rows = t.rows()
    for k in range(1, len(t) + 1):
        step = t.steps[k - 1]
        assert step.number == k and rows[k - 1][0] == str(k)
        assert rows[k - 1][1] == t.name(step.node)
        text = t.to_dot(k)
        assert f"step {k} of {len(t)}: {t.name(step.node)} sent" in text
        # the red node of frame k is the node of row k, shown under its name
        red = re.search(r'^\s+(v\d+) \[shape=record, label="\{ ([^|]*) \|[^\n]*penwidth', text,
                        re.M)
        assert red is not None and red.group(2).strip() == t.name(step.node)
        # frame k shows the gradients once step k is done: the parents have received
        for c in step.contributions:
            assert t.grads_before(k)[c.parent] != 0.0 or c.amount == 0.0


def test_mlp_rows_name_parameters_by_state_dict() -> None:
    model = MLP(2, [2, 1], activation="tanh", seed=0)
    loss = mse_loss([model([0.5, -1.0])], [1.0])  # type: ignore[list-item]
    text = str(trace_backward(loss))
    for name in model.state_dict():
        assert f"{name}: " in text
    assert "gradients of the leaves: layers.0.neurons.0.b = " in text


def test_apply_matches_backward() -> None:
    y1, leaves1 = _graph()
    y2, leaves2 = _graph()
    trace_backward(y1).apply()
    y2.backward()
    assert [v.grad for v in leaves1] == [v.grad for v in leaves2]


def test_mlp_trace_matches_backward() -> None:
    model = MLP(3, [4, 4, 1], activation="tanh", seed=1)
    preds = [model([0.1, -0.4, 0.9]), model([1.0, 0.2, -0.3])]
    assert all(isinstance(p, Value) for p in preds)
    loss = mse_loss(preds, [0.5, -0.5])  # type: ignore[arg-type]
    t = trace_backward(loss)
    loss.backward()
    for p in model.parameters():
        assert math.isclose(t.grads.get(p, 0.0), p.grad, rel_tol=1e-12, abs_tol=1e-15)


@given(st.floats(-3, 3), st.floats(-3, 3))
def test_property_trace_equals_backward(x0: float, w0: float) -> None:
    y, leaves = _graph(x0, w0)
    t = trace_backward(y)
    y.backward()
    for leaf in leaves:
        assert t.grads[leaf] == leaf.grad


def test_bad_input() -> None:
    with pytest.raises(TypeError):
        trace_backward(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        trace_backward(Value(1.0), grad="one")  # type: ignore[arg-type]
