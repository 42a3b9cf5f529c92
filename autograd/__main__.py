"""``python -m autograd``: the command line (see :mod:`autograd.cli`)."""

from .cli import main

raise SystemExit(main())
