"""Strong zeros (a relu that is off, sign, floor, ceil) and the search that does not look behind
them: the numbers are PyTorch's, and bit for bit those of the full search.

Backward leaves out what lies only behind a strong zero unless some live node holds an inf or nan
local derivative (:mod:`autograd.nonfinite`); these tests force each way and compare.
"""

from __future__ import annotations

import copy
import math
import pickle
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, custom_op, engine, nonfinite, ops
from autograd.nn import MLP

INF = math.inf
NAN = math.nan
EDGE = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e300, -1e300, 1e-300, INF, -INF, NAN]


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)  # tells -0.0 from 0.0, and every nan from any number


@contextmanager
def _search(prune: bool) -> Iterator[None]:
    """Backward with the search forced to leave out (or to look behind) strong zeros."""
    real = nonfinite.any_alive
    nonfinite.any_alive = lambda: not prune  # type: ignore[assignment]
    try:
        yield
    finally:
        nonfinite.any_alive = real  # type: ignore[assignment]


def _noted(node: Value) -> bool:
    return nonfinite.noted(node)


# ---------------------------------------------------------------------------------------------
# The table: which rules give the strong zero
# ---------------------------------------------------------------------------------------------


def test_only_ops_declared_stops_give_the_strong_zero() -> None:
    stops = {name for name, op in ops.OPS.items() if op.stops}
    assert stops == {"relu", "sign", "floor", "ceil"}
    for op in ops.OPS.values():
        if op.stops:
            assert op.arity == ops.UNARY, f"{op.name}: a strong zero is for one-input ops"
    assert ops.RELU.partials(-1.0, 0.0) is ops.STRONG_ZERO
    assert ops.RELU.partials(0.0, 0.0) is ops.STRONG_ZERO
    assert ops.RELU.partials(2.0, 2.0) == (1.0,)
    assert ops.RELU.partials(NAN, NAN) == (1.0,)  # nan: 1, as PyTorch
    for x in EDGE:
        for name in ("sign", "floor", "ceil"):
            op = ops.OPS[name]
            assert op.partials(x, op.forward(x)) is ops.STRONG_ZERO


def test_other_ops_never_give_it() -> None:
    for op in ops.OPS.values():
        if op.stops or op.arity != ops.UNARY:
            continue
        for x in EDGE:
            try:
                out = op.forward(x)
                local = op.partials(x, out)
            except (ValueError, ZeroDivisionError, OverflowError):
                continue
            assert local is not ops.STRONG_ZERO, op.name


# ---------------------------------------------------------------------------------------------
# The numbers: PyTorch's
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("upstream", [NAN, INF, -INF, 2.0])
@pytest.mark.parametrize("name", ["relu", "sign", "floor", "ceil"])
def test_nothing_passes_a_strong_zero_as_in_pytorch(name: str, upstream: float) -> None:
    torch = pytest.importorskip("torch")
    x = Value(-1.5)
    getattr(x, name)().backward(upstream)
    tx = torch.tensor(-1.5, dtype=torch.float64, requires_grad=True)
    getattr(torch, name)(tx).backward(torch.tensor(upstream, dtype=torch.float64))
    assert tx.grad is not None
    assert _bits(x.grad) == _bits(float(tx.grad)) == _bits(0.0)


def test_an_ordinary_zero_still_sends_nan_as_in_pytorch() -> None:
    # leaky_relu's slope 0 and a product by 0 are ordinary zeros: 0 * nan = nan
    x = Value(-1.0)
    x.leaky_relu(0.0).backward(NAN)
    assert math.isnan(x.grad)
    y = Value(2.0)
    (y * 0.0).backward(NAN)
    assert math.isnan(y.grad)


def test_an_inf_derivative_behind_an_off_relu_still_makes_nan_as_in_pytorch() -> None:
    # relu(w * x) with x = inf and w < 0: the relu is off, and w * x holds d/dw = x = inf, so
    # PyTorch's w.grad is 0 * inf = nan. The search must look behind the relu for this.
    torch = pytest.importorskip("torch")
    w, x = Value(-1.0), Value(INF)
    z = w * x
    assert _noted(z) and nonfinite.any_alive()
    ((z).relu() + w).backward()
    tw = torch.tensor(-1.0, dtype=torch.float64, requires_grad=True)
    tx = torch.tensor(INF, dtype=torch.float64, requires_grad=True)
    (torch.relu(tw * tx) + tw).backward()
    assert math.isnan(w.grad) and tw.grad is not None and math.isnan(float(tw.grad))


def test_forward_mode_passes_no_tangent_through_a_strong_zero_as_in_pytorch() -> None:
    torch = pytest.importorskip("torch")
    from torch.func import jvp as torch_jvp

    _, t = autograd.jvp(lambda v: v.relu(), (-1.0,), (NAN,))
    tt = torch_jvp(torch.relu, (torch.tensor(-1.0, dtype=torch.float64),),
                   (torch.tensor(NAN, dtype=torch.float64),))[1]
    assert _bits(float(t)) == _bits(float(tt)) == _bits(0.0)
    _, t = autograd.jvp(lambda v: v.relu(), (2.0,), (NAN,))
    assert math.isnan(float(t))  # on: the tangent passes, nan and all


def test_grad_of_grad_through_an_off_relu() -> None:
    def f(x: Value) -> Value:
        return (x * x).relu() * 3.0 - (x - 1.0).relu() * x

    df = autograd.grad(f)
    d2f = autograd.grad(df)
    assert float(df(0.5)) == pytest.approx(3.0)   # (x - 1) is off: 6x at 0.5
    assert float(d2f(0.5)) == pytest.approx(6.0)
    assert float(df(2.0)) == pytest.approx(12.0 - (2.0 * 2.0 - 1.0))
    assert float(d2f(2.0)) == pytest.approx(6.0 - 2.0)


# ---------------------------------------------------------------------------------------------
# The search leaves out only what gets nothing
# ---------------------------------------------------------------------------------------------


def _hinge_loss(net: MLP, xs: list[list[float]], ys: list[float]) -> Value:
    scores = [net(x) for x in xs]
    return autograd.sum([(1.0 - y * s).relu() for y, s in zip(ys, scores)])  # type: ignore[operator]


def test_the_search_leaves_out_what_lies_behind_off_relus() -> None:
    net = MLP(2, [8, 8, 1], seed=3)
    xs = [[0.1 * i, -0.2 * i] for i in range(-6, 7)]
    ys = [1.0 if i % 2 else -1.0 for i in range(-6, 7)]
    loss = _hinge_loss(net, xs, ys)
    full = engine._postorder(loss, leaves=False)
    pruned = engine._postorder(loss, leaves=False, prune=True)
    assert set(pruned) < set(full)
    assert len(pruned) < 0.9 * len(full)
    # every node left out sends nothing in the full pass either
    params = net.parameters()
    with _search(prune=False):
        loss.backward()
    expected = [p.grad for p in params]
    inner = {id(v): v.grad for v in full}
    net.zero_grad()
    for v in full:
        v.grad = 0.0
    with _search(prune=True):
        loss.backward()
    assert [_bits(p.grad) for p in params] == [_bits(g) for g in expected]
    assert any(g != 0.0 for g in expected)
    for v in pruned:
        assert _bits(v.grad) == _bits(inner[id(v)])


def test_a_strong_zero_at_the_root() -> None:
    x = Value(-2.0)
    r = x.relu()
    assert engine._postorder(r, leaves=False, prune=True) == [r]
    r.backward()
    assert r.grad == 1.0 and x.grad == 0.0


# Random graphs over every op, at ordinary and extreme points, built from a pool of nodes so that
# nodes are shared; backward once, then again (gradients carried over), each way.


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[Value], Value]:
    leaves = [Value(draw(st.sampled_from(EDGE))) for _ in range(draw(st.integers(1, 4)))]
    pool: list[Value] = list(leaves)
    names = sorted(ops.OPS)
    for _ in range(draw(st.integers(1, 14))):
        pick = draw(st.sampled_from(["relu", "relu", "sign", "op", "op", "op", "dots", "sum"]))
        try:
            if pick in ("relu", "sign"):
                node = getattr(draw(st.sampled_from(pool)), pick)()
            elif pick == "sum":
                node = autograd.sum(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4)))
            elif pick == "dots":
                k = draw(st.integers(1, 3))
                xs: list[Any] = draw(st.lists(st.sampled_from(pool), min_size=k, max_size=k))
                if draw(st.booleans()):
                    xs = [draw(st.sampled_from(EDGE)) for _ in range(k)]
                rows = [([draw(st.sampled_from(pool)) for _ in range(k)],
                         draw(st.sampled_from(pool))) for _ in range(draw(st.integers(1, 3)))]
                then = draw(st.sampled_from([None, None, ops.RELU, ops.SIGN, ops.TANH]))
                outs = engine.dots(rows, xs, then)
                pool.extend(outs[:-1])
                node = outs[-1]
            else:
                op = ops.OPS[draw(st.sampled_from(names))]
                vs = [draw(st.sampled_from(pool)) for _ in range(
                    1 if op.arity in (ops.UNARY, ops.UNARY_CONST) else 2 if op.arity == ops.BINARY
                    else draw(st.integers(1, 3)))]
                if op.arity == ops.UNARY_CONST:
                    node = engine.apply_op(op, vs[0], draw(st.sampled_from([0.0, 0.5, 2.0, -1.0])))
                elif op.arity == ops.NARY_CONST:
                    node = engine.apply_op(op, vs, [draw(st.sampled_from(EDGE)) for _ in vs[:-1]])
                else:
                    node = engine.apply_op(op, *vs)
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            continue
        pool.append(node)
    return leaves, autograd.sum(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3)))


def _pass_twice(root: Value, prune: bool, seeds: tuple[float, float]) -> list[list[bytes]]:
    nodes = engine.topological_order(root)
    for v in nodes:
        v.grad = 0.0
    seen = []
    with _search(prune):
        for seed in seeds:
            root.backward(seed)
            seen.append([_bits(v.grad) for v in nodes])
    return seen


@settings(max_examples=800, deadline=None)
@given(graphs(), st.sampled_from([(1.0, 1.0), (1.0, -2.0), (NAN, 1.0), (INF, 0.5), (-0.0, 3.0)]))
def test_leaving_out_changes_no_number_unless_an_inf_derivative_lives(
    graph: tuple[list[Value], Value], seeds: tuple[float, float]
) -> None:
    _, root = graph
    nodes = engine.topological_order(root)
    bad = [v for v in nodes if v.parents and not nonfinite.finite(v.local_grads)]
    for v in bad:
        assert _noted(v), f"{v.op} holds {v.local_grads} but is not noted"
    full = _pass_twice(root, prune=False, seeds=seeds)
    if not bad:
        assert _pass_twice(root, prune=True, seeds=seeds) == full
    # and backward as it chooses (whatever else is alive) gives the full pass's numbers
    for v in nodes:
        v.grad = 0.0
    chosen = []
    for seed in seeds:
        root.backward(seed)
        chosen.append([_bits(v.grad) for v in nodes])
    assert chosen == full


# ---------------------------------------------------------------------------------------------
# Every way of making a node notes an inf or nan derivative
# ---------------------------------------------------------------------------------------------


def _makers() -> list[tuple[str, Callable[[], Value]]]:
    def custom() -> Value:
        inf_slope = custom_op(lambda x: x, partials=lambda x, out: (INF,), name="inf_slope")
        return inf_slope(Value(1.0))

    return [
        ("unary", lambda: Value(0.0).sqrt()),
        ("binary", lambda: Value(2.0) * Value(INF)),
        ("binary nan", lambda: Value(NAN) + Value(1.0)),  # partials finite: not noted
        ("const", lambda: Value(1.0) * INF),
        ("nary", lambda: autograd.logsumexp([Value(INF), Value(1.0)])),
        ("dot", lambda: autograd.dot([Value(INF)], [Value(0.0)], Value(0.0))),
        ("dots", lambda: engine.dots([([Value(1.0)], Value(0.0))], [Value(INF)])[0]),
        ("dots const", lambda: engine.dots([([Value(1.0)], Value(0.0))], [INF])[0]),
        ("dots then", lambda: engine.dots([([Value(1.0)], Value(-1.0))], [1.0], ops.SQRT)[0]),
        ("custom", custom),
        ("copy", lambda: copy.copy(Value(0.0).sqrt())),
        ("deepcopy", lambda: copy.deepcopy(Value(0.0).sqrt())),
        ("pickle", lambda: pickle.loads(pickle.dumps(Value(0.0).sqrt()))),
    ]


@pytest.fixture
def restore_table() -> Iterator[None]:
    saved = dict(ops.OPS)  # custom_op declares its op in the table
    yield
    ops.OPS.clear()
    ops.OPS.update(saved)


@pytest.mark.parametrize("maker", _makers(), ids=lambda m: m[0])
def test_every_maker_notes_an_inf_or_nan_derivative(
    maker: tuple[str, Callable[[], Value]], restore_table: None
) -> None:
    v = maker[1]()
    assert _noted(v) == (not nonfinite.finite(v.local_grads))
    if maker[0] != "binary nan":
        assert _noted(v)
    del v
    assert not any(r() is None for r in nonfinite._alive)  # the dead leave at once


def test_sum_of_infinities_is_nan_as_in_pytorch() -> None:
    # math.fsum refuses these; the sum then falls back to plain addition, as torch.sum gives
    assert math.isnan(autograd.sum([Value(INF), Value(-INF)]).data)
    assert autograd.sum([Value(1e308), Value(1e308)]).data == INF
    assert autograd.sum([Value(0.1)] * 10).data == 1.0  # still correctly rounded elsewhere


def test_finite_nodes_are_not_noted() -> None:
    x = Value(0.5)
    nodes = [x.tanh(), x * 2.0, x + x, x.relu(), autograd.sum([x, x]),
             engine.dots([([x], x)], [x])[0], engine.dots([([x], x)], [1.0])[0]]
    assert not any(_noted(v) for v in nodes)


def test_copies_keep_the_strong_zero() -> None:
    r = Value(-1.0).relu()
    assert r.local_grads is ops.STRONG_ZERO
    assert copy.copy(r).local_grads is ops.STRONG_ZERO
    assert copy.deepcopy(r).local_grads is ops.STRONG_ZERO
    assert pickle.loads(pickle.dumps(r)).local_grads is ops.STRONG_ZERO
    on = Value(1.0).relu()
    assert pickle.loads(pickle.dumps(on)).local_grads == (1.0,)
