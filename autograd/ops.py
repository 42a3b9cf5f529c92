"""The op table: every operation the engine knows, declared once, with its derivative.

Each entry says four things about one operation:

* ``forward``: how to compute the result from plain floats;
* ``partials``: the local derivative of the result with respect to each Value input, given the
  inputs and the result ``out`` (many rules are cheapest in terms of ``out``:
  ``tanh' = 1 - out**2``);
* ``domain``: in words, where the operation is defined (used in error messages);
* ``symbol``: what the graph drawing and ``Value.op`` show.

A rule is written once and works on two kinds of argument. With floats it gives the numbers that
a node stores in ``local_grads`` when it is made. With Values (the inputs as graph nodes and
``out`` as the node itself) it builds the derivative as a new graph, which is how
``grad(grad(f))`` works. Rules therefore use only arithmetic, comparisons (a Value compares
by its number) and the helpers ``_log``, ``_sin``, ``_cos`` and ``_exp`` below, which accept
either kind.

Arity:

* ``UNARY``: ``forward(x)`` and ``partials(x, out)``;
* ``BINARY``: ``forward(x, y)`` and ``partials(x, y, out)``;
* ``UNARY_CONST``: one Value and one plain number ``c`` that is not differentiated:
  ``forward(x, c)`` and ``partials(x, c, out)`` (``x * 3``, ``x ** 2``, ``2 ** x``, leaky
  relu's slope);
* ``NARY``: any number of Values, ``forward(xs)`` and ``partials(xs, out)``;
* ``NARY_CONST``: Values and a tuple of plain numbers, ``forward(xs, cs)`` and
  ``partials(xs, cs, out)`` (a neuron's weighted sum over inputs that are data, not Values).

Kinks follow PyTorch: relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = slope, and sqrt'(0) = inf.

Strong zeros: where relu is off, and everywhere for the steps sign, floor and ceil, the
derivative is a *strong* zero (:data:`STRONG_ZERO`): no gradient passes at all, not even the nan
that ``0 * inf`` would make, as in PyTorch (whose relu sends 0 whatever arrives).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

UNARY = "unary"
BINARY = "binary"
UNARY_CONST = "unary_const"
NARY = "nary"
NARY_CONST = "nary_const"

INF = math.inf

#: The local derivatives of a one-input node through which no gradient passes: a *strong* zero.
#: The partials rule of an op declared with ``stops=True`` returns this very tuple where its
#: derivative is 0 (relu for x <= 0; sign, floor and ceil everywhere). An ordinary zero sends
#: ``0 * g``, which is nan when ``g`` is inf or nan; a strong zero sends nothing, whatever
#: arrives, as PyTorch's relu and step functions do. So backward need not look behind such a
#: node (see :func:`autograd.engine.Value.backward`). Only this object is a strong zero: an
#: equal tuple made elsewhere is an ordinary zero.
STRONG_ZERO: tuple[float] = (0.0,)

# Roles an op can play where a drawing collapses a network into neurons and layers.
ACTIVATION = "activation"      # a function applied to one neuron's weighted sum
WEIGHTED_SUM = "weighted_sum"  # a neuron's sum_i w_i x_i + b
GATHER = "gather"              # adds several pieces into one (a sum over samples, a bias added)

#: An interval ``(lo, hi)`` that tests may sample an argument from; an argument's sampling set is a
#: tuple of such intervals (their union).
Interval = tuple[float, float]
ANYWHERE: tuple[Interval, ...] = ((-5.0, 5.0),)
POSITIVE: tuple[Interval, ...] = ((0.05, 10.0),)
NONZERO: tuple[Interval, ...] = ((-5.0, -0.2), (0.2, 5.0))


@dataclass(frozen=True, slots=True)
class Op:
    """One operation: its name, how to compute it, its local derivatives, and every other fact
    that the rest of the package needs about it.

    * ``sample``: where tests may draw each argument (Values first, then constants), one tuple of
      intervals per argument; ``()`` means :data:`ANYWHERE` for every argument. N-ary ops use the
      first entry for all of their arguments.
    * ``kinks``: input values where the derivative jumps and the table follows a convention
      (relu at 0): tests keep away from them for finite differences and test them on their own.
    * ``const_first``: the plain number comes first (``c - x``, ``c / x``, ``c ** x``).
    * ``role``: :data:`ACTIVATION`, :data:`WEIGHTED_SUM`, :data:`GATHER` or ``''``.
    * ``torch``, ``numpy``, ``math``: the op's name in ``torch`` (an attribute path such as
      ``"tanh"`` or ``"nn.functional.softplus"``), NumPy's ufuncs and Python's ``math`` module,
      ``''`` where there is none.
    * ``method``: the name of the ``Value`` method (and the formula function) that applies it.
    * ``example``: a one-line example, shown in the method's docstring.
    * ``stops``: a one-input op whose zero derivative is a strong zero: its partials rule returns
      :data:`STRONG_ZERO` wherever the derivative is 0.
    """

    name: str
    symbol: str
    arity: str
    forward: Callable[..., float]
    partials: Callable[..., tuple[Any, ...]]
    domain: str = "all real numbers"
    maths: str = ""
    sample: tuple[tuple[Interval, ...], ...] = ()
    kinks: tuple[float, ...] = ()
    const_first: bool = False
    role: str = ""
    torch: str = ""
    numpy: str = ""
    math: str = ""
    method: str = ""
    example: str = ""
    stops: bool = False

    # An op is its table entry: copying a model or a graph (``copy.deepcopy``) keeps pointing at
    # the same entry, and pickling stores its name (its rules are code, which pickle cannot
    # hold), so ``node._fn is ops.RELU`` stays true either way.
    def __copy__(self) -> Op:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Op:
        return self

    def __reduce__(self) -> tuple[Callable[[str], Op], tuple[str]]:
        if OPS.get(self.name) is not self:
            raise TypeError(f"cannot pickle the op {self.name!r}: it is not the entry of that "
                            "name in the op table (autograd.ops.OPS)")
        return entry, (self.name,)

    # The one place that knows how each arity calls its rules. ``xs`` are the differentiable
    # inputs (floats, Values, or anything else the rules accept) and ``c`` the plain constant.

    def split(self, args: Sequence[Any]) -> tuple[tuple[Any, ...], Any]:
        """The arguments of a call (as :func:`autograd.engine.apply_op` takes them) split into
        ``(xs, c)``: the differentiable inputs and the constant (``None`` if there is none)."""
        if self.arity == UNARY_CONST:
            x, c = args
            return (x,), c
        if self.arity == NARY_CONST:
            xs, cs = args
            return tuple(xs), tuple(cs)
        return tuple(args), None

    def join(self, xs: Sequence[Any], c: Any = None) -> tuple[Any, ...]:
        """The inverse of :meth:`split`: the call's arguments from ``xs`` and ``c``."""
        if self.arity == UNARY_CONST:
            return (xs[0], c)
        if self.arity == NARY_CONST:
            return (list(xs), c)
        return tuple(xs)

    def evaluate(self, xs: Sequence[Any], c: Any = None) -> Any:
        """``forward`` on the inputs ``xs`` (and the constant ``c``), whatever the arity."""
        arity = self.arity
        if arity in (UNARY, BINARY):
            return self.forward(*xs)
        if arity == UNARY_CONST:
            return self.forward(xs[0], c)
        if arity == NARY:
            return self.forward(xs)
        return self.forward(xs, c)

    def local(self, xs: Sequence[Any], c: Any, out: Any) -> tuple[Any, ...]:
        """``partials`` at the inputs ``xs``, the constant ``c`` and the result ``out``."""
        arity = self.arity
        if arity in (UNARY, BINARY):
            return self.partials(*xs, out)
        if arity == UNARY_CONST:
            return self.partials(xs[0], c, out)
        if arity == NARY:
            return self.partials(xs, out)
        return self.partials(xs, c, out)

    def doc(self) -> str:
        """The docstring of the Value method (or function) that applies this op."""
        lines = [f"{self.name}: {self.maths}." if self.maths else f"{self.name}."]
        if self.domain != "all real numbers":
            lines.append(f"Defined for {self.domain}.")
        if self.example:
            lines.append(f"Example: ``{self.example}``.")
        return "\n\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Helpers that rules may use: each takes a float or a Value and answers in kind.
# ---------------------------------------------------------------------------------------------


def _log(x: Any) -> Any:
    return math.log(x) if type(x) is float else x.log()


def _exp(x: Any) -> Any:
    return math.exp(x) if type(x) is float else x.exp()


def _sin(x: Any) -> Any:
    return math.sin(x) if type(x) is float else x.sin()


def _cos(x: Any) -> Any:
    return math.cos(x) if type(x) is float else x.cos()


def _data(x: Any) -> float:
    # the number of a float or a Value (rules whose derivative is piecewise constant use it)
    return x if type(x) is float else x.data


def _erf(x: Any) -> Any:
    return math.erf(x) if type(x) is float else x.erf()


def _sinh(x: Any) -> Any:
    return math.sinh(x) if type(x) is float else x.sinh()


def _cosh(x: Any) -> Any:
    return math.cosh(x) if type(x) is float else x.cosh()


def _sigmoid_of(x: Any) -> Any:
    return _sigmoid(x) if type(x) is float else x.sigmoid()


def _power(x: Any, c: Any) -> Any:
    """``x ** c``; on floats ``±inf`` where the result is too large (as PyTorch), never the bare
    ``OverflowError`` of Python's ``**``: a local derivative may be infinite where the op's
    value is finite (``d/dx x**-1`` at ``1e-300``)."""
    if type(x) is not float or type(c) is not float:
        return x ** c
    try:
        return math.pow(x, c)
    except OverflowError:
        odd = x < 0.0 and c.is_integer() and c % 2.0 == 1.0
        return -INF if odd else INF


def _power_below(x: Any, c: Any, out: Any) -> Any:
    """``x ** (c - 1)`` where ``out = x ** c``: the factor in the derivative of a power.

    On floats, ``±inf`` where it is past float range (:func:`_power`). On Values (a second
    derivative) the power as a node, except where its number is past float range while ``out``,
    the op's own result, is not (``x ** -2`` at ``1e-300`` inside the derivative of ``x ** -1``):
    the power op would raise ``OverflowError`` for a number that is only a local derivative, so
    the same number is built as ``out / x``, a division, which gives ``±inf`` there as PyTorch
    does, and whose own partials are the ones the power would have had. ``x != 0`` there: a
    zero base to a negative power fails in ``**`` before anything overflows.
    """
    if type(x) is float and type(c) is float:
        return _power(x, c - 1.0)
    try:
        return x ** (c - 1.0)
    except OverflowError:
        return out / x


def _rsqrt(v: Any) -> Any:
    # 1 / sqrt(v) for v >= 0: inf at 0, as PyTorch's derivatives of asin, acos and acosh there;
    # on a Value the rsqrt op, whose own derivative is -inf there (so second derivatives are too)
    return _rsqrt_float(v) if type(v) is float else v.rsqrt()


def _recip(v: Any) -> Any:
    # 1 / v with ±inf at ±0 (PyTorch's atanh'(±1)), never ZeroDivisionError inside a rule
    return _reciprocal(v) if type(v) is float else v.reciprocal()


def _rsqrt_float(x: float) -> float:
    return INF if x == 0.0 else 1.0 / math.sqrt(x)


def _reciprocal(x: float) -> float:
    return math.copysign(INF, x) if x == 0.0 else 1.0 / x


def _sign(x: Any) -> float:
    # a kink's derivative is a constant: 1.0, -1.0, or 0.0 at the kink itself
    return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)


# ---------------------------------------------------------------------------------------------
# Forward functions that need more than one expression.
# ---------------------------------------------------------------------------------------------


def _sigmoid(x: float) -> float:
    # Never exponentiate a large positive number: both branches stay finite for any x.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): finite for any x.
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _softplus_partials(x: Any, out: Any) -> tuple[Any, ...]:
    # d/dx log(1 + e^x) = sigmoid(x) = 1 - e^(-out)
    if type(x) is float:
        return (_sigmoid(x),)
    return (x.sigmoid(),)


def _pow_value(x: float, y: float) -> float:
    if x <= 0.0:
        raise ValueError(f"needs a base > 0 when the exponent is a Value, got base {x!r}")
    return math.pow(x, y)


def _pow_const(x: float, c: float) -> float:
    if x < 0.0 and not float(c).is_integer():
        raise ValueError(f"negative base {x!r} to the non-integer power {c!r}")
    if x == 0.0 and c < 0.0:
        raise ZeroDivisionError(f"zero base to the negative power {c!r}")
    return math.pow(x, c)


def _pow_const_partials(x: Any, c: float, out: Any) -> tuple[Any, ...]:
    # d/dx x**c = c * x**(c - 1); PyTorch's conventions where that is not finite
    if c == 0.0:
        return (0.0,)
    if c < 1.0 and _data(x) == 0.0:
        # 0 < c < 1 (c < 0 fails in forward): the slope is vertical at 0, c / x**(1 - c) = inf
        # (and the second derivative -inf), as PyTorch
        return (c * _recip(_power(x, 1.0 - c)),)
    return (c * _power_below(x, c, out),)


def _rpow_const(x: float, c: float) -> float:
    if c < 0.0 and not x.is_integer() and math.isfinite(x):
        raise ValueError(f"negative base {c!r} to the non-integer power {x!r}")
    if c == 0.0 and x < 0.0:
        raise ZeroDivisionError(f"zero base to the negative power {x!r}")
    return math.pow(c, x)


def _rpow_const_partials(x: Any, c: float, out: Any) -> tuple[Any, ...]:
    # d/dx c**x = c**x * log(c) = out * log(c) for c > 0. With c == 0 the function is constant
    # where it is defined (0**x = 0 for x > 0, 1 at x == 0): d/dx = 0, as PyTorch. With c < 0
    # it is defined at integers only and has no derivative: nan, as PyTorch.
    if c > 0.0:
        return (out * math.log(c),)
    if c == 0.0:
        return (0.0,)
    return (math.nan,)


def _sqrt_partials(x: Any, out: Any) -> tuple[Any, ...]:
    # d/dx sqrt(x) = 1 / (2 sqrt(x)) = 0.5 / out; infinite at 0, as in PyTorch
    if _data(out) == 0.0:
        return (0.5 * _recip(out),)  # inf, and -inf for the second derivative, as PyTorch
    return (0.5 / out,)


def _div(x: float, y: float) -> float:
    return x / y


def _logsumexp(xs: Sequence[float]) -> float:
    # m + log(sum(e^(x - m))) with m = max(x): no term overflows
    m = max(xs)
    if math.isinf(m):
        return math.nan if any(x != x for x in xs) else m
    return m + math.log(math.fsum([math.exp(x - m) for x in xs]))


def _logsumexp_partials(xs: Sequence[Any], out: Any) -> tuple[Any, ...]:
    # d/dx_i log(sum_j e^x_j) = e^(x_i - out), the softmax
    return tuple(_exp(x - out) for x in xs)


def _fsum(xs: Sequence[float]) -> float:
    # the correctly rounded sum; where math.fsum refuses (inf and -inf both, or an overflow on
    # the way), the plain sum, which gives nan or inf there as PyTorch does
    try:
        return math.fsum(xs)
    except (ValueError, OverflowError):
        return float(sum(xs))


def _wsum(xs: Sequence[float]) -> float:
    # parents are (w_1..w_n, x_1..x_n, b): sum_i w_i x_i + b
    n = (len(xs) - 1) // 2
    total: float = sum(map(operator.mul, xs[:n], xs[n:2 * n]))
    return total + xs[-1]


def _wsum_partials(xs: Sequence[Any], out: Any) -> tuple[Any, ...]:
    # d/dw_i = x_i, d/dx_i = w_i, d/db = 1
    n = (len(xs) - 1) // 2
    return (*xs[n:2 * n], *xs[:n], 1.0)


def _wsum_const(ws: Sequence[float], cs: Sequence[float]) -> float:
    # parents are (w_1..w_n, b); the inputs x_i are the constants cs
    total: float = sum(map(operator.mul, ws, cs))
    return total + ws[-1]


def _wsum_const_partials(ws: Sequence[Any], cs: Sequence[float], out: Any) -> tuple[Any, ...]:
    # d/dw_i = x_i (a constant), d/db = 1
    return (*cs, 1.0)


# The same two rules in parts, for a layer whose neurons share their inputs
# (:func:`autograd.engine.dots`): the weights' and inputs' numbers come as separate lists, so
# they are not joined and sliced again for each neuron. Same numbers, bit for bit:
# ``wsum_parts(ws, xs, b) == (_wsum(ws + xs + [b]), _wsum_partials(ws + xs + [b], out))``, and
# ``wsum_const_value(ws, cs, b) == _wsum_const(ws + [b], cs)``.


def wsum_parts(ws: Sequence[float], xs: Sequence[float], b: float
               ) -> tuple[float, tuple[float, ...]]:
    """WSUM's result and partials from the weights ``ws``, inputs ``xs`` and bias ``b``."""
    total: float = sum(map(operator.mul, ws, xs))
    return total + b, (*xs, *ws, 1.0)


def wsum_split(ws: Sequence[float], xs: Sequence[float], b: float
               ) -> tuple[float, tuple[float, ...]]:
    """WSUM's result and its partials with respect to the inputs ``xs`` (the weights' numbers),
    for a node that keeps its partials in two parts (:func:`autograd.engine.dots`): those with
    respect to the weights are the inputs' numbers, which the neurons of a layer share, and
    that with respect to the bias is 1. Same numbers, bit for bit:
    ``(*xs, *wsum_split(ws, xs, b)[1], 1.0) == wsum_parts(ws, xs, b)[1]``."""
    total: float = sum(map(operator.mul, ws, xs))
    return total + b, tuple(ws)


def wsum_const_value(ws: Iterable[float], cs: Iterable[float], b: float) -> float:
    """WSUM_CONST's result from the weights ``ws``, the constant inputs ``cs`` and bias ``b``
    (its partials, ``(*cs, 1.0)``, are the same for every neuron of a layer)."""
    total: float = sum(map(operator.mul, ws, cs))
    return total + b


LN2 = math.log(2.0)
LN10 = math.log(10.0)
SQRT_HALF = math.sqrt(0.5)
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _atanh(x: float) -> float:
    # math.atanh refuses ±1; PyTorch gives ±inf there (nan beyond, where we raise)
    if abs(x) == 1.0:
        return math.copysign(INF, x)
    return math.atanh(x)


def _exp2(x: float) -> float:
    return math.pow(2.0, x)


def _gelu(x: float) -> float:
    # x * Phi(x), Phi the standard normal distribution function, through erf (exact form)
    return 0.5 * x * (1.0 + math.erf(x * SQRT_HALF))


def _gelu_partials(x: Any, out: Any) -> tuple[Any, ...]:
    # d/dx x Phi(x) = Phi(x) + x phi(x)
    return (0.5 * (1.0 + _erf(x * SQRT_HALF)) + x * _exp(-0.5 * x * x) * INV_SQRT_2PI,)


def _silu(x: float) -> float:
    return x * _sigmoid(x)


def _silu_partials(x: Any, out: Any) -> tuple[Any, ...]:
    # d/dx x s(x) = s + x s (1 - s), s = sigmoid(x)
    s = _sigmoid_of(x)
    return (s * (1.0 + x * (1.0 - s)),)


def _elu(x: float, alpha: float) -> float:
    return x if x > 0.0 else alpha * math.expm1(x)  # nan stays nan


def _elu_partials(x: Any, alpha: float, out: Any) -> tuple[Any, ...]:
    # d/dx = 1 for x > 0, else alpha e**x = out + alpha (alpha at 0, as PyTorch)
    if x == 0.0:
        return (alpha,)  # a constant at the kink: its second derivative is 0 there, as PyTorch
    return (out + alpha,) if x < 0.0 else (1.0,)  # nan: 1, as PyTorch


def _sign_of(x: float) -> float:
    return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)  # sign(nan) = 0, as torch.sign


def _floor(x: float) -> float:
    return float(math.floor(x)) if math.isfinite(x) else x


def _ceil(x: float) -> float:
    return float(math.ceil(x)) if math.isfinite(x) else x


def _zero(*args: Any) -> tuple[float, ...]:
    # the derivative of a step function: 0 for each Value input (the last argument is ``out``)
    return (0.0,) * (len(args) - 1)


def _stop(x: Any, out: Any) -> tuple[float]:
    # the derivative of a one-input step function: a strong zero, no gradient passes
    return STRONG_ZERO


def _mod(x: float, y: float) -> float:
    return x % y  # Python's modulo: the sign of y, like torch.remainder


def _mod_partials(x: Any, y: Any, out: Any) -> tuple[Any, ...]:
    # x % y = x - y floor(x/y): d/dx = 1, d/dy = -floor(x/y), a constant between the jumps
    return (1.0, -(_data(x) // _data(y)))


def _floordiv(x: float, y: float) -> float:
    return x // y


def _atan2_partials(y: Any, x: Any, out: Any) -> tuple[Any, ...]:
    # d/dy atan2(y, x) = x / (x**2 + y**2), d/dx = -y / (x**2 + y**2); 0 at the origin, as PyTorch
    r = x * x + y * y
    if _data(r) == 0.0:
        return (0.0, 0.0)
    return (x / r, -y / r)


def _hypot_partials(x: Any, y: Any, out: Any) -> tuple[Any, ...]:
    # d/dx sqrt(x**2 + y**2) = x / out; nan at the origin, as PyTorch (0/0)
    if _data(out) == 0.0:
        return (math.nan, math.nan)
    return (x / out, y / out)


def _maximum(x: float, y: float) -> float:
    if x != x or y != y:
        return math.nan
    return x if x >= y else y


def _minimum(x: float, y: float) -> float:
    if x != x or y != y:
        return math.nan
    return x if x <= y else y


def _maximum_partials(x: Any, y: Any, out: Any) -> tuple[Any, ...]:
    # 1 to the larger input; a tie sends half to each, as PyTorch (and a nan 1 to both)
    if x == y:
        return (0.5, 0.5)
    return (0.0 if x < y else 1.0, 0.0 if x > y else 1.0)


def _minimum_partials(x: Any, y: Any, out: Any) -> tuple[Any, ...]:
    if x == y:
        return (0.5, 0.5)
    return (0.0 if x > y else 1.0, 0.0 if x < y else 1.0)


def _clamp_min(x: float, lo: float) -> float:
    return x if x >= lo or x != x else lo  # a nan (x or lo) gives nan, as PyTorch


def _clamp_max(x: float, hi: float) -> float:
    return x if x <= hi or x != x else hi


# ---------------------------------------------------------------------------------------------
# The table.
# ---------------------------------------------------------------------------------------------

OPS: dict[str, Op] = {}


def _declare(op: Op) -> Op:
    if op.name in OPS:
        raise ValueError(f"op {op.name!r} is declared twice")
    OPS[op.name] = op
    return op


# --- arithmetic between two Values ----------------------------------------------------------
ADD = _declare(Op("add", "+", BINARY, lambda x, y: x + y, lambda x, y, out: (1.0, 1.0),
                  maths="d/dx = 1, d/dy = 1", role=GATHER, torch="add", numpy="add",
                  example="Value(2.0) + Value(3.0)  # data 5.0"))
SUB = _declare(Op("sub", "-", BINARY, lambda x, y: x - y, lambda x, y, out: (1.0, -1.0),
                  maths="d/dx = 1, d/dy = -1", torch="sub", numpy="subtract",
                  example="Value(2.0) - Value(3.0)  # data -1.0"))
MUL = _declare(Op("mul", "*", BINARY, lambda x, y: x * y, lambda x, y, out: (y, x),
                  maths="d/dx = y, d/dy = x", torch="mul", numpy="multiply",
                  example="Value(2.0) * Value(3.0)  # data 6.0"))
DIV = _declare(Op("div", "/", BINARY, _div, lambda x, y, out: (1.0 / y, -out / y),
                  domain="y != 0", maths="d/dx = 1/y, d/dy = -x/y**2 = -out/y",
                  sample=(ANYWHERE, NONZERO), torch="div", numpy="divide",
                  example="Value(3.0) / Value(2.0)  # data 1.5"))
POW = _declare(Op("pow", "**", BINARY, _pow_value,
                  lambda x, y, out: (y * _power_below(x, y, out), out * _log(x)),
                  domain="x > 0", maths="d/dx = y x**(y-1), d/dy = x**y log(x) = out log(x)",
                  sample=(((0.1, 3.0),), ((-3.0, 3.0),)), torch="pow", numpy="power",
                  example="Value(2.0) ** Value(3.0)  # data 8.0"))

# --- arithmetic with a plain number c, which gets no gradient --------------------------------
ADD_CONST = _declare(Op("add_const", "+", UNARY_CONST, lambda x, c: x + c,
                        lambda x, c, out: (1.0,), maths="x + c: d/dx = 1", role=GATHER,
                        torch="add", numpy="add", example="Value(2.0) + 3  # data 5.0"))
SUB_CONST = _declare(Op("sub_const", "-", UNARY_CONST, lambda x, c: x - c,
                        lambda x, c, out: (1.0,), maths="x - c: d/dx = 1", torch="sub",
                        numpy="subtract", example="Value(2.0) - 3  # data -1.0"))
RSUB_CONST = _declare(Op("rsub_const", "-", UNARY_CONST, lambda x, c: c - x,
                         lambda x, c, out: (-1.0,), maths="c - x: d/dx = -1", const_first=True,
                         torch="sub", numpy="subtract", example="3 - Value(2.0)  # data 1.0"))
MUL_CONST = _declare(Op("mul_const", "*", UNARY_CONST, lambda x, c: x * c,
                        lambda x, c, out: (c,), maths="x * c: d/dx = c", torch="mul",
                        numpy="multiply", example="Value(2.0) * 3  # data 6.0"))
DIV_CONST = _declare(Op("div_const", "/", UNARY_CONST, _div,
                        lambda x, c, out: (1.0 / c,), domain="c != 0",
                        maths="x / c: d/dx = 1/c", sample=(ANYWHERE, NONZERO), torch="div",
                        numpy="divide", example="Value(3.0) / 2  # data 1.5"))
RDIV_CONST = _declare(Op("rdiv_const", "/", UNARY_CONST, lambda x, c: c / x,
                         lambda x, c, out: (-out / x,), domain="x != 0",
                         maths="c / x: d/dx = -c/x**2 = -out/x", sample=(NONZERO, ANYWHERE),
                         const_first=True, torch="div", numpy="divide",
                         example="3 / Value(2.0)  # data 1.5"))
POW_CONST = _declare(Op("pow_const", "**", UNARY_CONST, _pow_const, _pow_const_partials,
                        domain="x >= 0 unless c is an integer; x != 0 if c < 0",
                        maths="x ** c: d/dx = c x**(c-1)",
                        sample=(((0.1, 3.0),), ((-3.0, 3.0),)), torch="pow", numpy="power",
                        example="Value(3.0) ** 2  # data 9.0"))
RPOW_CONST = _declare(Op("rpow_const", "**", UNARY_CONST, _rpow_const, _rpow_const_partials,
                         domain="c > 0, or x an integer",
                         maths="c ** x: d/dx = c**x log(c) = out log(c)",
                         sample=(((-3.0, 3.0),), ((0.1, 3.0),)), const_first=True, torch="pow",
                         numpy="power", example="2 ** Value(3.0)  # data 8.0"))
LEAKY_RELU = _declare(Op("leaky_relu", "leaky_relu", UNARY_CONST,
                         lambda x, c: c * x if x <= 0.0 else x,  # nan stays nan
                         lambda x, c, out: (1.0 if x > 0.0 else c,),
                         maths="d/dx = 1 if x > 0 else slope (slope at 0, as in PyTorch)",
                         sample=(ANYWHERE, ((0.0, 0.5),)), kinks=(0.0,), role=ACTIVATION,
                         torch="nn.functional.leaky_relu", method="leaky_relu",
                         example="Value(-2.0).leaky_relu(0.1)  # data -0.2"))

# --- functions of one Value ------------------------------------------------------------------
NEG = _declare(Op("neg", "neg", UNARY, lambda x: -x, lambda x, out: (-1.0,), maths="d/dx = -1",
                  torch="neg", numpy="negative", example="-Value(2.0)  # data -2.0"))
ABS = _declare(Op("abs", "abs", UNARY, abs, lambda x, out: (_sign(x),),
                  maths="d/dx = sign(x); 0 at 0, as in PyTorch", kinks=(0.0,), torch="abs",
                  numpy="absolute", math="fabs", method="abs",
                  example="Value(-2.0).abs()  # data 2.0"))
EXP = _declare(Op("exp", "exp", UNARY, math.exp, lambda x, out: (out,),
                  domain="x <= 709.78 (larger overflows a float)", maths="d/dx = e**x = out",
                  torch="exp", numpy="exp", math="exp", method="exp",
                  example="Value(0.0).exp()  # data 1.0"))
LOG = _declare(Op("log", "log", UNARY, math.log, lambda x, out: (1.0 / x,),
                  domain="x > 0", maths="d/dx = 1/x", sample=(POSITIVE,), torch="log",
                  numpy="log", math="log", method="log", example="Value(1.0).log()  # data 0.0"))
TANH = _declare(Op("tanh", "tanh", UNARY, math.tanh, lambda x, out: (1.0 - out * out,),
                   maths="d/dx = 1 - tanh(x)**2 = 1 - out**2", role=ACTIVATION, torch="tanh",
                   numpy="tanh", math="tanh", method="tanh",
                   example="Value(0.0).tanh()  # data 0.0"))
SIGMOID = _declare(Op("sigmoid", "sigmoid", UNARY, _sigmoid,
                      lambda x, out: (out * (1.0 - out),), maths="d/dx = out (1 - out)",
                      role=ACTIVATION, torch="sigmoid", method="sigmoid",
                      example="Value(0.0).sigmoid()  # data 0.5"))
RELU = _declare(Op("relu", "relu", UNARY, lambda x: 0.0 if x <= 0.0 else x,  # nan stays nan
                   lambda x, out: STRONG_ZERO if x <= 0.0 else (1.0,),  # nan: 1, as PyTorch
                   maths="d/dx = 1 if x > 0 else 0 (0 at 0, as in PyTorch; a strong zero)",
                   kinks=(0.0,), role=ACTIVATION, torch="relu", method="relu", stops=True,
                   example="Value(-2.0).relu()  # data 0.0"))
SQRT = _declare(Op("sqrt", "sqrt", UNARY, math.sqrt, _sqrt_partials, domain="x >= 0",
                   maths="d/dx = 1 / (2 sqrt(x)) = 0.5/out; inf at 0", sample=(POSITIVE,),
                   torch="sqrt", numpy="sqrt", math="sqrt", method="sqrt",
                   example="Value(4.0).sqrt()  # data 2.0"))
SIN = _declare(Op("sin", "sin", UNARY, math.sin, lambda x, out: (_cos(x),), maths="d/dx = cos(x)",
                  torch="sin", numpy="sin", math="sin", method="sin",
                  example="Value(0.0).sin()  # data 0.0"))
COS = _declare(Op("cos", "cos", UNARY, math.cos, lambda x, out: (-_sin(x),),
                  maths="d/dx = -sin(x)", torch="cos", numpy="cos", math="cos", method="cos",
                  example="Value(0.0).cos()  # data 1.0"))
SOFTPLUS = _declare(Op("softplus", "softplus", UNARY, _softplus, _softplus_partials,
                       maths="log(1 + e**x): d/dx = sigmoid(x)", role=ACTIVATION,
                       torch="nn.functional.softplus", method="softplus",
                       example="Value(0.0).softplus()  # data 0.6931..."))
IDENTITY = _declare(Op("identity", "id", UNARY, lambda x: x, lambda x, out: (1.0,),
                       maths="d/dx = 1 (marks a variable for the functional API)",
                       role=ACTIVATION, torch="clone", numpy="positive"))

# --- more functions of one Value (math's and PyTorch's names) --------------------------------
_UNIT: tuple[tuple[Interval, ...], ...] = (((-0.95, 0.95),),)
TAN = _declare(Op("tan", "tan", UNARY, math.tan, lambda x, out: (1.0 + out * out,),
                  domain="x not an odd multiple of pi/2",
                  maths="d/dx = 1 + tan(x)**2 = 1 + out**2",
                  sample=(((-1.4, 1.4),),), torch="tan", numpy="tan", math="tan", method="tan",
                  example="Value(0.0).tan()  # data 0.0"))
SINH = _declare(Op("sinh", "sinh", UNARY, math.sinh, lambda x, out: (_cosh(x),),
                   domain="|x| <= 710.47 (larger overflows a float)", maths="d/dx = cosh(x)",
                   torch="sinh", numpy="sinh", math="sinh", method="sinh",
                   example="Value(0.0).sinh()  # data 0.0"))
COSH = _declare(Op("cosh", "cosh", UNARY, math.cosh, lambda x, out: (_sinh(x),),
                   domain="|x| <= 710.47 (larger overflows a float)", maths="d/dx = sinh(x)",
                   torch="cosh", numpy="cosh", math="cosh", method="cosh",
                   example="Value(0.0).cosh()  # data 1.0"))
ASIN = _declare(Op("asin", "asin", UNARY, math.asin,
                   lambda x, out: (_rsqrt(1.0 - x * x),),
                   domain="-1 <= x <= 1", maths="d/dx = 1 / sqrt(1 - x**2); inf at ±1",
                   sample=_UNIT, torch="asin", numpy="arcsin", math="asin", method="asin",
                   example="Value(0.0).asin()  # data 0.0"))
ACOS = _declare(Op("acos", "acos", UNARY, math.acos,
                   lambda x, out: (-_rsqrt(1.0 - x * x),),
                   domain="-1 <= x <= 1", maths="d/dx = -1 / sqrt(1 - x**2); -inf at ±1",
                   sample=_UNIT, torch="acos", numpy="arccos", math="acos", method="acos",
                   example="Value(1.0).acos()  # data 0.0"))
ATAN = _declare(Op("atan", "atan", UNARY, math.atan, lambda x, out: (1.0 / (1.0 + x * x),),
                   maths="d/dx = 1 / (1 + x**2)", torch="atan", numpy="arctan", math="atan",
                   method="atan", example="Value(0.0).atan()  # data 0.0"))
ASINH = _declare(Op("asinh", "asinh", UNARY, math.asinh, lambda x, out: (_rsqrt(x * x + 1.0),),
                    maths="d/dx = 1 / sqrt(x**2 + 1)", torch="asinh", numpy="arcsinh",
                    math="asinh", method="asinh", example="Value(0.0).asinh()  # data 0.0"))
ACOSH = _declare(Op("acosh", "acosh", UNARY, math.acosh,
                    lambda x, out: (_rsqrt(x * x - 1.0),),
                    domain="x >= 1", maths="d/dx = 1 / sqrt(x**2 - 1); inf at 1",
                    sample=(((1.05, 10.0),),), torch="acosh", numpy="arccosh", math="acosh",
                    method="acosh", example="Value(1.0).acosh()  # data 0.0"))
ATANH = _declare(Op("atanh", "atanh", UNARY, _atanh,
                    lambda x, out: (_recip(1.0 - x * x),),
                    domain="-1 <= x <= 1 (±inf at ±1, as PyTorch)",
                    maths="d/dx = 1 / (1 - x**2); inf at ±1", sample=_UNIT, torch="atanh",
                    numpy="arctanh", math="atanh", method="atanh",
                    example="Value(0.0).atanh()  # data 0.0"))
LOG2 = _declare(Op("log2", "log2", UNARY, math.log2, lambda x, out: (1.0 / (x * LN2),),
                   domain="x > 0", maths="d/dx = 1 / (x log(2))", sample=(POSITIVE,),
                   torch="log2", numpy="log2", math="log2", method="log2",
                   example="Value(8.0).log2()  # data 3.0"))
LOG10 = _declare(Op("log10", "log10", UNARY, math.log10, lambda x, out: (1.0 / (x * LN10),),
                    domain="x > 0", maths="d/dx = 1 / (x log(10))", sample=(POSITIVE,),
                    torch="log10", numpy="log10", math="log10", method="log10",
                    example="Value(100.0).log10()  # data 2.0"))
LOG1P = _declare(Op("log1p", "log1p", UNARY, math.log1p, lambda x, out: (1.0 / (1.0 + x),),
                    domain="x > -1", maths="log(1 + x), exact for tiny x: d/dx = 1 / (1 + x)",
                    sample=(((-0.95, 10.0),),), torch="log1p", numpy="log1p", math="log1p",
                    method="log1p", example="Value(0.0).log1p()  # data 0.0"))
EXPM1 = _declare(Op("expm1", "expm1", UNARY, math.expm1, lambda x, out: (out + 1.0,),
                    domain="x <= 709.78 (larger overflows a float)",
                    maths="e**x - 1, exact for tiny x: d/dx = e**x = out + 1", torch="expm1",
                    numpy="expm1", math="expm1", method="expm1",
                    example="Value(0.0).expm1()  # data 0.0"))
EXP2 = _declare(Op("exp2", "exp2", UNARY, _exp2, lambda x, out: (out * LN2,),
                   domain="x < 1024 (larger overflows a float)",
                   maths="2**x: d/dx = 2**x log(2) = out log(2)", torch="exp2", numpy="exp2",
                   math="exp2", method="exp2", example="Value(3.0).exp2()  # data 8.0"))
ERF = _declare(Op("erf", "erf", UNARY, math.erf,
                  lambda x, out: (TWO_OVER_SQRT_PI * _exp(-(x * x)),),
                  maths="d/dx = 2 / sqrt(pi) e**(-x**2)", torch="erf", math="erf", method="erf",
                  example="Value(0.0).erf()  # data 0.0"))
GELU = _declare(Op("gelu", "gelu", UNARY, _gelu, _gelu_partials,
                   maths="x Phi(x) = x (1 + erf(x / sqrt(2))) / 2: d/dx = Phi(x) + x phi(x)",
                   role=ACTIVATION, torch="nn.functional.gelu", method="gelu",
                   example="Value(0.0).gelu()  # data 0.0"))
SILU = _declare(Op("silu", "silu", UNARY, _silu, _silu_partials,
                   maths="x sigmoid(x): d/dx = s (1 + x (1 - s)), s = sigmoid(x)",
                   role=ACTIVATION, torch="nn.functional.silu", method="silu",
                   example="Value(0.0).silu()  # data 0.0"))
ELU = _declare(Op("elu", "elu", UNARY_CONST, _elu, _elu_partials,
                  maths="x if x > 0 else alpha (e**x - 1): d/dx = 1 if x > 0 else "
                        "alpha e**x = out + alpha (alpha at 0, as PyTorch)",
                  sample=(ANYWHERE, ((0.1, 3.0),)), kinks=(0.0,), role=ACTIVATION,
                  torch="nn.functional.elu", method="elu",
                  example="Value(-1.0).elu()  # data -0.6321..."))
SIGN = _declare(Op("sign", "sign", UNARY, _sign_of, _stop,
                   maths="-1, 0 or 1: d/dx = 0 (0 at the jump too, as PyTorch)", kinks=(0.0,),
                   torch="sign", numpy="sign", method="sign",
                   example="Value(-2.5).sign()  # data -1.0", stops=True))
_INTEGERS = tuple(float(k) for k in range(-5, 6))
FLOOR = _declare(Op("floor", "floor", UNARY, _floor, _stop,
                    maths="the largest integer <= x: d/dx = 0 (0 at the jumps too, as PyTorch)",
                    kinks=_INTEGERS, torch="floor", numpy="floor", math="floor",
                    method="floor", example="Value(2.5).floor()  # data 2.0", stops=True))
CEIL = _declare(Op("ceil", "ceil", UNARY, _ceil, _stop,
                   maths="the smallest integer >= x: d/dx = 0 (0 at the jumps too, as PyTorch)",
                   kinks=_INTEGERS, torch="ceil", numpy="ceil", math="ceil", method="ceil",
                   example="Value(2.5).ceil()  # data 3.0", stops=True))

# --- used by the rules above where a derivative is infinite ---------------------------------
RSQRT = _declare(Op("rsqrt", "rsqrt", UNARY, _rsqrt_float, lambda x, out: (-0.5 * out * out * out,),
                    domain="x >= 0 (inf at 0, as torch.rsqrt)",
                    maths="1 / sqrt(x): d/dx = -x**-1.5 / 2 = -out**3 / 2; used by the rules of "
                          "asin, acos, acosh, whose derivatives are infinite at ±1",
                    sample=(POSITIVE,), torch="rsqrt", method="rsqrt",
                    example="Value(4.0).rsqrt()  # data 0.5"))
RECIPROCAL = _declare(Op("reciprocal", "1/x", UNARY, _reciprocal, lambda x, out: (-(out * out),),
                         domain="all real numbers (±inf at ±0, as torch.reciprocal; the operator "
                                "/ raises ZeroDivisionError there instead)",
                         maths="1 / x: d/dx = -1/x**2 = -out**2; used by rules whose derivative "
                               "is infinite somewhere (sqrt at 0, atanh at ±1)",
                         sample=(NONZERO,), torch="reciprocal", method="reciprocal",
                         example="Value(4.0).reciprocal()  # data 0.25"))

# --- functions of two Values (a plain number is made a leaf, which gets no gradient) ----------
# x in (2.2, 2.9) and y in (1, 1.05) keep x / y between 2 and 3: away from the jumps.
_BETWEEN_JUMPS: tuple[tuple[Interval, ...], ...] = (((2.2, 2.9),), ((1.0, 1.05),))
# |x| >= 1 and |y| <= 0.5: never a tie
_APART: tuple[tuple[Interval, ...], ...] = (((-5.0, -1.0), (1.0, 5.0)), ((-0.5, 0.5),))
MOD = _declare(Op("mod", "%", BINARY, _mod, _mod_partials, domain="y != 0",
                  maths="Python's x % y = x - y floor(x/y) (the sign of y): d/dx = 1, "
                        "d/dy = -floor(x/y)",
                  sample=_BETWEEN_JUMPS, torch="remainder", numpy="remainder",
                  example="Value(7.0) % 3  # data 1.0"))
FLOORDIV = _declare(Op("floordiv", "//", BINARY, _floordiv, _zero, domain="y != 0",
                       maths="floor(x / y): d/dx = d/dy = 0 (PyTorch's floor_divide has no "
                             "derivative, so no torch twin)",
                       sample=_BETWEEN_JUMPS, numpy="floor_divide",
                       example="Value(7.0) // 2  # data 3.0"))
ATAN2 = _declare(Op("atan2", "atan2", BINARY, math.atan2, _atan2_partials,
                    maths="the angle of (x, y): d/dy = x / (x**2 + y**2), "
                          "d/dx = -y / (x**2 + y**2); 0 at the origin, as PyTorch",
                    sample=(NONZERO, ANYWHERE), torch="atan2", numpy="arctan2", math="atan2",
                    example="autograd.atan2(Value(1.0), Value(1.0))  # data 0.7853..."))
HYPOT = _declare(Op("hypot", "hypot", BINARY, math.hypot, _hypot_partials,
                    maths="sqrt(x**2 + y**2): d/dx = x / out, d/dy = y / out; nan at the "
                          "origin, as PyTorch",
                    sample=(NONZERO, ANYWHERE), torch="hypot", numpy="hypot", math="hypot",
                    example="autograd.hypot(Value(3.0), Value(4.0))  # data 5.0"))
MAXIMUM = _declare(Op("maximum", "max", BINARY, _maximum, _maximum_partials,
                      maths="the larger: d/dx = 1 if x > y, 0 if x < y, 1/2 at a tie "
                            "(as PyTorch)", sample=_APART, torch="maximum", numpy="maximum",
                      example="autograd.maximum(Value(1.0), 2.0)  # data 2.0"))
MINIMUM = _declare(Op("minimum", "min", BINARY, _minimum, _minimum_partials,
                      maths="the smaller: d/dx = 1 if x < y, 0 if x > y, 1/2 at a tie "
                            "(as PyTorch)", sample=_APART, torch="minimum", numpy="minimum",
                      example="autograd.minimum(Value(1.0), 2.0)  # data 1.0"))
CLAMP_MIN = _declare(Op("clamp_min", "clamp_min", BINARY, _clamp_min,
                        lambda x, lo, out: (1.0 if x >= lo else 0.0, 1.0 if x < lo else 0.0),
                        maths="max(x, lo): d/dx = 1 if x >= lo (closed, as PyTorch's clamp), "
                              "d/dlo = 1 if x < lo",
                        sample=_APART, torch="clamp_min",
                        example="autograd.clamp(Value(-1.0), 0.0)  # data 0.0"))
CLAMP_MAX = _declare(Op("clamp_max", "clamp_max", BINARY, _clamp_max,
                        lambda x, hi, out: (1.0 if x <= hi else 0.0, 1.0 if x > hi else 0.0),
                        maths="min(x, hi): d/dx = 1 if x <= hi (closed, as PyTorch's clamp), "
                              "d/dhi = 1 if x > hi",
                        sample=_APART, torch="clamp_max",
                        example="autograd.clamp(Value(2.0), None, 1.0)  # data 1.0"))

# --- functions of many Values ----------------------------------------------------------------
SUM = _declare(Op("sum", "sum", NARY, _fsum, lambda xs, out: (1.0,) * len(xs),
                  maths="d/dx_i = 1", role=GATHER, torch="sum",
                  example="autograd.sum([Value(1.0), Value(2.0)])  # data 3.0"))
LOGSUMEXP = _declare(Op("logsumexp", "logsumexp", NARY, _logsumexp, _logsumexp_partials,
                        maths="log(sum_j e**x_j): d/dx_i = e**(x_i - out), the softmax",
                        sample=(((-20.0, 20.0),),), torch="logsumexp",
                        example="autograd.logsumexp([Value(0.0), Value(0.0)])  # data 0.6931..."))
WSUM = _declare(Op("wsum", "w·x+b", NARY, _wsum, _wsum_partials,
                   maths="sum_i w_i x_i + b: d/dw_i = x_i, d/dx_i = w_i, d/db = 1",
                   role=WEIGHTED_SUM,
                   example="autograd.dot([Value(2.0)], [Value(3.0)], Value(1.0))  # data 7.0"))
WSUM_CONST = _declare(Op("wsum_const", "w·x+b", NARY_CONST, _wsum_const, _wsum_const_partials,
                         maths="sum_i w_i c_i + b with data c: d/dw_i = c_i, d/db = 1",
                         role=WEIGHTED_SUM,
                         example="autograd.dot([Value(2.0)], [3.0], Value(1.0))  # data 7.0"))

def functions() -> tuple[str, ...]:
    """The functions that may be called by name (``tanh(x)``, in a formula of ``autograd graph``):
    the ``Value`` method of every op in the table as it is now.

    >>> functions()[:4]
    ('leaky_relu', 'abs', 'exp', 'log')
    """
    return tuple(op.method for op in OPS.values() if op.method)


def by_method(name: str) -> Op:
    """The op whose ``Value`` method is ``name`` (``"tanh"``); KeyError if there is none."""
    for op in OPS.values():
        if op.method == name:
            return op
    raise KeyError(name)


# ---------------------------------------------------------------------------------------------
# Users' ops (autograd.custom_op) join the same table.
# ---------------------------------------------------------------------------------------------

#: The names of the built-in ops: a user's op may not take one of them.
BUILTIN: frozenset[str] = frozenset(OPS)


def entry(name: str) -> Op:
    """The table's entry called ``name``: how an unpickled op finds itself again."""
    try:
        return OPS[name]
    except KeyError:
        raise ValueError(f"no op {name!r} in the op table (autograd.ops.OPS); declare a custom "
                         "op again (custom_op) before unpickling what uses it") from None


def register(op: Op) -> Op:
    """Adds a user's op to the table (what :func:`autograd.custom_op` does), so that everything
    that reads the table treats it as built in. A built-in name is refused; a user's op of the
    same name is replaced (running a notebook cell again defines it again)."""
    if op.name in BUILTIN:
        raise ValueError(
            f"custom op name {op.name!r} is taken by a built-in op; pick another name "
            "(custom_op(..., name='my_" + op.name + "'))"
        )
    OPS[op.name] = op
    return op


def unregister(name: str) -> None:
    """Removes a user's op from the table (built-in ops cannot be removed)."""
    if name in BUILTIN:
        raise ValueError(f"{name!r} is a built-in op and cannot be removed")
    OPS.pop(name, None)
