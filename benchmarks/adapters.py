"""One small adapter per engine, so that every workload runs the same maths on each of them.

An adapter builds graphs in its engine's own idiom and hands back plain floats:

* ``autograd``: this repository. Neurons are ``autograd.dot(w, x, b)`` nodes (what
  ``autograd.nn`` does), sums are ``autograd.sum``.
* ``micrograd``: micrograd 0.1.0, its classic ``Value`` and ``micrograd.nn.MLP`` (weights
  overwritten), Python's ``sum`` for sums. micrograd 0.1.0 has no ``tanh``; W2 gives it one written
  here in micrograd's own closure style. Its recursive topological sort needs a raised recursion
  limit on deep graphs; the adapter raises it (and records that it did).
* ``torch``: PyTorch 0-d float64 tensors with ``requires_grad``, built op by op exactly like the
  scalar engines (a neuron is ``b + w0*x0 + w1*x1 + ...``), ``loss.backward()``, a manual SGD update
  under ``torch.no_grad()``, gradients reset to ``None`` (what ``optimizer.zero_grad()`` does).
* ``floor``: plain Python floats: the forward pass keeps what the backward pass needs, and the
  backward pass is written by hand. No graph at all, so no engine can beat it.

Every adapter has the same methods; the workloads in :mod:`benchmarks.workloads` call only these.
"""

from __future__ import annotations

import importlib.metadata
import itertools
import math
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from .workloads import DIGITS_SIZES, MLP_SIZES, pairwise_sum

__all__ = [
    "Adapter",
    "AutogradAdapter",
    "MicrogradAdapter",
    "TorchAdapter",
    "FloorAdapter",
    "ADAPTERS",
    "available_adapters",
]

Model = Any


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class Adapter:
    """The interface every engine implements (plain floats in, plain floats out)."""

    name: ClassVar[str] = ""
    #: One line on how graphs are built, shown in RESULTS.md.
    style: str = ""
    #: Notes the adapter collected while running (recursion limits raised, ...).
    notes: list[str]

    def __init__(self) -> None:
        self.notes = []

    @classmethod
    def available(cls) -> bool:
        return True

    def version(self) -> str:
        return ""

    # --- W1 / W5: the MLP ------------------------------------------------------------------

    def mlp_init(self, params: Sequence[float], xs: Sequence[Sequence[float]],
                 ys: Sequence[float]) -> Model:
        """A model holding ``params`` (layer, neuron, weights then bias) and the data set."""
        raise NotImplementedError

    def mlp_loss_and_grads(self, model: Model) -> tuple[float, list[float]]:
        """Forward and backward once, no update: the loss and d loss / d each parameter."""
        raise NotImplementedError

    def mlp_step(self, model: Model, lr: float) -> float:
        """One training step (forward, backward, SGD update, zero grads); returns the loss."""
        raise NotImplementedError

    def mlp_params(self, model: Model) -> list[float]:
        raise NotImplementedError

    # --- W2 / W4: the chain ----------------------------------------------------------------

    def chain(self, x0: float, n: int) -> tuple[float, float]:
        """y = x0, then n times y = tanh(1.01 * y + 0.1); backward. Returns (y, dy/dx)."""
        raise NotImplementedError

    def chain_graph(self, x0: float, n: int) -> tuple[Any, Any]:
        """The chain's forward pass only; returns (output, input) with the graph kept alive."""
        raise NotImplementedError

    def graph_nodes(self, output: Any) -> list[Any] | None:
        """Every node object behind ``output`` (for weak references), or None if not possible."""
        return None

    def count_nodes(self, output: Any, n: int) -> int:
        """How many graph nodes the chain of length ``n`` behind ``output`` has."""
        nodes = self.graph_nodes(output)
        return 3 * n + 1 if nodes is None else len(nodes)

    # --- W3: the wide sum ------------------------------------------------------------------

    def wide_inputs(self, a: Sequence[float], b: Sequence[float]) -> Any:
        """Leaves for the inputs (not timed)."""
        raise NotImplementedError

    def wide(self, inputs: Any, mode: str) -> float:
        """sum of a_i * b_i (``mode`` 'fold' as Python's sum() or 'tree'), then backward."""
        raise NotImplementedError

    def wide_grads(self, inputs: Any) -> tuple[list[float], list[float]]:
        raise NotImplementedError

    # --- W6: an epoch of digits ------------------------------------------------------------

    def digits_init(self, params: Sequence[float], xs: Sequence[Sequence[float]],
                    ys: Sequence[int]) -> Model:
        """An MLP 64-32-10 holding ``params`` (order as W1) and the digits."""
        raise NotImplementedError

    def digits_loss_and_grads(self, model: Model, start: int,
                              size: int) -> tuple[float, list[float]]:
        """Mean cross-entropy of samples ``start:start+size`` and its gradient; no update."""
        raise NotImplementedError

    def digits_step(self, model: Model, start: int, size: int, lr: float) -> float:
        """One SGD step on samples ``start:start+size``; returns the batch loss."""
        raise NotImplementedError


def _layers_of(params: Sequence[Any], sizes: Sequence[int]) -> list[list[tuple[Any, Any]]]:
    """Flat parameters (layer, neuron, weights then bias) as layers of (weights, bias)."""
    layers = []
    k = 0
    for nin, nout in itertools.pairwise(sizes):
        layer = []
        for _ in range(nout):
            layer.append((list(params[k:k + nin]), params[k + nin]))
            k += nin + 1
        layers.append(layer)
    return layers


def _tree_or_fold(terms: list[Any], mode: str) -> Any:
    if mode == "fold":
        return sum(terms)
    if mode == "tree":
        return pairwise_sum(terms)
    raise ValueError(f"wide mode must be 'fold' or 'tree', got {mode!r}")


# ---------------------------------------------------------------------------------------------
# autograd (this repository)
# ---------------------------------------------------------------------------------------------


class AutogradAdapter(Adapter):
    name = "autograd"
    style = "this repo: autograd.dot per neuron + relu, autograd.sum for the loss sums"

    def __init__(self, model: str = "auto") -> None:
        super().__init__()
        import autograd

        self.ag = autograd
        if model not in ("auto", "nn", "dot"):
            raise ValueError(f"autograd model must be 'auto', 'nn' or 'dot', got {model!r}")
        self.use_nn = False
        if model in ("auto", "nn"):
            try:
                from autograd import nn

                self.nn = nn
                self.use_nn = hasattr(nn, "MLP")
            except ImportError:
                self.use_nn = False
            if model == "nn" and not self.use_nn:
                raise RuntimeError("--autograd-model nn: autograd.nn.MLP is not importable")
        if self.use_nn:
            self.style = "this repo: autograd.nn.MLP (dot nodes + relu), autograd.sum for sums"

    def version(self) -> str:
        return str(getattr(self.ag, "__version__", "unknown"))

    # W1
    def mlp_init(self, params, xs, ys):
        value = self.ag.Value
        if self.use_nn:
            net = self.nn.MLP(MLP_SIZES[0], list(MLP_SIZES[1:]), activation="relu", seed=0)
            ps = list(net.parameters())
            if len(ps) != len(params):
                raise RuntimeError(
                    f"autograd.nn.MLP has {len(ps)} parameters, expected {len(params)}"
                )
            for p, v in zip(ps, params):
                p.data = v
            forward = net
        else:
            ps = [value(v) for v in params]
            layers = []
            k = 0
            for nin, nout in itertools.pairwise(MLP_SIZES):
                layer = []
                for _ in range(nout):
                    layer.append((ps[k:k + nin], ps[k + nin]))
                    k += nin + 1
                layers.append(layer)
            dot = self.ag.dot
            last = len(layers) - 1

            def forward(x):
                for i, layer in enumerate(layers):
                    if i == last:
                        x = [dot(w, x, b) for w, b in layer]
                    else:
                        x = [dot(w, x, b).relu() for w, b in layer]
                return x[0]

        return {"params": ps, "forward": forward, "xs": [list(x) for x in xs], "ys": list(ys)}

    def _loss(self, model):
        agsum = self.ag.sum
        forward = model["forward"]
        ys = model["ys"]
        scores = [forward(x) for x in model["xs"]]
        data_loss = agsum([(1 - y * s).relu() for y, s in zip(ys, scores)]) * (1.0 / len(ys))
        reg = 1e-4 * agsum([p * p for p in model["params"]])
        return data_loss + reg

    def mlp_loss_and_grads(self, model):
        loss = self._loss(model)
        loss.backward()
        grads = [p.grad for p in model["params"]]
        for p in model["params"]:
            p.grad = 0.0
        return loss.data, grads

    def mlp_step(self, model, lr):
        loss = self._loss(model)
        loss.backward()
        for p in model["params"]:
            p.data -= lr * p.grad
            p.grad = 0.0
        return loss.data

    def mlp_params(self, model):
        return [p.data for p in model["params"]]

    # W2
    def chain_graph(self, x0, n):
        x = self.ag.Value(x0)
        y = x
        for _ in range(n):
            y = (y * 1.01 + 0.1).tanh()
        return y, x

    def chain(self, x0, n):
        y, x = self.chain_graph(x0, n)
        y.backward()
        return y.data, x.grad

    def graph_nodes(self, output):
        return self.ag.topological_order(output)

    # W3
    def wide_inputs(self, a, b):
        value = self.ag.Value
        return [value(v) for v in a], [value(v) for v in b]

    def wide(self, inputs, mode):
        a, b = inputs
        out = _tree_or_fold([x * y for x, y in zip(a, b)], mode)
        out.backward()
        return out.data

    def wide_grads(self, inputs):
        a, b = inputs
        return [v.grad for v in a], [v.grad for v in b]

    # W6: autograd.nn.MLP and autograd.nn.cross_entropy, as a user writes it
    def digits_init(self, params, xs, ys):
        from autograd import nn

        net = nn.MLP(DIGITS_SIZES[0], list(DIGITS_SIZES[1:]), activation="relu", seed=0)
        ps = net.parameters()
        for p, v in zip(ps, params, strict=True):
            p.data = v
        return {"net": net, "params": ps, "xs": [list(x) for x in xs], "ys": list(ys),
                "loss": nn.cross_entropy}

    def _digits_loss(self, model, start, size):
        net = model["net"]
        xs = model["xs"][start:start + size]
        return model["loss"]([net(x) for x in xs], model["ys"][start:start + size])

    def digits_loss_and_grads(self, model, start, size):
        loss = self._digits_loss(model, start, size)
        loss.backward()
        grads = [p.grad for p in model["params"]]
        for p in model["params"]:
            p.grad = 0.0
        return loss.data, grads

    def digits_step(self, model, start, size, lr):
        loss = self._digits_loss(model, start, size)
        loss.backward()
        for p in model["params"]:
            p.data -= lr * p.grad
            p.grad = 0.0
        return loss.data


# ---------------------------------------------------------------------------------------------
# micrograd 0.1.0
# ---------------------------------------------------------------------------------------------


def _run_with_big_stack(fn: Callable[[], Any], stack_bytes: int = 1 << 28) -> Any:
    """Runs ``fn`` in a thread with a large C stack (deep recursion on Python 3.10)."""
    result: list[Any] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(fn())
        except BaseException as exc:  # re-raised in the caller's thread
            error.append(exc)

    old = threading.stack_size(stack_bytes)
    try:
        thread = threading.Thread(target=target, name="deep-recursion")
        thread.start()
        thread.join()
    finally:
        threading.stack_size(old)
    if error:
        raise error[0]
    return result[0]


class MicrogradAdapter(Adapter):
    name = "micrograd"
    style = ("micrograd 0.1.0: its Value and nn.MLP (weights overwritten), Python sum(); "
             "tanh added in its closure style (0.1.0 has none)")

    @classmethod
    def available(cls) -> bool:
        try:
            import micrograd.engine  # noqa: F401
        except ImportError:
            return False
        return True

    def __init__(self) -> None:
        super().__init__()
        from micrograd.engine import Value
        from micrograd.nn import MLP

        self.Value = Value
        self.MLP = MLP

    def version(self) -> str:
        return _package_version("micrograd")

    def _tanh(self, v):
        # micrograd 0.1.0 has no tanh: this one follows its own pattern (a closure per node).
        t = math.tanh(v.data)
        out = self.Value(t, (v,), "tanh")

        def _backward():
            v.grad += (1 - t * t) * out.grad

        out._backward = _backward
        return out

    def _backward_deep(self, out, depth: int) -> None:
        """``out.backward()``, raising the recursion limit first if the graph is deep."""
        if depth < sys.getrecursionlimit() - 200:
            out.backward()
            return
        limit = 2 * depth + 1_000
        self._deepest = max(getattr(self, "_deepest", 0), depth)
        self.notes[:] = [n for n in self.notes if not n.startswith("micrograd: sys.setrec")]
        self.notes.append(
            f"micrograd: sys.setrecursionlimit raised (up to {2 * self._deepest + 1_000:,}) and "
            f"run in a thread with a 256 MiB stack for graphs deeper than the default limit "
            f"(deepest: {self._deepest:,}); its topological sort recurses"
        )
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(limit)
        try:
            _run_with_big_stack(out.backward)
        finally:
            sys.setrecursionlimit(old)

    # W1: the classic demo
    def mlp_init(self, params, xs, ys):
        net = self.MLP(MLP_SIZES[0], list(MLP_SIZES[1:]))
        ps = net.parameters()
        if len(ps) != len(params):
            raise RuntimeError(f"micrograd MLP has {len(ps)} parameters, expected {len(params)}")
        for p, v in zip(ps, params):
            p.data = v
        return {"net": net, "params": ps, "xs": [list(x) for x in xs], "ys": list(ys)}

    def _loss(self, model):
        net = model["net"]
        scores = [net(x) for x in model["xs"]]
        losses = [(1 + -y * s).relu() for y, s in zip(model["ys"], scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg = 1e-4 * sum(p * p for p in model["params"])
        return data_loss + reg

    def mlp_loss_and_grads(self, model):
        loss = self._loss(model)
        loss.backward()
        grads = [float(p.grad) for p in model["params"]]
        model["net"].zero_grad()
        return float(loss.data), grads

    def mlp_step(self, model, lr):
        loss = self._loss(model)
        loss.backward()
        for p in model["params"]:
            p.data -= lr * p.grad
        model["net"].zero_grad()
        return float(loss.data)

    def mlp_params(self, model):
        return [float(p.data) for p in model["params"]]

    # W2
    def chain_graph(self, x0, n):
        x = self.Value(x0)
        y = x
        tanh = self._tanh
        for _ in range(n):
            y = tanh(y * 1.01 + 0.1)
        return y, x

    def chain(self, x0, n):
        y, x = self.chain_graph(x0, n)
        self._backward_deep(y, 3 * n + 1)
        return float(y.data), float(x.grad)

    def graph_nodes(self, output):
        seen = {id(output): output}
        stack = [output]
        while stack:
            v = stack.pop()
            for p in v._prev:
                if id(p) not in seen:
                    seen[id(p)] = p
                    stack.append(p)
        return list(seen.values())

    # W3
    def wide_inputs(self, a, b):
        return [self.Value(v) for v in a], [self.Value(v) for v in b]

    def wide(self, inputs, mode):
        a, b = inputs
        out = _tree_or_fold([x * y for x, y in zip(a, b)], mode)
        depth = len(a) + 2 if mode == "fold" else 2 * len(a).bit_length() + 2
        self._backward_deep(out, depth)
        return float(out.data)

    def wide_grads(self, inputs):
        a, b = inputs
        return [float(v.grad) for v in a], [float(v.grad) for v in b]

    # W6: micrograd 0.1.0 has no exp or log either; both added in its closure style.
    def _exp(self, v):
        e = math.exp(v.data)
        out = self.Value(e, (v,), "exp")

        def _backward():
            v.grad += e * out.grad

        out._backward = _backward
        return out

    def _log(self, v):
        out = self.Value(math.log(v.data), (v,), "log")

        def _backward():
            v.grad += out.grad / v.data

        out._backward = _backward
        return out

    def digits_init(self, params, xs, ys):
        net = self.MLP(DIGITS_SIZES[0], list(DIGITS_SIZES[1:]))
        ps = net.parameters()
        for p, v in zip(ps, params, strict=True):
            p.data = v
        return {"net": net, "params": ps, "xs": [list(x) for x in xs], "ys": list(ys)}

    def _digits_loss(self, model, start, size):
        net = model["net"]
        losses = []
        for x, t in zip(model["xs"][start:start + size], model["ys"][start:start + size]):
            z = net(x)
            top = max(v.data for v in z)  # a constant shift: logsumexp without overflow
            total = sum(self._exp(v - top) for v in z)
            losses.append(self._log(total) + top - z[t])
        return sum(losses) * (1.0 / len(losses))

    def digits_loss_and_grads(self, model, start, size):
        loss = self._digits_loss(model, start, size)
        loss.backward()
        grads = [float(p.grad) for p in model["params"]]
        model["net"].zero_grad()
        return float(loss.data), grads

    def digits_step(self, model, start, size, lr):
        loss = self._digits_loss(model, start, size)
        loss.backward()
        for p in model["params"]:
            p.data -= lr * p.grad
        model["net"].zero_grad()
        return float(loss.data)


# ---------------------------------------------------------------------------------------------
# PyTorch, 0-d float64 tensors
# ---------------------------------------------------------------------------------------------


class TorchAdapter(Adapter):
    name = "torch"
    style = ("PyTorch: 0-d float64 tensors, graph built op by op, loss.backward(), "
             "manual SGD under no_grad, grads set to None")

    @classmethod
    def available(cls) -> bool:
        try:
            import torch  # noqa: F401
        except ImportError:
            return False
        return True

    def __init__(self) -> None:
        super().__init__()
        import torch

        self.torch = torch

    def version(self) -> str:
        return str(self.torch.__version__)

    def _leaf(self, v: float):
        return self.torch.tensor(v, dtype=self.torch.float64, requires_grad=True)

    # W1
    def mlp_init(self, params, xs, ys):
        ps = [self._leaf(v) for v in params]
        layers = []
        k = 0
        for nin, nout in itertools.pairwise(MLP_SIZES):
            layer = []
            for _ in range(nout):
                layer.append((ps[k:k + nin], ps[k + nin]))
                k += nin + 1
            layers.append(layer)
        return {"params": ps, "layers": layers, "xs": [list(x) for x in xs], "ys": list(ys)}

    def _loss(self, model):
        layers = model["layers"]
        last = len(layers) - 1
        scores = []
        for x in model["xs"]:
            h = x
            for i, layer in enumerate(layers):
                out = []
                for w, b in layer:
                    act = b
                    for wi, xi in zip(w, h):
                        act = act + wi * xi
                    out.append(act if i == last else act.relu())
                h = out
            scores.append(h[0])
        losses = [(1 - y * s).relu() for y, s in zip(model["ys"], scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg = 1e-4 * sum(p * p for p in model["params"])
        return data_loss + reg

    def mlp_loss_and_grads(self, model):
        loss = self._loss(model)
        loss.backward()
        grads = [p.grad.item() for p in model["params"]]
        for p in model["params"]:
            p.grad = None
        return loss.item(), grads

    def mlp_step(self, model, lr):
        loss = self._loss(model)
        loss.backward()
        with self.torch.no_grad():
            for p in model["params"]:
                p -= lr * p.grad
        for p in model["params"]:
            p.grad = None
        return loss.item()

    def mlp_params(self, model):
        return [p.item() for p in model["params"]]

    # W2
    def chain_graph(self, x0, n):
        x = self._leaf(x0)
        y = x
        for _ in range(n):
            y = (y * 1.01 + 0.1).tanh()
        return y, x

    def chain(self, x0, n):
        y, x = self.chain_graph(x0, n)
        y.backward()
        return y.item(), x.grad.item()

    def count_nodes(self, output, n):
        # Mul, Add and Tanh backward nodes per step, plus the leaf's AccumulateGrad.
        return 3 * n + 1

    # W3
    def wide_inputs(self, a, b):
        return [self._leaf(v) for v in a], [self._leaf(v) for v in b]

    def wide(self, inputs, mode):
        a, b = inputs
        out = _tree_or_fold([x * y for x, y in zip(a, b)], mode)
        out.backward()
        return out.item()

    def wide_grads(self, inputs):
        a, b = inputs
        return [v.grad.item() for v in a], [v.grad.item() for v in b]

    # W6: the same op-by-op 0-d graph as W1, cross-entropy as exp, sum and log
    def digits_init(self, params, xs, ys):
        ps = [self._leaf(v) for v in params]
        return {"params": ps, "layers": _layers_of(ps, DIGITS_SIZES),
                "xs": [list(x) for x in xs], "ys": list(ys)}

    def _digits_loss(self, model, start, size):
        layers = model["layers"]
        last = len(layers) - 1
        losses = []
        for x, t in zip(model["xs"][start:start + size], model["ys"][start:start + size]):
            h = x
            for i, layer in enumerate(layers):
                out = []
                for w, b in layer:
                    act = b
                    for wi, xi in zip(w, h):
                        act = act + wi * xi
                    out.append(act if i == last else act.relu())
                h = out
            top = max(v.item() for v in h)
            total = sum((v - top).exp() for v in h)
            losses.append(total.log() + top - h[t])
        return sum(losses) * (1.0 / len(losses))

    def digits_loss_and_grads(self, model, start, size):
        loss = self._digits_loss(model, start, size)
        loss.backward()
        grads = [p.grad.item() for p in model["params"]]
        for p in model["params"]:
            p.grad = None
        return loss.item(), grads

    def digits_step(self, model, start, size, lr):
        loss = self._digits_loss(model, start, size)
        loss.backward()
        with self.torch.no_grad():
            for p in model["params"]:
                p -= lr * p.grad
        for p in model["params"]:
            p.grad = None
        return loss.item()


# ---------------------------------------------------------------------------------------------
# The floor: plain floats, backward by hand
# ---------------------------------------------------------------------------------------------


class FloorAdapter(Adapter):
    name = "floor"
    style = "plain Python floats: forward keeps what backward needs, backward written by hand"

    def version(self) -> str:
        return sys.version.split()[0]

    # W1: layers as lists of (weights list, [bias]) so that updates happen in place.
    def mlp_init(self, params, xs, ys):
        layers = []
        k = 0
        for nin, nout in itertools.pairwise(MLP_SIZES):
            ws, bs = [], []
            for _ in range(nout):
                ws.append(list(params[k:k + nin]))
                bs.append(params[k + nin])
                k += nin + 1
            layers.append((ws, bs))
        return {"layers": layers, "xs": [list(x) for x in xs], "ys": list(ys)}

    def _loss_grads(self, model):
        layers = model["layers"]
        xs, ys = model["xs"], model["ys"]
        n = len(xs)
        last = len(layers) - 1
        gws = [[[0.0] * len(w) for w in ws] for ws, _ in layers]
        gbs = [[0.0] * len(bs) for _, bs in layers]
        total = 0.0
        for x, y in zip(xs, ys):
            # forward, keeping each layer's input and pre-activation
            acts = [x]
            pres = []
            h = x
            for i, (ws, bs) in enumerate(layers):
                z = [b + sum([wi * hi for wi, hi in zip(w, h)]) for w, b in zip(ws, bs)]
                pres.append(z)
                h = z if i == last else [zj if zj > 0.0 else 0.0 for zj in z]
                acts.append(h)
            margin = 1.0 - y * h[0]
            if margin <= 0.0:
                continue  # relu'(0) = 0: this sample sends no gradient
            total += margin
            # backward by hand
            d = [-y / n]
            for i in range(last, -1, -1):
                ws, _ = layers[i]
                z = pres[i]
                if i != last:
                    d = [dj if zj > 0.0 else 0.0 for dj, zj in zip(d, z)]
                hin = acts[i]
                gw, gb = gws[i], gbs[i]
                for j, dj in enumerate(d):
                    if dj:
                        gb[j] += dj
                        row = gw[j]
                        for m, hm in enumerate(hin):
                            row[m] += dj * hm
                if i:
                    d = [sum([d[j] * ws[j][m] for j in range(len(d))])
                         for m in range(len(hin))]
        reg = 0.0
        for (ws, bs), gw, gb in zip(layers, gws, gbs):
            for w, b, grow, j in zip(ws, bs, gw, range(len(bs))):
                for m, wm in enumerate(w):
                    reg += wm * wm
                    grow[m] += 2e-4 * wm
                reg += b * b
                gb[j] += 2e-4 * b
        return total / n + 1e-4 * reg, gws, gbs

    def mlp_loss_and_grads(self, model):
        loss, gws, gbs = self._loss_grads(model)
        grads = []
        for gw, gb in zip(gws, gbs):
            for row, g in zip(gw, gb):
                grads.extend(row)
                grads.append(g)
        return loss, grads

    def mlp_step(self, model, lr):
        loss, gws, gbs = self._loss_grads(model)
        for (ws, bs), gw, gb in zip(model["layers"], gws, gbs):
            for j, (w, grow) in enumerate(zip(ws, gw)):
                for m, g in enumerate(grow):
                    w[m] -= lr * g
                bs[j] -= lr * gb[j]
        return loss

    def mlp_params(self, model):
        out = []
        for ws, bs in model["layers"]:
            for w, b in zip(ws, bs):
                out.extend(w)
                out.append(b)
        return out

    # W2
    def chain_graph(self, x0, n):
        outs: list[float] = []
        append = outs.append
        tanh = math.tanh
        y = x0
        for _ in range(n):
            y = tanh(y * 1.01 + 0.1)
            append(y)
        return outs, x0

    def chain(self, x0, n):
        outs, _ = self.chain_graph(x0, n)
        g = 1.0
        for t in reversed(outs):
            g *= (1.0 - t * t) * 1.01
        return (outs[-1] if outs else x0), g

    def count_nodes(self, output, n):
        return n  # one stored float per step

    # W3
    def wide_inputs(self, a, b):
        return list(a), list(b)

    def wide(self, inputs, mode):
        a, b = inputs
        terms = [x * y for x, y in zip(a, b)]
        out = _tree_or_fold(terms, mode)
        # backward: every addition passes the gradient 1.0 through unchanged
        g = 1.0
        self._grads = ([g * y for y in b], [g * x for x in a])
        return float(out)

    def wide_grads(self, inputs):
        return self._grads

    # W6: weights as lists of rows (updated in place), cross-entropy's backward by hand
    def digits_init(self, params, xs, ys):
        layers = [([list(w) for w, _ in layer], [b for _, b in layer])
                  for layer in _layers_of(params, DIGITS_SIZES)]
        return {"layers": layers, "xs": [list(x) for x in xs], "ys": list(ys)}

    def _digits_loss_grads(self, model, start, size):
        layers = model["layers"]
        last = len(layers) - 1
        gws = [[[0.0] * len(w) for w in ws] for ws, _ in layers]
        gbs = [[0.0] * len(bs) for _, bs in layers]
        xs = model["xs"][start:start + size]
        ys = model["ys"][start:start + size]
        n = len(xs)
        total = 0.0
        for x, t in zip(xs, ys):
            acts = [x]
            pres = []
            h = x
            for i, (ws, bs) in enumerate(layers):
                z = [b + sum([wi * hi for wi, hi in zip(w, h)]) for w, b in zip(ws, bs)]
                pres.append(z)
                h = z if i == last else [zj if zj > 0.0 else 0.0 for zj in z]
                acts.append(h)
            top = max(h)
            exps = [math.exp(v - top) for v in h]
            s = sum(exps)
            total += math.log(s) + top - h[t]
            # d loss / d z = (softmax(z) - onehot(t)) / n
            d = [e / s / n for e in exps]
            d[t] -= 1.0 / n
            for i in range(last, -1, -1):
                ws, _ = layers[i]
                if i != last:
                    d = [dj if zj > 0.0 else 0.0 for dj, zj in zip(d, pres[i])]
                hin = acts[i]
                gw, gb = gws[i], gbs[i]
                for j, dj in enumerate(d):
                    if dj:
                        gb[j] += dj
                        row = gw[j]
                        for m, hm in enumerate(hin):
                            row[m] += dj * hm
                if i:
                    d = [sum([d[j] * ws[j][m] for j in range(len(d))])
                         for m in range(len(hin))]
        return total / n, gws, gbs

    def digits_loss_and_grads(self, model, start, size):
        loss, gws, gbs = self._digits_loss_grads(model, start, size)
        grads = []
        for gw, gb in zip(gws, gbs):
            for row, g in zip(gw, gb):
                grads.extend(row)
                grads.append(g)
        return loss, grads

    def digits_step(self, model, start, size, lr):
        loss, gws, gbs = self._digits_loss_grads(model, start, size)
        for (ws, bs), gw, gb in zip(model["layers"], gws, gbs):
            for j, (w, grow) in enumerate(zip(ws, gw)):
                for m, g in enumerate(grow):
                    w[m] -= lr * g
                bs[j] -= lr * gb[j]
        return loss


ADAPTERS: dict[str, type[Adapter]] = {
    "autograd": AutogradAdapter,
    "micrograd": MicrogradAdapter,
    "torch": TorchAdapter,
    "floor": FloorAdapter,
}


def available_adapters() -> list[str]:
    """Names of the engines importable here, in the order the tables show them."""
    return [name for name, cls in ADAPTERS.items() if cls.available()]
