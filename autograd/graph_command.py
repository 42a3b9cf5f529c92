"""``python -m autograd graph EXPR name=number ...``: evaluate a formula, backprop, draw it.

The formula is parsed by :mod:`autograd.expression` (never evaluated as Python). The command
prints the output value and each input's gradient, one line each, in the order the bindings were
given, then writes the graph: DOT text to stdout without ``-o`` (the value and gradient lines are
then DOT ``//`` comments, so the whole output is a valid DOT file), or the file named by ``-o``
(``.dot``, or ``.svg``/``.png``/``.pdf`` through the Graphviz ``dot`` program, or ``.html``: the
backprop player, a page that plays the forward and backward pass step by step).
"""

from __future__ import annotations

import argparse
import math
import sys

from .expression import ExpressionError, evaluate
from .viz import RANKDIRS, format_number, render, to_dot

__all__ = ["add_parser", "run", "parse_binding"]

_EXTENSIONS = (".dot", ".svg", ".png", ".pdf", ".html")


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "graph",
        help="evaluate a formula, run backward, print the gradients and draw the graph",
        description=(
            "Evaluate a formula such as 'tanh(x*w + b)' with the given inputs, run backward, "
            "print each input's gradient and write the graph with the local derivative on "
            "every edge. The formula may use numbers, names, + - * / **, unary minus and the "
            "functions exp, log, tanh, sigmoid, relu, sqrt, sin, cos, abs, softplus and "
            "leaky_relu; it is parsed, never run as code."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("expression", help="the formula, e.g. 'tanh(x*w + b)'")
    parser.add_argument("bindings", nargs="*", metavar="name=number",
                        help="a value for each name in the formula")
    parser.add_argument("-o", "--output", default=None,
                        help="write the graph to this .dot, .svg, .png or .pdf file, or the "
                             "backprop player to a .html page (default: DOT text to stdout)")
    parser.add_argument("--rankdir", default="LR", choices=RANKDIRS,
                        help="direction of the drawing")
    parser.add_argument("--max-nodes", type=int, default=500,
                        help="draw at most this many values")
    parser.set_defaults(run=run)


def parse_binding(text: str) -> tuple[str, float]:
    """``"x=1.5"`` -> ``("x", 1.5)``; raises ValueError with a one-line reason.

    >>> parse_binding("w=-0.5")
    ('w', -0.5)
    """
    name, sep, number = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ValueError(f"bad binding {text!r}: write name=number, e.g. x=1.5")
    if not name.isidentifier():
        raise ValueError(f"bad binding {text!r}: {name!r} is not a valid name")
    try:
        value = float(number.strip())
    except ValueError:
        raise ValueError(f"bad binding {text!r}: {number.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"bad binding {text!r}: the value must be finite")
    return name, value


def run(args: argparse.Namespace) -> int:
    from .cli import UsageError

    bindings: dict[str, float] = {}
    for text in args.bindings:
        try:
            name, value = parse_binding(text)
        except ValueError as err:
            raise UsageError(f"autograd graph: {err}") from None
        if name in bindings:
            raise UsageError(f"autograd graph: {name} is given twice")
        bindings[name] = value
    output = args.output
    if output is not None and not output.lower().endswith(_EXTENSIONS):
        raise UsageError(
            f"autograd graph: cannot tell the format of {output!r}; "
            "use a .dot, .svg, .png, .pdf or .html file name"
        )
    if args.max_nodes < 1:
        raise UsageError("autograd graph: --max-nodes must be at least 1")
    try:
        out, inputs = evaluate(args.expression, bindings)
    except ExpressionError as err:
        raise UsageError(f"autograd graph: {err}") from None
    out.label = out.label or "out"
    out.backward()
    lines = [f"value = {format_number(out.data, 10)}"]
    lines += [f"d/d{name} = {format_number(v.grad, 10)}" for name, v in inputs.items()]
    if output is None:
        text = to_dot(out, args.rankdir, max_nodes=args.max_nodes)
        sys.stdout.write("".join(f"// {line}\n" for line in lines) + text + "\n")
        return 0
    if output.lower().endswith(".html"):
        from .player import page, save
        from .trace import trace_backward

        save(page(trace_backward(out), rankdir=args.rankdir, max_nodes=args.max_nodes), output)
    else:
        render(out, output, args.rankdir, max_nodes=args.max_nodes)
    sys.stdout.write("".join(f"{line}\n" for line in lines) + f"wrote {output}\n")
    return 0
