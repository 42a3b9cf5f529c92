"""Tests for autograd.nn modules: structure, seeding, graph size, state dicts and JSON files."""
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False, disallow-untyped-calls=False

import json
import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, topological_order
from autograd.data import make_moons
from autograd.nn import ACTIVATIONS, MLP, Layer, Module, Neuron, hinge_loss
from autograd.optim import Adam

# --- structure -------------------------------------------------------------------------------


def test_parameter_counts():
    assert len(MLP(2, [16, 16, 1]).parameters()) == 337
    assert len(Neuron(5).parameters()) == 6
    assert len(Layer(3, 4).parameters()) == 16
    assert len(MLP(3, [4, 4, 1]).parameters()) == 4 * 4 + 4 * 5 + 5


def test_state_dict_names_are_stable_and_ordered():
    n = Neuron(3, seed=0)
    assert list(n.state_dict()) == ["w.0", "w.1", "w.2", "b"]
    layer = Layer(2, 2, seed=0)
    assert list(layer.state_dict()) == [
        "neurons.0.w.0", "neurons.0.w.1", "neurons.0.b",
        "neurons.1.w.0", "neurons.1.w.1", "neurons.1.b",
    ]
    model = MLP(2, [16, 16, 1], seed=0)
    names = list(model.state_dict())
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1",
                         "layers.0.neurons.0.b"]
    assert "layers.0.neurons.3.w.1" in names and "layers.0.neurons.3.b" in names
    assert names[-1] == "layers.2.neurons.0.b"
    # parameters(): layer by layer, neuron by neuron, weights then bias
    params = model.parameters()
    first = model.layers[0].neurons[0]
    assert params[:3] == [*first.w, first.b]
    assert [name for name, _ in model.named_parameters()] == names


def test_outputs_value_or_list():
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    out = Layer(2, 3)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3
    assert isinstance(MLP(2, [4, 1])([1.0, 2.0]), Value)
    out = MLP(2, [4, 3])([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3
    # a hidden layer of one neuron still feeds the next layer a list
    assert isinstance(MLP(2, [1, 1, 2])([0.5, 0.5]), list)


def test_inputs_may_be_values_and_gradients_reach_them():
    model = MLP(2, [4, 1], activation="tanh", seed=3)
    x = [Value(0.3), Value(-0.7)]
    out = model(x)
    out.backward()
    assert all(v.grad != 0.0 for v in x)


def test_last_layer_linear_and_hidden_activation():
    model = MLP(2, [3, 3, 2], activation="tanh", seed=0)
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "linear"]
    assert all(out.op == "w·x+b" for out in model([0.1, 0.2]))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_neuron_is_two_nodes(activation):
    n = Neuron(10, activation=activation, seed=0)
    out = n([float(i) for i in range(10)])
    nodes = topological_order(out)
    expected_ops = 1 if activation == "linear" else 2
    ops = [v for v in nodes if v.parents]
    assert len(ops) == expected_ops
    assert len(nodes) == expected_ops + 11  # 10 weights and the bias; data are constants
    dot_node = out if activation == "linear" else out.parents[0]
    assert dot_node.op == "w·x+b"


def test_hidden_layer_neuron_is_two_nodes_over_value_inputs():
    layer = Layer(3, 1, activation="relu", seed=0)
    x = [Value(1.0), Value(2.0), Value(3.0)]
    out = layer(x)
    assert out.op == "relu"
    assert out.parents[0].op == "w·x+b"
    assert len(out.parents[0].parents) == 3 + 3 + 1


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_neuron_forward_matches_formula(activation):
    n = Neuron(3, activation=activation, seed=5)
    n.b.data = 0.25
    x = [0.5, -1.5, 2.0]
    z = sum(w.data * xi for w, xi in zip(n.w, x)) + 0.25
    expected = {
        "relu": max(z, 0.0),
        "tanh": math.tanh(z),
        "sigmoid": 1 / (1 + math.exp(-z)),
        "leaky_relu": z if z > 0 else 0.01 * z,
        "gelu": 0.5 * z * (1 + math.erf(z / math.sqrt(2))),
        "silu": z / (1 + math.exp(-z)),
        "elu": z if z > 0 else math.expm1(z),
        "softplus": math.log1p(math.exp(z)),
        "linear": z,
    }[activation]
    assert n(x).data == pytest.approx(expected, rel=1e-12)
    neg = Neuron(1, activation=activation, seed=0)
    neg.w[0].data = -2.0
    if activation == "leaky_relu":
        assert neg([1.0]).data == pytest.approx(-0.02)


def test_unknown_activation_lists_valid_ones():
    for make in (lambda: Neuron(2, activation="cube"), lambda: Layer(2, 2, activation="cube"),
                 lambda: MLP(2, [2, 1], activation="cube")):
        with pytest.raises(ValueError, match="cube") as info:
            make()
        for name in ACTIVATIONS:
            assert repr(name) in str(info.value)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_bad_sizes_rejected(bad):
    with pytest.raises(ValueError):
        Neuron(bad)
    with pytest.raises(ValueError):
        MLP(2, [bad, 1])


def test_bad_nouts_rejected():
    for bad in ([], "16", 5):
        with pytest.raises(ValueError, match="nouts"):
            MLP(2, bad)


def test_wrong_number_of_inputs():
    with pytest.raises(ValueError, match="3 inputs, got 2"):
        MLP(3, [2, 1])([1.0, 2.0])
    with pytest.raises(ValueError, match="takes 2 inputs"):
        Neuron(2)([1.0])
    with pytest.raises(TypeError):
        Neuron(2)("ab")


def test_lone_number_input_when_nin_is_one():
    n = Neuron(1, activation="linear", seed=0)
    assert n(2.0).data == n([2.0]).data


# --- initialisation and seeding --------------------------------------------------------------


def test_same_seed_same_model_different_seed_different():
    a, b, c = MLP(2, [8, 1], seed=7), MLP(2, [8, 1], seed=7), MLP(2, [8, 1], seed=8)
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != c.state_dict()
    assert Neuron(4, seed=1).state_dict() == Neuron(4, seed=1).state_dict()
    assert Layer(4, 2, seed=1).state_dict() == Layer(4, 2, seed=1).state_dict()


def test_seed_none_is_fresh():
    assert MLP(2, [8, 1]).state_dict() != MLP(2, [8, 1]).state_dict()


def test_global_random_untouched():
    random.seed(123)
    state = random.getstate()
    MLP(2, [16, 16, 1], seed=0)
    MLP(2, [16, 16, 1])
    assert random.getstate() == state


def test_bad_seed_type():
    with pytest.raises(TypeError, match="seed"):
        MLP(2, [2, 1], seed="zero")


@pytest.mark.parametrize("activation,k", [("relu", 6), ("leaky_relu", 6), ("tanh", 3),
                                          ("sigmoid", 3), ("linear", 3)])
def test_initialisation_scaled_by_fan_in(activation, k):
    nin = 50
    layer = Layer(nin, 40, activation=activation, seed=0)
    bound = math.sqrt(k / nin)
    weights = [w.data for n in layer.neurons for w in n.w]
    assert all(-bound <= w <= bound for w in weights)
    assert max(abs(w) for w in weights) > 0.9 * bound  # uses the whole range
    variance = sum(w * w for w in weights) / len(weights)
    assert variance == pytest.approx(k / 3 / nin, rel=0.15)
    assert all(n.b.data == 0.0 for n in layer.neurons)


# --- state dicts ------------------------------------------------------------------------------


def test_state_dict_round_trip_and_copy():
    a, b = MLP(2, [4, 2], seed=1), MLP(2, [4, 2], seed=2)
    state = a.state_dict()
    b.load_state_dict(state)
    assert b.state_dict() == state
    x = [0.3, -0.2]
    assert [v.data for v in a(x)] == [v.data for v in b(x)]
    state["layers.0.neurons.0.b"] = 99.0
    assert a.layers[0].neurons[0].b.data == 0.0


def _refused(model, state, match):
    before = model.state_dict()
    with pytest.raises(ValueError, match=match):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_load_state_dict_refusals_change_nothing():
    model = MLP(2, [3, 1], seed=0)
    good = {k: 1.0 for k in model.state_dict()}
    missing = dict(good)
    del missing["layers.1.neurons.0.b"]
    _refused(model, missing, "missing key 'layers.1.neurons.0.b'")
    extra = dict(good, **{"layers.2.neurons.0.b": 0.0})
    _refused(model, extra, "unexpected key 'layers.2.neurons.0.b'")
    misnamed = dict(good)
    misnamed["layers.0.neurons.0.weight.0"] = misnamed.pop("layers.0.neurons.0.w.0")
    _refused(model, misnamed, r"missing key 'layers.0.neurons.0.w.0'.*unexpected key "
                              r"'layers.0.neurons.0.weight.0'")
    for bad in (True, "1.0", None, [1.0], float("nan"), float("inf"), -float("inf"), 1j):
        state = dict(good)
        state["layers.1.neurons.0.w.2"] = bad
        _refused(model, state, "'layers.1.neurons.0.w.2'")
    # the bad entry comes last: the good ones before it must not have been assigned
    assert model.state_dict() != good
    _refused(model, [1.0] * 13, "mapping")


def test_load_state_dict_accepts_ints():
    n = Neuron(2, seed=0)
    n.load_state_dict({"w.0": 1, "w.1": -2, "b": 3})
    assert n.state_dict() == {"w.0": 1.0, "w.1": -2.0, "b": 3.0}
    assert all(type(v) is float for v in n.state_dict().values())


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=4, max_size=4))
def test_state_round_trip_property(values):
    n = Neuron(3, seed=0)
    state = dict(zip(["w.0", "w.1", "w.2", "b"], values))
    n.load_state_dict(state)
    assert n.state_dict() == state


def test_zero_grad():
    model = MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_custom_module_finds_parameters():
    class Affine(Module):
        def __init__(self):
            self.scale = Value(2.0)
            self.inner = Neuron(2, seed=0)
            self._hidden = Value(5.0)  # private: not a parameter
            self.pair = (Value(1.0), Value(2.0))

    m = Affine()
    assert list(m.state_dict()) == ["scale", "inner.w.0", "inner.w.1", "inner.b",
                                    "pair.0", "pair.1"]


# --- files -----------------------------------------------------------------------------------


def test_save_load_round_trip(tmp_path):
    path = tmp_path / "model.json"
    a = MLP(2, [5, 5, 1], activation="tanh", seed=1)
    a.save(path)
    doc = json.loads(path.read_text())
    assert doc["format"] == "autograd.nn" and doc["version"] == 1
    assert doc["architecture"] == {"type": "MLP", "nin": 2, "nouts": [5, 5, 1],
                                   "activation": "tanh"}
    b = MLP(2, [5, 5, 1], activation="tanh", seed=2)
    assert b.load(path) is b
    assert b.state_dict() == a.state_dict()  # floats survive JSON exactly
    assert b([0.1, 0.2]).data == a([0.1, 0.2]).data
    c = MLP.from_file(str(path))
    assert c.state_dict() == a.state_dict() and c.activation == "tanh"


def test_load_bare_state_dict(tmp_path):
    a = Neuron(2, seed=0)
    path = tmp_path / "bare.json"
    path.write_text(json.dumps({"w.0": 1.5, "w.1": 2.5, "b": -1}))
    a.load(path)
    assert a.state_dict() == {"w.0": 1.5, "w.1": 2.5, "b": -1.0}


@pytest.mark.parametrize("text,match", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"format": "pickle", "version": 1, "state": {}}', "format is 'pickle'"),
    ('{"format": "autograd.nn", "version": 7, "state": {}}', "version 7"),
    ('{"format": "autograd.nn", "version": 1}', "'state'"),
    ('{"format": "autograd.nn", "version": 1, "state": {}, "extra": 1}', "'extra'"),
    ('{"format": "autograd.nn", "version": 1, "architecture": {"type": "MLP", "nin": 2, '
     '"nouts": [4, 1], "activation": "relu"}, "state": {}}', r"MLP\(nin=2, nouts=\[4, 1\]"),
    ('{"w.0": 1.0, "w.1": "2", "b": 0.0}', "'w.1'"),
    ('{"w.0": 1.0, "w.1": NaN, "b": 0.0}', "'w.1'"),
    ('{"w.0": 1.0, "w.1": 2.0, "b": 0.0, "c": 1.0}', "unexpected key 'c'"),
])
def test_load_refuses_bad_files_and_changes_nothing(tmp_path, text, match):
    path = tmp_path / "bad.json"
    path.write_text(text)
    n = Neuron(2, activation="relu", seed=0)
    before = n.state_dict()
    with pytest.raises(ValueError, match=match) as info:
        n.load(path)
    assert "bad.json" in str(info.value)
    assert n.state_dict() == before


def test_load_refuses_wrong_architecture(tmp_path):
    path = tmp_path / "m.json"
    MLP(2, [4, 1], seed=0).save(path)
    other = MLP(2, [8, 1], seed=0)
    before = other.state_dict()
    with pytest.raises(ValueError, match=r"nouts=\[4, 1\].*nouts=\[8, 1\]"):
        other.load(path)
    assert other.state_dict() == before


def test_load_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        Neuron(2).load(tmp_path / "nope.json")


def test_from_file_needs_mlp(tmp_path):
    path = tmp_path / "n.json"
    Neuron(2, seed=0).save(path)
    with pytest.raises(ValueError, match="no MLP architecture"):
        MLP.from_file(path)


# --- the SPEC example -------------------------------------------------------------------------


def test_spec_example_reaches_full_accuracy():
    X, y = make_moons(n_samples=100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], activation="relu", seed=0)   # last layer linear
    opt = Adam(model.parameters(), lr=0.05)
    for _step in range(100):
        scores = [model(x) for x in X]                       # one output -> a Value
        loss = hinge_loss(scores, [2 * t - 1 for t in y])
        opt.zero_grad(); loss.backward(); opt.step()  # noqa: E702
    correct = sum((model(x).data > 0) == (t == 1) for x, t in zip(X, y))
    assert correct == len(X)


def test_save_refuses_non_finite_parameters(tmp_path):
    n = Neuron(2, seed=0)
    n.w[1].data = float("nan")
    with pytest.raises(ValueError, match=r"'w\.1' is nan"):
        n.save(tmp_path / "n.json")
    assert not (tmp_path / "n.json").exists()


def test_activations_come_from_the_op_table():
    from autograd import ops

    table = {op.method for op in ops.OPS.values() if op.role == ops.ACTIVATION and op.method}
    assert set(ACTIVATIONS) == table | {"linear"}
    assert {"relu", "tanh", "sigmoid", "leaky_relu", "linear"} <= set(ACTIVATIONS)
    for name in ACTIVATIONS:
        out = Neuron(2, activation=name, seed=0)([0.5, -0.5])
        assert out.op == ("w·x+b" if name == "linear" else ops.by_method(name).symbol)


def test_he_scale_for_rectifiers_only():
    # weights are uniform(-a, a) with a = sqrt(k / nin): k = 6 for relu-like, 3 otherwise
    for name, k in [("relu", 6.0), ("leaky_relu", 6.0), ("tanh", 3.0), ("linear", 3.0)]:
        n = Neuron(400, activation=name, seed=0)
        bound = max(abs(w.data) for w in n.w)
        assert math.sqrt(k / 400) * 0.95 < bound <= math.sqrt(k / 400)


def test_parameters_are_labelled_with_their_state_dict_names():
    model = MLP(2, [3, 1], seed=0)
    assert [p.label for p in model.parameters()] == list(model.state_dict())
    assert model.layers[1].neurons[0].w[2].label == "layers.1.neurons.0.w.2"
    layer = Layer(2, 2, seed=0)
    assert layer.neurons[1].b.label == "neurons.1.b"
    assert Neuron(1, seed=0).w[0].label == "w.0"

    class Pair(Module):
        def __init__(self):
            self.first = Neuron(1, seed=0)
            self.scale = Value(2.0)
            self.label_parameters()

    assert [p.label for p in Pair().parameters()] == ["first.w.0", "first.b", "scale"]


def test_losses_module_is_reexported_by_nn():
    from autograd import losses, nn

    for name in losses.__all__:
        assert getattr(nn, name) is getattr(losses, name)
        assert name in nn.__all__
