"""The command line: ``python -m autograd train ...`` and ``python -m autograd graph ...``.

Exit codes: 0 on success; 2 for a usage or parse error (a bad flag, value or formula, or a bad
combination of flags), found before any work starts; 1 for a failure at run time (a domain
error in a formula, a file that cannot be written, training that diverges, and Ctrl-C: a run
that did not finish). Each error is one line on stderr, ``autograd train: <what>`` or
``autograd graph: <what>``, never a traceback; Ctrl-C prints ``autograd train: interrupted``,
and a second Ctrl-C cannot break that exit. When the reader of the output goes away
(``autograd train | head -n 1``) the command stops quietly, with exit code 1 and no message.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from . import graph_command, train_command
from .cli_base import HelpFormatter, Parser, UsageError

__all__ = ["main", "build_parser", "UsageError"]

#: Exit code after Ctrl-C: a run that did not finish fails at run time (SPEC: 1).
INTERRUPTED = 1


def _version() -> str:
    from . import __version__

    return f"autograd {__version__} (scalar-autograd)"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="autograd",
        description="A scalar reverse-mode autodiff engine: train a small MLP or draw a graph.",
        epilog="Run 'autograd COMMAND --help' for a command's options.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    train_command.add_parser(sub)
    graph_command.add_parser(sub)
    return parser


def _message(err: BaseException) -> str:
    """One line for a run-time failure: the error's own text, or its kind when it has none."""
    if isinstance(err, OSError) and err.filename is not None and err.strerror:
        text = f"cannot write {err.filename}: {err.strerror}" \
            if not isinstance(err, FileNotFoundError) or err.errno is None \
            else f"{err.filename}: {err.strerror}"
    elif isinstance(err, MemoryError):
        text = "out of memory" + (f" ({err})" if str(err) else "") + \
            "; try fewer samples, a smaller model or fewer steps"
    else:
        text = str(err) or type(err).__name__
    return " ".join(text.split())  # one line


def _prog(args_list: Sequence[str]) -> str:
    for arg in args_list:
        if arg in ("train", "graph"):
            return f"autograd {arg}"
        if not arg.startswith("-"):
            break
    return "autograd"


def _print_error(prog: str, message: str) -> None:
    if not message.startswith(prog + ":"):
        message = f"{prog}: {message}"
    print(message, file=sys.stderr, flush=True)


def _quiet_stdout() -> None:
    """After the reader of stdout has gone: send the rest nowhere, so exiting raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _first_interrupt_only(signum: int, frame: object) -> None:
    """SIGINT's handler while a command runs: the first Ctrl-C stops it (``KeyboardInterrupt``,
    which :func:`main` turns into one line), and later ones are ignored, so that a second Ctrl-C
    cannot break that clean exit halfway with a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def _catch_interrupts() -> Any:
    """Installs :func:`_first_interrupt_only` where Python's own handler is in force; returns the
    handler to put back afterwards, or None (``python -m autograd`` installed one already, or
    this is not the main thread, where Python allows no handler)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.default_int_handler:
        return None
    signal.signal(signal.SIGINT, _first_interrupt_only)
    return previous


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    prog = _prog(args_list)
    previous = _catch_interrupts()
    try:
        return _main(args_list, prog)
    except KeyboardInterrupt:  # at any moment, even while another message is printed
        _print_error(prog, "interrupted")
        return INTERRUPTED
    finally:
        # put Python's handler back unless a Ctrl-C came (then the process is on its way out,
        # and a second Ctrl-C must stay ignored)
        if previous is not None and signal.getsignal(signal.SIGINT) is _first_interrupt_only:
            signal.signal(signal.SIGINT, previous)


def _main(args_list: list[str], prog: str) -> int:
    try:
        try:
            args = build_parser().parse_args(graph_command.protect_formula(args_list))
            result: int = args.run(args)
            sys.stdout.flush()
            return result
        except SystemExit as stop:  # --help and --version print and stop
            sys.stdout.flush()
            return stop.code if isinstance(stop.code, int) else 0
    except UsageError as err:
        # "unrecognized arguments" comes from the top parser: name the command anyway
        _print_error(prog if err.prog in (None, "autograd") else err.prog, str(err))
        return 2
    except BrokenPipeError:
        _quiet_stdout()
        return 1
    except Exception as err:  # a failure at run time: one line, no traceback
        _print_error(prog, _message(err))
        return 1
