"""Shared test settings: hypothesis profiles.

``default`` runs 200 examples per property; ``HYPOTHESIS_PROFILE=thorough`` runs 2,000.
"""

import math
import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from autograd import Value, ops
from autograd import math as amath
from autograd.engine import apply_op

settings.register_profile(
    "default",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "thorough",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


# --- A throwaway op, declared as a contributor would add one: its table entry and a one-line
# method. Tests that use this fixture check that everything reading the table picks it up.


def _mish(x: float) -> float:
    return x * math.tanh(math.log1p(math.exp(x)))


def _mish_partials(x: object, out: object) -> tuple[object, ...]:
    # Written with autograd.math, so it runs on floats (first order) and on Values (higher).
    t = amath.tanh(amath.log1p(amath.exp(x)))  # type: ignore[arg-type]
    return (t + x * (1 - t * t) / (1 + amath.exp(-x)),)  # type: ignore[operator]


MISH = ops.Op("mish", "mish", ops.UNARY, _mish, _mish_partials,
              maths="d/dx = tanh(sp) + x sigmoid(x) (1 - tanh(sp)**2), sp = softplus(x)",
              role=ops.ACTIVATION, torch="nn.functional.mish", method="mish",
              example="Value(1.0).mish()  # data 0.8651")


@pytest.fixture
def throwaway_op(monkeypatch: pytest.MonkeyPatch) -> Iterator[ops.Op]:
    """``mish``, added to a test-local copy of the op table with its one-line Value method."""
    monkeypatch.setattr(ops, "OPS", {**ops.OPS, MISH.name: MISH})
    # the one line a contributor writes in engine.py:
    monkeypatch.setattr(Value, "mish", lambda self: apply_op(MISH, self), raising=False)
    yield MISH
