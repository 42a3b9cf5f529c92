"""The backward pass recorded on the side, step by step: the data behind :mod:`autograd.trace`
(which prints and draws it) and :mod:`autograd.player` (which plays it).

:func:`record_backward` runs the very loop ``backward()`` runs
(:func:`autograd.engine.chain_rule`), observed, on borrowed gradients: every ``.grad`` ends as
it was. It imports neither the drawing nor the player, so both can record a pass.

>>> from autograd import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> r = record_backward(a * b)
>>> [(r.name(c.parent), c.local, c.amount) for c in r.steps[0].contributions]
[('a', -3.0, -3.0), ('b', 2.0, 2.0)]
>>> r.grads[a], a.grad
(-3.0, 0.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, overload

from .engine import Value, as_float, borrowed_grads, chain_rule, topological_order
from .naming import names_in_order

__all__ = ["record_backward", "Recording", "TraceStep", "Contribution"]


@dataclass(frozen=True)
class Contribution:
    """What one step sends to one parent: ``local * upstream``."""

    parent: Value
    local: float
    amount: float


@dataclass(frozen=True)
class TraceStep:
    """One node's turn in the backward pass: step ``number`` (from 1), at ``.steps[index]``."""

    index: int
    node: Value
    upstream: float
    contributions: tuple[Contribution, ...]

    @property
    def number(self) -> int:
        """The step's number as the table and the drawings show it: 1 for the first step."""
        return self.index + 1

    @property
    def local_grads(self) -> tuple[float, ...]:
        return tuple(c.local for c in self.contributions)


class Recording:
    """The recorded pass: ``.steps`` in order, ``.grads`` (node -> gradient) at the end, the
    nodes in ``.order`` (the output first), each named as the drawing names it."""

    def __init__(self, root: Value, seed: float, order: list[Value], steps: list[TraceStep],
                 grads: dict[Value, float]) -> None:
        self.root = root
        self.seed = seed
        self.order = order
        self.steps = steps
        self.grads = grads
        self._names = names_in_order(order)

    def __len__(self) -> int:
        return len(self.steps)

    def name(self, node: Value) -> str:
        """The node's name, as in the drawing and :func:`autograd.explain`."""
        return self._names.get(node, "?")

    def grads_before(self, k: int) -> dict[Value, float]:
        """The gradients accumulated once steps 1 to ``k`` are done (0 gives only the seed)."""
        if not 0 <= k <= len(self.steps):
            raise IndexError(f"step {k} is out of range: the trace has {len(self.steps)} steps")
        grads: dict[Value, float] = {self.root: self.seed}
        for step in self.steps[:k]:
            for c in step.contributions:
                grads[c.parent] = grads.get(c.parent, 0.0) + c.amount
        return grads


R = TypeVar("R", bound=Recording)


@overload
def record_backward(root: Value, grad: float = 1.0) -> Recording: ...


@overload
def record_backward(root: Value, grad: float, kind: type[R]) -> R: ...


def record_backward(root: Value, grad: float = 1.0,
                    kind: type[Recording] = Recording) -> Recording:
    """Runs the backward pass from ``root`` into a record (a ``kind``), leaving every ``.grad``
    untouched.

    Each step is one node that sends gradient, in the order ``backward()`` visits them: the
    gradient that arrived at it (``upstream``) and, for each parent, the local derivative and
    what it sends (``local * upstream``). Like ``backward()``, the pass skips a node whose
    gradient is 0 (it would send 0 everywhere), unless one of its local derivatives is inf or
    nan. ``.grads`` sums what every node received: the same numbers ``root.backward(grad)``
    adds to ``.grad``.
    """
    if not isinstance(root, Value):
        raise TypeError(f"recording a backward pass needs a Value, got {type(root).__name__}")
    seed = as_float(grad, "the backward pass's grad")
    order = topological_order(root)
    steps: list[TraceStep] = []

    def record(node: Value) -> None:
        upstream = node.grad
        sent = tuple(Contribution(parent, local, local * upstream)
                     for parent, local in zip(node.parents, node.local_grads))
        steps.append(TraceStep(len(steps), node, upstream, sent))

    # the very loop backward() runs, observed, on borrowed gradients: .grad ends as it was
    with borrowed_grads(order):
        root.grad = seed
        chain_rule([v for v in order if v.parents], observe=record)
        grads = {v: v.grad for v in order}
    return kind(root, seed, order, steps, grads)
