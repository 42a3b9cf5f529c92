"""The safe expression parser: engine ops only, clear refusals, never code."""

from __future__ import annotations

import ast
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from autograd.expression import MAX_LENGTH, ExpressionError, evaluate, names_in, parse


def test_tanh_neuron_matches_engine() -> None:
    out, inputs = evaluate("tanh(x*w + b)", {"x": 1.0, "w": 0.5, "b": 0.0})
    assert list(inputs) == ["x", "w", "b"]
    assert all(v.label == name and v.parents == () for name, v in inputs.items())
    out.backward()
    x, w, b = Value(1.0), Value(0.5), Value(0.0)
    ref = (x * w + b).tanh()
    ref.backward()
    assert out.data == ref.data
    assert (inputs["x"].grad, inputs["w"].grad, inputs["b"].grad) == (x.grad, w.grad, b.grad)
    assert out.op == "tanh" and out.label == "tanh(x*w + b)"


@pytest.mark.parametrize("source, expected", [
    ("x + y", 5.0), ("x - y", -1.0), ("x * y", 6.0), ("x / y", 2 / 3), ("x ** y", 8.0),
    ("-x", -2.0), ("+x", 2.0), ("x ** 2", 4.0), ("2 ** x", 4.0), ("1 / x", 0.5),
    ("3 - x", 1.0), ("2 * 3 * x", 12.0), ("exp(0) * x", 2.0), ("leaky_relu(-x, 0.5)", -1.0),
    ("leaky_relu(-x)", -0.02), ("sqrt(x * 8)", 4.0), ("abs(-y)", 3.0), ("relu(x - y)", 0.0),
    ("log(exp(x))", 2.0), ("sin(x)**2 + cos(x)**2", 1.0), ("softplus(x)", math.log1p(math.e ** 2)),
    ("sigmoid(x - x)", 0.5), ("leaky_relu(x, -(0.5))", 2.0), ("x*1e-3", 0.002),
])
def test_allowed_constructs(source: str, expected: float) -> None:
    used = names_in(parse(source))
    bindings = {n: v for n, v in {"x": 2.0, "y": 3.0}.items() if n in used}
    out, _ = evaluate(source, bindings)
    assert math.isclose(out.data, expected, rel_tol=1e-12, abs_tol=1e-15)


def test_numbers_are_constants_not_parents() -> None:
    out, inputs = evaluate("x * 3", {"x": 2.0})
    assert out.parents == (inputs["x"],) and out.constant == 3.0
    out, _ = evaluate("2 + 3", {})
    assert out.data == 5.0 and out.parents == ()


@pytest.mark.parametrize("source, fragment", [
    ("__import__('os').system('echo hi')", "attribute access"),
    ("__import__('os')", "unknown function '__import__'"),
    ("x.__class__", "attribute access"),
    ("x[0]", "subscripting"),
    ("lambda: x", "a lambda"),
    ("[i for i in x]", "a comprehension"),
    ("(i for i in x)", "a generator expression"),
    ("x < 1", "a comparison"),
    ("x and x", "a boolean operator"),
    ("x if x else x", "a conditional expression"),
    ("(y := x)", "an assignment expression"),
    ("'x'", "a string"),
    ("b'x'", "a bytes literal"),
    ("f'{x}'", "an f-string"),
    ("1j * x", "a complex number"),
    ("True * x", "True/False"),
    ("None", "None"),
    ("[x]", "a list"),
    ("(x, x)", "a tuple"),
    ("{x: 1}", "a dict"),
    ("{x}", "a set"),
    ("x // 2", "the operator //"),
    ("x % 2", "the operator %"),
    ("x @ x", "the operator @"),
    ("~x", "the operator ~"),
    ("not x", "the operator not"),
    ("foo(x)", "unknown function 'foo'"),
    ("eval('1')", "unknown function 'eval'"),
    ("exp(x, x)", "exp() takes 1 argument"),
    ("leaky_relu(x, 0.1, 2)", "1 or 2 arguments"),
    ("exp(x=x)", "a keyword argument"),
    ("exp(*x)", "unpacking"),
    ("exp", "is a function"),
    ("x.exp()", "attribute access"),
    ("leaky_relu(x, x)", "slope must be a number"),
    ("x = 1", "unexpected character '=' at column 3"),
    ("import os", "expected an operator such as + or * before 'os' at column 8"),
    ("x;", "unexpected character ';' at column 2"),
    ("x*w +", "ends too soon: expected a number, a name or '(' after '+' at column 6"),
    ("2 * (x + 1", "'(' at column 5 is never closed"),
    ("x + 1)", "')' at column 6 has no matching '('"),
    ("3x", "write 2*x, not 2x"),
    ("x * / 2", "expected a number, a name or '(' before '/' at column 5"),
    ("", "empty"),
    ("1e999 * x", "too large"),
])
def test_refused(source: str, fragment: str) -> None:
    with pytest.raises(ExpressionError) as info:
        evaluate(source, {"x": 1.0} if "x" in source else {})
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message
    assert isinstance(info.value, ValueError)


def test_refusal_happens_before_anything_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def spy(self: Value) -> Value:
        calls.append("exp")
        return self

    monkeypatch.setattr(Value, "exp", spy)
    with pytest.raises(ExpressionError):
        evaluate("exp(x) + x.y", {"x": 1.0})
    assert calls == []


def test_never_compiles_code(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval/exec/compile must not be used")

    for name in ("eval", "exec"):
        monkeypatch.setattr(builtins, name, refuse)
    out, _ = evaluate("tanh(x * 2)", {"x": 0.5})
    assert math.isclose(out.data, math.tanh(1.0))


def test_names_bound_and_used() -> None:
    with pytest.raises(ExpressionError, match="no value given for y, z"):
        evaluate("x + y * z", {"x": 1.0})
    with pytest.raises(ExpressionError, match="w given but not used"):
        evaluate("x", {"x": 1.0, "w": 2.0})
    assert names_in(parse("tanh(b + a) * a")) == ["b", "a"]


def test_domain_errors_are_the_engines() -> None:
    with pytest.raises(ValueError, match="log") as info:
        evaluate("log(x)", {"x": -1.0})
    assert not isinstance(info.value, ExpressionError)
    with pytest.raises(ZeroDivisionError):
        evaluate("x / (x - x)", {"x": 1.0})
    with pytest.raises(ValueError, match="negative base"):
        evaluate("(-8) ** (1/3) * x", {"x": 1.0})
    with pytest.raises(OverflowError):
        evaluate("9 ** 9 ** 9 * x", {"x": 1.0})


def test_size_limits() -> None:
    with pytest.raises(ExpressionError, match="too long"):
        evaluate("x+" * (MAX_LENGTH // 2) + "x", {"x": 1.0})
    with pytest.raises(ExpressionError):
        evaluate("(" * 500 + "x" + ")" * 500, {"x": 1.0})
    with pytest.raises(ExpressionError, match=r"nested too deeply|too large"):
        evaluate("-" * 9000 + "x", {"x": 1.0})
    out, inputs = evaluate("+".join(["x"] * 1500), {"x": 1.0})  # long flat chains are fine
    out.backward()
    assert out.data == 1500.0 and inputs["x"].grad == 1500.0


def test_bad_types() -> None:
    with pytest.raises(TypeError):
        parse(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        evaluate("x", {"x": "one"})  # type: ignore[dict-item]
    assert isinstance(parse("x + 1"), ast.Expression)


_names = st.sampled_from(["x", "y"])
_funcs = st.sampled_from(["tanh", "sigmoid", "sin", "cos", "softplus"])


@st.composite
def _formulas(draw: st.DrawFn, depth: int = 3) -> str:
    if depth == 0 or draw(st.booleans()):
        leaf: str = draw(st.one_of(_names, st.integers(1, 5).map(str)))
        return leaf
    kind = draw(st.sampled_from(["bin", "call", "neg"]))
    if kind == "bin":
        op = draw(st.sampled_from(["+", "-", "*"]))
        return f"({draw(_formulas(depth - 1))} {op} {draw(_formulas(depth - 1))})"
    if kind == "neg":
        return f"-{draw(_formulas(depth - 1))}"
    return f"{draw(_funcs)}({draw(_formulas(depth - 1))})"


@given(_formulas(), st.floats(-2, 2), st.floats(-2, 2))
def test_random_formulas_match_python_maths(source: str, x: float, y: float) -> None:
    bindings = {n: v for n, v in {"x": x, "y": y}.items() if n in names_in(parse(source))}
    out, _ = evaluate(source, bindings)
    env = {"tanh": math.tanh, "sin": math.sin, "cos": math.cos,
           "sigmoid": lambda v: 1 / (1 + math.exp(-v)),
           "softplus": lambda v: math.log1p(math.exp(v)), **bindings}
    reference = _reference(ast.parse(source, mode="eval").body, env)
    assert math.isclose(out.data, reference, rel_tol=1e-9, abs_tol=1e-9)


def _reference(node: ast.expr, env: dict[str, Any]) -> float:
    """A tiny independent interpreter for the test's own formulas."""
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]
    if isinstance(node, ast.Name):
        return float(env[node.id])
    if isinstance(node, ast.UnaryOp):
        return -_reference(node.operand, env)
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        return float(env[node.func.id](_reference(node.args[0], env)))
    assert isinstance(node, ast.BinOp)
    a, b = _reference(node.left, env), _reference(node.right, env)
    return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}[type(node.op)]
