"""The extras in pyproject.toml give what they promise (read from the files, nothing installed)."""

from __future__ import annotations

import ast
import importlib
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the check is the same on every version


def _pyproject() -> dict[str, object]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)  # type: ignore[no-any-return]


def _names(requirements: list[str]) -> set[str]:
    """Distribution names of requirement strings, normalised as pip does (PEP 503)."""
    return {re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", r).group(0)).lower()
            for r in requirements}


def _notebook_imports() -> set[str]:
    """Top-level modules the notebooks' code cells import."""
    sys.path.insert(0, str(ROOT / "notebooks"))
    try:
        modules: set[str] = set()
        for path in sorted((ROOT / "notebooks" / "cells").glob("nb[0-9][0-9]_*.py")):
            cells = importlib.import_module(f"cells.{path.stem}").CELLS
            for kind, source in cells:
                if kind != "code":
                    continue
                for node in ast.walk(ast.parse(source)):
                    if isinstance(node, ast.Import):
                        modules.update(a.name.split(".")[0] for a in node.names)
                    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                        modules.add(node.module.split(".")[0])
    finally:
        sys.path.remove(str(ROOT / "notebooks"))
    return modules


def test_the_notebooks_extra_covers_every_import_a_kernel_and_a_front_end() -> None:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    extra = _names(project["optional-dependencies"]["notebooks"])
    core = _names(project["dependencies"])
    third_party = sorted(m for m in _notebook_imports()
                         if m not in sys.stdlib_module_names and m != "autograd")
    assert third_party, "the notebooks import nothing outside the standard library?"
    owners = packages_distributions()
    for module in third_party:
        dists = _names(owners.get(module, [module]))
        assert dists & (extra | core), (
            f"the notebooks import {module!r} (from {sorted(dists)}), which the 'notebooks' "
            f"extra does not install"
        )
    assert "ipykernel" in extra, "a kernel to run the notebooks"
    assert extra & {"jupyterlab", "notebook"}, "a front end to open them (jupyter lab)"


def test_the_test_install_runs_the_notebooks_too() -> None:
    # README's test command installs ".[test,torch]"
    extras = _pyproject()["project"]["optional-dependencies"]  # type: ignore[index]
    front_ends = {"jupyterlab", "notebook"}
    installed = _names(extras["test"]) | _names(extras["torch"])
    missing = _names(extras["notebooks"]) - front_ends - installed
    assert not missing, f"the tests run the notebooks but '.[test,torch]' lacks {missing}"


def test_the_readme_says_how_to_open_the_notebooks() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert '".[notebooks]"' in readme
    assert "jupyter lab notebooks/" in readme
