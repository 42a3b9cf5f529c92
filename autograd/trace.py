"""A backward pass, recorded step by step, to print as a table or draw frame by frame.

``Value.backward()`` visits the nodes from the output down (each after every node that uses it).
At each node with parents it takes the gradient that has arrived there, the *upstream* gradient
``dL/dnode``, and sends each parent ``local derivative * upstream``. :func:`trace_backward` does the
same pass on the side, into a dictionary, and keeps a record of every step; it never touches
``.grad`` unless you call :meth:`BackwardTrace.apply`.

Steps are numbered from 1, the same in the table, in :meth:`BackwardTrace.draw` (``draw(k)`` shows
step ``k``, ``draw(0)`` the start) and in the drawing's title. Nodes are named as the drawing and
:func:`autograd.explain` name them (:mod:`autograd.naming`): labels where set, else ``#3``-style
ids, which the drawing shows in each box.

>>> from autograd import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> c = a * b
>>> c.label = "c"
>>> t = trace_backward(c)
>>> print(t)
step | node | op | upstream dL/dnode | parent: local derivative -> contribution
   1 | c    | *  | 1                 | a: -3 -> -3; b: 2 -> 2
gradients of the leaves: a = -3, b = 2
>>> t.grads[a], a.grad
(-3.0, 0.0)
"""

from __future__ import annotations

import html
from typing import Any

from .dot import GraphvizNotFoundError
from .engine import Value, as_float
from .fmt import format_number, op_line
from .player import TooManyNodesError, fragment, page
from .recording import Contribution, Recording, TraceStep, record_backward
from .viz import to_dot

__all__ = ["trace_backward", "BackwardTrace", "TraceStep", "Contribution"]


class BackwardTrace(Recording):
    """The recorded pass (:class:`autograd.recording.Recording`: ``.steps`` in order,
    ``.grads`` at the end), as a table, a drawing of any step and the player."""

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """The table as strings: step, node, op, upstream, contributions."""
        out = []
        for step in self.steps:
            sent = "; ".join(
                f"{self.name(c.parent)}: {format_number(c.local)} -> {format_number(c.amount)}"
                for c in step.contributions
            )
            out.append((str(step.number), self.name(step.node), op_line(step.node),
                        format_number(step.upstream), sent))
        return out

    def __str__(self) -> str:
        header = ("step", "node", "op", "upstream dL/dnode",
                  "parent: local derivative -> contribution")
        rows = self.rows()
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
        lines = []
        for r in [header, *rows]:
            cells = [r[0].rjust(widths[0])] + [r[i].ljust(widths[i]) for i in (1, 2, 3)]
            lines.append(" | ".join([*cells, r[4]]))
        leaves = sorted((v for v in self.grads if not v.parents), key=self.name)
        final = ", ".join(f"{self.name(v)} = {format_number(self.grads[v])}" for v in leaves)
        lines.append(f"gradients of the leaves: {final}")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        lines = ["| step | node | op | upstream dL/dnode | parent: local → contribution |",
                 "|---:|---|---|---:|---|"]
        for r in self.rows():
            cells = [c.replace("|", "\\|") for c in r]
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def title(self, k: int) -> str:
        """The title of frame ``k``: what step ``k`` did (``k`` from 1), or the start (0)."""
        n = len(self.steps)
        if not 0 <= k <= n:
            raise IndexError(f"step {k} is out of range: the trace has steps 1 to {n} "
                             "(0 is the start)")
        if k == 0:
            root = self.name(self.root)
            return (f"start (before step 1 of {n}): the seed d {root} / d {root} = "
                    f"{format_number(self.seed)}")
        step = self.steps[k - 1]
        return (f"step {k} of {n}: {self.name(step.node)} sent its gradient "
                f"{format_number(step.upstream)} times each local derivative to its parents")

    def to_dot(self, k: int, rankdir: str = "LR", **options: Any) -> str:
        """DOT for step ``k`` (from 1, as in the table): the gradients once step ``k`` is done,
        with step ``k``'s node, its op and the arrows to its parents in red. ``k = 0`` shows the
        start (only the seed at the root)."""
        title = self.title(k)
        current = self.steps[k - 1].node if k else None
        return to_dot(self.root, rankdir, grads=self.grads_before(k), highlight=current,
                      title=title, **options)

    def draw(self, k: int, rankdir: str = "LR", **options: Any) -> Any:
        """A ``graphviz.Digraph`` of step ``k`` (see :meth:`to_dot`)."""
        import graphviz

        body = self.to_dot(k, rankdir, **options).strip().splitlines()[1:-1]
        dg = graphviz.Digraph(name="autograd")
        dg.body.extend(line + "\n" for line in body)
        return dg

    def to_html(self, rankdir: str = "LR", **options: Any) -> str:
        """The backprop player: a self-contained HTML page (see :mod:`autograd.player`)."""
        return page(self, rankdir=rankdir, **options)

    def _repr_html_(self) -> str | None:
        """In Jupyter: the player inline (past its size cap, a note saying so; without the
        Graphviz ``dot`` program, nothing, so the table shows instead)."""
        try:
            return fragment(self)
        except TooManyNodesError as err:
            return f"<p>{html.escape(str(err))}</p>"
        except GraphvizNotFoundError:
            return None

    def apply(self) -> None:
        """Adds the recorded gradients to ``.grad``, as ``root.backward(seed)`` would."""
        for node, g in self.grads.items():
            node.grad += g


def trace_backward(root: Value, grad: float = 1.0) -> BackwardTrace:
    """Runs the backward pass from ``root`` into a record, leaving every ``.grad`` untouched.

    Each step is one node that sends gradient, in the order ``backward()`` visits them (the same
    loop, :func:`autograd.engine.chain_rule`, observed): the gradient that arrived at it
    (``upstream``) and, for each parent, the local derivative and what it sends
    (``local * upstream``). Like ``backward()``, the pass skips a node whose gradient is 0 (it
    would send 0 everywhere), unless one of its local derivatives is inf or nan.
    ``.grads`` sums what every node received: the same numbers
    ``root.backward(grad)`` adds to ``.grad``. (The recording is
    :func:`autograd.recording.record_backward`'s.)
    """
    if not isinstance(root, Value):
        raise TypeError(f"trace_backward needs a Value, got {type(root).__name__}")
    return record_backward(root, as_float(grad, "trace_backward grad"), BackwardTrace)
