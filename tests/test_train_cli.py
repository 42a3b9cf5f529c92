"""End-to-end tests of ``python -m autograd train``, each in a subprocess."""
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False, disallow-untyped-calls=False

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograd.nn import MLP

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd, code=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "autograd", *args] if code is None \
        else [sys.executable, "-c", code, *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def _percent(stdout, which):
    line = next(line for line in stdout.splitlines() if line.startswith(f"{which} accuracy"))
    return float(line.split()[2].rstrip("%"))


def test_train_moons_save_and_load(tmp_path):
    result = run("train", "--dataset", "moons", "--hidden", "8,8", "--steps", "60",
                 "--samples", "80", "--seed", "0", "--save", "model.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "final loss" in out
    assert _percent(out, "train") >= 95.0 and _percent(out, "test") >= 85.0
    # not a terminal: a line every tenth of the run, no carriage returns
    assert "\r" not in out
    assert sum(line.startswith("step ") for line in out.splitlines()) == 10
    model = MLP.from_file(tmp_path / "model.json")
    assert model.nouts == [8, 8, 1]
    same = MLP(2, [8, 8, 1], seed=99).load(tmp_path / "model.json")
    assert same.state_dict() == model.state_dict()
    assert json.loads((tmp_path / "model.json").read_text())["format"] == "autograd.nn"


def test_train_defaults_reach_97_percent(tmp_path):
    result = run("train", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _percent(result.stdout, "train") >= 97.0
    assert _percent(result.stdout, "test") >= 97.0


def test_plot_writes_png(tmp_path):
    pytest.importorskip("matplotlib")
    result = run("train", "--steps", "5", "--samples", "40", "--hidden", "4",
                 "--plot", "boundary.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "boundary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_other_options_run(tmp_path):
    result = run("train", "--dataset", "blobs", "--centers", "4", "--optimizer", "sgd",
                 "--batch-size", "1", "--steps", "30", "--lr-end", "0.001", "--l2", "1e-4",
                 "--samples", "40", "--hidden", "4", "--test-size", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "cross_entropy" in result.stdout and "test accuracy" not in result.stdout
    result = run("train", "--dataset", "xor", "--loss", "bce", "--activation", "tanh",
                 "--steps", "5", "--samples", "40", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_help_shows_defaults(tmp_path):
    result = run("train", "--help", cwd=tmp_path)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for default in ("(default: moons)", "(default: 16,16)", "(default: 100)", "(default: 0)",
                    "(default: adam)", "(default: 0.05)", "(default: relu)"):
        assert default in text


@pytest.mark.parametrize("args", [
    ["--steps", "-1"], ["--steps", "ten"], ["--hidden", "16,x"], ["--hidden", ""],
    ["--dataset", "spiral"], ["--optimizer", "rmsprop"], ["--lr", "0"], ["--lr", "nan"],
    ["--test-size", "1.5"], ["--samples", "0"], ["--activation", "linear"], ["--bogus"],
    ["--dataset", "blobs", "--loss", "hinge"], ["--samples", "1"], ["--plot", "b.xyz"],
])
def test_usage_errors_exit_2(tmp_path, args):
    result = run("train", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("flag", ["--save", "--plot"])
def test_bad_paths_exit_1_before_training(tmp_path, flag):
    result = run("train", flag, str(tmp_path / "missing" / "out.png"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr
    assert "step" not in result.stdout  # refused before training
    result = run("train", flag, str(tmp_path), "--steps", "1", cwd=tmp_path)
    assert result.returncode == 1 and "is a directory" in result.stderr


def test_plot_without_matplotlib(tmp_path):
    code = ("import sys; sys.modules['matplotlib'] = None; from autograd.cli import main; "
            "raise SystemExit(main(sys.argv[1:]))")
    result = run("train", "--plot", "b.png", cwd=tmp_path, code=code)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert 'pip install "scalar-autograd[plot]"' in result.stderr


def test_train_digits_small_run_prints_a_confusion_matrix(tmp_path):
    result = run("train", "--dataset", "digits", "--samples", "400", "--epochs", "4",
                 "--seed", "1", "--plot", "digits.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "data: digits, 400 samples" in out and "100 test" in out
    assert "MLP(64, [32, 10]" in out and "cross_entropy" in out
    assert "lr 0.01 -> 0.0005" in out and "36 steps (4 epochs), batches of 32" in out
    assert _percent(out, "test") >= 80.0
    lines = out.splitlines()
    top = lines.index("confusion matrix (test; rows: true class, columns: predicted)")
    table = lines[top + 1:top + 12]
    assert table[0].split() == ["true\\pred", *[str(i) for i in range(10)], "acc"]
    counts = [[0 if v == "." else int(v) for v in row.split()[1:11]] for row in table[1:]]
    correct = sum(counts[i][i] for i in range(10))
    assert sum(map(sum, counts)) == 100 and correct == round(_percent(out, "test"))
    assert (tmp_path / "digits.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args,message", [
    (["--steps", "5", "--epochs", "2"], "not both"),
    (["--dataset", "digits", "--samples", "2000"], "1,797"),
    (["--dataset", "digits", "--loss", "hinge"], "digits has 10"),
])
def test_digits_usage_errors(tmp_path, args, message):
    result = run("train", *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_epochs_set_the_steps_for_toy_datasets_too(tmp_path):
    result = run("train", "--samples", "40", "--batch-size", "10", "--epochs", "2",
                 "--test-size", "0.25", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "6 steps (2 epochs), batches of 10" in result.stdout


# --- the library's training loop, which the command line runs ----------------------------------


@pytest.mark.parametrize("compile_", [False, True])
@pytest.mark.parametrize("loss", ["hinge", "bce"])
def test_fit_stops_on_a_non_finite_loss_naming_the_step(loss, compile_):
    import math

    from autograd.data import make_moons
    from autograd.optim import SGD
    from autograd.training import DivergedError, fit

    X, y = make_moons(40, noise=0.1, seed=0)
    model = MLP(2, [8, 8, 1], seed=0)
    seen = []
    with pytest.raises(DivergedError) as caught:
        fit(model, X, y, SGD(model.parameters(), lr=1e200), 20, loss=loss, compile=compile_,
            callback=lambda step, value, acc: seen.append([p.data for p in model.parameters()]))
    err = caught.value
    assert err.step == 2 and not math.isfinite(err.loss)
    assert str(err).startswith(f"training diverged: the loss is {err.loss} at step 2;")
    assert "try a smaller learning rate than lr=1e+200" in str(err)
    # stopped before the optimizer used that step's gradient: the parameters after step 1
    assert [p.data for p in model.parameters()] == seen[-1]
    assert all(math.isfinite(p.data) for p in model.parameters())


def test_fit_stops_at_step_1_on_a_nan_in_the_data():
    from autograd.optim import Adam
    from autograd.training import DivergedError, fit

    model = MLP(2, [4, 1], seed=0)
    start = [p.data for p in model.parameters()]
    with pytest.raises(DivergedError, match="the loss is nan at step 1, before any update: "
                                            "the data or the model's parameters hold a number"):
        fit(model, [[0.0, 1.0], [float("nan"), 0.0]], [0, 1], Adam(model.parameters()), 5)
    assert [p.data for p in model.parameters()] == start
