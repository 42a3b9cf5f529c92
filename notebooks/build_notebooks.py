"""Writes the four notebooks from the cells below, runs them, and saves them with their outputs.

Run from the repository root: ``python notebooks/build_notebooks.py`` (needs nbformat, nbclient,
ipykernel, matplotlib and the Graphviz ``dot`` program). Edit the cells here, not in the .ipynb
files, then run this again and commit the executed notebooks.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

Cell = tuple[str, str]  # ("md" | "code", source)


def md(text: str) -> Cell:
    return ("md", text.strip("\n"))


def code(text: str) -> Cell:
    return ("code", text.strip("\n"))


ENGINE: list[Cell] = [
    md("""
# 1. The engine: values, operations, backward

`autograd` works on single numbers. Each `Value` remembers the operation that made it, its
**parents**, and the **local derivative** of itself with respect to each parent. `backward()` then
applies the chain rule from the output back to every input.
"""),
    code("""
from autograd import Value, explain
from autograd.viz import draw_dot
from autograd.trace import trace_backward

a = Value(2.0, label="a")
b = Value(-3.0, label="b")
c = a * b + b ** 2
c.label = "c"
c.data
"""),
    md("""
Every node keeps its parents and local derivatives as plain data. For `c = a*b + b**2` the last
operation is `+`, whose local derivatives are both 1:
"""),
    code("""
print("op:", c.op)
print("parents:", c.parents)
print("local_grads:", c.local_grads)
ab, b2 = c.parents
print("a*b:", ab.op, ab.local_grads, "  (d(a*b)/da = b, d(a*b)/db = a)")
print("b**2:", b2.op, b2.local_grads, "  (d(b**2)/db = 2b)")
"""),
    md("""
## Backward

`c.backward()` sets `c.grad = 1` and sends gradient down every edge: each parent receives
*local derivative × gradient of the node*. `b` is used twice, so it adds up two contributions:
$\\partial c/\\partial b = a + 2b = 2 - 6 = -4$.
"""),
    code("""
c.backward()
a.grad, b.grad
"""),
    md("""
## The drawing

Each value is a box (label, data, grad); each operation is an oval; **every arrow into an operation
carries the local derivative** of that operation's output with respect to the value on the arrow.
The gradient of any box is the sum, over its outgoing arrows, of *arrow number × grad of the box the
operation made*.
"""),
    code("""
draw_dot(c)
"""),
    md("""
## A neuron

$o = \\tanh(x_1 w_1 + x_2 w_2 + b)$, the classic first example.
"""),
    code("""
x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
b = Value(6.8813735870195432, label="b")
n = x1 * w1 + x2 * w2 + b
n.label = "n"
o = n.tanh()
o.label = "o"
o.backward()
draw_dot(o)
"""),
    md("""
## `explain`: the chain rule, path by path

$\\partial o / \\partial w_1$ is the product of the local derivatives along the path from `w1` to
`o`. Where a value reaches the output by several paths, the gradient is the sum over the paths.
"""),
    code("""
explain(o, w1)
"""),
    code("""
print(explain(o, w1))
print()
print("w1.grad from backward():", w1.grad)
"""),
    md("""
A weight used twice has two paths, and its gradient is their sum:
"""),
    code("""
w = Value(3.0, label="w")
x = Value(2.0, label="x")
y = w * x + w * w
y.label = "y"
e = explain(y, w)
print(e)
y.backward()
assert abs(e.total - w.grad) < 1e-12
"""),
    md("""
## The backward pass, step by step

`trace_backward` records what `backward()` does, in order: at each node the gradient that has
arrived (*upstream*), and what it sends to each parent (*local derivative × upstream*).
"""),
    code("""
t = trace_backward(o)
print(t)
"""),
    md("Any step can be drawn: the node in red is about to send its gradient down the red arrows."),
    code("""
t.draw(3)
"""),
    md("""
## The functional API

`grad(f)` gives the derivative as a function, without touching any `.grad`, and composes for
higher derivatives.
"""),
    code("""
from autograd import grad, hessian

f = lambda x, y: (x * y).tanh() + x ** 3
print(grad(f)(1.0, 2.0), grad(f, argnums=(0, 1))(1.0, 2.0))
print(grad(grad(f))(1.0, 2.0))
print(hessian(f)(1.0, 2.0))
"""),
]


BY_HAND: list[Cell] = [
    md("""
# 2. Backprop by hand

A network with two inputs, one sigmoid hidden neuron and a sigmoid output, trained with binary
cross-entropy:

$$z_1 = w_1 x_1 + w_2 x_2 + b_1,\\quad h = \\sigma(z_1),\\quad z_2 = v h + c,\\quad
\\hat y = \\sigma(z_2),\\quad L = -\\big(y \\log \\hat y + (1-y) \\log(1-\\hat y)\\big).$$

We derive every $\\partial L/\\partial(\\text{weight})$ with the chain rule, compute it with plain
floats, and check each one against the engine.
"""),
    code("""
import math

x1, x2, y = 0.5, -1.0, 1.0
w1, w2, b1 = 0.8, 0.3, 0.1
v, c = -1.2, 0.2

def sigmoid(t):
    return 1 / (1 + math.exp(-t))

z1 = w1 * x1 + w2 * x2 + b1
h = sigmoid(z1)
z2 = v * h + c
y_hat = sigmoid(z2)
L = -(y * math.log(y_hat) + (1 - y) * math.log(1 - y_hat))
print(f"z1={z1:.4f}  h={h:.4f}  z2={z2:.4f}  y_hat={y_hat:.4f}  L={L:.4f}")
"""),
    md("""
## The chain rule, one factor at a time

* Loss through the output sigmoid: $\\dfrac{\\partial L}{\\partial z_2} =
  \\dfrac{\\partial L}{\\partial \\hat y}\\,\\dfrac{\\partial \\hat y}{\\partial z_2}
  = \\Big(-\\dfrac{y}{\\hat y} + \\dfrac{1-y}{1-\\hat y}\\Big)\\,\\hat y(1-\\hat y) = \\hat y - y.$
* Output layer: $\\dfrac{\\partial L}{\\partial v} = (\\hat y - y)\\,h$,
  $\\dfrac{\\partial L}{\\partial c} = \\hat y - y$, and the hidden value receives
  $\\dfrac{\\partial L}{\\partial h} = (\\hat y - y)\\,v$.
* Through the hidden sigmoid: $\\dfrac{\\partial L}{\\partial z_1} = \\dfrac{\\partial L}{\\partial h}\\,
  h(1-h)$.
* Hidden layer: $\\dfrac{\\partial L}{\\partial w_1} = \\dfrac{\\partial L}{\\partial z_1}x_1$,
  $\\dfrac{\\partial L}{\\partial w_2} = \\dfrac{\\partial L}{\\partial z_1}x_2$,
  $\\dfrac{\\partial L}{\\partial b_1} = \\dfrac{\\partial L}{\\partial z_1}$.
"""),
    code("""
dL_dz2 = y_hat - y
dL_dv = dL_dz2 * h
dL_dc = dL_dz2
dL_dh = dL_dz2 * v
dL_dz1 = dL_dh * h * (1 - h)
dL_dw1 = dL_dz1 * x1
dL_dw2 = dL_dz1 * x2
dL_db1 = dL_dz1
by_hand = {"w1": dL_dw1, "w2": dL_dw2, "b1": dL_db1, "v": dL_dv, "c": dL_dc}
for name, g in by_hand.items():
    print(f"dL/d{name:2} = {g:+.6f}")
"""),
    md("""
## The same network in the engine

The engine computes the loss from the logit $z_2$ as `softplus(z2) - y*z2` (the stable form of the
same formula, as PyTorch's `binary_cross_entropy_with_logits`).
"""),
    code("""
from autograd import Value, explain
from autograd.nn import binary_cross_entropy
from autograd.viz import draw_dot

P = {name: Value(val, label=name) for name, val in
     {"w1": w1, "w2": w2, "b1": b1, "v": v, "c": c}.items()}
Z1 = P["w1"] * x1 + P["w2"] * x2 + P["b1"]
Z1.label = "z1"
H = Z1.sigmoid()
H.label = "h"
Z2 = P["v"] * H + P["c"]
Z2.label = "z2"
loss = binary_cross_entropy([Z2], [y])
loss.label = "L"
loss.backward()
print(f"engine loss {loss.data:.6f}  (by hand {L:.6f})")
for name, p in P.items():
    print(f"dL/d{name:2}: engine {p.grad:+.6f}   by hand {by_hand[name]:+.6f}")
    assert math.isclose(p.grad, by_hand[name], rel_tol=1e-9, abs_tol=1e-12)
assert math.isclose(loss.data, L, rel_tol=1e-12)
"""),
    code("""
draw_dot(loss)
"""),
    md("`explain` shows $\\partial L/\\partial w_1$ as the product of the local derivatives along its path:"),
    code("""
print(explain(loss, P["w1"]))
"""),
    md("""
## One gradient-descent step

$w \\leftarrow w - \\eta\\,\\partial L/\\partial w$ for every weight, with learning rate $\\eta = 0.5$.
The loss falls.
"""),
    code("""
lr = 0.5
new = {name: p.data - lr * p.grad for name, p in P.items()}

def loss_at(p):
    h_ = sigmoid(p["w1"] * x1 + p["w2"] * x2 + p["b1"])
    y_hat_ = sigmoid(p["v"] * h_ + p["c"])
    return -(y * math.log(y_hat_) + (1 - y) * math.log(1 - y_hat_))

before, after = loss_at({k: p.data for k, p in P.items()}), loss_at(new)
print(f"loss before {before:.6f}, after one step {after:.6f}")
assert after < before
"""),
    md("""
## Batch size 1 against the full batch

On a small data set, the full-batch gradient is the **mean** of the per-sample gradients. Each
sample alone points somewhere else; batch-size-1 SGD takes one small noisy step per sample, full
batch one averaged step per pass over the data. The same network shape (2 → 1 sigmoid → 1 output)
is built here with `autograd.nn.MLP`.
"""),
    code("""
from autograd.data import make_moons
from autograd.nn import MLP
from autograd.optim import SGD

X, Y = make_moons(n_samples=40, noise=0.1, seed=1)
model = MLP(2, [1, 1], activation="sigmoid", seed=1)
w_first = model.layers[0].neurons[0].w[0]

per_sample = []
for xi, yi in zip(X, Y):
    model.zero_grad()
    binary_cross_entropy([model(xi)], [yi]).backward()
    per_sample.append(w_first.grad)
model.zero_grad()
binary_cross_entropy([model(xi) for xi in X], Y).backward()
print(f"full-batch dL/dw = {w_first.grad:+.5f}; mean of per-sample = "
      f"{sum(per_sample) / len(per_sample):+.5f}")
print(f"per-sample gradients range from {min(per_sample):+.4f} to {max(per_sample):+.4f}")
assert math.isclose(w_first.grad, sum(per_sample) / len(per_sample), rel_tol=1e-9)
"""),
    code("""
import matplotlib.pyplot as plt

def full_loss(m):
    return binary_cross_entropy([m(xi) for xi in X], Y).data

def train(batch_size, epochs=40, lr=1.0):
    m = MLP(2, [1, 1], activation="sigmoid", seed=1)
    opt = SGD(m.parameters(), lr=lr)
    curve = [full_loss(m)]
    for _ in range(epochs):
        for start in range(0, len(X), batch_size):
            xb, yb = X[start:start + batch_size], Y[start:start + batch_size]
            opt.zero_grad()
            binary_cross_entropy([m(xi) for xi in xb], yb).backward()
            opt.step()
        curve.append(full_loss(m))
    return curve

sgd1, full = train(1), train(len(X))
plt.figure(figsize=(6, 3.5))
plt.plot(sgd1, label="batch size 1 (40 steps per epoch)")
plt.plot(full, label="full batch (1 step per epoch)")
plt.xlabel("epoch"); plt.ylabel("loss on all samples"); plt.legend(); plt.tight_layout()
plt.show()
print(f"after 40 epochs: batch size 1 -> {sgd1[-1]:.4f}, full batch -> {full[-1]:.4f}")
assert sgd1[-1] < sgd1[0] and full[-1] < full[0]
"""),
    md("""
## Vanishing gradients

Through a chain of sigmoids each local derivative is $\\sigma'(z) = \\sigma(1-\\sigma) \\le 0.25$,
so the gradient reaching the input shrinks geometrically with depth. A relu's local derivative
is 1 where it is active, so the gradient survives. (Weights 1, biases 0.5, input 0.5.)
"""),
    code("""
def input_grad(depth, activation):
    x = Value(0.5, label="x")
    h = x
    for _ in range(depth):
        h = getattr(h * 1.0 + 0.5, activation)()
    h.backward()
    return abs(x.grad)

depths = list(range(1, 31))
curves = {act: [input_grad(d, act) for d in depths] for act in ("sigmoid", "tanh", "relu")}
plt.figure(figsize=(6, 3.5))
for act, g in curves.items():
    plt.semilogy(depths, g, marker=".", label=act)
plt.xlabel("depth (layers)"); plt.ylabel("|dL/dx| (log scale)"); plt.legend(); plt.tight_layout()
plt.show()
print(f"depth 30: sigmoid {curves['sigmoid'][-1]:.2e}, relu {curves['relu'][-1]:.2e}")
assert curves["sigmoid"][-1] < 1e-15 and curves["relu"][-1] == 1.0
"""),
]


TRAINING: list[Cell] = [
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


CHECKS: list[Cell] = [
    md("""
# 4. Gradient checks

Reverse mode can be checked against the definition of the derivative: central finite differences
$\\big(f(x+\\epsilon) - f(x-\\epsilon)\\big)/2\\epsilon$. `gradcheck` does this for every input.
"""),
    code("""
import math
from autograd import Value, gradcheck, GradcheckError, grad

def f(x, y):
    return (x * y).tanh() + (x * x + 1).log() * y

print(gradcheck(f, 0.3, -1.2))
print(grad(f, argnums=(0, 1))(0.3, -1.2))
"""),
    md("""
## A property test with hypothesis

Instead of one point, let [hypothesis](https://hypothesis.readthedocs.io) try many; it shrinks any
failure to a small example.
"""),
    code("""
from hypothesis import given, settings
from hypothesis import strategies as st

@settings(max_examples=200, deadline=None, database=None)
@given(st.floats(-3, 3), st.floats(-3, 3))
def check_f(x, y):
    assert gradcheck(f, x, y)

check_f()
print("200 random points: every derivative agrees with finite differences")
"""),
    md("""
`autograd.testing.expressions()` draws random expression trees (with a point inside their domain),
to test the engine itself the same way:
"""),
    code("""
from autograd.testing import expressions

@settings(max_examples=100, deadline=None, database=None)
@given(expressions())
def check_engine(case):
    fn, args = case
    assert gradcheck(fn, *args)

check_engine()
print("100 random expressions pass")
"""),
    md("""
## Catching a wrong derivative

Now an op with a **deliberately wrong** derivative: tanh, but with $1 - \\tanh(x)$ instead of
$1 - \\tanh(x)^2$. It is built from the same `Op` record as the engine's table (without adding it to
the table).
"""),
    code("""
from autograd.engine import apply_op
from autograd.ops import UNARY, Op

bad_tanh = Op("bad_tanh", "tanh?", UNARY, math.tanh, lambda x, out: (1.0 - out,),
              maths="WRONG: d/dx = 1 - out")

def g(x, y):
    return apply_op(bad_tanh, x * y) + y

try:
    gradcheck(g, 0.5, 0.8)
except GradcheckError as err:
    print(err)
"""),
    md("hypothesis finds the same bug, and shrinks it to a simple failing input:"),
    code("""
@settings(max_examples=200, deadline=None, database=None)
@given(st.floats(-2, 2), st.floats(-2, 2))
def check_g(x, y):
    assert gradcheck(g, x, y)

try:
    check_g()
except GradcheckError as err:
    print("caught:", str(err).splitlines()[0])
    for row in err.rows:
        print("  input", row[0], "analytic", round(row[2], 6), "numeric", round(row[3], 6),
              "ok" if row[4] else "MISMATCH")
else:
    raise AssertionError("the wrong derivative was not caught")
"""),
    md("""
The drawing shows where the wrong number lives: the arrow into `tanh?` carries the local
derivative, so a wrong rule is visible on the graph.
"""),
    code("""
from autograd.viz import draw_dot

a, b = Value(0.5, label="x"), Value(0.8, label="y")
out = g(a, b)
out.backward()
draw_dot(out)
"""),
]

NOTEBOOKS = {
    "01_engine.ipynb": ENGINE,
    "02_backprop_by_hand.ipynb": BY_HAND,
    "03_training_mlp.ipynb": TRAINING,
    "04_gradient_checks.ipynb": CHECKS,
}


def build(name: str, cells: list[Cell]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, source in cells:
        nb.cells.append(nbformat.v4.new_markdown_cell(source) if kind == "md"
                        else nbformat.v4.new_code_cell(source))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{Path(name).stem[:2]}-{i:02d}"
    return nb


def main() -> int:
    os.environ["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    wanted = sys.argv[1:] or list(NOTEBOOKS)
    for name in wanted:
        nb = build(name, NOTEBOOKS[name])
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(HERE)}}).execute()
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.metadata = {}
        nbformat.write(nb, HERE / name)
        print("wrote", HERE / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
