"""Tests for autograd.training: the loop reaches high accuracy on moons, circles and xor."""
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False, disallow-untyped-calls=False

import math

import pytest

from autograd import Value
from autograd.data import make_blobs, make_circles, make_moons, make_xor, train_test_split
from autograd.nn import MLP
from autograd.optim import SGD, Adam, LinearDecay
from autograd.training import accuracy, evaluate, fit, predict


@pytest.mark.parametrize("make,hidden,steps,target", [
    (make_moons, [16, 16], 80, 0.97),
    (make_circles, [16, 16], 80, 0.97),
    (make_xor, [16, 16], 100, 0.95),
])
def test_reaches_accuracy(make, hidden, steps, target):
    X, y = make(80, noise=0.05, seed=1)
    X_train, X_test, y_train, y_test = train_test_split(X, y, seed=1)
    model = MLP(2, [*hidden, 1], seed=1)
    history = fit(model, X_train, y_train, Adam(model.parameters(), lr=0.05), steps)
    assert history.losses[-1] < history.losses[0]
    assert accuracy(model, X_train, y_train) >= target
    assert accuracy(model, X_test, y_test) >= target - 0.15  # 20 test samples


def test_multiclass_cross_entropy():
    X, y = make_blobs(90, centers=3, cluster_std=1.0, seed=0)
    model = MLP(2, [8, 3], seed=0)
    fit(model, X, y, Adam(model.parameters(), lr=0.05), 60, loss="cross_entropy")
    loss, acc = evaluate(model, X, y, loss="cross_entropy")
    assert acc >= 0.95 and loss < 0.3


def test_bce_minibatch_sgd_with_schedule_and_l2():
    X, y = make_moons(80, noise=0.1, seed=0)
    model = MLP(2, [8, 8, 1], seed=0)
    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
    schedule = LinearDecay(opt, 0.1, 0.01, steps=200)
    seen = []
    history = fit(model, X, y, opt, 200, loss="bce", batch_size=10, l2=1e-4, schedule=schedule,
                  seed=0, callback=lambda step, loss, acc: seen.append(step))
    assert seen == list(range(1, 201))
    assert opt.lr == pytest.approx(0.01)
    assert len(history.losses) == len(history.accuracies) == 200
    assert accuracy(model, X, y) >= 0.85


def test_batches_cover_each_sample_once_per_pass():
    calls = []

    def model(x):
        calls.append(x[0])
        return Value(0.0) * w

    w = Value(1.0)
    X = [[float(i), 0.0] for i in range(12)]
    fit(model, X, [0, 1] * 6, SGD([w], lr=0.1), steps=3, batch_size=4, seed=0)
    assert sorted(calls) == [float(i) for i in range(12)]


def test_seeded_training_is_deterministic():
    X, y = make_moons(40, noise=0.1, seed=0)
    states = []
    for _ in range(2):
        model = MLP(2, [4, 1], seed=3)
        fit(model, X, y, Adam(model.parameters(), lr=0.05), 10, batch_size=8, seed=4)
        states.append(model.state_dict())
    assert states[0] == states[1]


def test_predict_and_validation():
    model = MLP(2, [3], seed=0)
    assert all(0 <= label < 3 for label in predict(model, [[0.0, 1.0], [1.0, 0.0]]))
    opt = Adam(model.parameters())
    with pytest.raises(ValueError, match="unknown loss"):
        fit(model, [[0.0, 0.0]], [0], opt, 1, loss="l1")
    with pytest.raises(ValueError, match="one output"):
        fit(model, [[0.0, 0.0]], [0], opt, 1, loss="hinge")
    with pytest.raises(ValueError, match="one output per class"):
        one = MLP(2, [1], seed=0)
        fit(one, [[0.0, 0.0]], [0], Adam(one.parameters()), 1, loss="cross_entropy")
    with pytest.raises(ValueError, match="must match"):
        fit(model, [[0.0, 0.0]], [0, 1], opt, 1)
    with pytest.raises(ValueError, match="labels 0 or 1"):
        evaluate(MLP(2, [1], seed=0), [[0.0, 0.0]], [2])
    with pytest.raises(ValueError, match="batch_size"):
        fit(model, [[0.0, 0.0]], [0], opt, 1, batch_size=-1)


def test_confusion_matrix_and_per_class_accuracy():
    from autograd.training import confusion_matrix, format_confusion_matrix, per_class_accuracy

    matrix = confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0])
    assert matrix == [[1, 0, 0], [0, 1, 1], [1, 0, 2]]
    assert per_class_accuracy(matrix) == [1.0, 0.5, pytest.approx(2 / 3)]
    assert confusion_matrix([0], [0], n_classes=3) == [[1, 0, 0], [0, 0, 0], [0, 0, 0]]
    assert math.isnan(per_class_accuracy([[0, 0], [1, 1]])[0])
    text = format_confusion_matrix([[0, 0], [1, 1]], labels=["no", "yes"])
    assert text.splitlines()[1].split() == ["no", ".", ".", "-"]
    assert text.splitlines()[2].split() == ["yes", "1", "1", "50%"]
    with pytest.raises(ValueError, match="must match"):
        confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError, match="n_classes=2"):
        confusion_matrix([0, 2], [0, 1], n_classes=2)
    with pytest.raises(ValueError, match="integers >= 0"):
        confusion_matrix([0, -1], [0, 1])
    with pytest.raises(ValueError, match="labels"):
        format_confusion_matrix([[1]], labels=["a", "b"])


def test_misclassified_lists_the_wrong_ones():
    from autograd.training import misclassified

    model = MLP(2, [3], activation="linear", seed=0)
    X = [[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]
    predicted = predict(model, X)
    y = [predicted[0], (predicted[1] + 1) % 3, predicted[2]]
    assert misclassified(model, X, y) == [(1, predicted[1], y[1])]


def test_digits_recipe_learns():
    from autograd import digits

    X, y = digits.load_scaled(500)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=0)
    model = MLP(64, [16, 10], seed=0)
    curve = digits.EpochCurve(model, X_test, y_test, steps_per_epoch=len(y_train) // 32)
    steps = digits.steps_for_epochs(3, len(y_train), 32)
    fit(model, X_train, y_train, Adam(model.parameters(), lr=0.01), steps, loss="cross_entropy",
        batch_size=32, seed=0, callback=curve)
    assert len(curve.train_loss) == len(curve.test_accuracy) == 3
    assert curve.train_loss[-1] < curve.train_loss[0]
    assert curve.test_accuracy[-1] >= 0.8
