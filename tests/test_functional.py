"""grad, value_and_grad and hessian: results, nesting to any order, and keeping graphs apart."""

from __future__ import annotations

import math

import pytest
from hypothesis import given

from autograd import Value, grad, hessian, no_grad, value_and_grad
from autograd.testing import expressions, finite_floats


def f(x, y):  # type: ignore[no-untyped-def]
    return (x * y).tanh() + x ** 3


def fx(x: float, y: float) -> float:
    return y * (1 - math.tanh(x * y) ** 2) + 3 * x * x


def fy(x: float, y: float) -> float:
    return x * (1 - math.tanh(x * y) ** 2)


def test_spec_examples() -> None:
    assert grad(f)(1.0, 2.0) == pytest.approx(fx(1.0, 2.0))
    dx, dy = grad(f, argnums=(0, 1))(1.0, 2.0)
    assert (dx, dy) == (pytest.approx(fx(1.0, 2.0)), pytest.approx(fy(1.0, 2.0)))
    value, d = value_and_grad(f)(1.0, 2.0)
    assert value == pytest.approx(math.tanh(2.0) + 1.0) and d == pytest.approx(fx(1.0, 2.0))
    t = math.tanh(2.0)
    fxx = -2 * t * (1 - t * t) * 4 + 6.0
    fxy = (1 - t * t) - 2 * t * (1 - t * t) * 2.0
    fyy = -2 * t * (1 - t * t) * 1.0
    assert grad(grad(f))(1.0, 2.0) == pytest.approx(fxx)
    h = hessian(f)(1.0, 2.0)
    assert h == [[pytest.approx(fxx), pytest.approx(fxy)], [pytest.approx(fxy), pytest.approx(fyy)]]


def test_result_types() -> None:
    assert type(grad(f)(1.0, 2.0)) is float
    assert isinstance(grad(f, argnums=(0, 1))(1.0, 2.0), tuple)
    assert len(grad(f, argnums=(1,))(1.0, 2.0)) == 1
    v, d = value_and_grad(f, argnums=(0, 1))(1.0, 2.0)
    assert type(v) is float and all(type(x) is float for x in d)
    h = hessian(f)(1, 2)
    assert isinstance(h, list) and all(type(x) is float for row in h for x in row)
    # With a Value among the arguments, results are Values connected to its graph.
    x = Value(1.0)
    dx = grad(f)(x, 2.0)
    assert isinstance(dx, Value)
    dx.backward()
    assert x.grad == pytest.approx(grad(grad(f))(1.0, 2.0))


def test_higher_orders() -> None:
    def quartic(x):  # type: ignore[no-untyped-def]
        return x ** 4

    for x in (-1.5, 0.5, 2.0):
        assert grad(quartic)(x) == pytest.approx(4 * x ** 3)
        assert grad(grad(quartic))(x) == pytest.approx(12 * x ** 2)
        assert grad(grad(grad(quartic)))(x) == pytest.approx(24 * x)
        assert grad(grad(grad(grad(quartic))))(x) == pytest.approx(24.0)
    assert grad(grad(lambda x: x.sin()))(0.7) == pytest.approx(-math.sin(0.7))
    assert grad(grad(grad(lambda x: x.exp() * x)))(0.3) == pytest.approx(math.exp(0.3) * 3.3)


def test_perturbation_confusion_is_avoided() -> None:
    # d/dx [x * (d/dy (x + y))] = d/dx [x * 1] = 1, not 2.
    for x0 in (-2.0, 0.0, 1.0, 3.5):
        assert grad(lambda x: x * grad(lambda y: x + y)(1.0))(x0) == 1.0
        assert grad(lambda x: x * grad(lambda y: x + y)(x))(x0) == 1.0
    # Closing over the outer variable where the inner derivative depends on it:
    # d/dx [x * (d/dy (x * y))] = d/dx [x * x] = 2x.
    assert grad(lambda x: x * grad(lambda y: x * y)(1.0))(3.0) == 6.0
    assert grad(lambda x: x * grad(lambda y: x * y)(x))(3.0) == 6.0


def test_functional_api_leaves_grad_attributes_alone() -> None:
    w = Value(2.0)
    w.grad = 0.5
    out = grad(lambda x: w * x * x)(3.0)
    assert out == 12.0
    assert w.grad == 0.5
    x = Value(1.5)
    grad(f)(x, 2.0)
    hessian(f)(x, 2.0)
    assert x.grad == 0.0


def test_argnums_and_argument_errors() -> None:
    with pytest.raises(ValueError, match="out of range"):
        grad(f, argnums=2)(1.0, 2.0)
    with pytest.raises(TypeError, match="argnums"):
        grad(f, argnums="0")(1.0, 2.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argnums"):
        grad(f, argnums=True)(1.0, 2.0)
    with pytest.raises(TypeError, match="str"):
        grad(f)("1.0", 2.0)
    with pytest.raises(TypeError, match="list"):
        grad(lambda x: [x])(1.0)
    with pytest.raises(TypeError):
        grad(3)  # type: ignore[arg-type]
    assert grad(f, argnums=-1)(1.0, 2.0) == pytest.approx(fy(1.0, 2.0))


def test_constant_functions_have_zero_gradient() -> None:
    assert grad(lambda x: 3.0)(1.0) == 0.0
    assert grad(lambda x, y: x * 2)(1.0, 5.0) == 2.0
    assert grad(lambda x, y: x * 2, argnums=1)(1.0, 5.0) == 0.0
    assert hessian(lambda x, y: x + y)(1.0, 2.0) == [[0.0, 0.0], [0.0, 0.0]]


def test_grad_records_even_inside_no_grad() -> None:
    with no_grad():
        assert grad(lambda x: x * x)(3.0) == 6.0


@given(expressions(max_args=2, max_leaves=6), finite_floats(1e-3, 1e-3))
def test_hessian_matches_differences_of_the_gradient(case, _unused) -> None:  # type: ignore[no-untyped-def]
    fn, args = case
    h = hessian(fn)(*args)
    n = len(args)
    assert len(h) == n and all(len(row) == n for row in h)
    g = grad(fn, argnums=tuple(range(n)))
    for j in range(n):
        step = 1e-5 * max(1.0, abs(args[j]))
        up = list(args)
        down = list(args)
        up[j] += step
        down[j] -= step
        gu, gd = g(*up), g(*down)
        for i in range(n):
            numeric = (gu[i] - gd[i]) / (up[j] - down[j])
            assert math.isclose(h[i][j], numeric, rel_tol=1e-3, abs_tol=1e-3), (i, j)
    for i in range(n):
        for j in range(n):
            assert math.isclose(h[i][j], h[j][i], rel_tol=1e-9, abs_tol=1e-9)
