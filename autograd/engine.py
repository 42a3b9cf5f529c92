"""The engine: scalar Values that remember how they were made, and reverse-mode backward.

Every operation on Values makes a new node that records two ordered tuples: ``parents``, the Values
it was computed from, and ``local_grads``, the partial derivative of the node with respect to each
parent, evaluated right then (the formulas live in one table, :mod:`autograd.ops`).

``backward()`` applies the chain rule from the output back to the inputs. If ``L`` depends on a
node ``v``, and ``v`` depends on its parent ``p`` with local derivative ``dv/dp``, then ``v`` sends
``dL/dv * dv/dp`` to ``p``. A parent used by several nodes adds up what each sends it, so
``dL/dp = sum over users v of dL/dv * dv/dp``. A node may only send once it has received from every
node that uses it, which is what a topological order guarantees; ours is built with an explicit
stack, never recursion, so a chain a million nodes deep is fine.

>>> a = Value(2.0, label="a")
>>> b = Value(-3.0, label="b")
>>> c = a * b + b ** 2
>>> c.data
3.0
>>> c.backward()
>>> a.grad, b.grad
(-3.0, -4.0)

Nodes point to their parents and never back to their users, and no node holds a closure, so a graph
has no reference cycles: when the last reference to its output goes, reference counting frees it.
"""

from __future__ import annotations

import builtins
import numbers
import operator
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from math import isfinite
from types import TracebackType
from typing import Any, SupportsFloat, TypeVar

from . import graph_copy, nonfinite, ops
from .guard import guard as _guard
from .ops import Op

# ``sum`` is public (``autograd.engine.sum``) but left out of ``__all__``: a star import must
# not replace the builtin ``sum``.
__all__ = [
    "Value", "no_grad", "enable_grad", "is_grad_enabled", "topological_order",
    "dot", "logsumexp", "apply_op", "chain_rule", "as_float",
]

Number = float | int
F = TypeVar("F", bound=Callable[..., Any])
_STRONG_ZERO = ops.STRONG_ZERO


# ---------------------------------------------------------------------------------------------
# Grad mode: whether operations record their parents (per thread).
# ---------------------------------------------------------------------------------------------


class _GradMode(threading.local):
    def __init__(self) -> None:
        self.enabled = True


_mode = _GradMode()

# --- Speed: reading ``_mode.enabled`` (a thread-local) costs every new node about 7% of the time
# to make it (0.59 against 0.55 us per node of a tanh chain, side by side). Outside ``no_grad()``
# recording is on in every thread, so the hot node makers read this count of ``no_grad()`` blocks
# open in any thread first, and the thread-local flag only when it is not 0:
# ``if not _no_grad_blocks or _mode.enabled``. The plain version, which ``_node`` keeps, is
# ``if _mode.enabled``.
_no_grad_blocks = 0
_blocks_lock = threading.Lock()


def is_grad_enabled() -> bool:
    """True unless this thread is inside ``no_grad()``."""
    return _mode.enabled


class _SetGradMode:
    """Context manager (and decorator) that sets grad mode for this thread, then restores it."""

    _value = True

    def __init__(self) -> None:
        self._saved: list[bool] = []

    def __enter__(self) -> None:
        global _no_grad_blocks
        if not self._value:
            with _blocks_lock:  # counted before this thread's flag goes off
                _no_grad_blocks += 1
        self._saved.append(_mode.enabled)
        _mode.enabled = self._value

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        global _no_grad_blocks
        _mode.enabled = self._saved.pop()
        if not self._value:
            with _blocks_lock:  # uncounted after this thread's flag is back
                _no_grad_blocks -= 1

    def __call__(self, func: F) -> F:
        import functools

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with type(self)():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_SetGradMode):  # noqa: N801 - the name users know from PyTorch
    """Inside ``with no_grad():`` operations record nothing: results are leaves.

    Use it for optimizer updates and evaluation. It is per thread and nests.

    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * 3
    >>> y.parents, y.op
    ((), '')
    """

    _value = False


class enable_grad(_SetGradMode):  # noqa: N801
    """Turns recording back on inside a ``no_grad()`` block."""

    _value = True


# ---------------------------------------------------------------------------------------------
# Tracing: ``autograd.compile`` records the comparisons of Values taken while it runs ``f``.
# ---------------------------------------------------------------------------------------------


class _Tracing(threading.local):
    def __init__(self) -> None:
        self.record: Callable[[Value, str, Any, bool], None] | None = None


_tracing = _Tracing()


def _compared(a: Value, op: str, b: Any, result: bool) -> bool:
    """Every comparison of a Value passes its outcome through here (``a op b`` is ``result``);
    while :func:`autograd.compile` traces, it records the comparison as a guard."""
    record = _tracing.record
    if record is not None:
        record(a, op, b, result)
    return result


def _number_read(v: Value) -> float:
    """``v.data``, taken as a plain number (``float()``, ``int()``, ``round()``, ``.item()``):
    while :func:`autograd.compile` traces, a guard that the number is the same at the next call
    (code compiled around it would otherwise keep the old number without a word)."""
    d = v.data
    if _tracing.record is not None:
        if d == d:
            _compared(v, "==", d, True)
        else:  # nan: the guard is that it is nan again
            _compared(v, "!=", v, True)
    return d


# ---------------------------------------------------------------------------------------------
# Value
# ---------------------------------------------------------------------------------------------


def as_float(x: object, what: str) -> float:
    """``x`` as a float if it is a real number (not bool), else a TypeError naming ``what`` and
    the type. The one check of plain numbers that the whole package uses.

    >>> as_float(3, "a count")
    3.0
    """
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        try:
            return float(x)
        except OverflowError:
            raise OverflowError(
                f"{what} {_short(x)} is too large for a float (at most about 1.8e308)"
            ) from None
    raise TypeError(
        f"{what} must be a real number (int, float or a NumPy scalar), "
        f"got {type(x).__name__}: {x!r}"
    )


def _short(x: object) -> str:
    text = repr(x)
    return text if len(text) <= 40 else f"{text[:20]}...{text[-10:]} ({len(text)} characters)"


def _grad_float(value: object) -> float:
    """What may be assigned to ``Value.grad``: a real number, as a float; else a TypeError."""
    if value is None:
        raise TypeError(
            "Value.grad cannot be None: a gradient here is always a float. To clear it, set "
            "p.grad = 0.0, or call model.zero_grad() or opt.zero_grad()"
        )
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    raise TypeError(
        f"Value.grad must be a real number (int, float or a NumPy scalar), got "
        f"{type(value).__name__}: {value!r}"
    )


_as_float = as_float  # the name this module uses internally


def _number(x: object) -> float | None:
    """A plain operand as a float, or None if it is not a real number (operators then decline)."""
    if type(x) is float:
        return x
    if type(x) is int:  # the next commonest (``1 - v``, ``v ** 2``), without the ABC check
        try:
            return float(x)
        except OverflowError:
            return _as_float(x, "operand")  # raises, naming the operand
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return _as_float(x, "operand")
    return None


class _Shared:
    """The inputs that the weighted sums of one layer call share (:func:`dots`): their Values
    and numbers. Such a sum node keeps ``_parents = (*w, b)``, ``_local`` = the weights' numbers
    (its partials with respect to the inputs) and ``_arg`` = this object, instead of two tuples
    of ``2 * nin + 1`` entries each: the inputs are held once for the whole layer. Its full
    ``parents`` are ``(*w, *values, b)`` and its ``local_grads`` ``(*data, *w_numbers, 1.0)``,
    in that order, as for any WSUM node."""

    __slots__ = ("values", "data")

    def __init__(self, values: tuple[Value, ...], data: tuple[float, ...]) -> None:
        self.values = values
        self.data = data


class Value:
    """A scalar that remembers how it was computed, so that gradients can flow back through it.

    Attributes: ``data`` (the number), ``grad`` (d output / d this, filled by ``backward``),
    ``label`` (a name for drawings), ``op`` (the operation that made it, ``''`` for a leaf),
    ``parents`` and ``local_grads`` (ordered; ``local_grads[i]`` is d self / d ``parents[i]``).

    >>> x = Value(0.5, label="x")
    >>> y = (x * 2).tanh()
    >>> y.op, y.parents[0].op, y.local_grads == (1 - y.data ** 2,)
    ('tanh', '*', True)
    """

    __slots__ = ("data", "_grad", "label", "_parents", "_local", "_fn", "_arg", "__weakref__")

    data: float
    _grad: float  # read and written through the ``grad`` property below, except by the engine
    label: str
    # --- Speed and memory: most nodes have one parent (tanh, relu, x * 3). Such a node keeps
    # that parent and its derivative bare in these two slots, not inside one-element tuples:
    # two objects fewer per node to allocate, free, and have the cyclic collector scan (W2
    # 20% faster, W4 a third smaller, side by side). A node with no parent or several keeps
    # tuples, and a strong zero stays the tuple ``ops.STRONG_ZERO``. The plain view is the
    # ``parents`` and ``local_grads`` properties below, always tuples; the engine's hot loops
    # read the slots.
    _parents: Value | tuple[Value, ...]
    _local: Any  # float | tuple[float, ...]
    _fn: Op | None  # None exactly for a leaf
    _arg: Any

    def __new__(cls, data: SupportsFloat, label: str = "") -> Value:
        if type(data) is not float:
            data = _as_float(data, "Value data")
        if type(label) is not str:
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        v = _node(data, (), (), None, None)
        v.label = label
        return v

    def __getnewargs__(self) -> tuple[float]:
        # copy and pickle make the object with Value.__new__(Value, data), then fill its slots
        return (self.data,)

    # --- the gradient --------------------------------------------------------------------------

    # ``grad`` is a property over the slot ``_grad`` so that assigning what is not a number (such
    # as PyTorch's ``p.grad = None``) is refused on the spot instead of failing later inside
    # backward. The engine's own hot paths (making nodes, backward) use ``_grad`` directly and
    # pay nothing for the check; in plain form they would read ``node.grad += local * g``.
    @property
    def grad(self) -> float:
        """d output / d this node, added by ``backward()``; starts at 0.0 and is always a float.

        >>> p = Value(3.0)
        >>> p.grad = 0.5          # any real number is kept as a float
        >>> p.grad = None         # PyTorch's set_to_none habit  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        TypeError: Value.grad cannot be None: ... set p.grad = 0.0, or call model.zero_grad() ...
        >>> p.grad
        0.5
        """
        return self._grad

    @grad.setter
    def grad(self, value: float) -> None:
        if type(value) is not float:
            value = _grad_float(value)
        self._grad = value

    # --- what the node is --------------------------------------------------------------------

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Values this node was computed from, in order (``()`` for a leaf)."""
        ps = self._parents
        if type(self._arg) is _Shared:  # a layer's sum: its inputs are held by the layer
            return (*ps[:-1], *self._arg.values, ps[-1])  # type: ignore[index]
        return ps if isinstance(ps, tuple) else (ps,)

    @parents.setter
    def parents(self, value: Iterable[Value]) -> None:
        ps = tuple(value)
        self._unshare()
        self._parents = ps[0] if len(ps) == 1 else ps

    @property
    def local_grads(self) -> tuple[float, ...]:
        """``local_grads[i]`` is d self / d ``parents[i]``, computed when the node was made."""
        d = self._local
        if type(self._arg) is _Shared:
            return (*self._arg.data, *d, 1.0)
        return d if type(d) is tuple else (d,)

    @local_grads.setter
    def local_grads(self, value: Iterable[float]) -> None:
        ds = value if type(value) is tuple else tuple(value)
        self._unshare()
        self._local = ds[0] if len(ds) == 1 and ds is not _STRONG_ZERO else ds

    def _unshare(self) -> None:
        """Stores a layer's sum (see :class:`_Shared`) as any node, before a slot is changed."""
        # (a node being filled in by copy or pickle has no slots set yet: nothing to do)
        if type(getattr(self, "_arg", None)) is _Shared:
            self._parents, self._local, self._arg = self.parents, self.local_grads, None

    @property
    def op(self) -> str:
        """The symbol of the operation that made this node, '' for a leaf."""
        fn = self._fn
        return "" if fn is None else fn.symbol

    @property
    def op_name(self) -> str:
        """The op table's name for the operation ('mul_const', 'tanh', ...), '' for a leaf."""
        fn = self._fn
        return "" if fn is None else fn.name

    @property
    def constant(self) -> Any:
        """The plain number (or numbers) the op used besides its parents (``3`` in ``x * 3``)."""
        arg = self._arg
        return None if type(arg) is _Shared else arg

    def is_leaf(self) -> bool:
        return self._fn is None

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self._grad!r}{label})"

    # Copying and pickling walk the graph iteratively (see autograd.graph_copy): Python's own
    # machinery would recurse through ``parents`` and fail on a deep graph.
    def __copy__(self) -> Value:
        copied: Value = graph_copy.copy_node(self)
        return copied

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        copied: Value = graph_copy.deepcopy_graph(self, memo, _postorder)
        return copied

    def __reduce__(self) -> tuple[Any, ...]:
        return graph_copy.reduce_graph(self, _postorder)

    # --- a Value behaves like a 0-d tensor towards Python -------------------------------------

    def __float__(self) -> float:
        # Inside the functional API, float() of a Value that depends on an argument would drop
        # its gradient without a word (math.sin(x) calls it): refuse it there. Elsewhere this
        # costs one read of a global.
        if _guard.calls:
            _guard.check(self, _postorder)
        return _number_read(self)

    def item(self) -> float:
        """The number, as a float (like ``tensor.item()``).

        >>> Value(2.5).item()
        2.5
        """
        return _number_read(self)

    def __int__(self) -> int:
        return int(_number_read(self))

    def __trunc__(self) -> int:
        return int(_number_read(self))

    # math.floor(v) and math.ceil(v) (and NumPy's floor and ceil of an object array) give
    # Values, whose derivative is 0; int(v), math.trunc(v) and round(v) give ints.
    def __floor__(self) -> Value:
        return _unary(ops.FLOOR, self)

    def __ceil__(self) -> Value:
        return _unary(ops.CEIL, self)

    def __round__(self, ndigits: int | None = None) -> float | int:
        return round(_number_read(self), ndigits)

    def __format__(self, spec: str) -> str:
        """Formats the number: ``f"{loss:.4f}"``; an empty spec gives ``str(v)``.

        >>> f"{Value(2.0) / 3:.3f}"
        '0.667'
        """
        return format(self.data, spec) if spec else str(self)

    def __bool__(self) -> bool:
        return _compared(self, "!=", 0.0, self.data != 0.0)

    # Values compare by their numbers, like 0-d tensors (returning bools), and hash by identity,
    # so they still work as dict keys and in sets; never find a Value in a list with ``==``,
    # ``in`` or ``.index`` (use ``is``, or a set or dict keyed by the Value).
    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Value):
            return _compared(self, "==", other, self.data == other.data)
        c = _number(other)
        return NotImplemented if c is None else _compared(self, "==", c, self.data == c)

    def __ne__(self, other: object) -> bool:
        if isinstance(other, Value):
            return _compared(self, "!=", other, self.data != other.data)
        c = _number(other)
        return NotImplemented if c is None else _compared(self, "!=", c, self.data != c)

    def __lt__(self, other: Value | Number) -> bool:
        return _compared(self, "<", other, self.data < (
            other.data if isinstance(other, Value) else other))

    def __le__(self, other: Value | Number) -> bool:
        return _compared(self, "<=", other, self.data <= (
            other.data if isinstance(other, Value) else other))

    def __gt__(self, other: Value | Number) -> bool:
        return _compared(self, ">", other, self.data > (
            other.data if isinstance(other, Value) else other))

    def __ge__(self, other: Value | Number) -> bool:
        return _compared(self, ">=", other, self.data >= (
            other.data if isinstance(other, Value) else other))

    def detach(self) -> Value:
        """A new leaf with the same number: gradients stop here."""
        return _leaf(self.data)

    # --- arithmetic ----------------------------------------------------------------------------

    # Speed: each operator first takes the commonest operand, a plain float, straight to its
    # ``*_CONST`` entry: no isinstance and no ``_number`` call (13% of building a chain of
    # tanh(y * 1.01 + 0.1), side by side). The plain version has only the last three lines:
    # a Value, else ``_number(other)``, whose first test is that same ``type(other) is float``.

    def __add__(self, other: Value | Number) -> Value:
        if type(other) is float:
            return _with_const(ops.ADD_CONST, self, other)
        if isinstance(other, Value):
            return _binary(ops.ADD, self, other)
        c = _number(other)
        return NotImplemented if c is None else _with_const(ops.ADD_CONST, self, c)

    def __radd__(self, other: Number) -> Value:
        if type(other) is float:
            return _with_const(ops.ADD_CONST, self, other)
        c = _number(other)
        return NotImplemented if c is None else _with_const(ops.ADD_CONST, self, c)

    def __sub__(self, other: Value | Number) -> Value:
        if type(other) is float:
            return _with_const(ops.SUB_CONST, self, other)
        if isinstance(other, Value):
            return _binary(ops.SUB, self, other)
        c = _number(other)
        return NotImplemented if c is None else _with_const(ops.SUB_CONST, self, c)

    def __rsub__(self, other: Number) -> Value:
        if type(other) is float:
            return _with_const(ops.RSUB_CONST, self, other)
        c = _number(other)
        return NotImplemented if c is None else _with_const(ops.RSUB_CONST, self, c)

    def __mul__(self, other: Value | Number) -> Value:
        if type(other) is float:
            return _with_const(ops.MUL_CONST, self, other)
        if isinstance(other, Value):
            return _binary(ops.MUL, self, other)
        c = _number(other)
        return NotImplemented if c is None else _with_const(ops.MUL_CONST, self, c)

    def __rmul__(self, other: Number) -> Value:
        if type(other) is float:
            return _with_const(ops.MUL_CONST, self, other)
        c = _number(other)
        return NotImplemented if c is None else _with_const(ops.MUL_CONST, self, c)

    def __truediv__(self, other: Value | Number) -> Value:
        if type(other) is float:
            return _with_const(ops.DIV_CONST, self, other)
        if isinstance(other, Value):
            return _binary(ops.DIV, self, other)
        c = _number(other)
        return NotImplemented if c is None else _with_const(ops.DIV_CONST, self, c)

    def __rtruediv__(self, other: Number) -> Value:
        if type(other) is float:
            return _with_const(ops.RDIV_CONST, self, other)
        c = _number(other)
        return NotImplemented if c is None else _with_const(ops.RDIV_CONST, self, c)

    def __pow__(self, other: Value | Number) -> Value:
        if type(other) is float:
            return _with_const(ops.POW_CONST, self, other)
        if isinstance(other, Value):
            return _binary(ops.POW, self, other)
        c = _number(other)
        return NotImplemented if c is None else _with_const(ops.POW_CONST, self, c)

    def __rpow__(self, other: Number) -> Value:
        if type(other) is float:
            return _with_const(ops.RPOW_CONST, self, other)
        c = _number(other)
        return NotImplemented if c is None else _with_const(ops.RPOW_CONST, self, c)

    def __mod__(self, other: Value | Number) -> Value:
        return _binary_with(ops.MOD, self, other)

    def __rmod__(self, other: Number) -> Value:
        return _binary_with(ops.MOD, other, self)

    def __floordiv__(self, other: Value | Number) -> Value:
        return _binary_with(ops.FLOORDIV, self, other)

    def __rfloordiv__(self, other: Number) -> Value:
        return _binary_with(ops.FLOORDIV, other, self)

    def __neg__(self) -> Value:
        return _unary(ops.NEG, self)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _unary(ops.ABS, self)

    # --- functions (each one entry of the op table) --------------------------------------------

    def exp(self) -> Value:
        return _unary(ops.EXP, self)

    def log(self) -> Value:
        return _unary(ops.LOG, self)

    def tanh(self) -> Value:
        return _unary(ops.TANH, self)

    def sigmoid(self) -> Value:
        return _unary(ops.SIGMOID, self)

    def relu(self) -> Value:
        return _unary(ops.RELU, self)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        return _with_const(ops.LEAKY_RELU, self, _as_float(slope, "leaky_relu slope"))

    def sqrt(self) -> Value:
        return _unary(ops.SQRT, self)

    def sin(self) -> Value:
        return _unary(ops.SIN, self)

    def cos(self) -> Value:
        return _unary(ops.COS, self)

    def softplus(self) -> Value:
        return _unary(ops.SOFTPLUS, self)

    def abs(self) -> Value:
        return _unary(ops.ABS, self)

    def tan(self) -> Value:
        return _unary(ops.TAN, self)

    def sinh(self) -> Value:
        return _unary(ops.SINH, self)

    def cosh(self) -> Value:
        return _unary(ops.COSH, self)

    def asin(self) -> Value:
        return _unary(ops.ASIN, self)

    def acos(self) -> Value:
        return _unary(ops.ACOS, self)

    def atan(self) -> Value:
        return _unary(ops.ATAN, self)

    def asinh(self) -> Value:
        return _unary(ops.ASINH, self)

    def acosh(self) -> Value:
        return _unary(ops.ACOSH, self)

    def atanh(self) -> Value:
        return _unary(ops.ATANH, self)

    def log2(self) -> Value:
        return _unary(ops.LOG2, self)

    def log10(self) -> Value:
        return _unary(ops.LOG10, self)

    def log1p(self) -> Value:
        return _unary(ops.LOG1P, self)

    def expm1(self) -> Value:
        return _unary(ops.EXPM1, self)

    def exp2(self) -> Value:
        return _unary(ops.EXP2, self)

    def erf(self) -> Value:
        return _unary(ops.ERF, self)

    def gelu(self) -> Value:
        return _unary(ops.GELU, self)

    def silu(self) -> Value:
        return _unary(ops.SILU, self)

    def sign(self) -> Value:
        return _unary(ops.SIGN, self)

    def floor(self) -> Value:
        return _unary(ops.FLOOR, self)

    def ceil(self) -> Value:
        return _unary(ops.CEIL, self)

    def rsqrt(self) -> Value:
        return _unary(ops.RSQRT, self)

    def reciprocal(self) -> Value:
        return _unary(ops.RECIPROCAL, self)

    def elu(self, alpha: float = 1.0) -> Value:
        return _with_const(ops.ELU, self, _as_float(alpha, "elu alpha"))

    # NumPy's names, which NumPy calls on each element of an object array (``np.arcsin(arr)``)
    arcsin = asin
    arccos = acos
    arctan = atan
    arcsinh = asinh
    arccosh = acosh
    arctanh = atanh

    def arctan2(self, x: Value | Number) -> Value:
        """``atan2(self, x)``, under NumPy's name (``autograd.atan2`` is the function)."""
        return _binary(ops.ATAN2, self, _as_value(x))

    def hypot(self, other: Value | Number) -> Value:
        """``hypot(self, other)``, under NumPy's name (``autograd.hypot`` is the function)."""
        return _binary(ops.HYPOT, self, _as_value(other))

    # NumPy's functions on a Value give Values (``np.sin(v)``): ``Value.__array_ufunc__`` is set
    # by autograd.numpy_dispatch, which the package imports (it needs Value, so it cannot be
    # imported from here).

    # --- backward ------------------------------------------------------------------------------

    def backward(self, grad: float = 1.0) -> None:
        """Adds d self / d v to ``v.grad`` for every node ``v`` behind this one (itself included).

        ``grad`` seeds the pass (d output / d self, 1.0 by default). A second call without
        zeroing adds its own contribution once more, as in PyTorch.
        """
        seed = _as_float(grad, "backward grad")
        # Only inner nodes send gradient; leaves just receive it, straight into their .grad.
        # Nothing passes a strong zero (a relu that is off), so the search does not look behind
        # one, unless some live node holds an inf or nan derivative: in PyTorch such a node
        # sends 0 * inf = nan even there (see autograd.nonfinite).
        senders = _postorder(self, leaves=False, prune=not nonfinite.any_alive())
        senders.reverse()
        with _pass_lock, _this_pass_only(senders):
            self._grad = seed
            chain_rule(senders)

    def zero_grad(self) -> None:
        """Sets ``.grad`` to 0 on this node and every node behind it."""
        for node in _postorder(self):
            node._grad = 0.0


# The methods that apply one table entry carry the entry's maths, domain and example.
for _op in ops.OPS.values():
    if _op.method:
        getattr(Value, _op.method).__doc__ = _op.doc()


# ---------------------------------------------------------------------------------------------
# Making nodes
# ---------------------------------------------------------------------------------------------

_new = object.__new__
_builtin_sum = builtins.sum  # this module defines its own ``sum`` (of Values) below

#: Forward mode's hook: while a ``jvp`` runs (on any thread), :mod:`autograd.forward` sets it to
#: a function that gives each new node its tangent, from its parents' tangents and its
#: ``local_grads``, as the node is made. ``None`` otherwise: then a node pays one read of this
#: global. Every place that makes a node calls it last, just before ``return v``.
tangent_hook: Callable[[Value], None] | None = None


def _node(data: float, parents: tuple[Value, ...], local_grads: tuple[float, ...],
          fn: Op | None, arg: Any) -> Value:
    """Makes a node: the one place where one is made (``Value(...)`` and every op come here).

    Inside ``no_grad()`` the result is a leaf: it keeps no parents, derivatives or op.
    """
    v: Value = _new(Value)
    v.data = data
    v._grad = 0.0
    v.label = ""
    if _mode.enabled:
        if len(parents) == 1:  # kept bare (see Value._parents)
            v._parents = parents[0]
            v._local = local_grads if local_grads is _STRONG_ZERO else local_grads[0]
        else:
            v._parents = parents
            v._local = local_grads
        v._fn = fn
        v._arg = arg
        if local_grads:
            s = _builtin_sum(local_grads)
            if s - s:  # nan: some derivative is inf or nan (or the sum overflowed: harmless)
                _note_nonfinite(v)
    else:
        v._parents = ()
        v._local = ()
        v._fn = None
        v._arg = None
    if tangent_hook is not None:  # forward mode (autograd.forward): v's tangent, now
        tangent_hook(v)
    return v


#: Notes a node that holds an inf or nan local derivative (see :mod:`autograd.nonfinite`). Every
#: place that makes a node with ``local_grads`` tests them: ``d - d`` is 0.0 for a finite ``d``
#: and nan for inf or nan.
_note_nonfinite = nonfinite.note


def _leaf(data: float) -> Value:
    """A new leaf holding ``data`` (already a float)."""
    return _node(data, (), (), None, None)


def _domain_error(fn: Op, args: Sequence[Any], err: Exception) -> Exception:
    shown = ", ".join(repr(a) for a in args)
    reason = str(err) or type(err).__name__
    if isinstance(err, OverflowError):
        reason = "the result is too large for a float"
    msg = f"{fn.name}({shown}): {reason}; {fn.name} is defined for {fn.domain}"
    return type(err)(msg)


_ARITH_ERRORS = (ValueError, ZeroDivisionError, OverflowError)


def _apply(fn: Op, xs: tuple[Value, ...], c: Any = None) -> Value:
    """Applies table entry ``fn`` to the Values ``xs`` (and its plain constant ``c``): computes
    the result and the local derivatives from the entry's rules, and makes the node."""
    data = [x.data for x in xs]
    try:
        out = fn.evaluate(data, c)
        local = fn.local(data, c, out)
    except _ARITH_ERRORS as err:
        raise _domain_error(fn, data if c is None else [*data, c], err) from None
    return _node(out, xs, local, fn, c)


# --- Speed: the three shapes every expression is made of, without _apply's list and arity
# dispatch. They do exactly what ``_apply(fn, (x,), None)``, ``_apply(fn, (x, y))`` and
# ``_apply(fn, (x,), c)`` do: _apply above is the reference.


# They also build the node in place, as _node does (one call less per operation: 7-10% of the
# time to make a node of a tanh chain, measured side by side). The plain version of each last
# line is ``return _node(out, parents, local, fn, c)``; _node stays the reference.


def _unary(fn: Op, x: Value) -> Value:
    xd = x.data
    try:
        out = fn.forward(xd)
        local = fn.partials(xd, out)
    except _ARITH_ERRORS as err:
        raise _domain_error(fn, (xd,), err) from None
    # plain version: return _node(out, (x,), local, fn, None)
    v: Value = _new(Value)
    v.data = out
    v._grad = 0.0
    v.label = ""
    if not _no_grad_blocks or _mode.enabled:
        v._parents = x  # one parent: kept bare, as is its derivative (see Value._parents)
        d = local[0]
        v._local = local if local is _STRONG_ZERO else d
        v._fn = fn
        if d - d:
            _note_nonfinite(v)
    else:
        v._parents = ()
        v._local = ()
        v._fn = None
    v._arg = None
    if tangent_hook is not None:  # forward mode (autograd.forward): v's tangent, now
        tangent_hook(v)
    return v


def _binary(fn: Op, x: Value, y: Value) -> Value:
    xd = x.data
    yd = y.data
    try:
        out = fn.forward(xd, yd)
        local = fn.partials(xd, yd, out)
    except _ARITH_ERRORS as err:
        raise _domain_error(fn, (xd, yd), err) from None
    # plain version: return _node(out, (x, y), local, fn, None)
    v: Value = _new(Value)
    v.data = out
    v._grad = 0.0
    v.label = ""
    if not _no_grad_blocks or _mode.enabled:
        v._parents = (x, y)
        v._local = local
        v._fn = fn
        d = local[0] + local[1]
        if d - d:
            _note_nonfinite(v)
    else:
        v._parents = ()
        v._local = ()
        v._fn = None
    v._arg = None
    if tangent_hook is not None:  # forward mode (autograd.forward): v's tangent, now
        tangent_hook(v)
    return v


def _with_const(fn: Op, x: Value, c: float) -> Value:
    xd = x.data
    try:
        out = fn.forward(xd, c)
        local = fn.partials(xd, c, out)
    except _ARITH_ERRORS as err:
        raise _domain_error(fn, (xd, c), err) from None
    # plain version: return _node(out, (x,), local, fn, c)
    v: Value = _new(Value)
    v.data = out
    v._grad = 0.0
    v.label = ""
    if not _no_grad_blocks or _mode.enabled:
        v._parents = x  # one parent: kept bare, as is its derivative (see Value._parents)
        d = local[0]
        v._local = local if local is _STRONG_ZERO else d
        v._fn = fn
        v._arg = c
        if d - d:
            _note_nonfinite(v)
    else:
        v._parents = ()
        v._local = ()
        v._fn = None
        v._arg = None
    if tangent_hook is not None:  # forward mode (autograd.forward): v's tangent, now
        tangent_hook(v)
    return v


def _nary(fn: Op, xs: tuple[Value, ...], consts: tuple[float, ...] | None = None) -> Value:
    return _apply(fn, xs, consts)


def _binary_with(fn: Op, x: Any, y: Any) -> Value:
    """A two-input op where one side may be a plain number (made a leaf, which gets no
    gradient); NotImplemented for anything else, so Python raises its usual TypeError."""
    if not isinstance(x, Value):
        c = _number(x)
        if c is None:
            return NotImplemented  # type: ignore[no-any-return]
        x = _leaf(c)
    if not isinstance(y, Value):
        c = _number(y)
        if c is None:
            return NotImplemented  # type: ignore[no-any-return]
        y = _leaf(c)
    return _binary(fn, x, y)


def apply_op(fn: Op, *args: Any) -> Value:
    """Applies a table entry to its arguments, as the entry's arity takes them: Values (or plain
    numbers, which become leaves) and, for the ``*_CONST`` arities, the plain constant(s).

    >>> apply_op(ops.MUL, Value(2.0), 3.0).data
    6.0
    >>> apply_op(ops.MUL_CONST, Value(2.0), 3.0).data
    6.0
    """
    xs, c = fn.split(args)
    if fn.arity == ops.NARY_CONST:
        c = tuple(_as_float(x, f"{fn.name} constant") for x in c)
    elif c is not None:
        c = _as_float(c, f"{fn.name} constant")
    return _apply(fn, tuple(_as_value(x) for x in xs), c)


def _as_value(x: Any) -> Value:
    return x if isinstance(x, Value) else _leaf(_as_float(x, "operand"))


def partials_as_values(node: Value) -> tuple[Any, ...]:
    """The node's local derivatives rebuilt as graphs (Values) over its parents and itself.

    Used for higher-order derivatives: the same rule that gave ``node.local_grads`` as floats,
    run on Values. Constant partials come back as plain floats.
    """
    fn = node._fn
    if fn is None:
        return ()
    return fn.local(node.parents, node.constant, node)


# ---------------------------------------------------------------------------------------------
# Operations on many Values at once: one node each instead of a chain of binary nodes.
# ---------------------------------------------------------------------------------------------


def sum(values: Iterable[Value | Number]) -> Value:  # noqa: A001 - like torch.sum
    """The sum of many Values as one node (Python's ``sum()`` would make a chain of n nodes)."""
    vals = [_as_value(v) for v in values]
    if not vals:
        return _leaf(0.0)
    return _nary(ops.SUM, tuple(vals))


def logsumexp(values: Iterable[Value | Number]) -> Value:
    """log(sum(exp(v))) computed without overflow, as one node."""
    vals = [_as_value(v) for v in values]
    if not vals:
        raise ValueError("logsumexp needs at least one value")
    return _nary(ops.LOGSUMEXP, tuple(vals))


def dot(weights: Sequence[Value], inputs: Sequence[Value | Number], bias: Value) -> Value:
    """``sum(w_i * x_i) + bias`` as one node, the core of a neuron.

    Inputs that are plain numbers (data) become constants of the node rather than parents.

    >>> w, b = [Value(0.5), Value(-1.0)], Value(0.25)
    >>> dot(w, [2.0, 3.0], b).data
    -1.75
    """
    n = len(weights)
    if len(inputs) != n:
        raise ValueError(f"dot: {n} weights but {len(inputs)} inputs; they must match")
    # The two common cases, all inputs Values or all floats, take a short path: a neuron calls
    # this once per sample. Anything unusual falls through to the careful path below.
    try:
        if n and type(inputs[0]) is Value:
            parents: tuple[Value, ...] = (*weights, *inputs, bias)  # type: ignore[arg-type]
            data = [v.data for v in parents]
            out = _wsum_forward(data)
            return _node(out, parents, _wsum_partials(data, out), _WSUM, None)
        if set(map(type, inputs)) <= {float}:
            parents = (*weights, bias)
            data = [v.data for v in parents]
            consts = tuple(inputs)
            out = _wsum_const_forward(data, consts)
            local = _wsum_const_partials(data, consts, out)
            return _node(out, parents, local, _WSUM_CONST, consts)
    except (AttributeError, TypeError):
        pass
    return _dot_checked(weights, inputs, bias)


def dots(rows: Sequence[tuple[Sequence[Value], Value]], inputs: Sequence[Value | Number],
         then: Op | None = None) -> list[Value]:
    """``[dot(w, inputs, b) for w, b in rows]``: a layer's weighted sums, one node each.

    With ``then``, a table entry of one input (an activation), each sum goes through it as well:
    ``[apply_op(then, dot(w, inputs, b)) for w, b in rows]``, two nodes per neuron as before.

    >>> x = [Value(1.0), Value(2.0)]
    >>> [v.data for v in dots([([Value(0.5), Value(1.0)], Value(0.0)),
    ...                        ([Value(-1.0), Value(0.0)], Value(3.0))], x)]
    [2.5, 2.0]
    >>> [v.data for v in dots([([Value(0.5), Value(1.0)], Value(0.0)),
    ...                        ([Value(-1.0), Value(0.0)], Value(-3.0))], x, ops.RELU)]
    [2.5, 0.0]
    """
    # --- Speed: a layer's neurons share their inputs, so they are checked and read once for the
    # whole layer here rather than once per neuron as ``dot`` does (7% of W1, side by side), and
    # the numbers go to the table's rule in parts (``ops.wsum_parts``: no joining and slicing
    # per neuron, 25% of this function). Numbers that are kept (the inputs', and the weights'
    # for WSUM's partials) are read with a list comprehension, which CPython specialises for a
    # slot: 290 ns for 16 against 460 for ``list(map(attrgetter("data"), ws))``. The weights of
    # a WSUM_CONST node (a first layer: often 2 inputs) go to the rule as a ``map`` with no list
    # (6% fewer instructions for such a layer). The activation's node is made in the same loop
    # (``then``), with no list and method call per neuron between them. With all three, a
    # 16x16 relu layer takes 16% fewer instructions (callgrind, side by side). The plain
    # version is the docstring's first line (with ``then``, its second); anything unusual
    # takes it.
    n = len(inputs)
    if then is not None and then.arity != ops.UNARY:
        raise ValueError(f"dots: then= must be an op of one input, not {then.name}")
    try:
        if n and type(inputs[0]) is Value:  # inputs that are Values: parents (w, x, b), WSUM
            fn = _WSUM
            xs: tuple[Value, ...] = tuple(inputs)  # type: ignore[arg-type]
            xd = [x.data for x in xs]
            arg: tuple[float, ...] | None = None
            # The layer's inputs, held once for all its neurons (see _Shared); forward mode
            # (tangent_hook) reads the slots of the nodes it is given, so it gets them whole.
            shared = _Shared(xs, tuple(xd)) if tangent_hook is None else None
        elif n and set(map(type, inputs)) <= {float}:  # data: parents (w, b), WSUM_CONST
            fn = _WSUM_CONST
            arg = tuple(inputs)  # type: ignore[arg-type]
            local = _wsum_const_partials((), arg, 0.0)  # the same for every neuron: (*arg, 1)
            shared = None
        else:
            return _dots_plain(rows, inputs, then)
        recording = not _no_grad_blocks or _mode.enabled
        if then is not None:
            then_forward = then.forward
            then_partials = then.partials
        out = []
        for w, b in rows:
            if len(w) != n:
                break
            if shared is not None:
                y, local = _wsum_split([wi.data for wi in w], xd, b.data)
                parents = (*w, b)
            elif arg is None:
                y, local = _wsum_parts([wi.data for wi in w], xd, b.data)
                parents = (*w, *xs, b)
            else:
                y = _wsum_const_value(map(_data_of, w), arg, b.data)
                parents = (*w, b)
            # The node is built in place, as in _unary; the plain version is
            # ``_node(y, parents, local, fn, arg)``.
            v: Value = _new(Value)
            v.data = y
            v._grad = 0.0
            v.label = ""
            if recording:
                v._parents = parents
                v._local = local
                v._fn = fn
                v._arg = arg if shared is None else shared
                if y - y:  # y is finite only if every partial (each w_i and x_i) is
                    _note_nonfinite(v)
            else:
                v._parents = ()
                v._local = ()
                v._fn = None
                v._arg = None
            if tangent_hook is not None:  # forward mode (autograd.forward): v's tangent, now
                tangent_hook(v)
            if then is None:
                out.append(v)
                continue
            # The activation's node, built in place as _unary does; the plain version is
            # ``out.append(_unary(then, v))``.
            if then is _RELU:
                # --- Speed: relu, the default activation, with its two rules of the table
                # (ops.RELU) written out here: no two calls per neuron (2% of a W1 step,
                # callgrind). The plain version is the call of the rules below; a test checks
                # the two agree on every kind of float (nan stays nan, with derivative 1).
                if y <= 0.0:
                    o = 0.0
                    d = _STRONG_ZERO
                else:
                    o = y
                    d = _RELU_ON
            else:
                try:
                    o = then_forward(y)
                    d = then_partials(y, o)
                except _ARITH_ERRORS as err:
                    raise _domain_error(then, (y,), err) from None
            a: Value = _new(Value)
            a.data = o
            a._grad = 0.0
            a.label = ""
            if recording:
                a._parents = v
                a._local = d if d is _STRONG_ZERO else d[0]
                a._fn = then
                if d[0] - d[0]:
                    _note_nonfinite(a)
            else:
                a._parents = ()
                a._local = ()
                a._fn = None
            a._arg = None
            if tangent_hook is not None:
                tangent_hook(a)
            out.append(a)
        else:
            return out
    except (AttributeError, TypeError):
        pass
    return _dots_plain(rows, inputs, then)


def _dots_plain(rows: Sequence[tuple[Sequence[Value], Value]], inputs: Sequence[Value | Number],
                then: Op | None) -> list[Value]:
    """``dots`` for anything unusual: one ``dot`` per row, which checks its arguments."""
    sums = [dot(w, inputs, b) for w, b in rows]
    return sums if then is None else [_unary(then, s) for s in sums]


_WSUM = ops.WSUM
_WSUM_CONST = ops.WSUM_CONST
_wsum_forward = _WSUM.forward
_wsum_partials = _WSUM.partials
_wsum_const_forward = _WSUM_CONST.forward
_wsum_const_partials = _WSUM_CONST.partials
_wsum_parts = ops.wsum_parts
_RELU = ops.RELU
_RELU_ON = (1.0,)  # relu's partials where it is on, as ops.RELU's rule gives them
_wsum_split = ops.wsum_split
_wsum_const_value = ops.wsum_const_value
_data_of = operator.attrgetter("data")


def _dot_checked(weights: Sequence[Value], inputs: Sequence[Value | Number], bias: Value
                 ) -> Value:
    """``dot`` for mixed or unusual inputs, checking every argument's type."""
    ws = tuple(weights)
    if not isinstance(bias, Value) or not all(isinstance(w, Value) for w in ws):
        raise TypeError("dot: weights and bias must be Values")
    if not any(isinstance(x, Value) for x in inputs):
        consts = tuple(_as_float(x, "dot input") for x in inputs)
        return _nary(ops.WSUM_CONST, (*ws, bias), consts)
    return _nary(ops.WSUM, (*ws, *(_as_value(x) for x in inputs), bias))


# ---------------------------------------------------------------------------------------------
# Topological order
# ---------------------------------------------------------------------------------------------


def topological_order(root: Value, stop: Iterable[Value] = ()) -> list[Value]:
    """Every node behind ``root`` (itself first), each one before all of its parents.

    That is the order in which backward visits nodes: a node sends gradient to its parents only
    after every node that uses it has sent gradient to it. Parents of nodes in ``stop`` are not
    followed. The order is deterministic: the same graph always gives the same list.
    """
    order = _postorder(root, frozenset(stop))
    order.reverse()
    return order


def _postorder(root: Value, stop: frozenset[Value] = frozenset(), leaves: bool = True,
               prune: bool = False) -> list[Value]:
    """Depth-first search from ``root`` with an explicit stack (never recursion): each node is
    appended after all of its parents, so the list ends with ``root``. With ``leaves=False``
    the leaves are left out (backward needs only the nodes that send gradient; in a network
    they are the minority of the nodes an edge leads to). Parents of nodes in ``stop`` are not
    followed, nor with ``prune=True`` those of a node whose derivative is a strong zero
    (``local_grads is ops.STRONG_ZERO``: it sends nothing, so what lies behind it gets nothing
    from it).
    """
    order: list[Value] = []
    append = order.append
    visited = {root}
    add = visited.add
    seen_inputs: set[_Shared] = set()
    # The path from ``root`` down to the current node, and for each entry on it an iterator over
    # the parents not yet looked at.
    path: list[Value | list[Value]] = []
    todo: list[Iterator[Value]] = []
    node = root
    parents: Iterator[Value]
    while True:
        # Step down to ``node`` (already marked visited).
        ps = node._parents
        if node is root and (root in stop or (prune and root._local is _STRONG_ZERO)):
            ps = ()
        # --- Speed: a run of nodes with one parent each (a chain: tanh(x * w + b)) goes on the
        # path as one list, with no iterator per node: 2-3x faster on a long chain, 10% on an
        # MLP, measured side by side. The plain version pushes each node of the run as below:
        # ``path.append(node); todo.append(iter(node.parents))``, one at a time. (A node with
        # one parent keeps it bare, not in a tuple: see Value._parents.)
        if type(ps) is not tuple:
            run = [node]
            while True:
                parent: Value = ps  # type: ignore[assignment]
                if parent._fn is None:  # a leaf is finished at once
                    if leaves and parent not in visited:
                        add(parent)
                        append(parent)
                    ps = ()
                    break
                if parent in visited:
                    ps = ()
                    break
                add(parent)
                if (prune and parent._local is _STRONG_ZERO) or (stop and parent in stop):
                    append(parent)
                    ps = ()
                    break
                run.append(parent)
                ps = parent._parents
                if type(ps) is tuple:
                    break
            path.append(run)
            last = run[-1]  # the node whose parents ps are
        else:
            path.append(node)
            last = node
        # A layer's sum (see _Shared) keeps parents (w, b); the layer holds the inputs.
        # --- Speed: the inputs, shared by the layer's sums, are looked at from the first of
        # them only: the others would find every one already visited (each sum is newer than
        # all of them, so none is reached while they are being looked at). W1: a third fewer
        # parents to look at. The plain version looks at ``node.parents`` whole for every sum.
        if ps and type(shared := last._arg) is _Shared and shared not in seen_inputs:
            seen_inputs.add(shared)
            ps = (*ps[:-1], *shared.values, ps[-1])
        todo.append(iter(ps))
        # Find the next node to step down to: the first parent not yet visited of the deepest
        # entry of the path; an entry whose parents are all done is finished (appended).
        while path:
            parents = todo[-1]
            for parent in parents:
                if parent._fn is None:  # a leaf is finished at once
                    if leaves and parent not in visited:
                        add(parent)
                        append(parent)
                    continue
                if parent in visited:
                    continue
                add(parent)
                if (prune and parent._local is _STRONG_ZERO) or (stop and parent in stop):
                    append(parent)
                    continue
                if not parents.__length_hint__():  # type: ignore[attr-defined]
                    # Nothing left to look at here: keep no live iterator on the path, so that
                    # a deep graph leaves nothing for the cyclic garbage collector to chase.
                    todo[-1] = _EXHAUSTED
                node = parent
                break
            else:
                todo.pop()
                done = path.pop()
                if type(done) is list:  # a run: its last node (the deepest) comes first
                    done.reverse()
                    order += done
                else:
                    append(done)  # type: ignore[arg-type]
                continue
            break
        else:
            return order


_EXHAUSTED: Iterator[Value] = iter(())


# ---------------------------------------------------------------------------------------------
# The chain rule: the one backward loop, shared by backward(), the functional API and the trace
# ---------------------------------------------------------------------------------------------

#: Gives a node's ``(parent, local derivative)`` pairs; by default its stored ``parents`` and
#: ``local_grads`` (the functional API passes one that rebuilds the derivatives as Values).
Edges = Callable[[Value], Iterable[tuple[Value, Any]]]


def chain_rule(senders: Iterable[Value], edges: Edges | None = None,
               observe: Callable[[Value], None] | None = None) -> None:
    """Reverse-mode accumulation: each node of ``senders`` (every node before its parents, the
    output first, its ``.grad`` seeded) sends ``local * node.grad`` to each parent's ``.grad``,
    where ``local`` is d node / d parent. A parent used by several nodes adds up what each sends.
    ``observe(node)`` is told each node's turn after it has sent (a trace records the pass so).
    """
    for node in senders:
        g = node._grad
        if g == 0.0 and _sends_nothing(node, g):
            continue
        local = node._local
        if local is _STRONG_ZERO:
            pass  # a strong zero (a relu that is off, a step function) sends nothing, whatever g is
        elif edges is not None:  # the functional API's derivatives, rebuilt as Values
            for parent, d in edges(node):
                parent._grad += d * g
        # --- Speed: a node with one parent (tanh, relu, x * 3, ...) keeps it and its derivative
        # bare (see Value._parents) and sends without a zip: about twice as fast on a chain, 10%
        # of backward on an MLP, measured side by side. The plain version is the loop below over
        # ``zip(node.parents, node.local_grads)``, which does the same for any number of parents.
        elif type(ps := node._parents) is not tuple:
            ps._grad += local * g  # type: ignore[union-attr]
        elif type(shared := node._arg) is _Shared:  # a layer's sum, kept in parts (_Shared)
            # the same sends in the same order as the loop below over the whole tuples
            for parent, d in zip(ps, shared.data):  # the weights: d = their input's number
                parent._grad += d * g
            for parent, d in zip(shared.values, local):  # the inputs: d = their weight's number
                parent._grad += d * g
            ps[-1]._grad += g  # the bias: d = 1.0, and 1.0 * g is g
        else:
            for parent, d in zip(ps, local):
                parent._grad += d * g  # the chain rule: dL/dparent += dnode/dparent * dL/dnode
        if observe is not None:
            observe(node)


def _sends_nothing(node: Value, g: Any) -> bool:
    """True when ``node`` would send exactly 0 to every parent, so skipping it changes nothing:
    its gradient is the number 0 (not a Value, whose derivative may still be nonzero) and no
    local derivative is inf or nan (0 * inf is nan, which PyTorch would send on)."""
    d = node._local
    if type(g) is not float:
        return False
    shared = node._arg
    if type(shared) is _Shared and not isfinite(_builtin_sum(shared.data)):
        return False
    return isfinite(_builtin_sum(d) if type(d) is tuple else d)


#: One backward pass at a time: a pass uses the ``.grad`` slots of the nodes it walks.
_pass_lock = threading.RLock()


@contextmanager
def _this_pass_only(senders: Sequence[Value]) -> Iterator[None]:
    """Carry-over of earlier passes: while a pass runs, a node that sends holds only this pass's
    gradient (or it would send again what it received before); earlier gradients are set aside
    and added back afterwards, so two passes add up as in PyTorch."""
    earlier = [node._grad for node in senders]
    if not any(earlier):
        yield
        return
    for node in senders:
        node._grad = 0.0
    try:
        yield
    finally:
        for node, old in zip(senders, earlier):
            if old:
                node._grad += old


@contextmanager
def borrowed_grads(nodes: Sequence[Value]) -> Iterator[None]:
    """Runs a pass on ``nodes`` without changing any ``.grad``: their gradients start at 0 and
    are put back as they were afterwards (read the pass's results inside the block). The
    functional API and the trace use it to run :func:`chain_rule` on the side."""
    with _pass_lock:
        earlier = [node._grad for node in nodes]
        for node in nodes:
            node._grad = 0.0
        try:
            yield
        finally:
            for node, old in zip(nodes, earlier):
                node._grad = old
