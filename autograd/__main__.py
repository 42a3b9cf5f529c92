"""``python -m autograd``: the command line (see :mod:`autograd.cli`).

Ctrl-C at any moment from here on ends with one line, ``autograd train: interrupted``, and exit
code 1 (a run that did not finish), never a traceback: the handler below is the first thing this
module does (``signal`` is loaded already, by the package), and the first Ctrl-C turns later
ones off so that nothing interrupts the clean exit it starts. Python imports the package
(``autograd/__init__.py``) before this module runs; a Ctrl-C during that import is answered the
same way by :mod:`autograd.startup`, which the package imports first.
"""

import signal
import sys


def _first_interrupt_only(signum: int, frame: object) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


signal.signal(signal.SIGINT, _first_interrupt_only)
try:
    from .cli import main

    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: the result stands
except KeyboardInterrupt:  # while the command line loads (main handles its own)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    prog = "autograd" + (f" {sys.argv[1]}" if sys.argv[1:2] in (["train"], ["graph"]) else "")
    print(f"{prog}: interrupted", file=sys.stderr, flush=True)
    code = 1
raise SystemExit(code)
