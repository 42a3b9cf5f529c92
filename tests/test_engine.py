"""Value and backward: the rules of the engine, one plain test each."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import math
import threading
import weakref
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, engine, no_grad, ops, topological_order


def test_spec_example() -> None:
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b + b ** 2
    assert c.data == 3.0
    c.backward()
    assert a.grad == -3.0
    assert b.grad == 2 * (-3.0) + 2.0


def test_attributes_of_leaves_and_nodes() -> None:
    a = Value(3, label="a")
    assert type(a.data) is float and a.data == 3.0
    assert a.grad == 0.0 and a.label == "a" and a.op == ""
    assert a.parents == () and a.local_grads == ()
    b = Value(4.0)
    c = a * b
    assert c.op == "*" and c.parents == (a, b) and c.local_grads == (4.0, 3.0)
    assert isinstance(c.parents, tuple) and isinstance(c.local_grads, tuple)
    d = a + 1
    assert d.op == "+" and d.parents == (a,) and d.constant == 1.0


def test_same_parent_twice_is_listed_twice() -> None:
    a = Value(3.0)
    b = a * a
    assert b.parents == (a, a)
    assert b.local_grads == (3.0, 3.0)
    b.backward()
    assert a.grad == 6.0


@pytest.mark.parametrize("bad", ["3", None, True, False, 1 + 2j, [1.0], (1.0,), {}, b"1"])
def test_value_refuses_non_real_data(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)  # type: ignore[arg-type]


def test_value_refuses_a_value_as_data() -> None:
    with pytest.raises(TypeError, match="Value"):
        Value(Value(1.0))


def test_value_accepts_other_real_numbers() -> None:
    assert Value(Fraction(1, 4)).data == 0.25
    np = pytest.importorskip("numpy")
    for x in (np.float64(1.5), np.float32(1.5), np.int64(3), np.int8(-2)):
        v = Value(x)
        assert type(v.data) is float and v.data == float(x)


def test_label_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)  # type: ignore[arg-type]


def test_operators_with_numbers_on_either_side() -> None:
    x = Value(2.0)
    cases = {
        "x + 3": (x + 3, 5.0, 1.0), "3 + x": (3 + x, 5.0, 1.0),
        "x - 3": (x - 3, -1.0, 1.0), "3 - x": (3 - x, 1.0, -1.0),
        "x * 3": (x * 3, 6.0, 3.0), "3 * x": (3 * x, 6.0, 3.0),
        "x / 4": (x / 4, 0.5, 0.25), "4 / x": (4 / x, 2.0, -1.0),
        "x ** 3": (x ** 3, 8.0, 12.0), "3 ** x": (3 ** x, 9.0, 9.0 * math.log(3.0)),
        "-x": (-x, -2.0, -1.0), "abs(-x)": (abs(-x), 2.0, 1.0), "+x": (+x, 2.0, 1.0),
    }
    for text, (out, value, slope) in cases.items():
        x.grad = 0.0
        out.backward()
        assert out.data == pytest.approx(value), text
        assert x.grad == pytest.approx(slope), text


def test_value_exponent() -> None:
    x, y = Value(2.0), Value(3.0)
    z = x ** y
    z.backward()
    assert z.data == 8.0
    assert x.grad == pytest.approx(12.0)
    assert y.grad == pytest.approx(8.0 * math.log(2.0))
    with pytest.raises(ValueError, match=r"pow.*-2\.0"):
        Value(-2.0) ** Value(2.0)


def test_unsupported_operands_raise_type_error() -> None:
    with pytest.raises(TypeError, match="str"):
        Value(1.0) + "1"  # type: ignore[operator]
    with pytest.raises(TypeError):
        Value(1.0) * [1.0]  # type: ignore[operator]
    with pytest.raises(TypeError):
        Value(1.0) ** True


def test_methods_and_their_values() -> None:
    x = Value(0.5)
    assert x.exp().data == math.exp(0.5)
    assert x.log().data == math.log(0.5)
    assert x.tanh().data == math.tanh(0.5)
    assert x.sigmoid().data == 1 / (1 + math.exp(-0.5))
    assert x.relu().data == 0.5 and (-x).relu().data == 0.0
    assert x.sqrt().data == math.sqrt(0.5)
    assert x.sin().data == math.sin(0.5) and x.cos().data == math.cos(0.5)
    assert (-x).leaky_relu().data == -0.005 and (-x).leaky_relu(0.2).data == -0.1
    assert x.softplus().data == pytest.approx(math.log1p(math.exp(0.5)))


def test_float_repr_hash() -> None:
    a = Value(2.5, label="a")
    assert float(a) == 2.5
    assert "2.5" in repr(a) and "grad" in repr(a)
    b = Value(2.5)
    # equal numbers compare equal (as 0-d tensors), yet each Value is its own dict key
    assert a is not b and hash(a) != hash(b) and a == b
    assert {a: 1, b: 2}[a] == 1 and len({a, b}) == 2
    assert hash(a) == object.__hash__(a)


def test_ordering_compares_data() -> None:
    assert Value(1.0) < Value(2.0) and Value(2.0) >= 2 and Value(3.0) > 2.5
    assert max([Value(1.0), Value(3.0), Value(2.0)]).data == 3.0


def test_detach_makes_a_leaf() -> None:
    x = Value(2.0)
    y = (x * x).detach()
    assert y.data == 4.0 and y.parents == () and y.op == ""
    (y * x).backward()
    assert x.grad == 4.0 and y.grad == 2.0


def test_accumulation_over_shared_subexpressions() -> None:
    a = Value(1.5)
    b = a * 2.0          # db/da = 2
    c = b + b            # dc/db = 2
    d = c * b            # dd/db = c + b * 2
    d.backward()
    # d = 2b * b = 2 b^2 = 8 a^2: dd/da = 16 a
    assert a.grad == pytest.approx(16 * 1.5)
    assert b.grad == pytest.approx(4 * b.data)
    assert c.grad == b.data
    assert d.grad == 1.0


def test_every_reached_node_gets_its_grad() -> None:
    x = Value(0.3)
    h = (x * 2).tanh()
    y = h * h + 1
    y.backward()
    for node in topological_order(y):
        assert node.grad != 0.0 or node is y
    assert h.grad == pytest.approx(2 * h.data)


def test_backward_twice_doubles_every_gradient() -> None:
    a, b = Value(0.7), Value(-1.3)
    shared = a * b
    out = shared.tanh() + shared * a
    out.backward()
    once = {id(n): n.grad for n in topological_order(out)}
    out.backward()
    for node in topological_order(out):
        assert node.grad == pytest.approx(2 * once[id(node)], rel=1e-12)


def test_backward_after_a_partial_backward_adds_only_its_own_pass() -> None:
    # A shared intermediate that already holds gradient must not send it again.
    x = Value(2.0)
    m = x * 3.0
    m.backward()                 # x.grad = 3, m.grad = 1
    out = m * m                  # d out / d m = 2m = 12
    out.backward()
    assert m.grad == 1.0 + 12.0
    assert x.grad == 3.0 + 36.0


def test_backward_seed_and_its_validation() -> None:
    x = Value(2.0)
    (x * x).backward(0.5)
    assert x.grad == 2.0
    with pytest.raises(TypeError, match="str"):
        (x * x).backward("1")  # type: ignore[arg-type]


def test_zero_grad_clears_the_graph() -> None:
    x = Value(2.0)
    y = (x * x).exp()
    y.backward()
    y.zero_grad()
    assert all(n.grad == 0.0 for n in topological_order(y))


def test_same_graph_same_order_same_floats() -> None:
    def build() -> tuple[Value, list[Value]]:
        xs = [Value(0.1 * i - 0.4) for i in range(9)]
        acc = xs[0]
        for i, x in enumerate(xs[1:]):
            acc = (acc * x + xs[i // 2]).tanh() + x.sigmoid() * acc
        return acc, xs

    out1, xs1 = build()
    out2, xs2 = build()
    order1 = [n.op_name for n in topological_order(out1)]
    order2 = [n.op_name for n in topological_order(out2)]
    assert order1 == order2
    out1.backward()
    out2.backward()
    assert [x.grad for x in xs1] == [x.grad for x in xs2]


def test_topological_order_puts_users_before_parents() -> None:
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    assert order[0] is e
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for p in node.parents:
            assert position[id(node)] < position[id(p)]
    assert len(order) == 5


def test_a_chain_of_a_million_nodes() -> None:
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    assert y.data == 1_000_001.0
    y.backward()
    assert x.grad == 1.0
    del y  # freeing it must not overflow the C stack either


def test_a_dropped_graph_is_freed_by_reference_counting_alone() -> None:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        x = Value(0.5)
        y = x
        for _ in range(1000):
            y = (y * 1.01 + 0.1).tanh()
        middle = topological_order(y)[500]
        refs = [weakref.ref(y), weakref.ref(middle)]
        y.backward()
        del middle
        del y
        assert all(r() is None for r in refs)
        # The leaf lives on: only the graph built on it is gone.
        assert x.grad != 0.0
    finally:
        if was_enabled:
            gc.enable()


def test_no_cycles_in_nodes() -> None:
    # gc.get_referents of a node are its fields: none of them leads back to the node.
    x = Value(1.0)
    y = (x * 2).exp()
    for node in topological_order(y):
        assert not any(r is node for p in node.parents for r in gc.get_referents(p))


# --- no_grad -----------------------------------------------------------------------------------


def test_no_grad_makes_leaves_and_restores() -> None:
    x = Value(2.0)
    with no_grad():
        y = x * 3 + x.tanh()
        assert not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()
    assert y.parents == () and y.op == "" and y.local_grads == ()
    assert y.data == pytest.approx(6 + math.tanh(2.0))


def test_no_grad_nests_and_survives_exceptions() -> None:
    with no_grad():
        with no_grad():
            pass
        assert not autograd.is_grad_enabled()
        with autograd.enable_grad():
            assert autograd.is_grad_enabled()
            assert (Value(1.0) * 2).parents != ()
        assert not autograd.is_grad_enabled()
    assert autograd.is_grad_enabled()
    with pytest.raises(RuntimeError), no_grad():
        raise RuntimeError("boom")
    assert autograd.is_grad_enabled()


def test_no_grad_as_a_decorator() -> None:
    @no_grad()
    def update(v: Value) -> Value:
        return v * 2

    assert update(Value(1.0)).parents == ()
    assert autograd.is_grad_enabled()


def test_no_grad_is_per_thread() -> None:
    inside = threading.Event()
    checked = threading.Event()
    seen: dict[str, object] = {}

    def worker() -> None:
        with no_grad():
            inside.set()
            checked.wait(5)
            seen["worker"] = (Value(1.0) * 2).parents

    t = threading.Thread(target=worker)
    t.start()
    assert inside.wait(5)
    # The other thread is inside no_grad right now; this one still records.
    seen["main"] = (Value(1.0) * 2).parents
    checked.set()
    t.join(5)
    assert seen["worker"] == ()
    assert len(seen["main"]) == 1  # type: ignore[arg-type]


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: Value(-1.0).log(), ValueError, ["log", "-1.0"]),
        (lambda: Value(0.0).log(), ValueError, ["log", "0.0"]),
        (lambda: Value(-4.0).sqrt(), ValueError, ["sqrt", "-4.0"]),
        (lambda: Value(-8.0) ** 0.5, ValueError, ["pow", "-8.0", "0.5"]),
        (lambda: Value(1.0) / 0, ZeroDivisionError, ["div", "0"]),
        (lambda: Value(1.0) / Value(0.0), ZeroDivisionError, ["div", "0.0"]),
        (lambda: 1.0 / Value(0.0), ZeroDivisionError, ["div", "0.0"]),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, ["pow", "0.0"]),
        (lambda: Value(1000.0).exp(), OverflowError, ["exp", "1000.0"]),
        (lambda: Value(-1.0) ** Value(0.5), ValueError, ["pow", "-1.0"]),
    ],
)
def test_domain_errors_name_the_op_and_the_value(make, error, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as info:
        make()
    for word in words:
        assert word in str(info.value)


def test_stable_functions_stay_finite() -> None:
    assert Value(1000.0).tanh().data == 1.0
    assert Value(-1000.0).tanh().data == -1.0
    assert Value(1000.0).sigmoid().data == 1.0
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).softplus().data == 1000.0
    assert Value(-1000.0).softplus().data == 0.0
    big = autograd.logsumexp([Value(1000.0), Value(1000.0)])
    assert big.data == pytest.approx(1000.0 + math.log(2.0))
    big.backward()
    assert big.parents[0].grad == pytest.approx(0.5)
    for v in (Value(1000.0).tanh(), Value(-1000.0).sigmoid(), Value(-1000.0).softplus()):
        assert all(math.isfinite(g) for g in v.local_grads)


def test_a_failed_op_leaves_its_inputs_unchanged() -> None:
    x = Value(-1.0)
    x.grad = 0.25
    with pytest.raises(ValueError):
        x.log()
    assert x.data == -1.0 and x.grad == 0.25 and x.parents == ()


# --- n-ary ops -----------------------------------------------------------------------------------


def test_sum_and_dot_are_single_nodes() -> None:
    xs = [Value(float(i)) for i in range(5)]
    s = autograd.sum(xs)
    assert s.data == 10.0 and s.parents == tuple(xs) and s.local_grads == (1.0,) * 5
    ws = [Value(0.5), Value(-1.0)]
    b = Value(0.25)
    d = autograd.dot(ws, [2.0, 3.0], b)
    assert d.data == 0.5 * 2.0 - 3.0 + 0.25
    assert d.parents == (*ws, b) and d.local_grads == (2.0, 3.0, 1.0)
    inputs = [Value(2.0), Value(3.0)]
    e = autograd.dot(ws, inputs, b)
    assert e.parents == (*ws, *inputs, b)
    e.backward()
    assert [w.grad for w in ws] == [2.0, 3.0] and [x.grad for x in inputs] == [0.5, -1.0]
    with pytest.raises(ValueError, match="2 weights but 3 inputs"):
        autograd.dot(ws, [1.0, 2.0, 3.0], b)
    assert autograd.sum([]).data == 0.0
    with pytest.raises(ValueError):
        autograd.logsumexp([])


def test_zero_gradient_times_an_infinite_local_derivative_is_nan_as_in_pytorch() -> None:
    # Backward skips nodes whose gradient is 0, but not when that would hide 0 * inf = nan.
    x = Value(0.0)
    y = x.sqrt()                 # local derivative inf
    (y * 0.0).backward()         # y.grad = 0
    assert y.grad == 0.0
    assert math.isnan(x.grad)
    a = Value(-1.0)
    b = a.relu()                 # local derivative 0: a.grad stays 0.0
    (b * 3.0).backward()
    assert a.grad == 0.0 and b.grad == 3.0


def test_backward_from_a_leaf() -> None:
    x = Value(3.0)
    x.backward()
    x.backward(2.0)
    assert x.grad == 3.0


# --- the fast paths agree with their plain versions -------------------------------------------
# The engine's speed tricks (see the "Speed" comments in autograd/engine.py) must give the very
# same order and the very same floats as the plain code they stand for, written out again here.


def _plain_postorder(root: Value, stop: frozenset[Value], leaves: bool) -> list[Value]:
    """The depth-first search of ``_postorder`` written plainly (recursion is fine: tiny graphs)."""
    order: list[Value] = []
    seen = {root}

    def visit(node: Value) -> None:
        if node not in stop:
            for p in node.parents:
                if p in seen:
                    continue
                if not p.parents:
                    if leaves:
                        seen.add(p)
                        order.append(p)
                    continue
                seen.add(p)
                visit(p)
        order.append(node)

    visit(root)
    return order


def _plain_backward(root: Value) -> None:
    """``root.backward()`` as the plain loop: earlier gradients of the senders set aside, each
    sender sends ``local * grad`` to each parent unless it is 0 with finite local derivatives,
    or its derivative is a strong zero (a relu that is off), which sends nothing at all."""
    senders = _plain_postorder(root, frozenset(), leaves=False)[::-1]
    earlier = [n.grad for n in senders]
    for n in senders:
        n.grad = 0.0
    root.grad = 1.0
    for node in senders:
        g = node.grad
        if g == 0.0 and math.isfinite(sum(node.local_grads)):
            continue
        if node.local_grads is ops.STRONG_ZERO:
            continue
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad = parent.grad + local * g
    for node, old in zip(senders, earlier):
        if old:
            node.grad = node.grad + old


#: Steps of a random graph: (op, operand, operand, operand), operands taken modulo the nodes so far.
_steps = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 99), st.integers(0, 99),
                            st.integers(0, 99)), min_size=0, max_size=40)
_leaf_data = st.lists(st.one_of(st.floats(-3, 3), st.sampled_from([0.0, -0.0, math.inf, math.nan])),
                      min_size=1, max_size=5)


def _make(op: int, a: Value, b: Value, c: Value) -> Value:
    if op == 0:
        return a.tanh()
    if op == 1:
        return a * 1.5
    if op == 2:
        return a + b
    if op == 3:
        return a * a
    if op == 4:
        return a.relu()
    if op == 5:
        return a * b - c
    if op == 6:
        return autograd.sum([a, b, c, a])
    if op == 7:
        return a.sigmoid() * 0.0
    if op == 8:
        return autograd.dot([a, b], [c, a], b)
    return autograd.dot([a, b], [2.0, -1.0], c)


def _random_graph(data: list[float], steps: list[tuple[int, int, int, int]]) -> list[Value]:
    nodes = [Value(d) for d in data]
    for op, i, j, k in steps:
        a, b, c = nodes[-1 - i % min(len(nodes), 6)], nodes[j % len(nodes)], nodes[k % len(nodes)]
        with contextlib.suppress(ValueError, ArithmeticError):  # fsum refuses inf - inf
            nodes.append(_make(op, a, b, c))
    return nodes


@settings(max_examples=300, deadline=None)
@given(_leaf_data, _steps, st.integers(0, 99), st.lists(st.integers(0, 99), max_size=3),
       st.booleans())
def test_the_search_gives_the_plain_order(data: list[float], steps: list[tuple[int, int, int, int]],
                                          root_at: int, stop_at: list[int], leaves: bool) -> None:
    from autograd.engine import _postorder

    nodes = _random_graph(data, steps)
    root = nodes[-1 - root_at % min(len(nodes), 4)]
    stop = frozenset(nodes[i % len(nodes)] for i in stop_at)
    got = _postorder(root, stop, leaves)
    want = _plain_postorder(root, stop, leaves)
    assert [id(v) for v in got] == [id(v) for v in want]


def _same_float(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


@settings(max_examples=300, deadline=None)
@given(_leaf_data, _steps, st.booleans())
def test_backward_gives_the_plain_loops_floats(data: list[float],
                                               steps: list[tuple[int, int, int, int]],
                                               twice: bool) -> None:
    fast, plain = _random_graph(data, steps), _random_graph(data, steps)
    for _ in range(2 if twice else 1):
        fast[-1].backward()
        _plain_backward(plain[-1])
    for f, p in zip(fast, plain):
        assert _same_float(f.grad, p.grad), (f, p)


def test_dots_is_dot_for_each_neuron() -> None:
    from autograd.engine import dots

    ws = [[Value(0.1 * i - 0.2 * j) for i in range(3)] for j in range(4)]
    bs = [Value(0.05 * j) for j in range(4)]
    rows = list(zip(ws, bs))
    for inputs in ([Value(0.5), Value(-1.5), Value(2.0)], [0.5, -1.5, 2.0],
                   [Value(0.5), -1.5, 2.0], (0.5, -1.5, 2.0)):
        got = dots(rows, inputs)
        want = [autograd.dot(w, inputs, b) for w, b in rows]
        for g, w in zip(got, want):
            assert (g.data, g.op_name, g.local_grads, g.constant) == \
                (w.data, w.op_name, w.local_grads, w.constant)
            known = {id(v) for v in [*bs, *inputs, *(x for w in ws for x in w)]
                     if isinstance(v, Value)}
            # the same Values as parents; a plain number made a new leaf holding it
            assert [id(v) if id(v) in known else v.data for v in g.parents] == \
                [id(v) if id(v) in known else v.data for v in w.parents]
        with no_grad():
            assert all(v.parents == () and v.op == "" for v in dots(rows, inputs))
    with pytest.raises(ValueError, match="3 weights but 2 inputs"):
        dots(rows, [Value(1.0), Value(2.0)])
    with pytest.raises(TypeError, match="weights and bias must be Values"):
        dots([([Value(1.0), 2.0], Value(0.0))], [Value(1.0), Value(2.0)])  # type: ignore[list-item]


def test_dots_then_is_the_activation_of_each_sum() -> None:
    # ``dots(rows, x, then=op)`` makes, for each row, the sum's node and then op's node on it:
    # the same two nodes as ``apply_op(op, dot(w, x, b))``, with the same numbers and derivatives
    from autograd.engine import dots

    ws = [[Value(0.3 * i - 0.4 * j) for i in range(3)] for j in range(5)]
    bs = [Value(0.1 * j - 0.2) for j in range(5)]
    rows = list(zip(ws, bs))
    acts = [op for op in ops.OPS.values() if op.role == ops.ACTIVATION and op.arity == ops.UNARY]
    assert {"relu", "tanh", "sigmoid"} <= {op.name for op in acts}
    for then in acts:
        for inputs in ([Value(0.5), Value(-1.5), Value(2.0)], [0.5, -1.5, 2.0],
                       [Value(0.5), -1.5, 2.0]):
            got = dots(rows, inputs, then)
            want = [engine.apply_op(then, autograd.dot(w, inputs, b)) for w, b in rows]
            for g, w in zip(got, want):
                assert (g.data, g.op, g.local_grads) == (w.data, w.op, w.local_grads), then.name
                assert g._fn is then
                (gs,), (ws_,) = g.parents, w.parents
                assert (gs.data, gs.op, gs.local_grads) == (ws_.data, ws_.op, ws_.local_grads)
            if then is ops.RELU:  # an off relu keeps the very strong zero
                assert any(g.local_grads is ops.STRONG_ZERO for g in got)
            with no_grad():
                assert all(v.parents == () and v.op == "" for v in dots(rows, inputs, then))
    with pytest.raises(ValueError, match="then= must be an op of one input, not leaky_relu"):
        dots(rows, [1.0, 2.0, 3.0], ops.LEAKY_RELU)
    with pytest.raises(ValueError, match="3 weights but 2 inputs"):
        dots(rows, [Value(1.0), Value(2.0)], ops.RELU)
    with pytest.raises(ValueError, match=r"sqrt\(-"):  # the op's own domain error, named
        dots([([Value(1.0)], Value(-5.0))], [1.0], ops.SQRT)
    # forward mode sees both nodes of each neuron
    for direction in ((1.0, 0.0), (0.0, 1.0), (0.5, -2.0)):
        def f(a: Value, c: Value, fused: bool) -> Value:
            rows = [([a, c], c), ([c, a], Value(0.3))]
            if fused:
                outs = dots(rows, [a, 0.7], ops.TANH) + dots(rows, [0.2, -0.4], ops.TANH)
            else:
                outs = [autograd.dot(w, x, b).tanh() for x in ([a, 0.7], [0.2, -0.4])
                        for w, b in rows]
            return autograd.sum(outs)
        assert autograd.jvp(lambda a, c: f(a, c, True), (0.4, -0.7), direction) == \
            autograd.jvp(lambda a, c: f(a, c, False), (0.4, -0.7), direction)


def test_an_op_copies_as_itself() -> None:
    # an op is its table entry: a deep copy of a model (which holds its activation's op) or of
    # a graph still points at the entry, as pickling does by name
    import copy
    import pickle

    for op in (ops.RELU, ops.WSUM, ops.ADD):
        assert copy.copy(op) is op and copy.deepcopy(op) is op
        assert pickle.loads(pickle.dumps(op)) is op
    stray = dataclasses.replace(ops.EXP, name="not_in_the_table")
    with pytest.raises(TypeError, match="cannot pickle the op 'not_in_the_table'"):
        pickle.dumps(stray)
    with pytest.raises(ValueError, match="no op 'not_in_the_table' in the op table"):
        ops.entry("not_in_the_table")
    layer = autograd.nn.Layer(2, 3, seed=0)
    twin = copy.deepcopy(layer)
    assert twin._then is ops.RELU
    assert twin([1.0, 2.0])[0]._fn is ops.RELU
    assert [v.data for v in twin([1.0, 2.0])] == [v.data for v in layer([1.0, 2.0])]


def test_no_grad_count_returns_to_zero_and_every_maker_obeys_it() -> None:
    from autograd import engine

    x, y = Value(0.5), Value(2.0)
    makers = [lambda: x.tanh(), lambda: x * y, lambda: x * 3.0, lambda: 2.0 - x,
              lambda: autograd.dot([x], [y], y), lambda: engine.dots([([x], y)], [y])[0],
              lambda: engine.dots([([x], y)], [1.0])[0], lambda: autograd.sum([x, y])]
    inside, checked = threading.Event(), threading.Event()
    seen: list[int] = []

    def worker() -> None:
        with no_grad():
            inside.set()
            checked.wait(5)
            seen.extend(len(make().parents) for make in makers)

    t = threading.Thread(target=worker)
    t.start()
    assert inside.wait(5)
    assert engine._no_grad_blocks == 1
    assert all(make().parents for make in makers)  # this thread still records
    checked.set()
    t.join(5)
    assert seen == [0] * len(makers)
    with pytest.raises(RuntimeError), no_grad(), no_grad():
        assert engine._no_grad_blocks == 2
        with autograd.enable_grad():
            assert all(make().parents for make in makers)
        raise RuntimeError("boom")
    assert engine._no_grad_blocks == 0
    assert all(make().parents for make in makers)


def test_dots_gives_forward_mode_its_tangents() -> None:
    from autograd.engine import dots

    def layer(make: str, w0: Value, w1: Value, x0: Value) -> Value:
        rows = [([w0, w1], w1), ([w1, w0], Value(0.5))]
        outs = []
        for inputs in ([x0, w0], [0.25, -2.0]):  # Values in, then plain numbers in
            if make == "dots":
                outs += dots(rows, inputs)
            else:
                outs += [autograd.dot(w, inputs, b) for w, b in rows]
        return autograd.sum([o.tanh() for o in outs])

    for direction in ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (0.3, -1.0, 2.0)):
        got = autograd.jvp(lambda *a: layer("dots", *a), (0.4, -0.7, 1.5), direction)
        want = autograd.jvp(lambda *a: layer("dot", *a), (0.4, -0.7, 1.5), direction)
        assert got == want
        assert got[1] != 0.0


def test_one_parent_is_kept_bare_and_shown_as_tuples() -> None:
    # A node with one parent keeps it (and its derivative) in the slots themselves, not in
    # one-element tuples; ``parents`` and ``local_grads`` always show tuples.
    x = Value(0.5)
    y = x.tanh()
    assert y._parents is x and type(y._local) is float
    assert y.parents == (x,) and y.local_grads == (1.0 - y.data ** 2,)
    z = x * y
    assert type(z._parents) is tuple and z.parents == (x, y) and z.local_grads == (y.data, 0.5)
    assert x.parents == () and x.local_grads == () and x.is_leaf() and not y.is_leaf()
    off = Value(-1.0).relu()
    assert off.local_grads is ops.STRONG_ZERO  # a strong zero stays the very tuple
    # the setters keep the same form
    w = Value(2.0)
    y.parents = (w,)
    y.local_grads = [3.0]
    assert y._parents is w and y._local == 3.0 and y.local_grads == (3.0,)
    y.parents, y.local_grads = (w, x), (1.0, 2.0)
    assert y.parents == (w, x) and y.local_grads == (1.0, 2.0)
    off.local_grads = ops.STRONG_ZERO
    assert off.local_grads is ops.STRONG_ZERO
    # every way of making a one-parent node keeps the same form
    dotted = autograd.dot([], [], w)  # no weights: w·x+b of the bias alone
    assert dotted._parents is w and dotted.parents == (w,) and dotted.local_grads == (1.0,)
    assert autograd.engine.dots([([], w)], [])[0].parents == (w,)
    assert autograd.sum([w]).parents == (w,)
    dotted.backward()
    assert w.grad == 1.0


# --- a layer's sums keep the layer's inputs once (engine._Shared) ---------------------------------

_layer_numbers = st.one_of(st.floats(-3.0, 3.0), st.sampled_from([0.0, -0.0, 1e300, math.inf,
                                                                   -math.inf, math.nan]))


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_a_layers_sums_hold_its_inputs_once_and_backprop_as_dot(nin: int, nout: int,
                                                                  data: st.DataObject) -> None:
    # dots with Value inputs keeps each sum as (w, b) + the layer's inputs, held once
    # (engine._Shared); every view of the node and every gradient must be the plain dot's, bit
    # for bit, including inf and nan numbers, a weight that is also an input, and sums that
    # get no gradient (the search looks at the inputs from the first sum only)
    from autograd.engine import dots

    xs = [Value(data.draw(_layer_numbers)) for _ in range(nin)]
    ws = [Value(data.draw(_layer_numbers)) for _ in range(nin * nout)]
    bs = [Value(data.draw(_layer_numbers)) for _ in range(nout)]
    if data.draw(st.booleans()):
        ws[0] = xs[-1]  # a weight that is also an input
    rows = [(ws[j * nin:(j + 1) * nin], bs[j]) for j in range(nout)]
    # each output: left out, in the loss, or in it times 0 (a gradient of 0 reaches its sum,
    # which then sends nothing unless a derivative of it is inf or nan)
    used = data.draw(st.lists(st.sampled_from([0, 1, 2]), min_size=nout, max_size=nout))
    then = data.draw(st.sampled_from([None, ops.RELU, ops.TANH]))
    leaves = [*xs, *ws, *bs]

    def grads(make: object) -> tuple[list[float], list[Value]]:
        for leaf in leaves:
            leaf.grad = 0.0
        outs = make()  # type: ignore[operator]
        h = [o * o for o in xs]  # the inputs are also used after the layer
        loss = autograd.sum([o if u == 1 else o * 0.0 for o, u in zip(outs, used) if u] + h)
        loss.backward()
        return [leaf.grad for leaf in leaves], outs

    got, outs = grads(lambda: dots(rows, xs, then))
    want, plain = grads(lambda: [d if then is None else engine.apply_op(then, d)
                                 for d in (autograd.dot(w, xs, b) for w, b in rows)])
    assert all(_same(a, b) for a, b in zip(got, want)), (got, want)
    for g, p in zip(outs, plain):
        s, d = (g, p) if then is None else (g.parents[0], p.parents[0])
        assert s.parents == d.parents and s.constant is None is d.constant
        assert all(_same(a, b) for a, b in zip(s.local_grads, d.local_grads))
        assert len(s.local_grads) == len(d.local_grads) == 2 * nin + 1
    # the search gives the same order as over the plain graph
    def roles(root: Value, made: list[Value]) -> list[object]:
        mine = {id(n): i for i, n in enumerate(made)}
        return [("leaf", id(n)) if n.is_leaf() else ("made", mine.get(id(n)), n.op_name)
                for n in topological_order(root)]

    assert roles(autograd.sum(outs), outs) == roles(autograd.sum(plain), plain)


def test_a_layers_sum_copies_pickles_and_edits_as_any_node() -> None:
    import copy
    import pickle

    from autograd.engine import dots

    xs = [Value(0.5), Value(-1.5)]
    rows = [([Value(1.0), Value(2.0)], Value(0.25)), ([Value(-1.0), Value(3.0)], Value(0.0))]
    s0, s1 = dots(rows, xs)
    assert type(s0._arg) is engine._Shared and s0._arg is s1._arg  # held once for the layer
    for twin in (copy.copy(s0), copy.deepcopy(s0), pickle.loads(pickle.dumps(s0))):
        assert twin.data == s0.data and twin.local_grads == s0.local_grads
        assert twin.constant is None and twin.op_name == s0.op_name
        assert [p.data for p in twin.parents] == [p.data for p in s0.parents]
        twin.backward()
        assert [p.grad for p in twin.parents] == list(s0.local_grads)
    # changing a slot through the properties stores the node whole first
    s1.local_grads = [9.0, 8.0, 7.0, 6.0, 5.0]
    assert s1.local_grads == (9.0, 8.0, 7.0, 6.0, 5.0) and s1.parents == (*rows[1][0], *xs,
                                                                          rows[1][1])
    assert s1._arg is None
    s0.parents = [xs[0]]
    s0.local_grads = [2.0]
    assert s0.parents == (xs[0],) and s0.local_grads == (2.0,)
    for x in xs:
        x.grad = 0.0
    (s0 + s1).backward()
    assert (xs[0].grad, xs[1].grad) == (2.0 + 7.0, 6.0)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                 st.sampled_from([0.0, -0.0, math.inf, -math.inf, math.nan, 5e-324, -5e-324])))
def test_dots_relu_written_out_is_the_tables_relu(b: float) -> None:
    # dots writes relu's two rules out (speed); the nodes must be those of ops.RELU's rules
    from autograd.engine import dots

    x = [Value(0.0)]
    got = dots([([Value(1.0)], Value(b))], x, ops.RELU)[0]
    want = engine.apply_op(ops.RELU, autograd.dot([Value(1.0)], x, Value(b)))
    assert _same(got.data, want.data)
    assert (got.local_grads is ops.STRONG_ZERO) == (want.local_grads is ops.STRONG_ZERO)
    assert all(_same(a, c) for a, c in zip(got.local_grads, want.local_grads))
    assert got.op_name == want.op_name == "relu"
