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

from collections.abc import Callable, Sequence
from typing import Any

from .calls import (
    Argnums,
    as_result,
    bind,
    call_f,
    check_argnums,
    fresh_variables,
    reaches_outer_variable,
    stop_aux,
)
from .engine import (
    Value,
    borrowed_grads,
    chain_rule,
    enable_grad,
    partials_as_values,
    topological_order,
)
from .guard import guard

__all__ = ["grad", "value_and_grad", "hessian", "backprop"]

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
        nums, single = check_argnums(argnums, len(args))
        aux: list[Any] = []
        g = bind(f, kwargs, has_aux, aux)
        with enable_grad():  # asking for a gradient means recording, even inside no_grad()
            variables, nested = fresh_variables(args)
            out = call_f(g, variables)
            wrt = [variables[i] for i in nums]
            nested = nested or reaches_outer_variable(out, wrt)
            ds = backprop(out, wrt, create_graph=nested)
        value = out if nested else out.data
        results = tuple(as_result(d, nested) for d in ds)
        gradient = results[0] if single else results
        if has_aux:
            return (value, stop_aux(aux[0], nested)), gradient
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
        g = bind(f, kwargs, has_aux, aux)
        plain = tuple(a.data if isinstance(a, Value) else a for a in args)
        with enable_grad():
            variables, _ = fresh_variables(plain)
            out = call_f(g, variables)
            if (any(isinstance(a, Value) and reaches_outer_variable(a, ()) for a in args)
                    or reaches_outer_variable(out, variables)):
                raise TypeError(
                    "hessian gives floats, which cannot carry a derivative, but here its result "
                    "depends on a variable of an enclosing grad or jvp: nest "
                    "jacobian(grad(f, argnums=(0, ..., n-1)), argnums=(0, ..., n-1)) instead, "
                    "whose results are Values when nested"
                )
            # The second pass differentiates the first one's graph: while they run, this call
            # is on the stack again, so that an enclosing forward-mode call keeps that graph.
            guard.levels.append(frozenset(variables))
            try:
                first = backprop(out, variables, create_graph=True)
                rows = []
                for d in first:
                    if isinstance(d, Value):
                        rows.append([float(x) for x in backprop(d, variables)])
                    else:
                        rows.append([0.0] * n)
            finally:
                guard.levels.pop()
        if has_aux:
            return rows, stop_aux(aux[0], False)
        return rows

    wrapped.__name__ = f"hessian({getattr(f, '__name__', 'f')})"
    return wrapped


