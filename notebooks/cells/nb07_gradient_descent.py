"""The cells of notebooks/07_gradient_descent.ipynb; ``python notebooks/build_notebooks.py 07_gradient_descent.ipynb`` rebuilds it."""

from __future__ import annotations

from cells import Cell, code, md

NAME = "07_gradient_descent.ipynb"

CELLS: list[Cell] = [
    md("""
# 7. Gradient descent: the update rule, the gradient as a direction, the learning rate

Backprop gives the gradient; this notebook is about what training does with it.

1. **The sign rule** on one weight: a positive dL/dw means that increasing `w` increases the
   loss, so `w` goes down; a negative one means it goes up. `w ← w − lr · dL/dw` does both.
2. **The gradient** of a loss of two parameters is the vector of its two partials. It points
   up the steepest slope of the loss surface, at right angles to the contour lines; gradient
   descent walks the other way.
3. **The learning rate**: too small crawls, about right converges, too large overshoots the
   valley further at every step and diverges.

Every derivative here comes from the engine (`value_and_grad`, `hessian`).
"""),
    code("""
import math
from typing import TypeVar

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from autograd import Value, grad, value_and_grad, hessian

# The losses below take plain floats, or Values when the engine differentiates them.
Scalar = TypeVar("Scalar", float, Value)
"""),
    md("""
## 1. The sign rule on a single weight

A one-weight model `pred = w * x` fitted to one example `(x, y) = (2, 6)` with the squared error
$L(w) = (w x - y)^2$. The best weight is 3. Left of it the slope is negative, right of it
positive, and the update moves `w` against the slope's sign, towards 3, from either side.
"""),
    code("""
x, y = 2.0, 6.0
def loss_one(w: Scalar) -> Scalar:
    return (w * x - y) ** 2

dL = grad(loss_one)
lr = 0.05
print(" w      dL/dw     update -lr*dL/dw   new w   loss before -> after")
for w in (1.0, 2.5, 4.0, 5.0):
    g = dL(w)
    new = w - lr * g
    direction = "up  " if g < 0 else "down"
    print(f"{w:4.1f}  {g:+8.2f}   {-lr * g:+8.2f} ({direction})   {new:5.2f}   "
          f"{loss_one(w):6.2f} -> {loss_one(new):6.2f}")
"""),
    code("""
ws = [0.5 + 5.0 * i / 200 for i in range(201)]
fig, ax = plt.subplots(figsize=(6.5, 3.6))
ax.plot(ws, [loss_one(w) for w in ws], color="black", lw=1.5, label="L(w) = (2w - 6)^2")
for w, colour in ((1.0, "tab:blue"), (5.0, "tab:red")):
    L, g = value_and_grad(loss_one)(w)
    ts = [w - 0.6, w + 0.6]
    ax.plot(ts, [L + g * (t - w) for t in ts], color=colour, lw=2,
            label=f"slope at w={w:g}: dL/dw = {g:+g}")
    new = w - lr * g
    ax.annotate("", xy=(new, loss_one(new)), xytext=(w, L),
                arrowprops=dict(arrowstyle="->", color=colour, lw=2))
    ax.text(w, L + 1.2, "increase w" if g < 0 else "decrease w", color=colour, ha="center")
ax.axvline(3.0, color="gray", ls=":", lw=1)
ax.set_xlabel("w"); ax.set_ylabel("loss"); ax.set_ylim(-1, 20)
ax.set_title("w <- w - lr * dL/dw moves against the slope's sign")
ax.legend(loc="upper center", fontsize=8); fig.tight_layout(); plt.show()
"""),
    md("""
## 2. A loss of two parameters, and its gradient

Fit a line `w * x + b` to five points by the mean squared error. The loss is a bowl over the
`(w, b)` plane, stretched along one direction. The engine's gradient at each point of a grid is
drawn as an arrow: each arrow is at right angles to the contour through its foot and points
**uphill**, the steepest-ascent direction. Descent goes the opposite way.
"""),
    code("""
xs = [-1.0, 0.0, 1.0, 2.0, 3.0]
ys = [-1.2, 1.1, 2.9, 5.2, 6.8]          # about y = 2x + 1

def loss(w: Scalar, b: Scalar) -> Scalar:
    # (the ignore: the builtin sum() is typed as possibly returning its start, 0)
    return sum((w * xi + b - yi) ** 2 for xi, yi in zip(xs, ys)) / len(xs)  # type: ignore[return-value]

loss_and_grad = value_and_grad(loss, argnums=(0, 1))
print("L(0, 0) =", round(loss(0.0, 0.0), 4), "  gradient (dL/dw, dL/db) =",
      tuple(round(g, 4) for g in loss_and_grad(0.0, 0.0)[1]))
"""),
    code("""
W = [-1.0 + 5.0 * i / 80 for i in range(81)]
B = [-2.5 + 6.0 * j / 80 for j in range(81)]
Z = [[loss(w, b) for w in W] for b in B]
levels = [0.1, 0.3, 1, 2, 4, 8, 16, 32, 64]

def surface(ax: Axes) -> None:
    cs = ax.contour(W, B, Z, levels=levels, cmap="viridis", linewidths=1)
    ax.clabel(cs, fontsize=7, fmt="%g")
    ax.set_xlabel("w"); ax.set_ylabel("b"); ax.set_aspect("equal")

fig, ax = plt.subplots(figsize=(6, 6))
surface(ax)
grid_w = [-0.5 + 4.0 * i / 7 for i in range(8)]
grid_b = [-2.0 + 5.0 * j / 7 for j in range(8)]
for w in grid_w:
    for b in grid_b:
        gw, gb = loss_and_grad(w, b)[1]
        size = math.hypot(gw, gb)
        ax.arrow(w, b, 0.25 * gw / size, 0.25 * gb / size, head_width=0.07,
                 color="tab:red", length_includes_head=True)
ax.set_title("contours of L(w, b); arrows: the gradient's direction (uphill)")
fig.tight_layout(); plt.show()
"""),
    md("""
## 3. Three learning rates

How large a step can be is set by the curvature: along the steepest direction of the bowl the
loss curves with the largest eigenvalue $\\lambda_{max}$ of the Hessian, and gradient descent on
a quadratic diverges once `lr` > $2 / \\lambda_{max}$. The engine gives the Hessian.
"""),
    code("""
H = hessian(loss)(0.0, 0.0)             # constant for a quadratic loss
(a, c), (_, d) = H
mid, half = (a + d) / 2, math.sqrt(((a - d) / 2) ** 2 + c * c)
lam_max, lam_min = mid + half, mid - half
print("Hessian:", [[round(v, 3) for v in row] for row in H])
print(f"eigenvalues {lam_max:.3f} and {lam_min:.3f}: descent diverges for lr > {2 / lam_max:.3f}")
"""),
    code("""
def descend(lr: float, steps: int = 25,
            start: tuple[float, float] = (-0.5, -2.0)) -> list[tuple[float, float]]:
    w, b = start
    path = [(w, b)]
    for _ in range(steps):
        gw, gb = loss_and_grad(w, b)[1]
        w, b = w - lr * gw, b - lr * gb
        path.append((w, b))
    return path

runs = {"too small (lr = 0.02)": (0.02, "tab:blue"),
        "about right (lr = 0.2)": (0.2, "tab:green"),
        f"too large (lr = 0.3 > {2 / lam_max:.3f})": (0.3, "tab:red")}
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 5.2))
surface(ax)
for name, (lr, colour) in runs.items():
    path = descend(lr)
    shown = path[:5] if lr > 2 / lam_max else path  # the diverging path soon leaves the frame
    ax.plot([p[0] for p in shown], [p[1] for p in shown], "o-", ms=3, color=colour,
            label=name + (" (first 4 steps)" if shown is not path else ""))
    ax2.semilogy([loss(*p) for p in path], "o-", ms=3, color=colour, label=name)
ax.set_xlim(-1.0, 4.0); ax.set_ylim(-2.5, 3.5)
ax.set_title("25 steps of gradient descent from (-0.5, -2)"); ax.legend(fontsize=8)
ax2.set_xlabel("step"); ax2.set_ylabel("loss (log scale)"); ax2.legend(fontsize=8)
ax2.set_title("loss at each step")
fig.tight_layout(); plt.show()
for name, (lr, colour) in runs.items():
    w, b = descend(lr)[-1]
    print(f"{name:32s} ends at w = {w:8.3f}, b = {b:8.3f}, loss {loss(w, b):.4g}")
"""),
    md("""
The small rate follows the gradient faithfully but barely leaves the steep wall in 25 steps;
the right one zigzags a little across the valley and settles; the large one overshoots the
valley by more each time (the loss grows at every step) and would go to infinity.
"""),
]
