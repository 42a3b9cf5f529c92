"""``python -m autograd graph``, end to end in subprocesses: output, files, exit codes, refusals."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HAS_DOT = shutil.which("dot") is not None


def run(*args: str, cwd: Path | None = None, path: str | None = None
        ) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, "-m", "autograd", "graph", *args], cwd=cwd or ROOT,
                          env=env, capture_output=True, text=True, timeout=60, check=False)


def test_dot_to_stdout_with_gradients_as_comments() -> None:
    r = run("tanh(x*w + b)", "x=1", "w=0.5", "b=0")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    lines = r.stdout.splitlines()
    assert lines[:4] == [
        "// value = 0.4621171573",
        "// d/dx = 0.3932238665",
        "// d/dw = 0.786447733",
        "// d/db = 0.786447733",
    ]
    assert lines[4] == "digraph autograd {" and lines[-1] == "}"
    body = "\n".join(lines[4:])
    for fragment in ('label="tanh"', 'label="*"', 'label="+"', "{ x | data 1 |",
                     "{ w | data 0.5 |", 'label="0.7864"'):
        assert fragment in body


def test_gradient_order_follows_bindings() -> None:
    r = run("x * y", "y=3", "x=2")
    assert r.returncode == 0
    assert r.stdout.splitlines()[1:3] == ["// d/dy = 2", "// d/dx = 3"]


def test_dot_output_is_valid_for_graphviz(tmp_path: Path) -> None:
    if not HAS_DOT:
        pytest.skip("the Graphviz dot program is not installed")
    r = run("log(x) * x ** 2", "x=2")
    rendered = subprocess.run(["dot", "-Tsvg"], input=r.stdout, capture_output=True, text=True,
                              check=False)
    assert rendered.returncode == 0 and "<svg" in rendered.stdout


def test_write_dot_file(tmp_path: Path) -> None:
    target = tmp_path / "g.dot"
    r = run("sigmoid(a) - a", "a=0", "-o", str(target), "--rankdir", "TB")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["value = 0.5", "d/da = -0.75", f"wrote {target}"]
    text = target.read_text()
    assert text.startswith("digraph autograd {\n  rankdir=TB;")


@pytest.mark.skipif(not HAS_DOT, reason="the Graphviz dot program is not installed")
def test_write_svg_and_png(tmp_path: Path) -> None:
    svg = tmp_path / "g.svg"
    assert run("exp(x) * y", "x=0", "y=2", "-o", str(svg)).returncode == 0
    assert "<svg" in svg.read_text()
    png = tmp_path / "g.png"
    assert run("exp(x) * y", "x=0", "y=2", "-o", str(png)).returncode == 0
    assert png.read_bytes().startswith(b"\x89PNG")


def test_svg_without_dot_program_exits_1_with_install_hint(tmp_path: Path) -> None:
    svg = tmp_path / "g.svg"
    r = run("x * 2", "x=1", "-o", str(svg), path=str(tmp_path / "empty"))
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 1
    assert "apt-get install graphviz" in r.stderr and "brew install graphviz" in r.stderr
    assert "Traceback" not in r.stderr
    assert not svg.exists()


@pytest.mark.parametrize("args, fragment", [
    (("x +", "x=1"), "autograd graph: the formula ends too soon: expected a number, a name "
                     "or '(' after '+' at column 4"),
    (("x", "x=abc"), "'abc' is not a number"),
    (("x", "x"), "write name=number"),
    (("x", "1x=2"), "not a valid name"),
    (("x", "x=1", "x=2"), "given twice"),
    (("x", "x=nan"), "must be finite"),
    (("x + y", "x=1"), "no value given for y"),
    (("x", "x=1", "y=2"), "y given but not used"),
    (("x", "x=1", "-o", "g.jpeg"), "cannot tell the format"),
    (("x", "x=1", "--rankdir", "UP"), "invalid choice"),
    (("foo(x)", "x=1"), "unknown function 'foo'"),
])
def test_usage_errors_exit_2_one_line(args: tuple[str, ...], fragment: str) -> None:
    r = run(*args)
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1
    assert fragment in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("args, fragment", [
    (("log(x)", "x=-1"), "log"),
    (("1 / (x - x)", "x=1"), "div"),
    (("sqrt(x)", "x=-4"), "sqrt"),
    (("exp(x)", "x=1000"), "exp"),
])
def test_runtime_errors_exit_1_one_line(args: tuple[str, ...], fragment: str) -> None:
    r = run(*args)
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 1
    assert fragment in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("code", [
    "__import__('os').system('echo hi')",
    "x.__class__",
    "x.__class__.__bases__[0].__subclasses__()",
    "open('/etc/passwd').read()",
    "exec('print(1)')",
    "eval('1+1')",
    "(lambda: 1)()",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "globals()",
    "print('hi')",
])
def test_refuses_code(code: str, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    r = run(code.replace("echo hi", f"touch {marker}"), "x=1" if "x." in code else "y=1")
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1
    assert "is not allowed" in r.stderr or "unknown function" in r.stderr
    assert "hi" not in r.stdout and r.stdout == ""
    assert not marker.exists()


def test_help_shows_defaults() -> None:
    r = run("--help")
    assert r.returncode == 0
    assert "(default: LR)" in r.stdout and "never run as code" in r.stdout
