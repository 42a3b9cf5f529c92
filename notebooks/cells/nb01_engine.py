"""The cells of notebooks/01_engine.ipynb; ``python notebooks/build_notebooks.py 01_engine.ipynb`` rebuilds it."""

from __future__ import annotations

from cells import Cell, code, md

NAME = "01_engine.ipynb"

CELLS: list[Cell] = [
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

Each value is a box (name, data, grad): the name is its label, or an id such as `#1` for a value
without one, the names `explain` and `trace_backward` use too. Each operation is an oval; **every arrow into an operation
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
    md("""
Any step can be drawn: `t.draw(k)` is row `k` of the table. The node in red has just sent its
gradient down the red arrows; the boxes show the gradients gathered so far (`t.draw(0)` is the
start).
"""),
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
    md("""
## Watch it: the backprop player

A recorded trace shows as a player: the forward pass first, one value per step, then the
backward pass, one node per step. At each backward step the lit node (red) has its upstream
gradient, each arrow into its op shows *local derivative × upstream = contribution*, the parents
that receive are green, and every box shows its running `.grad`. Click the player, then use
← and →, space to play, or the buttons and the slider. (Where scripts do not run, as on
GitHub, it shows its last step as a still drawing.)
"""),
    code("""
t
"""),
    md("""
The same player as a page of its own, with no network needed to open it:
`autograd.viz.to_html(o)` returns the HTML (it leaves every `.grad` as it was), and from the
command line `python -m autograd graph "tanh(x1*w1 + x2*w2 + b)" x1=2 x2=0 w1=-3 w2=1 b=6.88
-o page.html` writes it; `page.html#step=12` opens it at step 12.
"""),
    code("""
from autograd.viz import to_html
page = to_html(o)
print(f"{len(page):,} characters, starting {page[:15]!r}")
"""),
]
