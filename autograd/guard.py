"""No silent loss of gradient: ``float()`` of a Value that depends on an argument of a running
``grad`` (or any other function of the functional API) is refused.

``math.sin(x)`` calls ``float(x)`` and returns a plain number: the graph, and so the gradient,
would be dropped without a word and ``grad`` would return 0. The functional API counts its
running calls here (:meth:`FloatGuard.enter` and :meth:`FloatGuard.exit`); while the count is not
zero, ``Value.__float__`` asks :meth:`FloatGuard.check`, which raises ``TypeError`` if the Value
depends on a variable of a call running on this thread. Outside the functional API the check
costs ``Value.__float__`` one read of an int.

>>> from autograd import grad
>>> import math
>>> grad(lambda x: math.sin(x))(1.0)
Traceback (most recent call last):
...
TypeError: float() of a Value that depends on an argument of grad (or another function of \
the functional API) would drop its gradient: use x.sin() or autograd.math.sin(x) \
(which take Values) instead of math.sin(x), or v.data (or v.item()) to take the number on purpose
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["FloatGuard", "guard"]


class FloatGuard:
    """Counts the functional API's running calls (over all threads) and checks ``float()``."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def enter(self) -> None:
        with self._lock:
            self.calls += 1

    def exit(self) -> None:
        with self._lock:
            self.calls -= 1

    def check(self, value: Any) -> None:
        """Raises ``TypeError`` if ``value`` depends on a variable of a functional call running
        on this thread."""
        from .engine import topological_order
        from .functional import _active

        levels = [level for level in _active.levels if level]
        if not levels:
            return
        for node in topological_order(value):
            if any(node in level for level in levels):
                raise TypeError(
                    "float() of a Value that depends on an argument of grad (or another "
                    "function of the functional API) would drop its gradient: use x.sin() or "
                    "autograd.math.sin(x) (which take Values) instead of math.sin(x), or v.data "
                    "(or v.item()) to take the number on purpose"
                )


#: The one guard that ``Value.__float__`` reads.
guard = FloatGuard()
