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

import functools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from hypothesis import assume
from hypothesis import strategies as st

from . import ops
from .engine import Value, apply_op, no_grad

__all__ = ["Expression", "expressions", "op_cases", "OP_DOMAINS", "finite_floats", "arguments",
           "interpret", "Reader", "ValueReader", "SourceReader", "check_op"]

T = TypeVar("T")


def finite_floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Floats in ``[lo, hi]``, never nan or infinite."""
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)


# ---------------------------------------------------------------------------------------------
# Expression trees
# ---------------------------------------------------------------------------------------------

# A tree is ``("var", i)``, ``("const", c)``, or ``(op name, (children...), c)`` for an op of the
# table (``c`` its plain constant or ``None``). The ops an expression may use come from the table:
# every function of one Value with a method, every operator between two Values.


def _expression_ops() -> tuple[list[ops.Op], list[ops.Op]]:
    unary = [op for op in ops.OPS.values()
             if op.arity == ops.UNARY or (op.arity == ops.UNARY_CONST and op.method)]
    # operators whose derivative is smooth where the arguments are (kinks are for one input)
    binary = [op for op in ops.OPS.values() if op.arity == ops.BINARY and not op.kinks]
    return unary, binary


class Reader(Protocol[T]):
    """How to read an expression tree: as Values, as source text, as another library's tensors.
    :func:`interpret` is the one walk over a tree; a reader says what each piece means."""

    def var(self, i: int) -> T: ...

    def const(self, c: float) -> T: ...

    def apply(self, op: ops.Op, xs: list[T], c: float | None) -> T: ...


def _samples(op: ops.Op, i: int) -> tuple[ops.Interval, ...]:
    return op.sample[i] if i < len(op.sample) else ops.ANYWHERE


def _feed(reader: Reader[T], op: ops.Op, i: int, x: T) -> T:
    """Keeps argument ``i`` of ``op`` inside its domain by construction, using table ops only:
    ``x*x + m`` where the sampling set leaves out 0 (``m`` its smallest positive end, at least
    0.5), ``tanh(x) * b`` where it is a bounded interval around 0, ``x`` itself elsewhere."""
    intervals = _samples(op, i)
    if intervals == ops.ANYWHERE:
        return x
    if not any(lo <= 0.0 <= hi for lo, hi in intervals):
        m = max([0.5, *(lo for lo, _ in intervals if lo > 0.0)])
        return reader.apply(ops.ADD_CONST, [reader.apply(ops.MUL, [x, x], None)], m)
    lo, hi = intervals[0]
    return reader.apply(ops.MUL_CONST, [reader.apply(ops.TANH, [x], None)], min(-lo, hi))


def interpret(tree: tuple[Any, ...], reader: Reader[T]) -> T:
    """Reads ``tree`` bottom up with ``reader`` (without recursion: trees can be deep)."""
    results: list[T] = []
    # Each entry: a subtree, and whether its children are done (then it is applied).
    stack: list[tuple[tuple[Any, ...], bool]] = [(tree, False)]
    while stack:
        node, ready = stack.pop()
        kind = node[0]
        if kind == "var":
            results.append(reader.var(node[1]))
        elif kind == "const":
            results.append(reader.const(node[1]))
        elif not ready:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node[1]))
        else:
            op = ops.OPS[kind]
            n = len(node[1])
            xs = results[len(results) - n:]
            del results[len(results) - n:]
            results.append(reader.apply(op, [_feed(reader, op, i, x) for i, x in enumerate(xs)],
                                        node[2]))
    return results[0]


class ValueReader:
    """Reads a tree as Values (variables given), checking each op's input with ``check``."""

    def __init__(self, xs: Sequence[Value], check: Callable[[ops.Op, Value], None] | None = None
                 ) -> None:
        self.xs = xs
        self.check = check

    def var(self, i: int) -> Value:
        return self.xs[i]

    def const(self, c: float) -> Value:
        return Value(c)

    def apply(self, op: ops.Op, xs: list[Value], c: float | None) -> Value:
        if self.check is not None:
            self.check(op, xs[0])
        return apply_op(op, *op.join(xs, c))


class SourceReader:
    """Reads a tree as Python source over variables ``x0, x1, ...``."""

    def var(self, i: int) -> str:
        return f"x{i}"

    def const(self, c: float) -> str:
        return repr(c)

    def apply(self, op: ops.Op, xs: list[str], c: float | None) -> str:
        if op.method:
            extra = "" if c is None else repr(c)
            return f"({xs[0]}).{op.method}({extra})"
        if op.arity == ops.BINARY:
            return f"({xs[0]} {op.symbol} {xs[1]})"
        if op.arity == ops.UNARY_CONST:
            return (f"({c!r} {op.symbol} {xs[0]})" if op.const_first
                    else f"({xs[0]} {op.symbol} {c!r})")
        return f"{op.symbol}({xs[0]})"


@dataclass(frozen=True)
class Expression:
    """A random expression tree; callable on Values (see :func:`interpret` for the tree)."""

    tree: tuple[Any, ...]
    nargs: int

    def __call__(self, *args: Value | float) -> Value:
        if len(args) != self.nargs:
            raise TypeError(f"this expression takes {self.nargs} arguments, got {len(args)}")
        xs = [a if isinstance(a, Value) else Value(a) for a in args]
        return interpret(self.tree, ValueReader(xs))

    def __repr__(self) -> str:
        names = ", ".join(f"x{i}" for i in range(self.nargs))
        return f"lambda {names}: {interpret(self.tree, SourceReader())}"


def _trees(nargs: int, max_leaves: int) -> st.SearchStrategy[tuple[Any, ...]]:
    leaves = st.one_of(
        st.tuples(st.just("var"), st.integers(0, nargs - 1)),
        st.tuples(st.just("const"), finite_floats(-2.0, 2.0)),
    )

    unary, binary = _expression_ops()

    def one(op: ops.Op, children: st.SearchStrategy[tuple[Any, ...]]
            ) -> st.SearchStrategy[tuple[Any, ...]]:
        c = (st.just(None) if op.arity == ops.UNARY
             else st.one_of(*(finite_floats(lo, hi) for lo, hi in _samples(op, 1))))
        return st.tuples(st.just(op.name), st.tuples(children), c)

    def extend(children: st.SearchStrategy[tuple[Any, ...]]) -> st.SearchStrategy[tuple[Any, ...]]:
        # half functions of one argument, half operators, as before the table drove this
        return st.one_of(
            st.one_of(*(one(op, children) for op in unary)),
            st.tuples(st.sampled_from([op.name for op in binary]),
                      st.tuples(children, children), st.just(None)),
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
    # Every argument is used: join each one the tree misses with an operator (rather than throw
    # the tree away, which would leave few examples with several arguments).
    _, binary = _expression_ops()
    for i in sorted(set(range(nargs)) - _variables_used(tree)):
        op = draw(st.sampled_from(binary))
        tree = (op.name, (tree, ("var", i)), None)
    args = tuple(draw(finite_floats(-2.0, 2.0)) for _ in range(nargs))

    def check(op: ops.Op, x: Value) -> None:
        assume(all(abs(x.data - k) > margin for k in op.kinks))

    try:
        with no_grad():
            out = interpret(tree, ValueReader([Value(a) for a in args], check))
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
    used: set[int] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if node[0] == "var":
            used.add(node[1])
        elif node[0] != "const":
            stack.extend(node[1])
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

def arguments(op: ops.Op, margin: float = 1e-3) -> st.SearchStrategy[tuple[float, ...]]:
    """Arguments for ``op`` drawn from its table entry's sampling intervals (``op.sample``),
    ``margin`` away from its kinks: the Value inputs first, then the constants, as one flat
    tuple (n-ary ops: 1 to 6 inputs; a weighted sum: n weights, n inputs, a bias)."""

    def one(i: int) -> st.SearchStrategy[float]:
        return st.one_of(*(finite_floats(lo, hi) for lo, hi in _samples(op, i)))

    if op.arity in (ops.NARY, ops.NARY_CONST):
        sizes = (st.integers(1, 5).map(lambda n: 2 * n + 1) if op.role == ops.WEIGHTED_SUM
                 else st.integers(1, 6))
        return sizes.flatmap(lambda n: st.lists(one(0), min_size=n, max_size=n).map(tuple))
    n = 2 if op.arity in (ops.BINARY, ops.UNARY_CONST) else 1
    first = one(0).filter(lambda v: all(abs(v - k) > margin for k in op.kinks))
    return st.tuples(first, *(one(i) for i in range(1, n)))


class _OpDomains(Mapping[str, Callable[[float], st.SearchStrategy[tuple[float, ...]]]]):
    """A view of the op table as it is now (users' ops included): op name -> ``margin ->`` a
    strategy for the op's arguments."""

    def __getitem__(self, name: str) -> Callable[[float], st.SearchStrategy[tuple[float, ...]]]:
        return functools.partial(arguments, ops.OPS[name])

    def __iter__(self) -> Iterator[str]:
        return iter(list(ops.OPS))

    def __len__(self) -> int:
        return len(ops.OPS)


#: For each op of the table: a strategy for its arguments (see :func:`arguments`), by name.
OP_DOMAINS: Mapping[str, Callable[[float], st.SearchStrategy[tuple[float, ...]]]] = _OpDomains()


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
    return apply_op(op, *op.join(inputs, extra[0] if extra else None))


@st.composite
def op_cases(draw: st.DrawFn, margin: float = 1e-3) -> tuple[ops.Op, tuple[float, ...]]:
    """Draws ``(op, args)``: an op of the table and arguments inside its domain."""
    name = draw(st.sampled_from(sorted(ops.OPS)))
    return ops.OPS[name], draw(arguments(ops.OPS[name], margin))


# ---------------------------------------------------------------------------------------------
# Checking one op's rules: first and second derivatives and jvp against central differences
# ---------------------------------------------------------------------------------------------


def check_op(
    op: Any,
    domain: tuple[float, float] | None = None,
    max_examples: int = 100,
    atol: float = 1e-4,
    rtol: float = 1e-3,
) -> bool:
    """Property-tests an op's rules with hypothesis: at points drawn from ``domain`` (or the op's
    own sampling intervals), its first derivatives (the rule on floats), its second derivatives
    (the rule on Values, differentiated again) and its ``jvp`` must agree with central finite
    differences. Returns True, or raises :class:`autograd.GradcheckError` naming the first wrong
    partial (hypothesis shrinks it to a simple failing point first).

    ``op`` is a :func:`autograd.custom_op`, an entry of the table (``autograd.ops.TANH``) or its
    name.

    >>> import math
    >>> from autograd import custom_op, ops
    >>> cube = custom_op(lambda x: x ** 3, name="cube", partials=lambda x, out: (3 * x * x,))
    >>> check_op(cube, domain=(-2.0, 2.0))
    True
    >>> ops.unregister("cube")
    """
    from .custom import CustomOp

    nargs: int | None = None
    if isinstance(op, CustomOp):
        nargs = op.nargs
        op = op.op
    elif isinstance(op, str):
        op = ops.OPS[op]
    if not isinstance(op, ops.Op):
        raise TypeError(f"check_op needs a custom op, an ops.Op or an op's name, got {op!r}")
    table_op: ops.Op = op
    n = nargs or {ops.UNARY: 1, ops.BINARY: 2, ops.UNARY_CONST: 1}.get(table_op.arity, 3)
    if domain is not None:
        lo, hi = (float(v) for v in domain)
        if not lo < hi:
            raise ValueError(f"check_op domain must be (lo, hi) with lo < hi, got {domain!r}")
        intervals: tuple[tuple[ops.Interval, ...], ...] = (((lo, hi),),) * n
    else:
        sample = table_op.sample or (ops.ANYWHERE,)
        intervals = tuple(sample[min(i, len(sample) - 1)] for i in range(n))
    consts = _const_strategy(table_op)
    points = st.tuples(*(_union(iv) for iv in intervals))
    tangents = st.tuples(*([finite_floats(-1.0, 1.0)] * n))

    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=max_examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(points, consts, tangents)
    def run(xs: tuple[float, ...], c: Any, t: tuple[float, ...]) -> None:
        for x in xs:
            assume(all(abs(x - k) > 1e-3 for k in table_op.kinks))
        _check_point(table_op, list(xs), c, list(t), atol, rtol)

    run()
    return True


def _union(intervals: tuple[ops.Interval, ...]) -> st.SearchStrategy[float]:
    return st.one_of(*(finite_floats(lo, hi) for lo, hi in intervals))


def _const_strategy(op: ops.Op) -> st.SearchStrategy[Any]:
    if op.arity == ops.UNARY_CONST:
        sample = op.sample[1] if len(op.sample) > 1 else ops.ANYWHERE
        return _union(sample)
    if op.arity == ops.NARY_CONST:  # a weighted sum of 2 inputs: w1, w2, b and two constants
        return st.tuples(finite_floats(-5.0, 5.0), finite_floats(-5.0, 5.0))
    return st.none()


def _apply(op: ops.Op, xs: Sequence[Any], c: Any) -> Value:
    return apply_op(op, *op.join(xs, c))


def _evaluate_at(op: ops.Op, xs: Sequence[float], c: Any) -> float:
    try:
        out = float(op.evaluate(xs, c))
    except (ValueError, ZeroDivisionError, OverflowError):
        assume(False)
        raise  # unreachable
    assume(math.isfinite(out) and abs(out) < 1e8)
    return out


def _step(x: float) -> float:
    return 1e-6 * max(1.0, abs(x))


def _check_point(op: ops.Op, xs: list[float], c: Any, t: list[float], atol: float,
                 rtol: float) -> None:
    from .forward import jvp
    from .functional import backprop
    from .gradcheck import GradcheckError

    n = len(xs)
    out = _evaluate_at(op, xs, c)

    def shifted(i: int, h: float) -> list[float]:
        ys = list(xs)
        ys[i] += h
        return ys

    def fail(what: str, i: int, analytic: float, numeric: float) -> None:
        if math.isclose(analytic, numeric, rel_tol=0.0, abs_tol=atol + rtol * abs(numeric)):
            return
        point = ", ".join(f"x{k}={x!r}" for k, x in enumerate(xs))
        extra = f", c={c!r}" if c is not None else ""
        raise GradcheckError(
            f"check_op({op.name!r}): {what} is wrong at {point}{extra}: the rule gives "
            f"{analytic!r}, central differences give {numeric!r}",
            [(i, xs[i], analytic, numeric, False)],
        )

    # first derivatives: the rule on floats
    first = [float(d) for d in op.local(xs, c, out)]
    for i in range(n):
        h = _step(xs[i])
        up, down = shifted(i, h), shifted(i, -h)
        numeric = (_evaluate_at(op, up, c) - _evaluate_at(op, down, c)) / (2 * h)
        fail(f"the first derivative d/dx{i}", i, first[i], numeric)

    # second derivatives: the rule on Values, differentiated again
    leaves = [Value(x) for x in xs]
    node = _apply(op, leaves, c)
    try:
        from .engine import partials_as_values

        symbolic = partials_as_values(node)
    except TypeError as err:
        raise GradcheckError(f"check_op({op.name!r}): second derivatives: {err}", []) from err
    for i, d in enumerate(symbolic):
        row = backprop(d, leaves) if isinstance(d, Value) else [0.0] * n
        for j in range(n):
            h = 1e-5 * max(1.0, abs(xs[j]))
            up, down = shifted(j, h), shifted(j, -h)
            numeric = (float(op.local(up, c, _evaluate_at(op, up, c))[i])
                       - float(op.local(down, c, _evaluate_at(op, down, c))[i])) / (2 * h)
            fail(f"the second derivative d2/dx{i}dx{j}", i, float(row[j]), numeric)

    # jvp: one forward-mode sweep in the direction t
    _, tangent = jvp(lambda *vs: _apply(op, vs, c), tuple(xs), tuple(t))
    h = 1e-6 * max(1.0, *(abs(x) for x in xs))
    up = [x + h * d for x, d in zip(xs, t)]
    down = [x - h * d for x, d in zip(xs, t)]
    numeric = (_evaluate_at(op, up, c) - _evaluate_at(op, down, c)) / (2 * h)
    fail("jvp (the directional derivative)", 0, float(tangent), numeric)
