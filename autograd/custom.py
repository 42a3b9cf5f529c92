"""``custom_op``: a user's own op, declared once with its derivative, as good as a built-in one.

The decorated function computes the op on floats; ``partials`` gives its local derivative with
respect to each input from the inputs and the result ``out``, exactly like a rule of the op table
(:mod:`autograd.ops`). The op becomes an entry of that table, so backward, ``grad`` of ``grad``,
``jvp``, ``hessian``, drawings, ``explain`` and traces all treat it like ``tanh``.

>>> import math
>>> from autograd import Value, grad, custom_op
>>> @custom_op(partials=lambda x, out: (1 - out * out,), maths="d/dx = 1 - out**2")
... def mytanh(x: float) -> float:
...     return math.tanh(x)
>>> y = mytanh(Value(0.5))
>>> y.op, round(y.data, 6), round(y.local_grads[0], 6)
('mytanh', 0.462117, 0.786448)
>>> round(grad(grad(mytanh))(0.5), 6)   # the rule is Value-aware, so it differentiates again
-0.726862
>>> from autograd import ops
>>> ops.unregister("mytanh")             # (keeps this example from leaving a table entry behind)

Rules: with floats in, a rule gives the numbers a node stores. For higher order it is run again
with Values (the inputs and ``out`` as graph nodes); written with arithmetic and Value methods
(``x.exp()``, ``x.tanh()``; these work at first order too, where the rule then sees
leaf Values) it then builds the derivative as a graph. A rule that turns a Value
into a float (``float(x)``, ``math.tanh(x)``) works for first derivatives and raises a
``TypeError`` naming the op, and how to mend the rule, when a higher derivative is asked for.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any, overload

from . import ops
from .engine import Value, apply_op, as_float, is_grad_enabled, no_grad
from .ops import Op

__all__ = ["custom_op", "CustomOp"]


class CustomOp:
    """A user's op: call it on Values or numbers (one per input) to get a Value.

    ``op`` is its entry in the op table, ``nargs`` its number of inputs (None: any number).
    """

    def __init__(self, op: Op, nargs: int | None, forward: Callable[..., float]) -> None:
        self.op = op
        self.nargs = nargs
        self.__wrapped__ = forward
        self.__name__ = op.name
        self.__doc__ = forward.__doc__ or op.doc()

    def __call__(self, *args: Value | float) -> Value:
        if self.nargs is not None and len(args) != self.nargs:
            raise TypeError(f"custom op {self.op.name!r} takes {self.nargs} input(s), "
                            f"got {len(args)}")
        if self.nargs is None and not args:
            raise TypeError(f"custom op {self.op.name!r} needs at least one input")
        return apply_op(self.op, *args)

    def __repr__(self) -> str:
        return f"<custom op {self.op.name!r}: {self.op.maths or 'partials given'}>"


@overload
def custom_op(
    forward: Callable[..., float], *, partials: Callable[..., Sequence[Any]],
    domain: str = ..., maths: str = ..., name: str | None = ...,
) -> CustomOp: ...


@overload
def custom_op(
    forward: None = None, *, partials: Callable[..., Sequence[Any]],
    domain: str = ..., maths: str = ..., name: str | None = ...,
) -> Callable[[Callable[..., float]], CustomOp]: ...


def custom_op(
    forward: Callable[..., float] | None = None,
    *,
    partials: Callable[..., Sequence[Any]],
    domain: str = "all real numbers",
    maths: str = "",
    name: str | None = None,
) -> CustomOp | Callable[[Callable[..., float]], CustomOp]:
    """Declares an op from ``forward`` (floats in, a float out) and ``partials``
    (``partials(x1, ..., xn, out)`` gives one local derivative per input).

    Use it as a decorator, ``@custom_op(partials=...)``, or call it,
    ``custom_op(fn, partials=...)``. ``name`` defaults to the function's name and may not be
    a built-in op's; ``domain`` (in words) shows in error messages, ``maths`` in drawings.

    >>> from autograd import Value, ops
    >>> mul3 = custom_op(lambda x, y, z: x * y * z, name="mul3",
    ...                  partials=lambda x, y, z, out: (y * z, x * z, x * y))
    >>> a, b, c = Value(2.0), Value(3.0), Value(4.0)
    >>> d = mul3(a, b, c)
    >>> d.backward()
    >>> d.data, a.grad, b.grad, c.grad
    (24.0, 12.0, 8.0, 6.0)
    >>> ops.unregister("mul3")
    """
    if forward is None:
        def decorate(fn: Callable[..., float]) -> CustomOp:
            return _make(fn, partials, domain, maths, name)
        return decorate
    return _make(forward, partials, domain, maths, name)


def _make(forward: Callable[..., float], partials: Callable[..., Sequence[Any]], domain: str,
          maths: str, name: str | None) -> CustomOp:
    if not callable(forward):
        raise TypeError(f"custom_op needs a function to compute the op, got "
                        f"{type(forward).__name__}")
    if not callable(partials):
        raise TypeError("custom_op(partials=...) must be a function of the inputs and out that "
                        f"returns one derivative per input, got {type(partials).__name__}")
    op_name = name if name is not None else getattr(forward, "__name__", "")
    if not isinstance(op_name, str) or not op_name or op_name == "<lambda>":
        raise ValueError("custom_op needs a name: decorate a def, or pass name='...'")
    nargs = _count_inputs(forward, op_name)
    rule = _Rule(op_name, forward, partials, nargs)
    if nargs == 1:
        op = Op(op_name, op_name, ops.UNARY, rule.forward1, rule.partials1, domain, maths)
    elif nargs == 2:
        op = Op(op_name, op_name, ops.BINARY, rule.forward2, rule.partials2, domain, maths)
    else:
        op = Op(op_name, op_name, ops.NARY, rule.forward_n, rule.partials_n, domain, maths)
    ops.register(op)
    return CustomOp(op, nargs, forward)


def _count_inputs(forward: Callable[..., float], name: str) -> int | None:
    """How many positional inputs ``forward`` takes; None if it takes ``*args``."""
    try:
        params = inspect.signature(forward).parameters.values()
    except (TypeError, ValueError):
        raise TypeError(
            f"custom op {name!r}: cannot tell how many inputs its function takes; wrap it in a "
            "def with named inputs, e.g. def f(x): return math.log(x)"
        ) from None
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return None
    n = sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            and p.default is p.empty)
    if n == 0:
        raise TypeError(f"custom op {name!r}: its function must take at least one input")
    return n


class _Rule:
    """Adapts a user's ``forward(x1, ..., xn)`` and ``partials(x1, ..., xn, out)`` to the table's
    calling conventions, and checks what they return (one object per op, not per node)."""

    def __init__(self, name: str, forward: Callable[..., float],
                 partials: Callable[..., Sequence[Any]], nargs: int | None) -> None:
        self.name = name
        self.user_forward = forward
        self.user_partials = partials
        self.nargs = nargs
        # set once the rule turns out to use Value methods (x.exp()), which floats lack
        self.wants_values = False

    # --- forward: floats in, one float out --------------------------------------------------

    def forward1(self, x: float) -> float:
        return self._number(self.user_forward(x))

    def forward2(self, x: float, y: float) -> float:
        return self._number(self.user_forward(x, y))

    def forward_n(self, xs: Sequence[float]) -> float:
        return self._number(self.user_forward(*xs))

    def _number(self, out: Any) -> float:
        if type(out) is float:
            return out
        return as_float(out, f"the result of custom op {self.name!r}")

    # --- partials: floats (first order) or Values (higher order) ----------------------------

    def partials1(self, x: Any, out: Any) -> tuple[Any, ...]:
        return self.local((x,), out)

    def partials2(self, x: Any, y: Any, out: Any) -> tuple[Any, ...]:
        return self.local((x, y), out)

    def partials_n(self, xs: Sequence[Any], out: Any) -> tuple[Any, ...]:
        return self.local(tuple(xs), out)

    def local(self, xs: tuple[Any, ...], out: Any) -> tuple[Any, ...]:
        if type(out) is float:
            result = self._on_floats(xs, out)
            ds = self._checked(result, len(xs))
            return tuple(d if type(d) is float else self._float(d, i) for i, d in enumerate(ds))
        return self._checked(self._on_values(xs, out), len(xs))

    def _on_floats(self, xs: tuple[Any, ...], out: float) -> Any:
        if not self.wants_values:
            try:
                return self.user_partials(*xs, out)
            except AttributeError:
                # written with Value methods (x.exp()): from now on, run it on leaf Values
                self.wants_values = True
        with no_grad():
            result = self.user_partials(*(Value(x) for x in xs), Value(out))
        if isinstance(result, (tuple, list)):
            return [d.data if isinstance(d, Value) else d for d in result]
        return result

    def _float(self, d: Any, i: int) -> float:
        return as_float(d, f"custom op {self.name!r}: partial {i}")

    def _checked(self, result: Any, n: int) -> tuple[Any, ...]:
        if not isinstance(result, (tuple, list)) or len(result) != n:
            raise TypeError(
                f"custom op {self.name!r}: partials must return a tuple of {n} derivative(s), "
                f"one per input, got {result!r}"
            )
        return tuple(result)

    def _on_values(self, xs: tuple[Any, ...], out: Any) -> Any:
        """The rule run on Values, each seen through a guard that refuses ``float()``."""
        if not is_grad_enabled():
            return self.user_partials(*xs, out)
        guards = [_guard(v) for v in (*xs, out)]
        try:
            return self.user_partials(*guards)
        except _FloatOfValueError:
            raise TypeError(
                f"custom op {self.name!r}: its partials rule turns a Value into a float "
                "(float(), int() or a math.* function), so it cannot give a second derivative "
                "(grad of grad, hessian, hvp, jvp of grad). Write the rule with arithmetic and "
                "Value methods such as x.exp(), x.tanh(), x.log() "
                "(or autograd.math's functions), e.g. partials=lambda x, out: (x.cos(),)"
            ) from None
        finally:
            for g in guards:
                if isinstance(g, Value):
                    g.__class__ = Value


class _FloatOfValueError(TypeError):
    pass


class _Guarded(Value):
    """A Value that refuses to become a float: what a custom rule sees at higher order."""

    __slots__ = ()

    def __float__(self) -> float:
        raise _FloatOfValueError("float() of a Value inside a custom op's partials rule")

    def __int__(self) -> int:
        raise _FloatOfValueError("int() of a Value inside a custom op's partials rule")

    __index__ = __int__


def _guard(v: Any) -> Any:
    # an identity node over v (the derivative still flows to v) that refuses float()
    if not isinstance(v, Value):
        return v
    g = apply_op(ops.IDENTITY, v)
    g.__class__ = _Guarded
    return g
