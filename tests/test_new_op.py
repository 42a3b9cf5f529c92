"""Adding a function of one Value takes its table entry and a one-line method, nothing else.

The ``throwaway_op`` fixture (tests/conftest.py) declares ``mish`` in a test-local copy of the op
table, with the one-line ``Value.mish`` a contributor would write. Each test here looks for it in
one place that reads the table: the test strategies, the formula parser, the ``graph`` command's
help, the drawing, explain, forward mode, compiling and ``nn``'s activations. (The PyTorch parity
check of the same op is in tests/test_torch_parity.py.)
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, explain, grad, hessian, jvp, ops
from autograd.cli import main
from autograd.expression import ExpressionError, evaluate
from autograd.nn import MLP
from autograd.testing import OP_DOMAINS, check_op, expressions, op_cases
from autograd.viz import to_dot


def _mish(x: float) -> float:
    return x * math.tanh(math.log1p(math.exp(x)))


def _numeric(f: object, x: float, h: float = 1e-6) -> float:
    assert callable(f)
    return float((f(x + h) - f(x - h)) / (2 * h))


def test_the_op_is_not_there_without_the_fixture() -> None:
    # (what the other tests see comes from the fixture, not from the package)
    assert "mish" not in ops.OPS
    assert not hasattr(Value, "mish")
    with pytest.raises(ExpressionError, match="unknown function 'mish'"):
        evaluate("mish(x)", {"x": 1.0})


def test_value_method_and_its_node(throwaway_op: ops.Op) -> None:
    x = Value(0.7, label="x")
    y = x.mish()  # type: ignore[attr-defined]
    assert y.op == "mish"
    assert y.data == _mish(0.7)
    assert y.local_grads[0] == pytest.approx(_numeric(_mish, 0.7), rel=1e-7)
    # higher order: the rule runs on Values
    second = grad(grad(lambda v: v.mish()))(0.7)
    assert second == pytest.approx(_numeric(grad(lambda v: v.mish()), 0.7), rel=1e-6)


#: Stop at the first example found (no shrinking: it would only make the search slow).
_FIRST_FOUND = settings(max_examples=5000, database=None, phases=[Phase.generate],
                        suppress_health_check=list(HealthCheck))


def test_testing_strategies_draw_it(throwaway_op: ops.Op) -> None:
    assert "mish" in OP_DOMAINS
    args = find(OP_DOMAINS["mish"](1e-3), lambda a: True)
    assert len(args) == 1 and -5.0 <= args[0] <= 5.0
    f, _ = find(expressions(max_leaves=3), lambda case: "mish" in repr(case[0]),
                settings=_FIRST_FOUND)
    assert ".mish()" in repr(f)
    op, _ = find(op_cases(), lambda case: case[0].name == "mish",
                 settings=_FIRST_FOUND)
    assert op is throwaway_op
    assert check_op("mish", max_examples=30)


def test_check_op_catches_a_wrong_rule_of_the_new_op(
        throwaway_op: ops.Op, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    wrong = dataclasses.replace(throwaway_op, partials=lambda x, out: (out,))
    monkeypatch.setitem(ops.OPS, "mish", wrong)
    with pytest.raises(autograd.GradcheckError, match="mish"):
        check_op("mish", max_examples=30)


@given(st.floats(-3.0, 3.0), st.floats(-2.0, 2.0))
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_formula_parser_calls_it(throwaway_op: ops.Op, x: float, w: float) -> None:
    out, inputs = evaluate("mish(x*w) + 1", {"x": x, "w": w})
    out.backward()
    xv, wv = Value(x), Value(w)
    expected = (xv * wv).mish() + 1  # type: ignore[attr-defined]
    expected.backward()
    assert out.data == expected.data
    assert (inputs["x"].grad, inputs["w"].grad) == (xv.grad, wv.grad)


def test_formula_parser_checks_its_arguments(throwaway_op: ops.Op) -> None:
    with pytest.raises(ExpressionError, match=r"mish\(\) takes 1 argument \(x\), got 2"):
        evaluate("mish(x, 2)", {"x": 1.0})
    assert evaluate("mish(2)*x", {"x": 1.0})[0].data == _mish(2.0)  # folded constant


def test_graph_help_lists_it(throwaway_op: ops.Op, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--help"]) == 0
    assert "mish" in capsys.readouterr().out


def test_graph_command_draws_it(throwaway_op: ops.Op, capsys: pytest.CaptureFixture[str]
                                ) -> None:
    assert main(["graph", "mish(x)", "x=0.5"]) == 0
    out = capsys.readouterr().out
    assert "mish" in out and "digraph" in out


def test_drawing_shows_it_with_its_maths(throwaway_op: ops.Op) -> None:
    x = Value(0.5, label="x")
    y = x.mish()  # type: ignore[attr-defined]
    y.backward()
    dot = to_dot(y)
    assert 'label="mish"' in dot
    assert throwaway_op.maths.split(",")[0] in dot  # the op node's tooltip
    local = autograd.viz.format_number(y.local_grads[0])
    assert local in dot  # the edge's local derivative


def test_explain_forward_mode_and_hessian(throwaway_op: ops.Op) -> None:
    def f(x: Value, w: Value) -> Value:
        return (x * w).mish()  # type: ignore[no-any-return, attr-defined]

    x, w = Value(0.4), Value(-1.3)
    out = f(x, w)
    assert explain(out, x).total == pytest.approx(grad(f)(0.4, -1.3), rel=1e-12)
    _, tangent = jvp(f, (0.4, -1.3), (1.0, 0.0))
    assert tangent == pytest.approx(grad(f)(0.4, -1.3), rel=1e-12)
    h = hessian(f)(0.4, -1.3)
    assert h[0][1] == pytest.approx(h[1][0], rel=1e-9)


def test_compile_reads_it(throwaway_op: ops.Op) -> None:
    w = Value(0.8)

    def f(x: float) -> Value:
        return (w * x).mish()  # type: ignore[no-any-return, attr-defined]

    cf = autograd.compile(f)
    value = cf(1.5)
    eager_w = Value(0.8)
    eager = (eager_w * 1.5).mish()  # type: ignore[attr-defined]
    eager.backward()
    assert value == eager.data
    assert "mish(" in cf.source  # the rule it cannot print is called (its fallback)
    assert w.grad == pytest.approx(eager_w.grad, rel=1e-12)


def test_nn_offers_it_as_an_activation(throwaway_op: ops.Op) -> None:
    model = MLP(2, [3, 1], activation="mish", seed=0)
    out = model([0.5, -1.0])
    assert isinstance(out, Value)
    out.backward()
    ops_used = {v.op for v in autograd.topological_order(out)}
    assert "mish" in ops_used
    assert all(math.isfinite(p.grad) for p in model.parameters())
