"""The cells of notebooks/03_training_mlp.ipynb; ``python notebooks/build_notebooks.py 03_training_mlp.ipynb`` rebuilds it."""

from __future__ import annotations

from cells import Cell, code, md

NAME = "03_training_mlp.ipynb"

CELLS: list[Cell] = [
    md("""
# 3. Training an MLP on the moons

Two interleaving half circles, a 2 → 16 → 16 → 1 network with relu, hinge loss, and Adam.
"""),
    code("""
import matplotlib.pyplot as plt
from autograd import no_grad
from autograd.data import make_moons
from autograd.nn import MLP, hinge_loss
from autograd.optim import Adam
from autograd.viz import draw_dot

X, y = make_moons(n_samples=100, noise=0.1, seed=0)
model = MLP(2, [16, 16, 1], activation="relu", seed=0)
opt = Adam(model.parameters(), lr=0.05)
print(model, "-", len(model.parameters()), "parameters")
"""),
    code("""
plt.figure(figsize=(4.5, 3.5))
plt.scatter([p[0] for p in X], [p[1] for p in X], c=y, cmap="coolwarm", edgecolors="k", s=25)
plt.title("make_moons(100, noise=0.1)"); plt.tight_layout(); plt.show()
"""),
    code("""
losses, accuracies = [], []
for step in range(100):
    scores = [model(x) for x in X]
    loss = hinge_loss(scores, [2 * t - 1 for t in y])
    opt.zero_grad()
    loss.backward()
    opt.step()
    acc = sum((s.data > 0) == (t == 1) for s, t in zip(scores, y)) / len(y)
    losses.append(loss.data)
    accuracies.append(acc)
    if step % 20 == 0 or step == 99:
        print(f"step {step:3d}  loss {loss.data:.4f}  accuracy {acc:.0%}")
"""),
    code("""
fig, ax1 = plt.subplots(figsize=(6, 3.5))
ax1.plot(losses, color="tab:red"); ax1.set_xlabel("step"); ax1.set_ylabel("hinge loss", color="tab:red")
ax2 = ax1.twinx()
ax2.plot(accuracies, color="tab:blue"); ax2.set_ylabel("accuracy", color="tab:blue")
fig.tight_layout(); plt.show()
"""),
    md("## The decision boundary"),
    code("""
xs = [-1.6 + 4.2 * i / 59 for i in range(60)]
ys = [-1.1 + 2.7 * j / 59 for j in range(60)]
with no_grad():
    Z = [[model([gx, gy]).data for gx in xs] for gy in ys]
plt.figure(figsize=(5, 4))
plt.contourf(xs, ys, Z, levels=[-1e9, 0, 1e9], colors=["#9ecae1", "#fcbba1"], alpha=0.8)
plt.contour(xs, ys, Z, levels=[0], colors="k", linewidths=1)
plt.scatter([p[0] for p in X], [p[1] for p in X], c=y, cmap="coolwarm", edgecolors="k", s=25)
plt.title(f"final accuracy {accuracies[-1]:.0%}"); plt.tight_layout(); plt.show()
"""),
    md("""
## What the network looks like as a graph

The full graph of one sample has hundreds of nodes; collapsed, each neuron is one box and each
arrow into a neuron carries d(neuron output)/d(input). Here a smaller 2 → 4 → 4 → 1 network:
"""),
    code("""
small = MLP(2, [4, 4, 1], activation="relu", seed=0)
out = hinge_loss([small(X[0])], [2 * y[0] - 1])
out.backward()
draw_dot(out, collapse="neuron", module=small)
"""),
    code("""
draw_dot(out, collapse="layer", module=small, rankdir="TB")
"""),
]
