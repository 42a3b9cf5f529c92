"""The workloads, their data, and the measuring tools (timing, memory, freeing).

Everything an engine sees is made here once, in pure Python with fixed seeds, and handed to every
adapter as plain floats: the two-moons data set and the MLP's initial weights for W1/W5, the
starting point of the chain (W2/W4), the factors of the wide sum (W3).

* W1 ``mlp``: MLP 2-16-16-1 (relu hidden, linear output) on 100 two-moons points; loss
  ``mean(relu(1 - y*score)) + 1e-4 * sum(p*p)``, full batch; a step is forward, backward, SGD
  update, zero grad. Seconds per step.
* W2 ``chain``: ``y = x``, then N times ``y = tanh(y * 1.01 + 0.1)``; backward.
* W3 ``wide``: the sum of N products ``a_i * b_i``, as a left fold (Python's ``sum()``) and as a
  pairwise tree; backward.
* W4 ``memory``: bytes per node of the W2 graph, and whether a dropped graph is freed by reference
  counting alone (cyclic collector off).
* W5 ``steady``: many W1 steps; memory stays flat and the step time does not grow.
* W6 ``digits``: one epoch of the 8x8 handwritten digits (``autograd.data.load_digits``, pixels
  / 16): MLP 64-32-10 (relu hidden, linear output), mean cross-entropy (``logsumexp(z) - z[t]``)
  over batches of 32 taken in order, plain SGD update after each. Seconds per epoch.

>>> xs, ys = make_moons(4, noise=0.1, seed=0)
>>> len(xs), sorted(set(ys))
(4, [-1.0, 1.0])
>>> pairwise_sum([1, 2, 3, 4, 5])
15
>>> len(init_params(seed=0)) == param_count()
True
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import math
import os
import random
import statistics
import time
import tracemalloc
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Adapter(Protocol):
    """What the measuring tools here need of an engine: the part of
    :class:`benchmarks.adapters.Adapter` they call (declared here so that this module, which
    the adapters import, does not import them back)."""

    @property
    def name(self) -> str: ...

    def mlp_init(self, params: Sequence[float], xs: Sequence[Sequence[float]],
                 ys: Sequence[float]) -> Any: ...

    def mlp_step(self, model: Any, lr: float) -> float: ...

    def chain_graph(self, x0: float, n: int) -> tuple[Any, Any]: ...

    def graph_nodes(self, output: Any) -> list[Any] | None: ...

    def count_nodes(self, output: Any, n: int) -> int: ...

#: Layer widths of the W1 model: 2 inputs, two hidden layers of 16, one output.
MLP_SIZES = (2, 16, 16, 1)
#: Learning rate of the plain SGD update in W1/W5.
LEARNING_RATE = 0.05
#: Starting point of the W2 chain.
CHAIN_X0 = 0.3
#: Layer widths of the W6 model: 64 pixels, 32 hidden, 10 classes.
DIGITS_SIZES = (64, 32, 10)
#: Samples per W6 batch, and the learning rate of its SGD update.
DIGITS_BATCH = 32
DIGITS_LR = 0.1


# ---------------------------------------------------------------------------------------------
# Data, made once
# ---------------------------------------------------------------------------------------------


def make_moons(n_samples: int, noise: float, seed: int) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles with Gaussian noise; labels -1.0 / +1.0 (for the hinge loss).

    Seeded and pure Python, so every engine and every run gets the very same points.
    """
    rng = random.Random(seed)
    n_top = n_samples // 2
    xs: list[list[float]] = []
    ys: list[float] = []
    for i in range(n_samples):
        top = i < n_top
        count = n_top if top else n_samples - n_top
        k = i if top else i - n_top
        angle = math.pi * k / max(count - 1, 1)
        if top:
            x, y = math.cos(angle), math.sin(angle)
        else:
            x, y = 1.0 - math.cos(angle), 0.5 - math.sin(angle)
        xs.append([x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)])
        ys.append(-1.0 if top else 1.0)
    return xs, ys


def param_count(sizes: Sequence[int] = MLP_SIZES) -> int:
    return sum((nin + 1) * nout for nin, nout in itertools.pairwise(sizes))


def init_params(seed: int, sizes: Sequence[int] = MLP_SIZES) -> list[float]:
    """Initial MLP parameters, flat, in the order layer, neuron, weights then bias.

    Weights uniform in [-1, 1] (as micrograd's demo), biases uniform in [-0.1, 0.1] so that the
    agreement check also sees bias gradients that are not all alike.
    """
    rng = random.Random(seed)
    params: list[float] = []
    for nin, nout in itertools.pairwise(sizes):
        for _ in range(nout):
            params.extend(rng.uniform(-1.0, 1.0) for _ in range(nin))
            params.append(rng.uniform(-0.1, 0.1))
    return params


def digits_data(n_samples: int) -> tuple[list[list[float]], list[int]]:
    """The first ``n_samples`` of the shipped handwritten digits, pixels scaled to [0, 1]."""
    from autograd.data import load_digits

    xs, ys = load_digits()
    return [[v / 16.0 for v in x] for x in xs[:n_samples]], ys[:n_samples]


def digits_params(seed: int, sizes: Sequence[int] = DIGITS_SIZES) -> list[float]:
    """Initial W6 parameters, flat in the order of :func:`init_params`: weights uniform in
    ``±sqrt(6 / fan_in)`` (He), biases uniform in [-0.1, 0.1]."""
    rng = random.Random(seed)
    params: list[float] = []
    for nin, nout in itertools.pairwise(sizes):
        a = math.sqrt(6.0 / nin)
        for _ in range(nout):
            params.extend(rng.uniform(-a, a) for _ in range(nin))
            params.append(rng.uniform(-0.1, 0.1))
    return params


def wide_factors(n: int, seed: int) -> tuple[list[float], list[float]]:
    rng = random.Random(seed)
    return [rng.uniform(-1.0, 1.0) for _ in range(n)], [rng.uniform(-1.0, 1.0) for _ in range(n)]


def pairwise_sum(terms: Sequence[T]) -> T:
    """Sums ``terms`` as a balanced tree of additions (any type with ``+``)."""
    level: list[Any] = list(terms)
    if not level:
        raise ValueError("pairwise_sum needs at least one term")
    while len(level) > 1:
        paired = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    result: T = level[0]
    return result


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------


def time_call(fn: Callable[[], object]) -> float:
    """Seconds one call of ``fn`` takes, after collecting earlier garbage (not timed)."""
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs)


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _load_libc() -> Any:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        return libc
    except (OSError, AttributeError):
        return None


_LIBC = _load_libc()


def c_heap_bytes() -> int | None:
    """Bytes in use in the C heap (glibc ``mallinfo2``), where PyTorch keeps its graph.

    tracemalloc sees only Python's allocations; this sees malloc's. None where unavailable.
    """
    if _LIBC is None:
        return None
    info = _LIBC.mallinfo2()
    return int(info.uordblks + info.hblkhd)


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def peak_rss_growth(fn: Callable[[], object]) -> float | None:
    """MiB the resident set grew to at its peak while ``fn`` ran (Linux; None elsewhere).

    The peak counter is reset first (``/proc/self/clear_refs``), after collecting garbage and
    returning free heap memory to the system. Approximate: memory freed earlier but kept by the
    allocators can be reused and is then not counted.
    """
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        return None
    before = _status_kib("VmRSS")
    fn()
    peak = _status_kib("VmHWM")
    if before is None or peak is None:
        return None
    return max(peak - before, 0) / 1024.0


def graph_memory(adapter: Adapter, n: int) -> dict[str, Any]:
    """W4: what the W2 graph of length ``n`` costs, and whether dropping it frees it.

    With the cyclic garbage collector off: build the graph (forward only) under tracemalloc and
    glibc's counters; count nodes; keep weak references to every node object the engine exposes;
    drop the graph; see how many nodes and bytes reference counting alone gave back. Then run the
    collector and see what it finds.
    """
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    tracemalloc.start()
    try:
        heap0 = c_heap_bytes()
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        out, leaf = adapter.chain_graph(CHAIN_X0, n)
        cur, peak = tracemalloc.get_traced_memory()
        heap1 = c_heap_bytes()
        retained = cur - base
        if heap0 is not None and heap1 is not None and adapter.name == "torch":
            retained += heap1 - heap0
        # Count nodes and take weak references: the walk's temporaries are dropped before the
        # next reading, the weak references themselves stay (and are not graph memory).
        nodes = adapter.graph_nodes(out)
        count = adapter.count_nodes(out, n) if nodes is None else len(nodes)
        refs = None if nodes is None else [weakref.ref(v) for v in nodes]
        del nodes
        with_refs, _ = tracemalloc.get_traced_memory()
        heap_with_refs = c_heap_bytes()
        del out, leaf
        after_drop, _ = tracemalloc.get_traced_memory()
        heap_after = c_heap_bytes()
        freed = with_refs - after_drop
        if heap_with_refs is not None and heap_after is not None and adapter.name == "torch":
            freed += heap_with_refs - heap_after
        alive_after_drop = None if refs is None else sum(r() is not None for r in refs)
        gc.collect()
        alive_after_gc = None if refs is None else sum(r() is not None for r in refs)
    finally:
        tracemalloc.stop()
        if was_enabled:
            gc.enable()
    result: dict[str, Any] = {
        "n": n,
        "nodes": count,
        "retained_bytes": retained,
        "peak_bytes": peak - base,
        "bytes_per_node": retained / count if count else None,
        "bytes_per_step": retained / n if n else None,
        "freed_bytes_fraction": (freed / retained) if retained > 0 else None,
        "nodes_tracked": None if refs is None else len(refs),
        "nodes_alive_after_drop": alive_after_drop,
        "nodes_alive_after_gc": alive_after_gc,
    }
    if refs is not None and refs:
        result["freed_nodes_fraction"] = 1.0 - alive_after_drop / len(refs)  # type: ignore[operator]
    else:
        result["freed_nodes_fraction"] = None
    return result



def steady_state(adapter: Adapter, params: Sequence[float], xs: Sequence[Sequence[float]],
                 ys: Sequence[float], steps: int, window: int = 20) -> dict[str, Any]:
    """W5: ``steps`` training steps; the first window of steps against the last.

    tracemalloc runs only during the two windows (it slows every step several times over), and
    gives each window's peak. Between the windows, growth would show in the number of objects
    the cyclic collector tracks and in the resident set size, both read after each window.
    """
    window = max(1, min(window, steps // 2))
    model = adapter.mlp_init(params, xs, ys)
    gc.collect()
    times: list[float] = []
    peaks: list[int] = []
    tracked: list[int] = []
    rss: list[int | None] = []
    for start_step in (0, steps - window):
        while len(times) < start_step:  # the untraced middle
            start = time.perf_counter()
            adapter.mlp_step(model, LEARNING_RATE)
            times.append(time.perf_counter() - start)
        heap0 = c_heap_bytes() or 0
        tracemalloc.start()
        try:
            for _ in range(window):
                start = time.perf_counter()
                adapter.mlp_step(model, LEARNING_RATE)
                times.append(time.perf_counter() - start)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        heap = (c_heap_bytes() or 0) - heap0 if adapter.name == "torch" else 0
        peaks.append(peak + max(heap, 0))
        tracked.append(len(gc.get_objects()))
        rss.append(_status_kib("VmRSS"))
    first = median(times[:window])
    last = median(times[-window:])
    return {
        "steps": steps,
        "window": window,
        "peak_first_bytes": peaks[0],
        "peak_last_bytes": peaks[1],
        "peak_ratio": peaks[1] / peaks[0] if peaks[0] else None,
        "tracked_objects_after_first_window": tracked[0],
        "tracked_objects_at_end": tracked[1],
        "rss_kib_after_first_window": rss[0],
        "rss_kib_end": rss[1],
        "step_time_first": first,
        "step_time_last": last,
        "step_time_ratio": last / first if first else None,
        "pid": os.getpid(),
    }
