"""A safe parser for small formulas such as ``"tanh(x*w + b)"``, built into engine ops.

The text is parsed with :mod:`ast` (``mode="eval"``) and the tree is *checked* against a short list
of allowed constructs before anything is computed; the tree is then walked, node by node, into the
engine's own operations. Nothing is ever compiled or run as Python code.

Allowed: numbers, names (the inputs), ``+ - * / **``, unary ``-`` and ``+``, and calls by plain
name of the op table's functions (:func:`autograd.ops.functions`: exp, log, tanh, sigmoid, relu,
sqrt, ...), read from the table when a formula is parsed, so an op added to the table can be
called at once. A function whose ``Value`` method takes a constant (``leaky_relu``'s slope,
``elu``'s alpha) takes it as an optional number after the input.
Anything else (attributes, subscripts, strings, comparisons, lambdas, keywords, other functions...)
raises :class:`ExpressionError` (a ``ValueError``) naming the construct and where it is.

Every name used must be bound, and every binding must be used: an unused binding is almost always
a typo, so it is an error too.

>>> out, inputs = evaluate("tanh(x*w + b)", {"x": 1.0, "w": 0.5, "b": 0.0})
>>> round(out.data, 6)
0.462117
>>> out.backward()
>>> round(inputs["w"].grad, 6)
0.786448
>>> evaluate("x.__class__", {"x": 1.0})
Traceback (most recent call last):
...
autograd.expression.ExpressionError: attribute access is not allowed (at column 1: 'x.__class__'); \
an expression may use numbers, names, + - * / **, unary minus and calls of ...
"""

from __future__ import annotations

import ast
import inspect
import math
import operator
import re
from collections.abc import Mapping
from typing import Any

from . import ops
from .engine import Value, as_float, no_grad

__all__ = ["evaluate", "parse", "ExpressionError", "MAX_LENGTH", "MAX_NODES"]

#: Longest expression accepted, in characters.
MAX_LENGTH = 10_000
#: Most syntax-tree nodes accepted.
MAX_NODES = 20_000

_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
}
_REFUSED_OPS: dict[type[ast.AST], str] = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.Invert: "~", ast.Not: "not",
}
_CONSTRUCTS: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripting",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.Compare: "a comparison",
    ast.BoolOp: "a boolean operator (and/or)",
    ast.IfExp: "a conditional expression (if/else)",
    ast.NamedExpr: "an assignment expression (:=)",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.Starred: "unpacking (*)",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "a slice",
}


def allowed() -> str:
    """What a formula may contain, with the functions the table has now."""
    return ("an expression may use numbers, names, + - * / **, unary minus and calls of "
            + ", ".join(ops.functions()))


class ExpressionError(ValueError):
    """The text is not an expression this parser accepts; the message says what and where."""


def _where(node: ast.AST, source: str) -> str:
    segment = ast.get_source_segment(source, node)
    col = getattr(node, "col_offset", None)
    text = "" if segment is None else segment if len(segment) <= 40 else segment[:37] + "..."
    if col is None:
        return f"({text!r})" if text else ""
    return f"(at column {col + 1}: {text!r})" if text else f"(at column {col + 1})"


def _refuse(what: str, node: ast.AST, source: str) -> ExpressionError:
    return ExpressionError(f"{what} is not allowed {_where(node, source)}; {allowed()}")


def parse(source: str) -> ast.Expression:
    """Parses and checks ``source``; returns the tree. Raises :class:`ExpressionError`.

    A formula that does not parse gets a message with the column and what was expected there:

    >>> parse("x*w +")
    Traceback (most recent call last):
    ...
    autograd.expression.ExpressionError: the formula ends too soon: expected a number, a name \
or '(' after '+' at column 6
    """
    if not isinstance(source, str):
        raise TypeError(f"an expression must be a str, got {type(source).__name__}")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is too long ({len(source)} characters; at most {MAX_LENGTH})"
        )
    if not source.strip():
        raise ExpressionError("the expression is empty")
    if "\x00" in source:
        raise ExpressionError("the expression contains a NUL character")
    for column, char in enumerate(source, 1):
        if "\ud800" <= char <= "\udfff":  # a byte that was not UTF-8, as the shell passed it
            raise ExpressionError(
                f"the expression is not valid UTF-8 text (a stray byte at column {column})"
            )
    text = source.strip()
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        raise ExpressionError(_syntax_message(text, err)) from None
    except (RecursionError, MemoryError):
        raise ExpressionError(
            "the expression is nested too deeply for Python's parser (too many brackets, "
            "signs or chained operators)"
        ) from None
    _check(tree, text)
    return tree


# Tokens for explaining a syntax error (the parser itself is ast's).
_TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[^\W\d]\w*)|(?P<op>\*\*|[-+*/])|(?P<open>\()|(?P<close>\))|(?P<comma>,)"
    r"|(?P<other>\S))"
)
_OPERAND = "a number, a name or '('"


def _syntax_message(text: str, err: SyntaxError) -> str:
    """What is wrong and where, for a formula that Python's parser refused."""
    found = _diagnose(text)
    if found is not None:
        return found
    reason = err.msg if err.msg and err.msg != "invalid syntax" else "cannot read this"
    where = f" at column {err.offset}" if err.offset else ""
    return f"cannot parse the formula{where}: {reason}"


def _diagnose(text: str) -> str | None:
    """Walks the tokens expecting an operand or an operator in turn; names the first surprise.

    Linear in the length of the text. Returns None when it finds nothing wrong (Python's own
    message is used then).
    """
    expect_operand = True
    opened: list[int] = []  # columns of the open brackets
    previous = ""
    previous_kind = ""
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            break  # only white space is left
        kind = match.lastgroup or ""
        token = match.group(kind)
        column = match.start(kind) + 1
        position = match.end()
        if kind in ("number", "name"):
            if not expect_operand:
                return (f"expected an operator such as + or * before {token!r} at column "
                        f"{column}")
            if kind == "number" and position < len(text) and (text[position].isalnum()
                                                               or text[position] == "_"):
                return f"a number runs into a name at column {column}: write 2*x, not 2x"
            expect_operand = False
        elif kind == "op":
            if expect_operand and token not in "+-":
                return f"expected {_OPERAND} before {token!r} at column {column}"
            expect_operand = True
        elif kind == "open":
            if not expect_operand and previous_kind != "name":
                return f"expected an operator such as + or * before '(' at column {column}"
            opened.append(column)
            expect_operand = True
        elif kind == "close":
            if not opened:
                return f"')' at column {column} has no matching '('"
            if expect_operand and previous_kind != "open":
                return f"expected {_OPERAND} before ')' at column {column}"
            opened.pop()
            expect_operand = False
        elif kind == "comma":
            if not opened or expect_operand:
                return (f"unexpected ',' at column {column}: commas only separate the "
                        "arguments of a call" + _call_example())
            expect_operand = True
        else:
            return f"unexpected character {token!r} at column {column}"
        previous, previous_kind = token, kind
    if opened:
        return f"'(' at column {opened[-1]} is never closed"
    if expect_operand and previous:
        return (f"the formula ends too soon: expected {_OPERAND} after {previous!r} at "
                f"column {len(text) + 1}")
    return None


def _check(tree: ast.Expression, source: str) -> None:
    """Refuses anything outside the allowed constructs, before anything is computed."""
    functions = ops.functions()
    count = 0
    stack: list[ast.AST] = [tree.body]
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(f"the expression is too large (more than {MAX_NODES} parts)")
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                kind = {str: "a string", bytes: "a bytes literal", complex: "a complex number",
                        bool: "True/False", type(None): "None"}.get(type(value), "a literal")
                if value is Ellipsis:
                    kind = "..."
                raise _refuse(kind, node, source)
        elif isinstance(node, ast.Name):
            if node.id in functions:
                raise ExpressionError(
                    f"{node.id!r} is a function: call it, as in {node.id}(x) "
                    f"{_where(node, source)}"
                )
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINOPS:
                raise _refuse(f"the operator {_REFUSED_OPS.get(type(node.op), '?')}", node,
                              source)
            stack += [node.right, node.left]
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise _refuse(f"the operator {_REFUSED_OPS.get(type(node.op), '?')}", node,
                              source)
            stack.append(node.operand)
        elif isinstance(node, ast.Call):
            _check_call(node, source, functions)
            stack += reversed(node.args)
        else:
            what = _CONSTRUCTS.get(type(node), f"{type(node).__name__} syntax")
            raise _refuse(what, node, source)


def _check_call(node: ast.Call, source: str, functions: tuple[str, ...]) -> None:
    if not isinstance(node.func, ast.Name):
        inner = node.func
        what = _CONSTRUCTS.get(type(inner), "calling anything but a function name")
        raise _refuse(what, inner, source)
    name = node.func.id
    if name not in functions:
        raise ExpressionError(
            f"unknown function {name!r} {_where(node, source)}; the functions are "
            + ", ".join(functions)
        )
    if node.keywords:
        raise _refuse(f"a keyword argument in {name}()", node, source)
    inputs, constants = _parameters(ops.by_method(name))
    most = len(inputs) + len(constants)
    if not len(inputs) <= len(node.args) <= most:
        fewest = len(inputs)
        count = str(fewest) if most == fewest else f"{fewest} or {most}" if most == fewest + 1 \
            else f"{fewest} to {most}"
        plural = "" if most == 1 else "s"
        raise ExpressionError(
            f"{name}() takes {count} argument{plural} ({', '.join(inputs + constants)}), "
            f"got {len(node.args)} {_where(node, source)}"
        )


def _parameters(op: ops.Op) -> tuple[list[str], list[str]]:
    """The names of what ``op``'s ``Value`` method takes: its inputs (the Value itself first) and
    its optional plain constants (``slope`` of ``leaky_relu``), read from the method."""
    method = getattr(Value, op.method)
    params = list(inspect.signature(method).parameters.values())[1:]
    names = ["x"] + [p.name for p in params]
    n_inputs = 2 if op.arity == ops.BINARY else 1
    return names[:n_inputs], names[n_inputs:]


def _call_example() -> str:
    """`` such as leaky_relu(x, 0.1)``: a call with a constant, from the table (or nothing)."""
    for op in ops.OPS.values():
        if op.method and op.arity == ops.UNARY_CONST:
            return f" such as {op.method}(x, 0.1)"
    return ""


def names_in(tree: ast.Expression) -> list[str]:
    """The input names an expression uses, in order of first appearance."""
    seen: dict[str, None] = {}
    stack: list[ast.AST] = [tree.body]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            seen.setdefault(node.id)
        elif isinstance(node, ast.Call):  # the function's own name is not an input
            stack.extend(reversed(node.args))
        else:
            stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return list(seen)


def evaluate(source: str, bindings: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
    """Builds ``source`` from engine ops with each name bound to a number.

    Returns ``(output, inputs)``: the output Value and a dict name -> input Value (a leaf labelled
    with its name), in the order of ``bindings``. Each intermediate node is labelled with the
    text it came from (when that is short). Errors: :class:`ExpressionError` for text that is not
    allowed, a name used but not bound, or a binding not used; the engine's ``ValueError``,
    ``ZeroDivisionError`` or ``OverflowError`` for a domain error (``log(-1)``, ``1/0``).
    """
    tree = parse(source)
    text = source.strip()
    used = names_in(tree)
    missing = [n for n in used if n not in bindings]
    if missing:
        raise ExpressionError(f"no value given for {', '.join(missing)} (use name=number)")
    unused = [n for n in bindings if n not in used]
    if unused:
        raise ExpressionError(f"{', '.join(unused)} given but not used in the expression")
    inputs: dict[str, Value] = {}
    for name, number in bindings.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ExpressionError(f"{name!r} is not a valid name")
        inputs[name] = Value(as_float(number, f"the value of {name}"), label=name)
    out = _build(tree.body, inputs, text)
    if not isinstance(out, Value):
        out = Value(out)
    return out, inputs


def _fold(apply: Any, *args: float) -> float:
    """An op on plain numbers, computed by the engine (same results and error messages)."""
    with no_grad():
        result = apply(Value(args[0]), *args[1:])
    return float(result.data)


def _binop(symbol: str, x: Value | float, y: Value | float) -> Value | float:
    if not isinstance(x, Value) and not isinstance(y, Value):
        return _fold(_APPLY[symbol], x, y)
    result: Value = _APPLY[symbol](x, y)
    return result


# Each binary operator applied through Value's own operators (numbers on either side work).
_APPLY: dict[str, Any] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "**": operator.pow,
}


def _build(root: ast.expr, inputs: dict[str, Value], source: str) -> Value | float:
    """Walks the checked tree bottom-up with an explicit stack (no recursion)."""
    results: dict[int, Value | float] = {}
    segments = _Segments(source)
    stack: list[tuple[ast.expr, bool]] = [(root, False)]
    while stack:
        node, ready = stack.pop()
        children: list[ast.expr]
        if isinstance(node, ast.BinOp):
            children = [node.left, node.right]
        elif isinstance(node, ast.UnaryOp):
            children = [node.operand]
        elif isinstance(node, ast.Call):
            children = list(node.args)
        else:
            children = []
        if children and not ready:
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(children))
            continue
        value: Value | float
        if isinstance(node, ast.Constant):
            value = _number(node, source)
        elif isinstance(node, ast.Name):
            value = inputs[node.id]
        elif isinstance(node, ast.BinOp):
            value = _binop(_BINOPS[type(node.op)], results.pop(id(node.left)),
                           results.pop(id(node.right)))
        elif isinstance(node, ast.UnaryOp):
            x = results.pop(id(node.operand))
            if isinstance(node.op, ast.USub):
                value = -x if isinstance(x, Value) else _fold(operator.neg, x)
            else:
                value = x
        else:
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            value = _call(node, [results.pop(id(a)) for a in node.args], source)
        if isinstance(value, Value) and value.parents and not value.label:
            segment = segments.short(node)
            if segment is not None:
                value.label = segment
        results[id(node)] = value
    return results[id(root)]


class _Segments:
    """The source text of a node, in time proportional to its length.

    ``ast.get_source_segment`` splits the whole source into lines at every call, so labelling
    each node of a long formula with it takes time quadratic in the length. The offsets in the
    tree count bytes of UTF-8 within a line; this keeps the encoded text and the byte offset of
    each line once.
    """

    __slots__ = ("data", "lines")

    #: Longest label taken from the text.
    LONGEST = 24

    def __init__(self, source: str) -> None:
        self.data = source.encode("utf-8")
        self.lines = [0]
        for line in self.data.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))

    def short(self, node: ast.AST) -> str | None:
        """The text of ``node`` if it is at most ``LONGEST`` characters long, else None."""
        end_line = getattr(node, "end_lineno", None)
        end_col = getattr(node, "end_col_offset", None)
        if end_line is None or end_col is None:
            return None
        start = self.lines[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]
        end = self.lines[end_line - 1] + end_col
        if end - start > 4 * self.LONGEST:  # a character is at most 4 bytes
            return None
        text = self.data[start:end].decode("utf-8")
        return text if len(text) <= self.LONGEST else None

    # The plain version, quadratic in the length of the formula:
    #     segment = ast.get_source_segment(source, node)
    #     return segment if segment is not None and len(segment) <= 24 else None


def _number(node: ast.Constant, source: str) -> float:
    value: Any = node.value
    try:
        number = float(value)
    except OverflowError:
        raise ExpressionError(f"the number is too large for a float {_where(node, source)}"
                              ) from None
    if math.isinf(number):
        raise ExpressionError(f"the number is too large for a float {_where(node, source)}")
    return number


def _call(node: ast.Call, args: list[Value | float], source: str) -> Value | float:
    """Applies the function ``node`` calls through its table entry's ``Value`` method: the inputs
    as Values (or plain numbers, folded), then any constants, which must be plain numbers."""
    assert isinstance(node.func, ast.Name)
    name = node.func.id
    op = ops.by_method(name)
    inputs, constants = _parameters(op)
    xs, cs = args[:len(inputs)], args[len(inputs):]
    for what, c in zip(constants, cs):
        if isinstance(c, Value):
            raise ExpressionError(
                f"{name}'s {what} must be a number, not an expression of the inputs "
                f"{_where(node, source)}"
            )
    method = getattr(Value, op.method)
    numbers = [v for v in args if not isinstance(v, Value)]
    if len(numbers) == len(args):
        return _fold(method, *numbers)
    x = xs[0]
    first = x if isinstance(x, Value) else Value(x)
    result: Value = method(first, *xs[1:], *cs)
    return result
