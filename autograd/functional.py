"""The functional API: ``grad``, ``value_and_grad`` and ``hessian``, composable to any order.

``grad(f)`` returns a new function that computes derivatives of ``f``. It never reads or writes any
``.grad`` attribute: the gradients are computed in a pass of its own and returned.

How nesting works: each argument of the wrapped function becomes a fresh variable node. A plain
number becomes a new leaf. A Value (as when ``grad`` is called inside another ``grad``) becomes an
``identity`` node whose parent is that Value, so the derivative is taken with respect to this
call's variable only, while the result stays connected to the outer graph. With a Value among the
arguments the backward pass itself is recorded (each local derivative rebuilt as Values from the op
table), so its results are Values that an outer ``grad`` can differentiate again. The same holds
when the arguments are plain numbers but ``f`` closes over a variable of an enclosing ``grad``
(``grad(lambda x: x * grad(lambda y: x * y)(1.0))``): the inner result depends on ``x``, so it is a
Value, or the outer derivative would be wrong. Otherwise plain numbers in give floats out.

>>> f = lambda x: x ** 4
>>> grad(f)(2.0), grad(grad(f))(2.0), grad(grad(grad(f)))(2.0)
(32.0, 48.0, 48.0)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Container, Sequence
from typing import Any

from . import ops
from .engine import (
    Value,
    apply_op,
    as_float,
    borrowed_grads,
    chain_rule,
    enable_grad,
    partials_as_values,
    topological_order,
)
from .guard import guard

__all__ = ["grad", "value_and_grad", "hessian", "backprop"]

Argnums = int | tuple[int, ...]


class _Active(threading.local):
    """The calls of the functional API now running on this thread, innermost last: for a
    reverse-mode call (``grad``, ``vjp``, ...) the set of its variables; for a forward-mode call
    (``jvp``) its level (:class:`autograd.forward.Level`), which holds every node that depends
    on its variables (those with a tangent there). ``node in level`` asks either."""

    def __init__(self) -> None:
        self.levels: list[Container[Value]] = []


_active = _Active()


def _reaches_outer_variable(output: Value, own: Sequence[Value]) -> bool:
    outer = [level for level in _active.levels if level]
    if not outer:
        return False
    for node in topological_order(output, stop=own):
        if any(node in level for level in outer):
            return True
    return False


def backprop(output: Value, wrt: Sequence[Value], create_graph: bool = False) -> list[Any]:
    """d output / d w for each ``w`` in ``wrt``, leaving every ``.grad`` as it was.

    The pass is :func:`autograd.engine.chain_rule`, the loop ``backward()`` runs, on gradients
    borrowed for its duration (:func:`autograd.engine.borrowed_grads`).

    Only paths that end in a node of ``wrt`` are followed. With ``create_graph`` the results are
    Values (or plain floats where the derivative is a constant) that can be differentiated again;
    otherwise they are floats.
    """
    targets = set(wrt)
    order = topological_order(output, stop=targets)
    # A node matters if some node of ``wrt`` lies behind it. Walk from the inputs up (the reverse
    # of ``order`` has every node after its parents) marking the nodes that matter.
    matters: set[Value] = set()
    for node in reversed(order):
        if node in targets or any(p in matters for p in node.parents):
            matters.add(node)
    senders = [node for node in order if node in matters and node not in targets]

    def as_values(node: Value) -> list[tuple[Value, Any]]:
        # the local derivatives as graphs, sent only where a node of ``wrt`` lies behind
        return [(p, d) for p, d in zip(node.parents, partials_as_values(node)) if p in matters]

    with borrowed_grads(order):
        output.grad = 1.0
        chain_rule(senders, as_values if create_graph else None)
        return [w.grad for w in wrt]


def _check_argnums(argnums: Argnums, nargs: int) -> tuple[tuple[int, ...], bool]:
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


def _variables(args: tuple[Any, ...]) -> tuple[list[Value], bool]:
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


def _output(result: Any) -> Value:
    if isinstance(result, Value):
        return result
    try:
        return Value(as_float(result, "f's result"))
    except TypeError:
        raise TypeError(
            "f must return a Value or a real number (a scalar), "
            f"got {type(result).__name__}"
        ) from None


def _call(f: Callable[..., Any], variables: list[Value], level: Container[Value] | None = None
          ) -> Value:
    """``f(*variables)`` as a Value, with the variables (or ``level``, a forward-mode call's)
    known as this thread's innermost level."""
    _active.levels.append(frozenset(variables) if level is None else level)
    guard.enter()  # float() of a Value that depends on the variables now raises (guard.py)
    try:
        return _output(f(*variables))
    finally:
        guard.exit()
        _active.levels.pop()


def _result(d: Any, nested: bool) -> Any:
    if nested:
        return d if isinstance(d, Value) else Value(as_float(d, "a derivative"))
    return float(d.data) if isinstance(d, Value) else float(d)


def value_and_grad(
    f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False
) -> Callable[..., tuple[Any, Any]]:
    """A function that returns ``(f(*args), grad(f, argnums)(*args))`` with one forward pass.

    Keyword arguments pass through to ``f`` and are not differentiated. With ``has_aux=True``,
    ``f`` returns ``(value, aux)`` and the result is ``((value, aux), gradient)``, as in JAX.

    >>> value_and_grad(lambda x, y: x * y, argnums=(0, 1))(3.0, 4.0)
    (12.0, (4.0, 3.0))
    >>> value_and_grad(lambda x: (x * x, "note"), has_aux=True)(3.0)
    ((9.0, 'note'), 6.0)
    """
    if not callable(f):
        raise TypeError(f"value_and_grad needs a callable, got {type(f).__name__}")

    def wrapped(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        nums, single = _check_argnums(argnums, len(args))
        aux: list[Any] = []
        g = _bind(f, kwargs, has_aux, aux)
        with enable_grad():  # asking for a gradient means recording, even inside no_grad()
            variables, nested = _variables(args)
            out = _call(g, variables)
            wrt = [variables[i] for i in nums]
            nested = nested or _reaches_outer_variable(out, wrt)
            ds = backprop(out, wrt, create_graph=nested)
        value = out if nested else out.data
        results = tuple(_result(d, nested) for d in ds)
        gradient = results[0] if single else results
        if has_aux:
            return (value, _stop_aux(aux[0], nested)), gradient
        return value, gradient

    wrapped.__name__ = f"value_and_grad({getattr(f, '__name__', 'f')})"
    wrapped.__doc__ = f"The value and gradient of {getattr(f, '__name__', 'f')}."
    return wrapped


def grad(f: Callable[..., Any], argnums: Argnums = 0, has_aux: bool = False) -> Callable[..., Any]:
    """A function that returns the derivative of ``f`` with respect to argument(s) ``argnums``.

    An int gives one result, a tuple gives a tuple. With plain numbers in, results are floats; if
    any argument is a Value, results are Values connected to its graph, so ``grad`` composes.
    Keyword arguments pass through to ``f`` and are not differentiated; with ``has_aux=True``
    ``f`` returns ``(value, aux)`` and ``grad`` gives ``(gradient, aux)``, as in JAX.

    >>> f = lambda x, y: x * y + y
    >>> grad(f)(2.0, 5.0), grad(f, argnums=(0, 1))(2.0, 5.0)
    (5.0, (5.0, 3.0))
    >>> grad(lambda x, scale=1.0: scale * x * x)(3.0, scale=10.0)
    60.0
    """
    vg = value_and_grad(f, argnums, has_aux)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        value, gradient = vg(*args, **kwargs)
        if has_aux:
            return gradient, value[1]
        return gradient

    wrapped.__name__ = f"grad({getattr(f, '__name__', 'f')})"
    wrapped.__doc__ = f"The gradient of {getattr(f, '__name__', 'f')}."
    return wrapped


def hessian(f: Callable[..., Any], has_aux: bool = False) -> Callable[..., Any]:
    """A function that returns the n x n matrix of second derivatives of ``f``, as floats.

    Keyword arguments pass through to ``f`` and are not differentiated; with ``has_aux=True``
    ``f`` returns ``(value, aux)`` and the result is ``(matrix, aux)``, as in JAX.

    >>> hessian(lambda x, y: x * x * y)(1.0, 2.0)
    [[4.0, 2.0], [2.0, 0.0]]
    >>> hessian(lambda x, p=2: x ** p)(2.0, p=3)
    [[12.0]]

    Its floats cannot carry a derivative, so where the matrix depends on a variable of an
    enclosing call (``grad`` or ``jvp`` of a function that calls ``hessian``) it raises
    ``TypeError``: nest ``jacobian(grad(f, argnums=...), argnums=...)`` there instead.
    """
    if not callable(f):
        raise TypeError(f"hessian needs a callable, got {type(f).__name__}")

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        n = len(args)
        aux: list[Any] = []
        g = _bind(f, kwargs, has_aux, aux)
        plain = tuple(a.data if isinstance(a, Value) else a for a in args)
        with enable_grad():
            variables, _ = _variables(plain)
            out = _call(g, variables)
            if (any(isinstance(a, Value) and _reaches_outer_variable(a, ()) for a in args)
                    or _reaches_outer_variable(out, variables)):
                raise TypeError(
                    "hessian gives floats, which cannot carry a derivative, but here its result "
                    "depends on a variable of an enclosing grad or jvp: nest "
                    "jacobian(grad(f, argnums=(0, ..., n-1)), argnums=(0, ..., n-1)) instead, "
                    "whose results are Values when nested"
                )
            # The second pass differentiates the first one's graph: while they run, this call
            # is on the stack again, so that an enclosing forward-mode call keeps that graph.
            _active.levels.append(frozenset(variables))
            try:
                first = backprop(out, variables, create_graph=True)
                rows = []
                for d in first:
                    if isinstance(d, Value):
                        rows.append([float(x) for x in backprop(d, variables)])
                    else:
                        rows.append([0.0] * n)
            finally:
                _active.levels.pop()
        if has_aux:
            return rows, _stop_aux(aux[0], False)
        return rows

    wrapped.__name__ = f"hessian({getattr(f, '__name__', 'f')})"
    return wrapped


def _bind(f: Callable[..., Any], kwargs: dict[str, Any], has_aux: bool, aux: list[Any]
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


def _stop_aux(aux: Any, nested: bool) -> Any:
    """``aux`` with every Value in it (in tuples, named tuples, lists and dicts too) cut off from
    the graph, as JAX's ``stop_gradient``: auxiliary data is returned, never differentiated, not
    even by an enclosing call. A call that gives floats gives each Value's number; a nested one
    (whose results are Values) gives a detached Value (a new leaf with the same number).

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> _stop_aux({"y": x * x, "n": 3}, nested=False)
    {'y': 4.0, 'n': 3}
    >>> _stop_aux([x * x], nested=True)[0].parents
    ()
    """
    if isinstance(aux, Value):
        return aux.detach() if nested else aux.data
    if isinstance(aux, tuple):
        items = [_stop_aux(a, nested) for a in aux]
        return type(aux)(*items) if hasattr(aux, "_fields") else type(aux)(items)
    if isinstance(aux, list):
        return type(aux)(_stop_aux(a, nested) for a in aux)
    if isinstance(aux, dict):
        return {k: _stop_aux(v, nested) for k, v in aux.items()}
    return aux
