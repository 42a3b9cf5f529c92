"""What the command line's parts share: :class:`UsageError`, the parser and the help layout.

:mod:`autograd.cli` (the entry point) and each subcommand module (``train_command``,
``graph_command``) import this module, and none of them imports another, so there is no
import circle.

Messages follow one pattern everywhere: ``autograd train: <what is wrong>``, one line.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

__all__ = ["UsageError", "Parser", "HelpFormatter", "flag_given"]


class UsageError(Exception):
    """A bad flag, argument or combination: printed as one line, exit code 2.

    ``prog`` is the command it belongs to (``"autograd train"``); the entry point puts it in
    front of the message when the message does not start with it already.
    """

    def __init__(self, message: str, prog: str | None = None) -> None:
        super().__init__(message)
        self.prog = prog


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that raises :class:`UsageError` instead of printing and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, self.prog)


class HelpFormatter(argparse.HelpFormatter):
    """Adds ``(default: X)`` to an option's help, once, and only where there is a default.

    argparse's own ``ArgumentDefaultsHelpFormatter`` adds ``(default: None)`` to options that
    have none, and a second default to help that already states one; this one does neither.
    In descriptions and epilogs, lines that start with a space (examples) are kept as written;
    the rest is wrapped to the terminal's width.
    """

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        lines = []
        for line in text.splitlines():
            if line.startswith(" ") or not line:
                lines.append(indent + line)
            else:
                lines.append(super()._fill_text(line, width, indent))
        return "\n".join(lines)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if (default is None or str(default) == "None" or default is argparse.SUPPRESS
                or default is False
                or "default" in text or not action.option_strings):
            return text
        return text + " (default: %(default)s)"


def flag_given(args: argparse.Namespace, name: str) -> bool:
    """Whether the user gave option ``name`` (its default is ``None`` in the parser)."""
    value: Any = getattr(args, name, None)
    return value is not None
