"""`clemency tasks refresh` and `clemency queues screen`, run the way users run them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from clemency.cli.main import app
from clemency.db.migrate import upgrade
from clemency.db.session import make_engine, unit_of_work
from clemency.reviews.models import CaseScreening
from clemency.tasks.models import Task
from clemency.testing.factories import make_world

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'work.db'}"
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        make_world(session)
    engine.dispose()
    return url


def _count(url: str, model: type[Task] | type[CaseScreening]) -> int:
    engine = make_engine(url)
    try:
        with unit_of_work(engine) as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def test_tasks_refresh_reports_and_a_bad_date_is_one_line(database: str) -> None:
    result = runner.invoke(
        app, ["tasks", "refresh", "--as-of", "2027-01-01", "--database-url", database]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "tasks as of 2027-01-01: 0 created (none), 0 already there\n"
    bad = runner.invoke(
        app, ["tasks", "refresh", "--as-of", "01/02/2027", "--database-url", database]
    )
    assert bad.exit_code == 2
    assert len(bad.stderr.strip().splitlines()) == 1
    assert "--as-of '01/02/2027' is not a date; use YYYY-MM-DD" in bad.stderr


def test_queues_screen_screens_every_unscreened_case_in_batches(database: str) -> None:
    result = runner.invoke(
        app,
        ["queues", "screen", "--as-of", "2027-01-01", "--batch", "2", "--database-url", database],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "screened 3 case(s) as of 2027-01-01\n"
    # Three federal cases, three federal rulesets each.
    assert _count(database, CaseScreening) == 9
    again = runner.invoke(
        app, ["queues", "screen", "--as-of", "2027-01-01", "--database-url", database]
    )
    assert again.stdout == "screened 0 case(s) as of 2027-01-01\n"
