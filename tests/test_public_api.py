"""The public names: what ``__all__`` exports, and that a star import leaves the builtins alone."""

from __future__ import annotations

import builtins
import importlib
import pkgutil
from types import ModuleType

import pytest

import autograd
from autograd import Value

# ``autograd.math`` mirrors Python's ``math`` name for name (a drop-in), builtins such as ``pow``
# included, just as ``from math import *`` does; ``__main__`` runs the command line on import.
_SKIP = {"__main__", "math"}


def _modules() -> list[ModuleType]:
    mods: list[ModuleType] = [autograd]
    for info in pkgutil.iter_modules(autograd.__path__):
        if info.name not in _SKIP:
            mods.append(importlib.import_module(f"autograd.{info.name}"))
    return mods


@pytest.mark.parametrize("mod", _modules(), ids=lambda m: m.__name__)
def test_all_names_exist_and_none_shadows_a_builtin(mod: ModuleType) -> None:
    names = getattr(mod, "__all__", [])
    assert len(names) == len(set(names)), f"{mod.__name__}.__all__ lists a name twice"
    for name in names:
        assert hasattr(mod, name), f"{mod.__name__}.__all__ lists {name!r}, which is missing"
    shadowing = sorted(n for n in names if hasattr(builtins, n))
    assert not shadowing, f"from {mod.__name__} import * would replace builtins {shadowing}"


def test_star_import_keeps_builtin_sum_and_autograd_sum_still_works() -> None:
    namespace: dict[str, object] = {}
    exec("from autograd import *", namespace)  # a fixed string: the import under test
    assert "Value" in namespace and "grad" in namespace
    assert "sum" not in namespace
    assert sum([True, False, True]) == 2          # the accuracy idiom
    a, b = Value(1.0), Value(2.0)
    total = autograd.sum([a, b, 3])
    assert isinstance(total, Value) and total.data == 6.0
    total.backward()
    assert (a.grad, b.grad) == (1.0, 1.0)


def test_star_import_of_every_module_keeps_the_builtins() -> None:
    for mod in _modules():
        namespace: dict[str, object] = {}
        exec(f"from {mod.__name__} import *", namespace)
        clobbered = sorted(n for n in namespace if n != "__builtins__" and hasattr(builtins, n))
        assert not clobbered, f"from {mod.__name__} import * replaces {clobbered}"
