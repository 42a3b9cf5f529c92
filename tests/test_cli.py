"""The command line's contract: exit codes, one-line messages, interrupts, closed pipes, flags."""
# mypy: disallow-untyped-defs=False, disallow-incomplete-defs=False, disallow-untyped-calls=False

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import autograd
from autograd import train_command
from autograd.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "autograd", *args], cwd=cwd or ROOT,
                          env=_env(), capture_output=True, timeout=120, check=False)


def one_line(stderr: bytes, prefix: str) -> str:
    text = stderr.decode()
    assert "Traceback" not in text
    assert len(text.strip().splitlines()) == 1, text
    assert text.startswith(prefix + ": "), text
    return text


# --- train -------------------------------------------------------------------------------------


def test_diverging_training_stops_exit_1_and_saves_nothing(tmp_path):
    r = run("train", "--lr", "1e9", "--optimizer", "sgd", "--samples", "40", "--steps", "50",
            "--save", "m.json", cwd=tmp_path)
    assert r.returncode == 1
    message = one_line(r.stderr, "autograd train")
    assert "diverged" in message and "at step" in message and "smaller learning rate" in message
    assert not (tmp_path / "m.json").exists()
    assert "final loss" not in r.stdout.decode()
    assert all(len(line) < 100 for line in r.stdout.decode().splitlines())


def test_progress_lines_fit_the_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setenv("COLUMNS", "40")
    out = Terminal()
    for loss in (123456.789, 3e300):  # the first loss is never a divergence
        train_command._Progress(1000, out)(1000, loss, 0.5)
    for chunk in out.getvalue().split("\r"):
        assert len(chunk.replace("\033[K", "").rstrip("\n")) <= 39
    assert "3e+300" in out.getvalue()


def test_non_finite_loss_is_named_with_its_step():
    progress = train_command._Progress(10, io.StringIO())
    progress(1, 0.7, 0.5)
    with pytest.raises(train_command.DivergedError, match="the loss is nan at step 2"):
        progress(2, float("nan"), 0.5)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc")
def test_unwritable_save_fails_before_training(tmp_path):
    r = run("train", "--save", "/proc/m.json", cwd=tmp_path)
    assert r.returncode == 1
    message = one_line(r.stderr, "autograd train")
    assert "/proc/m.json" in message and "cannot write" in message
    assert b"step" not in r.stdout and b"data:" not in r.stdout


@pytest.mark.parametrize("args, fragment", [
    (["--samples", "1000000000"], "from 1 to 100,000"),
    (["--dataset", "blobs", "--centers", "1"], "--centers"),
    (["--centers", "4"], "--centers applies to --dataset blobs only"),
    (["--factor", "0.3", "--dataset", "moons"], "--factor applies to --dataset circles only"),
    (["--momentum", "0.5"], "--momentum applies to --optimizer sgd only"),
    (["--optimizer", "sgd", "--momentum", "1.5"], "--momentum"),
])
def test_bad_combinations_exit_2_before_any_work(tmp_path, args, fragment):
    r = run("train", *args, cwd=tmp_path)
    assert r.returncode == 2
    assert fragment in one_line(r.stderr, "autograd train")
    assert r.stdout == b""


def test_help_defaults_once_and_real():
    r = run("train", "--help")
    assert r.returncode == 0
    text = " ".join(r.stdout.decode().split())
    assert "(default: None)" not in text
    assert "(default: 0.9; the library's SGD defaults to 0.0)" in text
    assert "(default: 3)" in text and "(default: 0.5)" in text
    for line in r.stdout.decode().split("\n  -"):
        assert line.count("(default:") <= 1, line
    r = run("graph", "--help")
    text = " ".join(r.stdout.decode().split())
    assert "(default: DOT text to stdout)" in text and "(default: None)" not in text


def test_header_shows_the_momentum(tmp_path):
    r = run("train", "--optimizer", "sgd", "--steps", "1", "--samples", "20", cwd=tmp_path)
    assert r.returncode == 0
    assert "training: sgd (momentum 0.9), lr 0.05" in r.stdout.decode()


def test_version():
    r = run("--version")
    assert r.returncode == 0
    assert r.stdout.decode().strip() == f"autograd {autograd.__version__} (scalar-autograd)"


def test_closed_stdout_exits_quietly(tmp_path):
    child = subprocess.Popen([sys.executable, "-m", "autograd", "train", "--steps", "200"],
                             cwd=tmp_path, env=_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.readline().startswith(b"data:")
    child.stdout.close()  # as `| head -n 1` does
    code = child.wait(timeout=120)
    assert child.stderr.read() == b""
    assert code == 1


def test_ctrl_c_is_one_line(tmp_path):
    child = subprocess.Popen([sys.executable, "-m", "autograd", "train", "--steps", "100000"],
                             cwd=tmp_path, env=_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    assert child.stdout is not None
    assert child.stdout.readline().startswith(b"data:")
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 1  # a run that did not finish: a failure at run time
    assert err.decode() == "autograd train: interrupted\n"


# Runs ``python -m autograd ARGS`` in a child that interrupts itself (SIGINT, as Ctrl-C) at a
# chosen moment: the n-th audit event (imports, file opens, compiles, id() calls: thousands of
# them spread over start-up, data, training and saving) counted from the moment
# ``autograd/__main__`` has installed its handler, or the first event of a name whose arguments
# mention a text. (Before that moment is the package import, which is Python's to handle.)
_INTERRUPTER = """
import os, runpy, signal, sys
import autograd  # the package itself, before __main__ runs
targets, marker = sys.argv[1].split(","), open(sys.argv[2], "w")
count = [0]
def hook(event, args):
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        return
    count[0] += 1
    for target in targets:
        name, _, text = target.partition(":")
        if name == str(count[0]) or (text and event == name and text in str(args)):
            marker.write(event + "\\n")
            marker.flush()
            os.kill(os.getpid(), signal.SIGINT)
sys.addaudithook(hook)
sys.argv = ["autograd", *sys.argv[3:]]
runpy.run_module("autograd", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize("moments", [
    "1", "3", "10", "30", "100", "300", "1000", "3000",      # start-up, data, training
    "open:.autograd-", "os.remove:.autograd-",                 # the --save path's check
    "os.rename:.autograd-",                                    # the save itself
    "2,3", "300,301",                                          # Ctrl-C twice
])
def test_ctrl_c_at_any_moment_is_one_line_and_leaves_no_file(tmp_path, moments):
    script = tmp_path / "interrupter.py"
    script.write_text(_INTERRUPTER)
    work = tmp_path / "work"
    work.mkdir()
    (work / "m.json").write_text("old")
    marker = tmp_path / "fired"
    r = subprocess.run([sys.executable, str(script), moments, str(marker), "train", "--steps",
                        "3", "--samples", "20", "--save", "m.json"], cwd=work, env=_env(),
                       capture_output=True, timeout=120, check=False)
    assert marker.read_text(), "the moment never came"
    assert r.stderr.decode() == "autograd train: interrupted\n"
    assert r.returncode == 1
    # the old model file whole, or the new one whole (Ctrl-C after the rename); nothing else
    assert sorted(p.name for p in work.iterdir()) == ["m.json"]
    text = (work / "m.json").read_text()
    assert text == "old" or autograd.nn.MLP.from_file(work / "m.json") is not None


# A Ctrl-C while ``python -m autograd`` is still importing the package (before __main__ runs):
# sitecustomize installs an audit hook that interrupts the process at the n-th import of one of
# the package's modules. (The first is autograd.startup itself, which installs the handler: a
# Ctrl-C before it has run is Python's.)
_SITECUSTOMIZE = """
import os, signal, sys
count = [0]
def hook(event, args):
    if event == "import" and str(args[0]).startswith("autograd."):
        count[0] += 1
        if count[0] == int(os.environ["AUTOGRAD_TEST_INTERRUPT_AT"]):
            open(os.environ["AUTOGRAD_TEST_MARKER"], "w").write(str(args[0]))
            os.kill(os.getpid(), signal.SIGINT)
sys.addaudithook(hook)
"""


@pytest.mark.parametrize("nth", [2, 3, 5, 15, 30])
def test_ctrl_c_while_the_package_is_imported_is_one_line(tmp_path, nth):
    (tmp_path / "sitecustomize.py").write_text(_SITECUSTOMIZE)
    marker = tmp_path / "fired"
    env = _env()
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env["PYTHONPATH"]])
    env["AUTOGRAD_TEST_INTERRUPT_AT"] = str(nth)
    env["AUTOGRAD_TEST_MARKER"] = str(marker)
    r = subprocess.run([sys.executable, "-m", "autograd", "train", "--steps", "3"], cwd=tmp_path,
                       env=env, capture_output=True, timeout=120, check=False)
    assert marker.read_text().startswith("autograd."), "the moment never came"
    assert r.stderr.decode() == "autograd train: interrupted\n"
    assert r.returncode == 1
    assert r.stdout == b""


def test_importing_the_package_changes_no_signal_handler():
    code = ("import signal; import autograd; "
            "assert signal.getsignal(signal.SIGINT) is signal.default_int_handler")
    r = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True,
                       timeout=60, check=False)
    assert r.returncode == 0, r.stderr.decode()


def test_closed_stdout_in_a_shell_pipe_exits_1_quietly(tmp_path):
    shell = "set -o pipefail; \"$0\" -m autograd train --steps 500 2>err.txt | head -n 1"
    r = subprocess.run(["bash", "-c", shell, sys.executable], cwd=tmp_path, env=_env(),
                       capture_output=True, timeout=120, check=False)
    assert r.stdout.decode().startswith("data:") and r.stdout.count(b"\n") == 1
    assert (tmp_path / "err.txt").read_text() == ""
    assert r.returncode == 1  # the command's own code: it stopped before its work was done


def test_run_time_error_without_text_names_its_kind(monkeypatch, capsys):
    def fail(args):
        raise MemoryError

    monkeypatch.setattr(train_command, "run", fail)
    assert main(["train"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("autograd train: out of memory") and err.count("\n") == 1


# --- graph -------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["-x", "x=1"], ["-x*w", "x=2", "w=3"], ["--rankdir", "TB", "-x", "x=1"],
    ["-o", "g.dot", "-x", "x=1"], ["- x", "x=1"],
])
def test_formula_may_start_with_minus(tmp_path, args):
    r = run("graph", *args, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert b"d/dx" in r.stdout


def test_output_in_a_missing_folder_names_the_users_path(tmp_path):
    target = tmp_path / "no" / "such" / "g.svg"
    r = run("graph", "x*2", "x=1", "-o", str(target))
    assert r.returncode == 1
    message = one_line(r.stderr, "autograd graph")
    assert str(target) in message and ".autograd-" not in message and ".tmp" not in message


@pytest.mark.parametrize("name, start", [("g.dot", "digraph"), ("page.html", "<!DOCTYPE html>")])
def test_output_keeps_the_files_mode(tmp_path, name, start):
    target = tmp_path / name
    target.write_text("old")
    os.chmod(target, 0o600)
    r = run("graph", "x*2", "x=1", "-o", str(target))
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith(start)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_formula_with_a_stray_byte_is_a_usage_error():
    r = subprocess.run([sys.executable, "-m", "autograd", "graph", b"x\xff", "x=1"],
                       cwd=ROOT, env=_env(), capture_output=True, timeout=60, check=False)
    assert r.returncode == 2
    assert "not valid UTF-8" in one_line(r.stderr, "autograd graph")


@pytest.mark.parametrize("args", [
    ["x +", "x=1"], ["x", "x=1", "--max-nodes", "0"], ["x", "y"], ["x", "x=1", "--bogus"],
])
def test_graph_messages_have_one_prefix(args):
    r = run("graph", *args)
    assert r.returncode == 2
    message = one_line(r.stderr, "autograd graph")
    assert message.count("autograd") == 1


def test_usage_error_for_no_command():
    r = run()
    assert r.returncode == 2
    one_line(r.stderr, "autograd")
