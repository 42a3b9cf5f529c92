"""Optimizers that update parameters from their ``.grad``: SGD, Adam, and a linear lr schedule.

Updates write ``p.data`` directly, so they build no graph. Each follows ``torch.optim`` step for
step (same formulas, same order of operations).

>>> from autograd import Value
>>> w = Value(3.0)
>>> opt = SGD([w], lr=0.1)
>>> loss = w * w            # d loss / dw = 2w = 6
>>> opt.zero_grad(); loss.backward(); opt.step()
>>> round(w.data, 10)
2.4
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

from .engine import Value

__all__ = ["Optimizer", "SGD", "Adam", "LinearDecay"]


def _hyper(value: object, name: str, *, upper: float | None = None,
           strict_upper: bool = False) -> float:
    """A finite hyperparameter >= 0 (and <= or < upper), else ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, got {type(value).__name__}: {value!r}")
    v = float(value)
    if not math.isfinite(v) or v < 0.0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    if upper is not None and (v >= upper if strict_upper else v > upper):
        bound = f"< {upper}" if strict_upper else f"<= {upper}"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return v


class Optimizer:
    """Holds the parameters; subclasses define :meth:`step`. ``lr`` may be changed at any time."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        plist = list(params)
        if not plist:
            raise ValueError("optimizer got an empty parameter list")
        seen: set[int] = set()
        for i, p in enumerate(plist):
            if not isinstance(p, Value):
                raise TypeError(f"parameter {i} is a {type(p).__name__}, not a Value")
            if id(p) in seen:
                raise ValueError(f"parameter {i} appears more than once in the parameter list")
            seen.add(id(p))
        self.params = plist
        self.lr = _hyper(lr, "lr")

    def zero_grad(self) -> None:
        """Sets every parameter's ``.grad`` to 0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum and weight decay, as ``torch.optim.SGD``.

    With ``g = grad + weight_decay * p``: without momentum ``p -= lr * g``; with momentum the
    buffer starts as ``g`` and then becomes ``momentum * buf + g``, and ``p -= lr * buf`` (with
    ``nesterov=True``, ``p -= lr * (g + momentum * buf)``).
    """

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False) -> None:
        super().__init__(params, lr)
        self.momentum = _hyper(momentum, "momentum")
        self.weight_decay = _hyper(weight_decay, "weight_decay")
        if nesterov and self.momentum == 0.0:
            raise ValueError("nesterov momentum needs momentum > 0")
        self.nesterov = bool(nesterov)
        self._buffers: list[float] | None = None

    def step(self) -> None:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        if mu == 0.0:
            for p in self.params:
                g = p.grad + wd * p.data if wd else p.grad
                p.data -= lr * g
            return
        bufs = self._buffers
        first = bufs is None
        if bufs is None:
            bufs = self._buffers = [0.0] * len(self.params)
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            buf = g if first else mu * bufs[i] + g
            bufs[i] = buf
            p.data -= lr * (g + mu * buf if self.nesterov else buf)


class Adam(Optimizer):
    """Adam with bias correction, as ``torch.optim.Adam`` (``weight_decay`` adds ``wd * p``
    to the gradient, the L2 form, not AdamW's decoupled one).

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g**2``, then at step ``t``
    ``p -= lr / (1 - b1**t) * m / (sqrt(v) / sqrt(1 - b2**t) + eps)``.
    """

    def __init__(self, params: Iterable[Value], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair of numbers, got {betas!r}")
        self.betas = (_hyper(betas[0], "betas[0]", upper=1.0, strict_upper=True),
                      _hyper(betas[1], "betas[1]", upper=1.0, strict_upper=True))
        self.eps = _hyper(eps, "eps")
        self.weight_decay = _hyper(weight_decay, "weight_decay")
        n = len(self.params)
        self._m = [0.0] * n
        self._v = [0.0] * n
        self.t = 0

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        wd, eps = self.weight_decay, self.eps
        step_size = self.lr / (1.0 - b1 ** self.t)
        root_c2 = math.sqrt(1.0 - b2 ** self.t)
        m, v = self._m, self._v
        for i, p in enumerate(self.params):
            g = p.grad + wd * p.data if wd else p.grad
            mi = m[i] = m[i] + (1.0 - b1) * (g - m[i])  # = b1 m + (1 - b1) g
            vi = v[i] = b2 * v[i] + (1.0 - b2) * g * g
            p.data -= step_size * (mi / (math.sqrt(vi) / root_c2 + eps))


class LinearDecay:
    """Moves an optimizer's ``lr`` in a straight line from ``start_lr`` to ``end_lr`` over
    ``steps`` calls of :meth:`step`, then holds it at ``end_lr``.

    Call :meth:`step` once after each optimizer step (as PyTorch's schedulers).

    >>> from autograd import Value
    >>> opt = SGD([Value(0.0)], lr=1.0)
    >>> schedule = LinearDecay(opt, 1.0, 0.1, steps=3)
    >>> lrs = []
    >>> for _ in range(4):
    ...     lrs.append(round(opt.lr, 6)); schedule.step()
    >>> lrs
    [1.0, 0.7, 0.4, 0.1]
    """

    optimizer: Optimizer
    start_lr: float
    end_lr: float
    steps: int
    count: int

    def __init__(self, optimizer: Optimizer, start_lr: float, end_lr: float, steps: int) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"LinearDecay needs an Optimizer, got {type(optimizer).__name__}")
        self.start_lr = _hyper(start_lr, "start_lr")
        self.end_lr = _hyper(end_lr, "end_lr")
        if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
            raise ValueError(f"steps must be a positive integer, got {steps!r}")
        self.optimizer = optimizer
        self.steps = int(steps)
        self.count = 0
        optimizer.lr = self.start_lr

    @property
    def lr(self) -> float:
        """The learning rate after ``count`` calls of :meth:`step`."""
        frac = min(self.count, self.steps) / self.steps
        return self.start_lr + (self.end_lr - self.start_lr) * frac

    def step(self) -> None:
        self.count += 1
        self.optimizer.lr = self.lr
