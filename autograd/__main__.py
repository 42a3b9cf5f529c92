"""``python -m autograd``: the command line (see :mod:`autograd.cli`)."""

import sys

try:
    from .cli import main
except KeyboardInterrupt:  # Ctrl-C while the package loads: one line, as everywhere else
    print("autograd: interrupted", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
