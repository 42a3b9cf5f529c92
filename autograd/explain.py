"""``explain(output, wrt)``: the chain rule made visible.

The derivative of ``output`` with respect to ``wrt`` is a sum over every path from ``wrt`` up to
``output``; each path contributes the product of the local derivatives on its steps. A weight used
twice has two paths; a deep network has very many, so paths are listed up to ``max_paths`` while
``.total`` is always the full gradient, computed by a backward pass of its own (no ``.grad`` is
read or written). Nodes are named as the drawing and the trace name them
(:mod:`autograd.naming`): labels where set, else ids such as ``#3``.

>>> from autograd import Value
>>> w = Value(3.0, label="w")
>>> x = Value(2.0, label="x")
>>> y = w * x + w            # w is used twice: two paths
>>> y.label = "y"
>>> e = explain(y, w)
>>> len(e.paths), [p.product for p in e.paths], e.total
(2, [2.0, 1.0], 3.0)
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from .engine import Value, topological_order
from .fmt import format_number, op_line
from .functional import backprop
from .naming import names_in_order

__all__ = ["explain", "Explanation", "Path", "Step"]


@dataclass(frozen=True)
class Step:
    """One step up a path: ``to`` is made by an op from ``source``; ``local`` is d to / d source.

    ``index`` says which of ``to``'s parents ``source`` is (they differ for ``a * a``).
    """

    source: Value
    to: Value
    local: float
    op: str
    index: int


@dataclass(frozen=True)
class Path:
    """A path from ``wrt`` up to ``output``, as its steps (first step leaves ``wrt``)."""

    steps: tuple[Step, ...]

    @property
    def product(self) -> float:
        """The product of the local derivatives along the path (1.0 for the empty path)."""
        result = 1.0
        for step in self.steps:
            result *= step.local
        return result


class Explanation:
    """The result of :func:`explain`: ``.total``, ``.paths``, ``.n_paths`` and a readable str."""

    def __init__(self, output: Value, wrt: Value, total: float, paths: list[Path], n_paths: int,
                 in_graph: bool, names: dict[Value, str], max_paths: int) -> None:
        self.output = output
        self.wrt = wrt
        self.total = total
        self.paths = paths
        self.n_paths = n_paths
        self.in_graph = in_graph
        self.max_paths = max_paths
        self._names = names

    @property
    def left_out(self) -> int:
        """How many paths exist but are not listed in ``.paths``."""
        return self.n_paths - len(self.paths)

    def name(self, node: Value) -> str:
        """How this explanation names a node: as the drawing and the trace of ``output`` do
        (:func:`autograd.naming.node_names`): its label, else an id such as ``#3``."""
        name = self._names.get(node)
        if name is not None:
            return name
        return node.label or f"[{format_number(node.data)}]"  # not behind output: no id

    def _heading(self) -> str:
        return f"d {self.name(self.output)} / d {self.name(self.wrt)}"

    def _step_text(self, step: Step) -> str:
        return (f"{self.name(step.source)} -> {self.name(step.to)}  via "
                f"{op_line(step.to)!r}: local derivative {format_number(step.local)}")

    def __str__(self) -> str:
        head = self._heading()
        wrt, out = self.name(self.wrt), self.name(self.output)
        total = format_number(self.total)
        if not self.in_graph:
            return (f"{head} = 0: {wrt} is not in the graph behind {out}, so no path leads "
                    f"from it to {out}")
        if self.output is self.wrt:
            return f"{head} = 1: {wrt} is the output itself"
        if not self.paths:
            return (f"{head} = {total}: {self.n_paths} paths, too many to list "
                    f"(max_paths={self.max_paths})")
        if self.n_paths == 1:
            (path,) = self.paths
            lines = [f"{head}: one path from {wrt} to {out}; the derivative is the product of "
                     "the local derivatives along it"]
            lines += ["  " + self._step_text(step) for step in path.steps]
            factors = " * ".join(format_number(s.local) for s in path.steps)
            lines.append(f"{head} = {factors} = {total}" if len(path.steps) > 1
                         else f"{head} = {total}")
            return "\n".join(lines)
        lines = [f"{head}: {self.n_paths} paths from {wrt} to {out}; each contributes the "
                 "product of the local derivatives along it, and the derivative is their sum"]
        for k, path in enumerate(self.paths, start=1):
            lines.append(f"path {k}:")
            lines += ["  " + self._step_text(step) for step in path.steps]
            if len(path.steps) > 1:  # a one-step path's product is its local derivative
                factors = " * ".join(format_number(s.local) for s in path.steps)
                lines.append(f"  product: {factors} = {format_number(path.product)}")
        terms = " + ".join(format_number(p.product) for p in self.paths)
        if self.left_out:
            shown = math.fsum(p.product for p in self.paths)
            lines.append(f"... and {self.left_out} more path{'s' if self.left_out != 1 else ''} "
                         f"not listed (max_paths={self.max_paths})")
            if len(self.paths) > 1:  # one listed path: its product is above already
                lines.append(f"sum of the {len(self.paths)} listed: {terms} = "
                             f"{format_number(shown)}")
            lines.append(f"{head} over all {self.n_paths} paths = {total}")
        else:
            lines.append(f"{head} = {terms} = {total}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Explanation {self._heading()} = {format_number(self.total)}, "
                f"{self.n_paths} paths>")

    def _repr_markdown_(self) -> str:
        head = self._heading()

        def code(text: str) -> str:
            return "`" + text.replace("`", "'") + "`"

        def cell(text: str) -> str:
            return html.escape(text).replace("|", "\\|")

        if not self.in_graph:
            return f"{code(head)} = **0**: {code(self.name(self.wrt))} is not in the graph."
        if self.n_paths == 1:
            how = "the product of the local derivatives along its one path."
        else:
            how = (f"the sum over {self.n_paths} paths of the product of the local derivatives "
                   "along each.")
        lines = [f"**{code(head)} = {format_number(self.total)}**, {how}", ""]
        if self.paths and self.output is not self.wrt:
            lines += ["| path | steps (local derivative) | product |", "|---|---|---|"]
            for k, path in enumerate(self.paths, start=1):
                steps = " → ".join(
                    [cell(self.name(self.wrt))]
                    + [f"{cell(self.name(s.to))} ({format_number(s.local)})" for s in path.steps]
                )
                lines.append(f"| {k} | {steps} | {format_number(path.product)} |")
        if self.left_out:
            lines += ["", f"*{self.left_out} more paths not listed (max_paths={self.max_paths}); "
                          "the total includes them.*"]
        return "\n".join(lines)


def count_paths(output: Value, wrt: Value) -> dict[Value, int]:
    """For each node behind ``output``, how many paths lead from ``wrt`` up to it (nonzero only).

    Dynamic programming over the graph, parents before users, so it costs one pass however many
    paths there are.
    """
    order = topological_order(output, stop=(wrt,))
    counts: dict[Value, int] = {}
    for node in reversed(order):
        if node is wrt:
            counts[node] = 1
            continue
        n = 0
        for parent in node.parents:
            n += counts.get(parent, 0)
        if n:
            counts[node] = n
    return counts


def explain(output: Value, wrt: Value, max_paths: int = 20) -> Explanation:
    """Every path from ``wrt`` up to ``output``, the product of local derivatives along each one,
    and their sum, the gradient.

    ``.total`` is always the full d output / d wrt (computed by its own backward pass, never by
    adding up listed paths); ``.paths`` lists at most ``max_paths`` paths and ``.n_paths`` counts
    them all. If ``wrt`` is not behind ``output`` there are no paths and ``.total`` is 0.0. No
    ``.grad`` attribute is read or changed.
    """
    if not isinstance(output, Value) or not isinstance(wrt, Value):
        raise TypeError(
            f"explain needs two Values, got {type(output).__name__} and {type(wrt).__name__}"
        )
    if isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 0:
        raise ValueError(f"max_paths must be an int >= 0, got {max_paths!r}")
    counts = count_paths(output, wrt)
    n_paths = counts.get(output, 0)
    names = names_in_order(topological_order(output))
    if n_paths == 0:
        return Explanation(output, wrt, 0.0, [], 0, False, names, max_paths)
    (total,) = backprop(output, [wrt])
    paths = _first_paths(output, wrt, counts, max_paths)
    return Explanation(output, wrt, float(total), paths, n_paths, True, names, max_paths)


def _first_paths(output: Value, wrt: Value, counts: dict[Value, int], limit: int) -> list[Path]:
    """The first ``limit`` paths in a fixed order (each node's parents in order), found by a
    depth-first walk down from ``output`` that only enters nodes with a path to ``wrt``."""
    paths: list[Path] = []
    if limit == 0:
        return paths
    # The stack holds (node, index of the next parent to try); ``trail`` the steps taken so far.
    trail: list[Step] = []
    stack: list[tuple[Value, int]] = [(output, 0)]
    while stack:
        node, i = stack[-1]
        if node is wrt:
            paths.append(Path(tuple(reversed(trail))))
            if len(paths) == limit:
                break
            stack.pop()
            if trail:
                trail.pop()
            continue
        while i < len(node.parents) and node.parents[i] not in counts:
            i += 1
        if i == len(node.parents):
            stack.pop()
            if trail:
                trail.pop()
            continue
        stack[-1] = (node, i + 1)
        parent = node.parents[i]
        trail.append(Step(parent, node, node.local_grads[i], node.op, i))
        stack.append((parent, 0))
    return paths
