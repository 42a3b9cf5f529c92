"""How numbers and ops are written in drawings, :func:`autograd.explain` and traces.

One place, so that a number reads the same in a drawing's box, on an arrow, in an explanation's
step and in a trace's table row.

>>> format_number(0.7615941559557649)
'0.7616'
>>> from autograd import Value
>>> op_text(Value(2.0) * 3)
'* 3'
"""

from __future__ import annotations

import math

from . import ops
from .engine import Value

__all__ = ["format_number", "op_text", "op_line"]


def format_number(x: float, digits: int = 4) -> str:
    """A number in at most ``digits`` significant digits, for labels.

    >>> format_number(2.0), format_number(-0.123456), format_number(1e-7), format_number(-0.0)
    ('2', '-0.1235', '1e-07', '0')
    """
    if x == 0.0:
        return "0"
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return format(x, f".{digits}g")


def op_text(node: Value) -> str:
    """What the op node of ``node`` shows: the op's symbol, and the constant it used if any.

    A weighted sum over data shows the data on a second line.

    >>> from autograd import Value
    >>> x = Value(1.0)
    >>> op_text(x * 3), op_text(x ** 2), op_text(2 - x), op_text(x.leaky_relu(0.1)), op_text(x)
    ('* 3', '** 2', '2 -', 'leaky_relu 0.1', '')
    """
    name = node.op_name
    if not name:
        return ""
    op = ops.OPS.get(name)
    if op is None:  # an op made outside the table (e.g. a test's deliberately wrong one)
        return node.op
    c = node.constant
    if op.arity == ops.UNARY_CONST:
        shown = format_number(float(c))
        if op.const_first:  # c - x, c / x, c ** x
            return f"{shown} {op.symbol}"
        return f"{op.symbol} {shown}"
    if op.arity == ops.NARY_CONST and isinstance(c, tuple):
        if len(c) <= 4:
            return f"{op.symbol}\nx = ({', '.join(format_number(float(v)) for v in c)})"
        return f"{op.symbol}\nx = {len(c)} numbers"
    return op.symbol


def op_line(node: Value) -> str:
    """:func:`op_text` on one line (for tables and sentences).

    >>> from autograd import dot
    >>> op_line(dot([Value(1.0)], [2.0], Value(0.0)))
    'w·x+b'
    """
    return op_text(node).split("\n", 1)[0]
