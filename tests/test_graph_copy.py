"""copy.copy, copy.deepcopy and pickle of Values and deep graphs (autograd.graph_copy)."""
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False, disallow-untyped-calls=False

from __future__ import annotations

import copy
import pickle

import pytest

from autograd import Value
from autograd.nn import MLP


def _chain(depth):
    x = Value(0.3, label="x")
    v = x
    for i in range(depth):
        v = (v * 0.5 + 0.1).tanh() if i % 2 else v + x
    return x, v


def _same_graph(a, b):
    """The two graphs have the same shape, numbers, labels and ops, node for node."""
    stack = [(a, b)]
    seen = set()
    while stack:
        p, q = stack.pop()
        if id(p) in seen:
            continue
        seen.add(id(p))
        assert p is not q
        assert (p.data, p.grad, p.label, p.op, p.local_grads, p.constant) == \
            (q.data, q.grad, q.label, q.op, q.local_grads, q.constant)
        assert len(p.parents) == len(q.parents)
        stack.extend(zip(p.parents, q.parents))


@pytest.mark.parametrize("depth", [3, 100_000])
def test_deepcopy_and_pickle_of_deep_graphs(depth):
    x, out = _chain(depth)
    out.backward()
    for twin in (copy.deepcopy(out), pickle.loads(pickle.dumps(out))):
        _same_graph(out, twin)
        leaves = [node for node in _walk(twin) if not node.parents]
        assert len({id(leaf) for leaf in leaves}) == 1  # x stays one node, used many times
        twin_x = leaves[0]
        for node in _walk(twin):
            node.grad = 0.0
        twin.backward()
        assert twin_x.grad == x.grad


def _walk(root):
    seen, stack, out = {id(root)}, [root], []
    while stack:
        node = stack.pop()
        out.append(node)
        for p in node.parents:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    return out


def test_shared_parents_and_memo_are_kept():
    a = Value(2.0, label="a")
    b = a * a
    c = b + b
    d, twin_a = copy.deepcopy([c, a])
    assert d.parents[0] is d.parents[1] and d.parents[0].parents[0] is twin_a
    assert twin_a is not a and twin_a.label == "a"
    loaded_c, loaded_a = pickle.loads(pickle.dumps([c, a]))
    assert loaded_c.parents[0].parents[0] is loaded_a  # leaves are shared across roots


def test_shallow_copy_shares_parents():
    a = Value(1.0)
    b = a.exp()
    c = copy.copy(b)
    assert c is not b and c.parents[0] is a and c.op == "exp" and c.data == b.data


def test_model_pickles_and_deep_copies():
    model = MLP(2, [4, 1], seed=0)
    for twin in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert twin.state_dict() == model.state_dict()
        assert twin([0.5, -1.0]).data == model([0.5, -1.0]).data
        twin.parameters()[0].data += 1.0
        assert twin.state_dict() != model.state_dict()


def test_op_outside_the_table_is_refused_by_name():
    from dataclasses import replace

    from autograd import ops

    x = Value(1.0)
    y = x.exp()
    y._fn = replace(ops.OPS["exp"], name="my_exp")
    with pytest.raises(TypeError, match="'my_exp', which is not in the op table"):
        pickle.dumps(y)
    assert copy.deepcopy(y).op == y.op  # copying needs no name
