"""The cells of notebooks/04_gradient_checks.ipynb; ``python notebooks/build_notebooks.py 04_gradient_checks.ipynb`` rebuilds it."""

from __future__ import annotations

from cells import Cell, code, md

NAME = "04_gradient_checks.ipynb"

CELLS: list[Cell] = [
    md("""
# 4. Gradient checks

Reverse mode can be checked against the definition of the derivative: central finite differences
$\\big(f(x+\\epsilon) - f(x-\\epsilon)\\big)/2\\epsilon$. `gradcheck` does this for every input.
"""),
    code("""
import math
from autograd import Value, gradcheck, GradcheckError, grad

def f(x: Value, y: Value) -> Value:
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
def check_f(x: float, y: float) -> None:
    assert gradcheck(f, x, y)

check_f()
print("200 random points: every derivative agrees with finite differences")
"""),
    md("""
`autograd.testing.expressions()` draws random expression trees (with a point inside their domain),
to test the engine itself the same way:
"""),
    code("""
from autograd.testing import Expression, expressions

@settings(max_examples=100, deadline=None, database=None)
@given(expressions())
def check_engine(case: tuple[Expression, tuple[float, ...]]) -> None:
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

def g(x: Value, y: Value) -> Value:
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
def check_g(x: float, y: float) -> None:
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
