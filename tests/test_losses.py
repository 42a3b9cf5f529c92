"""Tests for the losses in autograd.nn, checked against torch.nn.functional in float64."""
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False, disallow-untyped-calls=False

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, gradcheck, topological_order
from autograd.nn import (
    binary_cross_entropy,
    cross_entropy,
    hinge_loss,
    l2_penalty,
    mse_loss,
    softmax,
)

torch = pytest.importorskip("torch")
F = torch.nn.functional

PREDS = [0.3, -1.2, 2.5, 0.0, -0.4]
TARGETS = [1.0, -0.5, 2.0, 0.1, 0.0]
LABELS01 = [1, 0, 1, 0, 1]


def _ours(fn, data, *rest):
    xs = [Value(v) for v in data]
    out = fn(xs, *rest)
    out.backward()
    return out.data, [x.grad for x in xs]


def _torch(fn, data, *rest):
    t = torch.tensor(data, dtype=torch.float64, requires_grad=True)
    out = fn(t, *rest)
    out.backward()
    return out.item(), t.grad.tolist()


def _close(ours, theirs):
    assert ours[0] == pytest.approx(theirs[0], rel=1e-12, abs=1e-12)
    assert ours[1] == pytest.approx(theirs[1], rel=1e-12, abs=1e-12)


def test_mse_against_torch():
    _close(_ours(mse_loss, PREDS, TARGETS),
           _torch(F.mse_loss, PREDS, torch.tensor(TARGETS, dtype=torch.float64)))


def test_hinge_against_torch():
    labels = [2 * t - 1 for t in LABELS01]
    y = torch.tensor(labels, dtype=torch.float64)
    _close(_ours(hinge_loss, PREDS, labels),
           _torch(lambda s: torch.clamp(1 - y * s, min=0).mean(), PREDS))


def test_bce_against_torch():
    y = torch.tensor(LABELS01, dtype=torch.float64)
    _close(_ours(binary_cross_entropy, PREDS, LABELS01),
           _torch(F.binary_cross_entropy_with_logits, PREDS, y))


@pytest.mark.parametrize("logit", [1000.0, -1000.0, 40.0, -40.0])
@pytest.mark.parametrize("label", [0, 1])
def test_bce_stable_for_huge_logits(logit, label):
    ours = _ours(binary_cross_entropy, [logit], [label])
    theirs = _torch(F.binary_cross_entropy_with_logits, [logit],
                    torch.tensor([float(label)], dtype=torch.float64))
    assert all(math.isfinite(v) for v in (ours[0], *ours[1]))
    _close(ours, theirs)


def test_softmax_against_torch():
    logits = [1.0, -2.0, 0.5, 3.0]
    weights = [0.3, -1.0, 2.0, 0.7]   # a weighted sum of the outputs, to check gradients
    xs = [Value(v) for v in logits]
    probs = softmax(xs)
    assert isinstance(probs, list) and len(probs) == 4
    sum(p * w for p, w in zip(probs, weights)).backward()
    t = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    tp = F.softmax(t, dim=0)
    (tp * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    assert [p.data for p in probs] == pytest.approx(tp.tolist(), rel=1e-12)
    assert [x.grad for x in xs] == pytest.approx(t.grad.tolist(), rel=1e-12, abs=1e-15)


def test_softmax_large_inputs():
    probs = softmax([Value(1000.0), Value(999.0), Value(-1000.0)])
    assert sum(p.data for p in probs) == pytest.approx(1.0)
    assert probs[0].data == pytest.approx(1 / (1 + math.exp(-1)))


@pytest.mark.parametrize("target", [0, 2, 3])
def test_cross_entropy_against_torch(target):
    logits = [1.0, -2.0, 0.5, 3.0]
    _close(_ours(cross_entropy, logits, target),
           _torch(lambda t: F.cross_entropy(t.unsqueeze(0), torch.tensor([target])), logits))


def test_cross_entropy_large_logits():
    out = cross_entropy([Value(1000.0), Value(-1000.0)], 1)
    assert out.data == pytest.approx(2000.0)
    out = cross_entropy([Value(1000.0), Value(-1000.0)], 0)
    assert out.data == 0.0


def test_cross_entropy_batch_is_mean_against_torch():
    rows = [[1.0, -2.0, 0.5], [0.0, 0.3, -0.1]]
    targets = [2, 0]
    xs = [[Value(v) for v in row] for row in rows]
    out = cross_entropy(xs, targets)
    out.backward()
    t = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
    ref = F.cross_entropy(t, torch.tensor(targets))
    ref.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-12)
    assert [[v.grad for v in row] for row in xs] == [
        pytest.approx(r, rel=1e-12) for r in t.grad.tolist()]


def test_l2_penalty_against_torch():
    alpha = 0.3
    _close(_ours(l2_penalty, PREDS, alpha), _torch(lambda t: alpha * (t * t).sum(), PREDS))


@pytest.mark.parametrize("fn,second", [
    (mse_loss, [1.0, 2.0]), (hinge_loss, [1, -1]), (binary_cross_entropy, [0, 1]),
])
def test_length_mismatch(fn, second):
    with pytest.raises(ValueError, match="3 predictions but 2 targets"):
        fn([Value(0.0)] * 3, second)
    with pytest.raises(ValueError, match="at least one"):
        fn([], [])


def test_label_validation():
    with pytest.raises(ValueError, match="-1 or \\+1"):
        hinge_loss([Value(0.0)], [0])
    with pytest.raises(ValueError, match="0 or 1"):
        binary_cross_entropy([Value(0.0)], [2])
    with pytest.raises(ValueError, match="0 or 1"):
        binary_cross_entropy([Value(0.0)], [-1])
    for bad in (3, -1, 1.0, True):
        with pytest.raises(ValueError, match="target index"):
            cross_entropy([Value(0.0), Value(1.0), Value(2.0)], bad)
    with pytest.raises(ValueError, match="at least one"):
        cross_entropy([], 0)
    with pytest.raises(ValueError, match="alpha"):
        l2_penalty([Value(1.0)], -1.0)
    with pytest.raises(TypeError):
        mse_loss("ab", "cd")


def test_losses_accept_plain_numbers_and_single_values():
    assert mse_loss(Value(3.0), 1.0).data == 4.0
    assert mse_loss([3.0], [1.0]).data == 4.0
    assert hinge_loss(Value(0.5), 1).data == 0.5


def test_means_are_one_sum_node():
    xs = [Value(float(i)) for i in range(50)]
    out = mse_loss(xs, [0.0] * 50)
    sums = [v for v in topological_order(out) if v.op == "sum"]
    assert len(sums) == 1 and len(sums[0].parents) == 50


@given(st.lists(st.floats(-20, 20), min_size=1, max_size=5), st.data())
def test_bce_and_cross_entropy_gradcheck(logits, data):
    labels = data.draw(st.lists(st.sampled_from([0, 1]), min_size=len(logits),
                                max_size=len(logits)))
    assert gradcheck(lambda *z: binary_cross_entropy(list(z), labels), *logits)
    target = data.draw(st.integers(0, len(logits) - 1))
    assert gradcheck(lambda *z: cross_entropy(list(z), target), *logits)
