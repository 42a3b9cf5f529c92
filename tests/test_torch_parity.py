"""The engine against PyTorch in float64: values, first and second derivatives.

Skipped where torch is not installed (``pip install "scalar-autograd[torch]"``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import Value, grad, hessian, ops, topological_order
from autograd.testing import OP_DOMAINS, call_op, expressions, op_arguments

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _t(x: float) -> Any:
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


# Each op of the table written with torch: differentiable inputs first, then the op's constants.
TORCH: dict[str, Callable[..., Any]] = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "pow": lambda x, y: torch.pow(x, y),
    "add_const": lambda x, c: x + c,
    "sub_const": lambda x, c: x - c,
    "rsub_const": lambda x, c: c - x,
    "mul_const": lambda x, c: x * c,
    "div_const": lambda x, c: x / c,
    "rdiv_const": lambda x, c: c / x,
    "pow_const": lambda x, c: x ** c,
    "rpow_const": lambda x, c: c ** x,
    "leaky_relu": lambda x, c: F.leaky_relu(x, c),
    "neg": lambda x: -x,
    "abs": torch.abs,
    "exp": torch.exp,
    "log": torch.log,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "sqrt": torch.sqrt,
    "sin": torch.sin,
    "cos": torch.cos,
    "softplus": F.softplus,
    "identity": lambda x: x * 1.0,
    "sum": lambda *xs: torch.stack(xs).sum(),
    "logsumexp": lambda *xs: torch.logsumexp(torch.stack(xs), 0),
    "wsum": lambda *xs: _torch_wsum(xs),
    "wsum_const": lambda *args: _torch_wsum_const(args[:-1], args[-1]),
}


def _torch_twin(op: ops.Op) -> Callable[..., Any]:
    """The op's ``torch`` field resolved under ``torch`` (``"nn.functional.gelu"``)."""
    if op.name == "floordiv":
        # torch.floor_divide has no derivative; ours is 0, which adding 0 * (x + y) gives
        return lambda x, y: torch.floor_divide(x.detach(), y.detach()) + 0.0 * (x + y)
    found: Any = torch
    for part in op.torch.split("."):
        found = getattr(found, part)
    return found  # type: ignore[no-any-return]


for _name, _op in ops.OPS.items():
    if _name not in TORCH:
        TORCH[_name] = _torch_twin(_op)


def _torch_wsum(xs: tuple[Any, ...]) -> Any:
    n = (len(xs) - 1) // 2
    return torch.stack([w * x for w, x in zip(xs[:n], xs[n:2 * n])]).sum() + xs[-1]


def _torch_wsum_const(ws: tuple[Any, ...], cs: tuple[float, ...]) -> Any:
    return torch.stack([w * c for w, c in zip(ws[:-1], cs)]).sum() + ws[-1]


def test_every_op_has_a_torch_twin() -> None:
    assert set(TORCH) == set(ops.OPS)


def _close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize("name", sorted(OP_DOMAINS))
@given(data=st.data())
def test_op_matches_torch_to_second_order(name: str, data: st.DataObject) -> None:
    op = ops.OPS[name]
    args = data.draw(OP_DOMAINS[name](1e-3), label="args")
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
    out = TORCH[name](*ts, *extra)
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


def _torch_eval(tree: tuple[Any, ...], xs: list[Any]) -> Any:
    kind = tree[0]
    if kind == "var":
        return xs[tree[1]]
    if kind == "const":
        return torch.tensor(tree[1], dtype=torch.float64)
    if len(tree) == 2:
        x = _torch_eval(tree[1], xs)
        table: dict[str, Callable[[Any], Any]] = {
            "neg": lambda v: -v, "exp": torch.exp, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
            "relu": torch.relu, "sin": torch.sin, "cos": torch.cos, "abs": torch.abs,
            "softplus": F.softplus, "leaky_relu": lambda v: F.leaky_relu(v, 0.1),
            "log": lambda v: torch.log(v * v + 0.5), "sqrt": lambda v: torch.sqrt(v * v + 0.5),
        }
        return table[kind](x)
    a, b = _torch_eval(tree[1], xs), _torch_eval(tree[2], xs)
    if kind == "add":
        return a + b
    if kind == "sub":
        return a - b
    if kind == "mul":
        return a * b
    if kind == "div":
        return a / (b * b + 0.5)
    return torch.pow(a * a + 0.5, b)


@given(expressions())
def test_random_expressions_match_torch(case) -> None:  # type: ignore[no-untyped-def]
    f, args = case
    n = len(args)
    # PyTorch's mask at a Value exponent of exactly 0 (see above) makes its second derivative
    # differ from the true one there; such points are checked by finite differences instead.
    assume(not any(node.op_name == "pow" and node.parents[1].data == 0.0
                   for node in topological_order(f(*args))))
    ts = [_t(a) for a in args]
    out = _torch_eval(f.tree, ts)
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
