"""Every notebook in notebooks/ runs top to bottom without an error (on a copy)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_four_notebooks_exist() -> None:
    names = [p.name for p in NOTEBOOKS]
    for name in ("01_engine.ipynb", "02_backprop_by_hand.ipynb", "03_training_mlp.ipynb",
                 "04_gradient_checks.ipynb", "05_forward_and_reverse.ipynb"):
        assert name in names


def test_committed_with_outputs() -> None:
    nbformat = pytest.importorskip("nbformat")
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(c.execution_count for c in code), f"{path.name} is not executed"
        kinds = {k for c in code for o in c.outputs for k in o.get("data", {})}
        assert "image/svg+xml" in kinds or "image/png" in kinds, path.name
        errors = [o for c in code for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{path.name} was committed with an error"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    if shutil.which("dot") is None:
        pytest.skip("the Graphviz dot program is needed to show the drawings")
    copy = tmp_path / path.name
    shutil.copy(path, copy)  # never touch the committed file
    nb = nbformat.read(copy, as_version=4)
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError naming the cell on any error
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
