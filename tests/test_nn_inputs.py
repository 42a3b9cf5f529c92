"""What a Neuron, Layer or MLP takes as input: lists, tuples, NumPy arrays, other sequences."""

from __future__ import annotations

import collections
import subprocess
import sys
from array import array

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from autograd.nn import MLP, Layer, Neuron

np = pytest.importorskip("numpy")

floats = st.floats(-10.0, 10.0, allow_nan=False)


def _outputs_and_grads(model: MLP, x: object) -> tuple[list[float], list[float]]:
    outs = model.forward(x)  # type: ignore[arg-type]
    model.zero_grad()
    sum(outs, Value(0.0)).backward()
    return [o.data for o in outs], [p.grad for p in model.parameters()]


@given(st.lists(floats, min_size=3, max_size=3))
def test_every_kind_of_sequence_gives_what_a_list_gives(x: list[float]) -> None:
    model = MLP(3, [4, 2], activation="tanh", seed=1)
    expected = _outputs_and_grads(model, list(x))
    for same in (
        tuple(x),
        np.array(x),
        np.array(x, dtype=np.float64).reshape(1, 3)[0],   # a row of a 2-D array
        collections.deque(x),
        array("d", x),
        (v for v in x),                                    # consumed once
        [np.float64(v) for v in x],
        [np.array(v) for v in x],                          # 0-d arrays
    ):
        assert _outputs_and_grads(model, same) == expected, type(same).__name__


def test_rows_of_a_numpy_array_train_like_lists() -> None:
    X = np.array([[0.5, -1.0], [2.0, 0.25], [-0.5, 0.0]])
    model = MLP(2, [3, 1], seed=0)
    from_rows = [model(row).data for row in X]
    from_lists = [model(row).data for row in X.tolist()]
    assert from_rows == from_lists


def test_float32_arrays_are_read_as_their_float_values() -> None:
    x32 = np.array([0.1, -0.7], dtype=np.float32)
    model = MLP(2, [2, 1], seed=0)
    assert model(x32).data == model([float(v) for v in x32]).data


def test_a_single_number_or_0d_array_for_one_input() -> None:
    n = Neuron(1, activation="linear", seed=0)
    expected = n([2.0]).data
    for x in (2.0, 2, np.float64(2.0), np.array(2.0), np.array([2.0]), Value(2.0)):
        assert n(x).data == expected, repr(x)  # type: ignore[arg-type]


def test_values_inside_an_array_stay_connected() -> None:
    a, b = Value(1.0), Value(-2.0)
    layer = Layer(2, 1, activation="linear", seed=0)
    out = layer(np.array([a, b], dtype=object))
    assert isinstance(out, Value)
    out.backward()
    w = layer.neurons[0].w
    assert (a.grad, b.grad) == (w[0].data, w[1].data)


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        ({1.0, 2.0}, TypeError, "got set"),                  # no order
        ({"a": 1.0, "b": 2.0}, TypeError, "got dict"),
        ("ab", TypeError, "got str"),
        (None, TypeError, "got NoneType"),
        ((1.0, "a"), TypeError, "input 1 must be a number or a Value, got str"),
        ((True, 1.0), TypeError, "input 0 must be a number or a Value, got bool"),
        ([1.0, 2.0, 3.0], ValueError, "takes 2 inputs, got 3"),
        (np.array([1.0]), ValueError, "takes 2 inputs, got 1"),
        (np.array([[1.0, 2.0], [3.0, 4.0]]), TypeError, "call the module on each row"),
        (([1.0, 2.0], [3.0, 4.0]), TypeError, "call the module on each row"),
    ],
)
def test_bad_inputs_are_refused_with_what_was_wrong(bad: object, error: type[Exception],
                                                    words: str) -> None:
    model = MLP(2, [2, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(error, match=words.replace("(", r"\(").replace("[", r"\[")) as info:
        model(bad)  # type: ignore[arg-type]
    assert str(info.value).startswith("MLP ")
    assert model.state_dict() == before


def test_the_core_never_imports_numpy() -> None:
    code = (
        "import sys, autograd, autograd.nn, autograd.optim, autograd.data\n"
        "m = autograd.nn.MLP(2, [2, 1], seed=0); m((1.0, 2.0)).backward()\n"
        "print('numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
