"""Tests for the benchmark harness: tiny sizes, never any assertion on timings."""

from __future__ import annotations

import json
import math

import pytest

from benchmarks import run as bench
from benchmarks.adapters import ADAPTERS, AutogradAdapter, FloorAdapter, available_adapters
from benchmarks.workloads import (
    graph_memory,
    init_params,
    make_moons,
    pairwise_sum,
    param_count,
    steady_state,
)


def tiny_config() -> bench.Config:
    return bench.Config(samples=8, steps=1, repeats=2, chain_sizes=(20, 200), wide_n=64,
                        memory_n=100, steady_steps=6, steady_steps_slow=4,
                        micrograd_chain_max=20, torch_chain_once=200, check_chain_n=10,
                        check_wide_n=16, digits_samples=8, digits_batch=4,
                        digits_batches_slow=1, check_digits_n=2, quick=True)


def engines() -> list[str]:
    return available_adapters()


class WrongChain(FloorAdapter):
    """The floor with a deliberate slip in the chain's backward pass."""

    name = "wrong"

    def chain(self, x0, n):
        y, g = super().chain(x0, n)
        return y, g * (1 + 1e-6)


class WrongGradient(AutogradAdapter):
    """autograd with one parameter's gradient off."""

    name = "wrong-grad"

    def mlp_loss_and_grads(self, model):
        loss, grads = super().mlp_loss_and_grads(model)
        grads[5] += 1e-3
        return loss, grads


def test_data_and_weights_are_seeded_and_shaped():
    xs, ys = make_moons(10, 0.1, seed=3)
    assert (xs, ys) == make_moons(10, 0.1, seed=3)
    assert xs != make_moons(10, 0.1, seed=4)[0]
    assert len(xs) == 10 and all(len(x) == 2 for x in xs)
    assert sorted(set(ys)) == [-1.0, 1.0]
    params = init_params(seed=1)
    assert len(params) == param_count() == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    assert params == init_params(seed=1)


def test_pairwise_sum():
    assert pairwise_sum([1.0]) == 1.0
    assert pairwise_sum(list(range(101))) == 5050
    with pytest.raises(ValueError):
        pairwise_sum([])


@pytest.mark.parametrize("name", engines())
def test_every_installed_engine_agrees_with_the_floor(name):
    errors = bench.check_agreement([ADAPTERS[name]()], tiny_config())
    assert errors[name] <= bench.RTOL


def test_agreement_check_catches_a_wrong_backward():
    with pytest.raises(bench.AgreementError, match=r"wrong disagrees .* W2 chain .* dy/dx"):
        bench.check_agreement([FloorAdapter(), WrongChain()], tiny_config())


def test_agreement_check_catches_a_wrong_gradient_and_names_it():
    with pytest.raises(bench.AgreementError, match=r"W1 gradients at step 0 \(item 5\)"):
        bench.check_agreement([WrongGradient()], tiny_config())


def test_a_wrong_adapter_stops_the_run_before_timing(capsys):
    with pytest.raises(bench.AgreementError):
        bench.run_benchmarks([WrongChain()], ["chain"], tiny_config(), progress=False)


def test_floor_mlp_step_matches_its_gradients():
    xs, ys = make_moons(6, 0.1, seed=0)
    params = init_params(seed=1)
    floor = FloorAdapter()
    model = floor.mlp_init(params, xs, ys)
    _, grads = floor.mlp_loss_and_grads(model)
    floor.mlp_step(model, 0.5)
    after = floor.mlp_params(model)
    assert after == pytest.approx([p - 0.5 * g for p, g in zip(params, grads)], rel=1e-12)


def test_memory_workload_sees_autograd_free_its_graph():
    result = graph_memory(AutogradAdapter(), 200)
    assert result["nodes"] == 3 * 200 + 1
    assert result["freed_nodes_fraction"] == 1.0
    assert result["bytes_per_node"] > 0


def test_memory_workload_sees_micrograd_cycles():
    pytest.importorskip("micrograd")
    result = graph_memory(ADAPTERS["micrograd"](), 50)
    assert result["nodes"] == 5 * 50 + 1  # each constant is a leaf node in micrograd
    assert result["freed_nodes_fraction"] < 0.5  # closures keep the graph alive
    assert result["nodes_alive_after_gc"] == 0  # the cyclic collector does free it


def test_steady_state_reports_windows():
    xs, ys = make_moons(6, 0.1, seed=0)
    result = steady_state(FloorAdapter(), init_params(1), xs, ys, steps=8, window=3)
    assert result["steps"] == 8 and result["window"] == 3
    assert result["peak_first_bytes"] > 0 and result["peak_last_bytes"] > 0


def test_run_in_process_writes_json_and_results(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench.Config, "quick_preset", classmethod(lambda cls: tiny_config()))
    out = tmp_path / "out.json"
    md = tmp_path / "RESULTS.md"
    code = bench.main(["--quick", "--json", str(out), "--write-results", str(md)])
    assert code == 0
    data = json.loads(out.read_text())
    for key in ("date", "machine", "config", "engines", "agreement_max_relative_error",
                "cases", "memory", "steady", "skipped", "notes", "command"):
        assert key in data
    assert set(data["engines"]) == set(engines())
    assert data["machine"]["cores"] >= 1 and data["machine"]["python"]
    labels = [c["label"] for c in data["cases"]]
    assert labels[0].startswith("W1 mlp")
    assert any(label.startswith("W2 chain N=200") for label in labels)
    assert any("wide tree" in label for label in labels)
    digits = next(c for c in data["cases"] if c["workload"] == "digits")
    assert digits["label"] == "W6 digits epoch, 8 samples, batch 4"
    if "micrograd" in data["engines"]:
        assert "W6: micrograd ran 1 of the 2 batches" in " ".join(data["skipped"])
    for case in data["cases"]:
        for name, slot in case["results"].items():
            if slot["skipped"]:
                continue
            once = name == "torch" and case["label"] == "W2 chain N=200"  # torch_chain_once
            assert len(slot["times"]) == (1 if once else 2)  # repeats from the config
            assert all(math.isfinite(t) and t >= 0 for t in slot["times"])
    if "micrograd" in data["engines"]:
        chain200 = next(c for c in data["cases"] if c["label"] == "W2 chain N=200")
        assert "skipped at N=200" in chain200["results"]["micrograd"]["skipped"]
    printed = capsys.readouterr().out
    assert "| workload | engine | median |" in printed
    assert "W4" in printed and "W5" in printed and "W6 digits epoch" in printed
    text = md.read_text()
    assert text.startswith("# Benchmark results")
    assert "python -m benchmarks.run --quick" in text


def test_cli_rejects_bad_arguments(capsys):
    with pytest.raises(SystemExit) as exc:
        bench.main(["--engines", "nonesuch"])
    assert exc.value.code == 2
    assert bench.main(["--repeats", "0"]) == 2


class WrongDigits(FloorAdapter):
    """The floor with the cross-entropy gradient of the last bias off."""

    name = "wrong-digits"

    def digits_loss_and_grads(self, model, start, size):
        loss, grads = super().digits_loss_and_grads(model, start, size)
        grads[-1] *= 1 + 1e-6
        return loss, grads


def test_agreement_check_covers_the_digits_workload():
    with pytest.raises(bench.AgreementError, match=r"W6 gradients of the first batch \(item "):
        bench.check_agreement([WrongDigits()], tiny_config(), ["digits"])
    bench.check_agreement([WrongDigits()], tiny_config(), ["mlp"])  # W6 not asked for


def test_floor_digits_step_matches_its_gradients_and_learns():
    from benchmarks.workloads import digits_data, digits_params

    floor = FloorAdapter()
    params = digits_params(seed=1)
    model = floor.digits_init(params, *digits_data(16))
    loss0, grads = floor.digits_loss_and_grads(model, 0, 16)
    floor.digits_step(model, 0, 16, 0.5)
    after = floor.mlp_params(model)
    assert after == pytest.approx([p - 0.5 * g for p, g in zip(params, grads)], rel=1e-12)
    assert floor.digits_loss_and_grads(model, 0, 16)[0] < loss0
