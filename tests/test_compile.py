"""autograd.compile: the generated code against the eager engine (values and every gradient)."""

from __future__ import annotations

import math
import warnings
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, compile, nn, ops
from autograd.compiler import MAX_NODES
from autograd.engine import apply_op
from autograd.testing import OP_DOMAINS, call_op, expressions, op_arguments


def _close(a: float, b: float, rel: float = 1e-12) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def _eager(f, leaves: list[Value], *args: object) -> tuple[float, list[float]]:
    for leaf in leaves:
        leaf.grad = 0.0
    out = f(*args)
    out.backward()
    grads = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    return out.data, grads


def _compiled(cf, leaves: list[Value], *args: object) -> tuple[float, list[float]]:
    for leaf in leaves:
        leaf.grad = 0.0
    value = cf(*args)
    grads = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    return value, grads


# --- every op of the table ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OP_DOMAINS))
@given(data=st.data())
def test_every_op_matches_eager_bit_for_bit(name: str, data: st.DataObject) -> None:
    op = ops.OPS[name]
    args = data.draw(OP_DOMAINS[name](1e-3), label="args")
    inputs, extra = op_arguments(op, args)
    leaves = [Value(x) for x in inputs]

    def f() -> Value:
        return call_op(op, leaves, extra)

    cf = compile(f)
    assert _compiled(cf, leaves) == _eager(f, leaves)
    # replayed on new data (the leaves' current .data), still equal to eager there
    again = data.draw(OP_DOMAINS[name](1e-3), label="again")
    new_inputs, new_extra = op_arguments(op, again)
    if new_extra != extra or len(new_inputs) != len(inputs):
        return  # a different constant is a different graph
    for leaf, x in zip(leaves, new_inputs):
        leaf.data = x
    assert _compiled(cf, leaves) == _eager(f, leaves)
    assert cf.eager_calls == 0 and cf.traces == 1


def _inside(op: ops.Op, i: int, default: float) -> float:
    sample = op.sample[i] if i < len(op.sample) and op.arity != ops.NARY else ops.ANYWHERE
    if any(lo <= default <= hi for lo, hi in sample):
        return default
    lo, hi = sample[0]
    return lo + 0.37 * (hi - lo)


@pytest.mark.parametrize("name", sorted(OP_DOMAINS))
def test_every_op_compiles_to_code_that_runs_without_the_eager_engine(name: str) -> None:
    # The op's arguments as compiled arguments: the forward is generated code, not a fallback.
    op = ops.OPS[name]
    arity = {ops.UNARY: 1, ops.BINARY: 2, ops.UNARY_CONST: 1}.get(op.arity, 3)
    w = Value(0.7, label="w")
    if op.arity == ops.UNARY_CONST:
        c = 2.0 if name != "leaky_relu" else 0.1

        def f(x: Value) -> Value:
            return apply_op(op, x, c) * w
        args: tuple[float, ...] = (0.6,)
    elif op.arity == ops.NARY_CONST:
        def f(a: Value, b: Value, bias: Value) -> Value:  # type: ignore[misc]
            return apply_op(op, [a, bias], (0.5,)) * w + b * 0.0
        args = (0.6, 0.2, 0.3)
    else:
        def f(*xs: Value) -> Value:  # type: ignore[misc]
            if op.arity == ops.NARY:
                return apply_op(op, *xs) * w
            return apply_op(op, *xs) * w
        args = (0.6, 0.8, 0.9)[:arity] if op.arity != ops.NARY else (0.6, 0.8, 0.9)
    # each argument inside the op's sampling set (acosh needs x >= 1, say)
    args = tuple(_inside(op, i, a) for i, a in enumerate(args))
    cf = compile(f)
    value = cf(*args)
    grad = w.grad
    w.grad = 0.0
    out = f(*[Value(a) for a in args])
    out.backward()
    assert value == out.data and grad == w.grad
    assert cf.eager_calls == 0


# --- random expressions ---------------------------------------------------------------------


@given(expressions())
def test_random_expressions_match_eager(case: tuple[Any, ...]) -> None:
    f, args = case
    leaves = [Value(a) for a in args]

    def g() -> Value:
        out: Value = f(*leaves)
        return out

    cf = compile(g)
    value, grads = _compiled(cf, leaves)
    want, want_grads = _eager(g, leaves)
    assert value == want
    assert all(_close(a, b) for a, b in zip(grads, want_grads)), (grads, want_grads)


@given(expressions(), st.floats(-2.0, 2.0))
def test_random_expressions_as_arguments_match_eager(case: tuple[Any, ...], scale: float) -> None:
    # The variables as arguments of the compiled function, a parameter outside it.
    f, args = case
    w = Value(scale, label="w")
    cf = compile(lambda *xs: f(*xs) * w)
    value, (grad,) = _compiled(cf, [w], *args)
    want, (want_grad,) = _eager(lambda *xs: f(*[Value(x) for x in xs]) * w, [w], *args)
    assert value == want
    assert _close(grad, want_grad)


# --- models, activations and losses ---------------------------------------------------------

_X = [[0.5, -1.2], [1.5, 0.3], [-0.7, 0.9], [0.1, 0.1], [-1.3, -0.4], [2.0, -2.0]]
_LOSSES = {
    "mse": lambda out, t: nn.mse_loss([out], [t]),
    "hinge": lambda out, t: nn.hinge_loss([out], [2 * t - 1]),
    "bce": lambda out, t: nn.binary_cross_entropy([out], [t]),
}


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "linear"])
@pytest.mark.parametrize("loss", ["mse", "hinge", "bce", "cross_entropy"])
def test_mlp_with_every_activation_and_loss(activation: str, loss: str) -> None:
    classes = 3 if loss == "cross_entropy" else 1
    model = nn.MLP(2, [5, 4, classes], activation=activation, seed=1)
    params = model.parameters()
    labels = [0, 1, 2, 1, 0, 2] if classes == 3 else [0, 1, 1, 0, 1, 0]

    def per_sample(t: int):
        if loss == "cross_entropy":
            return lambda x1, x2: nn.cross_entropy(model([x1, x2]), t)
        return lambda x1, x2: _LOSSES[loss](model([x1, x2]), t)

    for _ in range(2):  # twice: the second call replays on updated parameters
        model.zero_grad()
        total = 0.0
        for t in sorted(set(labels)):
            cf = compile(per_sample(t))
            total += cf.sum([tuple(x) for x, lab in zip(_X, labels) if lab == t])
            assert cf.eager_calls == 0
        grads = [p.grad for p in params]
        model.zero_grad()
        eager = autograd.sum([per_sample(t)(*x) for x, t in zip(_X, labels)])
        eager.backward()
        assert _close(total, eager.data, 1e-12)
        for a, b in zip(grads, [p.grad for p in params]):
            assert _close(a, b, 1e-12) or abs(a - b) < 1e-15, (a, b)
        for p in params:
            p.data -= 0.1 * p.grad


def test_a_sequence_argument_and_the_loss_of_an_nn_mlp() -> None:
    model = nn.MLP(3, [4, 1], seed=0)
    cf = compile(lambda x, t: (model(x) - t) ** 2)
    rows = [([0.1, 0.2, 0.3], 1.0), ([1.0, -1.0, 0.5], -1.0)]
    value = cf.sum(rows)
    grads = [p.grad for p in model.parameters()]
    model.zero_grad()
    eager = autograd.sum([(model(x) - t) ** 2 for x, t in rows])
    eager.backward()
    assert _close(value, eager.data)
    assert all(_close(a, b) for a, b in zip(grads, [p.grad for p in model.parameters()]))
    assert "x_0, x_1, x_2 = x" in cf.source


# --- an op the table does not know, written in math.* (called by name from the code) ----------

_CUBE_ROOT = ops.Op("cbrt", "cbrt", ops.UNARY, lambda x: math.copysign(abs(x) ** (1 / 3), x),
                    lambda x, out: (1.0 / (3.0 * out * out),), maths="d/dx = 1/(3 out**2)")
_SOFTSIGN = ops.Op("softsign", "softsign", ops.UNARY, lambda x: x / (1.0 + math.fabs(x)),
                   lambda x, out: (1.0 / ((1.0 + abs(x)) * (1.0 + abs(x))),),
                   maths="d/dx = 1/(1+|x|)**2")


@given(st.floats(0.1, 3.0), st.floats(-3.0, 3.0))
def test_an_op_outside_the_table_compiles_by_calling_its_rules(x0: float, y0: float) -> None:
    x, y = Value(x0), Value(y0)

    def f() -> Value:
        return apply_op(_CUBE_ROOT, x) * apply_op(_SOFTSIGN, y)

    cf = compile(f)
    assert _compiled(cf, [x, y]) == _eager(f, [x, y])
    assert "cbrt" in cf.source and "softsign" in cf.source


# --- guards -----------------------------------------------------------------------------------


def test_a_branch_on_a_value_is_a_guard_that_retraces() -> None:
    w = Value(2.0, label="w")

    def f(x: Value) -> Value:
        y = w * x
        if y > 0:
            return y.log()
        return -y

    cf = compile(f)
    assert cf(1.0) == math.log(2.0) and w.grad == 0.5
    w.grad = 0.0
    with pytest.warns(RuntimeWarning, match="another branch"):
        assert cf(-1.0) == 2.0
    assert w.grad == 1.0 and cf.traces == 2
    w.grad = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the first branch is kept: no new trace, no warning
        assert cf(3.0) == math.log(6.0)
        assert cf.sum([(1.0,), (-2.0,), (0.5,)]) == pytest.approx(math.log(2.0) + 4.0 + 0.0)
    assert cf.traces == 2
    assert "if not w_2 > 0:" in cf.variants[0].source or "raise flip(0)" in cf.source


def test_max_of_a_value_is_a_guard() -> None:
    w = Value(1.0, label="w")
    cf = compile(lambda x: max(0.0, w * x) * 3.0)
    assert cf(2.0) == 6.0 and w.grad == 6.0
    w.grad = 0.0
    with pytest.warns(RuntimeWarning):
        assert cf(-2.0) == 0.0
    assert w.grad == 0.0


def test_a_guard_on_a_value_the_output_does_not_use() -> None:
    w = Value(1.0, label="w")

    def f(x: Value) -> Value:
        side = x * 2.0
        return w * x if side < 1.0 else w * w

    cf = compile(f)
    assert cf(0.25) == 0.25
    with pytest.warns(RuntimeWarning):
        assert cf(3.0) == 1.0


def test_equality_and_truth_of_a_value_are_guards() -> None:
    w = Value(1.0, label="w")
    cf = compile(lambda x: x * w * 5.0 if x * w == 2.0 else x)
    assert cf(2.0) == 10.0
    with pytest.warns(RuntimeWarning, match="another branch"):
        assert cf(3.0) == 3.0
    assert cf(2.0) == 10.0 and cf.traces == 2
    cf_ne = compile(lambda x: x * 3.0 if x != 1.0 else x * 7.0)
    assert cf_ne(2.0) == 6.0
    with pytest.warns(RuntimeWarning):
        assert cf_ne(1.0) == 7.0
    cf_bool = compile(lambda x: x * 3.0 if x - 1.0 else x * 7.0)
    assert cf_bool(1.0) == 7.0
    with pytest.warns(RuntimeWarning):
        assert cf_bool(2.0) == 6.0


@pytest.mark.parametrize("read", [float, int, round, lambda v: v.item()],
                         ids=["float", "int", "round", "item"])
def test_a_number_read_while_tracing_is_a_guard(read: Any) -> None:
    # float(w) (or int, round, .item()) takes w's number out of the graph: compiled code would
    # keep the number of the first call. It is a guard instead: a new number traces again.
    w = Value(2.0, label="w")
    cf = compile(lambda x: w * read(w) * x)
    assert cf(1.0) == 4.0 and w.grad == 2.0
    w.data, w.grad = 3.0, 0.0
    with pytest.warns(RuntimeWarning, match="another branch"):
        assert cf(1.0) == 9.0
    assert w.grad == 3.0


def test_a_nan_read_while_tracing_guards_on_being_nan() -> None:
    w = Value(math.nan, label="w")
    cf = compile(lambda x: w * x if math.isnan(float(w)) else w * w * x)
    assert math.isnan(cf(1.0))
    w.data = math.nan  # nan again: the same branch, no new trace
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(cf(2.0))
    w.data = 3.0
    with pytest.warns(RuntimeWarning, match="another branch"):
        assert cf(2.0) == 18.0
    assert cf.traces == 2
# --- the size cap -----------------------------------------------------------------------------


def test_graphs_over_the_cap_are_refused_with_the_way_out() -> None:
    def chain(x: Value) -> Value:
        for _ in range(50):
            x = (x * 1.01).tanh()
        return x

    with pytest.raises(ValueError, match=r"more than 60 nodes.*cf\.sum"):
        compile(chain, max_nodes=60)(0.3)
    assert compile(chain, max_nodes=200)(0.3) == chain(Value(0.3)).data
    assert MAX_NODES == 20_000


# --- the source -------------------------------------------------------------------------------

_GOLDEN = """\
def neuron(rows):
    w1, w2, b = [leaf.data for leaf in leaves]
    g_w1 = g_w2 = g_b = 0.0
    total = 0.0
    for x1, x2 in rows:
        v4 = tanh(w1 * x1 + w2 * x2 + b)
        total += v4
        g_v3 = 1.0 - v4 * v4
        g_b += g_v3
        g_w2 += x2 * g_v3
        g_w1 += x1 * g_v3
    for leaf, g in zip(leaves, (g_w1, g_w2, g_b)):
        leaf.grad += g
    return total
"""


def test_the_source_of_a_neuron_matches_the_golden_text() -> None:
    w1, w2, b = Value(0.5, label="w1"), Value(-1.0, label="w2"), Value(0.1, label="b")

    def neuron(x1: Value, x2: Value) -> Value:
        return (w1 * x1 + w2 * x2 + b).tanh()

    cf = compile(neuron)
    assert cf.source == ""
    cf(1.0, 2.0)
    assert cf.source.split("\n", 1)[1] == _GOLDEN


# --- edges --------------------------------------------------------------------------------------


def test_domain_errors_are_the_eager_engine_s() -> None:
    w = Value(1.0)
    cf = compile(lambda x: (w * x).log())
    assert cf(2.0) == math.log(2.0)
    with pytest.raises(ValueError, match="log"):
        cf(-1.0)


def test_a_non_finite_local_derivative_in_a_skipped_block_is_exact() -> None:
    # relu off and an input that is inf: eager sends 0 * inf = nan to the weight (PyTorch too)
    w, v = Value(-1.0), Value(2.0)
    cf = compile(lambda x: (w * x).relu() * v)
    for x in (1.0, -1.0, math.inf):
        got = _compiled(cf, [w, v], x)
        want = _eager(lambda x: (w * Value(x)).relu() * v, [w, v], x)
        assert _close(got[0], want[0]) and all(map(_close, got[1], want[1])), (x, got, want)
    assert math.isnan(got[1][0]) and cf.eager_calls == 1


def test_bad_arguments() -> None:
    cf = compile(lambda x: x * 2.0)
    with pytest.raises(TypeError, match="plain numbers"):
        cf(Value(1.0))
    with pytest.raises(TypeError, match="str"):
        cf("1.0")
    with pytest.raises(TypeError, match="bool"):
        cf(True)
    with pytest.raises(TypeError, match="needs a callable"):
        compile(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_nodes"):
        compile(lambda x: x, max_nodes=0)


def test_no_grad_gives_the_value_and_no_gradient() -> None:
    w = Value(2.0)
    cf = compile(lambda x: w * x)
    with autograd.no_grad():
        assert cf(3.0) == 6.0
    assert w.grad == 0.0
    assert cf.sum([]) == 0.0


@settings(max_examples=50)
@given(st.lists(st.floats(-3.0, 3.0), min_size=1, max_size=20))
def test_sum_adds_up_the_rows(xs: list[float]) -> None:
    w = Value(0.8)
    cf = compile(lambda x: (w * x).relu() + (w - x) ** 2)
    total = cf.sum([(x,) for x in xs])
    grad = w.grad
    w.grad = 0.0
    eager = autograd.sum([(w * x).relu() + (w - x) ** 2 for x in xs])
    eager.backward()
    assert _close(total, eager.data, 1e-12) and _close(grad, w.grad, 1e-12)


# --- training through the compiler ------------------------------------------------------------


@pytest.mark.parametrize(("loss", "classes", "batch", "l2"),
                         [("hinge", 2, 0, 0.0), ("bce", 2, 16, 1e-3),
                          ("cross_entropy", 3, 0, 1e-3)])
def test_fit_with_compile_gives_the_same_losses(loss: str, classes: int, batch: int,
                                                l2: float) -> None:
    from autograd.data import make_blobs
    from autograd.optim import Adam
    from autograd.training import fit

    X, y = make_blobs(40, centers=classes, cluster_std=0.5, seed=1)
    histories = []
    for compiled in (False, True):
        model = nn.MLP(2, [8, 1 if classes == 2 else classes], seed=3)
        opt = Adam(model.parameters(), lr=0.05)
        histories.append(fit(model, X, y, opt, steps=8, loss=loss, batch_size=batch, l2=l2,
                             seed=0, compile=compiled))
    eager, compiled_history = histories
    assert all(_close(a, b, 1e-9) for a, b in zip(eager.losses, compiled_history.losses))
    assert eager.accuracies == compiled_history.accuracies


def test_train_compile_prints_the_same_losses(capsys: pytest.CaptureFixture[str]) -> None:
    from autograd.cli import main

    outputs = []
    for extra in ([], ["--compile"]):
        assert main(["train", "--dataset", "moons", "--samples", "60", "--hidden", "8",
                     "--steps", "10", *extra]) == 0
        text = capsys.readouterr().out
        outputs.append([line for line in text.splitlines() if not line.startswith("trained")])
    assert outputs[0] == outputs[1]
    assert any(line.startswith("final loss") for line in outputs[0])


def test_a_new_shape_of_the_arguments_is_traced_quietly() -> None:
    w = Value(2.0)
    cf = compile(lambda xs: autograd.sum([x * w for x in xs]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cf.sum([([1.0, 2.0],), ([3.0],), ([1.0, 1.0],)]) == 16.0
    assert w.grad == 8.0 and cf.traces == 2


def test_a_wide_neuron_and_thousands_of_parameters_compile() -> None:
    # 3,000 weights: the finiteness check and the neuron's sum stay shallow (no RecursionError)
    ws = [Value(0.001 * (i % 7 - 3)) for i in range(3000)]
    b = Value(0.5)
    cf = compile(lambda x: autograd.dot(ws, [x] * 3000, b).relu())
    value, grads = _compiled(cf, [*ws, b], 0.7)
    want, want_grads = _eager(lambda x: autograd.dot(ws, [Value(x)] * 3000, b).relu(),
                              [*ws, b], 0.7)
    assert value == want and grads == want_grads


def _fresh_by_scan(taken: set[str], hint: str) -> str:
    """The plain version of ``_Namespace.fresh``: try suffixes from 1 every time."""
    import builtins
    import keyword

    name = hint if hint.isidentifier() and not keyword.iskeyword(hint) else "v"
    while name.startswith("g_"):
        name = "g" + name[2:]
    base, k = name, 1
    while name in taken or hasattr(builtins, name):
        k += 1
        name = f"{base}_{k}"
    taken.add(name)
    return name


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["v", "v_2", "v_3", "x", "x_2", "len", "for", "g_w", "gw", "g__x",
                                 "g_", "a.b", "w1", "w1_2", ""]), max_size=40))
def test_fresh_names_match_the_plain_scan(hints: list[str]) -> None:
    # the namespace remembers each base's last suffix; the names must be the ones a scan from 1
    # gives (the golden sources depend on them)
    from autograd.compiler import _Namespace

    ns = _Namespace()
    taken = set(ns.taken)
    got = [ns.fresh(h) for h in hints]
    assert got == [_fresh_by_scan(taken, h) for h in hints]
    assert len(set(got)) == len(got)


def test_a_label_with_the_gradient_prefix_compiles() -> None:
    # "g_" starts every gradient's name; a leaf labelled "g_w" once made the name search loop
    # forever
    w = Value(2.0, label="g_w")
    x = Value(3.0, label="g_x")
    cf = compile(lambda a: a * w * x)
    assert cf(5.0) == 30.0
    assert (w.grad, x.grad) == (15.0, 10.0)
    assert "gw" in cf.source and "gx" in cf.source
