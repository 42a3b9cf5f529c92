"""What every function of the functional API shares (:mod:`autograd.functional` and
:mod:`autograd.forward`): checking ``argnums``, making each argument a fresh variable, calling
``f`` with its variables known as this thread's innermost running call (the stack of running
calls lives in :mod:`autograd.guard`, which ``float()`` asks), shaping results, and keyword
arguments and auxiliary outputs, which pass through and are never differentiated.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from typing import Any

from . import ops
from .engine import Value, apply_op, as_float, topological_order
from .guard import guard

__all__ = ["Argnums", "reaches_outer_variable", "check_argnums", "fresh_variables", "as_output",
           "call_f", "as_result", "bind", "stop_aux"]

Argnums = int | tuple[int, ...]


def reaches_outer_variable(output: Value, own: Sequence[Value]) -> bool:
    outer = [level for level in guard.levels if level]
    if not outer:
        return False
    for node in topological_order(output, stop=own):
        if any(node in level for level in outer):
            return True
    return False


def check_argnums(argnums: Argnums, nargs: int) -> tuple[tuple[int, ...], bool]:
    single = isinstance(argnums, int) and not isinstance(argnums, bool)
    nums: object = (argnums,) if single else argnums
    if not isinstance(nums, tuple) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in nums
    ):
        raise TypeError(f"argnums must be an int or a tuple of ints, got {argnums!r}")
    out: list[int] = []
    for i in nums:
        if not -nargs <= i < nargs:
            raise ValueError(
                f"argnums {i} is out of range for a call with {nargs} argument(s)"
            )
        out.append(i % nargs)
    return tuple(out), single


def fresh_variables(args: tuple[Any, ...]) -> tuple[list[Value], bool]:
    """A fresh variable node for each argument, and whether any argument was a Value."""
    nested = False
    variables = []
    for i, a in enumerate(args):
        if isinstance(a, Value):
            nested = True
            variables.append(apply_op(ops.IDENTITY, a))
        else:
            variables.append(Value(as_float(a, f"argument {i}")))
    return variables, nested


def as_output(result: Any) -> Value:
    if isinstance(result, Value):
        return result
    try:
        return Value(as_float(result, "f's result"))
    except TypeError:
        raise TypeError(
            "f must return a Value or a real number (a scalar), "
            f"got {type(result).__name__}"
        ) from None


def call_f(f: Callable[..., Any], variables: list[Value], level: Container[Value] | None = None
          ) -> Value:
    """``f(*variables)`` as a Value, with the variables (or ``level``, a forward-mode call's)
    known as this thread's innermost level."""
    # float() of a Value that depends on the variables now raises (guard.py)
    guard.enter(frozenset(variables) if level is None else level)
    try:
        return as_output(f(*variables))
    finally:
        guard.exit()


def as_result(d: Any, nested: bool) -> Any:
    if nested:
        return d if isinstance(d, Value) else Value(as_float(d, "a derivative"))
    return float(d.data) if isinstance(d, Value) else float(d)


def bind(f: Callable[..., Any], kwargs: dict[str, Any], has_aux: bool, aux: list[Any]
          ) -> Callable[..., Any]:
    """``f`` with its keyword arguments fixed, and with ``has_aux`` its aux output put in ``aux``
    (so that what is differentiated is the value alone)."""
    if not kwargs and not has_aux:
        return f

    def bound(*xs: Any) -> Any:
        result = f(*xs, **kwargs)
        if not has_aux:
            return result
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise TypeError(
                "with has_aux=True, f must return a pair (value, aux), "
                f"got {type(result).__name__}: {result!r}"
            )
        aux.append(result[1])
        return result[0]

    return bound


def stop_aux(aux: Any, nested: bool) -> Any:
    """``aux`` with every Value in it (in tuples, named tuples, lists and dicts too) cut off from
    the graph, as JAX's ``stop_gradient``: auxiliary data is returned, never differentiated, not
    even by an enclosing call. A call that gives floats gives each Value's number; a nested one
    (whose results are Values) gives a detached Value (a new leaf with the same number).

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> stop_aux({"y": x * x, "n": 3}, nested=False)
    {'y': 4.0, 'n': 3}
    >>> stop_aux([x * x], nested=True)[0].parents
    ()
    """
    if isinstance(aux, Value):
        return aux.detach() if nested else aux.data
    if isinstance(aux, tuple):
        items = [stop_aux(a, nested) for a in aux]
        return type(aux)(*items) if hasattr(aux, "_fields") else type(aux)(items)
    if isinstance(aux, list):
        return type(aux)(stop_aux(a, nested) for a in aux)
    if isinstance(aux, dict):
        return {k: stop_aux(v, nested) for k, v in aux.items()}
    return aux
