"""autograd: a scalar reverse-mode automatic-differentiation engine, small enough to read.

>>> from autograd import Value
>>> a, b = Value(2.0), Value(-3.0)
>>> c = a * b + b ** 2
>>> c.backward()
>>> (c.data, a.grad, b.grad)
(3.0, -3.0, -4.0)
"""

# First: a Ctrl-C while `python -m autograd` imports the package ends with one line, exit 1.
from . import startup as _startup  # isort: skip

# The submodules of the public contract come with ``import autograd`` (``autograd.testing``,
# which needs hypothesis, is imported on demand).
from . import data, math, nn, optim, trace, viz
from . import numpy_dispatch as numpy_dispatch  # gives Value its __array_ufunc__ (np.sin(v))
from .collector import gc_paused
from .compiler import compile as compile  # public as autograd.compile, kept out of __all__
from .custom import custom_op
from .engine import (
    Value,
    dot,
    enable_grad,
    is_grad_enabled,
    logsumexp,
    no_grad,
    topological_order,
)
from .engine import sum as sum  # public as autograd.sum, kept out of __all__ (see below)
from .explain import explain
from .forward import hvp, jacobian, jvp, vjp
from .functional import grad, hessian, value_and_grad
from .functions import atan2, clamp, hypot, maximum, minimum
from .gradcheck import GradcheckError, gradcheck

__version__ = "0.1.0"

# ``sum`` and ``compile`` are imported above (``autograd.sum``, ``autograd.compile`` work) but not
# listed: ``from autograd import *`` must not replace the builtins ``sum`` (``sum([True, False])``,
# an accuracy count, still works) and ``compile``.
__all__ = [
    "data",
    "nn",
    "optim",
    "trace",
    "viz",
    "Value",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "grad",
    "value_and_grad",
    "hessian",
    "jvp",
    "vjp",
    "jacobian",
    "hvp",
    "custom_op",
    "gradcheck",
    "GradcheckError",
    "topological_order",
    "dot",
    "logsumexp",
    "explain",
    "gc_paused",
    "math",
    "atan2",
    "hypot",
    "maximum",
    "minimum",
    "clamp",
]

_startup.end()  # the package is in: the command line's own handler takes over
