"""The live nodes that hold a local derivative which is inf or nan (rare: ``sqrt`` at 0, a
parameter that overflowed, ...).

Why keep them: backward leaves out of its search everything that lies only behind a strong zero
(:data:`autograd.ops.STRONG_ZERO`: a relu that is off, sign, floor, ceil). In PyTorch every node
there still runs, with gradient 0, and sends ``0 * d`` to its parents: exactly 0, so nothing
changes, unless ``d`` is inf or nan, when ``0 * d`` is a nan that PyTorch sends on. Leaving that
part out therefore gives PyTorch's numbers only if no node in it holds such a ``d``. Looking
would be the very search that leaving out saves, so instead every place that makes a node notes
here each node made with such a derivative, for as long as the node lives, and backward leaves
parts out only while there is none, anywhere (:func:`any_alive`).

>>> from autograd import Value
>>> y = Value(0.0).sqrt()     # d/dx sqrt(x) = inf at 0
>>> noted(y), any_alive()
(True, True)
>>> noted(Value(4.0).sqrt())  # 1 / (2 sqrt(4)) = 0.25
False
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any

# Weak references to the nodes, each removing itself from the set when its node dies (the set's
# own ``discard`` is the callback). ``add`` and ``discard`` on a set are atomic, so threads may
# make and drop nodes at once.
_alive: set[weakref.ref[Any]] = set()


def note(node: Any) -> None:
    """Records ``node``, which holds an inf or nan local derivative, until it dies."""
    _alive.add(weakref.ref(node, _alive.discard))


def note_if_nonfinite(node: Any) -> None:
    """Records ``node`` if any of its ``local_grads`` is inf or nan (for the less common ways
    of making a node; the engine's hot node makers test their one or two partials inline)."""
    if not finite(node.local_grads):
        note(node)


def finite(local_grads: Iterable[Any]) -> bool:
    """Whether every local derivative is a finite number (a Value counts by its ``.data``).

    >>> finite((1.0, -2.0)), finite((1.0, float("inf"))), finite((float("nan"),)), finite(())
    (True, False, False, True)
    """
    for d in local_grads:
        d = getattr(d, "data", d)
        try:
            if d - d != 0.0:  # inf - inf and nan - nan are nan; any finite d gives 0.0
                return False
        except TypeError:
            return False  # not a number: assume the worst
    return True


def noted(node: Any) -> bool:
    """Whether ``node`` is recorded here (for tests and the curious: a linear scan)."""
    return any(ref() is node for ref in list(_alive))


def any_alive() -> bool:
    """Whether some node alive anywhere holds an inf or nan local derivative."""
    return bool(_alive)
