"""The engine against PyTorch in float64: values, first and second derivatives.

Skipped where torch is not installed (``pip install "scalar-autograd[torch]"``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd import Value, grad, hessian, ops, topological_order
from autograd.nn import MLP
from autograd.testing import OP_DOMAINS, call_op, expressions, interpret, op_arguments

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _t(x: float) -> Any:
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def _torch_op(op: ops.Op) -> Callable[..., Any]:
    """``op`` written with torch, from its table entry: differentiable inputs first, then its
    constants (before the input when the entry says the constant comes first)."""
    if op.role == ops.WEIGHTED_SUM:  # no single torch function: sum_i w_i x_i + b, spelt out
        if op.arity == ops.NARY_CONST:
            return lambda *args: _torch_wsum_const(args[:-1], args[-1])
        return lambda *xs: _torch_wsum(xs)
    if op.name == "floordiv":  # torch.floor_divide has no derivative; ours is 0 (SPEC)
        return lambda x, y: torch.floor_divide(x.detach(), y.detach()) + 0.0 * (x + y)
    assert op.torch, f"{op.name}: the table gives no torch name"
    fn: Any = torch
    for part in op.torch.split("."):
        fn = getattr(fn, part)
    if op.arity == ops.NARY:
        return lambda *xs: fn(torch.stack(xs), 0)
    if op.const_first:
        return lambda x, c: fn(torch.tensor(c, dtype=torch.float64), x)
    return fn  # type: ignore[no-any-return]


def _torch_wsum(xs: tuple[Any, ...]) -> Any:
    n = (len(xs) - 1) // 2
    return torch.stack([w * x for w, x in zip(xs[:n], xs[n:2 * n])]).sum() + xs[-1]


def _torch_wsum_const(ws: tuple[Any, ...], cs: tuple[float, ...]) -> Any:
    return torch.stack([w * c for w, c in zip(ws[:-1], cs)]).sum() + ws[-1]


def test_every_op_has_a_torch_twin() -> None:
    for op in ops.OPS.values():
        assert callable(_torch_op(op)), op.name


def _close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("name", sorted(OP_DOMAINS))
@given(data=st.data())
def test_op_matches_torch_to_second_order(name: str, data: st.DataObject) -> None:
    _matches_torch(ops.OPS[name], data.draw(OP_DOMAINS[name](1e-3), label="args"))


@given(data=st.data())
@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_new_op_is_checked_against_torch(throwaway_op: ops.Op, data: st.DataObject) -> None:
    # (tests/test_new_op.py: an op added to the table is picked up everywhere; here, by parity)
    _matches_torch(throwaway_op, data.draw(OP_DOMAINS[throwaway_op.name](1e-3), label="args"))


def test_a_new_activation_crosses_the_bridge(throwaway_op: ops.Op) -> None:
    model = MLP(2, [4, 1], activation=throwaway_op.method, seed=0)
    seq = model.to_torch()
    assert any(type(m).__name__.lower() == throwaway_op.name for m in seq)
    x = [0.3, -0.8]
    out = model(x)
    assert isinstance(out, Value)
    expected = seq(torch.tensor(x, dtype=torch.float64)).item()
    assert _close(out.data, expected)


def _matches_torch(op: ops.Op, args: tuple[float, ...]) -> None:
    """``op``'s value, gradient and Hessian at ``args`` agree with PyTorch's in float64."""
    name = op.name
    inputs, extra = op_arguments(op, args)
    n = len(inputs)
    # At a Value exponent of exactly 0 PyTorch masks d/dx x**y to 0 before differentiating it
    # again, so its d2/dxdy is 0 there; the true value (ours) is x**-1. Compared elsewhere by
    # finite differences.
    assume(not (name == "pow" and inputs[1] == 0.0))

    # ours: value, gradient, and the full Hessian through grad-of-grad
    def ours(*xs: Any) -> Value:
        return call_op(op, xs, extra)

    value = ours(*[Value(x) for x in inputs]).data
    first = grad(ours, argnums=tuple(range(n)))(*inputs)
    second = hessian(ours)(*inputs)

    # torch
    ts = [_t(x) for x in inputs]
    out = _torch_op(op)(*ts, *extra)
    assert _close(value, out.item()), (value, out.item())
    gs = torch.autograd.grad(out, ts, create_graph=True, allow_unused=True)
    for i in range(n):
        g = gs[i]
        assert _close(first[i], 0.0 if g is None else g.item()), ("d", i, first[i], g)
        row = (
            [None] * n if g is None or not g.requires_grad
            else torch.autograd.grad(g, ts, allow_unused=True, retain_graph=True)
        )
        for j in range(n):
            entry = row[j]
            expected = 0.0 if entry is None else entry.item()
            assert _close(second[i][j], expected), ("d2", i, j, second[i][j], expected)


class _TorchReader:
    """Reads an expression tree (``autograd.testing.interpret``) as torch tensors."""

    def __init__(self, ts: list[Any]) -> None:
        self.ts = ts

    def var(self, i: int) -> Any:
        return self.ts[i]

    def const(self, c: float) -> Any:
        return torch.tensor(c, dtype=torch.float64)

    def apply(self, op: ops.Op, xs: list[Any], c: float | None) -> Any:
        return _torch_op(op)(*xs) if c is None else _torch_op(op)(*xs, c)


@given(expressions())
def test_random_expressions_match_torch(case) -> None:  # type: ignore[no-untyped-def]
    f, args = case
    n = len(args)
    # PyTorch's mask at a Value exponent of exactly 0 (see above) makes its second derivative
    # differ from the true one there; such points are checked by finite differences instead.
    assume(not any(node.op_name == "pow" and node.parents[1].data == 0.0
                   for node in topological_order(f(*args))))
    ts = [_t(a) for a in args]
    out = interpret(f.tree, _TorchReader(ts))
    value = f(*args).data
    assert math.isclose(value, out.item(), rel_tol=1e-9, abs_tol=1e-12)
    gs = torch.autograd.grad(out, ts, create_graph=True, allow_unused=True)
    first = grad(f, argnums=tuple(range(n)))(*args)
    second = hessian(f)(*args)
    for i in range(n):
        expected = 0.0 if gs[i] is None else gs[i].item()
        assert math.isclose(first[i], expected, rel_tol=1e-8, abs_tol=1e-10)
        if gs[i] is None or not gs[i].requires_grad:
            continue
        row = torch.autograd.grad(gs[i], ts, allow_unused=True, retain_graph=True)
        for j in range(n):
            exp2 = 0.0 if row[j] is None else row[j].item()
            assert math.isclose(second[i][j], exp2, rel_tol=1e-7, abs_tol=1e-9), (i, j)
