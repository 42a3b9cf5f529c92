"""NumPy's functions on Values: ``np.sin(v)``, ``np.arcsin(v)``, ``np.maximum(v, 2)`` give Values.

NumPy calls ``Value.__array_ufunc__`` when a ufunc meets a Value among its operands; this module
answers it from the op table: each op's ``numpy`` field names its ufunc, so a new op with a
NumPy name is reached here with no edit. With arrays among the operands (``np.maximum(arr, v)``)
the table's op is applied to each element, so every element of the result is a Value made by
that op (a tie in ``maximum`` sends half the gradient to each side, as the table says).

An object array of Values with no Value among the operands (``np.sin(arr)``) never reaches this
module: NumPy runs its own object loop, which calls each element's method of the ufunc's name
(``v.arcsin()``, ``v.arctan2(w)``) or Python's operator; ``Value`` has those methods, so the
elements are Values made by the table's ops. Three ufuncs are the exception, because NumPy's
object loop for them looks only at comparisons: ``np.maximum`` and ``np.minimum`` return one of
the two elements as it is (the gradient then goes wholly to one side at a tie, and a nan is not
kept), and ``np.sign`` returns Python ints. For those, and for ``np.arctan2``/``np.hypot`` with a
plain number in the first place, NumPy's own tool applies the table's function element-wise:
``np.frompyfunc(autograd.maximum, 2, 1)(a, b)``.

This module never imports NumPy (only NumPy calls it); the package imports it, and it gives
``Value`` its ``__array_ufunc__`` method (at the end of this file).

>>> import numpy as np
>>> from autograd import Value
>>> np.sin(Value(0.0))
Value(data=0.0, grad=0.0)
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any

from . import ops
from .engine import Value, apply_op, as_float

__all__ = ["array_ufunc", "UFUNCS", "function_of"]

# Python's operator for each symbol an op of two Values may have. Where NumPy's ufunc is an
# operator (``np.add``, ``np.power``), the operator picks the entry of the table as ``x + 2``
# does: add_const for a plain number, and ``x ** 2`` works for a negative x where ``x ** y``
# needs x > 0.
_OPERATOR_OF_SYMBOL: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "**": operator.pow, "%": operator.mod, "//": operator.floordiv,
}

# ufuncs whose result is a bool: they see the numbers
_PREDICATES = frozenset({"greater", "greater_equal", "less", "less_equal", "equal", "not_equal",
                         "isfinite", "isinf", "isnan", "signbit"})

#: ufunc name -> the op of the table that computes it: every op of one or two Values with a
#: ``numpy`` name. (The ops with a plain constant, such as add_const, share their NumPy name with
#: the op of two Values; Python's operator chooses between them, see :func:`function_of`.)
UFUNCS: dict[str, ops.Op] = {
    op.numpy: op for op in ops.OPS.values()
    if op.numpy and op.arity in (ops.UNARY, ops.BINARY)
}


def function_of(name: str) -> Callable[..., Value] | None:
    """The function that NumPy's ufunc ``name`` is on Values and plain numbers, from the table
    (``None`` if no op has that NumPy name): Python's operator for an arithmetic op, otherwise
    the op itself.

    >>> function_of("arctan2")(Value(1.0), 1.0).op_name
    'atan2'
    >>> function_of("add")(Value(1.0), 1.0).op_name
    'add_const'
    """
    op = UFUNCS.get(name)
    if op is None:
        return None
    if op.arity == ops.BINARY and op.symbol in _OPERATOR_OF_SYMBOL:
        return _OPERATOR_OF_SYMBOL[op.symbol]
    return functools.partial(apply_op, op)


def _plain(x: Any, name: str) -> Any:
    """A Value stays; a NumPy or Python real number becomes a float."""
    if isinstance(x, Value):
        return x
    return as_float(x, f"numpy.{name} operand")


def array_ufunc(ufunc: Any, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any]
                ) -> Any:
    """The result of ``ufunc(*inputs)`` when one of the inputs is a Value."""
    import numpy as np

    name = getattr(ufunc, "__name__", repr(ufunc))
    if method != "__call__" or kwargs:
        return NotImplemented
    if name in _PREDICATES:  # a bool has no gradient to lose
        return ufunc(*[x.data if isinstance(x, Value) else x for x in inputs])
    fn = function_of(name)
    if fn is None:
        known = ", ".join(sorted(UFUNCS))
        raise TypeError(
            f"numpy.{name} has no differentiable op in autograd's table, so it cannot take a "
            f"Value (its gradient would be lost); use v.data for the number, or one of: {known}"
        )
    if any(isinstance(x, np.ndarray) for x in inputs):
        # a Value among arrays: the table's function on each element (NumPy broadcasts), so
        # every element of the result is a Value, whatever NumPy's own object loop would do
        def element(*xs: Any) -> Value:
            return fn(*[_plain(x, name) for x in xs])

        # (each Value boxed in a 0-d object array, or NumPy would ask this function again)
        boxed = [np.asarray(x, dtype=object) if isinstance(x, Value) else x for x in inputs]
        with np.errstate(all="ignore"):  # the table's ops raise their own errors
            return np.frompyfunc(element, len(inputs), 1)(*boxed)
    return fn(*[_plain(x, name) for x in inputs])


def _array_ufunc_method(self: Value, ufunc: Any, method: str, *inputs: Any, **kwargs: Any
                        ) -> Any:
    """NumPy's functions on a Value give Values (``np.sin(v)``), through the op table."""
    return array_ufunc(ufunc, method, inputs, kwargs)


# Value's own method, set here rather than in the engine (which this module imports).
setattr(Value, "__array_ufunc__", _array_ufunc_method)  # noqa: B010
