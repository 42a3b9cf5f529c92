"""A drop-in for Python's ``math`` module that also takes Values: ``from autograd import math``.

Every function of ``math`` that the op table has (its ``math`` field) is here under ``math``'s
name. Given plain numbers it is ``math``'s own function (the same results, errors included);
given a Value it applies the table's op and returns a Value, so the gradient flows through:

>>> from autograd import Value, grad
>>> from autograd import math
>>> math.sin(0.0), math.sqrt(4.0)
(0.0, 2.0)
>>> grad(lambda x: math.sin(x) * math.exp(x))(0.0)
1.0

Everything else in ``math`` (``pi``, ``inf``, ``isclose``, ``factorial``, ...) is passed through
unchanged; those take numbers, so inside ``grad`` they refuse a Value that depends on an argument
(``float()`` of it raises) rather than silently dropping its gradient.
"""

from __future__ import annotations

import math as _math
from collections.abc import Callable
from typing import Any

from . import ops
from .engine import Value, apply_op

__all__ = [
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
    "atanh", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "erf", "fabs",
    "floor", "ceil", "atan2", "hypot", "pow",
    "pi", "e", "tau", "inf", "nan",
]

pi = _math.pi
e = _math.e
tau = _math.tau
inf = _math.inf
nan = _math.nan


def _one(name: str) -> Callable[[Any], Any]:
    """``math.<name>`` for numbers, the table's op of that ``math`` name for a Value."""
    op = next(o for o in ops.OPS.values() if o.math == name and o.arity == ops.UNARY)
    plain: Callable[[Any], Any] = getattr(_math, name, op.forward)  # exp2 is new in 3.11

    def function(x: Any) -> Any:
        if isinstance(x, Value):
            return apply_op(op, x)
        return plain(x)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"math.{name}(x) for a number; for a Value, {op.doc()}"
    return function


def _two(name: str) -> Callable[[Any, Any], Any]:
    op = next(o for o in ops.OPS.values() if o.math == name and o.arity == ops.BINARY)
    plain: Callable[[Any, Any], Any] = getattr(_math, name)

    def function(x: Any, y: Any) -> Any:
        if isinstance(x, Value) or isinstance(y, Value):
            return apply_op(op, x, y)
        return plain(x, y)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"math.{name}(x, y) for numbers; with a Value, {op.doc()}"
    return function


sin = _one("sin")
cos = _one("cos")
tan = _one("tan")
asin = _one("asin")
acos = _one("acos")
atan = _one("atan")
sinh = _one("sinh")
cosh = _one("cosh")
tanh = _one("tanh")
asinh = _one("asinh")
acosh = _one("acosh")
atanh = _one("atanh")
exp = _one("exp")
exp2 = _one("exp2")
expm1 = _one("expm1")
log2 = _one("log2")
log10 = _one("log10")
log1p = _one("log1p")
sqrt = _one("sqrt")
erf = _one("erf")
fabs = _one("fabs")
floor = _one("floor")
ceil = _one("ceil")
atan2 = _two("atan2")
hypot = _two("hypot")
_log = _one("log")


def log(x: Any, base: Any = None) -> Any:
    """``math.log(x[, base])`` for numbers; for a Value, ``log(x) / log(base)`` as Values.

    >>> log(8.0, 2.0)
    3.0
    """
    if base is None:
        return _log(x)
    if isinstance(x, Value) or isinstance(base, Value):
        return _log(x) / _log(base)
    return _math.log(x, base)


def pow(x: Any, y: Any) -> Any:  # noqa: A001 - math's name
    """``math.pow(x, y)`` for numbers; with a Value, ``x ** y`` (the table's power ops).

    >>> pow(2.0, 10.0)
    1024.0
    """
    if isinstance(x, Value) or isinstance(y, Value):
        return x ** y
    return _math.pow(x, y)


def __getattr__(name: str) -> Any:
    # the rest of math, unchanged (constants, isclose, factorial, ...)
    return getattr(_math, name)
