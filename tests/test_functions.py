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
