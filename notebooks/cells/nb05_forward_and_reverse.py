"""The cells of notebooks/05_forward_and_reverse.ipynb; ``python notebooks/build_notebooks.py 05_forward_and_reverse.ipynb`` rebuilds it."""

from __future__ import annotations

from cells import Cell, code, md

NAME = "05_forward_and_reverse.ipynb"

CELLS: list[Cell] = [
    md("""
# 5. Forward mode and reverse mode

Every node of a graph stores the local derivative of itself with respect to each parent
(`local_grads`). The chain rule can be applied to those numbers in two directions:

* **forward mode** starts at one input and carries, beside every value, its *tangent*: how fast
  the value moves when that input moves. A node's tangent is
  $\\dot v = \\sum_i \\frac{\\partial v}{\\partial p_i}\\,\\dot p_i$, computed from its parents' tangents,
  so one sweep from the inputs to the output gives **d output / d that input** (for every output).
* **reverse mode** (backprop) starts at the output and carries $\\bar v = \\partial L / \\partial v$
  back to every input: one sweep gives **d output / d every input**.

Both read the very same `local_grads`, the partials of the op table. This notebook shows the first
on a neuron, then measures why training uses the second.
"""),
    md("""
## A neuron, with dual numbers

$o = \\tanh(x_1 w_1 + x_2 w_2 + b)$. We seed the tangent of $w_1$ with 1 (every other input 0) and
walk the nodes in the order they were made, each getting
`tangent = sum(local_grad * tangent of parent)`. That is all forward mode is: arithmetic on pairs
(value, tangent), known as dual numbers $v + \\dot v\\,\\varepsilon$ with $\\varepsilon^2 = 0$.
"""),
    code("""
from autograd import Value, topological_order, jvp, grad
from autograd.viz import draw_dot

x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
b = Value(6.8813735870195432, label="b")
x1w1 = x1 * w1; x1w1.label = "x1*w1"
x2w2 = x2 * w2; x2w2.label = "x2*w2"
s = x1w1 + x2w2; s.label = "x1*w1+x2*w2"
pre = s + b; pre.label = "n"
o = pre.tanh(); o.label = "o"

tangent: dict[Value, float] = {w1: 1.0}               # the seed: d w1 / d w1 = 1
print(f"{'node':8} {'op':5} {'value':>9}  {'local grads':24} {'tangent':>9}")
for node in reversed(topological_order(o)):           # parents before children
    if node.parents:
        tangent[node] = sum(d * tangent.get(p, 0.0) for p, d in zip(node.parents, node.local_grads))
    locals_ = ", ".join(f"{d:.4g}" for d in node.local_grads)
    name = node.label or f"({node.op})"
    print(f"{name:8} {node.op:5} {node.data:9.4f}  {locals_:24} {tangent.get(node, 0.0):9.4f}")
"""),
    md("""
The tangent of `o` is $\\partial o / \\partial w_1$. The drawing shows each value with its tangent
(in the label, `t=`), and the gradients that one backward pass gives (`grad`): the tangent of `o`
equals `w1.grad`, but forward mode gave us *only* that one derivative, while backward gave all five.
"""),
    code("""
for node, t in tangent.items():
    node.label = f"{node.label} t={t:.4g}"
o.backward()
print("forward mode:  do/dw1 =", round(tangent[o], 6))
print("reverse mode:  do/dw1 =", round(w1.grad, 6), " and also do/dx1, do/dx2, do/dw2, do/db =",
      [round(v.grad, 4) for v in (x1, x2, w2, b)])
draw_dot(o)
"""),
    md("""
`autograd.jvp` does the same for any function, in **one pass**: while `f` runs, each node gets its
tangent the moment it is made, from its parents' tangents, so there is no walk afterwards and,
when nothing else differentiates the result, no graph is kept at all (memory stays flat however
long `f` runs). `jvp(f, primals, tangents)` returns $f(x)$ and the directional derivative
$J_f(x)\\,t$. With $t = e_i$ it is the $i$-th partial.
"""),
    code("""
def neuron(x1: Value, x2: Value, w1: Value, w2: Value, b: Value) -> Value:
    return (x1 * w1 + x2 * w2 + b).tanh()

point = (2.0, 0.0, -3.0, 1.0, 6.8813735870195432)
value, dw1 = jvp(neuron, point, (0.0, 0.0, 1.0, 0.0, 0.0))
print(value, dw1)
print(grad(neuron, argnums=(0, 1, 2, 3, 4))(*point))
"""),
    md("""
## What a full gradient costs

For $f: \\mathbb{R}^n \\to \\mathbb{R}$ forward mode needs **n** passes (one run of $f$ per input
direction $e_i$) to get the gradient; reverse mode needs **one** run of $f$ and one backward
sweep, whatever n is. Below,
$f(x) = \\sum_i \\tanh(c_i x_i) \\cdot \\sin(x_{i+1})$, a small function with about $4n$ nodes; we time the
full gradient both ways for n = 1 to 256 (best of 3 runs each). Our graphs have no reference
cycles, so, as the README suggests for long loops, we take the objects alive now out of the cyclic
garbage collector's way (`gc.freeze()`) so that its pauses do not blur the timings.
"""),
    code("""
import gc, math, time
from collections.abc import Callable
from typing import Any
import matplotlib.pyplot as plt

gc.collect(); gc.freeze()

def make_f(n: int) -> Callable[..., Value]:
    cs = [0.5 + 0.01 * i for i in range(n)]
    def f(*xs: Value) -> Value:
        total = Value(0.0)
        for i in range(n):
            total = total + (xs[i] * cs[i]).tanh() * xs[(i + 1) % n].sin()
        return total
    return f

def forward_gradient(f: Callable[..., Value], xs: tuple[float, ...]) -> list[Any]:
    n = len(xs)
    return [jvp(f, xs, tuple(float(k == i) for k in range(n)))[1] for i in range(n)]

def reverse_gradient(f: Callable[..., Value], xs: tuple[float, ...]) -> Any:
    return grad(f, argnums=tuple(range(len(xs))))(*xs)

def best_of(fn: Callable[[], Any], repeats: int = 3) -> float:
    times: list[float] = []
    for _ in range(repeats):
        t0 = time.perf_counter(); fn(); times.append(time.perf_counter() - t0)
    return min(times)

sizes = [1, 2, 4, 8, 16, 32, 64, 128, 256]
fwd_times: list[float] = []
rev_times: list[float] = []
for n in sizes:
    f = make_f(n)
    xs = tuple(0.1 * i - 1.0 for i in range(n))
    fwd, rev = forward_gradient(f, xs), reverse_gradient(f, xs)
    assert all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) for a, b in zip(fwd, rev))
    fwd_times.append(best_of(lambda: forward_gradient(f, xs)))
    rev_times.append(best_of(lambda: reverse_gradient(f, xs)))

print(f"{'n':>4} {'forward (n jvps)':>18} {'reverse (1 grad)':>18} {'ratio':>7}")
for n, tf, tr in zip(sizes, fwd_times, rev_times):
    print(f"{n:4d} {tf * 1e3:15.3f} ms {tr * 1e3:15.3f} ms {tf / tr:7.1f}")
overtakes = next((n for n, tf, tr in zip(sizes, fwd_times, rev_times) if tr < tf), None)
print("reverse mode is faster from n =", overtakes)
"""),
    code("""
fig, ax = plt.subplots(figsize=(6.5, 4))
ax.loglog(sizes, [t * 1e3 for t in fwd_times], "o-", label="forward mode: n jvp passes")
ax.loglog(sizes, [t * 1e3 for t in rev_times], "s-", label="reverse mode: 1 grad pass")
ax.set_xlabel("n (number of inputs)"); ax.set_ylabel("time for the full gradient (ms)")
ax.set_title("Gradient of f: R^n -> R")
ax.grid(True, which="both", alpha=0.3); ax.legend(); fig.tight_layout()
plt.show()
"""),
    md("""
At n = 1 both run $f$ once and cost about the same; from there forward mode grows like $n^2$
(n runs of $f$, about $4n$ nodes each) and reverse mode like $n$. (These are
wall-clock times on a shared machine: single points jump, the trend does not.) A network has thousands of weights and one loss: that is why training uses reverse mode. Forward
mode wins the other way round, for few inputs and many outputs, and it is the cheap way to get a
derivative *along one direction*, as the next section uses.

For one pass of each on the same function (n = 64), one `jvp` (one direction) against one `grad`
(all 64 partials):
"""),
    code("""
f64 = make_f(64)
xs64 = tuple(0.1 * i - 1.0 for i in range(64))
e0 = (1.0,) + (0.0,) * 63
t_jvp = best_of(lambda: jvp(f64, xs64, e0), repeats=20)
t_grad = best_of(lambda: reverse_gradient(f64, xs64), repeats=20)
print(f"one jvp: {t_jvp * 1e3:.3f} ms   one grad: {t_grad * 1e3:.3f} ms   jvp / grad = {t_jvp / t_grad:.2f}")
"""),
    md("""
## Hessian-vector products without the Hessian

`hvp(f)(x, v)` is $H(x)\\,v$: forward mode over reverse mode, the directional derivative of the
gradient along $v$. It costs a few gradients, where `hessian` builds all $n^2$ entries.
"""),
    code("""
from autograd import dot, hessian, hvp, sum as vsum

def make_dense(n: int) -> Callable[..., Value]:
    # every input meets every other: tanh(sum_i c_i x_i) * sum_i sin(x_i)
    cs = [0.5 + 0.01 * i for i in range(n)]
    def f(*xs: Value) -> Value:
        return dot(list(xs), cs, Value(0.0)).tanh() * vsum([x.sin() for x in xs])
    return f

n = 64
f = make_dense(n)
xs = tuple(0.1 * i - 1.0 for i in range(n))
v = tuple(math.cos(i) for i in range(n))

Hv = hvp(f)(xs, v)
H = hessian(f)(*xs)
H_v = [sum(H[i][j] * v[j] for j in range(n)) for i in range(n)]
print("largest difference between hvp and hessian @ v:", max(abs(a - b) for a, b in zip(Hv, H_v)))
t_hvp = best_of(lambda: hvp(f)(xs, v))
t_hess = best_of(lambda: hessian(f)(*xs))
print(f"n = {n}:  hvp {t_hvp * 1e3:.1f} ms,  the full hessian {t_hess * 1e3:.1f} ms")
"""),
    md("""
## Your own op, with forward mode for free

`custom_op` declares an op once, as the built-in table does: a function on floats and its local
partials in terms of the inputs and `out`. Here the "smooth absolute value"
$\\sqrt{x^2 + 1}$, whose derivative is $x / \\text{out}$. Written with arithmetic only, the rule also
serves second derivatives and forward mode; the op shows up in drawings like a built-in one, and
`check_op` tests it against finite differences.
"""),
    code("""
from autograd import custom_op
from autograd.testing import check_op

@custom_op(partials=lambda x, out: (x / out,), maths="d/dx = x / out")
def smooth_abs(x: float) -> float:
    return math.sqrt(x * x + 1.0)

x = Value(0.75, label="x")
y = smooth_abs(x * 2.0); y.label = "y"
y.backward()
print("dy/dx:", x.grad, "  jvp:", jvp(lambda x: smooth_abs(x * 2.0), (0.75,), (1.0,))[1])
print("second derivative:", grad(grad(lambda x: smooth_abs(x * 2.0)))(0.75))
print("check_op:", check_op(smooth_abs, domain=(-5.0, 5.0)))
draw_dot(y)
"""),
]
