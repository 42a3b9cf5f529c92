"""Every op of the table, one at a time: partials against central finite differences."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import ops
from autograd.engine import Value, partials_as_values
from autograd.testing import OP_DOMAINS, call_op, op_arguments


def test_every_op_has_a_test_domain() -> None:
    # Adding an op to the table without saying where it is defined fails here.
    assert set(OP_DOMAINS) == set(ops.OPS)


def test_every_op_documents_its_maths() -> None:
    for op in ops.OPS.values():
        assert op.maths, op.name
        assert op.symbol, op.name


def _forward(op: ops.Op, inputs: list[float], extra: tuple[object, ...]) -> float:
    return call_op(op, inputs, extra).data


def _central_difference(op: ops.Op, inputs: list[float], extra: tuple[object, ...], i: int
                        ) -> float:
    h = 1e-6 * max(1.0, abs(inputs[i]))
    up = list(inputs)
    down = list(inputs)
    up[i] += h
    down[i] -= h
    return (_forward(op, up, extra) - _forward(op, down, extra)) / (up[i] - down[i])


def _draw_case(name: str, data: st.DataObject
               ) -> tuple[ops.Op, tuple[float, ...], list[float], tuple[object, ...], list[Value],
                          Value]:
    """An op, its drawn arguments split into inputs and the rest, leaves for them, the node."""
    op = ops.OPS[name]
    args = data.draw(OP_DOMAINS[name](1e-3), label="args")
    inputs, extra = op_arguments(op, args)
    leaves = [Value(x) for x in inputs]
    return op, args, inputs, extra, leaves, call_op(op, leaves, extra)


@pytest.mark.parametrize("name", sorted(OP_DOMAINS))
@given(data=st.data())
def test_partials_match_finite_differences(name: str, data: st.DataObject) -> None:
    op, args, inputs, extra, leaves, out = _draw_case(name, data)
    assert out.op_name == name
    assert len(out.local_grads) == len(out.parents)
    for i, leaf in enumerate(leaves):
        assert out.parents[i] is leaf
        numeric = _central_difference(op, inputs, extra, i)
        analytic = out.local_grads[i]
        assert math.isclose(analytic, numeric, rel_tol=1e-4, abs_tol=1e-5), (
            f"{name}{tuple(args)}: d/dinput{i} analytic {analytic} numeric {numeric}"
        )


@pytest.mark.parametrize("name", sorted(OP_DOMAINS))
@given(data=st.data())
def test_rules_give_the_same_numbers_on_values(name: str, data: st.DataObject) -> None:
    # The rule run on Values (for higher order) agrees with the floats stored in the node.
    out = _draw_case(name, data)[5]
    rebuilt = partials_as_values(out)
    assert len(rebuilt) == len(out.local_grads)
    for r, g in zip(rebuilt, out.local_grads):
        assert math.isclose(float(r), g, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize("name", sorted(OP_DOMAINS))
@given(data=st.data())
def test_backward_through_an_op_matches_finite_differences_of_the_composition(
        name: str, data: st.DataObject) -> None:
    # g(op(...)) with g(u) = u*u/2 + 3u: backward's chain rule against central differences of
    # the whole function
    op, _, inputs, extra, leaves, out = _draw_case(name, data)
    loss = out * out * 0.5 + out * 3.0
    loss.backward()
    for i, leaf in enumerate(leaves):
        h = 1e-6 * max(1.0, abs(inputs[i]))
        up, down = list(inputs), list(inputs)
        up[i] += h
        down[i] -= h
        u1, u0 = _forward(op, up, extra), _forward(op, down, extra)
        numeric = ((u1 * u1 - u0 * u0) * 0.5 + (u1 - u0) * 3.0) / (up[i] - down[i])
        assert math.isclose(leaf.grad, numeric, rel_tol=1e-4, abs_tol=1e-5), (name, i)


def test_kinks_follow_pytorch() -> None:
    zero = Value(0.0)
    assert zero.relu().local_grads == (0.0,)
    assert abs(zero).local_grads == (0.0,)
    assert zero.leaky_relu(0.2).local_grads == (0.2,)
    assert zero.leaky_relu().local_grads == (0.01,)
    assert zero.sqrt().local_grads == (math.inf,)
    assert (zero ** 0.5).local_grads == (math.inf,)
    assert (zero ** 0).local_grads == (0.0,)
    assert (zero ** 1).local_grads == (1.0,)


def test_each_method_applies_its_table_entry() -> None:
    # Value's methods come from the table: the method makes a node of that op, with the entry's
    # forward value and partials, and its docstring is the entry's.
    for op in ops.OPS.values():
        if not op.method:
            continue
        x = 0.3
        if op.sample and not any(lo <= x <= hi for lo, hi in op.sample[0]):
            x = sum(op.sample[0][0]) / 2  # inside the domain (acosh needs x >= 1)
        extra = () if op.arity == ops.UNARY else (0.2,)
        out = getattr(Value(x), op.method)(*extra)
        assert out.op_name == op.name
        assert out.data == op.evaluate([x], *extra)
        assert out.local_grads == op.local([x], extra[0] if extra else None, out.data)
        assert getattr(Value, op.method).__doc__ == op.doc()


def test_declaring_an_op_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        ops._declare(ops.Op("tanh", "tanh", ops.UNARY, math.tanh, lambda x, out: (1.0,)))


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 5).flatmap(lambda n: st.tuples(
    st.lists(st.floats(-1e6, 1e6), min_size=n, max_size=n),
    st.lists(st.floats(-1e6, 1e6), min_size=n, max_size=n), st.floats(-1e6, 1e6))))
def test_the_wsum_rules_in_parts_are_the_rules(
        case: tuple[list[float], list[float], float]) -> None:
    # engine.dots runs WSUM's rules in parts (a layer's neurons share their inputs): the same
    # numbers, bit for bit, as the table's own rules on the joined operands
    ws, xs, b = case
    joined = [*ws, *xs, b]
    out = ops.WSUM.forward(joined)
    want = ops.WSUM.partials(joined, out)
    assert ops.wsum_parts(ws, xs, b) == (out, want)
    value, input_partials = ops.wsum_split(ws, xs, b)
    assert value == out and (*xs, *input_partials, 1.0) == want
    assert ops.wsum_const_value(ws, xs, b) == ops.WSUM_CONST.forward([*ws, b], tuple(xs))
