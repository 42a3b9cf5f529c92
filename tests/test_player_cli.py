"""``python -m autograd graph ... -o page.html`` writes the backprop player."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("dot") is None,
                                reason="the Graphviz dot program is not installed")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "autograd", "graph", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_writes_the_player(tmp_path: Path) -> None:
    r = run("tanh(x*w + b)", "x=1", "w=0.5", "b=0", "-o", "page.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["value = 0.4621171573", "d/dx = 0.3932238665",
                                     "d/dw = 0.786447733", "d/db = 0.786447733",
                                     "wrote page.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]  # no temporary file left
    text = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text
    data = json.loads(re.search(r'class="agp-data">(.*?)</script>', text, re.S).group(1))
    names = {n["name"]: n for n in data["nodes"]}
    assert names["tanh(x*w + b)"]["d"] == "0.4621" and names["w"]["d"] == "0.5"
    final = {}
    for step in data["steps"]:
        for p, *_, now in step["s"]:
            final[data["nodes"][p]["name"]] = now
    assert (final["x"], final["w"], final["b"]) == ("0.3932", "0.7864", "0.7864")


def test_too_big_for_the_player_fails_cleanly(tmp_path: Path) -> None:
    formula = "+".join(f"x*{i}" for i in range(1, 40))
    r = run(formula, "x=1", "--max-nodes", "20", "-o", "page.html", cwd=tmp_path)
    assert r.returncode == 1
    assert "the player draws at most 20 values" in r.stderr and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []
