"""Checking reverse-mode derivatives against central finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .engine import Value, as_float, no_grad
from .functional import value_and_grad

__all__ = ["gradcheck", "GradcheckError", "numerical_grad"]


class GradcheckError(AssertionError):
    """Raised by :func:`gradcheck` when an analytic derivative disagrees with the numeric one.

    ``rows`` holds one ``(index, input, analytic, numeric, ok)`` tuple per input.
    """

    def __init__(self, message: str, rows: list[tuple[int, float, float, float, bool]]) -> None:
        super().__init__(message)
        self.rows = rows


def _evaluate(f: Callable[..., Any], args: list[float]) -> float:
    with no_grad():
        out = f(*(Value(a) for a in args))
    return out.data if isinstance(out, Value) else as_float(out, "f's result")


def _step(eps: object) -> float:
    """``eps`` as a float, refused unless it is finite and > 0."""
    value = as_float(eps, "eps")
    if not (math.isfinite(value) and value > 0.0):
        raise ValueError(f"eps must be a finite number > 0, got {value!r}; try eps=1e-6")
    return value


def _tolerance(value: object, name: str) -> float:
    """A tolerance as a float, refused unless it is finite and >= 0."""
    result = as_float(value, name)
    if not (math.isfinite(result) and result >= 0.0):
        raise ValueError(f"{name} must be a finite number >= 0, got {result!r}")
    return result


def numerical_grad(f: Callable[..., Any], *args: float, eps: float = 1e-6) -> list[float]:
    """Central differences ``(f(x + eps) - f(x - eps)) / (2 eps)`` for each argument in turn.

    ``eps`` must be finite and > 0 (``ValueError`` otherwise).
    """
    eps = _step(eps)
    point = [as_float(a.data if isinstance(a, Value) else a, f"argument {i}")
             for i, a in enumerate(args)]
    result = []
    for i in range(len(point)):
        up = list(point)
        down = list(point)
        up[i] += eps
        down[i] -= eps
        result.append((_evaluate(f, up) - _evaluate(f, down)) / (2.0 * eps))
    return result


def gradcheck(
    f: Callable[..., Any],
    *args: float | Value,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Compares each partial derivative of ``f`` at ``args`` with central finite differences.

    Passes where ``|analytic - numeric| <= atol + rtol * |numeric|`` for every input. Returns True,
    or raises :class:`GradcheckError` listing every input's analytic and numeric derivative.
    ``eps`` must be finite and > 0, ``atol`` and ``rtol`` finite and >= 0: anything else (an
    infinite step would report nan mismatches) raises ``ValueError`` before ``f`` is called.

    >>> gradcheck(lambda x, y: (x * y).tanh() + x ** 3, 1.0, 2.0)
    True
    """
    eps = _step(eps)
    atol = _tolerance(atol, "atol")
    rtol = _tolerance(rtol, "rtol")
    if not args:
        raise ValueError("gradcheck needs at least one argument to differentiate")
    point = [as_float(a.data if isinstance(a, Value) else a, f"argument {i}")
             for i, a in enumerate(args)]
    _, analytic = value_and_grad(f, argnums=tuple(range(len(point))))(*point)
    numeric = numerical_grad(f, *point, eps=eps)
    rows = []
    for i, (x, a, n) in enumerate(zip(point, analytic, numeric)):
        ok = math.isclose(a, n, rel_tol=0.0, abs_tol=atol + rtol * abs(n)) or a == n
        rows.append((i, x, float(a), n, ok))
    if all(row[4] for row in rows):
        return True
    lines = [f"gradcheck failed (eps={eps}, atol={atol}, rtol={rtol}):"]
    for i, x, a, n, ok in rows:
        mark = "ok" if ok else "MISMATCH"
        lines.append(
            f"  input {i} (= {x!r}): analytic {a!r}, numeric {n!r}, "
            f"difference {abs(a - n):.3g}  {mark}"
        )
    raise GradcheckError("\n".join(lines), rows)
