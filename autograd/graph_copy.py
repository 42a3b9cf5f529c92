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
from collections.abc import Callable
from typing import Any

from . import nonfinite, ops

__all__ = ["deepcopy_graph", "reduce_graph", "copy_node"]

# This module never imports the engine (the engine imports it): a node's class is ``type(node)``
# and the engine passes its own search, ``postorder`` (every node after its parents, the root
# last). ``Node`` stands for ``autograd.Value``.
Node = Any
Postorder = Callable[[Node], list[Node]]

_new = object.__new__

# An inner node as pickled: data, grad, label, parent positions, local_grads, op name, constant.
Record = tuple[float, float, str, tuple[int, ...], tuple[Any, ...], str, Any]


def copy_node(node: Node) -> Node:
    """A shallow copy: a new node with the same fields, sharing the parents (``copy.copy``)."""
    twin = _new(type(node))
    twin.data = node.data
    twin.grad = node.grad
    twin.label = node.label
    twin.parents = node.parents
    twin.local_grads = node.local_grads
    twin._fn = node._fn
    twin._arg = node.constant
    if twin.local_grads:
        nonfinite.note_if_nonfinite(twin)
    return twin


def deepcopy_graph(root: Node, memo: dict[int, Any], postorder: Postorder) -> Node:
    """A copy of ``root`` and every node behind it; nodes already in ``memo`` are reused."""
    if id(root) in memo:
        return memo[id(root)]
    for node in postorder(root):  # parents first
        if id(node) in memo:
            continue
        twin = copy_node(node)
        twin.parents = tuple(memo[id(p)] for p in node.parents)
        if node.local_grads and not all(type(g) is float for g in node.local_grads):
            twin.local_grads = copy.deepcopy(node.local_grads, memo)
        if node.constant is not None:
            twin._arg = copy.deepcopy(node.constant, memo)
        memo[id(node)] = twin
    return memo[id(root)]


def _leaf(cls: type, data: float, grad: float, label: str) -> Node:
    leaf = cls(data, label=label)
    leaf.grad = grad
    return leaf


def _op_name(node: Node) -> str:
    fn: ops.Op = node._fn
    if ops.OPS.get(fn.name) is not fn:
        raise TypeError(
            f"cannot pickle a graph that uses the op {fn.name!r}, which is not in the op "
            "table (autograd.ops.OPS); pickle .detach() of the result, or its .data"
        )
    name: str = fn.name
    return name


def reduce_graph(root: Node, postorder: Postorder) -> tuple[Any, ...]:
    """What ``pickle`` stores for ``root``: a flat list of records, parents first."""
    cls = type(root)
    if not root.parents:
        return (_leaf, (cls, root.data, root.grad, root.label))
    order = postorder(root)
    position = {id(node): i for i, node in enumerate(order)}
    entries: list[Node | Record] = []
    for node in order:
        if not node.parents:
            entries.append(node)  # pickled as itself: shared leaves stay shared
            continue
        entries.append((node.data, node.grad, node.label,
                        tuple(position[id(p)] for p in node.parents),
                        node.local_grads, _op_name(node), node.constant))
    return (_rebuild, (cls, entries))


def _rebuild(cls: type, entries: list[Node | Record]) -> Node:
    built: list[Node] = []
    for entry in entries:
        if isinstance(entry, cls):
            built.append(entry)
            continue
        data, grad, label, parents, local_grads, name, arg = entry
        node: Node = _new(cls)
        node.data = float(data)
        node.grad = float(grad)
        node.label = str(label)
        node.parents = tuple(built[i] for i in parents)
        node.local_grads = tuple(local_grads)
        node._fn = ops.OPS[name]
        node._arg = arg
        if node._fn.stops and node.local_grads == ops.STRONG_ZERO:
            node.local_grads = ops.STRONG_ZERO  # the very object: no gradient passes
        nonfinite.note_if_nonfinite(node)
        built.append(node)
    return built[-1]
