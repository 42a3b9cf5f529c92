"""Neural networks on the engine: modules (Neuron, Layer, MLP) and their state.

The losses live in :mod:`autograd.losses` and are re-exported here (``from autograd.nn import
hinge_loss``).

A neuron computes ``activation(w · x + b)``. The weighted sum is one graph node
(:func:`autograd.dot`) and the activation another, so a neuron adds two nodes to the graph (one
for ``"linear"``) however many inputs it has; backward through a layer stays cheap.

>>> model = MLP(2, [4, 1], activation="tanh", seed=0)
>>> len(model.parameters())
17
>>> score = model([0.5, -1.0])          # one output: a Value
>>> score.op
'w·x+b'
>>> loss = mse_loss([score], [1.0])
>>> loss.backward()
>>> any(p.grad != 0.0 for p in model.parameters())
True

Initialisation (every draw from the module's own ``random.Random(seed)``, never the global
generator; ``seed=None`` picks a fresh unpredictable seed):

* weights are drawn from ``uniform(-a, a)`` with ``a = sqrt(k / nin)`` (scaled by fan-in):
  ``k = 6`` for the rectifiers, whose derivative jumps at 0 ("relu", "leaky_relu", "elu";
  He: variance ``2 / nin``), ``k = 3`` for "tanh", "sigmoid", "softplus", "gelu", "silu" and
  "linear" (variance ``1 / nin``, Xavier-like);
* biases start at 0.

State is a flat dict of name -> float, names such as ``"layers.0.neurons.3.w.1"`` and
``"layers.0.neurons.3.b"``; :meth:`Module.save` and :meth:`Module.load` keep it in JSON, never
pickle.
"""

from __future__ import annotations

import json
import math
import numbers
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from typing import TYPE_CHECKING, Any, TypeVar

from . import ops
from .data import random_state
from .engine import Value, dot, dots
from .files import MAX_JSON_BYTES, atomic_write, read_json
from .losses import (
    binary_cross_entropy,
    cross_entropy,
    hinge_loss,
    l2_penalty,
    mse_loss,
    softmax,
)

__all__ = [
    "ACTIVATIONS", "Module", "Neuron", "Layer", "MLP",
    "mse_loss", "hinge_loss", "binary_cross_entropy", "softmax", "cross_entropy", "l2_penalty",
]

#: Format name and version written in the header of a saved module.
FORMAT = "autograd.nn"
FORMAT_VERSION = 1

#: Most parameters :meth:`MLP.from_file` builds by default (pass ``max_parameters`` for more).
#: The count is worked out from the architecture in the file, and checked against this cap and
#: against the number of entries in the file's state, before any module is made.
MAX_PARAMETERS = 1_000_000

#: What a module takes: a list or tuple, a NumPy array (1-D), or any other ordered iterable of
#: numbers or Values; one number or Value alone when the module has one input.
Input = Iterable[Value | float]

if TYPE_CHECKING:
    class Output(Value, list[Value]):  # type: ignore[misc]  # the two bases clash on purpose
        """What calling a Layer or MLP returns, as type checkers see it: a Value and a list.

        At run time the result is one or the other: a :class:`Value` when the module has one
        output, a ``list`` of Values otherwise. Which one depends on a number (the last layer
        size), which a type checker cannot see; so it is typed as both, and both uses check:
        ``out: Value = model(x)`` for one output, ``model(x)[k]`` or ``outs: list[Value] =
        model(x)`` for several. ``model.forward(x)`` is exactly typed: always a list.
        """
else:
    #: What calling a Layer or MLP returns: a Value for one output, else a list of Values
    #: (type checkers see a class that is both; see the README, "Types").
    Output = Value | list[Value]

def _activation_table() -> dict[str, tuple[Callable[[Value], Value] | None, float]]:
    """name -> (function applied to the weighted sum, None for "linear"; k in the init scale).

    The names are the ``Value`` methods of the op table's activations (``role`` ACTIVATION), plus
    "linear". Rectifiers, the activations with a kink at 0 (relu, leaky relu), get He's scale
    ``k = 6``; the others ``k = 3``.
    """
    table: dict[str, tuple[Callable[[Value], Value] | None, float]] = {}
    for op in ops.OPS.values():
        if op.role == ops.ACTIVATION and op.method:
            method: Callable[[Value], Value] = getattr(Value, op.method)
            table[op.method] = (method, 6.0 if 0.0 in op.kinks else 3.0)
    table[LINEAR] = (None, 3.0)
    return table


#: The activation that applies nothing: a neuron's output is its weighted sum.
LINEAR = "linear"
#: The activation names a Neuron, Layer or MLP accepts: the built-in ones. The table is read
#: again at each check, so an op added to it later with role ACTIVATION is accepted too.
ACTIVATIONS: tuple[str, ...] = tuple(_activation_table())


def _activation(name: object) -> tuple[Callable[[Value], Value] | None, float]:
    table = _activation_table()
    if not isinstance(name, str) or name not in table:
        valid = ", ".join(repr(a) for a in table)
        raise ValueError(f"unknown activation {name!r}; valid activations are {valid}")
    return table[name]


def _one_input_op(name: str) -> ops.Op | None:
    """The table entry of activation ``name`` if it takes the weighted sum alone (relu, tanh,
    ...), for ``dots(..., then=op)``; None for "linear" and for one with a constant (leaky_relu's
    slope), which a layer applies with its ``Value`` method instead."""
    if name == LINEAR:
        return None
    op = ops.by_method(name)
    return op if op.arity == ops.UNARY else None


def _count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def _inputs(x: object, nin: int, who: str) -> list[Value | float]:
    """``x`` as a list of ``nin`` Values and floats, or a TypeError or ValueError saying why not.

    Accepts lists and tuples, NumPy arrays and any other ordered iterable (``range``, a deque, a
    generator) of numbers (NumPy scalars and 0-d arrays included) or Values; a lone number or
    Value when ``nin`` is 1. Sets, dicts and strings are refused (no order, or not numbers). NumPy
    is never imported: arrays are simply iterated.
    """
    if (isinstance(x, Value) or (isinstance(x, numbers.Real) and not isinstance(x, bool))
            or getattr(x, "ndim", None) == 0):
        items: list[object] = [x]
    elif isinstance(x, (str, bytes, Set, Mapping)) or not isinstance(x, Iterable):
        raise TypeError(
            f"{who} takes a list of {nin} numbers or Values (or a tuple, a 1-D NumPy array, any "
            f"ordered sequence), got {type(x).__name__}"
        )
    else:
        try:
            items = list(x)
        except TypeError as err:  # a 0-d NumPy array says it is iterable, then refuses
            raise TypeError(
                f"{who} takes a sequence of {nin} numbers or Values, got {type(x).__name__} "
                f"({err})"
            ) from None
    inputs = [_input(item, i, who) for i, item in enumerate(items)]
    if len(inputs) != nin:
        raise ValueError(f"{who} takes {nin} inputs, got {len(inputs)}")
    return inputs


def _input(item: object, i: int, who: str) -> Value | float:
    """One input as a Value or a float: numbers (NumPy scalars, 0-d arrays) become floats."""
    if isinstance(item, Value):
        return item
    if isinstance(item, numbers.Real) and not isinstance(item, bool):
        return float(item)
    if getattr(item, "ndim", None) == 0 and hasattr(item, "__float__"):
        return float(item)  # a 0-d NumPy array or tensor
    hint = ""
    if getattr(item, "ndim", 0) or isinstance(item, (list, tuple)):
        hint = "; for a batch, call the module on each row: [model(row) for row in X]"
    raise TypeError(
        f"{who} input {i} must be a number or a Value, got {type(item).__name__}: "
        f"{item!r}{hint}"
    )


# ---------------------------------------------------------------------------------------------
# Modules
# ---------------------------------------------------------------------------------------------


_M = TypeVar("_M", bound="Module")  # ``load`` returns the module's own type (an MLP stays an MLP)


class Module:
    """Base class: parameters found by walking the attributes, state as a flat dict, JSON files.

    Parameters are the Values held in public attributes, directly, in lists or tuples, or inside
    sub-modules, in the order the attributes were set. Their names join the attribute path with
    dots (``"w.0"``, ``"b"``, ``"neurons.3.w.1"``), as in PyTorch's ``state_dict``.
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, Value) for every parameter, in a stable order; each Value listed once."""
        seen: set[int] = set()
        out: list[tuple[str, Value]] = []
        for name, p in self._walk(""):
            if id(p) not in seen:
                seen.add(id(p))
                out.append((name, p))
        return out

    def _walk(self, prefix: str) -> Iterator[tuple[str, Value]]:
        for attr, item in vars(self).items():
            if attr.startswith("_"):
                continue
            if isinstance(item, (list, tuple)):
                for i, sub in enumerate(item):
                    yield from _walk_item(f"{prefix}{attr}.{i}", sub)
            else:
                yield from _walk_item(prefix + attr, item)

    def label_parameters(self) -> None:
        """Sets each parameter's ``label`` to its :meth:`state_dict` name, so that drawings,
        :func:`autograd.explain` and traces name it the same way (``"layers.0.neurons.1.w.0"``).

        Neuron, Layer and MLP call it when they are built; a module of your own can call it at
        the end of its ``__init__``.

        >>> MLP(2, [1], seed=0).layers[0].neurons[0].b.label
        'layers.0.neurons.0.b'
        """
        for name, p in self.named_parameters():
            p.label = name

    def parameters(self) -> list[Value]:
        """Every parameter (a Value), in the order of :meth:`named_parameters`."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Sets every parameter's ``.grad`` to 0."""
        for p in self.parameters():
            p.grad = 0.0

    def architecture(self) -> dict[str, Any]:
        """What a saved file records about the module's shape (checked again when loading)."""
        return {"type": type(self).__name__}

    # --- state ---------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, float]:
        """A flat dict of parameter name -> float (a copy: changing it changes nothing here)."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, object]) -> None:
        """Sets every parameter from ``state``, a mapping such as :meth:`state_dict` returns.

        Everything is checked before anything is assigned: a missing, extra or misnamed key, or
        a value that is not a finite real number (bool, str, None, nan and inf included), raises
        ``ValueError`` naming the key, and the module is left exactly as it was.
        """
        if not isinstance(state, Mapping):
            raise ValueError(
                f"a state dict must be a mapping of name -> number, got {type(state).__name__}"
            )
        named = self.named_parameters()
        expected = [name for name, _ in named]
        expected_set = set(expected)
        missing = [name for name in expected if name not in state]
        extra = [key for key in state if key not in expected_set]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing {_names(missing)}")
            if extra:
                parts.append(f"unexpected {_names(extra)}")
            raise ValueError(
                f"state dict does not match {self!r}: {'; '.join(parts)} "
                f"(expected {len(expected)} keys such as {expected[0]!r})"
                if expected else f"state dict does not match {self!r}: {'; '.join(parts)}"
            )
        values = []
        for name in expected:
            v = state[name]
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise ValueError(
                    f"state dict entry {name!r} must be a real number, "
                    f"got {type(v).__name__}: {v!r}"
                )
            try:
                f = float(v)
            except OverflowError:
                f = math.inf
            if not math.isfinite(f):
                raise ValueError(f"state dict entry {name!r} must be finite, got {f!r}")
            values.append(f)
        for (_, p), f in zip(named, values):
            p.data = f

    # --- files ---------------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the module to ``path`` as JSON: a small header, the architecture, the state.

        A parameter that is nan or infinite (training diverged) cannot be saved: ``ValueError``
        naming it, and no file is written. The file is written whole or not at all (a temporary
        file renamed over it, see :func:`autograd.files.atomic_write`): whatever fails, the old
        file at ``path`` survives intact.
        """
        for name, p in self.named_parameters():
            if not math.isfinite(p.data):
                raise ValueError(f"cannot save: parameter {name!r} is {p.data!r}")
        document = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "architecture": self.architecture(),
            "state": self.state_dict(),
        }
        text = json.dumps(document, indent=1, allow_nan=False)
        atomic_write(path, text + "\n")

    def load(self: _M, path: str | os.PathLike[str], *, max_bytes: int = MAX_JSON_BYTES) -> _M:
        """Fills this module in place from a file written by :meth:`save`, and returns it.

        A plain JSON object of name -> number (a bare state dict) is accepted too. A file that is
        not valid UTF-8 JSON, is larger than ``max_bytes`` (64 MiB by default), is nested
        deeply, was written for another format or architecture, or whose state does not match
        raises ``ValueError`` naming the file and the problem, and nothing changes.
        """
        document = read_json(path, max_bytes=max_bytes)
        try:
            state = _state_from_document(document, self.architecture())
            self.load_state_dict(state)
        except ValueError as err:
            raise ValueError(f"{os.fspath(path)}: {err}") from None
        return self


def _walk_item(name: str, item: object) -> Iterator[tuple[str, Value]]:
    if isinstance(item, Value):
        yield name, item
    elif isinstance(item, Module):
        yield from item._walk(name + ".")


def _names(keys: list[str]) -> str:
    shown = ", ".join(repr(k) for k in keys[:5])
    more = f" and {len(keys) - 5} more" if len(keys) > 5 else ""
    return f"{'key' if len(keys) == 1 else 'keys'} {shown}{more}"


def _state_from_document(document: object, architecture: dict[str, Any]) -> Mapping[str, object]:
    if not isinstance(document, dict):
        raise ValueError(f"expected a JSON object, found {type(document).__name__}")
    if "format" not in document:
        return document  # a bare state dict
    if document["format"] != FORMAT:
        raise ValueError(f"format is {document['format']!r}, expected {FORMAT!r}")
    if document.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"format version {document.get('version')!r} is not supported "
            f"(this version reads {FORMAT_VERSION})"
        )
    unknown = sorted(set(document) - {"format", "version", "architecture", "state"})
    if unknown:
        raise ValueError(f"unexpected field {unknown[0]!r} in the header")
    saved = document.get("architecture")
    if saved is not None and saved != architecture:
        raise ValueError(f"the file holds {_describe(saved)}, this module is "
                         f"{_describe(architecture)}")
    state = document.get("state")
    if not isinstance(state, dict):
        raise ValueError("field 'state' is missing or is not a JSON object")
    return state


def _mlp_fields(arch: dict[str, Any]) -> tuple[int, list[int], str]:
    """The ``nin``, ``nouts`` and ``activation`` fields of a saved MLP, each checked."""
    for key in ("nin", "nouts", "activation"):
        if key not in arch:
            raise ValueError(f"field 'architecture' has no {key!r}")
    nin, nouts, activation = arch["nin"], arch["nouts"], arch["activation"]
    if isinstance(nin, bool) or not isinstance(nin, int) or nin < 1:
        raise ValueError(f"architecture field 'nin' must be a positive integer, got "
                         f"{_short(nin)}")
    if not isinstance(nouts, list) or not nouts or any(
            isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in nouts):
        raise ValueError("architecture field 'nouts' must be a non-empty list of positive "
                         f"integers, got {_short(nouts)}")
    table = _activation_table()
    if not isinstance(activation, str) or activation not in table:
        valid = ", ".join(repr(a) for a in table)
        raise ValueError(f"architecture field 'activation' is {_short(activation)}; valid "
                         f"activations are {valid}")
    return nin, nouts, activation


def _mlp_parameter_count(nin: int, nouts: list[int]) -> int:
    """Weights and biases of ``MLP(nin, nouts)``, in exact integer arithmetic."""
    fan_in = [nin, *nouts[:-1]]
    return sum((i + 1) * o for i, o in zip(fan_in, nouts))


def _short(value: object) -> str:
    """``repr`` cut to a readable length (a hostile file can hold huge numbers)."""
    text = repr(value) if not isinstance(value, int) or value.bit_length() < 200 \
        else f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    return text if len(text) <= 60 else text[:57] + "..."


def _amount(count: int) -> str:
    """``1,234`` for a count, ``about 10**402`` for an absurd one."""
    return f"{count:,}" if count < 10 ** 18 else f"about 10**{int(count.bit_length() * 0.30103)}"


def _describe(arch: object) -> str:
    if not isinstance(arch, dict):
        return repr(arch)
    args = ", ".join(f"{k}={_short(v)}" for k, v in arch.items() if k != "type")
    kind = arch.get("type", "?")
    return f"{kind if isinstance(kind, str) else _short(kind)}({args})"


class Neuron(Module):
    """``activation(w · x + b)``: ``nin`` weights ``w`` and a bias ``b``.

    >>> n = Neuron(3, activation="linear", seed=1)
    >>> [name for name, _ in n.named_parameters()]
    ['w.0', 'w.1', 'w.2', 'b']
    >>> n.b.data = 0.5
    >>> out = n([0.0, 0.0, 0.0])
    >>> out.data, out.op
    (0.5, 'w·x+b')
    """

    def __init__(self, nin: int, activation: str = "relu", seed: int | None = None) -> None:
        self.nin = _count(nin, "nin")
        self._act, k = _activation(activation)
        self.activation = activation
        rng = random_state(seed)
        a = math.sqrt(k / self.nin)
        self.w = [Value(rng.uniform(-a, a)) for _ in range(self.nin)]
        self.b = Value(0.0)
        self.label_parameters()

    def __call__(self, x: Input) -> Value:
        if type(x) is not list or len(x) != self.nin:
            x = _inputs(x, self.nin, "Neuron")
        try:
            out = dot(self.w, x, self.b)
        except TypeError:  # a list holding 0-d arrays, or something to name in the message
            out = dot(self.w, _inputs(x, self.nin, "Neuron"), self.b)
        act = self._act
        return out if act is None else act(out)

    def architecture(self) -> dict[str, Any]:
        return {"type": "Neuron", "nin": self.nin, "activation": self.activation}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r})"


class Layer(Module):
    """``nout`` neurons that share the inputs and the activation.

    Called on ``nin`` inputs it returns a list of ``nout`` Values, or a single Value when
    ``nout`` is 1.

    >>> layer = Layer(2, 3, seed=0)
    >>> len(layer([1.0, 2.0])), len(layer.parameters())
    (3, 9)
    """

    def __init__(self, nin: int, nout: int, activation: str = "relu",
                 seed: int | None = None) -> None:
        self.nin = _count(nin, "nin")
        self.nout = _count(nout, "nout")
        self._act, _ = _activation(activation)
        self._then = _one_input_op(activation)
        self.activation = activation
        rng = random_state(seed)
        self.neurons = [Neuron(self.nin, activation, seed=rng.getrandbits(64))
                        for _ in range(self.nout)]
        self.label_parameters()

    def forward(self, x: Input) -> list[Value]:
        """The outputs as a list, whatever ``nout`` is."""
        if type(x) is not list or len(x) != self.nin:
            x = _inputs(x, self.nin, "Layer")
        try:
            return self._outputs(x)
        except TypeError:  # a list holding 0-d arrays, or something to name in the message
            return self._outputs(_inputs(x, self.nin, "Layer"))

    def _outputs(self, x: Sequence[Value | float]) -> list[Value]:
        act = self._act
        # Speed: ``dots`` reads the shared inputs once for all neurons, and makes each neuron's
        # activation node right after its sum (``then``); the plain version is
        # ``[act(dot(n.w, x, n.b)) for n in self.neurons]``.
        rows = [(n.w, n.b) for n in self.neurons]
        if act is None or self._then is not None:
            return dots(rows, x, self._then)
        return [act(s) for s in dots(rows, x)]

    def __call__(self, x: Input) -> Output:
        outs = self.forward(x)
        return outs[0] if self.nout == 1 else outs  # type: ignore[return-value]

    def architecture(self) -> dict[str, Any]:
        return {"type": "Layer", "nin": self.nin, "nout": self.nout,
                "activation": self.activation}

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: layers of sizes ``nouts``, the last one linear.

    Hidden layers use ``activation``; the output layer is linear (scores or logits). With one
    output the model returns a Value, else a list of Values.

    >>> model = MLP(2, [16, 16, 1], seed=0)
    >>> len(model.parameters())
    337
    >>> model
    MLP(2, [16, 16, 1], activation='relu')
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: str = "relu",
                 seed: int | None = None) -> None:
        self.nin = _count(nin, "nin")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"nouts must be a non-empty list of layer sizes, got {nouts!r}")
        sizes = [_count(n, "each layer size in nouts") for n in nouts]
        _activation(activation)
        self.nouts = sizes
        self.activation = activation
        rng = random_state(seed)
        fan_in = [self.nin, *sizes[:-1]]
        acts = [activation] * (len(sizes) - 1) + [LINEAR]
        self.layers = [Layer(i, o, a, seed=rng.getrandbits(64))
                       for i, o, a in zip(fan_in, sizes, acts)]
        self.label_parameters()

    def forward(self, x: Input) -> list[Value]:
        """The outputs as a list, whatever the size of the last layer."""
        if type(x) is not list or len(x) != self.nin:
            x = _inputs(x, self.nin, "MLP")
        try:
            out = self.layers[0].forward(x)
        except TypeError:
            _inputs(x, self.nin, "MLP")  # names the bad input as the MLP's, then
            raise                        # (if that found nothing) the layer's own error
        for layer in self.layers[1:]:
            out = layer.forward(out)
        return out

    def __call__(self, x: Input) -> Output:
        outs = self.forward(x)
        return outs[0] if len(outs) == 1 else outs  # type: ignore[return-value]

    def architecture(self) -> dict[str, Any]:
        return {"type": "MLP", "nin": self.nin, "nouts": list(self.nouts),
                "activation": self.activation}

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], *, max_bytes: int = MAX_JSON_BYTES,
                  max_parameters: int = MAX_PARAMETERS) -> MLP:
        """Builds an MLP of the architecture recorded in a file written by :meth:`save`.

        The file is read once, within :meth:`load`'s limits. Before any layer is made, the
        parameter count that the recorded architecture implies is checked against
        ``max_parameters`` and against the number of entries in the file's state, so a small
        file cannot ask for a huge model; every refusal is a ``ValueError`` naming the file and
        the field.
        """
        name = os.fspath(path)
        document = read_json(path, max_bytes=max_bytes)
        arch = document.get("architecture") if isinstance(document, dict) else None
        if not isinstance(arch, dict) or arch.get("type") != "MLP":
            raise ValueError(f"{name}: no MLP architecture recorded in the file")
        try:
            nin, nouts, activation = _mlp_fields(arch)
            state = _state_from_document(document, arch)
            count = _mlp_parameter_count(nin, nouts)
            if count > max_parameters:
                raise ValueError(
                    f"the architecture MLP(nin={_short(nin)}, nouts={_short(nouts)}) has "
                    f"{_amount(count)} parameters, more than "
                    f"max_parameters={max_parameters:,}; pass max_parameters to build it"
                )
            if count != len(state):
                raise ValueError(
                    f"the architecture MLP(nin={_short(nin)}, nouts={_short(nouts)}) has "
                    f"{_amount(count)} parameters but field 'state' holds {len(state):,} "
                    + ("entry" if len(state) == 1 else "entries")
                )
            model = cls(nin, nouts, activation, seed=0)
            model.load_state_dict(state)
        except ValueError as err:
            raise ValueError(f"{name}: {err}") from None
        return model

    def to_torch(self) -> Any:
        """An equal ``torch.nn.Sequential`` (float64, same weights and activations); needs the
        ``torch`` extra. See :mod:`autograd.torch_bridge`."""
        from .torch_bridge import to_torch

        if not isinstance(self, MLP):
            raise TypeError(f"to_torch takes an autograd.nn.MLP, got {type(self).__name__}")
        return to_torch(self)

    @classmethod
    def from_torch(cls, seq: Any) -> MLP:
        """The MLP equal to a ``torch.nn.Sequential`` of Linear layers and one activation;
        needs the ``torch`` extra. See :mod:`autograd.torch_bridge`."""
        from .torch_bridge import from_torch

        model = from_torch(seq, cls)
        assert isinstance(model, MLP)
        return model

    def __repr__(self) -> str:
        return f"MLP({self.nin}, {self.nouts}, activation={self.activation!r})"
