"""custom_op: users' ops with 1, 2, 3 and any number of inputs, through every feature; check_op."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from autograd import (
    GradcheckError,
    Value,
    custom_op,
    explain,
    grad,
    gradcheck,
    hessian,
    hvp,
    jacobian,
    jvp,
    ops,
    value_and_grad,
    vjp,
)
from autograd.testing import check_op
from autograd.trace import trace_backward
from autograd.viz import to_dot


@pytest.fixture(autouse=True)
def restore_table() -> Iterator[None]:
    # Custom ops join the global table; each test leaves it as it found it.
    saved = dict(ops.OPS)
    yield
    ops.OPS.clear()
    ops.OPS.update(saved)


def make_ops():  # type: ignore[no-untyped-def]
    @custom_op(partials=lambda x, out: (1 - out * out,), maths="d/dx = 1 - out**2")
    def mytanh(x: float) -> float:
        return math.tanh(x)

    @custom_op(partials=lambda x, y, out: (out, x.exp() * -y.sin()),
               maths="d/dx = e^x cos y, d/dy = -e^x sin y")
    def expcos(x: float, y: float) -> float:
        return math.exp(x) * math.cos(y)

    @custom_op(partials=lambda x, y, z, out: (y * z, x * z, x * y), maths="d/dx = yz, ...")
    def mul3(x: float, y: float, z: float) -> float:
        return x * y * z

    return mytanh, expcos, mul3


POINTS = {"mytanh": [0.7], "expcos": [0.3, -1.1], "mul3": [1.5, -2.0, 0.5]}


@pytest.mark.parametrize("k", [0, 1, 2])
def test_custom_ops_with_one_two_three_inputs_through_every_feature(k: int) -> None:
    op = make_ops()[k]
    name = op.__name__
    xs = POINTS[name]
    n = len(xs)
    builtin = lambda *vs: {  # noqa: E731
        "mytanh": lambda: vs[0].tanh(),
        "expcos": lambda: vs[0].exp() * vs[1].cos(),
        "mul3": lambda: vs[0] * vs[1] * vs[2],
    }[name]()
    argnums = tuple(range(n))
    # forward and the node
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    out = op(*leaves)
    assert out.op == name and out.op_name == name and out.parents == tuple(leaves)
    assert out.data == pytest.approx(builtin(*leaves).data)
    assert ops.OPS[name] is op.op
    # backward
    out.backward()
    expected = grad(builtin, argnums=argnums)(*xs)
    assert [leaf.grad for leaf in leaves] == pytest.approx(list(expected))
    # higher order: grad of grad, hessian, hvp, jvp, jvp of grad, jacobian in both modes
    assert hessian(op)(*xs) == [pytest.approx(row) for row in hessian(builtin)(*xs)]
    assert grad(grad(op))(*xs) == pytest.approx(grad(grad(builtin))(*xs))
    v = tuple(0.5 - 0.3 * i for i in range(n))
    assert hvp(op)(xs, v) == pytest.approx(hvp(builtin)(xs, v))
    assert jvp(op, tuple(xs), v)[1] == pytest.approx(jvp(builtin, tuple(xs), v)[1])
    assert jvp(grad(op), tuple(xs), v)[1] == pytest.approx(jvp(grad(builtin), tuple(xs), v)[1])
    assert grad(lambda *a: jvp(op, a, v)[1])(*xs) == pytest.approx(
        grad(lambda *a: jvp(builtin, a, v)[1])(*xs))
    assert jacobian(op, argnums, mode="fwd")(*xs) == [pytest.approx(list(expected))]
    assert jacobian(op, argnums)(*xs) == [pytest.approx(list(expected))]
    assert vjp(op, *xs)[1](2.0) == pytest.approx(tuple(2 * e for e in expected))
    assert value_and_grad(op, argnums)(*xs)[1] == pytest.approx(expected)
    # second order by forward mode twice, and forward mode over a Value argument
    jj = lambda *a: jvp(lambda *b: jvp(op, b, v)[1], a, v)[1]  # noqa: E731
    jj_builtin = lambda *a: jvp(lambda *b: jvp(builtin, b, v)[1], a, v)[1]  # noqa: E731
    assert jj(*xs) == pytest.approx(jj_builtin(*xs))
    first = Value(xs[0])
    _, along = jvp(op, (first, *xs[1:]), v)
    along.backward()
    assert first.grad == pytest.approx(hvp(builtin)(xs, v)[0])
    # gradcheck and check_op
    assert gradcheck(op, *xs)
    assert check_op(op, domain=(-2.0, 2.0), max_examples=30)
    # drawing, explain and trace name the op and show its local derivatives
    dot = to_dot(out)
    assert f'label="{name}"' in dot and 'tooltip="d/dx' in dot
    e = explain(out, leaves[0])
    assert e.total == pytest.approx(expected[0])
    assert any(step.op == name for path in e.paths for step in path.steps)
    t = trace_backward(out)
    assert name in str(t) and t.grads[leaves[0]] == pytest.approx(expected[0])


def test_any_number_of_inputs() -> None:
    @custom_op(partials=lambda *a: tuple(2 * x for x in a[:-1]), maths="d/dx_i = 2 x_i")
    def sumsq(*xs: float) -> float:
        return math.fsum(x * x for x in xs)

    assert sumsq.nargs is None and sumsq.op.arity == ops.NARY
    for xs in ([1.0], [1.0, 2.0], [1.0, 2.0, 3.0, 4.0]):
        assert grad(sumsq, argnums=tuple(range(len(xs))))(*xs) == tuple(2 * x for x in xs)
        assert hessian(sumsq)(*xs)[0][0] == 2.0
    with pytest.raises(TypeError, match="at least one input"):
        sumsq()


def test_rules_written_with_value_methods_work_at_first_order() -> None:
    @custom_op(partials=lambda x, out: (x.cos(),))
    def mysin(x: float) -> float:
        return math.sin(x)

    assert grad(mysin)(0.3) == pytest.approx(math.cos(0.3))
    assert grad(grad(mysin))(0.3) == pytest.approx(-math.sin(0.3))
    y = mysin(Value(0.3))
    assert type(y.local_grads[0]) is float


def test_a_rule_that_is_not_value_aware_fails_loudly_only_at_higher_order() -> None:
    @custom_op(partials=lambda x, out: (math.cos(x),))
    def mysin(x: float) -> float:
        return math.sin(x)

    x = Value(0.3)
    y = mysin(x)
    y.backward()
    assert x.grad == pytest.approx(math.cos(0.3))
    assert grad(mysin)(0.3) == pytest.approx(math.cos(0.3))
    assert jvp(mysin, (0.3,), (1.0,))[1] == pytest.approx(math.cos(0.3))
    for higher in (lambda: grad(grad(mysin))(0.3), lambda: hessian(mysin)(0.3),
                   lambda: hvp(mysin)((0.3,), (1.0,)),
                   lambda: jvp(grad(mysin), (0.3,), (1.0,))):
        with pytest.raises(TypeError, match=r"custom op 'mysin'.*x\.exp\(\)"):
            higher()
    # nothing was left half-changed: the rule's inputs are ordinary Values again
    assert type(x) is Value and grad(mysin)(0.3) == pytest.approx(math.cos(0.3))


@pytest.mark.parametrize("n", [1, 2, 3])
def test_rules_that_are_not_value_aware_serve_first_order_and_refuse_higher(n: int) -> None:
    # partials written with math.* (floats only), for ops of 1, 2 and 3 inputs
    rules = {
        1: (lambda x: math.sin(x), lambda x, out: (math.cos(x),)),
        2: (lambda x, y: math.sin(x) * y, lambda x, y, out: (math.cos(x) * y, math.sin(x))),
        3: (lambda x, y, z: math.sin(x) * y * z,
            lambda x, y, z, out: (math.cos(x) * y * z, math.sin(x) * z, math.sin(x) * y)),
    }
    forward, partials = rules[n]
    op = custom_op(forward, name=f"plain{n}", partials=partials)
    xs = [0.3, 1.7, -0.8][:n]
    v = tuple(0.5 - 0.3 * i for i in range(n))
    argnums = tuple(range(n))
    expected = [math.cos(0.3) * math.prod(xs[1:])] + [
        math.sin(0.3) * math.prod(x for j, x in enumerate(xs[1:], 1) if j != i)
        for i in range(1, n)]
    # every first-order feature works
    leaves = [Value(x) for x in xs]
    op(*leaves).backward()
    assert [leaf.grad for leaf in leaves] == pytest.approx(expected)
    assert list(grad(op, argnums)(*xs)) == pytest.approx(expected)
    assert jvp(op, tuple(xs), v)[1] == pytest.approx(sum(e * t for e, t in zip(expected, v)))
    assert list(vjp(op, *xs)[1](1.0)) == pytest.approx(expected)
    for mode in ("rev", "fwd"):
        assert jacobian(op, argnums, mode=mode)(*xs) == [pytest.approx(expected)]
    assert gradcheck(op, *xs)
    # every higher-order one says which op and how to mend its rule
    for higher in (lambda: grad(grad(op))(*xs), lambda: hessian(op)(*xs),
                   lambda: hvp(op)(xs, v), lambda: jvp(grad(op), tuple(xs), v),
                   lambda: grad(lambda *a: jvp(op, a, v)[1])(*xs),
                   lambda: jvp(lambda *a: jvp(op, a, v)[1], tuple(xs), v)):
        with pytest.raises(TypeError, match=rf"custom op 'plain{n}'.*x\.exp\(\)"):
            higher()
    assert list(grad(op, argnums)(*xs)) == pytest.approx(expected)  # nothing left half-changed


def test_check_op_catches_a_wrong_first_and_a_wrong_second_derivative() -> None:
    bad_first = custom_op(math.tanh, name="bad_tanh", partials=lambda x, out: (1 - out,))
    with pytest.raises(GradcheckError, match="first derivative d/dx0 is wrong"):
        check_op(bad_first, domain=(-2.0, 2.0))

    def frozen_square(x):  # type: ignore[no-untyped-def]
        # right number, but as a constant: its own derivative (the second) comes out 0
        return 3 * (x.data if isinstance(x, Value) else x) ** 2

    bad_second = custom_op(lambda x: x ** 3, name="cube", partials=lambda x, out: (
        frozen_square(x),))
    assert gradcheck(bad_second, 1.3)  # first derivatives are right
    with pytest.raises(GradcheckError, match="second derivative d2/dx0dx0 is wrong"):
        check_op(bad_second, domain=(-2.0, 2.0))

    two = custom_op(lambda x, y: x * y, name="mul2", partials=lambda x, y, out: (y, y))
    with pytest.raises(GradcheckError, match="d/dx1"):
        check_op(two, domain=(-2.0, 2.0))
    # right first derivatives, a wrong mixed second one: d/dx (x y) = y given as a constant
    frozen_y = lambda y: y.data if isinstance(y, Value) else y  # noqa: E731
    mixed = custom_op(lambda x, y: x * y, name="mul_frozen",
                      partials=lambda x, y, out: (frozen_y(y), x))
    assert gradcheck(mixed, 1.3, -0.4)
    with pytest.raises(GradcheckError, match="second derivative d2/dx0dx1 is wrong"):
        check_op(mixed, domain=(-2.0, 2.0))
    not_aware = custom_op(math.sin, name="mysin", partials=lambda x, out: (math.cos(x),))
    with pytest.raises(GradcheckError, match="mysin"):
        check_op(not_aware)


@pytest.mark.parametrize("name", sorted(ops.BUILTIN))
def test_check_op_passes_for_every_op_of_the_table(name: str) -> None:
    assert check_op(name, max_examples=30)


def test_bad_declarations_and_calls_are_refused() -> None:
    with pytest.raises(ValueError, match="built-in"):
        custom_op(math.tanh, name="tanh", partials=lambda x, out: (1 - out * out,))
    with pytest.raises(ValueError, match="name"):
        custom_op(lambda x: x, partials=lambda x, out: (1.0,))
    with pytest.raises(TypeError, match="partials"):
        custom_op(math.tanh, name="t2", partials=None)  # type: ignore[arg-type]
    _, expcos, _ = make_ops()
    with pytest.raises(TypeError, match="takes 2 input"):
        expcos(Value(1.0))
    wrong_len = custom_op(lambda x, y: x + y, name="add2", partials=lambda x, y, out: (1.0,))
    with pytest.raises(TypeError, match="tuple of 2"):
        wrong_len(1.0, 2.0)
    word = lambda x: "x"  # noqa: E731
    not_a_number = custom_op(word, name="word", partials=lambda x, out: (1.0,))
    with pytest.raises(TypeError, match="result of custom op 'word'"):
        not_a_number(1.0)
    # a domain error names the op and its domain, as for built-in ops
    with pytest.raises(TypeError, match="how many inputs"):
        custom_op(math.log, name="mylog", partials=lambda x, out: (1 / x,))
    mylog = custom_op(lambda x: math.log(x), name="mylog", partials=lambda x, out: (1 / x,),
                      domain="x > 0")
    with pytest.raises(ValueError, match=r"mylog\(-1.0\).*x > 0"):
        mylog(Value(-1.0))
    # declaring a user's op again replaces it (a notebook cell run twice)
    again = custom_op(math.tanh, name="mytanh", partials=lambda x, out: (1 - out * out,))
    assert ops.OPS["mytanh"] is again.op
