"""Runs every workload on every installed engine and prints a markdown table of medians.

    python -m benchmarks.run                     # the full run (several minutes on 2 cores)
    python -m benchmarks.run --quick             # a smoke test, well under a minute
    python -m benchmarks.run --engines autograd floor --workloads mlp chain
    python -m benchmarks.run --json out.json --write-results benchmarks/RESULTS.md

Before timing anything, every engine must agree with the plain-float reference (the loss and all
gradients of W1's first step, the W2 chain's output and input gradient, the W3 sums and all their
input gradients) to a relative 1e-9; otherwise the run stops and says who disagreed where.
Engines alternate inside each repetition (A B C D A B C D ...) so that drifts in machine load hit
all of them alike; the tables show medians.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .adapters import ADAPTERS, Adapter, available_adapters
from .workloads import (
    CHAIN_X0,
    DIGITS_BATCH,
    DIGITS_LR,
    LEARNING_RATE,
    digits_data,
    digits_params,
    graph_memory,
    init_params,
    make_moons,
    median,
    peak_rss_growth,
    steady_state,
    time_call,
    wide_factors,
)

WORKLOADS = ("mlp", "chain", "wide", "memory", "steady", "digits")
WORKLOAD_IDS = {"mlp": "W1", "chain": "W2", "wide": "W3", "memory": "W4", "steady": "W5",
                "digits": "W6"}
SLOW_ENGINES = ("micrograd", "torch")
RTOL = 1e-9


@dataclass
class Config:
    """Sizes and repetitions. ``Config.full()`` and ``Config.quick()`` are the two presets."""

    samples: int = 100
    steps: int = 20
    repeats: int = 3
    chain_sizes: tuple[int, ...] = (1_000, 100_000, 1_000_000)
    wide_n: int = 100_000
    memory_n: int = 100_000
    steady_steps: int = 1_000
    #: W5 steps for micrograd and torch (1,000 of theirs would take 10 to 25 minutes).
    steady_steps_slow: int = 40
    #: Longest chain micrograd is given (about 1 kB per node; 1,000,000 would need ~5 GB).
    micrograd_chain_max: int = 100_000
    #: Chains at least this long are timed once for torch (tens of seconds each).
    torch_chain_once: int = 1_000_000
    data_seed: int = 0
    param_seed: int = 1
    wide_seed: int = 2
    check_chain_n: int = 50
    check_wide_n: int = 200
    #: Samples in the batch whose W6 loss and gradients are checked.
    check_digits_n: int = 8
    #: W6: one epoch is this many digits (56 batches of 32) ...
    digits_samples: int = 1_792
    digits_batch: int = DIGITS_BATCH
    #: ... but micrograd and torch run this many batches of it, and the time is scaled up to the
    #: whole epoch (one of their epochs takes minutes).
    digits_batches_slow: int = 4
    quick: bool = False
    autograd_model: str = "auto"
    notes: list[str] = field(default_factory=list)

    @classmethod
    def full(cls) -> Config:
        return cls()

    @classmethod
    def quick_preset(cls) -> Config:
        return cls(samples=30, steps=2, repeats=1, chain_sizes=(1_000, 10_000), wide_n=2_000,
                   memory_n=2_000, steady_steps=30, steady_steps_slow=6,
                   micrograd_chain_max=10_000, torch_chain_once=10_000, digits_samples=64,
                   digits_batches_slow=1, quick=True)


class AgreementError(RuntimeError):
    """An engine computed different numbers from the plain-float reference."""


# ---------------------------------------------------------------------------------------------
# Agreement check
# ---------------------------------------------------------------------------------------------


def _compare(engine: str, what: str, got: Sequence[float], want: Sequence[float]) -> float:
    """The largest relative error of ``got`` against ``want``; raises AgreementError past RTOL."""
    if len(got) != len(want):
        raise AgreementError(
            f"{engine} disagrees with the plain-float reference on {what}: "
            f"{len(got)} numbers instead of {len(want)}"
        )
    scale = max((abs(w) for w in want), default=0.0)
    worst = 0.0
    for i, (g, w) in enumerate(zip(got, want)):
        denom = max(abs(g), abs(w), 1e-6 * scale, 1e-300)
        err = abs(g - w) / denom
        if not err <= RTOL:  # also catches NaN
            where = f" (item {i})" if len(want) > 1 else ""
            raise AgreementError(
                f"{engine} disagrees with the plain-float reference on {what}{where}: "
                f"{g!r} instead of {w!r} (relative error {err:.3g} > {RTOL:g}). "
                "Nothing was timed: fix the adapter or the engine first."
            )
        worst = max(worst, err)
    return worst


def check_agreement(adapters: Sequence[Adapter], config: Config,
                    workloads: Sequence[str] = WORKLOADS) -> dict[str, float]:
    """Checks every adapter against the plain-float floor; returns each one's worst error."""
    from .adapters import FloorAdapter

    ref = FloorAdapter()
    if "digits" in workloads:
        n_check = config.check_digits_n
        digits = (digits_params(config.param_seed), digits_data(n_check))
        ref_digits = ref.digits_loss_and_grads(ref.digits_init(digits[0], *digits[1]), 0,
                                               n_check)
    xs, ys = make_moons(config.samples, 0.1, config.data_seed)
    params = init_params(config.param_seed)
    ref_loss, ref_grads = ref.mlp_loss_and_grads(ref.mlp_init(params, xs, ys))
    ref_chain = ref.chain(CHAIN_X0, config.check_chain_n)
    a, b = wide_factors(config.check_wide_n, config.wide_seed)
    ref_wide = {}
    for mode in ("fold", "tree"):
        inputs = ref.wide_inputs(a, b)
        value = ref.wide(inputs, mode)
        ref_wide[mode] = (value, ref.wide_grads(inputs))
    worst: dict[str, float] = {}
    for ad in adapters:
        errs = []
        loss, grads = ad.mlp_loss_and_grads(ad.mlp_init(params, xs, ys))
        errs.append(_compare(ad.name, "the W1 loss at step 0", [loss], [ref_loss]))
        errs.append(_compare(ad.name, "the W1 gradients at step 0", grads, ref_grads))
        y, dx = ad.chain(CHAIN_X0, config.check_chain_n)
        errs.append(_compare(ad.name, f"the W2 chain (N={config.check_chain_n}) output",
                             [y], [ref_chain[0]]))
        errs.append(_compare(ad.name, f"the W2 chain (N={config.check_chain_n}) dy/dx",
                             [dx], [ref_chain[1]]))
        for mode, (value, (ga_ref, gb_ref)) in ref_wide.items():
            inputs = ad.wide_inputs(a, b)
            got = ad.wide(inputs, mode)
            ga, gb = ad.wide_grads(inputs)
            what = f"the W3 {mode} sum (N={config.check_wide_n})"
            errs.append(_compare(ad.name, what, [got], [value]))
            errs.append(_compare(ad.name, what + " gradients", ga + gb, ga_ref + gb_ref))
        if "digits" in workloads:
            loss, grads = ad.digits_loss_and_grads(ad.digits_init(digits[0], *digits[1]), 0,
                                                   n_check)
            errs.append(_compare(ad.name, "the W6 loss of the first batch", [loss],
                                 [ref_digits[0]]))
            errs.append(_compare(ad.name, "the W6 gradients of the first batch", grads,
                                 ref_digits[1]))
        worst[ad.name] = max(errs)
    return worst


# ---------------------------------------------------------------------------------------------
# Timed cases
# ---------------------------------------------------------------------------------------------


@dataclass
class Case:
    workload: str
    label: str
    unit: str
    #: Divides a run's seconds into the figure shown (steps for W1).
    per_run: int = 1
    #: Graph nodes per run (3 per chain step...), for the "µs per node" column; 0: not shown.
    nodes: int = 0
    size: int = 0


def _cases(workloads: Sequence[str], config: Config) -> list[Case]:
    cases = []
    if "mlp" in workloads:
        cases.append(Case("mlp", f"W1 mlp, {config.samples} points", "s/step",
                          per_run=config.steps))
    if "chain" in workloads:
        for n in config.chain_sizes:
            cases.append(Case("chain", f"W2 chain N={n:,}", "s", nodes=3 * n, size=n))
    if "wide" in workloads:
        for mode in ("fold", "tree"):
            cases.append(Case("wide", f"W3 wide {mode} N={config.wide_n:,}", "s",
                              nodes=2 * config.wide_n, size=config.wide_n))
    if "digits" in workloads:
        cases.append(Case("digits", f"W6 digits epoch, {config.digits_samples:,} samples, "
                          f"batch {config.digits_batch}", "s/epoch", size=config.digits_samples))
    return cases


def _digits_batches(case: Case, engine: str, config: Config) -> int:
    """W6 batches an engine runs (the slow engines run a part of the epoch)."""
    whole = case.size // config.digits_batch
    return min(whole, config.digits_batches_slow) if engine in SLOW_ENGINES else whole


def _scale_for(case: Case, engine: str, config: Config) -> float:
    """What one run's seconds are multiplied by to give the figure shown (1 but for a partial
    W6 epoch, scaled up to the whole epoch)."""
    if case.workload != "digits":
        return 1.0
    return (case.size // config.digits_batch) / _digits_batches(case, engine, config)


def _skip_reason(case: Case, engine: str, config: Config) -> str | None:
    limit = config.micrograd_chain_max
    if case.workload == "chain" and engine == "micrograd" and case.size > limit:
        return (f"micrograd skipped at N={case.size:,}: 5 nodes per step at about 1 kB each "
                f"would need ~{5 * case.size * 1.1 / 1e6:.1f} GB and its recursive sort a "
                f"{3 * case.size:,}-deep recursion; measured up to N={limit:,}")
    return None


def _runs_for(case: Case, engine: str, config: Config) -> int:
    if case.workload == "chain" and engine == "torch" and case.size >= config.torch_chain_once:
        return 1
    return config.repeats


def _prepare(case: Case, ad: Adapter, config: Config, data: dict[str, Any]) -> Any:
    """The untimed setup of one run; returns the callable to time."""
    if case.workload == "mlp":
        model = ad.mlp_init(data["params"], data["xs"], data["ys"])

        def run_mlp() -> None:
            for _ in range(config.steps):
                ad.mlp_step(model, LEARNING_RATE)

        return run_mlp
    if case.workload == "chain":
        n = case.size
        return lambda: ad.chain(CHAIN_X0, n)
    if case.workload == "digits":
        model = ad.digits_init(data["digits_params"], *data["digits"])
        batches = _digits_batches(case, ad.name, config)
        size = config.digits_batch

        def run_digits() -> None:
            for b in range(batches):
                ad.digits_step(model, b * size, size, DIGITS_LR)

        return run_digits
    mode = "fold" if " fold " in case.label else "tree"
    inputs = ad.wide_inputs(*data["wide"])
    return lambda: ad.wide(inputs, mode)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_benchmarks(adapters: Sequence[Adapter], workloads: Sequence[str],
                   config: Config, progress: bool = True) -> dict[str, Any]:
    """Checks agreement, then runs the workloads; returns all figures as JSON-ready data."""
    say = _say if progress else (lambda message: None)
    say("checking that every engine computes the same numbers ...")
    errors = check_agreement(adapters, config, workloads)
    say("  agreement: " + ", ".join(f"{k} {v:.1e}" for k, v in errors.items()))

    xs, ys = make_moons(config.samples, 0.1, config.data_seed)
    data: dict[str, Any] = {"xs": xs, "ys": ys, "params": init_params(config.param_seed),
            "wide": wide_factors(config.wide_n, config.wide_seed)}
    if "digits" in workloads:
        data["digits"] = digits_data(config.digits_samples)
        data["digits_params"] = digits_params(config.param_seed)
    skipped: list[str] = []
    cases_out = []
    # Everything alive now (every engine's modules, torch's included, and the inputs) leaves the
    # cyclic collector's view while the timings run: otherwise each full collection that one
    # engine's allocations trigger re-scans the other engines' objects, a cost that a user of
    # a single engine does not pay. Every engine is timed under the same setting.
    gc.collect()
    gc.freeze()
    try:
        for case in _cases(workloads, config):
            say(f"{case.label} ...")
            per_engine: dict[str, dict[str, Any]] = {}
            for ad in adapters:
                reason = _skip_reason(case, ad.name, config)
                per_engine[ad.name] = {"times": [], "rss_mib": [], "skipped": reason}
                if reason:
                    skipped.append(reason)
            max_runs = max(_runs_for(case, ad.name, config) for ad in adapters)
            for rep in range(max_runs):
                for ad in adapters:  # engines alternate inside each repetition
                    slot = per_engine[ad.name]
                    if slot["skipped"] or rep >= _runs_for(case, ad.name, config):
                        continue
                    fn = _prepare(case, ad, config, data)
                    seconds: list[float] = []

                    def timed(fn: Any = fn, out: list[float] = seconds) -> None:
                        out.append(time_call(fn))

                    rss = peak_rss_growth(timed)
                    scale = _scale_for(case, ad.name, config)
                    slot["times"].append(seconds[0] * scale / case.per_run)
                    slot["rss_mib"].append(rss)
                    say(f"  {ad.name:9s} run {rep + 1}: {seconds[0]:.4g} s")
            for name, slot in per_engine.items():
                if slot["times"]:
                    slot["median"] = median(slot["times"])
                    rss_runs = [r for r in slot["rss_mib"] if r is not None]
                    slot["peak_rss_mib"] = median(rss_runs) if rss_runs else None
                    if case.nodes:
                        slot["us_per_node"] = slot["median"] / case.nodes * 1e6
                if case.workload == "digits" and _scale_for(case, name, config) != 1.0:
                    skipped.append(
                        f"W6: {name} ran {_digits_batches(case, name, config)} of the "
                        f"{case.size // config.digits_batch} batches of an epoch, its time "
                        f"scaled up to the whole epoch (one of its epochs takes minutes)")
                if name == "torch" and len(slot["times"]) == 1 and config.repeats > 1:
                    note = f"torch timed once on {case.label} (one run takes tens of seconds)"
                    skipped.append(note)
            cases_out.append({**asdict(case), "results": per_engine})
    finally:
        gc.unfreeze()
    notes_gc = ("objects alive before the timed runs (the engines' modules, the inputs) are "
                "frozen out of the cyclic collector (gc.freeze) for W1-W3 and W6, for every engine "
                "alike")

    memory: dict[str, Any] = {}
    if "memory" in workloads:
        for ad in adapters:
            say(f"W4 memory, chain N={config.memory_n:,}: {ad.name} ...")
            memory[ad.name] = graph_memory(ad, config.memory_n)

    steady: dict[str, Any] = {}
    if "steady" in workloads:
        for ad in adapters:
            steps = config.steady_steps_slow if ad.name in SLOW_ENGINES else config.steady_steps
            if steps < config.steady_steps:
                skipped.append(f"W5: {ad.name} ran {steps} steps, not {config.steady_steps} "
                               f"(at its speed {config.steady_steps} would take too long)")
            say(f"W5 steady state, {steps} steps: {ad.name} ...")
            steady[ad.name] = steady_state(ad, data["params"], xs, ys, steps)

    notes = [*config.notes, notes_gc]
    for ad in adapters:
        notes.extend(n for n in ad.notes if n not in notes)
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "config": {k: v for k, v in asdict(config).items() if k != "notes"},
        "engines": {ad.name: {"version": ad.version(), "style": ad.style} for ad in adapters},
        "agreement_max_relative_error": errors,
        "cases": cases_out,
        "memory": memory,
        "steady": steady,
        "skipped": skipped,
        "notes": notes,
    }


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for pkg in ("torch", "micrograd"):
        try:
            import importlib.metadata

            versions[pkg] = importlib.metadata.version(pkg)
        except Exception:
            versions[pkg] = None
    try:
        import autograd

        versions["autograd"] = getattr(autograd, "__version__", None)
    except ImportError:
        versions["autograd"] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": versions,
    }


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


def _fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def _ratio(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.0f}x" if x >= 100 else f"{x:.1f}x" if x >= 10 else f"{x:.2f}x"


def _bytes(n: float | None) -> str:
    if n is None:
        return "–"
    if abs(n) >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    if abs(n) >= 1 << 10:
        return f"{n / (1 << 10):.1f} KiB"
    return f"{n:.0f} B"


def render_markdown(results: dict[str, Any]) -> str:
    """The tables (timings, W4 memory, W5 steady state) and the target check, as markdown."""
    lines = []
    if results["cases"]:
        lines += [
            "Median time per run (W1: per training step; W6: per epoch). *vs micrograd* and "
            "*vs torch*: how many times faster this engine is (higher is better); *x floor*: how "
            "many times slower than plain floats (lower is better); peak RSS: how far the "
            "resident set grew during a run.",
            "",
            "| workload | engine | median | µs/node | vs micrograd | vs torch | x floor "
            "| peak RSS | runs |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for case in results["cases"]:
            res = case["results"]

            def med(name: str, res: dict[str, Any] = res) -> float | None:
                slot = res.get(name)
                return slot.get("median") if slot else None

            for name, slot in res.items():
                if slot.get("skipped"):
                    lines.append(f"| {case['label']} | {name} | skipped | | | | | | 0 |")
                    continue
                m = slot["median"]
                mg, th, fl = med("micrograd"), med("torch"), med("floor")
                per_node = f"{slot['us_per_node']:.2f}" if "us_per_node" in slot else ""
                rss = slot.get("peak_rss_mib")
                lines.append(
                    f"| {case['label']} | {name} | {_fmt_time(m)} | {per_node} "
                    f"| {_ratio(mg / m) if mg and name != 'micrograd' else ''} "
                    f"| {_ratio(th / m) if th and name != 'torch' else ''} "
                    f"| {_ratio(m / fl) if fl and name != 'floor' else ''} "
                    f"| {'' if rss is None else f'{rss:.0f} MiB'} | {len(slot['times'])} |"
                )
        lines.append("")
    if results["memory"]:
        n = next(iter(results["memory"].values()))["n"]
        lines += [
            f"W4: the W2 graph for N={n:,}, built with the cyclic collector off, then dropped. "
            "Bytes from tracemalloc (torch: plus glibc's heap, where its graph lives); a *node* is "
            "whatever the engine allocates per operation (micrograd also makes a leaf for each "
            "constant). Bytes freed can read below 100% on small graphs: objects parked in "
            "CPython's free lists still count as allocated; the node count is the exact measure.",
            "",
            "| engine | nodes | bytes/node | bytes/chain step | nodes freed by refcount alone "
            "| bytes freed by refcount alone | nodes left after gc.collect() |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, m in results["memory"].items():
            fn = m["freed_nodes_fraction"]
            fb = m["freed_bytes_fraction"]
            lines.append(
                f"| {name} | {m['nodes']:,} | {m['bytes_per_node']:.0f} "
                f"| {m['bytes_per_step']:.0f} "
                f"| {'n/a' if fn is None else f'{fn:.1%}'} "
                f"| {'–' if fb is None else f'{fb:.1%}'} "
                f"| {'n/a' if m['nodes_alive_after_gc'] is None else m['nodes_alive_after_gc']} |"
            )
        lines.append("")
    if results["steady"]:
        lines += [
            "W5: training steps, first window against last window: peak traced memory in each "
            "window (tracemalloc runs during the windows only; torch: plus glibc's heap), objects "
            "tracked by the cyclic collector and resident set size after each window, and median "
            "step time (the windows run under tracemalloc, so slower than W1).",
            "",
            "| engine | steps | peak, first window | peak, last window | ratio "
            "| tracked objects, first / end | RSS MiB, first / end "
            "| step, first window | step, last window | ratio |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, s in results["steady"].items():
            rss0, rss1 = s.get("rss_kib_after_first_window"), s.get("rss_kib_end")
            rss = (f"{rss0 / 1024:.0f} / {rss1 / 1024:.0f}"
                   if rss0 is not None and rss1 is not None else "n/a")
            lines.append(
                f"| {name} | {s['steps']:,} (window {s['window']}) "
                f"| {_bytes(s['peak_first_bytes'])} | {_bytes(s['peak_last_bytes'])} "
                f"| {_ratio(s['peak_ratio'])} "
                f"| {s['tracked_objects_after_first_window']:,} / "
                f"{s['tracked_objects_at_end']:,} | {rss} "
                f"| {_fmt_time(s['step_time_first'])} "
                f"| {_fmt_time(s['step_time_last'])} | {_ratio(s['step_time_ratio'])} |"
            )
        lines.append("")
    targets = target_check(results)
    if targets:
        lines += ["Issue 5 targets for `autograd` (from this run):", ""]
        lines += [f"- {t}" for t in targets]
        lines.append("")
    if results["skipped"] or results["notes"]:
        lines += ["Skipped, limited or adjusted:", ""]
        lines += [f"- {s}" for s in dict.fromkeys(results["skipped"] + results["notes"])]
        lines.append("")
    return "\n".join(lines)


def target_check(results: dict[str, Any]) -> list[str]:
    """The issue's targets for autograd, each with its figure and 'met' or 'missed by'."""
    out = []

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**missed**"

    def median_of(case: dict[str, Any], name: str) -> float | None:
        slot = case["results"].get(name)
        return slot.get("median") if slot else None

    for case in results["cases"]:
        ag = median_of(case, "autograd")
        if ag is None:
            continue
        if case["workload"] == "mlp":
            mg, th, fl = (median_of(case, n) for n in ("micrograd", "torch", "floor"))
            if mg:
                r = mg / ag
                out.append(f"W1 ≥ 50x faster than micrograd: {r:.1f}x, {verdict(r >= 50)}")
            if th:
                r = th / ag
                out.append(f"W1 ≥ 25x faster than torch: {r:.1f}x, {verdict(r >= 25)}")
            if fl:
                r = ag / fl
                out.append(f"W1 within 3x of the floor: {r:.1f}x, {verdict(r <= 3)}")
        if case["workload"] == "chain" and case["size"] >= 1_000_000:
            us = case["results"]["autograd"]["us_per_node"]
            out.append(f"W2 N={case['size']:,}: ≤ 1 µs per node (forward + backward): "
                       f"{us:.2f} µs, {verdict(us <= 1)} (default recursion limit: yes, "
                       "autograd never raises it)")
    mem = results["memory"].get("autograd")
    if mem:
        b = mem["bytes_per_node"]
        out.append(f"W4 ≤ 300 bytes per node: {b:.0f}, {verdict(b <= 300)}")
        f = mem["freed_nodes_fraction"]
        if f is not None:
            out.append(f"W4 100% of a dropped graph freed without the cyclic collector: {f:.1%}, "
                       f"{verdict(f == 1.0)}")
    st = results["steady"].get("autograd")
    if st and st["peak_ratio"] is not None:
        r = st["peak_ratio"]
        out.append(f"W5 peak memory of the last window within 10% of the first: {r:.3f}x after "
                   f"{st['steps']:,} steps, {verdict(r <= 1.10)}")
    return out


def results_document(results: dict[str, Any], command: str) -> str:
    """The whole of RESULTS.md."""
    m = results["machine"]
    engines = "\n".join(f"- **{name}** {e['version']}: {e['style']}"
                        for name, e in results["engines"].items())
    return "\n".join([
        "# Benchmark results",
        "",
        "Generated by `benchmarks/run.py`; regenerate with",
        "",
        f"    {command}",
        "",
        f"Date: {results['date']}. Machine: {m['cpu']}, {m['cores']} cores, "
        f"{m['implementation']} {m['python']}, {m['platform']}.",
        "",
        "Engines:",
        "",
        engines,
        "",
        "Every engine was first checked against the plain-float reference (W1 loss and all "
        "gradients at step 0, W2 output and dy/dx, W3 sums and all input gradients, W6 loss and "
        "all gradients of a first batch), worst "
        "relative error: "
        + ", ".join(f"{k} {v:.1e}" for k, v in results["agreement_max_relative_error"].items())
        + ".",
        "",
        render_markdown(results),
    ])


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Run the issue-5 workloads on every installed engine, side by side.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and one repetition: a smoke test under a minute")
    parser.add_argument("--engines", nargs="+", choices=list(ADAPTERS), default=None,
                        help="engines to run (default: every one installed)")
    parser.add_argument("--workloads", nargs="+", choices=WORKLOADS, default=list(WORKLOADS),
                        help="workloads to run")
    parser.add_argument("--repeats", type=int, default=None,
                        help="runs per engine and case (default: 3, or 1 with --quick)")
    parser.add_argument("--chain-sizes", type=lambda s: tuple(int(v) for v in s.split(",")),
                        default=None, help="W2 chain lengths, comma separated")
    parser.add_argument("--steady-steps", type=int, default=None,
                        help="W5 steps for autograd and the floor (default: 1000, 30 with --quick)")
    parser.add_argument("--autograd-model", choices=("auto", "nn", "dot"), default="auto",
                        help="W1 model for autograd: autograd.nn.MLP, or autograd.dot neurons "
                             "built here ('auto': nn if importable)")
    parser.add_argument("--json", metavar="PATH", default=None, help="write all figures as JSON")
    parser.add_argument("--write-results", metavar="PATH", default=None,
                        help="write the markdown report (e.g. benchmarks/RESULTS.md)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config = Config.quick_preset() if args.quick else Config.full()
    config.autograd_model = args.autograd_model
    if args.repeats is not None:
        if args.repeats < 1:
            print("--repeats must be at least 1", file=sys.stderr)
            return 2
        config.repeats = args.repeats
    if args.chain_sizes is not None:
        config.chain_sizes = args.chain_sizes
    if args.steady_steps is not None:
        config.steady_steps = args.steady_steps
    installed = available_adapters()
    names = args.engines or installed
    missing = [n for n in names if n not in installed]
    if missing:
        print(f"not installed: {', '.join(missing)}", file=sys.stderr)
        return 2
    adapters: list[Adapter] = []
    for name in names:
        if name == "autograd":
            from .adapters import AutogradAdapter

            adapters.append(AutogradAdapter(model=config.autograd_model))
        else:
            adapters.append(ADAPTERS[name]())
    try:
        results = run_benchmarks(adapters, args.workloads, config)
    except AgreementError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])
    results["command"] = command.strip()
    print(render_markdown(results))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=2)
    if args.write_results:
        with open(args.write_results, "w", encoding="utf-8") as f:
            f.write(results_document(results, results["command"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
