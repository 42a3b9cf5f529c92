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
from collections.abc import Sequence

from . import ops
from .cli_base import HelpFormatter, UsageError
from .expression import ExpressionError, evaluate
from .files import atomic_write, check_writable
from .viz import RANKDIRS, format_number, render, to_dot

__all__ = ["add_parser", "run", "parse_binding", "protect_formula"]

_EXTENSIONS = (".dot", ".svg", ".png", ".pdf", ".html")
# The options of ``graph`` that take a value, and those that do not.
_WITH_VALUE = ("-o", "--output", "--rankdir", "--max-nodes")
_FLAGS = ("-h", "--help")


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "graph",
        help="evaluate a formula, run backward, print the gradients and draw the graph",
        description=(
            "Evaluate a formula such as 'tanh(x*w + b)' with the given inputs, run backward, "
            "print each input's gradient and write the graph with the local derivative on "
            "every edge. The formula may use numbers, names, + - * / **, unary minus and the "
            f"functions of the op table ({', '.join(ops.functions())}); it is parsed, never "
            "run as code."
        ),
        epilog=(
            "examples:\n"
            "  autograd graph 'tanh(x*w + b)' x=1 w=0.5 b=0 -o graph.svg\n"
            "  autograd graph '-x**2' x=3          (a formula may start with a minus sign)"
        ),
        formatter_class=HelpFormatter,
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


def protect_formula(argv: Sequence[str]) -> list[str]:
    """``argv`` with a ``graph`` formula that starts with ``-`` marked as an argument.

    argparse would read ``-x*w`` as an unknown option. The first argument after ``graph``
    that is not one of its options (or an option's value) is the formula; if it starts with
    ``-`` it gets a leading space, which argparse leaves alone and the parser strips.

    >>> protect_formula(["graph", "-x", "x=1"])
    ['graph', ' -x', 'x=1']
    >>> protect_formula(["graph", "-o", "g.svg", "-x", "x=1"])
    ['graph', '-o', 'g.svg', ' -x', 'x=1']
    """
    args = list(argv)
    try:
        i = args.index("graph") + 1
    except ValueError:
        return args
    if any(a in ("train",) or not a.startswith("-") for a in args[:i - 1]):
        return args  # "graph" is not the command word here
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return args
        if arg in _WITH_VALUE:
            i += 2
        elif arg in _FLAGS or arg.split("=", 1)[0] in _WITH_VALUE[1:]:
            i += 1
        else:
            if arg.startswith("-"):
                args[i] = " " + arg
            return args
    return args


def run(args: argparse.Namespace) -> int:
    bindings: dict[str, float] = {}
    for text in args.bindings:
        try:
            name, value = parse_binding(text)
        except ValueError as err:
            raise UsageError(str(err)) from None
        if name in bindings:
            raise UsageError(f"{name} is given twice")
        bindings[name] = value
    output = args.output
    if output is not None and not output.lower().endswith(_EXTENSIONS):
        raise UsageError(
            f"cannot tell the format of {output!r}; "
            "use a .dot, .svg, .png, .pdf or .html file name"
        )
    if args.max_nodes < 1:
        raise UsageError("--max-nodes must be at least 1")
    try:
        out, inputs = evaluate(args.expression, bindings)
    except ExpressionError as err:
        raise UsageError(str(err)) from None
    if output is not None:
        check_writable(output)  # before drawing, which can take a while
    out.label = out.label or "out"
    out.backward()
    lines = [f"value = {format_number(out.data, 10)}"]
    lines += [f"d/d{name} = {format_number(v.grad, 10)}" for name, v in inputs.items()]
    if output is None:
        text = to_dot(out, args.rankdir, max_nodes=args.max_nodes)
        sys.stdout.write("".join(f"// {line}\n" for line in lines) + text + "\n")
        return 0
    if output.lower().endswith(".html"):
        from .player import page
        from .trace import trace_backward

        # through files.atomic_write, as every other output: whole or not at all, and keeping
        # the old file's permission bits (player.save would make it 0644)
        atomic_write(output, page(trace_backward(out), rankdir=args.rankdir,
                                  max_nodes=args.max_nodes))
    else:
        render(out, output, args.rankdir, max_nodes=args.max_nodes)
    sys.stdout.write("".join(f"{line}\n" for line in lines) + f"wrote {output}\n")
    return 0
