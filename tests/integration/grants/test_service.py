"""Storing parsed pages on SQLite and PostgreSQL: idempotent per page hash, read back whole."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from clemency.db.base import Base
from clemency.db.session import make_engine, session_factory, unit_of_work
from clemency.errors import ParseError
from clemency.grants import service
from clemency.grants.models import TABLES, GrantConviction, GrantRecord, GrantSource
from clemency.grants.sources import parse_source
from tests.conftest import DOJ_PAGES

PAGES = DOJ_PAGES
OBAMA = PAGES / "Barack_Obama_2009-2017.html"
GWB = PAGES / "George_W_Bush_2001-2009.html"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    if not OBAMA.exists():
        pytest.skip(f"shared data missing: {PAGES}")
    engine = make_engine(database_url)
    Base.metadata.create_all(engine, tables=list(TABLES))
    yield engine
    engine.dispose()


def counts(engine: Engine) -> tuple[int, int, int]:
    with session_factory(engine)() as session:
        return (
            session.scalar(select(func.count()).select_from(GrantSource)) or 0,
            session.scalar(select(func.count()).select_from(GrantRecord)) or 0,
            session.scalar(select(func.count()).select_from(GrantConviction)) or 0,
        )


def test_import_is_idempotent_per_page_hash(engine: Engine, tmp_path: Path) -> None:
    with unit_of_work(engine) as session:
        first = service.import_page(session=session, path=OBAMA)
    assert first.created
    assert first.grant_count == 212
    stored = counts(engine)
    parsed = parse_source(OBAMA)
    assert stored == (1, 212, sum(len(g.convictions) for g in parsed.grants))

    with unit_of_work(engine) as session:
        again = service.import_page(session=session, path=OBAMA)
    assert (again.created, again.source_id, again.grant_count) == (False, first.source_id, 212)
    assert counts(engine) == stored

    # the same bytes under another name are the same page
    copy = tmp_path / "renamed.html"
    copy.write_bytes(OBAMA.read_bytes())
    with unit_of_work(engine) as session:
        assert not service.import_page(session=session, path=copy).created
    assert counts(engine) == stored

    with unit_of_work(engine) as session:
        other = service.import_page(session=session, path=GWB)
    assert other.created
    assert counts(engine)[:2] == (2, 212 + 189)


def test_stored_grants_read_back_as_parsed(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        service.import_page(session=session, path=OBAMA)
    parsed = parse_source(OBAMA).grants
    with session_factory(engine)() as session:
        loaded = service.list_grants(session=session)
        assert loaded == parsed
        assert service.count_grants(session=session) == 212
        record = session.scalars(
            select(GrantRecord).where(GrantRecord.name == "Herbert Eugene Bennett")
        ).one()
        assert record.source.file_name == OBAMA.name
        assert record.source.sha256 == parse_source(OBAMA).source_sha256
        conviction = record.convictions[0]
        assert conviction.court_id == "txnd"
        assert conviction.probation_months == 36
        assert str(conviction.restitution_usd) == "26440.95"
        assert conviction.statutes == []
        mack = session.scalars(
            select(GrantRecord).where(GrantRecord.name == "Alfred J. Mack")
        ).one()
        assert mack.convictions[0].statutes == ["33 D.C. Code § 441(a)(1)"]


def test_a_bad_page_stores_nothing(engine: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "broken.html"
    bad.write_bytes(b"\x00\x01 not a page")

    def import_both() -> None:
        with unit_of_work(engine) as session:
            service.import_page(session=session, path=OBAMA)
            service.import_page(session=session, path=bad)

    with pytest.raises(ParseError, match=r"broken\.html"):
        import_both()
    # the whole unit of work rolled back, the good page too: nothing half-written
    assert counts(engine) == (0, 0, 0)


def test_service_only_flushes(engine: Engine) -> None:
    session = session_factory(engine)()
    try:
        service.import_page(session=session, path=GWB)
        assert service.count_grants(session=session) == 189
        session.rollback()
        assert service.count_grants(session=session) == 0
    finally:
        session.close()


def test_a_concurrent_import_of_the_same_page_is_absorbed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process stores the page between our check and our write (PostgreSQL)."""
    if engine.dialect.name == "sqlite":
        pytest.skip("on SQLite the second writer fails on the unique hash instead (docs/grants.md)")
    with unit_of_work(engine) as session:
        first = service.import_page(session=session, path=GWB)
    real = service._existing
    calls = {"n": 0}

    def blind_first(session: object, sha256: str) -> GrantSource | None:
        calls["n"] += 1
        return None if calls["n"] == 1 else real(session, sha256)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "_existing", blind_first)
    with unit_of_work(engine) as session:
        again = service.import_page(session=session, path=GWB)
        # the session is still usable after the failed savepoint
        assert service.count_grants(session=session) == 189
    assert (again.created, again.source_id) == (False, first.source_id)
    assert counts(engine)[:2] == (1, 189)
