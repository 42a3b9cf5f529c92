"""The cells of notebooks/02_backprop_by_hand.ipynb; ``python notebooks/build_notebooks.py 02_backprop_by_hand.ipynb`` rebuilds it."""

from __future__ import annotations

from cells import Cell, code, md

NAME = "02_backprop_by_hand.ipynb"

CELLS: list[Cell] = [
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

def sigmoid(t: float) -> float:
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
    md("""
`explain` writes $\\partial L/\\partial w_1$ as a sum over paths of the product of the local
derivatives along each one. Nodes without a label go by the ids the drawing above shows in their
boxes (`#1`, `#2`, ...).
"""),
    code("""
e = explain(loss, P["w1"])
print(e)
"""),
    md("""
**Two paths, where the hand derivation had one.** The engine computes the loss from the logit as
$\\mathrm{softplus}(z_2) - y\\,z_2$, so $z_2$ is used twice: once by `softplus` (local derivative
$\\sigma(z_2) = \\hat y$) and once by `* 1` and then `-` (local derivatives $y$ and $-1$). The
two paths share every step from $w_1$ up to $z_2$ and part only after it. Adding the two tails
gives $\\hat y - y$: the single factor $\\partial L/\\partial z_2$ that the hand derivation found
because it simplified the formula first. Along a path the local derivatives multiply; across
paths they add.
"""),
    code("""
tails = []
for k, path in enumerate(e.paths, start=1):
    start = next(i for i, s in enumerate(path.steps) if s.source is Z2)
    tail = math.prod(s.local for s in path.steps[start:])
    tails.append(tail)
    factors = " * ".join(f"{s.local:.4g}" for s in path.steps[start:])
    print(f"path {k}, from z2 to L: {factors} = {tail:+.4f}")
print(f"sum of the two: {sum(tails):+.4f};  y_hat - y = {y_hat - y:+.4f}")
assert math.isclose(sum(tails), y_hat - y, rel_tol=1e-12)
"""),
    md("""
## One gradient-descent step

$w \\leftarrow w - \\eta\\,\\partial L/\\partial w$ for every weight, with learning rate $\\eta = 0.5$.
The loss falls.
"""),
    code("""
lr = 0.5
new = {name: p.data - lr * p.grad for name, p in P.items()}

def loss_at(p: dict[str, float]) -> float:
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

def full_loss(m: MLP) -> float:
    return binary_cross_entropy([m(xi) for xi in X], Y).data

def train(batch_size: int, epochs: int = 40, lr: float = 1.0) -> list[float]:
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
def input_grad(depth: int, activation: str) -> float:
    x = Value(0.5, label="x")
    h = x
    for _ in range(depth):
        h = getattr(h * 1.0 + 0.5, activation)()
    h.backward()
    return abs(x.grad)

depths = list(range(1, 31))
curves = {act: [input_grad(d, act) for d in depths] for act in ("sigmoid", "tanh", "relu")}
plt.figure(figsize=(6, 3.5))
for act, grads in curves.items():
    plt.semilogy(depths, grads, marker=".", label=act)
plt.xlabel("depth (layers)"); plt.ylabel("|dL/dx| (log scale)"); plt.legend(); plt.tight_layout()
plt.show()
print(f"depth 30: sigmoid {curves['sigmoid'][-1]:.2e}, relu {curves['relu'][-1]:.2e}")
assert curves["sigmoid"][-1] < 1e-15 and curves["relu"][-1] == 1.0
"""),
]
