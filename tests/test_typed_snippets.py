"""User code type-checks against the package under ``mypy --strict``.

The package says ``Typing :: Typed``, so what a user writes with it must check: every Python block
of the README, every notebook (its code cells run as one module, as a kernel runs them), and the
common idioms below. mypy runs once, in a temporary folder, with the user's view of the package:
its types are used but its own internals are not reported (``follow_imports = silent``, as for an
installed package). Snippets that must be *refused* are checked too, so that this test can fail.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

MYPY_CONFIG = """\
[mypy]
strict = True
warn_unreachable = True

[mypy-autograd.*]
follow_imports = silent
"""

# The idioms of the issue and of PyTorch users, each of which must check (and run).
IDIOMS = '''\
import numpy as np

from autograd import Value, gradcheck, no_grad
from autograd.data import make_blobs, make_moons
from autograd.nn import MLP, Layer, Neuron, cross_entropy, hinge_loss, mse_loss, softmax
from autograd.optim import SGD, Adam

X, y = make_moons(n_samples=20, noise=0.1, seed=0)
model = MLP(2, [8, 1], seed=0)                 # one output: calling it gives a Value

out: Value = model(X[0])
out.backward()
scores: list[Value] = [model(x) for x in X]
loss: Value = hinge_loss(scores, [2 * t - 1 for t in y])
loss = hinge_loss([model(x) for x in X], [2 * t - 1 for t in y])
mse: Value = mse_loss([model(x) for x in X], [float(t) for t in y])
accuracy = sum((model(x).data > 0) == (t == 1) for x, t in zip(X, y)) / len(y)
assert 0.0 <= accuracy <= 1.0


def predict(m: MLP, x: list[float]) -> Value:
    return m(x)


def score_of(m: MLP, x: list[float]) -> float:
    return m(x).data


XB, yb = make_blobs(n_samples=12, centers=3, seed=0)
clf = MLP(2, [8, 3], seed=0)                   # three outputs: calling it gives a list
logits: list[Value] = clf(XB[0])
first: Value = clf(XB[0])[0]
k = 2
score_k: Value = clf(XB[0])[k]
probs: list[Value] = softmax(clf(XB[0]))
ce: Value = cross_entropy(clf(XB[0]), yb[0])
ce_batch: Value = cross_entropy([clf(x) for x in XB], yb)
best = max(range(3), key=lambda i: clf(XB[0])[i].data)
n_out: int = len(clf(XB[0]))
datas = [v.data for v in clf(XB[0])]
every: list[Value] = clf.forward(XB[0])        # exactly typed: always a list
assert len(logits) == 3 and n_out == 3 and len(datas) == 3 and 0 <= best < 3


def all_scores(m: MLP, x: list[float]) -> list[Value]:
    return m(x)


layer = Layer(2, 3, seed=0)
hidden: list[Value] = layer([1.0, 2.0])
h0: Value = layer([1.0, 2.0])[0]
single: Value = Layer(2, 1, seed=0)([1.0, 2.0])
neuron_out: Value = Neuron(2, seed=0)([1.0, 2.0])

with no_grad():
    from_array: Value = model(np.array(X[0]))  # NumPy rows are inputs too
    from_tuple: Value = model((0.5, -0.5))

opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
opt.zero_grad()
loss.backward()
opt.step()
adam = Adam(clf.parameters(), lr=0.01)
for p in model.parameters():
    p.grad = 0.0
model.zero_grad()
state: dict[str, float] = model.state_dict()
model.load_state_dict(state)
assert gradcheck(lambda a, b: (a * b).tanh(), 0.3, -1.2)

import os
import tempfile

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "model.json")
    model.save(path)
    loaded = MLP(2, [8, 1], seed=1).load(path)   # load returns the MLP itself, typed as one
    again: Value = loaded(X[0])
    assert again.data == model(X[0]).data
    assert MLP.from_file(path).state_dict() == model.state_dict()
'''

# Each line marked ``# E: code`` must be reported by mypy with that error code.
REFUSED = '''\
from autograd import Value
from autograd.nn import MLP, hinge_loss

model = MLP(2, [8, 1], seed=0)
p = model.parameters()[0]
p.grad = None  # E: assignment
model([1.0, 2.0]).no_such_method()  # E: attr-defined
hinge_loss([model([1.0, 2.0])], "labels")  # E: arg-type
count: str = model([1.0, 2.0])  # E: assignment
model(["a", "b"])  # E: list-item
'''


def _readme_blocks() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "the README has no Python blocks"
    return {f"readme_{i}": block for i, block in enumerate(blocks)}


def _notebooks() -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "notebooks"))
    try:
        found = {}
        for path in sorted((ROOT / "notebooks" / "cells").glob("nb[0-9][0-9]_*.py")):
            module = importlib.import_module(f"cells.{path.stem}")
            found[path.stem] = "\n\n".join(src for kind, src in module.CELLS if kind == "code")
    finally:
        sys.path.remove(str(ROOT / "notebooks"))
    assert found, "no notebooks found"
    return found


@pytest.fixture(scope="module")
def mypy_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """mypy's messages for every snippet, by snippet name (one run for all of them)."""
    pytest.importorskip("mypy")
    folder = tmp_path_factory.mktemp("typed_snippets")
    snippets = {**_readme_blocks(), **_notebooks(), "idioms": IDIOMS, "refused": REFUSED}
    for name, source in snippets.items():
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
    (folder / "mypy.ini").write_text(MYPY_CONFIG, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": str(ROOT)}  # this tree's autograd, not an installed one
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir", ".cache",
         "--show-error-codes", "--no-error-summary", *(f"{n}.py" for n in snippets)],
        cwd=folder, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr  # 2: mypy itself failed
    report: dict[str, list[str]] = {name: [] for name in snippets}
    for line in result.stdout.splitlines():
        name = line.split(".py:", 1)[0]
        if name in report and ": note:" not in line:
            report[name].append(line)
    return report


@pytest.mark.parametrize("name", [*_readme_blocks(), *_notebooks(), "idioms"])
def test_snippet_type_checks_under_strict(name: str, mypy_report: dict[str, list[str]]) -> None:
    assert mypy_report[name] == [], "\n".join(mypy_report[name])


def test_mistakes_are_refused_by_the_type_checker(mypy_report: dict[str, list[str]]) -> None:
    expected = {
        (i, m.group(1))
        for i, line in enumerate(REFUSED.splitlines(), start=1)
        if (m := re.search(r"# E: ([a-z-]+)", line))
    }
    found = set()
    for line in mypy_report["refused"]:
        m = re.match(r"refused\.py:(\d+): error: .*\[([a-z-]+)\]$", line)
        assert m, line
        found.add((int(m.group(1)), m.group(2)))
    assert found == expected


def test_the_idioms_run() -> None:
    pytest.importorskip("numpy")
    exec(compile(IDIOMS, "idioms", "exec"), {})  # a fixed string of this file, not user text
