"""The cells of notebooks/08_sgd_loop.ipynb; ``python notebooks/build_notebooks.py 08_sgd_loop.ipynb`` rebuilds it."""

from __future__ import annotations

from cells import Cell, code, md

NAME = "08_sgd_loop.ipynb"

CELLS: list[Cell] = [
    md("""
# 8. Stochastic gradient descent: one random row at a time

The loop the explainers write by hand: shuffle the rows, and for each row in turn compute that
one example's loss, backpropagate, and nudge every weight against its gradient. One pass over
the data is an **epoch**. Here it is with the engine, on the two moons, against **mini-batch**
gradient descent (the mean loss of 10 rows per update) and **full batch** (all 100 rows per
update), from the same starting weights and with the same learning rate. The fair clock is the
number of examples seen: each method has then done the same amount of forward and backward work.
"""),
    code("""
import random
from collections.abc import Sequence
import matplotlib.pyplot as plt
from autograd import no_grad
from autograd.data import make_moons
from autograd.nn import MLP, binary_cross_entropy

X, y = make_moons(n_samples=100, noise=0.1, seed=0)
LR, EPOCHS, EVERY = 0.1, 20, 20      # learning rate, passes over the data, examples between checks

def fresh_model() -> MLP:
    return MLP(2, [8, 8, 1], activation="tanh", seed=1)

def full_loss(model: MLP) -> float:
    with no_grad():
        return binary_cross_entropy([model(x) for x in X], y).data

def accuracy(model: MLP) -> float:
    with no_grad():
        return sum((model(x).data > 0) == (t == 1) for x, t in zip(X, y)) / len(y)
"""),
    md("""
## The loop

`batch_size=1` is the explainers' loop; the same code with 10 or 100 rows per update is
mini-batch and full batch. The update is written out (`p.data -= LR * p.grad`) rather than
hidden in an optimizer.
"""),
    code("""
def train(batch_size: int, seed: int = 0
          ) -> tuple[MLP, list[tuple[int, float]], list[float]]:
    rng = random.Random(seed)
    model = fresh_model()
    params = model.parameters()
    seen, curve, epoch_losses = 0, [(0, full_loss(model))], []
    for epoch in range(EPOCHS):
        rows = list(range(len(X)))
        rng.shuffle(rows)                       # a new random order every epoch
        total = 0.0
        for start in range(0, len(rows), batch_size):
            batch = rows[start:start + batch_size]
            loss = binary_cross_entropy([model(X[i]) for i in batch], [y[i] for i in batch])
            for p in params:
                p.grad = 0.0
            loss.backward()
            for p in params:
                p.data -= LR * p.grad           # against the gradient
            total += loss.data * len(batch)
            seen += len(batch)
            if seen % EVERY == 0:
                curve.append((seen, full_loss(model)))
        epoch_losses.append(total / len(X))     # the mean of the losses met during the epoch
    return model, curve, epoch_losses

runs: dict[str, tuple[list[tuple[int, float]], list[float]]] = {}
for name, size in (("SGD, one row", 1), ("mini-batch of 10", 10), ("full batch of 100", 100)):
    model, curve, epoch_losses = train(size)
    runs[name] = (curve, epoch_losses)
    print(f"{name:18s} {EPOCHS * len(X) // size:5d} updates   final loss {full_loss(model):.4f}"
          f"   accuracy {accuracy(model):.0%}")
"""),
    code("""
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
colours = {"SGD, one row": "tab:red", "mini-batch of 10": "tab:blue",
           "full batch of 100": "tab:green"}
for name, (curve, epoch_losses) in runs.items():
    ax.plot([c[0] for c in curve], [c[1] for c in curve], color=colours[name], label=name)
    ax2.plot(range(1, EPOCHS + 1), epoch_losses, "o-", ms=3, color=colours[name], label=name)
ax.set_xlabel("examples seen"); ax.set_ylabel("loss on all 100 rows")
ax.set_title(f"same data, same start, lr = {LR}"); ax.legend()
ax2.set_xlabel("epoch"); ax2.set_ylabel("mean loss over the epoch's updates")
ax2.set_title("per-epoch loss"); ax2.legend()
fig.tight_layout(); plt.show()
"""),
    md("""
Per example seen, one row at a time makes a hundred times as many updates as the full batch,
so it gets far further for the same work; each step follows a noisy estimate of the gradient
(one row's), which shows as a jagged curve that still goes down. Full batch follows the exact
gradient but takes one small step per epoch. Mini-batches sit between: a less noisy estimate,
ten times fewer updates than single rows, and in real libraries the rows of a batch are computed
together, which is why they are the usual choice.

## One row's gradient against the full gradient

The noise, measured: the gradient from a single row points in a different direction from the
full gradient, but on average over the rows it is exactly the full gradient (the full loss is the
mean of the rows' losses, and the derivative of a mean is the mean of the derivatives).
"""),
    code("""
model = fresh_model()
params = model.parameters()

def gradient(rows: Sequence[int]) -> list[float]:
    loss = binary_cross_entropy([model(X[i]) for i in rows], [y[i] for i in rows])
    for p in params:
        p.grad = 0.0
    loss.backward()
    return [p.grad for p in params]

full = gradient(range(len(X)))
singles = [gradient([i]) for i in range(len(X))]
mean = [sum(g[k] for g in singles) / len(singles) for k in range(len(params))]
print("largest |mean of the rows' gradients - full gradient|:",
      max(abs(a - b) for a, b in zip(mean, full)))

def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(p * q for p, q in zip(a, b))
    return float(dot / (sum(p * p for p in a) ** 0.5 * sum(q * q for q in b) ** 0.5))  # float ** float is typed Any

cosines = [cosine(g, full) for g in singles]
plt.figure(figsize=(6, 3))
plt.hist(cosines, bins=20, color="tab:red", edgecolor="k")
plt.xlabel("cosine between one row's gradient and the full gradient"); plt.ylabel("rows")
plt.title("single-row gradients are noisy estimates"); plt.tight_layout(); plt.show()
print(f"{sum(c > 0 for c in cosines)} of {len(cosines)} rows point downhill for the full loss")
"""),
]
