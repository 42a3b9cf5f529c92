"""The functions of two inputs, the new operators, the activations in nn, and NumPy on Values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, atan2, clamp, grad, hessian, hypot, maximum, minimum, ops
from autograd.testing import OP_DOMAINS, call_op, op_arguments


def _grads(f, *xs: float) -> tuple[float, ...]:  # type: ignore[no-untyped-def]
    return tuple(grad(f, argnums=tuple(range(len(xs))))(*xs))


def test_maximum_and_minimum_split_a_tie() -> None:
    assert _grads(maximum, 2.0, 2.0) == (0.5, 0.5)
    assert _grads(minimum, 2.0, 2.0) == (0.5, 0.5)
    assert _grads(maximum, 3.0, 2.0) == (1.0, 0.0)
    assert _grads(minimum, 3.0, 2.0) == (0.0, 1.0)
    assert maximum(Value(1.0), 2).data == 2.0 and minimum(1, Value(2.0)).data == 1.0
    assert math.isnan(maximum(Value(math.nan), 1.0).data)


def test_clamp_passes_the_gradient_on_the_closed_interval() -> None:
    for x, expected in ((-1.0, 0.0), (0.0, 1.0), (0.5, 1.0), (1.0, 1.0), (2.0, 0.0)):
        assert grad(lambda v: clamp(v, 0.0, 1.0))(x) == expected, x
    assert clamp(Value(2.0), None, 1.0).data == 1.0 and clamp(Value(-2.0), 0.0).data == 0.0
    # a Value bound gets the gradient where it is in force
    assert _grads(lambda v, lo: clamp(v, lo), -1.0, 0.0) == (0.0, 1.0)
    assert _grads(lambda v, hi: clamp(v, None, hi), 3.0, 1.0) == (0.0, 1.0)
    # lo > hi gives hi, as torch.clamp
    assert clamp(Value(0.5), 2.0, 1.0).data == 1.0


def test_mod_and_floordiv_follow_python_and_pytorch() -> None:
    for x, y in ((7.0, 3.0), (-7.0, 3.0), (7.0, -3.0), (-7.5, -2.0)):
        assert (Value(x) % y).data == x % y and (x % Value(y)).data == x % y
        assert (Value(x) // y).data == x // y and (x // Value(y)).data == x // y
        assert _grads(lambda a, b: a % b, x, y) == (1.0, -math.floor(x / y))
        assert _grads(lambda a, b: a // b, x, y) == (0.0, 0.0)


def test_atan2_and_hypot_at_the_origin_follow_pytorch() -> None:
    assert _grads(atan2, 0.0, 0.0) == (0.0, 0.0)
    assert all(math.isnan(g) for g in _grads(hypot, 0.0, 0.0))
    assert atan2(1.0, -1.0).data == math.atan2(1.0, -1.0) and hypot(3, 4).data == 5.0
    assert _grads(atan2, 1.0, 2.0) == pytest.approx((2 / 5, -1 / 5))


def test_steps_have_derivative_zero() -> None:
    for name in ("sign", "floor", "ceil"):
        for x in (-1.5, -1.0, 0.0, 0.5, 2.0):
            assert grad(lambda v, m=name: getattr(v, m)())(x) == 0.0
    assert Value(-0.0).sign().data == 0.0 and Value(-3.0).sign().data == -1.0


def test_infinite_derivatives_at_the_ends_follow_pytorch() -> None:
    assert grad(lambda x: x.asin())(1.0) == math.inf
    assert grad(lambda x: x.asin())(-1.0) == math.inf
    assert grad(lambda x: x.acos())(1.0) == -math.inf
    assert grad(lambda x: x.acosh())(1.0) == math.inf
    assert Value(1.0).atanh().data == math.inf and Value(-1.0).atanh().data == -math.inf
    assert grad(lambda x: x.atanh())(1.0) == math.inf


def test_new_activations_are_nn_choices() -> None:
    for name in ("gelu", "silu", "elu"):
        assert ops.OPS[name].role == ops.ACTIVATION
        assert name in autograd.nn.ACTIVATIONS
        model = autograd.nn.MLP(2, [3, 1], activation=name, seed=0)
        out = model([0.5, -0.25])
        out.backward()
        assert all(math.isfinite(p.grad) for p in model.parameters())


def test_formulas_may_call_the_new_functions() -> None:
    from autograd.expression import evaluate

    for name in ("tan", "asinh", "log1p", "erf", "gelu", "sign"):
        out, inputs = evaluate(f"{name}(x)", {"x": 0.5})
        out.backward()
        expected = getattr(Value(0.5), name)()
        assert (out.data, inputs["x"].grad) == (expected.data, expected.local_grads[0]), name


# --- NumPy ----------------------------------------------------------------------------------

def test_numpy_functions_on_a_value_give_values() -> None:
    np = pytest.importorskip("numpy")
    x = Value(0.5)
    for ufunc, method in ((np.sin, "sin"), (np.arcsin, "asin"), (np.arctanh, "atanh"),
                          (np.exp2, "exp2"), (np.log1p, "log1p"), (np.sign, "sign"),
                          (np.floor, "floor"), (np.tanh, "tanh"), (np.sqrt, "sqrt")):
        out = ufunc(x)
        assert isinstance(out, Value) and out.op_name == method, ufunc
        assert out.data == pytest.approx(float(ufunc(0.5)))
    assert isinstance(np.maximum(x, 2.0), Value) and np.maximum(x, 2.0).data == 2.0
    assert np.arctan2(x, 1.0).op_name == "atan2" and np.hypot(x, 1.0).op_name == "hypot"
    assert (np.power(Value(-2.0), 2)).data == 4.0  # the operator: a negative base works
    assert np.float64(2.0) * x == 1.0 and isinstance(np.float64(2.0) * x, Value)
    assert np.greater(x, 0.25) and not np.isnan(x)
    assert grad(lambda v: np.sin(v) * np.exp(v))(0.0) == pytest.approx(1.0)
    with pytest.raises(TypeError, match=r"numpy\.frexp has no differentiable op"):
        np.frexp(x)


def test_numpy_functions_on_object_arrays_of_values() -> None:
    np = pytest.importorskip("numpy")
    xs = np.array([Value(0.1), Value(0.5)], dtype=object)
    for ufunc in (np.sin, np.arcsin, np.arccos, np.arctan, np.arcsinh, np.tanh, np.exp,
                  np.log1p, np.floor, np.ceil):
        out = ufunc(xs)
        assert all(isinstance(v, Value) for v in out), ufunc
    out = np.arctan2(xs, xs)
    assert all(isinstance(v, Value) and v.op_name == "atan2" for v in out)
    total = autograd.sum(list(np.sin(xs)))
    total.backward()
    assert [v.grad for v in xs] == pytest.approx([math.cos(0.1), math.cos(0.5)])
    mixed = np.sin(Value(0.5)) + np.zeros(2)
    assert all(isinstance(v, Value) for v in mixed)
    with_value = np.add(np.array([1.0, 2.0]), Value(1.0))
    assert [v.data for v in with_value] == [2.0, 3.0]


# Table-driven: every ufunc the op table names (op.numpy), on Values, floats and object arrays,
# against NumPy's own number and central differences of NumPy's own function on floats.

def _ufunc_cases() -> list[tuple[str, ops.Op]]:
    from autograd.numpy_dispatch import UFUNCS

    return sorted(UFUNCS.items())


def _point(op: ops.Op) -> tuple[float, ...]:
    # a point inside the op's sampling set, away from integers (floor's jumps) and ties
    points = []
    for i, fraction in zip(range(2 if op.arity == ops.BINARY else 1), (0.37, 0.61)):
        lo, hi = (op.sample[i] if op.sample else ops.ANYWHERE)[0]
        points.append(lo + fraction * (hi - lo))
    return tuple(points)


def _numpy_slopes(ufunc, xs: tuple[float, ...]) -> list[float]:  # type: ignore[no-untyped-def]
    h = 1e-6
    slopes = []
    for i in range(len(xs)):
        up = [*xs[:i], xs[i] + h, *xs[i + 1:]]
        down = [*xs[:i], xs[i] - h, *xs[i + 1:]]
        slopes.append((float(ufunc(*up)) - float(ufunc(*down))) / (2 * h))
    return slopes


def _check_element(out: object, ufunc, xs: tuple[float, ...], vs: list[Value | None],  # type: ignore[no-untyped-def]
                   where: str) -> None:
    assert isinstance(out, Value), f"{where}: {type(out).__name__}"
    assert out.data == pytest.approx(float(ufunc(*xs)), rel=1e-12), where
    for v in vs:
        if v is not None:
            v.grad = 0.0
    out.backward()
    for v, slope in zip(vs, _numpy_slopes(ufunc, xs)):
        if v is not None:
            assert v.grad == pytest.approx(slope, rel=1e-5, abs=1e-7), where


@pytest.mark.parametrize(("name", "op"), _ufunc_cases(), ids=[n for n, _ in _ufunc_cases()])
def test_every_table_ufunc_on_values_and_numbers(name: str, op: ops.Op) -> None:
    np = pytest.importorskip("numpy")
    ufunc = getattr(np, name)
    xs = _point(op)
    # every operand a Value, then (with two) a Value and a float in each order
    layouts = [(True,) * len(xs)] + ([(True, False), (False, True)] if len(xs) == 2 else [])
    for layout in layouts:
        vs = [Value(x) if is_value else None for x, is_value in zip(xs, layout)]
        args = [v if v is not None else x for v, x in zip(vs, xs)]
        out = ufunc(*args)
        _check_element(out, ufunc, xs, vs, f"np.{name}{tuple(layout)}")
        if not any(isinstance(a, float) for a in args) and name not in ("add", "subtract"):
            assert out.op_name == op.name or op.symbol in "+-*/**%//", name


def _binary_ufunc_cases() -> list[tuple[str, ops.Op]]:
    return [(name, op) for name, op in _ufunc_cases() if op.arity == ops.BINARY]


@pytest.mark.parametrize(("name", "op"), _binary_ufunc_cases(),
                         ids=[n for n, _ in _binary_ufunc_cases()])
def test_every_table_ufunc_on_arrays_with_a_value(name: str, op: ops.Op) -> None:
    # a Value among the operands of a ufunc of two: NumPy asks Value, and the table's op makes
    # every element (a ufunc of one has no other operand to be an array)
    np = pytest.importorskip("numpy")
    ufunc = getattr(np, name)
    xs = _point(op)
    for i in range(len(xs)):
        for kind in (object, float):  # an object array of Values, or of floats
            v = Value(xs[i])
            others = [Value(x) if kind is object else x for x in xs]
            args: list[object] = [np.array([o, o], dtype=kind) for o in others]
            args[i] = v
            out = ufunc(*args)
            assert isinstance(out, np.ndarray) and out.shape == (2,), name
            # the Value feeds both elements: each one alone has the slope, so the sum twice
            total = autograd.sum(list(out))
            assert all(isinstance(e, Value) for e in out), (name, kind, i)
            assert total.data == pytest.approx(2 * float(ufunc(*xs)), rel=1e-12)
            total.backward()
            slope = _numpy_slopes(ufunc, xs)[i]
            assert v.grad == pytest.approx(2 * slope, rel=1e-5, abs=1e-7), (name, kind, i)


# NumPy's object loops for these never call a method of the elements (only comparisons), so on
# object arrays with no Value among the operands their elements are not made by the table's op;
# numpy_dispatch's docstring says so and gives the way round (np.frompyfunc).
_NUMPY_OWN_OBJECT_LOOPS = {"maximum", "minimum", "sign"}


@pytest.mark.parametrize(("name", "op"), _ufunc_cases(), ids=[n for n, _ in _ufunc_cases()])
def test_every_table_ufunc_on_object_arrays_of_values(name: str, op: ops.Op) -> None:
    np = pytest.importorskip("numpy")
    from autograd.numpy_dispatch import function_of

    ufunc = getattr(np, name)
    xs = _point(op)
    vs = [Value(x) for x in xs]
    arrays = [np.array([v], dtype=object) for v in vs]
    natively = ufunc(*arrays)[0]
    passed_through = name == "positive" and natively is vs[0]  # NumPy calls +v, which is v
    made_by_table = passed_through or (isinstance(natively, Value)
                                       and natively.parents == tuple(vs))
    assert made_by_table == (name not in _NUMPY_OWN_OBJECT_LOOPS), name
    if made_by_table:
        _check_element(natively, ufunc, xs, list(vs), f"np.{name}(object arrays)")
    # the way round that the docstring gives works for every one of them
    fn = function_of(name)
    assert fn is not None
    out = np.frompyfunc(fn, len(xs), 1)(*[np.array([x], dtype=object) for x in vs])[0]
    _check_element(out, ufunc, xs, list(vs), f"np.frompyfunc(np.{name})")


def test_numpy_maximum_with_a_value_keeps_the_tables_tie_and_nan() -> None:
    np = pytest.importorskip("numpy")
    a, b = Value(2.0), Value(2.0)
    out = np.maximum(np.array([a], dtype=object), b)[0]
    out.backward()
    assert (a.grad, b.grad) == (0.5, 0.5)  # NumPy's own object loop would give (1.0, 0.0)
    # NumPy's own loop would give 1.0, the second element, here
    assert math.isnan(np.minimum(np.array([Value(math.nan)], dtype=object), Value(1.0))[0].data)
    # a plain number first (NumPy's own loop would call 0.5.arctan2 and fail)
    angles = np.arctan2(np.array([0.5, -0.5]), Value(1.0))
    assert [a.op_name for a in angles] == ["atan2", "atan2"]


def test_the_core_does_not_import_numpy() -> None:
    import subprocess
    import sys

    code = ("import sys, autograd; from autograd import Value, grad, math;"
            "grad(lambda x: math.sin(x) % 1)(1.0); print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip() == "False", out.stderr


# --- second order against central differences, for every op the table samples ----------------


@pytest.mark.parametrize("name", sorted(OP_DOMAINS))
@settings(max_examples=50)
@given(data=st.data())
def test_second_derivatives_match_central_differences_of_the_first(
        name: str, data: st.DataObject) -> None:
    op = ops.OPS[name]
    args = data.draw(OP_DOMAINS[name](1e-2), label="args")
    inputs, extra = op_arguments(op, args)
    n = len(inputs)
    nums = tuple(range(n))

    def f(*xs: object) -> Value:
        return call_op(op, xs, extra)

    first = grad(f, argnums=nums)
    second = hessian(f)(*inputs)
    for j in range(n):
        h = 1e-5 * max(1.0, abs(inputs[j]))
        up, down = list(inputs), list(inputs)
        up[j] += h
        down[j] -= h
        g_up, g_down = first(*up), first(*down)
        for i in range(n):
            numeric = (g_up[i] - g_down[i]) / (up[j] - down[j])
            assert math.isclose(second[i][j], numeric, rel_tol=1e-3, abs_tol=1e-4), (
                f"{name}{args}: d2/dx{i}dx{j} analytic {second[i][j]} numeric {numeric}")
