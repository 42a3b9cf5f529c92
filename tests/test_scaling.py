"""Smoke test of benchmarks/scaling.py: it runs and prints one row per size (no timing asserts)."""

from __future__ import annotations

import pytest

from benchmarks import scaling


def test_quick_run_prints_a_row_per_size(capsys: pytest.CaptureFixture[str]) -> None:
    assert scaling.main(["--quick"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    body = rows[2:]
    assert [row.split("|")[1].strip() for row in body] == ["formula"] * 4 + ["collapsed"] * 4
    assert all(float(row.split("|")[3]) >= 0.0 for row in body)


def test_formula_job_builds_the_whole_formula() -> None:
    result = scaling._formula(10)()
    assert isinstance(result, tuple)
    assert result[0].data == pytest.approx(10 * 0.25)
