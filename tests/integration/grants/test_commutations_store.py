"""The commutation CSV stored on SQLite and PostgreSQL (through the migrations): idempotent per
source hash, with provenance and terms on every stored grant, read back whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from clemency.cli.main import app
from clemency.db import migrate
from clemency.db.session import make_engine, session_factory, unit_of_work
from clemency.grants import service
from clemency.grants.models import GrantRecord, GrantSource
from tests.unit.grants.test_commutations_csv import CSV_PATH, SHA256

runner = CliRunner()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def test_store_is_idempotent_and_keeps_provenance(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        first = service.import_page(session=session, path=CSV_PATH)
    with unit_of_work(engine) as session:
        again = service.import_page(session=session, path=CSV_PATH)
    assert (first.created, first.grant_count, first.sha256) == (True, 1386, SHA256)
    assert (again.created, again.source_id) == (False, first.source_id)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(GrantRecord)) == 1386
        source = session.scalars(select(GrantSource)).one()
        assert source.licence is not None
        assert source.licence.startswith("CC BY 4.0")
        assert source.description is not None
        assert "FiveThirtyEight" in source.description
        akins = session.scalars(select(GrantRecord).where(GrantRecord.entry_index == 1)).one()
        assert (akins.kind, akins.source_location, akins.terms_outcome) == (
            "commutation",
            "lines 2-6",
            "term",
        )
        grants = service.list_grants(session=session)
    assert len(grants) == 1386
    loving = next(g for g in grants if g.name == "Dwight J. Loving")
    assert loving.terms is not None
    assert loving.terms.outcome == "life"
    assert loving.provenance is not None
    assert loving.provenance.source_sha256 == SHA256


def test_cli_store_reports_the_figures(database_url: str, tmp_path: Path) -> None:
    migrate.upgrade(database_url)
    result = runner.invoke(app, ["grants", "import", str(CSV_PATH), "--db", database_url])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["created"] is True
    assert summary["grants"] == 1386
    assert summary["grants_without_grant_date"] == 362
    assert summary["grants_named_in_warnings"] == 2
    assert summary["by_grant_date"]["2016-08-03"] == 214
    second = runner.invoke(
        app, ["grants", "import", str(CSV_PATH), "--db", database_url, "--format", "text"]
    )
    assert second.exit_code == 0
    assert "was imported before" in second.stdout


def test_the_demo_sources_include_the_commutations(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        results = service.import_bundled_pages(session=session)
    assert [r.file_name for r in results][-1] == "obama_commutations.csv"
    assert sum(r.grant_count for r in results) == 74 + 189 + 212 + 1386
    with session_factory(engine)() as session:
        kinds = dict(
            session.execute(select(GrantRecord.kind, func.count()).group_by(GrantRecord.kind)).all()
        )
    assert kinds == {"pardon": 475, "commutation": 1386}
