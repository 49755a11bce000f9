"""Engines report progress (the CLI draws it as a bar on a terminal)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clemency.screening import service
from clemency.screening.engines import python_engine
from clemency.screening.synthetic import write_roster
from tests.integration.screening.conftest import AS_OF


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_progress_ends_at_one_and_stays_within_bounds(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(python_engine, "BATCH_ROWS", 1_000)
    roster = write_roster(tmp_path / "r.parquet", 2_400, AS_OF)
    seen: list[float] = []
    service.screen(
        roster,
        service.load("us-federal/pardon"),
        AS_OF,
        tmp_path / "o.parquet",
        engine=engine,
        progress=seen.append,
    )
    assert seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen)
    if engine == "python":  # one report per batch of rows, then done
        assert seen == [1_000 / 2_400, 2_000 / 2_400, 1.0, 1.0]


def test_python_engine_reports_progress_through_a_csv_roster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(python_engine, "CSV_BLOCK_BYTES", 64 * 1024)
    roster = write_roster(tmp_path / "r.csv", 3_000, AS_OF)
    seen: list[float] = []
    service.screen(
        roster,
        service.load("us-federal/pardon"),
        AS_OF,
        tmp_path / "o.csv",
        engine="python",
        progress=seen.append,
    )
    assert seen[-1] == 1.0
    assert len(seen) > 5  # one report per block of the file read
    assert seen == sorted(seen)
    assert all(0.0 < f <= 1.0 for f in seen)
