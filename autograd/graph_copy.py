"""``copy.deepcopy`` and ``pickle`` of a Value and the graph behind it, without recursion.

Both walk the graph once in topological order (parents first) with the engine's iterative
search, so a chain a million nodes deep copies and pickles like a short one. Python's own
machinery would instead follow ``parents`` recursively and fail with ``RecursionError`` after a
few thousand nodes.

Pickling stores each node's op by its name in the op table (``autograd.ops.OPS``): the rules
themselves are code and are not pickled. A graph that uses an op outside the table cannot be
pickled (``TypeError`` naming it). Leaves are pickled as themselves, so leaves shared between
several pickled objects (a model's parameters) stay shared after loading; inner nodes are
rebuilt from each pickled root.

>>> import copy, pickle
>>> from autograd import Value
>>> x = Value(0.5, label="x")
>>> y = (x * x).tanh()
>>> z = pickle.loads(pickle.dumps(y))
>>> z.op, z.parents[0].op, z.data == y.data, z.parents[0].parents[0] is z.parents[0].parents[1]
('tanh', '*', True, True)
>>> w = copy.deepcopy(y)
>>> w.parents[0].parents[0] is x, w.parents[0].parents[0].label
(False, 'x')
"""

from __future__ import annotations

import copy
from typing import Any

from . import ops
from .engine import Value, topological_order

__all__ = ["deepcopy_graph", "reduce_graph", "copy_node"]

_new = object.__new__

# An inner node as pickled: data, grad, label, parent positions, local_grads, op name, constant.
Record = tuple[float, float, str, tuple[int, ...], tuple[Any, ...], str, Any]


def copy_node(node: Value) -> Value:
    """A shallow copy: a new node with the same fields, sharing the parents (``copy.copy``)."""
    twin: Value = _new(Value)
    twin.data = node.data
    twin.grad = node.grad
    twin.label = node.label
    twin.parents = node.parents
    twin.local_grads = node.local_grads
    twin._fn = node._fn
    twin._arg = node._arg
    return twin


def deepcopy_graph(root: Value, memo: dict[int, Any]) -> Value:
    """A copy of ``root`` and every node behind it; nodes already in ``memo`` are reused."""
    if id(root) in memo:
        found: Value = memo[id(root)]
        return found
    order = topological_order(root)
    order.reverse()  # parents first
    for node in order:
        if id(node) in memo:
            continue
        twin = copy_node(node)
        twin.parents = tuple(memo[id(p)] for p in node.parents)
        if node.local_grads and not all(type(g) is float for g in node.local_grads):
            twin.local_grads = copy.deepcopy(node.local_grads, memo)
        if node._arg is not None:
            twin._arg = copy.deepcopy(node._arg, memo)
        memo[id(node)] = twin
    result: Value = memo[id(root)]
    return result


def _leaf(data: float, grad: float, label: str) -> Value:
    leaf = Value(data, label=label)
    leaf.grad = grad
    return leaf


def _op_name(node: Value) -> str:
    fn = node._fn
    assert fn is not None
    if ops.OPS.get(fn.name) is not fn:
        raise TypeError(
            f"cannot pickle a graph that uses the op {fn.name!r}, which is not in the op "
            "table (autograd.ops.OPS); pickle .detach() of the result, or its .data"
        )
    return fn.name


def reduce_graph(root: Value) -> tuple[Any, ...]:
    """What ``pickle`` stores for ``root``: a flat list of records, parents first."""
    if not root.parents:
        return (_leaf, (root.data, root.grad, root.label))
    order = topological_order(root)
    order.reverse()
    position = {id(node): i for i, node in enumerate(order)}
    entries: list[Value | Record] = []
    for node in order:
        if not node.parents:
            entries.append(node)  # pickled as itself: shared leaves stay shared
            continue
        entries.append((node.data, node.grad, node.label,
                        tuple(position[id(p)] for p in node.parents),
                        node.local_grads, _op_name(node), node._arg))
    return (_rebuild, (entries,))


def _rebuild(entries: list[Value | Record]) -> Value:
    built: list[Value] = []
    for entry in entries:
        if isinstance(entry, Value):
            built.append(entry)
            continue
        data, grad, label, parents, local_grads, name, arg = entry
        node: Value = _new(Value)
        node.data = float(data)
        node.grad = float(grad)
        node.label = str(label)
        node.parents = tuple(built[i] for i in parents)
        node.local_grads = tuple(local_grads)
        node._fn = ops.OPS[name]
        node._arg = arg
        built.append(node)
    return built[-1]
