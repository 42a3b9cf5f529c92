"""One name per node, shared by the drawing, :func:`autograd.explain` and the backward trace.

A node is called by its ``label`` where it has one (``nn`` parameters are labelled with their
``state_dict`` names, such as ``"layers.0.neurons.1.w.0"``, when the module is built). Every other
node gets a short id, ``#1``, ``#2`` ..., numbered in the order the graph was computed (inputs
first), counting only the unlabelled nodes. The drawing shows that id in the node's box, so a row
of a trace or a step of an explanation can be found in the picture.

Names are relative to a root: the same graph drawn, explained and traced from the same output
gets the same names.

>>> from autograd import Value
>>> x = Value(2.0, label="x")
>>> y = (x * 3).tanh()
>>> names = node_names(y)
>>> names[x], names[y.parents[0]], names[y]
('x', '#1', '#2')
"""

from __future__ import annotations

from collections.abc import Sequence

from .engine import Value, topological_order

__all__ = ["node_names", "names_in_order", "ID_PREFIX"]

#: What an unlabelled node's id starts with.
ID_PREFIX = "#"


def node_names(root: Value) -> dict[Value, str]:
    """The name of every node behind ``root`` (``root`` included), keyed by the node itself.

    Values hash by identity, so the dict tells apart two nodes that hold the same number.
    """
    if not isinstance(root, Value):
        raise TypeError(f"node_names needs a Value, got {type(root).__name__}")
    return names_in_order(topological_order(root))


def names_in_order(order: Sequence[Value]) -> dict[Value, str]:
    """:func:`node_names` for a graph already in :func:`autograd.topological_order` (root first).

    For callers that have the order at hand; the names are the same as ``node_names(order[0])``.
    """
    names: dict[Value, str] = {}
    k = 0
    for v in reversed(order):  # inputs first: ids grow in the direction of computation
        if v.label:
            names[v] = v.label
        else:
            k += 1
            names[v] = f"{ID_PREFIX}{k}"
    return names
