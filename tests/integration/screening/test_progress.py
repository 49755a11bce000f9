"""Engines report progress (the CLI draws it as a bar on a terminal)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clemency.screening import service
from clemency.screening.synthetic import write_roster
from tests.integration.screening.conftest import AS_OF


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_progress_ends_at_one_and_stays_within_bounds(tmp_path: Path, engine: str) -> None:
    roster = write_roster(tmp_path / "r.parquet", 12_000, AS_OF)
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
    if engine == "python":  # one report per batch of 10,000 rows, then done
        assert seen == [10_000 / 12_000, 1.0, 1.0]
