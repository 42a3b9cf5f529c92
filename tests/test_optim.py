"""Tests for autograd.optim: SGD and Adam step for step against torch.optim, and LinearDecay."""
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False, disallow-untyped-calls=False

import itertools
import math
import random

import pytest

from autograd import Value
from autograd.optim import SGD, Adam, LinearDecay

torch = pytest.importorskip("torch")

START = [0.5, -1.25, 2.0, 0.0]


def _gradients(steps, seed=0):
    rng = random.Random(seed)
    return [[rng.uniform(-2, 2) for _ in START] for _ in range(steps)]


def _run_both(make_ours, make_theirs, steps=6):
    ours = [Value(v) for v in START]
    theirs = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt, topt = make_ours(ours), make_theirs([theirs])
    for grads in _gradients(steps):
        opt.zero_grad()
        topt.zero_grad()
        for p, g in zip(ours, grads):
            p.grad = g
        theirs.grad = torch.tensor(grads, dtype=torch.float64)
        opt.step()
        topt.step()
        assert [p.data for p in ours] == pytest.approx(theirs.tolist(), rel=1e-13, abs=1e-15)
    return ours


@pytest.mark.parametrize("kwargs", [
    {},
    {"momentum": 0.9},
    {"weight_decay": 0.1},
    {"momentum": 0.5, "weight_decay": 0.01},
    {"momentum": 0.9, "nesterov": True},
])
def test_sgd_matches_torch(kwargs):
    _run_both(lambda ps: SGD(ps, lr=0.1, **kwargs),
              lambda ps: torch.optim.SGD(ps, lr=0.1, **kwargs))


@pytest.mark.parametrize("kwargs", [
    {},
    {"lr": 0.05, "betas": (0.8, 0.99)},
    {"lr": 0.01, "eps": 1e-3},
    {"lr": 0.02, "weight_decay": 0.1},
])
def test_adam_matches_torch(kwargs):
    _run_both(lambda ps: Adam(ps, **kwargs), lambda ps: torch.optim.Adam(ps, **kwargs), steps=8)


def test_adam_on_a_real_loss_matches_torch():
    # gradients computed by each engine from the same loss, not fed in
    xs = [Value(v) for v in START]
    t = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    opt, topt = Adam(xs, lr=0.1), torch.optim.Adam([t], lr=0.1)
    for _ in range(5):
        loss = sum(((x - 1.0) ** 2).tanh() for x in xs)
        opt.zero_grad(); loss.backward(); opt.step()  # noqa: E702
        tloss = ((t - 1.0) ** 2).tanh().sum()
        topt.zero_grad(); tloss.backward(); topt.step()  # noqa: E702
    assert [x.data for x in xs] == pytest.approx(t.tolist(), rel=1e-12)


def test_step_builds_no_graph_and_zero_grad():
    w = Value(1.0)
    opt = Adam([w], lr=0.1)
    (w * w).backward()
    opt.step()
    assert w.parents == () and w.op == ""
    assert w.data != 1.0
    opt.zero_grad()
    assert w.grad == 0.0


def test_lr_can_change_between_steps():
    w = Value(1.0)
    opt = SGD([w], lr=0.5)
    w.grad = 1.0
    opt.step()
    opt.lr = 0.25
    opt.step()
    assert w.data == 1.0 - 0.5 - 0.25


@pytest.mark.parametrize("make", [
    lambda ps: SGD(ps, lr=-0.1),
    lambda ps: SGD(ps, lr=float("nan")),
    lambda ps: SGD(ps, lr="0.1"),
    lambda ps: SGD(ps, lr=0.1, momentum=-0.5),
    lambda ps: SGD(ps, lr=0.1, weight_decay=-1.0),
    lambda ps: SGD(ps, lr=0.1, nesterov=True),
    lambda ps: Adam(ps, lr=-1e-3),
    lambda ps: Adam(ps, betas=(1.0, 0.999)),
    lambda ps: Adam(ps, betas=(0.9, -0.1)),
    lambda ps: Adam(ps, betas=(0.9,)),
    lambda ps: Adam(ps, eps=-1.0),
    lambda ps: Adam(ps, weight_decay=math.inf),
])
def test_bad_hyperparameters(make):
    with pytest.raises(ValueError):
        make([Value(1.0)])


def test_bad_parameter_lists():
    with pytest.raises(ValueError, match="empty"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match="parameter 1"):
        SGD([Value(1.0), 2.0], lr=0.1)
    v = Value(1.0)
    with pytest.raises(ValueError, match="more than once"):
        Adam([v, v])


def test_linear_decay():
    opt = SGD([Value(0.0)], lr=123.0)
    schedule = LinearDecay(opt, 1.0, 0.1, steps=100)
    assert opt.lr == 1.0
    seen = []
    for _ in range(150):
        seen.append(opt.lr)
        schedule.step()
    assert seen[50] == pytest.approx(0.55)
    assert seen[100] == pytest.approx(0.1) and seen[149] == pytest.approx(0.1)
    assert all(a >= b for a, b in itertools.pairwise(seen))


def test_linear_decay_matches_torch_linear_lr():
    opt = SGD([Value(0.0)], lr=1.0)
    tp = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    topt = torch.optim.SGD([tp], lr=1.0)
    schedule = LinearDecay(opt, 1.0, 0.1, steps=10)
    tsched = torch.optim.lr_scheduler.LinearLR(topt, start_factor=1.0, end_factor=0.1,
                                               total_iters=10)
    for _ in range(12):
        assert opt.lr == pytest.approx(topt.param_groups[0]["lr"], rel=1e-12)
        topt.step()
        schedule.step()
        tsched.step()


def test_linear_decay_validation():
    opt = SGD([Value(0.0)], lr=1.0)
    with pytest.raises(ValueError, match="steps"):
        LinearDecay(opt, 1.0, 0.1, steps=0)
    with pytest.raises(ValueError, match="end_lr"):
        LinearDecay(opt, 1.0, -0.1, steps=10)
    with pytest.raises(TypeError):
        LinearDecay("opt", 1.0, 0.1, steps=10)
