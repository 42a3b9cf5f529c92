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
from collections.abc import Callable, Container, Iterable
from typing import Any

__all__ = ["FloatGuard", "guard"]


class _Levels(threading.local):
    def __init__(self) -> None:
        self.levels: list[Container[Any]] = []


class FloatGuard:
    """The functional API's running calls: how many run (over all threads), and on this thread
    the stack of their variables, innermost last. For a reverse-mode call (``grad``, ``vjp``,
    ...) a level is the set of its variables; for a forward-mode call (``jvp``) its
    :class:`autograd.forward.Level`, which holds every node that depends on its variables
    (those with a tangent there). ``node in level`` asks either."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()
        self._local = _Levels()

    @property
    def levels(self) -> list[Container[Any]]:
        """This thread's stack of running calls' variables, innermost last."""
        return self._local.levels

    def enter(self, level: Container[Any]) -> None:
        """A call starts on this thread, with ``level`` its variables."""
        self._local.levels.append(level)
        with self._lock:
            self.calls += 1

    def exit(self) -> None:
        """The innermost call on this thread has ended."""
        with self._lock:
            self.calls -= 1
        self._local.levels.pop()

    def check(self, value: Any, nodes_behind: Callable[[Any], Iterable[Any]]) -> None:
        """Raises ``TypeError`` if ``value`` depends on a variable of a functional call running
        on this thread; ``nodes_behind(value)`` gives every node behind it (the engine's search,
        passed in: this module does not import the engine, which imports it)."""
        levels = [level for level in self._local.levels if level]
        if not levels:
            return
        for node in nodes_behind(value):
            if any(node in level for level in levels):
                raise TypeError(
                    "float() of a Value that depends on an argument of grad (or another "
                    "function of the functional API) would drop its gradient: use x.sin() or "
                    "autograd.math.sin(x) (which take Values) instead of math.sin(x), or v.data "
                    "(or v.item()) to take the number on purpose"
                )


#: The one guard that ``Value.__float__`` reads.
guard = FloatGuard()
