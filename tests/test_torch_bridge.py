"""Tests for MLP.to_torch / MLP.from_torch: same outputs and gradients, exact round trips."""
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False, disallow-untyped-calls=False

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd.nn import ACTIVATIONS, MLP, cross_entropy

torch = pytest.importorskip("torch")
ROOT = Path(__file__).resolve().parent.parent

# every activation nn offers (ACTIVATIONS) has a torch twin


def close(a, b, tol=1e-12):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


@pytest.mark.parametrize("activation", ACTIVATIONS)
@settings(max_examples=25, deadline=None)
@given(x=st.lists(st.floats(-3, 3), min_size=5, max_size=5), seed=st.integers(0, 2**16))
def test_same_outputs_in_float64(activation, x, seed):
    model = MLP(5, [7, 6, 3], activation=activation, seed=seed)
    seq = model.to_torch()
    assert all(p.dtype == torch.float64 for p in seq.parameters())
    ours = [v.data for v in model(x)]
    theirs = seq(torch.tensor(x, dtype=torch.float64)).tolist()
    assert all(close(a, b) for a, b in zip(ours, theirs)), (ours, theirs)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_same_gradients_after_one_backward(activation):
    model = MLP(4, [8, 3], activation=activation, seed=1)
    seq = model.to_torch()
    X = [[0.3, -1.2, 2.0, 0.7], [-0.5, 0.1, -2.2, 1.5], [1.0, 1.0, -1.0, 0.0]]
    y = [2, 0, 1]
    loss = cross_entropy([model(x) for x in X], y)
    loss.backward()
    t_loss = torch.nn.functional.cross_entropy(seq(torch.tensor(X, dtype=torch.float64)),
                                               torch.tensor(y))
    t_loss.backward()
    assert close(loss.data, t_loss.item())
    ours = model.state_dict()
    grads = {name: p.grad for name, p in model.named_parameters()}
    for k, linear in enumerate(m for m in seq if isinstance(m, torch.nn.Linear)):
        for j, row in enumerate(linear.weight.grad.tolist()):
            for i, g in enumerate(row):
                assert close(grads[f"layers.{k}.neurons.{j}.w.{i}"], g)
            assert close(grads[f"layers.{k}.neurons.{j}.b"], linear.bias.grad[j].item())
    assert any(g != 0.0 for g in grads.values()) and len(grads) == len(ours)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_round_trips_are_exact(activation):
    model = MLP(3, [5, 4, 2], activation=activation, seed=7)
    back = MLP.from_torch(model.to_torch())
    assert repr(back) == repr(model)
    assert back.state_dict() == model.state_dict()
    seq = torch.nn.Sequential(torch.nn.Linear(3, 5, dtype=torch.float64), torch.nn.Tanh(),
                              torch.nn.Linear(5, 2, dtype=torch.float64))
    again = MLP.from_torch(seq).to_torch()
    for a, b in zip(seq.parameters(), again.parameters()):
        assert torch.equal(a, b)


def test_from_float32_and_single_layer():
    seq = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.LeakyReLU(0.01),
                              torch.nn.Linear(3, 1))
    model = MLP.from_torch(seq)
    assert repr(model) == "MLP(2, [3, 1], activation='leaky_relu')"
    assert model.state_dict()["layers.0.neurons.2.w.1"] == seq[0].weight[2, 1].item()
    x = [0.25, -0.75]
    assert abs(model(x).data - seq(torch.tensor([x])).item()) < 1e-6  # torch runs in float32
    one = MLP.from_torch(torch.nn.Sequential(torch.nn.Linear(4, 2)))
    assert one.nouts == [2] and len(one.parameters()) == 10


def _linear(i, o, **kw):
    return torch.nn.Linear(i, o, dtype=torch.float64, **kw)


@pytest.mark.parametrize("build,message", [
    (lambda: torch.nn.Sequential(_linear(2, 3), torch.nn.Mish(), _linear(3, 1)),
     r"\(1\) Mish has no MLP equivalent"),
    (lambda: torch.nn.Sequential(_linear(2, 3), torch.nn.ReLU(), _linear(3, 3), torch.nn.Tanh(),
                                 _linear(3, 1)), "mixes activations"),
    (lambda: torch.nn.Sequential(_linear(2, 3, bias=False), torch.nn.ReLU(), _linear(3, 1)),
     "no bias"),
    (lambda: torch.nn.Sequential(_linear(2, 3), torch.nn.ReLU(), _linear(4, 1)),
     r"takes 4 inputs but the layer before gives 3"),
    (lambda: torch.nn.Sequential(_linear(2, 3), torch.nn.ReLU(), _linear(3, 1), torch.nn.ReLU()),
     "after the last Linear"),
    (lambda: torch.nn.Sequential(_linear(2, 3), torch.nn.LeakyReLU(0.2), _linear(3, 1)),
     r"LeakyReLU\(negative_slope=0.2\); autograd's leaky_relu is torch's default"),
    (lambda: torch.nn.Sequential(_linear(2, 3), torch.nn.ReLU(), _linear(3, 3), _linear(3, 1)),
     "every pair of Linear layers"),
    (lambda: torch.nn.Sequential(torch.nn.ReLU(), _linear(2, 1)), "right after a Linear"),
    (lambda: torch.nn.Sequential(), "no Linear layer"),
])
def test_from_torch_refuses_what_is_not_an_mlp(build, message):
    with pytest.raises(ValueError, match=message):
        MLP.from_torch(build())


def test_from_torch_refuses_other_types_and_non_finite_weights():
    with pytest.raises(TypeError, match=r"torch\.nn\.Sequential"):
        MLP.from_torch(_linear(2, 1))
    seq = torch.nn.Sequential(_linear(2, 1))
    with torch.no_grad():
        seq[0].weight[0, 1] = float("nan")
    with pytest.raises(ValueError, match=r"layers.0.neurons.0.w.1 is nan"):
        MLP.from_torch(seq)


def test_clear_message_without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    model = MLP(2, [1], seed=0)
    with pytest.raises(ImportError, match=r'pip install "scalar-autograd\[torch\]"'):
        model.to_torch()
    with pytest.raises(ImportError, match="need PyTorch"):
        MLP.from_torch(object())


def test_import_autograd_does_not_import_torch():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH",
                                                                                  "")]))
    code = ("import sys, autograd, autograd.nn, autograd.training, autograd.digits; "
            "print('torch' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
