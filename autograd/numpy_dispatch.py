"""NumPy's functions on Values: ``np.sin(v)``, ``np.arcsin(v)``, ``np.maximum(v, 2)`` give Values.

NumPy calls ``Value.__array_ufunc__`` when a ufunc meets a Value; this module answers it from the
op table (each op's ``numpy`` field names its ufunc). On an object array of Values NumPy calls
each element's method of the ufunc's name instead (``v.arcsin()``), which ``Value`` has too. This
module is imported only when NumPy calls it: the core never imports NumPy.

>>> import numpy as np
>>> from autograd import Value
>>> np.sin(Value(0.0))
Value(data=0.0, grad=0.0)
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from . import ops
from .engine import Value, _as_float, apply_op

__all__ = ["array_ufunc", "UFUNCS"]

# Python's operators where NumPy's ufunc is one: they pick the right entry of the table
# (``x ** 2`` works for a negative x, ``x ** y`` needs x > 0).
_OPERATORS: dict[str, Callable[..., Any]] = {
    "add": operator.add, "subtract": operator.sub, "multiply": operator.mul,
    "divide": operator.truediv, "power": operator.pow, "remainder": operator.mod,
    "floor_divide": operator.floordiv, "negative": operator.neg, "positive": operator.pos,
    "absolute": operator.abs,
}

# ufuncs whose result is a bool: they see the numbers
_PREDICATES = frozenset({"greater", "greater_equal", "less", "less_equal", "equal", "not_equal",
                         "isfinite", "isinf", "isnan", "signbit"})

#: ufunc name -> the op of the table that computes it (functions of one or two Values).
UFUNCS: dict[str, ops.Op] = {
    op.numpy: op for op in ops.OPS.values()
    if op.numpy and op.arity in (ops.UNARY, ops.BINARY) and op.numpy not in _OPERATORS
}


def _plain(x: Any, name: str) -> Any:
    """A Value stays; a NumPy or Python real number becomes a float."""
    if isinstance(x, Value):
        return x
    return _as_float(x, f"numpy.{name} operand")


def array_ufunc(ufunc: Any, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]
                ) -> Any:
    """The result of ``ufunc(*inputs)`` when one of the inputs is a Value."""
    import numpy as np

    name = getattr(ufunc, "__name__", repr(ufunc))
    if method != "__call__" or kwargs:
        return NotImplemented
    if any(isinstance(x, np.ndarray) for x in inputs):
        # a Value among arrays: make it a 0-d object array and let NumPy run its object loop,
        # which calls each element's method (``v.sin()``) or operator
        boxed = [np.asarray(x, dtype=object) if isinstance(x, Value) else x for x in inputs]
        return ufunc(*boxed)
    args = [_plain(x, name) for x in inputs]
    if name in _PREDICATES:  # a bool has no gradient to lose
        return ufunc(*[x.data if isinstance(x, Value) else x for x in args])
    if name in _OPERATORS:
        return _OPERATORS[name](*args)
    op = UFUNCS.get(name)
    if op is None:
        known = ", ".join(sorted([*_OPERATORS, *UFUNCS]))
        raise TypeError(
            f"numpy.{name} has no differentiable op in autograd's table, so it cannot take a "
            f"Value (its gradient would be lost); use v.data for the number, or one of: {known}"
        )
    return apply_op(op, *args)
