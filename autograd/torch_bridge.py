"""The bridge to PyTorch for users who outgrow a scalar engine: ``MLP.to_torch()`` and
``MLP.from_torch(seq)``.

An :class:`~autograd.nn.MLP` is exactly a ``torch.nn.Sequential`` of ``Linear`` layers with the
hidden activation between them (none after the last): neuron ``j`` of layer ``k`` holds row ``j``
of ``Linear.weight`` and entry ``j`` of ``Linear.bias``. Both directions copy the numbers exactly
(float64 in torch, Python floats here), so outputs and gradients agree to rounding.

PyTorch is an optional extra (``pip install "scalar-autograd[torch]"``); it is imported only when
one of these functions is called, never by ``import autograd``.
"""

from __future__ import annotations

import math
from typing import Any

from . import ops

# The bridge is reached from nn's methods (MLP.to_torch, MLP.from_torch) and never imports nn
# itself: ``model`` is an autograd.nn.MLP and ``mlp`` the MLP class, typed loosely here.

__all__ = ["to_torch", "from_torch", "TORCH_HINT"]

#: What to tell a user who calls the bridge without PyTorch installed.
TORCH_HINT = ('MLP.to_torch() and MLP.from_torch() need PyTorch: '
              'pip install "scalar-autograd[torch]"')

#: The activation of a linear MLP (no op of the table).
_LINEAR = "linear"


def _torch_key(op: ops.Op) -> str:
    # "nn.functional.leaky_relu" -> "leakyrelu": the torch.nn class of the same name, any case
    return op.torch.rsplit(".", 1)[-1].replace("_", "").lower()


def _activation_class(torch: Any, activation: str) -> Any:
    """The ``torch.nn`` module class for an nn activation name, found from the op table: the
    class named like the op's torch function (``tanh`` -> ``Tanh``, ``leaky_relu`` ->
    ``LeakyReLU``). Its default settings are the ones our methods use (leaky slope 0.01)."""
    key = _torch_key(ops.by_method(activation))
    for name in dir(torch.nn):
        if name.lower() == key and isinstance(getattr(torch.nn, name), type):
            return getattr(torch.nn, name)
    raise ValueError(f"activation {activation!r} has no torch.nn module to stand for it")


def _our_activation(module: Any) -> str | None:
    """The nn activation name that a torch activation module stands for, or None."""
    key = type(module).__name__.lower()
    for op in ops.OPS.values():
        if op.role == ops.ACTIVATION and op.method and op.torch and _torch_key(op) == key:
            return op.method
    return None


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(TORCH_HINT) from None
    return torch


def to_torch(model: Any) -> Any:
    """An equal ``torch.nn.Sequential`` in float64: the same weights, the same activations.

    >>> import torch
    >>> from autograd.nn import MLP
    >>> model = MLP(3, [4, 2], activation="tanh", seed=0)
    >>> seq = to_torch(model)
    >>> seq
    Sequential(
      (0): Linear(in_features=3, out_features=4, bias=True)
      (1): Tanh()
      (2): Linear(in_features=4, out_features=2, bias=True)
    )
    >>> x = [0.5, -1.0, 2.0]
    >>> ours = [v.data for v in model(x)]
    >>> theirs = seq(torch.tensor(x, dtype=torch.float64)).tolist()
    >>> max(abs(a - b) for a, b in zip(ours, theirs)) < 1e-12
    True
    """
    torch = _torch()
    modules: list[Any] = []
    last = len(model.layers) - 1
    for k, layer in enumerate(model.layers):
        linear = torch.nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
        weight = [[w.data for w in neuron.w] for neuron in layer.neurons]
        bias = [neuron.b.data for neuron in layer.neurons]
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(weight, dtype=torch.float64))
            linear.bias.copy_(torch.tensor(bias, dtype=torch.float64))
        modules.append(linear)
        if k != last and layer.activation != _LINEAR:
            modules.append(_activation_class(torch, layer.activation)())
    return torch.nn.Sequential(*modules)


def _describe(module: Any) -> str:
    return type(module).__name__


def from_torch(seq: Any, mlp: Any) -> Any:
    """An :class:`~autograd.nn.MLP` equal to ``seq``, a ``torch.nn.Sequential`` of ``Linear``
    layers (with biases) and one kind of activation between them, none after the last one:
    the torch.nn twin of one of ``mlp``'s activations (ReLU, Tanh, Sigmoid, LeakyReLU(0.01),
    Softplus, ... with torch's default settings), or none at all ("linear"). ``mlp`` is the
    class to build (``MLP.from_torch(seq)`` passes itself).

    Anything else (another module, two different activations, a missing bias, sizes that do
    not chain, weights that are not finite) raises ``ValueError`` naming the module and what
    to change. The weights are copied as floats, exactly (float32 ones widen exactly too).

    >>> import torch
    >>> seq = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    >>> from autograd.nn import MLP
    >>> from_torch(seq, MLP)
    MLP(2, [3, 1], activation='relu')
    """
    torch = _torch()
    if not isinstance(seq, torch.nn.Sequential):
        raise TypeError(f"from_torch takes a torch.nn.Sequential, got {type(seq).__name__}")
    modules = list(seq)
    linears: list[Any] = []
    activations: set[str] = set()
    for i, module in enumerate(modules):
        where = f"module ({i}) {_describe(module)}"
        if isinstance(module, torch.nn.Linear):
            if module.bias is None:
                raise ValueError(f"{where} has no bias; an MLP's neurons all have one "
                                 "(make it with bias=True)")
            if linears and module.in_features != linears[-1].out_features:
                raise ValueError(f"{where} takes {module.in_features} inputs but the layer "
                                 f"before gives {linears[-1].out_features}")
            linears.append(module)
            continue
        name = _our_activation(module)
        if name is None:
            valid = ", ".join(sorted(
                _activation_class(torch, a).__name__ for a in _activation_names()))
            raise ValueError(f"{where} has no MLP equivalent; from_torch takes Linear layers "
                             f"with one of {valid} between them")
        default = type(module)()
        if repr(module) != repr(default):
            raise ValueError(f"{where} is {module!r}; autograd's {name} is torch's default "
                             f"{default!r}")
        if not linears or modules[i - 1] is not linears[-1]:
            raise ValueError(f"{where} must come right after a Linear layer")
        if i == len(modules) - 1:
            raise ValueError(f"{where} comes after the last Linear layer; an MLP's last layer "
                             "is linear (drop it, or apply it to the MLP's outputs yourself)")
        activations.add(name)
    if not linears:
        raise ValueError("from_torch: the Sequential has no Linear layer")
    if len(activations) > 1:
        raise ValueError(f"from_torch: the Sequential mixes activations {sorted(activations)}; "
                         "an MLP uses one activation for every hidden layer")
    # No activation: a linear MLP; one Linear alone has no hidden layer, and then the default
    # activation is as good as any.
    activation = _LINEAR if len(linears) > 1 else ops.RELU.method
    if activations:
        activation = activations.pop()
    if activation != _LINEAR and len(modules) != 2 * len(linears) - 1:
        raise ValueError("from_torch: every pair of Linear layers needs the activation between "
                         "them (or none of them, for a linear MLP)")
    model = mlp(linears[0].in_features, [m.out_features for m in linears], activation, seed=0)
    state: dict[str, float] = {}
    for k, linear in enumerate(linears):
        weight = linear.weight.detach().to(torch.float64).tolist()
        bias = linear.bias.detach().to(torch.float64).tolist()
        for j, (row, b) in enumerate(zip(weight, bias)):
            for i, w in enumerate(row):
                state[f"layers.{k}.neurons.{j}.w.{i}"] = w
            state[f"layers.{k}.neurons.{j}.b"] = b
    bad = next((name for name, v in state.items() if not math.isfinite(v)), None)
    if bad is not None:
        raise ValueError(f"from_torch: weight {bad} is {state[bad]}; weights must be finite")
    model.load_state_dict(state)
    return model


def _activation_names() -> list[str]:
    return [op.method for op in ops.OPS.values()
            if op.role == ops.ACTIVATION and op.method and op.torch]
