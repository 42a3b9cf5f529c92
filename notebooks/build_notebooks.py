"""Writes the notebooks from their cells, runs them, and saves them with their outputs.

Each notebook's cells live in ``notebooks/cells/nbNN_name.py`` (``NAME`` and ``CELLS``); adding a
notebook is adding such a module. Run from the repository root:
``python notebooks/build_notebooks.py [NAME.ipynb ...]`` (needs nbformat, nbclient, ipykernel,
matplotlib and the Graphviz ``dot`` program). Edit the cells there, not in the .ipynb files, then
run this again and commit the executed notebooks.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

sys.path.insert(0, str(HERE))
from cells import Cell  # noqa: E402  (the cells package sits beside this script)


def _notebooks() -> dict[str, list[Cell]]:
    found: dict[str, list[Cell]] = {}
    for path in sorted((HERE / "cells").glob("nb[0-9][0-9]_*.py")):
        module = importlib.import_module(f"cells.{path.stem}")
        found[module.NAME] = module.CELLS
    return found


NOTEBOOKS = _notebooks()


def build(name: str, cells: list[Cell]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, source in cells:
        nb.cells.append(nbformat.v4.new_markdown_cell(source) if kind == "md"
                        else nbformat.v4.new_code_cell(source))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{Path(name).stem[:2]}-{i:02d}"
    return nb


def main() -> int:
    os.environ["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    wanted = sys.argv[1:] or list(NOTEBOOKS)
    for name in wanted:
        nb = build(name, NOTEBOOKS[name])
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(HERE)}}).execute()
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.metadata = {}
        nbformat.write(nb, HERE / name)
        print("wrote", HERE / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
