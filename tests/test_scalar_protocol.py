"""A Value behaves like a 0-d tensor towards Python, and never loses a gradient silently.

The three silent wrong numbers of issue 9 each have a test here that fails on the code before it:
``math.sin(x)`` inside ``grad``, ``==``/``bool`` on Values, and ``d/dy 0 ** y``.
"""

from __future__ import annotations

import math
import threading

import pytest

import autograd
from autograd import Value, grad, hessian, value_and_grad
from autograd import math as amath

# --- the three silent cases ---------------------------------------------------------------------

def test_math_module_on_an_argument_raises_instead_of_returning_zero() -> None:
    with pytest.raises(TypeError, match=r"x\.sin\(\) or autograd\.math\.sin\(x\)"):
        grad(lambda x: math.sin(x))(1.0)
    with pytest.raises(TypeError, match="drop its gradient"):
        value_and_grad(lambda x, y: x * math.exp(y), argnums=(0, 1))(1.0, 2.0)
    with pytest.raises(TypeError, match="drop its gradient"):
        hessian(lambda x: float(x * x))(1.0)
    # nested: the inner call's argument depends on the outer one
    with pytest.raises(TypeError, match="drop its gradient"):
        grad(lambda x: grad(lambda y: y * math.cos(x))(1.0))(0.5)


def test_float_of_values_that_do_not_depend_on_an_argument_is_allowed() -> None:
    w = Value(3.0)
    assert grad(lambda x: x * math.sin(w))(1.0) == pytest.approx(math.sin(3.0))
    assert grad(lambda x: x * float(Value(2.0) * 2))(1.0) == 4.0
    # .data and .item() take the number on purpose
    assert grad(lambda x: x * x.data)(3.0) == 3.0
    assert grad(lambda x: x * x.item())(3.0) == 3.0
    # outside the functional API float() is plain
    assert float(Value(2.5) * 2) == 5.0
    assert math.sin(Value(0.0)) == 0.0


def test_the_guard_is_per_thread_and_cleared_after_an_error() -> None:
    with pytest.raises(TypeError):
        grad(lambda x: math.sin(x))(1.0)
    assert autograd.guard.guard.calls == 0
    seen: list[float] = []
    ready, done = threading.Event(), threading.Event()

    def other_thread() -> None:
        ready.wait()
        v = Value(1.0) * 2  # its own graph, no grad running on this thread
        seen.append(math.sin(v))
        done.set()

    def f(x: Value) -> Value:
        ready.set()
        done.wait(5)
        return x * 2

    t = threading.Thread(target=other_thread)
    t.start()
    assert grad(f)(1.0) == 2.0
    t.join()
    assert seen == [math.sin(2.0)]


def test_equal_numbers_compare_equal_and_zero_is_false() -> None:
    assert Value(2.0) == Value(2.0)
    assert Value(2.0) == 2 and Value(2.0) == 2.0
    assert Value(2.0) != Value(3.0) and (Value(2.0) != 2.0) is False
    assert not bool(Value(0.0)) and bool(Value(-0.5)) and bool(Value(math.nan))
    x = Value(0.0)
    assert ("zero" if not x else "nonzero") == "zero"
    assert (Value(1.0) == "1.0") is False and (Value(1.0) != None) is True  # noqa: E711


def test_values_still_hash_by_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a == b and hash(a) != hash(b)
    assert len({a, b}) == 2 and {a: "a", b: "b"}[b] == "b"
    assert hash(a) == object.__hash__(a)


def test_zero_to_a_value_power_has_derivative_zero() -> None:
    assert grad(lambda y: 0.0 ** y)(0.14) == 0.0
    assert grad(lambda y: 0.0 ** y)(0.0) == 0.0  # 0 ** 0 = 1, constant on [0, inf), as PyTorch
    assert grad(grad(lambda y: 0.0 ** y))(2.0) == 0.0
    # a negative base has no derivative (defined at integers only): nan, as PyTorch
    assert math.isnan(grad(lambda y: (-2.0) ** y)(2.0))


# --- the rest of the protocol -------------------------------------------------------------------

def test_int_round_format_item() -> None:
    v = Value(2.675)
    assert int(v) == 2 and int(Value(-2.7)) == -2 and isinstance(int(v), int)
    assert round(v) == 3 and isinstance(round(v), int)
    assert round(v, 1) == 2.7 and round(v, 2) == round(2.675, 2)
    assert f"{v:.4f}" == "2.6750" and format(v, "8.2e") == format(2.675, "8.2e")
    assert f"{v}" == str(v) == repr(v)
    assert v.item() == 2.675 and type(v.item()) is float
    assert math.trunc(Value(-2.5)) == -2
    with pytest.raises(ValueError):
        int(Value(math.nan))
    with pytest.raises(OverflowError):
        round(Value(math.inf))


def test_floor_and_ceil_of_python_give_values_with_zero_derivative() -> None:
    v = Value(2.5)
    f, c = math.floor(v), math.ceil(v)
    assert isinstance(f, Value) and f.data == 2.0 and f.op_name == "floor"
    assert isinstance(c, Value) and c.data == 3.0
    assert grad(lambda x: math.floor(x) + x)(2.5) == 1.0


def test_comparisons_return_bools() -> None:
    for result in (Value(1.0) < 2, Value(1.0) <= Value(1.0), Value(3.0) > Value(2.0),
                   Value(1.0) >= 2, Value(1.0) == 1, Value(1.0) != 1):
        assert type(result) is bool


def test_engine_helpers_use_identity_not_equality() -> None:
    # Two different Values with equal numbers: nothing may mistake one for the other.
    a, b = Value(1.0, label="a"), Value(1.0, label="b")
    y = a * b + b
    assert len(autograd.topological_order(y)) == 4  # y, a*b, a, b
    y.backward()
    assert (a.grad, b.grad) == (1.0, 2.0)
    assert autograd.grad(lambda p, q: p * q + q, argnums=(0, 1))(1.0, 1.0) == (1.0, 2.0)
    assert autograd.explain(y, b).total == 2.0 and autograd.explain(y, a).total == 1.0
    assert autograd.viz.to_dot(y).count("shape=record") == 4


# --- numbers in, clear errors out ---------------------------------------------------------------

def test_value_of_a_huge_int_names_value_data() -> None:
    with pytest.raises(OverflowError, match=r"Value data .* too large for a float"):
        Value(10 ** 400)
    with pytest.raises(OverflowError, match="operand"):
        Value(1.0) + 10 ** 400
    with pytest.raises(OverflowError, match="operand"):
        -(10 ** 400) - Value(1.0)


def test_an_int_operand_is_its_float() -> None:
    v = Value(0.75)
    for as_int, as_float in ((1 - v, 1.0 - v), (v ** 2, v ** 2.0), (3 * v, 3.0 * v),
                             (v / 2, v / 2.0), (2 ** 60 + v, float(2 ** 60) + v)):
        assert (as_int.data, as_int.op, as_int.local_grads) == \
            (as_float.data, as_float.op, as_float.local_grads)
    with pytest.raises(TypeError):
        True + v  # a bool is not a number here, as for Value(True)


def test_overflow_in_a_local_derivative_gives_inf_as_pytorch() -> None:
    # the value is finite, only the derivative overflows: inf, never a bare math range error
    assert (Value(1e-300) ** -1).local_grads == (-math.inf,)
    assert (Value(5e-324) ** Value(0.01)).local_grads[0] == math.inf
    assert (1 / Value(1e-300)).local_grads == (-math.inf,)
    assert (Value(-1e-103) ** -2).local_grads == (math.inf,)  # -2 * (-1e-103) ** -3
    assert (Value(-1e-200) ** -1).local_grads == (-math.inf,)
    assert (Value(1e-200) ** 0.5).local_grads[0] < math.inf


def test_forward_overflow_names_the_op() -> None:
    for f, name in ((lambda: Value(800.0).exp(), "exp"), (lambda: Value(800.0).sinh(), "sinh"),
                    (lambda: Value(800.0).cosh(), "cosh"), (lambda: Value(2000.0).exp2(), "exp2"),
                    (lambda: Value(800.0).expm1(), "expm1"), (lambda: Value(10.0) ** 400, "pow")):
        with pytest.raises(OverflowError, match=rf"^{name}.*too large for a float"):
            f()


@pytest.mark.parametrize(("make", "pattern"), [
    (lambda: Value(2.0).asin(), r"asin\(2\.0\).*-1 <= x <= 1"),
    (lambda: Value(0.5).acosh(), r"acosh\(0\.5\).*x >= 1"),
    (lambda: Value(-2.0).atanh(), r"atanh\(-2\.0\)"),
    (lambda: Value(0.0).log2(), r"log2\(0\.0\).*x > 0"),
    (lambda: Value(-1.0).log10(), r"log10\(-1\.0\)"),
    (lambda: Value(-1.0).log1p(), r"log1p\(-1\.0\).*x > -1"),
    (lambda: Value(1.0) % 0, r"mod\(1\.0, 0\.0\).*y != 0"),
    (lambda: Value(1.0) // 0, r"floordiv\(1\.0, 0\.0\)"),
])
def test_domain_errors_name_the_op_and_the_value(make, pattern) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises((ValueError, ZeroDivisionError), match=pattern):
        make()


def test_operators_with_other_types_decline() -> None:
    with pytest.raises(TypeError):
        Value(1.0) % "a"  # type: ignore[operator]
    with pytest.raises(TypeError):
        [1] // Value(1.0)  # type: ignore[operator]
    with pytest.raises(TypeError, match="clamp lo"):
        autograd.clamp(Value(1.0), "0")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one"):
        autograd.clamp(Value(1.0))


# --- autograd.math ------------------------------------------------------------------------------

_POINTS = (-3.5, -1.0, -0.5, 0.0, 0.3, 1.0, 2.0, 7.25, 1e-8, 700.0)


@pytest.mark.parametrize("name", [n for n in amath.__all__ if callable(getattr(amath, n))])
def test_autograd_math_on_floats_is_math(name: str) -> None:
    ours, theirs = getattr(amath, name), getattr(math, name, None)
    two = name in ("atan2", "hypot", "pow", "log")
    for x in _POINTS:
        args = (x, 1.5) if two else (x,)
        if theirs is None:  # math.exp2 is new in Python 3.11
            assert ours(*args) == 2.0 ** x
            continue
        try:
            expected = theirs(*args)
        except (ValueError, OverflowError) as err:
            with pytest.raises(type(err)):
                ours(*args)
            continue
        got = ours(*args)
        assert type(got) is type(expected) and (got == expected or got != got), (name, x)


@pytest.mark.parametrize("name", [n for n in amath.__all__ if callable(getattr(amath, n))])
def test_autograd_math_on_values_is_the_method(name: str) -> None:
    fn = getattr(amath, name)
    x = 0.4 if name not in ("acosh",) else 1.5
    if name in ("atan2", "hypot", "pow", "log"):
        got = fn(Value(x), Value(1.5))
        assert isinstance(got, Value)
        expected = getattr(math, name)(x, 1.5)
        assert got.data == pytest.approx(expected, rel=1e-14)
        return
    got = fn(Value(x))
    assert isinstance(got, Value)
    method = {"fabs": "abs"}.get(name, name)
    expected_v = getattr(Value(x), method)()
    assert got.data == expected_v.data and got.op_name == expected_v.op_name
    # and gradients flow
    assert grad(fn)(x) == pytest.approx(expected_v.local_grads[0], rel=1e-12)


def test_autograd_math_passes_the_rest_through() -> None:
    assert amath.pi == math.pi and amath.isclose(1.0, 1.0) and amath.factorial(4) == 24
    assert amath.log(8.0, 2.0) == math.log(8.0, 2.0)
    assert amath.log(Value(8.0), 2.0).data == pytest.approx(3.0)
    assert grad(lambda x: amath.log(x, 2.0))(2.0) == pytest.approx(1 / (2 * math.log(2)))
    with pytest.raises(TypeError, match="drop its gradient"):
        grad(lambda x: amath.gamma(x))(2.0)
