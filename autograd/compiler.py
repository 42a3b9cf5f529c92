"""``autograd.compile``: trace a function once, write its forward and backward as Python, reuse it.

Backprop is a program that the engine writes as it goes: for each node, a line of forward
arithmetic, and later, in reverse order, a line per parent saying how much gradient it receives.
:func:`compile` writes that program down once, as plain Python source, and runs it on new
numbers at every call. The source is a lesson in itself (``cf.source``)::

    >>> from autograd import Value, compile
    >>> w1, w2, b = Value(0.5, label="w1"), Value(-1.0, label="w2"), Value(0.1, label="b")
    >>> cf = compile(lambda x1, x2: (w1 * x1 + w2 * x2 + b).tanh())
    >>> round(cf(1.0, 2.0), 6)
    -0.885352
    >>> round(w1.grad, 6), round(w2.grad, 6)        # as (w1*x1 + w2*x2 + b).tanh().backward()
    (0.216152, 0.432305)

How the code is written: every rule of the op table is run on *symbolic operands*, objects that
print themselves, the same way the rules run on floats (the local derivatives of a node) and on
Values (higher-order derivatives). ``tanh``'s rule ``1.0 - out * out`` run on the operand ``v4``
gives the text ``1.0 - v4 * v4``. A rule that branches (relu: ``1.0 if x > 0.0 else 0.0``) is run
once per branch and becomes a conditional expression; a rule that cannot run symbolically (it
calls ``float()`` or ``math.*`` on its operand) is called by name from the generated code. So a
new op of the table, or a user's own op, compiles with no extra work.

What the generated code does, per sample, is what ``backward()`` does: the same operations in the
same order (results are bit-identical to the eager engine for the same graph; on Python 3.12 and
later, whose ``sum()`` of floats compensates rounding, a neuron's weighted sum written out as
additions may differ in the last bits), except that the
gradients of the leaves are summed over the samples in local variables and added to ``.grad``
once, and that a block of backward work whose upstream gradient is zero (a relu that is off) is
skipped, as ``backward()`` skips it.

Guards: a comparison of Values taken while tracing (``if x > 0``, ``max(0, v)``, ``x == 2``,
``if v:``) is recorded and checked again at every call; if it comes out differently, the function
is traced again for that branch (with a warning the first time), never run down the wrong branch.
A number taken out of a Value while tracing (``float(v)``, ``int(v)``, ``round(v)``,
``v.item()``) is a guard that it is the same number at the next call, since the code would keep
it as a constant.

Limits: numbers that ``f`` reads with ``.data`` while tracing, or computes inside ``no_grad()``,
are baked into the code as constants, as in any tracing compiler (``jax.jit``,
``torch.compile``): ``.data`` is the way to take a number on purpose. One trace is capped at
:data:`MAX_NODES` nodes (see there).
"""

from __future__ import annotations

import inspect
import keyword
import linecache
import math
import sys
import threading
import types
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from . import engine, ops
from .collector import gc_paused
from .engine import Value, enable_grad, is_grad_enabled, topological_order

# ``compile`` is public (``autograd.compile``) but not listed: a star import must not replace
# the builtin ``compile``.
__all__ = ["CompiledFunction", "MAX_NODES"]

#: The largest graph one trace may have. Python compiles straight-line code at about 12 µs a line
#: (measured on this project's machine), so a trace of 20,000 nodes (about 60,000 lines of forward
#: and backward) already takes most of a second to compile, longer than running it eagerly a few
#: times. A training step over a data set is many small identical graphs: compile the per-sample
#: function and pass the samples to :meth:`CompiledFunction.sum` instead.
MAX_NODES = 20_000

#: A rule with more branches than this is called by name instead of written out.
MAX_PATHS = 8

#: Compiled branches kept per function (one per outcome of its guards), oldest dropped first.
MAX_VARIANTS = 8


class _NotSymbolicError(Exception):
    """A rule did something a symbolic operand cannot do (``float(x)``, ``math.exp(x)``)."""


class _GuardFailedError(Exception):
    """A comparison recorded while tracing came out differently at this call."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


class _FallbackError(Exception):
    """The generated code cannot vouch for this call (a non-finite local derivative where it
    would skip work); the eager engine computes it instead."""


# ---------------------------------------------------------------------------------------------
# Symbolic operands: expressions that print themselves
# ---------------------------------------------------------------------------------------------

# Python's operator precedence, lowest first (only what the generated code uses).
_COND, _NOT, _CMP, _ADD, _MUL, _UNARY, _POW, _ATOM = 1, 4, 5, 10, 11, 12, 13, 14
_BIN_PREC = {"+": _ADD, "-": _ADD, "*": _MUL, "/": _MUL, "//": _MUL, "%": _MUL, "**": _POW}

_explorers: list[_Explorer] = []


class Expr:
    """A symbolic operand: arithmetic on it builds a bigger expression instead of a number.

    >>> x, y = Name("x"), Name("y")
    >>> render(1.0 - x * (y + 2.0))
    '1.0 - x * (y + 2.0)'
    """

    __slots__ = ()

    def __add__(self, other: object) -> Expr:
        return _bin("+", self, other)

    def __radd__(self, other: object) -> Expr:
        if type(other) is int and other == 0:
            return self  # builtin sum() starts from the int 0: 0 + x is x
        return _bin("+", other, self)

    def __sub__(self, other: object) -> Expr:
        return _bin("-", self, other)

    def __rsub__(self, other: object) -> Expr:
        return _bin("-", other, self)

    def __mul__(self, other: object) -> Expr:
        return _bin("*", self, other)

    def __rmul__(self, other: object) -> Expr:
        return _bin("*", other, self)

    def __truediv__(self, other: object) -> Expr:
        return _bin("/", self, other)

    def __rtruediv__(self, other: object) -> Expr:
        return _bin("/", other, self)

    def __floordiv__(self, other: object) -> Expr:
        return _bin("//", self, other)

    def __rfloordiv__(self, other: object) -> Expr:
        return _bin("//", other, self)

    def __mod__(self, other: object) -> Expr:
        return _bin("%", self, other)

    def __rmod__(self, other: object) -> Expr:
        return _bin("%", other, self)

    def __pow__(self, other: object) -> Expr:
        return _bin("**", self, other)

    def __rpow__(self, other: object) -> Expr:
        return _bin("**", other, self)

    def __neg__(self) -> Expr:
        return Neg(self)

    def __pos__(self) -> Expr:
        return self

    def __abs__(self) -> Expr:
        return Call("abs", (self,))

    def __lt__(self, other: object) -> Expr:
        return Compare("<", self, _lift(other))

    def __le__(self, other: object) -> Expr:
        return Compare("<=", self, _lift(other))

    def __gt__(self, other: object) -> Expr:
        return Compare(">", self, _lift(other))

    def __ge__(self, other: object) -> Expr:
        return Compare(">=", self, _lift(other))

    def __eq__(self, other: object) -> Expr:  # type: ignore[override]
        return Compare("==", self, _lift(other))

    def __ne__(self, other: object) -> Expr:  # type: ignore[override]
        return Compare("!=", self, _lift(other))

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        # A branch in a rule: the explorer runs the rule once for each outcome.
        if not _explorers:
            raise _NotSymbolicError("a branch on a symbolic operand outside a rule")
        return _explorers[-1].decide(self)

    def __float__(self) -> float:
        raise _NotSymbolicError("float() of a symbolic operand")

    def __int__(self) -> int:
        raise _NotSymbolicError("int() of a symbolic operand")

    def __index__(self) -> int:
        raise _NotSymbolicError("index of a symbolic operand")

    def __getattr__(self, name: str) -> Callable[..., Any]:
        # x.sigmoid(), x.log(): the op of the table with that method, applied symbolically.
        if name.startswith("_"):
            raise AttributeError(name)
        for op in ops.OPS.values():
            if op.method == name:
                return lambda *extra: _apply_symbolic(op, (self, *extra))
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"Expr({render(self)!r})"


class Name(Expr):
    """A variable of the generated code."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Const(Expr):
    """A number written into the code (``repr`` round-trips every float exactly)."""

    __slots__ = ("value",)

    def __init__(self, value: float) -> None:
        self.value = value


class Bin(Expr):
    __slots__ = ("op", "left", "right")

    def __init__(self, op: str, left: Expr, right: Expr) -> None:
        self.op = op
        self.left = left
        self.right = right


class Neg(Expr):
    __slots__ = ("operand",)

    def __init__(self, operand: Expr) -> None:
        self.operand = operand


class Compare(Expr):
    __slots__ = ("op", "left", "right")

    def __init__(self, op: str, left: Expr, right: Expr) -> None:
        self.op = op
        self.left = left
        self.right = right


class Cond(Expr):
    """``body if test else orelse``."""

    __slots__ = ("test", "body", "orelse")

    def __init__(self, test: Expr, body: Expr, orelse: Expr) -> None:
        self.test = test
        self.body = body
        self.orelse = orelse


class Call(Expr):
    """A call of a function bound in the generated code's namespace (``tanh(v3)``)."""

    __slots__ = ("func", "args")

    def __init__(self, func: str, args: tuple[Any, ...]) -> None:
        self.func = func
        self.args = args


class Tuple(Expr):
    __slots__ = ("items",)

    def __init__(self, items: tuple[Expr, ...]) -> None:
        self.items = items


class Index(Expr):
    __slots__ = ("base", "index")

    def __init__(self, base: Expr, index: int) -> None:
        self.base = base
        self.index = index


class Not(Expr):
    __slots__ = ("operand",)

    def __init__(self, operand: Expr) -> None:
        self.operand = operand


def _lift(x: object) -> Expr:
    if isinstance(x, Expr):
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return Const(x)
    if isinstance(x, (tuple, list)):
        return Tuple(tuple(_lift(item) for item in x))
    raise _NotSymbolicError(f"an operand of type {type(x).__name__}")


def _is_const(e: Expr, value: float) -> bool:
    return isinstance(e, Const) and e.value == value and math.copysign(1.0, e.value) > 0


def _bin(op: str, a: object, b: object) -> Expr:
    left, right = _lift(a), _lift(b)
    if op == "*":
        # 1.0 * x is x exactly: leave the factor out (a gradient passed on unchanged)
        if _is_const(left, 1.0):
            return right
        if _is_const(right, 1.0):
            return left
        # -1.0 * x is -x exactly
        if type(left) is Const and left.value == -1.0:
            return Neg(right)
    return Bin(op, left, right)


# --- printing -----------------------------------------------------------------------------------


def _const_text(v: float) -> tuple[str, int]:
    if isinstance(v, float) and not math.isfinite(v):
        text = "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    else:
        text = repr(v)
    return text, (_UNARY if text.startswith("-") else _ATOM)


def _prec(e: Expr, inline: dict[str, Expr]) -> int:
    if isinstance(e, Name):
        sub = inline.get(e.name)
        return _ATOM if sub is None else _prec(sub, inline)
    if isinstance(e, Const):
        return _const_text(e.value)[1]
    if isinstance(e, Bin):
        return _BIN_PREC[e.op]
    if isinstance(e, Neg):
        return _UNARY
    if isinstance(e, Compare):
        return _CMP
    if isinstance(e, Cond):
        return _COND
    if isinstance(e, Not):
        return _NOT
    return _ATOM


def render(e: Expr, inline: dict[str, Expr] | None = None) -> str:
    """Python source for ``e``, with the fewest parentheses that keep its evaluation order.

    ``inline`` maps variable names to the expressions to write in their place.

    >>> a, b, c = Name("a"), Name("b"), Name("c")
    >>> render(a - (b - c)), render((a - b) - c), render(-(a ** 2.0)), render((-a) ** 2.0)
    ('a - (b - c)', 'a - b - c', '-(a ** 2.0)', '(-a) ** 2.0')
    """
    return _render(e, {} if inline is None else inline)


def _wrap(e: Expr, inline: dict[str, Expr], parens: bool) -> str:
    text = _render(e, inline)
    return f"({text})" if parens else text


def _render(e: Expr, inline: dict[str, Expr]) -> str:
    if isinstance(e, Name):
        sub = inline.get(e.name)
        return e.name if sub is None else _render(sub, inline)
    if isinstance(e, Const):
        return _const_text(e.value)[0]
    if isinstance(e, Bin):
        assert isinstance(e, Bin)
        p = _BIN_PREC[e.op]
        lp, rp = _prec(e.left, inline), _prec(e.right, inline)
        if e.op == "**":  # right-associative, and binds tighter than a unary minus on its left
            left = _wrap(e.left, inline, lp <= p)
            right = _wrap(e.right, inline, rp < p)
        else:
            left = _wrap(e.left, inline, lp < p)
            right = _wrap(e.right, inline, rp <= p)
        return f"{left} {e.op} {right}"
    if isinstance(e, Neg):
        assert isinstance(e, Neg)
        # -(x ** 2) needs no parentheses in Python, but a reader would wonder: keep them
        return "-" + _wrap(e.operand, inline, _prec(e.operand, inline) <= _POW)
    if isinstance(e, Compare):
        assert isinstance(e, Compare)
        left = _wrap(e.left, inline, _prec(e.left, inline) <= _CMP)
        right = _wrap(e.right, inline, _prec(e.right, inline) <= _CMP)
        return f"{left} {e.op} {right}"
    if isinstance(e, Cond):
        assert isinstance(e, Cond)
        body = _wrap(e.body, inline, _prec(e.body, inline) <= _COND)
        test = _wrap(e.test, inline, _prec(e.test, inline) <= _COND)
        orelse = _wrap(e.orelse, inline, _prec(e.orelse, inline) < _COND)
        return f"{body} if {test} else {orelse}"
    if isinstance(e, Not):
        assert isinstance(e, Not)
        return "not " + _wrap(e.operand, inline, _prec(e.operand, inline) < _NOT)
    if isinstance(e, Call):
        assert isinstance(e, Call)
        return f"{e.func}({', '.join(_render(a, inline) for a in e.args)})"
    if isinstance(e, Tuple):
        assert isinstance(e, Tuple)
        items = [_render(item, inline) for item in e.items]
        return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"
    assert isinstance(e, Index)
    return f"{_wrap(e.base, inline, _prec(e.base, inline) < _ATOM)}[{e.index}]"


def _names_in(e: Expr) -> Iterator[str]:
    """Every variable name ``e`` reads, once per occurrence."""
    stack = [e]
    while stack:
        e = stack.pop()
        if isinstance(e, Name):
            yield e.name
        elif isinstance(e, (Bin, Compare)):
            stack.append(e.left)
            stack.append(e.right)
        elif isinstance(e, (Neg, Not)):
            stack.append(e.operand)
        elif isinstance(e, Cond):
            stack.extend((e.test, e.body, e.orelse))
        elif isinstance(e, Call):
            stack.extend(e.args)
        elif isinstance(e, Tuple):
            stack.extend(e.items)
        elif isinstance(e, Index):
            stack.append(e.base)


# --- running a rule on every branch -------------------------------------------------------------


class _Explorer:
    """Runs a rule once per outcome of the branches it takes on symbolic operands."""

    def __init__(self) -> None:
        self.forced: list[bool] = []
        self.taken: list[tuple[Expr, bool]] = []
        self.pending: list[list[bool]] = []

    def decide(self, test: Expr) -> bool:
        i = len(self.taken)
        if i < len(self.forced):
            choice = self.forced[i]
        else:
            choice = True
            self.pending.append([c for _, c in self.taken] + [False])
        self.taken.append((test, choice))
        return choice


def _explore(thunk: Callable[[], Any]) -> Any:
    """``thunk()`` on every path through its branches, merged into conditional expressions."""
    ex = _Explorer()
    ex.pending.append([])
    paths: list[tuple[list[tuple[Expr, bool]], Any]] = []
    _explorers.append(ex)
    try:
        while ex.pending:
            ex.forced = ex.pending.pop()
            ex.taken = []
            result = thunk()
            paths.append((ex.taken, result))
            if len(paths) > MAX_PATHS:
                raise _NotSymbolicError("too many branches")
    finally:
        _explorers.pop()
    return _merge(paths, 0)


def _merge(paths: list[tuple[list[tuple[Expr, bool]], Any]], depth: int) -> Any:
    taken, result = paths[0]
    if len(taken) == depth:
        return result
    test = taken[depth][0]
    yes = [p for p in paths if p[0][depth][1]]
    no = [p for p in paths if not p[0][depth][1]]
    return _cond(test, _merge(yes, depth + 1), _merge(no, depth + 1))


def _cond(test: Expr, body: Any, orelse: Any) -> Any:
    if isinstance(body, tuple):
        return tuple(_cond(test, b, o) for b, o in zip(body, orelse, strict=True))
    if body is orelse:
        return body
    return Cond(test, _lift(body), _lift(orelse))


# --- the op table, run symbolically -------------------------------------------------------------


class _Namespace:
    """The names of the generated code: variables, and the functions it calls."""

    def __init__(self) -> None:
        self.objects: dict[str, Any] = {"isfinite": math.isfinite, "inf": math.inf,
                                        "nan": math.nan}
        self.taken: set[str] = set(self.objects)
        self._bound: dict[int, str] = {}
        # per base name, the last suffix tried: names are never given back, so the search for
        # the next free one starts there (from 1 each time, a graph of a thousand unlabelled
        # nodes, all "v", cost half a million tries)
        self._suffix: dict[str, int] = {}

    def fresh(self, hint: str) -> str:
        name = hint if hint.isidentifier() and not keyword.iskeyword(hint) else "v"
        while name.startswith("g_"):  # the gradients' prefix: a label "g_w" becomes "gw"
            name = "g" + name[2:]
        base = name
        k = self._suffix.get(base, 1)
        if k > 1:
            name = f"{base}_{k}"
        while name in self.taken or hasattr(builtins_module, name):
            k += 1
            name = f"{base}_{k}"
        self._suffix[base] = k
        self.taken.add(name)
        return name

    def bind(self, obj: Any, hint: str) -> str:
        """The name under which the generated code calls ``obj`` (a function)."""
        name = self._bound.get(id(obj))
        if name is None:
            hint = hint.lstrip("_") or "fn"
            if hint in self.objects or hint in self.taken:
                name = self.fresh(hint)
            else:
                name = hint
                self.taken.add(name)
            self.objects[name] = obj
            self._bound[id(obj)] = name
        return name


builtins_module = sys.modules["builtins"]
_namespace: list[_Namespace] = []


def _symbolic(fn: Callable[..., Any], hint: str, args: tuple[Any, ...]) -> Any:
    """``fn(*args)`` with symbolic operands: its formula if it has one, else a call by name."""
    ns = _namespace[-1]
    if not isinstance(fn, types.FunctionType):  # math.tanh, abs, math.fsum: call it by name
        return Call(ns.bind(fn, getattr(fn, "__name__", hint)), tuple(_lift(a) for a in args))
    try:
        return _explore(lambda: fn(*args))
    except Exception:
        return Call(ns.bind(fn, hint), tuple(_lift(a) for a in args))


class _SymbolicOp:
    """An op whose forward and partials run symbolically, through the op's own arity dispatch."""

    def __init__(self, op: ops.Op) -> None:
        import dataclasses

        fwd, part = op.forward, op.partials
        self.op = dataclasses.replace(
            op,
            forward=lambda *a: _symbolic(fwd, op.name, a),
            partials=lambda *a: _symbolic(part, f"{op.name}_partials", a),
        )


_shims: dict[int, tuple[ops.Op, _SymbolicOp]] = {}


def _shim(op: ops.Op) -> ops.Op:
    entry = _shims.get(id(op))
    if entry is None or entry[0] is not op:
        entry = (op, _SymbolicOp(op))
        _shims[id(op)] = entry
    return entry[1].op


def _apply_symbolic(op: ops.Op, args: tuple[Any, ...]) -> Expr:
    """The forward of ``op`` on symbolic arguments (as ``x.sigmoid()`` inside a rule)."""
    xs, c = op.split(args)
    return _lift(_shim(op).evaluate(xs, c))


# ---------------------------------------------------------------------------------------------
# Tracing
# ---------------------------------------------------------------------------------------------

Shape = tuple[int, ...]  # per argument: -1 for a number, n for a sequence of n numbers


class _Trace:
    """One run of ``f`` on Values: the graph, its leaves, and the comparisons taken."""

    def __init__(self, f: Callable[..., Any], row: tuple[Any, ...], names: list[str],
                 max_nodes: int) -> None:
        self.shape: Shape = tuple(-1 if isinstance(a, float) else len(a) for a in row)
        self.arg_leaves: list[Value | list[Value]] = []
        for name, a in zip(names, row):
            if isinstance(a, float):
                self.arg_leaves.append(Value(a, label=name))
            else:
                self.arg_leaves.append([Value(x, label=f"{name}_{i}") for i, x in enumerate(a)])
        self.comparisons: list[tuple[Value, str, Any, bool]] = []
        previous = engine._tracing.record
        engine._tracing.record = self._record
        try:
            with enable_grad():
                out = f(*self.arg_leaves)
        finally:
            engine._tracing.record = previous
        if isinstance(out, Value):
            self.output: Value | float = out
        else:
            self.output = engine.as_float(out, "the compiled function's result")
        roots = [out] if isinstance(out, Value) else []
        for a, _, b, _ in self.comparisons:
            roots.append(a)
            if isinstance(b, Value):
                roots.append(b)
        # parents before children: each root's order, merged
        self.nodes: list[Value] = []
        seen: set[Value] = set()
        for root in roots:
            for node in reversed(topological_order(root)):
                if node not in seen:
                    seen.add(node)
                    self.nodes.append(node)
                    if len(self.nodes) > max_nodes:
                        raise ValueError(_too_big(f, max_nodes))

    def _record(self, a: Value, op: str, b: Any, result: bool) -> None:
        self.comparisons.append((a, op, b, result))


def _too_big(f: Callable[..., Any], max_nodes: int) -> str:
    return (
        f"autograd.compile: {_name_of(f)} builds a graph of more than {max_nodes:,} nodes per "
        f"call, the cap of one trace (compile(f, max_nodes=...); the default is MAX_NODES = "
        f"{MAX_NODES:,}). Python compiles straight-line code at about 12 µs a line, so a graph "
        "that big would take longer to compile than to run eagerly. Compile the function of one "
        "sample instead and pass the samples to cf.sum(rows), or call f eagerly."
    )


def _name_of(f: Callable[..., Any]) -> str:
    return getattr(f, "__name__", type(f).__name__)


# ---------------------------------------------------------------------------------------------
# Writing the code
# ---------------------------------------------------------------------------------------------

# Statements of the loop body: (kind, depth, target, expr). Kinds: "=" and "+=" assign ``expr``
# to ``target``; "if" opens a block guarded by ``expr``; "raise" is ``if expr: raise target``.
Stmt = tuple[str, int, str, Expr]

_LOOP = 2  # depth of the loop body: def, for


class _Writer:
    """Writes the source of one trace: a function of the rows that returns the summed value."""

    def __init__(self, trace: _Trace, fname: str) -> None:
        self.trace = trace
        self.ns = _Namespace()
        self.ns.taken.update(("rows", "leaves", "total", "flip", "fallback"))
        self.fname = self.ns.fresh(fname if fname.isidentifier() else "compiled")
        self.var: dict[Value, Expr] = {}
        self.externals: list[Value] = []
        self.ext_names: dict[Value, str] = {}
        self.arg_names: list[str] = []
        self.unpack: list[tuple[str, list[str]]] = []
        self.args: set[Value] = set()
        self.guards: list[str] = []
        self._templates: dict[Any, Any] = {}
        self.checks: list[str] = []             # variables to check finite (see _backward)
        self.accumulated: list[Value] = []      # externals that receive gradient

    def write(self) -> tuple[str, dict[str, Any]]:
        _namespace.append(self.ns)
        try:
            self._name_leaves()
            body = self._forward()
            body += self._backward()
            source = self._assemble(body)
        finally:
            _namespace.pop()
        objects = dict(self.ns.objects)
        objects.update(leaves=self.externals, flip=_GuardFailedError, fallback=_FallbackError)
        return source, objects

    # -- names ---------------------------------------------------------------------------------

    def _name_leaves(self) -> None:
        ns = self.ns
        for leaf in self.trace.arg_leaves:
            if isinstance(leaf, list):
                seq = ns.fresh(leaf[0].label.rsplit("_", 1)[0] if leaf else "xs")
                items = []
                for i, x in enumerate(leaf):
                    item = ns.fresh(f"{seq}_{i}")
                    items.append(item)
                    self.var[x] = Name(item)
                    self.args.add(x)
                self.arg_names.append(seq)
                self.unpack.append((seq, items))
            else:
                name = ns.fresh(leaf.label)
                self.arg_names.append(name)
                self.var[leaf] = Name(name)
                self.args.add(leaf)
        for node in self.trace.nodes:
            if not node.parents and node not in self.args:
                name = ns.fresh(node.label or f"p{len(self.externals)}")
                self.externals.append(node)
                self.ext_names[node] = name
                self.var[node] = Name(name)

    # -- forward -------------------------------------------------------------------------------

    def _forward(self) -> list[Stmt]:
        body: list[Stmt] = []
        ns, trace = self.ns, self.trace
        self.rule: dict[Value, tuple[ops.Op, tuple[Expr, ...], Any, Name]] = {}
        for k, node in enumerate(n for n in trace.nodes if n._fn is not None):
            fn = node._fn
            assert fn is not None
            out = Name(ns.fresh(node.label or f"v{k}"))
            parents = tuple(self.var[p] for p in node.parents)
            shim = _shim(fn)
            c = node._arg if fn.arity in (ops.UNARY_CONST, ops.NARY_CONST) else None
            body.append(("=", _LOOP, out.name, _lift(self._rule(fn, False, parents, c, out))))
            self.var[node] = out
            self.rule[node] = (shim, parents, c, out)
        # Guards: every comparison taken while tracing must come out the same way again.
        for i, (a, op, b, result) in enumerate(trace.comparisons):
            right = self.var[b] if isinstance(b, Value) else _lift(b)
            test: Expr = Compare(op, self.var[a], right)
            self.guards.append(render(test))
            body.append(("raise", _LOOP, f"flip({i})", Not(test) if result else test))
        output = trace.output
        body.append(("+=", _LOOP, "total", self.var[output] if isinstance(output, Value) else
                     _lift(output)))
        return body

    def _rule(self, op: ops.Op | None, partials: bool, xs: tuple[Expr, ...], c: Any, out: Name
              ) -> Any:
        """The forward (or the partials) of an op on ``xs``: its rule is run once on stand-in
        operands for each kind of node (op, number of inputs, constant), then filled in. A
        formula over more than :data:`_WRITE_LIMIT` operands (a neuron with a thousand inputs)
        is called by name instead, so that no expression nests deeper than that."""
        assert op is not None
        shim = _shim(op)
        if len(xs) > _WRITE_LIMIT:
            fn = op.partials if partials else op.forward
            hint = f"{op.name}_partials" if partials else op.name
            many: tuple[Any, ...] = (Tuple(xs),) if op.arity in (ops.NARY, ops.NARY_CONST) else xs
            if op.arity in (ops.UNARY_CONST, ops.NARY_CONST):
                many = (*many, _lift(c))
            if partials:
                many = (*many, out)
            return Call(self.ns.bind(fn, hint), many)
        key: tuple[Any, ...] | None = (id(shim), partials, len(xs), c)
        try:
            template = self._templates.get(key)
        except TypeError:  # an unhashable constant: no reuse
            key, template = None, None
        if template is None:
            stand_ins = tuple(Name(f"#{i}") for i in range(len(xs)))
            template = (shim.local(stand_ins, c, Name("#out")) if partials
                        else shim.evaluate(stand_ins, c))
            if key is not None:
                self._templates[key] = template
        fill: dict[str, Expr] = {f"#{i}": x for i, x in enumerate(xs)}
        fill["#out"] = out
        if isinstance(template, tuple):
            return tuple(_substitute(_lift(t), fill) for t in template)
        return _substitute(_lift(template), fill)

    # -- backward ------------------------------------------------------------------------------

    def _backward(self) -> list[Stmt]:
        trace, ns = self.trace, self.ns
        root = trace.output
        if not isinstance(root, Value):
            return []
        if not root.parents:  # f returned a leaf
            if root in self.ext_names:
                self.accumulated = [root]
                return [("+=", _LOOP, f"g_{self.ext_names[root]}", Const(1.0))]
            return []
        # Only nodes that lead back to an external leaf need a gradient.
        needs: set[Value] = set()
        for node in trace.nodes:
            if node in self.ext_names or any(p in needs for p in node.parents):
                needs.add(node)
        behind_root = set(topological_order(root))
        order = [n for n in reversed(trace.nodes) if n.parents and n in needs and n in behind_root]
        self.accumulated = [leaf for leaf in self.externals if leaf in needs and leaf in
                            behind_root]
        # The local derivatives of each node, written by its rule run on symbolic operands.
        local: dict[Value, tuple[Expr, ...]] = {}
        pre: dict[Value, Stmt] = {}
        for node in order:
            _, parents, c, out = self.rule[node]
            result = self._rule(node._fn, True, parents, c, out)
            if isinstance(result, Expr):  # a rule called by name returns its tuple
                tmp = ns.fresh(f"d_{out.name}")
                pre[node] = ("=", 0, tmp, result)
                local[node] = tuple(Index(Name(tmp), i) for i in range(len(node.parents)))
            else:
                local[node] = tuple(_lift(d) for d in result)

        # Pass 1: blocks. backward() skips a node whose gradient is zero (a relu that is off);
        # here such a node guards its own work, and the work of every node whose gradient comes
        # only through it, with ``if g:``. Skipping ``d * g`` for g == 0 is exact when every
        # local derivative d in the block is finite: constants and branches between constants
        # are known to be; plain variables are checked once per sample (else: eager engine).
        parent_of, depth = [0], [0]
        placed: dict[Value, int] = {}
        inner: dict[Value, int] = {}
        into: dict[Value, list[int]] = {}
        maybe_zero: set[Value] = set()
        stack = [0]
        for node in order:
            blocks = into.get(node, [0])
            target = blocks[0]
            for b in blocks[1:]:
                target = _common(target, b, parent_of, depth)
            simple = node not in pre and all(_simple(d) for d in local[node])
            if not simple:
                target = 0
            while not _is_ancestor(stack[-1], target, parent_of, depth):
                stack.pop()
            placed[node] = stack[-1]
            if simple and node in maybe_zero:
                parent_of.append(stack[-1])
                depth.append(depth[stack[-1]] + 1)
                stack.append(len(depth) - 1)
            inner[node] = stack[-1]
            for p, d in zip(node.parents, local[node]):
                if p in needs and p.parents:
                    into.setdefault(p, []).append(inner[node])
                    if _has_zero_arm(d):
                        maybe_zero.add(p)

        # Pass 2: statements. A node's gradient is a name g_<node>; one that receives a single
        # plain name is that name (no copy); one that receives inside a block it is not in
        # starts at 0.0 at the top of the sample.
        grad: dict[Value, Expr] = {root: Const(1.0)}
        count: dict[Value, int] = {}
        needs_init = {n for n in order if any(b != placed[n] for b in into.get(n, []))}
        stmts: list[Stmt] = []
        checked: set[str] = set()
        for node in order:
            out = self.rule[node][3]
            if node not in grad:
                grad[node] = Name(f"g_{out.name}")  # filled below by its users (or initialised)
            g = grad[node]
            lvl = _LOOP + depth[inner[node]]
            if inner[node] != placed[node]:
                stmts.append(("if", _LOOP + depth[placed[node]], "", g))
            if inner[node] != 0:
                for d in local[node]:
                    for name in _arm_names(d):
                        if name not in checked:
                            checked.add(name)
                            self.checks.append(name)
            if node in pre:
                kind, _, tmp, expr = pre[node]
                stmts.append((kind, lvl, tmp, expr))
            for p, d in zip(node.parents, local[node]):
                if p not in needs:
                    continue
                term = _bin("*", d, g)
                if not p.parents:
                    stmts.append(("+=", lvl, f"g_{self.ext_names[p]}", term))
                    continue
                n_into = len(into[p])
                seen = count.get(p, 0)
                count[p] = seen + 1
                gp = f"g_{self.rule[p][3].name}"
                if p in needs_init or seen:
                    stmts.append(("+=", lvl, gp, term))
                elif n_into == 1 and isinstance(term, Name):
                    grad[p] = term  # the same number: no copy
                else:
                    stmts.append(("=", lvl, gp, term))
        inits: list[Stmt] = [("=", _LOOP, f"g_{self.rule[n][3].name}", Const(0.0))
                             for n in order if n in needs_init]
        return inits + stmts

    # -- the function --------------------------------------------------------------------------

    def _assemble(self, body: list[Stmt]) -> str:
        ext_names = {self.ext_names[leaf] for leaf in self.externals}
        per_sample = [n for n in self.checks if n not in ext_names]
        once = [n for n in self.checks if n in ext_names]
        if per_sample:
            test = Not(Call("isfinite", (_sum_of([Name(n) for n in per_sample]),)))
            at = next(i for i, st in enumerate(body) if st[2] == "total") + 1
            body.insert(at, ("raise", _LOOP, "fallback", test))
        body, inline = _fold(body, protected=set(self.arg_names) | ext_names
                     | {x for _, xs in self.unpack for x in xs})
        lines = [f"def {self.fname}(rows):"]
        if len(self.externals) == 1:
            lines.append(f"    {self.ext_names[self.externals[0]]} = leaves[0].data")
        elif self.externals:
            names = ", ".join(self.ext_names[leaf] for leaf in self.externals)
            lines.append(f"    {names} = [leaf.data for leaf in leaves]")
        if once:
            test = Not(Call("isfinite", (_sum_of([Name(n) for n in once]),)))
            lines.append(f"    if {render(test)}: raise fallback")
        accumulated = [self.ext_names[leaf] for leaf in self.accumulated]
        if accumulated:
            lines.append("    " + " = ".join(f"g_{n}" for n in accumulated) + " = 0.0")
        lines.append("    total = 0.0")
        args = self.arg_names
        if not args:
            pattern = "_"
        elif len(args) == 1:
            pattern = f"({args[0]},)"
        else:
            pattern = ", ".join(args)
        lines.append(f"    for {pattern} in rows:")
        for seq, items in self.unpack:
            lines.append(f"        {', '.join(items)}{',' if len(items) == 1 else ''} = {seq}")
        for kind, depth, target, expr in body:
            pad = "    " * depth
            text = _render(expr, inline)
            if kind == "if":
                lines.append(f"{pad}if {text}:")
            elif kind == "raise":
                lines.append(f"{pad}if {text}: raise {target}")
            else:
                lines.append(f"{pad}{target} {kind} {text}")
        position = {leaf: i for i, leaf in enumerate(self.externals)}
        if len(accumulated) == 1:
            leaf = self.accumulated[0]
            lines.append(f"    leaves[{position[leaf]}].grad += g_{self.ext_names[leaf]}")
        elif accumulated:
            if len(accumulated) == len(self.externals):
                which = "leaves"
            else:
                which = "[" + ", ".join(f"leaves[{position[leaf]}]"
                                        for leaf in self.accumulated) + "]"
            grads = ", ".join(f"g_{n}" for n in accumulated)
            lines.append(f"    for leaf, g in zip({which}, ({grads})):")
            lines.append("        leaf.grad += g")
        lines.append("    return total")
        return "\n".join(lines) + "\n"


#: The most operands a rule is written out for (more: the rule is called by name).
_WRITE_LIMIT = 256

#: The most names one folded expression may read: long chains of single-use temporaries (a sum
#: folded left, a chain of tanh) stay lines of their own, readable and shallow.
_FOLD_LIMIT = 40


def _fold(body: list[Stmt], protected: set[str]) -> tuple[list[Stmt], dict[str, Expr]]:
    """Writes each temporary that is used once in place of its name (single-use lines fold)."""
    defined: dict[str, int] = {}
    redefined: set[str] = set()
    uses: dict[str, int] = {}
    use_at: dict[str, int] = {}
    for i, (kind, _, target, expr) in enumerate(body):
        for name in _names_in(expr):
            uses[name] = uses.get(name, 0) + 1
            use_at[name] = i
        if kind == "=":
            if target in defined:
                redefined.add(target)
            defined[target] = i
        elif kind == "+=":
            redefined.add(target)
    inline: dict[str, Expr] = {}
    size: dict[str, int] = {}  # how big a name's expression is once written in place
    for name, i in defined.items():
        expr = body[i][3]
        n = sum(size.get(used, 1) for used in _names_in(expr)) + 1
        if (name in redefined or name in protected or uses.get(name, 0) != 1
                or body[use_at[name]][1] < body[i][1] or use_at[name] < i
                or n > _FOLD_LIMIT):
            continue
        inline[name] = expr
        size[name] = n
    kept = [st for st in body if not (st[0] == "=" and st[2] in inline)]
    return kept, inline


def _substitute(e: Expr, inline: dict[str, Expr]) -> Expr:
    if isinstance(e, Name):
        sub = inline.get(e.name)
        return e if sub is None else _substitute(sub, inline)
    if isinstance(e, Bin):
        assert isinstance(e, Bin)
        return Bin(e.op, _substitute(e.left, inline), _substitute(e.right, inline))
    if isinstance(e, Compare):
        assert isinstance(e, Compare)
        return Compare(e.op, _substitute(e.left, inline), _substitute(e.right, inline))
    if isinstance(e, Neg):
        assert isinstance(e, Neg)
        return Neg(_substitute(e.operand, inline))
    if isinstance(e, Not):
        assert isinstance(e, Not)
        return Not(_substitute(e.operand, inline))
    if isinstance(e, Cond):
        assert isinstance(e, Cond)
        return Cond(_substitute(e.test, inline), _substitute(e.body, inline),
                    _substitute(e.orelse, inline))
    if isinstance(e, Call):
        assert isinstance(e, Call)
        return Call(e.func, tuple(_substitute(a, inline) for a in e.args))
    if isinstance(e, Tuple):
        assert isinstance(e, Tuple)
        return Tuple(tuple(_substitute(a, inline) for a in e.items))
    if isinstance(e, Index):
        assert isinstance(e, Index)
        return Index(_substitute(e.base, inline), e.index)
    return e


def _simple(d: Expr) -> bool:
    """A local derivative known finite (a constant, a branch between constants) or a plain
    variable (checked at run time)."""
    if isinstance(d, Const):
        return math.isfinite(d.value)
    if isinstance(d, Name):
        return True
    if isinstance(d, Cond):
        return _simple(d.body) and _simple(d.orelse)
    return False


def _arm_names(d: Expr) -> Iterator[str]:
    if isinstance(d, Name):
        yield d.name
    elif isinstance(d, Cond):
        yield from _arm_names(d.body)
        yield from _arm_names(d.orelse)


def _has_zero_arm(d: Expr) -> bool:
    if isinstance(d, Const):
        return d.value == 0.0
    if isinstance(d, Cond):
        return _has_zero_arm(d.body) or _has_zero_arm(d.orelse)
    return False


def _is_ancestor(a: int, b: int, parent: list[int], depth: list[int]) -> bool:
    while depth[b] > depth[a]:
        b = parent[b]
    return a == b


def _common(a: int, b: int, parent: list[int], depth: list[int]) -> int:
    while depth[a] > depth[b]:
        a = parent[a]
    while depth[b] > depth[a]:
        b = parent[b]
    while a != b:
        a, b = parent[a], parent[b]
    return a


def _sum_of(terms: Sequence[Expr]) -> Expr:
    """The sum of ``terms`` as a balanced tree: thousands of terms stay shallow for the printer
    and for Python's own compiler (a left fold would nest as deep as it is long)."""
    level = list(terms)
    while len(level) > 1:
        paired: list[Expr] = [Bin("+", level[i], level[i + 1])
                              for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


# ---------------------------------------------------------------------------------------------
# The compiled function
# ---------------------------------------------------------------------------------------------


class _Variant:
    """The code of one trace (one outcome of the guards), ready to run."""

    __slots__ = ("shape", "source", "run", "guards", "externals")

    def __init__(self, f: Callable[..., Any], row: tuple[Any, ...], names: list[str],
                 max_nodes: int, serial: int) -> None:
        # One trace at a time (the symbolic rules share a little module state); tracing and
        # writing make many small objects and no cycles, so the collector is paused meanwhile.
        with _build_lock, gc_paused():
            self._build(f, row, names, max_nodes, serial)

    def _build(self, f: Callable[..., Any], row: tuple[Any, ...], names: list[str],
               max_nodes: int, serial: int) -> None:
        trace = _Trace(f, row, names, max_nodes)
        writer = _Writer(trace, _name_of(f) if _name_of(f) != "<lambda>" else "compiled")
        source, namespace = writer.write()
        header = (f"# autograd.compile of {_name_of(f)}: {len(trace.nodes)} nodes, "
                  f"{len(trace.comparisons)} guard(s)\n")
        self.source = header + source
        filename = f"<autograd.compile {_name_of(f)} #{serial}>"
        # Registered with linecache, so that a traceback through it shows the generated lines.
        linecache.cache[filename] = (len(self.source), None, self.source.splitlines(True),
                                     filename)
        code = builtins_compile(self.source, filename, "exec")
        exec(code, namespace)
        self.run: Callable[[Sequence[tuple[Any, ...]]], float] = namespace[writer.fname]
        self.shape = trace.shape
        self.guards = writer.guards
        self.externals = writer.externals


builtins_compile = builtins_module.compile
_build_lock = threading.RLock()


def _row(args: Sequence[Any], where: str) -> tuple[Any, ...]:
    """A row of arguments as floats (and tuples of floats), or a TypeError naming the culprit."""
    row: list[Any] = []
    for i, a in enumerate(args):
        if type(a) is float:
            row.append(a)
        elif isinstance(a, Value):
            raise TypeError(
                f"{where}: argument {i} is a Value; a compiled function takes plain numbers "
                "(call the function itself to build a graph on Values)")
        elif isinstance(a, (str, bytes)) or (not isinstance(a, Sequence) and not hasattr(
                a, "__len__")):
            row.append(engine.as_float(a, f"{where}: argument {i}"))
        else:
            row.append(tuple(engine.as_float(x, f"{where}: argument {i}") for x in a))
    return tuple(row)


class CompiledFunction:
    """What :func:`compile` returns: call it like ``f``, or on many samples with :meth:`sum`."""

    def __init__(self, f: Callable[..., Any], max_nodes: int = MAX_NODES) -> None:
        if not callable(f):
            raise TypeError(f"compile needs a callable, got {type(f).__name__}")
        if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
            raise ValueError(f"max_nodes must be an integer >= 1, got {max_nodes!r}")
        self.f = f
        self.max_nodes = max_nodes
        self.variants: list[_Variant] = []
        #: How many times ``f`` was traced (once, plus once per guard that flipped).
        self.traces = 0
        #: Calls that the eager engine computed instead (a run-time error in the generated code,
        #: or a non-finite local derivative where the code would skip work).
        self.eager_calls = 0
        self._warned = False
        self.__name__ = f"compile({_name_of(f)})"
        self.__doc__ = getattr(f, "__doc__", None)

    def __repr__(self) -> str:
        return f"<autograd.compile of {_name_of(self.f)}: {len(self.variants)} variant(s)>"

    @property
    def source(self) -> str:
        """The generated Python source of the latest trace ('' before the first call)."""
        return self.variants[-1].source if self.variants else ""

    def __call__(self, *args: Any) -> float:
        """``f(*args)``'s value; adds its gradient into ``.grad`` of the leaves ``f`` reads."""
        return self._rows([_row(args, self.__name__)])

    def sum(self, rows: Iterable[Sequence[Any]]) -> float:
        """The sum of ``f(*row)`` over the rows; adds the gradient of that sum into ``.grad``.

        One generated loop runs every sample: the fast way to train on a data set.

        >>> from autograd import Value, compile
        >>> w = Value(2.0, label="w")
        >>> cf = compile(lambda x, y: (w * x - y) ** 2)
        >>> cf.sum([(1.0, 1.0), (2.0, 3.0)]), w.grad      # (2-1)**2 + (4-3)**2; 2*1*1 + 2*1*2
        (2.0, 6.0)
        """
        if isinstance(rows, (str, bytes)):
            raise TypeError("cf.sum needs an iterable of argument tuples, got a string")
        where = f"{self.__name__}.sum"
        checked: list[tuple[Any, ...]] = []
        plain = True  # every row a tuple of floats (the common case, checked cheaply)
        for r in rows:
            if type(r) is tuple and all([type(a) is float for a in r]):
                checked.append(r)
                continue
            if isinstance(r, (str, bytes)) or not isinstance(r, Iterable):
                raise TypeError(f"{where}: each row must be a tuple of arguments, got "
                                f"{type(r).__name__}")
            row = _row(tuple(r), where)
            plain = plain and all([type(a) is float for a in row])
            checked.append(row)
        return self._rows(checked, plain)

    # -- running -------------------------------------------------------------------------------

    def _rows(self, rows: list[tuple[Any, ...]], plain: bool = False) -> float:
        if not rows:
            return 0.0
        if not is_grad_enabled():
            with engine.no_grad():
                return math.fsum(self._eager_value(row) for row in rows)
        variant = self._variant_for(rows[0])
        shape = variant.shape
        if plain and -1 in shape and len(set(shape)) == 1:
            n = len(shape)  # rows of floats: only their lengths can differ
            same = all([len(row) == n for row in rows])
        else:
            same = all([_shape(row) == shape for row in rows])
        if same:
            try:
                return variant.run(rows)
            except _GuardFailedError:
                pass  # some row takes another branch: one row at a time below
            except Exception:
                return self._eager(rows)
        total = 0.0
        for row in rows:
            total += self._one(row)
        return total

    def _one(self, row: tuple[Any, ...]) -> float:
        shape = _shape(row)
        for variant in reversed(self.variants):
            if variant.shape != shape:
                continue
            try:
                return variant.run((row,))
            except _GuardFailedError:
                continue
            except Exception:
                return self._eager([row])
        flipped = any(v.shape == shape for v in self.variants)
        return self._trace(row, warn=flipped).run((row,))

    def _variant_for(self, row: tuple[Any, ...]) -> _Variant:
        if self.variants:
            return self.variants[-1]
        return self._trace(row)

    def _trace(self, row: tuple[Any, ...], warn: bool = False) -> _Variant:
        # A new shape of the arguments is a new signature, traced quietly (as jax.jit does); a
        # guard that came out differently is worth saying once.
        if warn and not self._warned:
            self._warned = True
            guards = "; ".join(self.variants[-1].guards)
            warnings.warn(
                f"autograd.compile: {_name_of(self.f)} took another branch than when it was "
                f"traced (guards: {guards}); tracing again. Each branch is compiled once and "
                "kept, so this costs a trace per new branch, never a wrong result.",
                RuntimeWarning, stacklevel=4)
        self.traces += 1
        variant = _Variant(self.f, row, self._names(row), self.max_nodes, self.traces)
        self.variants.append(variant)
        if len(self.variants) > MAX_VARIANTS:
            del self.variants[0]
        return variant

    def _names(self, row: tuple[Any, ...]) -> list[str]:
        names: list[str] = []
        try:
            params = list(inspect.signature(self.f).parameters.values())
        except (TypeError, ValueError):
            params = []
        for i in range(len(row)):
            p = params[i] if i < len(params) else None
            if p is not None and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                names.append(p.name)
            else:
                names.append(f"x{i}")
        return names

    def _eager_value(self, row: tuple[Any, ...]) -> float:
        out = self.f(*_leaves(row))
        return out.data if isinstance(out, Value) else engine.as_float(out, "f's result")

    def _eager(self, rows: list[tuple[Any, ...]]) -> float:
        """The rows through the eager engine: ``f(*row).backward()`` each."""
        self.eager_calls += 1
        total = 0.0
        for row in rows:
            out = self.f(*_leaves(row))
            if isinstance(out, Value):
                out.backward()
                total += out.data
            else:
                total += engine.as_float(out, "f's result")
        return total


def _shape(row: tuple[Any, ...]) -> Shape:
    return tuple(-1 if type(a) is float else len(a) for a in row)


def _leaves(row: tuple[Any, ...]) -> list[Any]:
    return [Value(a) if type(a) is float else [Value(x) for x in a] for a in row]


def compile(f: Callable[..., Any], *, max_nodes: int = MAX_NODES) -> CompiledFunction:  # noqa: A001
    """``f`` traced once and written as Python: its forward and its backward, ready to rerun.

    ``cf = compile(f)``; ``cf(*args)`` (plain numbers, or sequences of numbers) returns
    ``f(*args)``'s value as a float and adds the gradient into ``.grad`` of every leaf Value that
    ``f`` reads from outside its arguments (a model's parameters), exactly as
    ``f(*args).backward()`` would, reading their current ``.data`` at every call.
    ``cf.sum(rows)`` does it for many argument tuples in one generated loop; ``cf.source`` is the
    code. A Value comparison taken while tracing is a guard: if it comes out differently later,
    ``f`` is traced again. Graphs over ``max_nodes`` nodes are refused (see :data:`MAX_NODES`).

    >>> from autograd import Value, compile
    >>> w = Value(3.0, label="w")
    >>> cf = compile(lambda x: (w * x).relu())
    >>> cf(2.0), w.grad
    (6.0, 2.0)
    >>> print(cf.source.split("\\n", 1)[1])
    def compiled(rows):
        w = leaves[0].data
        if not isfinite(w): raise fallback
        g_w = 0.0
        total = 0.0
        for (x,) in rows:
            v0 = w * x
            total += 0.0 if v0 <= 0.0 else v0
            if not isfinite(x): raise fallback
            g_v0 = 0.0 if v0 <= 0.0 else 1.0
            if g_v0:
                g_w += x * g_v0
        leaves[0].grad += g_w
        return total
    <BLANKLINE>
    """
    return CompiledFunction(f, max_nodes)
