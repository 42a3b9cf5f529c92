"""Collapsing a network in a graph into one box per neuron (or per layer), for drawings.

A model applied to many samples makes a graph of tens of thousands of nodes; drawn with one box
per neuron use it becomes readable. :func:`assign_groups` finds which nodes of the graph belong to
which box, from the module's parameters and the op table's ``role`` of each node:

* a node that uses a neuron's parameter directly (its ``WEIGHTED_SUM`` node ``w·x+b``, or the
  products ``w_i * x_i`` of a neuron written by hand) starts a *use* of that neuron;
* a ``GATHER`` node (``+``, ``sum``) that adds only pieces of one use joins them;
* one ``ACTIVATION`` node on top of a use completes it.

Everything here is linear in the size of the graph: one pass over the nodes, a union-find for the
pieces that a sum joins, and dictionaries (never lists) for lookups.

>>> from autograd import topological_order
>>> from autograd.nn import MLP
>>> model = MLP(2, [3, 1], activation="tanh", seed=0)
>>> out = model([0.5, -1.0])
>>> c = assign_groups(topological_order(out), model, "neuron")
>>> [g.name for g in c.groups]
['neuron 1.1', 'neuron 1.2', 'neuron 1.3', 'neuron 2.1']
>>> len(c.hidden) == len(model.parameters())
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import ops
from .engine import Value

__all__ = ["MODES", "Group", "Collapsed", "NeuronInfo", "module_neurons", "assign_groups",
           "input_derivatives"]

#: The ways a drawing can collapse a network.
MODES = ("neuron", "layer")


@dataclass
class Group:
    """One box of a collapsed drawing: one use of a neuron, or one layer on one input."""

    name: str
    detail: str
    nparams: int
    members: set[Value] = field(default_factory=set)
    outputs: list[Value] = field(default_factory=list)


@dataclass
class Collapsed:
    """What :func:`assign_groups` found: the boxes, the box of each node it took, and the
    parameters that disappear into their boxes."""

    groups: list[Group]
    group_of: dict[Value, int]
    hidden: set[Value]


@dataclass(frozen=True)
class NeuronInfo:
    """One neuron of a module: its layer and place (both from 1), activation, parameters."""

    layer: int
    number: int
    activation: str
    params: tuple[Value, ...]


def module_neurons(module: Any) -> list[NeuronInfo]:
    """Every neuron of ``module``, found by duck typing.

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
            found.append(NeuronInfo(li, ni, act, tuple(neuron.parameters())))
    return found


def _role(node: Value) -> str:
    op = ops.OPS.get(node.op_name)
    return "" if op is None else op.role


def assign_groups(order: Sequence[Value], module: Any, mode: str) -> Collapsed:
    """Which nodes of the graph (``order``, as :func:`autograd.topological_order` gives it)
    belong to which box, and which parameters the boxes hide.

    With ``mode="neuron"`` each use of a neuron (one per sample it was applied to) is a box; with
    ``mode="layer"`` the uses of a layer's neurons on the same inputs make one box.
    """
    if mode not in MODES:
        raise ValueError(f"collapse must be None, 'neuron' or 'layer', got {mode!r}")
    neurons = module_neurons(module)
    param_neuron: dict[Value, int] = {}
    for k, info in enumerate(neurons):
        for p in info.params:
            param_neuron[p] = k

    # Uses of neurons: ``use_neuron[u]`` is the neuron of use ``u``; pieces of one use joined by a
    # sum are merged with a small union-find (``merged``).
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
        role = _role(node)
        if joins and role == ops.GATHER and not pieces & complete:
            first = min(pieces)
            for u in pieces:
                merged[u] = first
            use_of[node] = first
        elif direct:
            u = len(use_neuron)
            use_of[node] = u
            use_neuron.append(direct.pop())
            merged.append(u)
            if role == ops.WEIGHTED_SUM:
                complete.add(u)
        elif joins and role == ops.ACTIVATION and len(pieces) == 1:
            u = pieces.pop()
            if u not in activated:
                use_of[node] = u
                activated.add(u)
                complete.add(u)

    position = {v: i for i, v in enumerate(order)}
    # Members of each use, root side first (``order`` is root first).
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

    per_layer: dict[int, list[NeuronInfo]] = {}
    for info in neurons:
        per_layer.setdefault(info.layer, []).append(info)

    groups: list[Group] = []
    group_of: dict[Value, int] = {}
    box_of: dict[tuple[Any, ...], int] = {}
    count: Counter[tuple[int, ...]] = Counter()
    who_of: list[tuple[int, ...]] = []  # the neuron or layer of each group
    for u in uses:
        info = neurons[use_neuron[u]]
        key: tuple[Any, ...] = (u,) if mode == "neuron" else (info.layer, signature(u))
        gi = box_of.get(key)
        if gi is None:
            gi = len(groups)
            box_of[key] = gi
            who: tuple[int, ...] = ((info.layer, info.number) if mode == "neuron"
                                    else (info.layer,))
            count[who] += 1
            who_of.append(who)
            if mode == "neuron":
                groups.append(Group(f"neuron {info.layer}.{info.number} #{count[who]}",
                                    info.activation, len(info.params)))
            else:
                layer = per_layer[info.layer]
                groups.append(Group(f"layer {info.layer} #{count[who]}",
                                    f"{len(layer)} neurons, {info.activation}",
                                    sum(len(n.params) for n in layer)))
        g = groups[gi]
        g.members.update(members[u])
        g.outputs.append(members[u][0])  # nearest the root: the neuron's output
        for v in members[u]:
            group_of[v] = gi
    # Drop "#1" where a neuron or layer was used once.
    for g, who in zip(groups, who_of):
        if count[who] == 1:
            g.name = g.name.rsplit(" #", 1)[0]
    # A parameter disappears into its box unless something outside the boxes uses it too.
    hidden = {p for p in param_neuron if p in position}
    for node in order:
        if node not in group_of:
            hidden.difference_update(node.parents)
    return Collapsed(groups, group_of, hidden)


def input_derivatives(group: Group, group_of: dict[Value, int], index: int) -> dict[Value, float]:
    """d(group output) / d(input) for each value outside the group that a member uses, holding
    the other inputs fixed: the number on an arrow into the box. Only for a group with one output.

    One pass over the group's own members (they are few), never over the graph behind them.
    """
    if len(group.outputs) != 1:
        raise ValueError(f"{group.name} has {len(group.outputs)} outputs; one is needed")
    # A member's users inside the group come before it in the walk: take the members in the order
    # of a search down from the output that enters a node once all its users inside are done.
    users_left: dict[Value, int] = {m: 0 for m in group.members}
    for m in group.members:
        for p in m.parents:
            if p in users_left:
                users_left[p] += 1
    grads: dict[Value, float] = {group.outputs[0]: 1.0}
    inputs: dict[Value, float] = {}
    ready = [group.outputs[0]]
    while ready:
        node = ready.pop()
        g = grads.pop(node, 0.0)
        for parent, local in zip(node.parents, node.local_grads):
            if group_of.get(parent) == index:
                grads[parent] = grads.get(parent, 0.0) + local * g
                users_left[parent] -= 1
                if users_left[parent] == 0:
                    ready.append(parent)
            else:
                inputs[parent] = inputs.get(parent, 0.0) + local * g
    return inputs
