"""explain(): paths, their products, and a total that always equals the gradient."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, explain
from autograd.dot import record_field
from autograd.explain import count_paths
from autograd.fmt import format_number


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def test_weight_used_twice_total_equals_grad() -> None:
    w = Value(0.7, label="w")
    x = Value(-1.3, label="x")
    h = (w * x).tanh()
    y = h * w + (w * 2).sigmoid()
    e = explain(y, w)
    assert e.n_paths == 3 and len(e.paths) == 3
    assert _close(math.fsum(p.product for p in e.paths), e.total)
    assert w.grad == 0.0 and y.grad == 0.0  # explain touches no .grad
    y.backward()
    assert _close(e.total, w.grad)
    ex = explain(y, x)
    assert _close(ex.total, x.grad)


def test_steps_carry_local_derivatives() -> None:
    a = Value(3.0, label="a")
    b = a * a
    b.label = "b"
    c = b.log()
    c.label = "c"
    e = explain(c, a)
    assert e.n_paths == 2  # a * a uses a twice
    for path in e.paths:
        assert [s.source.label for s in path.steps] == ["a", "b"]
        assert [s.to.label for s in path.steps] == ["b", "c"]
        assert [s.op for s in path.steps] == ["*", "log"]
        assert path.steps[0].local == 3.0 and _close(path.steps[1].local, 1 / 9)
        assert _close(path.product, 1 / 3)
    assert sorted(s.index for p in e.paths for s in p.steps if s.op == "*") == [0, 1]
    assert _close(e.total, 2 / 3)


def test_str_lists_paths_products_and_sum() -> None:
    w = Value(3.0, label="w")
    x = Value(2.0, label="x")
    y = w * x + w
    y.label = "y"
    text = str(explain(y, w))
    assert "2 paths" in text
    assert "path 1:" in text and "path 2:" in text
    assert "w -> #1  via '*': local derivative 2" in text
    assert "product: 2 * 1 = 2" in text
    assert text.rstrip().endswith("d y / d w = 2 + 1 = 3")
    # path 2 has one step: its product is that step's local derivative, not said again
    assert text.count("product:") == 1
    md = explain(y, w)._repr_markdown_()
    assert "| path |" in md and "**`d y / d w` = 3**" in md


def test_one_path_says_nothing_twice() -> None:
    x = Value(0.5, label="x")
    y = (x * 2).tanh()
    text = str(explain(y, x))
    assert "one path from x to #2" in text
    assert "path 1" not in text and "product:" not in text and "sum" not in text
    local = 1 - math.tanh(1.0) ** 2
    assert text.splitlines()[-1] == (f"d #2 / d x = 2 * {format_number(local)} = "
                                     f"{format_number(2 * local)}")
    lines = text.splitlines()
    assert len(lines) == len(set(lines))
    one_step = str(explain(x * 3, x)).splitlines()
    assert one_step[-1] == "d #1 / d x = 3"
    assert "via '* 3'" in one_step[1]


def test_names_agree_with_drawing_and_trace() -> None:
    from autograd import viz
    from autograd.naming import node_names
    from autograd.nn import MLP, mse_loss
    from autograd.trace import trace_backward

    model = MLP(2, [2, 1], activation="tanh", seed=0)
    loss = mse_loss([model([0.5, -1.0])], [1.0])  # type: ignore[list-item]
    w = model.layers[0].neurons[1].w[0]
    e = explain(loss, w)
    names = node_names(loss)
    assert e.name(w) == names[w] == "layers.0.neurons.1.w.0"
    assert e.name(loss) == names[loss] and names[loss].startswith("#")
    text = viz.to_dot(loss)
    t = trace_backward(loss)
    for path in e.paths:
        for step in path.steps:
            for node in (step.source, step.to):
                assert e.name(node) == t.name(node) == names[node]
                assert "{ " + record_field(names[node]) + " |" in text
    assert "[" not in str(e)  # no ad-hoc descriptions such as [* = 1]


def test_not_in_graph() -> None:
    y = Value(2.0, label="y") * 3
    z = Value(1.0, label="z")
    e = explain(y, z)
    assert e.total == 0.0 and e.paths == [] and e.n_paths == 0
    assert "not in the graph" in str(e)


def test_wrt_is_output() -> None:
    y = Value(2.0, label="y")
    e = explain(y, y)
    assert e.total == 1.0 and e.n_paths == 1 and e.paths[0].steps == ()
    assert e.paths[0].product == 1.0


def test_exploding_paths_are_capped_and_counted_fast() -> None:
    v = Value(1.0000001, label="v")
    z = v
    for _ in range(300):  # each step uses z twice: 2**300 paths
        z = z * z
    e = explain(z, v, max_paths=5)
    assert e.n_paths == 2 ** 300
    assert len(e.paths) == 5 and e.left_out == 2 ** 300 - 5
    assert f"{2 ** 300 - 5} more paths not listed (max_paths=5)" in str(e)
    assert "sum of the 5 listed:" in str(e)
    one = str(explain(z, v, max_paths=1))
    assert "sum of the" not in one and one.count("product:") == 1
    assert one.splitlines()[-1].startswith(f"d #300 / d v over all {2 ** 300} paths = ")
    (expected,) = autograd.functional.backprop(z, [v])
    assert e.total == expected


def test_deep_chain_no_recursion() -> None:
    x = Value(0.5, label="x")
    y = x
    for _ in range(20_000):
        y = y + 0.0
    e = explain(y, x, max_paths=1)
    assert e.total == 1.0 and len(e.paths[0].steps) == 20_000


def test_bad_arguments() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError):
        explain(x, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_paths"):
        explain(x, x, max_paths=-1)


def test_count_paths_diamond() -> None:
    x = Value(1.0)
    a, b = x * 2, x * 3
    c, d = a + b, a * b
    out = c + d
    assert count_paths(out, x)[out] == 4


@given(st.floats(-2, 2), st.floats(-2, 2), st.floats(-2, 2))
def test_sum_of_products_equals_grad(x0: float, w0: float, b0: float) -> None:
    x, w, b = Value(x0), Value(w0), Value(b0)
    y = ((x * w + b).tanh() * w + w * w * x).sigmoid()
    for leaf in (x, w, b):
        e = explain(y, leaf, max_paths=100)
        assert e.left_out == 0
        assert math.isclose(math.fsum(p.product for p in e.paths), e.total, rel_tol=1e-9,
                            abs_tol=1e-12)
    y.backward()
    for leaf in (x, w, b):
        assert math.isclose(explain(y, leaf).total, leaf.grad, rel_tol=1e-12, abs_tol=1e-15)
