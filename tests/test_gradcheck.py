"""gradcheck and the hypothesis strategies of autograd.testing."""

from __future__ import annotations

import math

import pytest
from hypothesis import given

from autograd import GradcheckError, Value, gradcheck
from autograd.gradcheck import numerical_grad
from autograd.testing import Expression, expressions


def test_gradcheck_passes_on_correct_derivatives() -> None:
    assert gradcheck(lambda x, y: (x * y).tanh() + x ** 3, 1.0, 2.0) is True
    assert gradcheck(lambda x: x.sigmoid().log(), Value(0.3)) is True


def test_gradcheck_catches_a_wrong_derivative() -> None:
    def wrong_square(x: Value) -> Value:
        out = x * x
        out.local_grads = (x.data, 0.0)  # a wrong rule: counts one of the two factors only
        return out

    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong_square, 3.0)
    # test code written for plain asserts (``except AssertionError``) catches it too
    with pytest.raises(AssertionError, match=r"numeric 6\.0"):
        gradcheck(wrong_square, 3.0)
    text = str(info.value)
    assert "input 0" in text and "analytic 3.0" in text and "numeric 6.0" in text
    assert info.value.rows[0][2] == 3.0 and math.isclose(info.value.rows[0][3], 6.0, rel_tol=1e-6)


def test_gradcheck_lists_every_input() -> None:
    def half_wrong(x: Value, y: Value) -> Value:
        out = x * y
        out.local_grads = (y.data, 2 * x.data)
        return out

    with pytest.raises(GradcheckError) as info:
        gradcheck(half_wrong, 2.0, 5.0)
    rows = info.value.rows
    assert [r[4] for r in rows] == [True, False]
    assert "input 0" in str(info.value) and "input 1" in str(info.value)


def test_gradcheck_validates_its_arguments() -> None:
    with pytest.raises(ValueError, match="eps"):
        gradcheck(lambda x: x, 1.0, eps=0.0)
    with pytest.raises(ValueError, match="at least one"):
        gradcheck(lambda: Value(1.0))
    with pytest.raises(TypeError, match="str"):
        gradcheck(lambda x: x, "1")  # type: ignore[arg-type]


@given(expressions())
def test_random_expressions_match_finite_differences(case) -> None:  # type: ignore[no-untyped-def]
    f, args = case
    assert isinstance(f, Expression)
    assert gradcheck(f, *args, eps=1e-6, atol=1e-5, rtol=1e-3)


@given(expressions())
def test_backward_agrees_with_the_functional_api(case) -> None:  # type: ignore[no-untyped-def]
    from autograd import grad

    f, args = case
    leaves = [Value(a) for a in args]
    f(*leaves).backward()
    expected = grad(f, argnums=tuple(range(len(args))))(*args)
    for leaf, g in zip(leaves, expected):
        assert math.isclose(leaf.grad, g, rel_tol=1e-12, abs_tol=1e-12)


@given(expressions())
def test_expressions_keep_their_promises(case) -> None:  # type: ignore[no-untyped-def]
    f, args = case
    assert 1 <= len(args) <= 3
    assert all(isinstance(a, float) and math.isfinite(a) for a in args)
    out = f(*args)
    assert isinstance(out, Value) and math.isfinite(out.data)
    assert f"x{len(args) - 1}" in repr(f)


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan, 0.0, -1e-6])
def test_refuses_a_step_that_is_not_finite_and_positive(bad):
    calls = []

    def f(x):
        calls.append(x)
        return x * x

    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        gradcheck(f, 1.0, eps=bad)
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        numerical_grad(f, 1.0, eps=bad)
    assert calls == []


@pytest.mark.parametrize("name", ["atol", "rtol"])
@pytest.mark.parametrize("bad", [math.inf, math.nan, -1e-3])
def test_refuses_a_tolerance_that_is_not_finite_and_non_negative(name, bad):
    with pytest.raises(ValueError, match=f"{name} must be a finite number >= 0"):
        gradcheck(lambda x: x * x, 1.0, **{name: bad})
    assert gradcheck(lambda x: x * x, 1.0, **{name: 0.0 if name == "rtol" else 1e-5})
