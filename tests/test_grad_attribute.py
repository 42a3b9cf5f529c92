"""``Value.grad`` is always a float: ``p.grad = None`` (PyTorch's set_to_none) is refused."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from autograd.nn import MLP
from autograd.optim import SGD, Adam


def test_none_is_refused_naming_the_fix_and_nothing_changes() -> None:
    p = Value(2.0)
    (p * 3).backward()
    with pytest.raises(TypeError) as info:
        p.grad = None  # type: ignore[assignment]
    message = str(info.value)
    assert "Value.grad cannot be None" in message
    assert "p.grad = 0.0" in message and "zero_grad()" in message
    assert p.grad == 3.0
    (p * 3).backward()            # the gradient still accumulates as before
    assert p.grad == 6.0


@pytest.mark.parametrize("bad", ["0.5", True, False, [0.0], 1j, Value(1.0)])
def test_other_non_numbers_are_refused_naming_the_type(bad: object) -> None:
    p = Value(2.0)
    p.grad = 0.25
    with pytest.raises(TypeError, match=f"got {type(bad).__name__}"):
        p.grad = bad  # type: ignore[assignment]
    assert p.grad == 0.25


@given(st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True)))
def test_real_numbers_are_kept_as_floats(g: float) -> None:
    p = Value(1.0)
    p.grad = g
    assert type(p.grad) is float
    assert p.grad == float(g) or (math.isnan(g) and math.isnan(p.grad))


def test_numpy_scalars_become_floats() -> None:
    np = pytest.importorskip("numpy")
    p = Value(1.0)
    p.grad = np.float32(0.5)
    assert type(p.grad) is float and p.grad == 0.5


def test_set_to_none_habit_in_a_training_loop_fails_before_any_step() -> None:
    model = MLP(2, [3, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    before = model.state_dict()
    with pytest.raises(TypeError, match="zero_grad"):
        for p in model.parameters():
            p.grad = None  # type: ignore[assignment]
        model([0.5, -1.0]).backward()
        opt.step()
    assert model.state_dict() == before


@pytest.mark.parametrize("make_opt", [lambda ps: SGD(ps, lr=0.1, momentum=0.9),
                                      lambda ps: Adam(ps, lr=0.1)])
def test_zero_grad_and_backward_keep_grads_floats(make_opt: object) -> None:
    model = MLP(2, [3, 1], activation="tanh", seed=0)
    opt = make_opt(model.parameters())  # type: ignore[operator]
    for _ in range(3):
        out = model([0.5, -1.0])
        opt.zero_grad()
        assert all(p.grad == 0.0 and type(p.grad) is float for p in model.parameters())
        out.backward()
        opt.step()
    assert all(type(p.grad) is float for p in model.parameters())
    assert any(p.grad != 0.0 for p in model.parameters())


def test_intermediate_nodes_read_and_set_like_leaves() -> None:
    x = Value(0.5)
    y = x.tanh()
    z = y * 2.0
    z.backward()
    assert y.grad == 2.0 and x.grad == pytest.approx(2.0 * (1 - y.data ** 2))
    with pytest.raises(TypeError):
        y.grad = None  # type: ignore[assignment]
    y.grad = 0.0
    assert y.grad == 0.0
