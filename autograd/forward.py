"""Forward mode and the rest of the functional API: ``jvp``, ``vjp``, ``jacobian`` and ``hvp``.

Forward mode carries, beside every value, its *tangent*: how fast it moves when the inputs move in
a chosen direction. A node made by an op with local partials ``p_i`` from parents with tangents
``t_i`` has the tangent ``sum_i p_i * t_i`` (the chain rule read from the inputs forward, as with
dual numbers ``a + b*eps``, ``eps**2 = 0``). Those ``p_i`` are the very numbers the op table
already gives every node (``local_grads``), so any op, built-in or :func:`autograd.custom_op`,
has forward mode with no extra rule.

One pass: while ``jvp`` runs ``f``, each node gets its tangent the moment it is made (the engine
hands every new node to :func:`_on_node`), from its parents' tangents. Nothing is swept
afterwards, and when nothing else differentiates the result the nodes keep no parents (as under
``no_grad``): the graph is never stored, so a chain a million steps long needs no more memory than
one step. The tangents live in a table of the call (:class:`Level`), keyed weakly by node, so a
tangent goes when its node goes.

Nesting: each call is a *level* with its own table, the tag of its perturbation, so nested
calls cannot confuse them: ``x``'s perturbation lives in the outer call's table and ``y``'s in the
inner one's. When another call encloses this one (``jvp`` of ``jvp``, ``grad`` of ``jvp``) or an
argument is a Value, tangents are built as Values, from the op table's partials rebuilt as Values
(:func:`autograd.engine.partials_as_values`), while only the enclosing levels look on: so the
enclosing call sees how the tangent itself moves, and its results are Values an outer call can
differentiate again. ``jvp`` of ``grad`` is forward mode run over the backward pass's own nodes.

A gradient of ``f: R^n -> R`` needs ``n`` forward passes, one per input direction, where reverse
mode (:func:`autograd.grad`) needs one backward pass: that is why backprop is reverse mode.

>>> jvp(lambda x, y: x * y, (3.0, 4.0), (1.0, 0.0))
(12.0, 4.0)
>>> value, pullback = vjp(lambda x, y: x * y, 3.0, 4.0)
>>> value, pullback(1.0)
(12.0, (4.0, 3.0))
>>> hvp(lambda x, y: x * x * y)((1.0, 2.0), (1.0, 0.0))
(4.0, 2.0)
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from . import engine, ops
from .calls import (
    as_result,
    bind,
    call_f,
    check_argnums,
    fresh_variables,
    reaches_outer_variable,
    stop_aux,
)
from .engine import Value, as_float, dot, enable_grad, partials_as_values, topological_order
from .engine import sum as engine_sum
from .functional import backprop, grad
from .guard import guard

__all__ = ["jvp", "vjp", "jacobian", "hvp"]

#: What ``f`` may return here: a Value (or number), or a list or tuple of them.
_Outputs = tuple[list[Value], type | None]


# ---------------------------------------------------------------------------------------------
# Levels: one per running forward-mode call, holding the tangents of its perturbation
# ---------------------------------------------------------------------------------------------


class _Entry(weakref.ref):  # type: ignore[type-arg]
    """A node's tangent in one level's table: a weak reference to the node (so the table never
    keeps a node alive) that also holds the table's key and the tangent."""

    __slots__ = ("key", "tangent")

    key: int
    tangent: Any


class Level:
    """One running forward-mode call: the tag of its perturbation, and the tangent of every
    node that depends on its variables (``node in level`` asks whether one does).

    ``values``: tangents are built as Values (another call encloses this one, or an argument
    is a Value), else floats. ``record``: some call on this thread differentiates in reverse
    mode (or the arguments were a user's Values), so nodes must keep their parents; else they
    are left as leaves once they have their tangent.
    """

    __slots__ = ("table", "values", "record", "_drop")

    def __init__(self, values: bool, record: bool) -> None:
        table: dict[int, _Entry] = {}

        def drop(entry: _Entry) -> None:
            # the node is gone: forget its tangent (unless the key is already a new node's)
            if table.get(entry.key) is entry:
                del table[entry.key]

        self.table = table
        self.values = values
        self.record = record
        self._drop = drop

    def get(self, node: Value) -> Any:
        """The node's tangent here, or None if it does not depend on this call's variables."""
        entry = self.table.get(id(node))
        return entry.tangent if entry is not None and entry() is node else None

    def put(self, node: Value, tangent: Any) -> None:
        entry = _Entry(node, self._drop)
        entry.key = id(node)
        entry.tangent = tangent
        self.table[entry.key] = entry

    def __contains__(self, node: object) -> bool:
        return isinstance(node, Value) and self.get(node) is not None

    def __bool__(self) -> bool:
        return True

    def close(self) -> None:
        """Forgets every tangent (the call has returned; its perturbation no longer exists)."""
        self.table.clear()


class _Forward(threading.local):
    """The forward-mode calls running on this thread, outermost first."""

    def __init__(self) -> None:
        self.levels: list[Level] = []


_fwd = _Forward()
_hook_lock = threading.Lock()
_running = 0  # forward-mode calls running, over all threads: the hook is set while not 0


def _install() -> None:
    global _running
    with _hook_lock:
        _running += 1
        engine.tangent_hook = _on_node


def _uninstall() -> None:
    global _running
    with _hook_lock:
        _running -= 1
        if not _running:
            engine.tangent_hook = None


def _on_node(v: Value) -> None:
    """The engine calls this with every node it makes while forward mode runs: gives ``v`` its
    tangent at each level of this thread, outermost first, then (forward mode alone) drops its
    parents."""
    levels = _fwd.levels
    if not levels:
        return  # another thread's forward mode
    if v._fn is None:
        return  # a leaf: no tangent (constant)
    # The node's slots, read as the engine's own loops read them: a single parent and its
    # derivative are kept bare, not in tuples (see autograd.engine.Value._parents).
    parents = v._parents
    local = v._local
    # A strong zero (a relu that is off, a step function) passes no tangent, not even a nan
    # one, as in PyTorch's forward mode (and as backward passes no gradient through it).
    for i, level in enumerate(() if local is ops.STRONG_ZERO else levels):
        if level.values:
            t = _value_tangent(v, level, levels, i)
        else:
            t = _float_tangent(parents, local, level.table)
        if t is not None:
            level.put(v, t)
    stack = guard.levels
    if stack:
        top = stack[-1]
        if type(top) is Level and not top.record:
            # Forward mode alone: the tangent is all that is needed, so keep no graph.
            v._parents = ()
            v._local = ()
            v._fn = None
            v._arg = None


def _float_tangent(parents: Value | tuple[Value, ...], local: Any,
                   table: dict[int, _Entry]) -> Any:
    """``sum_i local_i * tangent(parent_i)`` over the parents that have a tangent, as floats;
    None if none has (the node does not move). One parent comes bare, with its derivative."""
    if type(parents) is not tuple:
        entry = table.get(id(parents))
        if entry is not None and entry() is parents:
            return local * entry.tangent
        return None
    total: Any = None
    for p, d in zip(parents, local):
        entry = table.get(id(p))
        if entry is not None and entry() is p:
            t = entry.tangent
            total = d * t if total is None else total + d * t
    return total


def _value_tangent(v: Value, level: Level, levels: list[Level], i: int) -> Any:
    """As :func:`_float_tangent`, with the partials rebuilt as Values: the arithmetic is made
    while only the enclosing levels (``levels[:i]``) look on, so they see how the tangent
    moves, and it never gets a tangent of its own level (``eps**2 = 0``)."""
    ts = [level.get(p) for p in v.parents]
    if all(t is None for t in ts):
        return None
    _fwd.levels = levels[:i]
    try:
        total: Any = None
        for d, t in zip(partials_as_values(v), ts):
            if t is not None:
                total = d * t if total is None else total + d * t
        return total
    finally:
        _fwd.levels = levels


# ---------------------------------------------------------------------------------------------
# One forward pass
# ---------------------------------------------------------------------------------------------


def _forward_pass(
    f: Callable[..., Any], primals: Sequence[Any], seeds: dict[int, Any],
    kwargs: dict[str, Any], has_aux: bool,
) -> tuple[list[Value], type | None, list[Any], bool, Any]:
    """Runs ``f(*primals, **kwargs)`` once in forward mode, argument ``i`` seeded with the
    tangent ``seeds[i]`` (the others not moving). Returns the outputs, their container type,
    their tangents, whether results are to be Values (nested), and the aux (or None)."""
    outer = guard.levels
    got_values = any(isinstance(a, Value) for a in primals) or any(
        isinstance(t, Value) for t in seeds.values())
    values = got_values or bool(outer)
    record = (any(type(lv) is not Level or lv.record for lv in outer)
              if outer else got_values)
    aux: list[Any] = []
    g = bind(f, kwargs, has_aux, aux)
    with enable_grad():  # asking for a derivative means recording, even inside no_grad()
        variables, _ = fresh_variables(tuple(primals))
        level = Level(values, record)
        for i, t in seeds.items():
            level.put(variables[i], t)
        _fwd.levels.append(level)
        _install()
        try:
            outs, kind = _call_many(g, variables, level)
            tangents = [level.get(o) for o in outs]
        finally:
            _uninstall()
            _fwd.levels.pop()
            level.close()
    ds = [0.0 if t is None else t for t in tangents]
    nested = got_values or (values and any(
        isinstance(x, Value) and reaches_outer_variable(x, variables) for x in (*outs, *ds)))
    return outs, kind, ds, nested, (aux[0] if has_aux else None)


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


# ---------------------------------------------------------------------------------------------
# The same tangents from a recorded graph, afterwards (two passes): the reference
# ---------------------------------------------------------------------------------------------


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
    """Forward mode as a sweep over a graph already recorded: the tangent of each of
    ``outputs``, given the tangents ``seeds`` of some nodes and ``order`` (parents before
    children, as :func:`_forward_order` gives). :func:`jvp` gives the same numbers in one pass,
    without the graph; this two-pass form is the reference the tests check it against, and
    what notebook 05 shows step by step.

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


def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any],
        has_aux: bool = False, **kwargs: Any) -> tuple[Any, ...]:
    """``(f(*primals), J_f(primals) @ tangents)``: the value of ``f`` and its derivative in the
    direction ``tangents``, by forward mode, in one pass.

    ``f`` returns a Value (or number), or a list or tuple of them; the directional derivative
    comes in the same shape. With plain numbers in, results are floats; with a Value among
    ``primals`` or ``tangents`` (as when nested), results are Values on its graph. Other keyword
    arguments pass through to ``f`` and are not differentiated; with ``has_aux=True`` ``f``
    returns ``(value, aux)`` and ``jvp`` gives ``(value, derivative, aux)``, as in JAX.

    ``jvp(f, x, e_i)`` is the i-th partial derivative:

    >>> f = lambda x, y: (x * y).tanh() + x ** 3
    >>> value, dfdx = jvp(f, (1.0, 2.0), (1.0, 0.0))
    >>> round(dfdx, 6) == round(grad(f)(1.0, 2.0), 6)
    True
    >>> jvp(lambda x: [x * x, 3 * x], (2.0,), (1.0,))
    ([4.0, 6.0], [4.0, 3.0])
    >>> jvp(lambda x, scale=1.0: (scale * x * x, "aux"), (3.0,), (1.0,), has_aux=True, scale=2.0)
    (18.0, 12.0, 'aux')
    """
    if not callable(f):
        raise TypeError(f"jvp needs a callable, got {type(f).__name__}")
    primals, tangents = _check_pair(primals, tangents)
    outs, kind, ds, nested, aux = _forward_pass(
        f, primals, dict(enumerate(tangents)), kwargs, has_aux)
    value = _shaped([o if nested else o.data for o in outs], kind)
    derivative = _shaped([as_result(d, nested) for d in ds], kind)
    if has_aux:
        return value, derivative, stop_aux(aux, nested)
    return value, derivative


def _call_many(f: Callable[..., Any], variables: list[Value], level: Level | None = None
               ) -> _Outputs:
    """``f(*variables)`` as a list of output Values, run as this thread's innermost call (a
    forward-mode one if ``level`` is given)."""
    kind: list[type | None] = []

    def scalar(*xs: Value) -> Value:
        outs, k = _as_outputs(f(*xs))
        kind.append(k)
        box.extend(outs)
        return outs[0] if outs else Value(0.0)

    box: list[Value] = []
    call_f(scalar, variables, level)
    return box, kind[0]


def vjp(f: Callable[..., Any], *primals: Any, has_aux: bool = False, **kwargs: Any
        ) -> tuple[Any, ...]:
    """``(f(*primals), vjp_fn)``: ``vjp_fn(cotangent)`` is ``cotangent @ J_f(primals)``, one
    derivative per primal, as a tuple (reverse mode; ``f`` runs once, ``vjp_fn`` may be called
    many times).

    ``cotangent`` is a number for an ``f`` that returns a Value, a list of numbers (one per
    output) for an ``f`` that returns a list or tuple. Other keyword arguments pass through to
    ``f``; with ``has_aux=True`` ``f`` returns ``(value, aux)`` and ``vjp`` gives
    ``(value, vjp_fn, aux)``, as in JAX.

    >>> value, vjp_fn = vjp(lambda x, y: [x * y, x + y], 2.0, 5.0)
    >>> value, vjp_fn([1.0, 0.0]), vjp_fn([0.0, 1.0])
    ([10.0, 7.0], (5.0, 2.0), (1.0, 1.0))
    """
    if not callable(f):
        raise TypeError(f"vjp needs a callable, got {type(f).__name__}")
    aux: list[Any] = []
    g = bind(f, kwargs, has_aux, aux)
    with enable_grad():
        variables, nested = fresh_variables(primals)
        outs, kind = _call_many(g, variables)
        nested = nested or any(reaches_outer_variable(o, variables) for o in outs)
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
        return tuple(as_result(d, deep) for d in ds)

    if has_aux:
        return value, vjp_fn, stop_aux(aux[0], nested)
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
    f: Callable[..., Any], argnums: int | tuple[int, ...] = 0, mode: str = "rev",
    has_aux: bool = False,
) -> Callable[..., Any]:
    """A function that returns the m x n matrix of first derivatives of ``f``: m outputs (one if
    ``f`` returns a Value), n arguments in ``argnums``.

    ``mode="rev"`` takes one backward pass per output, ``mode="fwd"`` one forward pass of ``f``
    per argument; both give the same numbers, so pick the one with fewer passes. Keyword
    arguments pass through to ``f``; with ``has_aux=True`` ``f`` returns ``(value, aux)`` and the
    result is ``(matrix, aux)``, as in JAX.

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

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        nums, _ = check_argnums(argnums, len(args))
        if mode == "fwd" and nums:
            columns = []
            nested = False
            first_aux: Any = None
            for k, i in enumerate(nums):
                _, _, ds, deep, aux = _forward_pass(f, args, {i: 1.0}, kwargs, has_aux)
                columns.append(ds)
                nested = nested or deep
                if k == 0:
                    first_aux = aux
            rows = [[col[j] for col in columns] for j in range(len(columns[0]))]
        else:
            box: list[Any] = []
            g = bind(f, kwargs, has_aux, box)
            with enable_grad():
                variables, nested = fresh_variables(args)
                outs, _ = _call_many(g, variables)
                wrt = [variables[i] for i in nums]
                nested = nested or any(reaches_outer_variable(o, wrt) for o in outs)
                rows = [backprop(o, wrt, create_graph=nested) for o in outs]
            first_aux = box[0] if has_aux else None
        matrix = [[as_result(d, nested) for d in row] for row in rows]
        if has_aux:
            return matrix, stop_aux(first_aux, nested)
        return matrix

    wrapped.__name__ = f"jacobian({getattr(f, '__name__', 'f')})"
    return wrapped


def hvp(f: Callable[..., Any], has_aux: bool = False) -> Callable[..., Any]:
    """A function ``(primals, tangents, **kwargs) -> H(primals) @ tangents``, the Hessian of
    ``f`` times a vector, as a tuple: forward mode over reverse mode (``jvp`` of ``grad``), so
    the n x n Hessian is never formed; it costs about as much as a few gradients. Keyword
    arguments pass through to ``f``; with ``has_aux=True`` ``f`` returns ``(value, aux)`` and the
    result is ``(product, aux)``.

    >>> hvp(lambda x, y: x ** 3 * y)((1.0, 2.0), (0.0, 1.0))
    (3.0, 0.0)
    """
    if not callable(f):
        raise TypeError(f"hvp needs a callable, got {type(f).__name__}")

    def wrapped(primals: Sequence[Any], tangents: Sequence[Any], **kwargs: Any) -> Any:
        primals, tangents = _check_pair(primals, tangents)
        gradient = grad(f, argnums=tuple(range(len(primals))), has_aux=has_aux)
        if has_aux:
            _, product, aux = jvp(gradient, primals, tangents, has_aux=True, **kwargs)
            return tuple(product), aux
        _, product = jvp(gradient, primals, tangents, **kwargs)
        return tuple(product)

    wrapped.__name__ = f"hvp({getattr(f, '__name__', 'f')})"
    return wrapped
