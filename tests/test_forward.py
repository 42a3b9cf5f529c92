"""Forward mode and the functional API around it: jvp, vjp, jacobian, hvp, has_aux, keywords."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, grad, hessian, hvp, jacobian, jvp, no_grad, ops, value_and_grad, vjp
from autograd.gradcheck import numerical_grad
from autograd.testing import OP_DOMAINS, call_op, expressions, finite_floats, op_arguments


def close(a: float, b: float, tol: float = 1e-6) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def f(x, y):  # type: ignore[no-untyped-def]
    return (x * y).tanh() + x ** 3


# --- jvp against grad and finite differences, op by op --------------------------------------


@pytest.mark.parametrize("name", sorted(OP_DOMAINS))
@given(data=st.data())
def test_jvp_of_every_op_equals_its_partials(name: str, data: st.DataObject) -> None:
    op = ops.OPS[name]
    args = data.draw(OP_DOMAINS[name](1e-3), label="args")
    inputs, extra = op_arguments(op, args)

    def g(*vs: Any) -> Value:
        return call_op(op, list(vs), extra)

    n = len(inputs)
    partials = grad(g, argnums=tuple(range(n)))(*inputs)
    for i in range(n):
        e = tuple(1.0 if k == i else 0.0 for k in range(n))
        value, d = jvp(g, tuple(inputs), e)
        assert value == g(*inputs).data
        assert close(d, partials[i], 1e-9), (name, args, i)
    # a random direction against central differences
    t = data.draw(st.tuples(*[finite_floats(-1.0, 1.0)] * n), label="tangent")
    _, d = jvp(g, tuple(inputs), t)
    h = 1e-6 * max(1.0, *(abs(x) for x in inputs))
    up = g(*(x + h * s for x, s in zip(inputs, t))).data
    down = g(*(x - h * s for x, s in zip(inputs, t))).data
    numeric = (up - down) / (2 * h)
    assert math.isclose(d, numeric, rel_tol=1e-4, abs_tol=1e-5), (name, args, t, d, numeric)


@settings(max_examples=60)  # each example draws an expression: slower than one op
@given(expressions())
def test_jvp_along_each_axis_is_the_gradient(case) -> None:  # type: ignore[no-untyped-def]
    fn, args = case
    n = len(args)
    gradient = grad(fn, argnums=tuple(range(n)))(*args)
    for i in range(n):
        e = tuple(float(k == i) for k in range(n))
        assert close(jvp(fn, args, e)[1], gradient[i], 1e-9)


# --- vjp and jacobian ------------------------------------------------------------------------


@settings(max_examples=60)  # each example draws an expression: slower than one op
@given(expressions(max_args=3), st.data())
def test_jacobian_modes_and_vjp_agree(case, data) -> None:  # type: ignore[no-untyped-def]
    fn, args = case
    n = len(args)

    def many(*xs: Any) -> list[Value]:
        y = fn(*xs)
        return [y, y * xs[0], xs[-1] - y]

    rev = jacobian(many, argnums=tuple(range(n)))(*args)
    fwd = jacobian(many, argnums=tuple(range(n)), mode="fwd")(*args)
    assert len(rev) == 3 and all(len(row) == n for row in rev)
    for r, w in zip(rev, fwd):
        assert all(close(a, b, 1e-9) for a, b in zip(r, w))
    value, vjp_fn = vjp(many, *args)
    assert [v for v in value] == [y.data for y in many(*args)]
    cot = data.draw(st.lists(finite_floats(-2.0, 2.0), min_size=3, max_size=3))
    pulled = vjp_fn(cot)
    for j in range(n):
        assert close(pulled[j], sum(c * rev[k][j] for k, c in enumerate(cot)), 1e-8)


def test_vjp_and_jacobian_examples() -> None:
    value, vjp_fn = vjp(f, 1.0, 2.0)
    assert value == f(Value(1.0), Value(2.0)).data
    gx, gy = grad(f, argnums=(0, 1))(1.0, 2.0)
    assert vjp_fn(1.0) == (gx, gy)
    assert vjp_fn(2.0) == (2 * gx, 2 * gy)
    assert jacobian(f)(1.0, 2.0) == [[gx]]
    assert jacobian(f, argnums=(0, 1), mode="fwd")(1.0, 2.0) == [[pytest.approx(gx),
                                                                   pytest.approx(gy)]]
    # a cotangent that is a Value gives Values connected to it
    c = Value(3.0)
    dx, _ = vjp_fn(c)
    assert isinstance(dx, Value)
    dx.backward()
    assert c.grad == pytest.approx(gx)


# --- hvp ---------------------------------------------------------------------------------------


@settings(max_examples=60)  # each example draws an expression: slower than one op
@given(expressions(max_args=3), st.data())
def test_hvp_is_hessian_times_v(case, data) -> None:  # type: ignore[no-untyped-def]
    fn, args = case
    n = len(args)
    v = data.draw(st.tuples(*[finite_floats(-1.0, 1.0)] * n))
    h = hessian(fn)(*args)
    product = hvp(fn)(args, v)
    assert isinstance(product, tuple) and len(product) == n
    for i in range(n):
        expected = sum(h[i][j] * v[j] for j in range(n))
        assert math.isclose(product[i], expected, rel_tol=1e-7, abs_tol=1e-7)


# --- nesting -----------------------------------------------------------------------------------


def _d_rev(g: Callable[..., Any]) -> Callable[..., Any]:
    return grad(g)


def _d_fwd(g: Callable[..., Any]) -> Callable[..., Any]:
    return lambda x: jvp(g, (x,), (1.0,))[1]


def _d_vjp(g: Callable[..., Any]) -> Callable[..., Any]:
    return lambda x: vjp(g, x)[1](1.0)[0]


def _d_jac(g: Callable[..., Any]) -> Callable[..., Any]:
    return lambda x: jacobian(g, mode="fwd")(x)[0][0]


@pytest.mark.parametrize("ds", list(itertools.product([_d_rev, _d_fwd, _d_vjp, _d_jac],
                                                      repeat=3)))
def test_third_derivative_in_every_combination(ds) -> None:  # type: ignore[no-untyped-def]
    def g(x):  # type: ignore[no-untyped-def]
        return x ** 4 + x.sin() * x

    third = ds[0](ds[1](ds[2](g)))
    for x in (-1.3, 0.4, 2.0):
        expected = 24 * x - 3 * math.sin(x) - x * math.cos(x)
        assert close(third(x), expected, 1e-9)


def test_perturbation_confusion() -> None:
    # d/dx [x * (d/dy (x + y))] = 1 at any x: the inner derivative must not see x's perturbation
    def inner_fwd(x):  # type: ignore[no-untyped-def]
        return jvp(lambda y: x + y, (1.0,), (1.0,))[1]

    def inner_rev(x):  # type: ignore[no-untyped-def]
        return grad(lambda y: x + y)(1.0)

    for inner in (inner_fwd, inner_rev):
        g = lambda x, inner=inner: x * inner(x)  # noqa: E731
        assert jvp(g, (3.0,), (1.0,))[1] == 1.0
        assert grad(g)(3.0) == 1.0
    # inner argument at the outer variable itself: d/dx [x * (d/dy (x * y))|y=x] = 2x
    g2 = lambda x: x * jvp(lambda y: x * y, (x,), (1.0,))[1]  # noqa: E731
    assert jvp(g2, (3.0,), (1.0,))[1] == 6.0
    assert grad(g2)(3.0) == 6.0


def test_nested_results_are_values_and_flat_ones_floats() -> None:
    value, d = jvp(f, (1.0, 2.0), (1.0, 0.0))
    assert type(value) is float and type(d) is float
    x = Value(1.0)
    value, d = jvp(f, (x, 2.0), (1.0, 0.0))
    assert isinstance(value, Value) and isinstance(d, Value)
    d.backward()
    assert x.grad == pytest.approx(grad(grad(f))(1.0, 2.0))


def test_forward_mode_touches_no_grad_and_works_inside_no_grad() -> None:
    x = Value(1.5)
    with no_grad():
        value, d = jvp(lambda a: a * x, (2.0,), (1.0,))
        assert (value, d) == (3.0, 1.5)
        assert jacobian(lambda a: a * a, mode="fwd")(3.0) == [[6.0]]
    assert x.grad == 0.0


def test_jvp_of_list_and_tuple_outputs_and_of_an_argument_itself() -> None:
    assert jvp(lambda x: (x, 2 * x), (1.0,), (3.0,)) == ((1.0, 2.0), (3.0, 6.0))
    assert jvp(lambda x, y: x, (1.0, 2.0), (0.5, 7.0)) == (1.0, 0.5)
    assert jvp(lambda x: 4.0, (1.0,), (1.0,)) == (4.0, 0.0)


def test_bad_calls_say_what_is_wrong() -> None:
    with pytest.raises(TypeError, match="tuples"):
        jvp(f, 1.0, 1.0)
    with pytest.raises(ValueError, match="2 primal"):
        jvp(f, (1.0, 2.0), (1.0,))
    with pytest.raises(TypeError, match="tangent 0"):
        jvp(f, (1.0, 2.0), ("a", 1.0))
    with pytest.raises(ValueError, match="'rev' or 'fwd'"):
        jacobian(f, mode="forward")
    _, vjp_fn = vjp(lambda x: [x, x], 1.0)
    with pytest.raises(ValueError, match="2 outputs"):
        vjp_fn(1.0)
    with pytest.raises(TypeError, match="list or tuple"):
        jvp(lambda x: "no", (1.0,), (1.0,))


# --- has_aux and keyword arguments, as JAX documents them --------------------------------------


def test_has_aux() -> None:
    def loss(w, x):  # type: ignore[no-untyped-def]
        pred = w * x
        return (pred - 1.0) ** 2, {"pred": pred, "note": "aux"}

    g, aux = grad(loss, has_aux=True)(2.0, 3.0)
    assert g == 2 * (6.0 - 1.0) * 3.0
    assert aux == {"pred": 6.0, "note": "aux"} and type(aux["pred"]) is float
    (value, aux2), g2 = value_and_grad(loss, has_aux=True)(2.0, 3.0)
    assert (value, aux2, g2) == (25.0, aux, g)
    (value, aux3), gs = value_and_grad(loss, argnums=(0, 1), has_aux=True)(2.0, 3.0)
    assert gs == (30.0, 20.0) and aux3 == aux
    # composes: the aux of an inner call is left as it is when nested
    outer = grad(lambda w: grad(loss, has_aux=True)(w, 3.0)[0])(2.0)
    assert outer == 18.0
    with pytest.raises(TypeError, match="pair"):
        grad(lambda x: x * x, has_aux=True)(1.0)


def test_keyword_arguments_pass_through_undifferentiated() -> None:
    def scaled(x, y, *, scale=1.0, shift=0.0):  # type: ignore[no-untyped-def]
        return scale * x * y + shift

    assert grad(scaled)(2.0, 3.0, scale=10.0, shift=4.0) == 30.0
    assert value_and_grad(scaled, argnums=1)(2.0, 3.0, scale=10.0) == (60.0, 20.0)
    assert grad(grad(lambda x, p=2: x ** p))(3.0, p=3) == 18.0
    with pytest.raises(TypeError):
        grad(scaled)(2.0, 3.0, nope=1.0)


def test_numeric_agreement_of_hvp_with_finite_differences_of_grad() -> None:
    v = (0.3, -0.7)
    product = hvp(f)((1.0, 2.0), v)
    # d/dt grad f(p + t v) at t = 0
    gx = lambda t: grad(f)(1.0 + t * v[0], 2.0 + t * v[1])  # noqa: E731
    gy = lambda t: grad(f, argnums=1)(1.0 + t * v[0], 2.0 + t * v[1])  # noqa: E731
    assert product[0] == pytest.approx(numerical_grad(gx, 0.0)[0], rel=1e-5)
    assert product[1] == pytest.approx(numerical_grad(gy, 0.0)[0], rel=1e-5)


# --- against PyTorch's forward mode (float64) --------------------------------------------------

_TWO = [name for name in sorted(OP_DOMAINS)
        if ops.OPS[name].arity in (ops.UNARY, ops.BINARY) and ops.OPS[name].torch]


@pytest.mark.parametrize("name", _TWO)
@settings(max_examples=50)
@given(data=st.data())
def test_jvp_matches_torch_forward_mode(name: str, data: st.DataObject) -> None:
    torch = pytest.importorskip("torch")
    op = ops.OPS[name]
    args = data.draw(OP_DOMAINS[name](1e-3), label="args")
    inputs, _ = op_arguments(op, args)
    t = data.draw(st.tuples(*[finite_floats(-1.0, 1.0)] * len(inputs)), label="tangent")
    fn: Any = torch
    for part in op.torch.split("."):
        fn = getattr(fn, part)
    primals = tuple(torch.tensor(x, dtype=torch.float64) for x in inputs)
    tangents = tuple(torch.tensor(s, dtype=torch.float64) for s in t)
    value, d = torch.func.jvp(fn, primals, tangents)
    ours_value, ours_d = jvp(lambda *vs: call_op(op, list(vs), ()), tuple(inputs), t)
    assert math.isclose(ours_value, value.item(), rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(ours_d, d.item(), rel_tol=1e-9, abs_tol=1e-12), (name, args, t)
