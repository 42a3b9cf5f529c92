"""Forward mode and the rest of the functional API: ``jvp``, ``vjp``, ``jacobian`` and ``hvp``.

Forward mode carries, beside every value, its *tangent*: how fast it moves when the inputs move in
a chosen direction. A node made by an op with local partials ``p_i`` from parents with tangents
``t_i`` has the tangent ``sum_i p_i * t_i`` (the chain rule read from the inputs forward, as with
dual numbers ``a + b*eps``, ``eps**2 = 0``). Those ``p_i`` are the very numbers the op table
already gives every node (``local_grads``), so any op, built-in or :func:`autograd.custom_op`,
has forward mode with no extra rule.

Here ``f`` runs once on Values, recording its graph as usual; the tangents are then pushed through
that graph from the inputs to the output, in the order the nodes were made. One directional
derivative costs one such sweep; a full gradient of ``f: R^n -> R`` needs ``n`` of them, where
reverse mode (:func:`autograd.grad`) needs one backward sweep. That is why backprop is reverse
mode.

Nesting: each call marks its arguments with fresh variable nodes (as :func:`autograd.grad`
does) and seeds tangents on those nodes only, so a perturbation is always tagged by the call that
made it; nested calls (``jvp`` of ``jvp``, ``jvp`` of ``grad``, ``grad`` of ``jvp``) cannot
confuse them. When an argument is a Value, or ``f`` reads a variable of an enclosing call, the
sweep is recorded (each partial rebuilt as Values from the op table), so results are Values that
an outer call can differentiate again.

>>> jvp(lambda x, y: x * y, (3.0, 4.0), (1.0, 0.0))
(12.0, 4.0)
>>> value, pullback = vjp(lambda x, y: x * y, 3.0, 4.0)
>>> value, pullback(1.0)
(12.0, (4.0, 3.0))
>>> hvp(lambda x, y: x * x * y)((1.0, 2.0), (1.0, 0.0))
(4.0, 2.0)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .engine import Value, as_float, dot, enable_grad, partials_as_values, topological_order
from .engine import sum as engine_sum
from .functional import (
    _call,
    _check_argnums,
    _reaches_outer_variable,
    _result,
    _variables,
    backprop,
    grad,
)

__all__ = ["jvp", "vjp", "jacobian", "hvp"]

#: What ``f`` may return here: a Value (or number), or a list or tuple of them.
_Outputs = tuple[list[Value], type | None]


def _as_outputs(result: Any) -> _Outputs:
    """``f``'s result as a list of Values, and the container type it came in (None: a scalar)."""
    if isinstance(result, (list, tuple)):
        outs = [r if isinstance(r, Value) else Value(as_float(r, f"f's output {i}"))
                for i, r in enumerate(result)]
        return outs, type(result)
    if isinstance(result, Value):
        return [result], None
    try:
        return [Value(as_float(result, "f's result"))], None
    except TypeError:
        raise TypeError(
            "f must return a Value, a number, or a list or tuple of them, "
            f"got {type(result).__name__}"
        ) from None


def _shaped(items: list[Any], kind: type | None) -> Any:
    if kind is None:
        return items[0]
    return tuple(items) if kind is tuple else list(items)


def _forward_order(outputs: Sequence[Value], stop: Sequence[Value]) -> list[Value]:
    """Every node behind ``outputs``, each after all of its parents; parents of ``stop`` nodes
    are not followed (they belong to an enclosing call's graph)."""
    if len(outputs) == 1:
        order = topological_order(outputs[0], stop=stop)
        order.reverse()
        return order
    # Several outputs share most of their graph: search it once, from one node joining them all
    # (dropped again from the end of the list).
    joined = engine_sum(outputs)
    order = topological_order(joined, stop=stop)
    order.reverse()
    order.pop()
    return order


def push_tangents(
    order: Sequence[Value],
    seeds: dict[Value, Any],
    outputs: Sequence[Value],
    create_graph: bool = False,
) -> list[Any]:
    """Forward-mode sweep: the tangent of each of ``outputs``, given the tangents ``seeds`` of
    some nodes and ``order`` (parents before children, as :func:`_forward_order` gives).

    Each node's tangent is ``sum_i partial_i * tangent(parent_i)`` over the parents that have a
    tangent; nodes that depend on no seeded node get none (tangent 0). With ``create_graph`` the
    partials are rebuilt as Values (:func:`autograd.engine.partials_as_values`), so the
    tangents are graphs that can be differentiated again.

    >>> from autograd import Value
    >>> x = Value(3.0)
    >>> y = x * x + x
    >>> push_tangents(_forward_order([y], [x]), {x: 1.0}, [y])
    [7.0]
    """
    tangent = dict(seeds)
    get = tangent.get
    for node in order:
        if node in seeds or not node.parents:
            continue
        # tangents of the parents, None where a parent does not move
        moving = [get(p) for p in node.parents]
        if all(t is None for t in moving):
            continue
        local = partials_as_values(node) if create_graph else node.local_grads
        total: Any = None
        for d, t in zip(local, moving):
            if t is not None:
                total = d * t if total is None else total + d * t
        tangent[node] = total
    return [get(o, 0.0) for o in outputs]


def _check_pair(primals: Any, tangents: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(
            "jvp(f, primals, tangents) takes primals and tangents as tuples, one entry per "
            f"argument of f (got {type(primals).__name__} and {type(tangents).__name__}); "
            "for one argument write jvp(f, (x,), (1.0,))"
        )
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp: {len(primals)} primal(s) but {len(tangents)} tangent(s); give one tangent "
            "per primal"
        )
    ts = tuple(t if isinstance(t, Value) else as_float(t, f"tangent {i}")
               for i, t in enumerate(tangents))
    return tuple(primals), ts


def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]
        ) -> tuple[Any, Any]:
    """``(f(*primals), J_f(primals) @ tangents)``: the value of ``f`` and its derivative in the
    direction ``tangents``, by forward mode.

    ``f`` returns a Value (or number), or a list or tuple of them; the directional derivative
    comes in the same shape. With plain numbers in, results are floats; with a Value among
    ``primals`` or ``tangents`` (as when nested), results are Values on its graph.

    ``jvp(f, x, e_i)`` is the i-th partial derivative:

    >>> f = lambda x, y: (x * y).tanh() + x ** 3
    >>> value, dfdx = jvp(f, (1.0, 2.0), (1.0, 0.0))
    >>> round(dfdx, 6) == round(grad(f)(1.0, 2.0), 6)
    True
    >>> jvp(lambda x: [x * x, 3 * x], (2.0,), (1.0,))
    ([4.0, 6.0], [4.0, 3.0])
    """
    if not callable(f):
        raise TypeError(f"jvp needs a callable, got {type(f).__name__}")
    primals, tangents = _check_pair(primals, tangents)
    with enable_grad():  # asking for a derivative means recording, even inside no_grad()
        variables, nested = _variables(primals)
        outs, kind = _call_many(f, variables)
        nested = (nested or any(isinstance(t, Value) for t in tangents)
                  or any(_reaches_outer_variable(o, variables) for o in outs))
        order = _forward_order(outs, variables)
        seeds = dict(zip(variables, tangents))
        ds = push_tangents(order, seeds, outs, create_graph=nested)
    values = [o if nested else o.data for o in outs]
    return _shaped(values, kind), _shaped([_result(d, nested) for d in ds], kind)


def _call_many(f: Callable[..., Any], variables: list[Value]) -> _Outputs:
    """``f(*variables)`` as a list of output Values, run as this thread's innermost call."""
    kind: list[type | None] = []

    def scalar(*xs: Value) -> Value:
        outs, k = _as_outputs(f(*xs))
        kind.append(k)
        box.extend(outs)
        return outs[0] if outs else Value(0.0)

    box: list[Value] = []
    _call(scalar, variables)
    return box, kind[0]


def vjp(f: Callable[..., Any], *primals: Any) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]:
    """``(f(*primals), vjp_fn)``: ``vjp_fn(cotangent)`` is ``cotangent @ J_f(primals)``, one
    derivative per primal, as a tuple (reverse mode; ``f`` runs once, ``vjp_fn`` may be called
    many times).

    ``cotangent`` is a number for an ``f`` that returns a Value, a list of numbers (one per
    output) for an ``f`` that returns a list or tuple.

    >>> value, vjp_fn = vjp(lambda x, y: [x * y, x + y], 2.0, 5.0)
    >>> value, vjp_fn([1.0, 0.0]), vjp_fn([0.0, 1.0])
    ([10.0, 7.0], (5.0, 2.0), (1.0, 1.0))
    """
    if not callable(f):
        raise TypeError(f"vjp needs a callable, got {type(f).__name__}")
    with enable_grad():
        variables, nested = _variables(primals)
        outs, kind = _call_many(f, variables)
        nested = nested or any(_reaches_outer_variable(o, variables) for o in outs)
    value = _shaped([o if nested else o.data for o in outs], kind)

    def vjp_fn(cotangent: Any) -> tuple[Any, ...]:
        cots = _cotangents(cotangent, len(outs), kind)
        deep = nested or any(isinstance(c, Value) for c in cots)
        with enable_grad():
            if kind is None:
                ds = backprop(outs[0], variables, create_graph=deep)
                c = cots[0]
                if not (type(c) is float and c == 1.0):
                    ds = [d * c for d in ds]
            else:
                # one backward pass for all outputs: through sum_k cotangent_k * output_k
                ds = backprop(dot(outs, cots, Value(0.0)), variables, create_graph=deep)
        return tuple(_result(d, deep) for d in ds)

    return value, vjp_fn


def _cotangents(cotangent: Any, m: int, kind: type | None) -> list[Any]:
    if kind is None:
        if isinstance(cotangent, (list, tuple)):
            raise TypeError("vjp_fn: f returns one Value, so the cotangent is one number, "
                            f"got a {type(cotangent).__name__}")
        items = [cotangent]
    else:
        if not isinstance(cotangent, (list, tuple)) or len(cotangent) != m:
            raise ValueError(f"vjp_fn: f returns {m} outputs, so the cotangent is a list of {m} "
                             f"numbers, got {cotangent!r}")
        items = list(cotangent)
    return [c if isinstance(c, Value) else as_float(c, "cotangent") for c in items]


def jacobian(
    f: Callable[..., Any], argnums: int | tuple[int, ...] = 0, mode: str = "rev"
) -> Callable[..., list[list[Any]]]:
    """A function that returns the m x n matrix of first derivatives of ``f``: m outputs (one if
    ``f`` returns a Value), n arguments in ``argnums``.

    ``mode="rev"`` takes one backward sweep per output, ``mode="fwd"`` one forward (tangent)
    sweep per argument; both give the same numbers, so pick the one with fewer sweeps.

    >>> f = lambda x, y: [x * y, x + y, x.sin()]
    >>> jacobian(f, argnums=(0, 1))(0.0, 2.0)
    [[2.0, 0.0], [1.0, 1.0], [1.0, 0.0]]
    >>> jacobian(f, argnums=(0, 1), mode="fwd")(0.0, 2.0)
    [[2.0, 0.0], [1.0, 1.0], [1.0, 0.0]]
    """
    if not callable(f):
        raise TypeError(f"jacobian needs a callable, got {type(f).__name__}")
    if mode not in ("rev", "fwd"):
        raise ValueError(f"jacobian mode must be 'rev' or 'fwd', got {mode!r}")
    def wrapped(*args: Any) -> list[list[Any]]:
        nums, _ = _check_argnums(argnums, len(args))
        with enable_grad():
            variables, nested = _variables(args)
            outs, _ = _call_many(f, variables)
            wrt = [variables[i] for i in nums]
            nested = nested or any(_reaches_outer_variable(o, wrt) for o in outs)
            if mode == "rev":
                rows = [backprop(o, wrt, create_graph=nested) for o in outs]
            else:
                order = _forward_order(outs, variables)
                columns = [push_tangents(order, {w: 1.0}, outs, create_graph=nested)
                           for w in wrt]
                rows = [[col[k] for col in columns] for k in range(len(outs))]
        return [[_result(d, nested) for d in row] for row in rows]

    wrapped.__name__ = f"jacobian({getattr(f, '__name__', 'f')})"
    return wrapped


def hvp(f: Callable[..., Any]) -> Callable[[Sequence[Any], Sequence[Any]], tuple[Any, ...]]:
    """A function ``(primals, tangents) -> H(primals) @ tangents``, the Hessian of ``f`` times a
    vector, as a tuple: forward mode over reverse mode (``jvp`` of ``grad``), so the n x n
    Hessian is never formed; it costs about as much as a few gradients.

    >>> hvp(lambda x, y: x ** 3 * y)((1.0, 2.0), (0.0, 1.0))
    (3.0, 0.0)
    """
    if not callable(f):
        raise TypeError(f"hvp needs a callable, got {type(f).__name__}")

    def wrapped(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, ...]:
        primals, tangents = _check_pair(primals, tangents)
        gradient = grad(f, argnums=tuple(range(len(primals))))
        _, product = jvp(gradient, primals, tangents)
        return tuple(product)

    wrapped.__name__ = f"hvp({getattr(f, '__name__', 'f')})"
    return wrapped
