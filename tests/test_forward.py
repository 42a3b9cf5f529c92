"""Forward mode and the functional API around it: jvp, vjp, jacobian, hvp, has_aux, keywords."""

from __future__ import annotations

import itertools
import math
import weakref
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, grad, hessian, hvp, jacobian, jvp, no_grad, ops, value_and_grad, vjp
from autograd import engine as autograd_engine
from autograd import sum as autograd_sum
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


# --- one pass, tags, memory, threads -------------------------------------------------------------


def test_each_node_has_its_tangent_as_soon_as_it_is_made() -> None:
    from autograd import forward

    seen: list[Any] = []

    def g(x: Value) -> Value:
        y = x * x
        seen.append(forward._fwd.levels[-1].get(y))  # before f has even returned
        z = y.sin()
        seen.append(forward._fwd.levels[-1].get(z))
        return z

    _, d = jvp(g, (1.5,), (2.0,))
    assert seen[0] == 2 * 1.5 * 2.0
    assert seen[1] == pytest.approx(math.cos(2.25) * 6.0) and d == seen[1]
    assert forward._fwd.levels == [] and autograd_engine.tangent_hook is None


def test_forward_mode_alone_keeps_no_graph() -> None:
    made: list[Value] = []
    alive: list[Any] = []

    def g(x: Value) -> Value:
        y = x * 2.0
        made.append(y)
        for _ in range(50):
            y = (y * 0.9).tanh()
            alive.append(weakref.ref(y))
        return y

    _, d = jvp(g, (0.3,), (1.0,))
    assert made[0].parents == () and made[0].op == ""  # a leaf, as under no_grad
    # every step but the last was freed at once: no node kept the one before it
    assert sum(r() is not None for r in alive) == 0
    # the same numbers as the reverse pass, which needs the graph
    assert d == pytest.approx(grad(g)(0.3), rel=1e-12)
    # with a Value argument (a user's graph) the graph is kept and differentiable
    x = Value(0.3)
    _, dv = jvp(g, (x,), (1.0,))
    assert isinstance(dv, Value) and made[-1].parents != ()


def test_a_long_chain_in_forward_mode_needs_little_memory() -> None:
    import tracemalloc

    def chain(x: Value) -> Value:
        for _ in range(20_000):
            x = (x * 0.999).tanh()
        return x

    tracemalloc.start()
    try:
        jvp(chain, (0.3,), (1.0,))
        forward_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        grad(chain)(0.3)
        reverse_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # the reverse pass must hold 20,000 nodes (megabytes); forward mode a handful
    assert reverse_peak > 1_000_000
    assert forward_peak < reverse_peak / 50


def test_agrees_with_the_two_pass_reference_sweep() -> None:
    from autograd.forward import _forward_order, push_tangents

    def g(x: Value, y: Value) -> list[Value]:
        s = (x * y).tanh() + x ** 3
        return [s, s * y.exp(), autograd_sum([x, y, s])]

    for t in ((1.0, 0.0), (0.0, 1.0), (0.3, -0.7)):
        _, ds = jvp(g, (0.4, -1.2), t)
        x, y = Value(0.4), Value(-1.2)
        outs = g(x, y)
        ref = push_tangents(_forward_order(outs, [x, y]), {x: t[0], y: t[1]}, outs)
        assert ds == pytest.approx(ref, rel=1e-12)


def test_a_node_outliving_an_inner_call_keeps_no_stale_tangent() -> None:
    # y * x is made inside the inner jvp (with a tangent for y) and used after it has returned:
    # only x's perturbation may count there. d/dx [(y x) x] at y = 1 is 2x.
    box: list[Value] = []

    def g(x: Value) -> Value:
        jvp(lambda y: box.append(y * x) or y, (1.0,), (1.0,))  # type: ignore[func-returns-value]
        return box[-1] * x

    assert jvp(g, (3.0,), (1.0,))[1] == 6.0
    assert grad(g)(3.0) == 6.0


def test_no_grad_inside_f_stops_tangents_as_it_stops_gradients() -> None:
    def g(x: Value) -> Value:
        with no_grad():
            c = x * x  # a constant now, for both modes
        return c * x

    assert jvp(g, (3.0,), (1.0,))[1] == 9.0 == grad(g)(3.0)


def test_other_threads_are_not_disturbed_while_a_jvp_runs() -> None:
    import threading

    inside, done = threading.Event(), threading.Event()

    def slow(x: Value) -> Value:
        inside.set()
        assert done.wait(10)
        return x * x

    result: list[Any] = []
    worker = threading.Thread(target=lambda: result.append(jvp(slow, (3.0,), (1.0,))))
    worker.start()
    assert inside.wait(10)
    try:
        assert autograd_engine.tangent_hook is not None  # forward mode is on, in the worker
        a = Value(2.0)
        b = (a * a).tanh()
        assert b.parents != ()  # this thread's graph is recorded as usual
        b.backward()
        assert a.grad == pytest.approx(4 * (1 - math.tanh(4.0) ** 2))
    finally:
        done.set()
        worker.join()
    assert result == [(9.0, 6.0)] and autograd_engine.tangent_hook is None


def test_hessian_inside_forward_mode_and_refused_where_it_would_drop_a_derivative() -> None:
    # hessian's second pass needs its first pass's graph, even inside forward mode
    assert jvp(lambda x: hessian(lambda y: y ** 3)(x.data)[0][0] * x, (2.0,), (1.0,)) == (
        24.0, 12.0)
    for outer in (lambda h: grad(h)(2.0), lambda h: jvp(h, (2.0,), (1.0,))):
        with pytest.raises(TypeError, match=r"hessian gives floats.*jacobian\(grad"):
            outer(lambda x: hessian(lambda y: x * y * y)(1.0)[0][0])
    # the way that nests
    d = grad(lambda x: jacobian(grad(lambda y: x * y * y))(1.0)[0][0])(2.0)
    assert d == 2.0


def _d_hvp(g: Callable[..., Any]) -> Callable[..., Any]:
    # a second derivative: hvp along the one axis
    return lambda x: hvp(g)((x,), (1.0,))[0]


@pytest.mark.parametrize("d", [_d_rev, _d_fwd, _d_vjp, _d_jac, _d_hvp])
def test_third_derivative_with_hvp_in_every_position(d) -> None:  # type: ignore[no-untyped-def]
    def g(x):  # type: ignore[no-untyped-def]
        return x ** 4 + x.sin() * x

    thirds = [_d_hvp(d(g)), d(_d_hvp(g))] if d is not _d_hvp else []
    fourth = _d_hvp(_d_hvp(g))
    for x in (-1.3, 0.4, 2.0):
        expected = 24 * x - 3 * math.sin(x) - x * math.cos(x)
        for third in thirds:
            got = third(x)
            assert type(got) is float and close(got, expected, 1e-9)
        assert close(fourth(x), 24 - 4 * math.cos(x) + x * math.sin(x), 1e-9)


def test_perturbation_confusion_in_every_pairing() -> None:
    # d/dx [x * (d/dy (x + y))] = 1, and d/dx [x * (d/dy (x * y))] = 2x, whichever modes
    outer_ds = {"jvp": lambda h: jvp(h, (3.0,), (1.0,))[1], "grad": lambda h: grad(h)(3.0),
                "vjp": lambda h: vjp(h, 3.0)[1](1.0)[0],
                "jacfwd": lambda h: jacobian(h, mode="fwd")(3.0)[0][0]}
    inner_ds = {"jvp": lambda k: jvp(k, (1.0,), (1.0,))[1], "grad": lambda k: grad(k)(1.0),
                "vjp": lambda k: vjp(k, 1.0)[1](1.0)[0],
                "jacfwd": lambda k: jacobian(k, mode="fwd")(1.0)[0][0]}
    for (oname, od), (iname, idf) in itertools.product(outer_ds.items(), inner_ds.items()):
        add = lambda x, idf=idf: x * idf(lambda y: x + y)  # noqa: E731
        mul = lambda x, idf=idf: x * idf(lambda y: x * y)  # noqa: E731
        assert od(add) == 1.0, (oname, iname)
        assert od(mul) == 6.0, (oname, iname)


# --- has_aux and keywords at every entry point, as JAX documents them --------------------------


def test_has_aux_and_keywords_at_every_entry_point() -> None:
    def loss(w, x, *, target=1.0):  # type: ignore[no-untyped-def]
        pred = w * x
        return (pred - target) ** 2, {"pred": pred, "step": 7}

    aux = {"pred": 6.0, "step": 7}
    # jax.jvp(fun, primals, tangents, has_aux=True) -> (primals_out, tangents_out, aux)
    value, d, a = jvp(loss, (2.0, 3.0), (1.0, 0.0), has_aux=True, target=2.0)
    assert (value, d, a) == (16.0, 2 * 4.0 * 3.0, aux) and type(a["pred"]) is float
    # jax.vjp(fun, *primals, has_aux=True) -> (primals_out, vjp_fn, aux)
    value, vjp_fn, a = vjp(loss, 2.0, 3.0, has_aux=True, target=2.0)
    assert (value, vjp_fn(1.0), a) == (16.0, (24.0, 16.0), aux)
    # jax.jacfwd / jacrev(fun, has_aux=True) -> (jacobian, aux)
    for mode in ("rev", "fwd"):
        jac, a = jacobian(loss, argnums=(0, 1), mode=mode, has_aux=True)(2.0, 3.0, target=2.0)
        assert (jac, a) == ([[24.0, 16.0]], aux)
    # jax.hessian(fun, has_aux=True) -> (hessian, aux)
    h, a = hessian(loss, has_aux=True)(2.0, 3.0, target=2.0)
    assert h == [[18.0, 20.0], [20.0, 8.0]] and a == aux
    # hvp(f, has_aux=True)(primals, tangents, **kwargs) -> (H v, aux)
    product, a = hvp(loss, has_aux=True)((2.0, 3.0), (1.0, 0.0), target=2.0)
    assert (product, a) == ((18.0, 20.0), aux)
    # grad and value_and_grad, and keywords without aux
    assert grad(loss, has_aux=True)(2.0, 3.0, target=2.0) == (24.0, aux)
    assert value_and_grad(loss, has_aux=True)(2.0, 3.0, target=2.0) == ((16.0, aux), 24.0)
    plain = lambda w, x, *, target=1.0: loss(w, x, target=target)[0]  # noqa: E731
    assert jvp(plain, (2.0, 3.0), (0.0, 1.0), target=2.0) == (16.0, 16.0)
    assert vjp(plain, 2.0, 3.0, target=2.0)[1](1.0) == (24.0, 16.0)
    assert jacobian(plain, mode="fwd")(2.0, 3.0, target=2.0) == [[24.0]]
    assert hessian(plain)(2.0, 3.0, target=2.0) == h
    assert hvp(plain)((2.0, 3.0), (1.0, 0.0), target=2.0) == (18.0, 20.0)
    # a keyword f does not take is refused by f itself, with Python's message
    for call in (lambda: jvp(plain, (2.0, 3.0), (1.0, 0.0), nope=1),
                 lambda: vjp(plain, 2.0, 3.0, nope=1), lambda: hessian(plain)(2.0, 3.0, nope=1),
                 lambda: jacobian(plain)(2.0, 3.0, nope=1),
                 lambda: hvp(plain)((2.0, 3.0), (1.0, 0.0), nope=1)):
        with pytest.raises(TypeError, match="nope"):
            call()
    # with has_aux, f must return a pair
    for call in (lambda: jvp(plain, (2.0, 3.0), (1.0, 0.0), has_aux=True),
                 lambda: vjp(plain, 2.0, 3.0, has_aux=True),
                 lambda: hessian(plain, has_aux=True)(2.0, 3.0),
                 lambda: jacobian(plain, mode="fwd", has_aux=True)(2.0, 3.0)):
        with pytest.raises(TypeError, match="pair"):
            call()


def test_aux_is_never_differentiated_not_even_by_an_enclosing_call() -> None:
    # stop-gradient, as in JAX: the aux x*x comes back cut off from x
    def inner(x):  # type: ignore[no-untyped-def]
        return lambda y: (x * y, x * x)

    for mode in ("grad", "jvp", "vjp", "jacobian", "hvp", "hessian"):
        def aux_of(x, mode=mode):  # type: ignore[no-untyped-def]
            g = inner(x)
            if mode == "grad":
                return grad(g, has_aux=True)(1.0)[1]
            if mode == "jvp":
                return jvp(g, (1.0,), (1.0,), has_aux=True)[2]
            if mode == "vjp":
                return vjp(g, 1.0, has_aux=True)[2]
            if mode == "jacobian":
                return jacobian(g, has_aux=True)(1.0)[1]
            if mode == "hvp":
                return hvp(g, has_aux=True)((1.0,), (1.0,))[1]
            return hessian(lambda y: (y * y, x * x), has_aux=True)(1.0)[1]

        for outer in (lambda h: grad(h)(3.0), lambda h: jvp(h, (3.0,), (1.0,))[1],
                      lambda h: vjp(h, 3.0)[1](1.0)[0]):
            assert outer(lambda x, aux_of=aux_of: aux_of(x) + x) == 1.0, mode
    # at the top, an aux Value that depends on the argument comes out as its number
    own = lambda y: (y * y, y * 3.0)  # noqa: E731
    for top in (grad(own, has_aux=True)(2.0)[1], jvp(own, (2.0,), (1.0,), has_aux=True)[2],
                vjp(own, 2.0, has_aux=True)[2], jacobian(own, has_aux=True)(2.0)[1],
                jacobian(own, mode="fwd", has_aux=True)(2.0)[1],
                hvp(own, has_aux=True)((2.0,), (1.0,))[1], hessian(own, has_aux=True)(2.0)[1]):
        assert top == 6.0 and type(top) is float
    # inside nesting, Values in aux are detached leaves (tuples, named tuples, lists, dicts)
    from collections import namedtuple

    Pair = namedtuple("Pair", "a b")

    def rich(y):  # type: ignore[no-untyped-def]
        return y * y, {"t": (y, [y * 2]), "p": Pair(y, "s")}

    def outer_fn(x):  # type: ignore[no-untyped-def]
        _, a = grad(rich, has_aux=True)(x)
        leaves = [a["t"][0], a["t"][1][0], a["p"].a]
        assert isinstance(a["p"], Pair) and a["p"].b == "s"
        assert all(isinstance(v, Value) and v.parents == () for v in leaves)
        return x * 1.0

    assert grad(outer_fn)(2.0) == 1.0
