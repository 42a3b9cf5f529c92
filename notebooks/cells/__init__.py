"""Each notebook's cells, one module per notebook (``nbNN_name.py`` with ``NAME`` and ``CELLS``)."""

from __future__ import annotations

Cell = tuple[str, str]  # ("md" | "code", source)


def md(text: str) -> Cell:
    return ("md", text.strip("\n"))


def code(text: str) -> Cell:
    return ("code", text.strip("\n"))
