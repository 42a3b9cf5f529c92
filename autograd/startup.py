"""Ctrl-C while the command line is still importing the package: one line and exit code 1.

``python -m autograd`` (and the ``autograd`` command) import the whole package before their own
code runs, and :mod:`autograd.__main__` installs its handler first thing after that. A Ctrl-C in
the import itself would otherwise end with Python's traceback and exit code 130. The package
imports this module first, which calls :func:`begin`, and calls :func:`end` after its other
imports; both do nothing unless this process is running the command line, so importing
autograd from a program changes no signal handler. (Only the interpreter's own start-up,
before any of the package's code runs, is left to Python.)
"""

from __future__ import annotations

import os
import signal
import sys
import threading

__all__ = ["begin", "end", "command_words"]

#: The options of the ``python`` command that take the next word as their value.
_WITH_VALUE = ("-W", "-X", "--check-hash-based-pycs")

_prog = "autograd"


def command_words(orig_argv: list[str], argv: list[str]) -> list[str] | None:
    """The words after the program when the process runs autograd's command line, else None.

    >>> command_words(["python", "-X", "dev", "-m", "autograd", "train"], ["-m", "train"])
    ['train']
    >>> command_words(["python", "-m", "pytest"], ["-m"]) is None
    True
    >>> command_words(["python", "/venv/bin/autograd", "graph"], ["/venv/bin/autograd", "graph"])
    ['graph']
    """
    words = orig_argv[1:]
    skip = False
    for i, word in enumerate(words):
        if skip:
            skip = False
        elif word == "-m":
            return words[i + 2:] if words[i + 1:i + 2] == ["autograd"] else None
        elif word == "-mautograd":
            return words[i + 1:]
        elif word in _WITH_VALUE:
            skip = True
        elif word == "-c" or not word.startswith("-"):
            break  # a command string or a script
    if argv and os.path.basename(argv[0]) == "autograd":  # the installed command
        return argv[1:]
    return None


def _interrupted(signum: int, frame: object) -> None:
    # Nothing has been written yet, so there is nothing to clean up: say it and stop.
    os.write(2, f"{_prog}: interrupted\n".encode())
    os._exit(1)


def begin() -> None:
    """Installs the handler for the package's import, if this process is the command line."""
    global _prog
    words = command_words(list(getattr(sys, "orig_argv", [])), list(sys.argv))
    if words is None or threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return  # someone else's handler: leave it
    _prog = "autograd" + (f" {words[0]}" if words[:1] in (["train"], ["graph"]) else "")
    signal.signal(signal.SIGINT, _interrupted)


def end() -> None:
    """Puts Python's handler back (the command line installs its own next)."""
    if signal.getsignal(signal.SIGINT) is _interrupted:
        signal.signal(signal.SIGINT, signal.default_int_handler)


begin()  # on import: the package imports this module before anything else
