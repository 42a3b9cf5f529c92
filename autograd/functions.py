"""Functions of two or three inputs, each a Value or a plain number: ``atan2``, ``hypot``,
``maximum``, ``minimum`` and ``clamp``.

Each is one entry of the op table (:mod:`autograd.ops`); a plain number becomes a leaf, which gets
no gradient that anyone sees. The result is always a Value.

>>> from autograd import Value, maximum
>>> a, b = Value(2.0), Value(2.0)
>>> m = maximum(a, b)
>>> m.backward()
>>> a.grad, b.grad            # a tie sends half to each side, as PyTorch
(0.5, 0.5)
"""

from __future__ import annotations

from . import ops
from .engine import Number, Value, apply_op, as_float

__all__ = ["atan2", "hypot", "maximum", "minimum", "clamp"]

Operand = Value | Number


def _apply(op: ops.Op, x: Operand, y: Operand) -> Value:
    return apply_op(op, x, y)


def atan2(y: Operand, x: Operand) -> Value:
    """The angle of the point ``(x, y)``, in ``(-pi, pi]`` (``math.atan2`` argument order).

    >>> round(atan2(Value(1.0), -1.0).data, 4)
    2.3562
    """
    return _apply(ops.ATAN2, y, x)


def hypot(x: Operand, y: Operand) -> Value:
    """``sqrt(x**2 + y**2)`` without overflow or underflow on the way.

    >>> hypot(Value(3.0), 4.0).data
    5.0
    """
    return _apply(ops.HYPOT, x, y)


def maximum(a: Operand, b: Operand) -> Value:
    """The larger of ``a`` and ``b``; at a tie each gets half the gradient (PyTorch's rule).

    >>> maximum(Value(1.0), 2.0).data
    2.0
    """
    return _apply(ops.MAXIMUM, a, b)


def minimum(a: Operand, b: Operand) -> Value:
    """The smaller of ``a`` and ``b``; at a tie each gets half the gradient (PyTorch's rule).

    >>> minimum(Value(1.0), 2.0).data
    1.0
    """
    return _apply(ops.MINIMUM, a, b)


def clamp(x: Operand, lo: Operand | None = None, hi: Operand | None = None) -> Value:
    """``x`` limited to ``[lo, hi]`` (either bound may be None), as ``torch.clamp``.

    The gradient passes to ``x`` on the closed interval (``lo <= x <= hi``) and to the bound
    that is in force outside it. With ``lo > hi`` the result is ``hi``, as in PyTorch.

    >>> x = Value(1.0)
    >>> y = clamp(x, 0.0, 1.0)
    >>> y.backward()
    >>> y.data, x.grad
    (1.0, 1.0)
    """
    if lo is None and hi is None:
        raise ValueError("clamp needs at least one of lo and hi; both are None")
    for name, bound in (("lo", lo), ("hi", hi)):
        if bound is not None and not isinstance(bound, Value):
            as_float(bound, f"clamp {name}")
    out = x if isinstance(x, Value) else Value(as_float(x, "clamp x"))
    if lo is not None:
        out = _apply(ops.CLAMP_MIN, out, lo)
    if hi is not None:
        out = _apply(ops.CLAMP_MAX, out, hi)
    return out
