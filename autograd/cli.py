"""The command line: ``python -m autograd train ...`` and ``python -m autograd graph ...``.

Exit codes: 0 on success, 2 for a usage or parse error, 1 for a failure at run time; either error
is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


class UsageError(Exception):
    """A bad flag or argument: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="autograd",
        description="A scalar reverse-mode autodiff engine: train a small MLP or draw a graph.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    from . import graph_command, train_command

    train_command.add_parser(sub)
    graph_command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(args_list)
        result: int = args.run(args)
        return result
    except UsageError as err:
        print(str(err), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("autograd: interrupted", file=sys.stderr)
        return 1
    except Exception as err:  # a failure at run time: one line, no traceback
        print(f"autograd: error: {err}", file=sys.stderr)
        return 1
