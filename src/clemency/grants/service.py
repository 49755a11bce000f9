"""Storing parsed pages: one import per page, identified by the page's SHA-256.

Services only flush; the caller's unit of work commits. The page is parsed completely
before anything is written, so a page that cannot be parsed leaves the database untouched,
and the writes of one page happen in a savepoint, so a failure half-way (or another
process importing the same page at the same moment) leaves no half-written page behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from clemency.grants.models import GrantConviction, GrantRecord, GrantSource
from clemency.grants.parser import sha256_of
from clemency.grants.schemas import Grant, ParsedPage
from clemency.grants.sources import parse_bytes, parse_source


@dataclass(frozen=True)
class ImportResult:
    source_id: int
    sha256: str
    file_name: str
    created: bool  # False when this page (same bytes) was imported before
    grant_count: int


def _source_for(page: ParsedPage) -> GrantSource:
    return GrantSource(
        sha256=page.source_sha256,
        file_name=page.source_file,
        source_url=page.source_url,
        description=page.source_description or None,
        licence=page.licence or None,
        title=page.title,
        president=page.president,
        term=page.term,
        grant_count=len(page.grants),
        warnings=list(page.warnings),
    )


def _grant_row(source_id: int, grant: Grant) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "entry_index": grant.entry_index,
        "president": grant.president,
        "grant_date": grant.grant_date,
        "kind": grant.kind,
        "name": grant.name,
        "name_text": grant.name_text,
        "aliases": [a.model_dump() for a in grant.aliases],
        "section_heading": grant.section_heading,
        "layout": grant.layout,
        "category": grant.category,
        "category_rule": grant.category_rule,
        "terms_text": grant.terms_text,
        "warrant_url": grant.warrant_url,
        "record_url": grant.record_url,
        "flags": list(grant.flags),
        "source_location": grant.provenance.location if grant.provenance else None,
        "terms_outcome": grant.terms.outcome if grant.terms else None,
        "data": grant.model_dump(mode="json"),
    }


def _conviction_rows(grant_id: int, grant: Grant) -> list[dict[str, Any]]:
    rows = []
    for position, conviction in enumerate(grant.convictions, start=1):
        sentence = conviction.sentence
        rows.append(
            {
                "grant_id": grant_id,
                "position": position,
                "number": conviction.number,
                "court_text": conviction.court_text,
                "court_id": conviction.court_id,
                "court_type": conviction.court_type,
                "military_branch": conviction.military_branch,
                "sentenced_text": conviction.sentenced_text,
                "sentenced_year": conviction.sentenced_year,
                "sentenced_on": conviction.sentenced_on,
                "offense_text": conviction.offense_text,
                "offense_description": conviction.offense_description,
                "statutes": [s.cite for s in conviction.statutes],
                "sentence_text": sentence.text if sentence else None,
                "prison_months": sentence.prison_months if sentence else None,
                "is_life": bool(sentence and sentence.is_life),
                "probation_months": sentence.probation_months if sentence else None,
                "supervised_release_months": sentence.supervised_release_months
                if sentence
                else None,
                "fine_usd": sentence.fine_usd if sentence else None,
                "restitution_usd": sentence.restitution_usd if sentence else None,
                "time_served": bool(sentence and sentence.time_served),
                "suspended": bool(sentence and sentence.suspended),
                "category": conviction.category,
                "category_rule": conviction.category_rule,
            }
        )
    return rows


def _write(session: Session, page: ParsedPage) -> GrantSource:
    """The source row, then its grants and their convictions as bulk INSERTs (the commutation
    list has 1,900 convictions: building an ORM object for each row cost more than the
    writing, about 0.8 s a demo database)."""
    source = _source_for(page)
    session.add(source)
    session.flush()
    if page.grants:
        grant_ids = session.scalars(
            insert(GrantRecord).returning(GrantRecord.id, sort_by_parameter_order=True),
            [_grant_row(source.id, grant) for grant in page.grants],
        ).all()
        convictions = [
            row
            for grant_id, grant in zip(grant_ids, page.grants, strict=True)
            for row in _conviction_rows(grant_id, grant)
        ]
        if convictions:
            session.execute(insert(GrantConviction), convictions)
    return source


def _existing(session: Session, sha256: str) -> GrantSource | None:
    return session.scalars(select(GrantSource).where(GrantSource.sha256 == sha256)).one_or_none()


def store_page(*, session: Session, page: ParsedPage) -> ImportResult:
    """Store an already parsed page unless a page with the same hash is stored."""
    existing = _existing(session, page.source_sha256)
    if existing is not None:
        return ImportResult(
            existing.id, existing.sha256, existing.file_name, False, existing.grant_count
        )
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite's default transaction handling turns a SAVEPOINT issued before any write
        # into an autocommitted transaction (RELEASE commits it), which would break the
        # caller's unit of work. A concurrent import of the same page then fails on the
        # unique hash instead of being absorbed, but it can never store the page twice.
        source = _write(session, page)
        return ImportResult(source.id, source.sha256, source.file_name, True, len(page.grants))
    try:
        with session.begin_nested():
            source = _write(session, page)
    except IntegrityError:
        # someone stored the same page between our check and our write
        existing = _existing(session, page.source_sha256)
        if existing is None:
            raise
        return ImportResult(
            existing.id, existing.sha256, existing.file_name, False, existing.grant_count
        )
    return ImportResult(source.id, source.sha256, source.file_name, True, len(page.grants))


def import_page(*, session: Session, path: Path) -> ImportResult:
    """Parse the page at ``path`` and store it; importing the same bytes again adds nothing."""
    return store_page(session=session, page=parse_source(path))


def list_grants(*, session: Session, president: str | None = None) -> list[Grant]:
    """Stored grants as parsed records, in page order, for statistics and precedents."""
    query = (
        select(GrantRecord.data).join(GrantSource).order_by(GrantSource.id, GrantRecord.entry_index)
    )
    if president is not None:
        query = query.where(GrantRecord.president == president)
    return [Grant.model_validate(data) for data in session.scalars(query)]


@dataclass(frozen=True)
class SourceCitation:
    """What a statistics page cites for one imported source."""

    file_name: str
    description: str
    licence: str
    sha256: str
    source_url: str | None
    grant_count: int


def list_sources(*, session: Session) -> list[SourceCitation]:
    """The imported sources, in import order, as a page cites them."""
    return [
        SourceCitation(
            file_name=s.file_name,
            description=s.description or s.title,
            licence=s.licence or "not recorded (imported before licences were kept)",
            sha256=s.sha256,
            source_url=s.source_url,
            grant_count=s.grant_count,
        )
        for s in session.scalars(select(GrantSource).order_by(GrantSource.id))
    ]


def count_grants(*, session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(GrantRecord)) or 0)


BUNDLED_PAGES = Path(__file__).resolve().parent / "pages"


BUNDLED_COMMUTATIONS = BUNDLED_PAGES / "obama_commutations.csv"


_BUNDLED_PARSED: dict[tuple[str, str], ParsedPage] = {}
"""Parsed shipped files, by file name and content hash (see import_bundled_pages)."""


def import_bundled_pages(*, session: Session) -> list[ImportResult]:
    """Import the grant pages and the commutation list shipped with Clemency (the demo uses
    them); idempotent.

    Parsing them costs about 1.5 s of CPU (the commutation list alone has 1,900 convictions),
    and a process that seeds several demo databases (the tests) would pay it each time: each
    file is parsed once per process, keyed by its content hash, so a changed file is parsed
    again. The parsed page is only read (to build the stored rows) and never leaves here."""
    results = []
    for path in [*sorted(BUNDLED_PAGES.glob("*.html")), BUNDLED_COMMUTATIONS]:
        if not path.exists():
            continue
        data = path.read_bytes()
        key = (path.name, sha256_of(data))
        page = _BUNDLED_PARSED.get(key)
        if page is None:
            page = _BUNDLED_PARSED[key] = parse_bytes(data, source_file=path.name)
        results.append(store_page(session=session, page=page))
    return results
