"""Neural networks on the engine: modules (Neuron, Layer, MLP), their state, and the losses.

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
  ``k = 6`` for "relu", "leaky_relu", "gelu", "silu" and "elu" (He: variance ``2 / nin``),
  ``k = 3`` for "tanh",
  "sigmoid" and "linear" (variance ``1 / nin``, Xavier-like);
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
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, cast

from .data import random_state
from .engine import Value, dot, logsumexp
from .engine import sum as vsum

__all__ = [
    "ACTIVATIONS", "Module", "Neuron", "Layer", "MLP",
    "mse_loss", "hinge_loss", "binary_cross_entropy", "softmax", "cross_entropy", "l2_penalty",
]

#: Format name and version written in the header of a saved module.
FORMAT = "autograd.nn"
FORMAT_VERSION = 1

Input = Sequence[Value | float]

# name -> (function applied to the weighted sum, None for "linear"; k in the init scale)
_ACTIVATIONS: dict[str, tuple[Callable[[Value], Value] | None, float]] = {
    "relu": (Value.relu, 6.0),
    "tanh": (Value.tanh, 3.0),
    "sigmoid": (Value.sigmoid, 3.0),
    "leaky_relu": (Value.leaky_relu, 6.0),  # slope 0.01, Value.leaky_relu's default
    "gelu": (Value.gelu, 6.0),
    "silu": (Value.silu, 6.0),
    "elu": (Value.elu, 6.0),  # alpha 1.0, Value.elu's default
    "linear": (None, 3.0),
}

#: The activation names a Neuron, Layer or MLP accepts.
ACTIVATIONS: tuple[str, ...] = tuple(_ACTIVATIONS)


def _activation(name: object) -> tuple[Callable[[Value], Value] | None, float]:
    if not isinstance(name, str) or name not in _ACTIVATIONS:
        valid = ", ".join(repr(a) for a in ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r}; valid activations are {valid}")
    return _ACTIVATIONS[name]


def _count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 1:
        raise ValueError(f"{what} must be a positive integer, got {value!r}")
    return int(value)


def _inputs(x: object, nin: int, who: str) -> Input:
    """``x`` as a sequence of nin inputs (a lone number or Value is allowed when nin is 1)."""
    if not isinstance(x, (list, tuple)):
        if isinstance(x, (Value, numbers.Real)) and not isinstance(x, bool):
            x = [x]
        elif isinstance(x, Sequence) and not isinstance(x, (str, bytes)):
            x = list(x)
        else:
            raise TypeError(
                f"{who} takes a list of {nin} numbers or Values, got {type(x).__name__}"
            )
    if len(x) != nin:
        raise ValueError(f"{who} takes {nin} inputs, got {len(x)}")
    return cast(Input, x)


# ---------------------------------------------------------------------------------------------
# Modules
# ---------------------------------------------------------------------------------------------


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
            f = float(v)
            if not math.isfinite(f):
                raise ValueError(f"state dict entry {name!r} must be finite, got {f!r}")
            values.append(f)
        for (_, p), f in zip(named, values):
            p.data = f

    # --- files ---------------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes the module to ``path`` as JSON: a small header, the architecture, the state.

        A parameter that is nan or infinite (training diverged) cannot be saved: ``ValueError``
        naming it, and no file is written.
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
        with open(path, "w", encoding="utf-8") as f:
            f.write(text + "\n")

    def load(self, path: str | os.PathLike[str]) -> Module:
        """Fills this module in place from a file written by :meth:`save`, and returns it.

        A plain JSON object of name -> number (a bare state dict) is accepted too. A file that is
        not valid JSON, was written for another format or architecture, or whose state does not
        match raises ``ValueError`` naming the problem, and nothing changes.
        """
        with open(path, encoding="utf-8") as f:
            try:
                document = json.load(f)
            except json.JSONDecodeError as err:
                raise ValueError(f"{os.fspath(path)}: not valid JSON ({err})") from None
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


def _describe(arch: object) -> str:
    if not isinstance(arch, dict):
        return repr(arch)
    args = ", ".join(f"{k}={v!r}" for k, v in arch.items() if k != "type")
    return f"{arch.get('type', '?')}({args})"


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

    def __call__(self, x: Input) -> Value:
        if type(x) is not list or len(x) != self.nin:
            x = _inputs(x, self.nin, "Neuron")
        out = dot(self.w, x, self.b)
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
        self.activation = activation
        rng = random_state(seed)
        self.neurons = [Neuron(self.nin, activation, seed=rng.getrandbits(64))
                        for _ in range(self.nout)]

    def forward(self, x: Input) -> list[Value]:
        """The outputs as a list, whatever ``nout`` is."""
        if type(x) is not list or len(x) != self.nin:
            x = _inputs(x, self.nin, "Layer")
        act = self._act
        if act is None:
            return [dot(n.w, x, n.b) for n in self.neurons]
        return [act(dot(n.w, x, n.b)) for n in self.neurons]

    def __call__(self, x: Input) -> Value | list[Value]:
        outs = self.forward(x)
        return outs[0] if self.nout == 1 else outs

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
        acts = [activation] * (len(sizes) - 1) + ["linear"]
        self.layers = [Layer(i, o, a, seed=rng.getrandbits(64))
                       for i, o, a in zip(fan_in, sizes, acts)]

    def forward(self, x: Input) -> list[Value]:
        """The outputs as a list, whatever the size of the last layer."""
        out: Input = x
        for layer in self.layers:
            out = layer.forward(out)
        return out  # type: ignore[return-value]

    def __call__(self, x: Input) -> Value | list[Value]:
        outs = self.forward(x)
        return outs[0] if len(outs) == 1 else outs

    def architecture(self) -> dict[str, Any]:
        return {"type": "MLP", "nin": self.nin, "nouts": list(self.nouts),
                "activation": self.activation}

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> MLP:
        """Builds an MLP of the architecture recorded in a file written by :meth:`save`."""
        with open(path, encoding="utf-8") as f:
            try:
                document = json.load(f)
            except json.JSONDecodeError as err:
                raise ValueError(f"{os.fspath(path)}: not valid JSON ({err})") from None
        arch = document.get("architecture") if isinstance(document, dict) else None
        if not isinstance(arch, dict) or arch.get("type") != "MLP":
            raise ValueError(f"{os.fspath(path)}: no MLP architecture recorded in the file")
        try:
            model = cls(arch["nin"], arch["nouts"], arch["activation"], seed=0)
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"{os.fspath(path)}: bad architecture {arch!r} ({err})") from None
        model.load(path)
        return model

    def __repr__(self) -> str:
        return f"MLP({self.nin}, {self.nouts}, activation={self.activation!r})"


# ---------------------------------------------------------------------------------------------
# Losses: each the mean over samples
# ---------------------------------------------------------------------------------------------

Scalar = Value | float


def _samples(preds: object, targets: object, who: str) -> tuple[list[Any], list[Any]]:
    """Both arguments as lists of equal, non-zero length (a lone Value or number is one sample)."""
    p = _as_list(preds, who, "predictions")
    t = _as_list(targets, who, "targets")
    if len(p) != len(t):
        raise ValueError(f"{who}: {len(p)} predictions but {len(t)} targets; they must match")
    if not p:
        raise ValueError(f"{who}: needs at least one sample")
    return p, t


def _as_list(x: object, who: str, what: str) -> list[Any]:
    if isinstance(x, Value) or (isinstance(x, numbers.Real) and not isinstance(x, bool)):
        return [x]
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
        raise TypeError(f"{who}: {what} must be a list, got {type(x).__name__}")
    return list(x)


def _real(x: object, who: str) -> float:
    if isinstance(x, Value):
        return x.data
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{who}: expected a number, got {type(x).__name__}: {x!r}")
    return float(x)


def _as_value(x: object, who: str) -> Value:
    return x if isinstance(x, Value) else Value(_real(x, who))


def mse_loss(preds: Sequence[Scalar] | Scalar, targets: Sequence[Scalar] | Scalar) -> Value:
    """Mean squared error: ``mean((pred - target) ** 2)``.

    >>> mse_loss([Value(1.0), Value(3.0)], [0.0, 1.0]).data
    2.5
    """
    p, t = _samples(preds, targets, "mse_loss")
    errors = [(_as_value(a, "mse_loss") - b) ** 2 for a, b in zip(p, t)]
    return vsum(errors) / len(errors)


def hinge_loss(scores: Sequence[Scalar] | Scalar, labels: Sequence[float] | float) -> Value:
    """Mean hinge loss ``mean(relu(1 - label * score))`` for labels -1 or +1 (an SVM's loss).

    >>> hinge_loss([Value(2.0), Value(0.5)], [1, 1]).data
    0.25
    """
    s, y = _samples(scores, labels, "hinge_loss")
    terms = []
    for score, label in zip(s, y):
        if label not in (-1, 1) or isinstance(label, bool):
            raise ValueError(f"hinge_loss: labels must be -1 or +1, got {label!r}")
        terms.append((1.0 - _as_value(score, "hinge_loss") * float(label)).relu())
    return vsum(terms) / len(terms)


def binary_cross_entropy(logits: Sequence[Scalar] | Scalar,
                         labels: Sequence[float] | float) -> Value:
    """Mean binary cross-entropy from logits (labels 0 or 1; probabilities in [0, 1] work too).

    Computed as ``softplus(z) - y * z``, which equals ``-(y log sigmoid(z) + (1 - y) log(1 -
    sigmoid(z)))`` and stays finite for any logit, as ``binary_cross_entropy_with_logits`` in
    PyTorch.

    >>> round(binary_cross_entropy([Value(0.0)], [1]).data, 6)  # log 2
    0.693147
    >>> binary_cross_entropy([Value(-1000.0)], [1]).data
    1000.0
    """
    z, y = _samples(logits, labels, "binary_cross_entropy")
    terms = []
    for logit, label in zip(z, y):
        t = _real(label, "binary_cross_entropy")
        if not 0.0 <= t <= 1.0 or isinstance(label, bool):
            raise ValueError(f"binary_cross_entropy: labels must be 0 or 1, got {label!r}")
        v = _as_value(logit, "binary_cross_entropy")
        term = v.softplus()
        terms.append(term if t == 0.0 else term - v * t)
    return vsum(terms) / len(terms)


def softmax(values: Sequence[Scalar]) -> list[Value]:
    """``exp(v_i) / sum_j exp(v_j)`` as a list of Values, without overflow for large inputs.

    >>> [round(p.data, 4) for p in softmax([Value(1.0), Value(1.0), Value(1000.0)])]
    [0.0, 0.0, 1.0]
    """
    vals = [_as_value(v, "softmax") for v in _as_list(values, "softmax", "values")]
    if not vals:
        raise ValueError("softmax: needs at least one value")
    # Shifting by the largest value (a constant) changes nothing but keeps exp from overflowing.
    top = max(v.data for v in vals)
    exps = [(v - top).exp() for v in vals]
    total = vsum(exps)
    return [e / total for e in exps]


def cross_entropy(logits: Sequence[Scalar] | Sequence[Sequence[Scalar]],
                  target_index: int | Sequence[int]) -> Value:
    """Cross-entropy of one sample's logits with its class index: ``logsumexp(z) - z[t]``.

    That is ``-log(softmax(z)[t])``, computed stably. Given a list of samples' logits and a
    list of class indices, it returns the mean over the samples.

    >>> round(cross_entropy([Value(0.0), Value(0.0)], 1).data, 6)   # log 2
    0.693147
    >>> round(cross_entropy([[0.0, 0.0], [0.0, 0.0]], [0, 1]).data, 6)
    0.693147
    """
    if isinstance(target_index, Sequence):
        rows, targets = _samples(logits, target_index, "cross_entropy")
        terms = [_cross_entropy_one(row, t) for row, t in zip(rows, targets)]
        return vsum(terms) / len(terms)
    return _cross_entropy_one(logits, target_index)


def _cross_entropy_one(logits: object, t: object) -> Value:
    z = [_as_value(v, "cross_entropy") for v in _as_list(logits, "cross_entropy", "logits")]
    if not z:
        raise ValueError("cross_entropy: needs at least one logit")
    if isinstance(t, bool) or not isinstance(t, numbers.Integral) or not 0 <= int(t) < len(z):
        raise ValueError(
            f"cross_entropy: target index must be an int in [0, {len(z) - 1}], got {t!r}"
        )
    return logsumexp(z) - z[int(t)]


def l2_penalty(params: Sequence[Value], alpha: float) -> Value:
    """``alpha * sum(p ** 2)``: add it to a loss to keep weights small.

    Its gradient is ``2 * alpha * p``, the same as the optimizers' ``weight_decay=2 * alpha``.

    >>> l2_penalty([Value(1.0), Value(-2.0)], 0.5).data
    2.5
    """
    a = _real(alpha, "l2_penalty")
    if not a >= 0.0 or not math.isfinite(a):
        raise ValueError(f"l2_penalty: alpha must be a finite number >= 0, got {alpha!r}")
    if not all(isinstance(p, Value) for p in params):
        raise TypeError("l2_penalty: params must be Values")
    return vsum([p * p for p in params]) * a
