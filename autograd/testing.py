"""Hypothesis strategies for property-testing code built on autograd (ours and yours).

Needs the ``hypothesis`` package (``pip install "scalar-autograd[test]"``).

:func:`expressions` draws random expression trees together with a point to evaluate them at::

    from hypothesis import given
    from autograd import gradcheck
    from autograd.testing import expressions

    @given(expressions())
    def test_reverse_mode_matches_finite_differences(case):
        f, args = case
        assert gradcheck(f, *args)

``f`` is an :class:`Expression`: call it with Values (or plain numbers, which it wraps as leaves)
and it returns a Value; ``repr(f)`` shows the formula, which is what hypothesis prints when a test
fails. ``args`` is a tuple of floats at which every operation is inside its domain, no kink (relu,
abs, leaky_relu at 0) is within ``margin`` of its input, and every intermediate value is at most
``bound`` in size, so central finite differences are a fair check there.

:func:`op_cases` draws one op of the table with arguments inside its domain, for per-op tests.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from . import ops
from .engine import Value, apply_op, no_grad

__all__ = ["Expression", "expressions", "op_cases", "OP_DOMAINS", "finite_floats"]


def finite_floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Floats in ``[lo, hi]``, never nan or infinite."""
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)


# ---------------------------------------------------------------------------------------------
# Expression trees
# ---------------------------------------------------------------------------------------------

# Unary functions an expression may apply, by name (every method is a table entry).
_UNARY = ("neg", "exp", "log", "tanh", "sigmoid", "relu", "leaky_relu", "sqrt", "sin", "cos",
          "abs", "softplus")
_BINARY = ("add", "sub", "mul", "div", "pow")
_KINKS = ("relu", "leaky_relu", "abs")


@dataclass(frozen=True)
class Expression:
    """A random expression tree; callable on Values. Nodes are nested tuples:

    ``("var", i)``, ``("const", c)``, ``(name, child)`` for a unary function, ``(name, a, b)``
    for a binary operator. Domains are kept by construction: ``log`` and ``sqrt`` see
    ``child**2 + 0.5``, a division's denominator is ``child**2 + 0.5``, a power's base too.
    """

    tree: tuple[Any, ...]
    nargs: int

    def __call__(self, *args: Value | float) -> Value:
        if len(args) != self.nargs:
            raise TypeError(f"this expression takes {self.nargs} arguments, got {len(args)}")
        xs = [a if isinstance(a, Value) else Value(a) for a in args]
        out = _evaluate(self.tree, xs, None)
        return out if isinstance(out, Value) else Value(out)

    def __repr__(self) -> str:
        names = ", ".join(f"x{i}" for i in range(self.nargs))
        return f"lambda {names}: {_show(self.tree)}"


def _positive(x: Any) -> Any:
    return x * x + 0.5


def _evaluate(tree: tuple[Any, ...], xs: Sequence[Any], check: Callable[[str, Any], None] | None
              ) -> Any:
    kind = tree[0]
    if kind == "var":
        return xs[tree[1]]
    if kind == "const":
        return tree[1]
    if len(tree) == 2:
        x = _evaluate(tree[1], xs, check)
        if not isinstance(x, Value):
            x = Value(x)
        if check is not None:
            check(kind, x)
        if kind == "neg":
            return -x
        if kind in ("log", "sqrt"):
            return getattr(_positive(x), kind)()
        if kind == "leaky_relu":
            return x.leaky_relu(0.1)
        result: Value = getattr(x, kind)()
        return result
    a = _evaluate(tree[1], xs, check)
    b = _evaluate(tree[2], xs, check)
    if kind == "add":
        return a + b
    if kind == "sub":
        return a - b
    if kind == "mul":
        return a * b
    if kind == "div":
        return a / _positive(b)
    # pow: a positive base; the exponent is a Value or a constant
    return _positive(a) ** b


def _show(tree: tuple[Any, ...]) -> str:
    kind = tree[0]
    if kind == "var":
        return f"x{tree[1]}"
    if kind == "const":
        return repr(tree[1])
    if len(tree) == 2:
        inner = _show(tree[1])
        if kind == "neg":
            return f"-({inner})"
        if kind in ("log", "sqrt"):
            return f"(({inner})**2 + 0.5).{kind}()"
        if kind == "leaky_relu":
            return f"({inner}).leaky_relu(0.1)"
        return f"({inner}).{kind}()"
    a, b = _show(tree[1]), _show(tree[2])
    if kind == "div":
        return f"({a}) / (({b})**2 + 0.5)"
    if kind == "pow":
        return f"(({a})**2 + 0.5) ** ({b})"
    symbol = {"add": "+", "sub": "-", "mul": "*"}[kind]
    return f"({a} {symbol} {b})"


def _trees(nargs: int, max_leaves: int) -> st.SearchStrategy[tuple[Any, ...]]:
    leaves = st.one_of(
        st.tuples(st.just("var"), st.integers(0, nargs - 1)),
        st.tuples(st.just("const"), finite_floats(-2.0, 2.0)),
    )

    def extend(children: st.SearchStrategy[tuple[Any, ...]]) -> st.SearchStrategy[tuple[Any, ...]]:
        return st.one_of(
            st.tuples(st.sampled_from(_UNARY), children),
            st.tuples(st.sampled_from(_BINARY), children, children),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


@st.composite
def expressions(
    draw: st.DrawFn,
    max_args: int = 3,
    max_leaves: int = 8,
    margin: float = 1e-3,
    bound: float = 1e4,
) -> tuple[Expression, tuple[float, ...]]:
    """Draws ``(f, args)``: a random expression of 1 to ``max_args`` variables and a point.

    Every argument is used at least once. See the module docstring for the guarantees on ``args``.
    """
    nargs = draw(st.integers(1, max_args))
    tree = draw(_trees(nargs, max_leaves))
    used = _variables_used(tree)
    assume(used == set(range(nargs)))
    args = tuple(draw(finite_floats(-2.0, 2.0)) for _ in range(nargs))

    def check(kind: str, x: Any) -> None:
        if kind in _KINKS:
            assume(abs(x.data) > margin)

    try:
        with no_grad():
            out = _evaluate(tree, [Value(a) for a in args], check)
    except (ValueError, ZeroDivisionError, OverflowError):
        assume(False)
        raise  # unreachable: assume(False) stops this example
    _assume_bounded(out, bound)
    f = Expression(tree, nargs)
    # Every intermediate of the recorded graph must be moderate too.
    for v in _intermediates(f, args):
        assume(math.isfinite(v) and abs(v) <= bound)
    return f, args


def _variables_used(tree: tuple[Any, ...]) -> set[int]:
    if tree[0] == "var":
        return {tree[1]}
    if tree[0] == "const":
        return set()
    used: set[int] = set()
    for child in tree[1:]:
        used |= _variables_used(child)
    return used


def _assume_bounded(out: Any, bound: float) -> None:
    value = out.data if isinstance(out, Value) else float(out)
    assume(math.isfinite(value) and abs(value) <= bound)


def _intermediates(f: Expression, args: tuple[float, ...]) -> list[float]:
    from .engine import topological_order

    out = f(*args)
    nodes = topological_order(out)
    return [n.data for n in nodes] + [g for n in nodes for g in n.local_grads]


# ---------------------------------------------------------------------------------------------
# One op at a time
# ---------------------------------------------------------------------------------------------

#: For each op of the table that ``op_cases`` can draw: a strategy for its arguments, inside its
#: domain and ``margin`` away from its kinks. Constants (``c``) come last.
OP_DOMAINS: dict[str, Callable[[float], st.SearchStrategy[tuple[float, ...]]]] = {}


def _away_from_zero(lo: float, hi: float, margin: float) -> st.SearchStrategy[float]:
    return finite_floats(lo, hi).filter(lambda v: abs(v) > margin)


def _tuple(*parts: st.SearchStrategy[float]) -> st.SearchStrategy[tuple[float, ...]]:
    return st.tuples(*parts)


_ANY = (-5.0, 5.0)
for _name in ("add", "sub", "mul"):
    OP_DOMAINS[_name] = lambda m: _tuple(finite_floats(*_ANY), finite_floats(*_ANY))
for _name in ("add_const", "sub_const", "rsub_const", "mul_const"):
    OP_DOMAINS[_name] = lambda m: _tuple(finite_floats(*_ANY), finite_floats(*_ANY))
for _name in ("neg", "tanh", "sigmoid", "sin", "cos", "softplus", "identity", "exp"):
    OP_DOMAINS[_name] = lambda m: _tuple(finite_floats(*_ANY))
for _name in ("relu", "abs"):
    OP_DOMAINS[_name] = lambda m: _tuple(_away_from_zero(*_ANY, m))
OP_DOMAINS["leaky_relu"] = lambda m: _tuple(_away_from_zero(*_ANY, m), finite_floats(0.0, 0.5))
OP_DOMAINS["div"] = lambda m: _tuple(finite_floats(*_ANY), _away_from_zero(-5.0, 5.0, 0.2))
OP_DOMAINS["div_const"] = lambda m: _tuple(finite_floats(*_ANY), _away_from_zero(-5.0, 5.0, 0.2))
OP_DOMAINS["rdiv_const"] = lambda m: _tuple(_away_from_zero(-5.0, 5.0, 0.2), finite_floats(*_ANY))
OP_DOMAINS["log"] = lambda m: _tuple(finite_floats(0.05, 10.0))
OP_DOMAINS["sqrt"] = lambda m: _tuple(finite_floats(0.05, 10.0))
OP_DOMAINS["pow"] = lambda m: _tuple(finite_floats(0.1, 3.0), finite_floats(-3.0, 3.0))
OP_DOMAINS["pow_const"] = lambda m: st.one_of(
    _tuple(finite_floats(0.1, 3.0), finite_floats(-3.0, 3.0)),
    _tuple(finite_floats(-3.0, 3.0), st.integers(0, 4).map(float)),
)
OP_DOMAINS["rpow_const"] = lambda m: _tuple(finite_floats(-3.0, 3.0), finite_floats(0.1, 3.0))


def _nary_args(lo: float, hi: float) -> st.SearchStrategy[tuple[float, ...]]:
    return st.lists(finite_floats(lo, hi), min_size=1, max_size=6).map(tuple)


OP_DOMAINS["sum"] = lambda m: _nary_args(*_ANY)
OP_DOMAINS["logsumexp"] = lambda m: _nary_args(-20.0, 20.0)
OP_DOMAINS["wsum"] = lambda m: st.integers(1, 5).flatmap(
    lambda n: st.lists(finite_floats(*_ANY), min_size=2 * n + 1, max_size=2 * n + 1).map(tuple))
OP_DOMAINS["wsum_const"] = lambda m: st.integers(1, 5).flatmap(
    lambda n: st.lists(finite_floats(*_ANY), min_size=2 * n + 1, max_size=2 * n + 1).map(tuple))


def _from_table(op: ops.Op) -> Callable[[float], st.SearchStrategy[tuple[float, ...]]]:
    """Arguments drawn from the op's ``sample`` intervals, ``margin`` away from its ``kinks``."""
    n = 2 if op.arity in (ops.BINARY, ops.UNARY_CONST) else 1
    intervals = op.sample or (ops.ANYWHERE,) * n

    def strategy(margin: float) -> st.SearchStrategy[tuple[float, ...]]:
        parts = []
        for i, union in enumerate(intervals):
            part = st.one_of(*[finite_floats(lo, hi) for lo, hi in union])
            if i == 0 and op.kinks:
                part = part.filter(lambda v: all(abs(v - k) > margin for k in op.kinks))
            parts.append(part)
        return st.tuples(*parts)

    return strategy


# The ops not listed above take their arguments from their table entry.
for _name, _op in ops.OPS.items():
    OP_DOMAINS.setdefault(_name, _from_table(_op))


def op_arguments(op: ops.Op, args: tuple[float, ...]) -> tuple[list[float], tuple[Any, ...]]:
    """Splits drawn ``args`` into the op's differentiable inputs and the rest of its call."""
    if op.arity == ops.UNARY_CONST:
        return [args[0]], (args[1],)
    if op.arity == ops.NARY_CONST:
        n = (len(args) - 1) // 2
        return [*args[:n], args[-1]], (tuple(args[n:2 * n]),)
    return list(args), ()


def call_op(op: ops.Op, inputs: Sequence[Any], extra: tuple[Any, ...]) -> Value:
    """Applies ``op`` to differentiable ``inputs`` (Values or floats) and the rest of its call."""
    if op.arity == ops.NARY_CONST:
        ws = list(inputs)
        return apply_op(op, ws, *extra)
    if op.arity == ops.NARY:
        return apply_op(op, *inputs)
    return apply_op(op, *inputs, *extra)


@st.composite
def op_cases(draw: st.DrawFn, margin: float = 1e-3) -> tuple[ops.Op, tuple[float, ...]]:
    """Draws ``(op, args)``: an op of the table and arguments inside its domain."""
    name = draw(st.sampled_from(sorted(OP_DOMAINS)))
    return ops.OPS[name], draw(OP_DOMAINS[name](margin))
