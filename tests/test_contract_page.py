"""docs/contract.md, the public contract, says only what is true of this version.

Its examples run, and every ``autograd.`` name it mentions exists, except in items marked
*(planned)*, which promise what is not built yet.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "contract.md"
PLANNED = "*(planned)*"


def _items() -> list[str]:
    """The page cut into items: paragraphs, bullets (with their continuation lines), code blocks."""
    items: list[str] = []
    current: list[str] = []
    in_code = False
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            current.append(line)
            if in_code:
                items.append("\n".join(current))
                current = []
            in_code = not in_code
            continue
        if in_code:
            current.append(line)
        elif not line.strip() or line.startswith(("- ", "#")):
            if current:
                items.append("\n".join(current))
            current = [line] if line.strip() else []
        else:
            current.append(line)
    if current:
        items.append("\n".join(current))
    return items


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def _current_items() -> list[str]:
    return [item for item in _items() if PLANNED not in item]


def test_the_page_lists_what_is_built() -> None:
    # Every item is built in this version (a *(planned)* item would be left out of the checks).
    assert len(_current_items()) == len(_items()) > 20


def test_every_name_outside_planned_items_exists() -> None:
    names = {name for item in _current_items()
             for name in re.findall(r"\bautograd(?:\.[A-Za-z_]\w*)+", item)}
    assert len(names) > 10
    missing = sorted(name for name in names if not _resolves(name))
    assert not missing, f"docs/contract.md names {missing}, which do not exist"


def test_the_resolver_notices_a_missing_name() -> None:
    assert _resolves("autograd.nn.MLP")
    assert not _resolves("autograd.nn.NoSuchThing")
    assert not _resolves("autograd.no_such_module.x")


@pytest.mark.parametrize(
    "block",
    [item for item in _current_items() if item.startswith("```python")],
    ids=lambda b: b.splitlines()[1][:40],
)
def test_the_examples_run(block: str) -> None:
    source = "\n".join(block.splitlines()[1:-1])
    exec(compile(source, "docs/contract.md", "exec"), {})  # the page's own fixed examples


def test_the_readme_points_to_the_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/contract.md)" in readme
    assert "shared folder" not in readme
