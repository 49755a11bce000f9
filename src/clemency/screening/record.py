"""Runs on record: store a screening run and open intake cases for the people it found.

Everything happens in one unit of work: either the run, its matches and the new cases are all
stored, or (on an error that is not one row's) nothing is. Importing never duplicates a person
already stored in the organization — the duplicate rule of issue #14, the one
``cases.service.create_case`` applies: a roster row is matched by BOP register number, else by
name and date of birth (case, accents and spacing ignored); a match links the row to the
existing case, a row matching several stored people is listed as ``ambiguous`` for a human to
resolve, and no case is opened. A row the case checks refuse (a birth date in the future, say)
is ``refused`` and reported on its own line; the other rows are imported.
"""

from __future__ import annotations

import getpass
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from clemency import __version__
from clemency.errors import BadInput, NotFound
from clemency.screening.models import ScreeningMatch, ScreeningRun
from clemency.screening.roster import duckdb_source
from clemency.screening.service import ScreeningResult
from clemency.screening.summary import result_relation

IMPORTED_OUTCOMES = ("eligible", "needs_review")
REGISTER_RE = re.compile(r"^\d{5}-\d{3}$")
GIVEN = ("given_name", "first_name")
FAMILY = ("family_name", "last_name")


@dataclass
class Saved:
    """What ``--save`` stored: the run id and how each imported person was matched."""

    run_id: int
    counts: dict[str, int] = field(default_factory=dict)
    ambiguous: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (roster person id, why)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "matches": self.counts,
            "ambiguous": self.ambiguous,
            "refused": self.refused,
        }

    def lines(self) -> list[str]:
        out = [f"Saved as screening run {self.run_id}"]
        if self.counts:
            out.append(
                "Intake: "
                + ", ".join(f"{status} {count:,}" for status, count in sorted(self.counts.items()))
            )
        for person_id, candidates in self.ambiguous[:20]:
            out.append(f"  ambiguous: roster {person_id} matches stored people {candidates}")
        if len(self.ambiguous) > 20:
            out.append(f"  … and {len(self.ambiguous) - 20} more (see the run's matches)")
        for person_id, why in self.refused[:20]:
            out.append(f"  refused: roster {person_id}: {why}")
        if len(self.refused) > 20:
            out.append(f"  … and {len(self.refused) - 20} more refused (see the run's matches)")
        return out


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record_run(*, session: Session, result: ScreeningResult, run_by: str) -> ScreeningRun:
    summary = result.summary.to_dict()
    if result.comparison is not None:
        summary["comparison"] = result.comparison.to_dict()
    run = ScreeningRun(
        ruleset_id=result.ruleset.id,
        ruleset_version=result.ruleset.version,
        ruleset_sha256=result.ruleset.sha256,
        as_of=result.as_of,
        engine=result.engine,
        clemency_version=__version__,
        roster_path=str(result.roster.path.resolve()),
        roster_sha256=file_sha256(result.roster.path),
        output_path=str(result.out.resolve()),
        rows=result.summary.rows,
        eligible=result.summary.outcomes.get("eligible", 0),
        needs_review=result.summary.outcomes.get("needs_review", 0),
        ineligible=result.summary.outcomes.get("ineligible", 0),
        invalid=result.summary.outcomes.get("invalid", 0),
        seconds=result.seconds,
        run_by=run_by,
        summary=summary,
    )
    session.add(run)
    session.flush()
    return run


def candidates_for_intake(result: ScreeningResult) -> list[dict[str, Any]]:
    """Eligible and needs-review rows with the identity columns the roster has (by person_id)."""
    types = result.roster.column_types
    wanted = {"bop_register_number", "date_of_birth", "jurisdiction", *GIVEN, *FAMILY}
    present = [c for c in types if c in wanted]
    picks = ", ".join(f'CAST(r."{c}" AS VARCHAR) AS "{c}"' for c in present)
    outcomes = ", ".join(f"'{o}'" for o in IMPORTED_OUTCOMES)
    sql = (
        f"SELECT o.person_id, o.outcome{', ' + picks if picks else ''} "
        f"FROM {result_relation(result.out)} AS o "
        f"JOIN {duckdb_source(result.roster.path, result.roster.format)} AS r "
        "ON CAST(r.person_id AS VARCHAR) = o.person_id "
        f"WHERE o.outcome IN ({outcomes}) "
        # a person_id repeated in the roster cannot say which row is whom: left out, counted
        "QUALIFY count(*) OVER (PARTITION BY o.person_id) = 1 ORDER BY o.person_id"
    )
    con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB"})
    relation = con.sql(sql)
    names = relation.columns
    rows = [dict(zip(names, row, strict=True)) for row in relation.fetchall()]
    con.close()
    return rows


def _text(row: dict[str, Any], names: tuple[str, ...]) -> str:
    """The first non-empty of ``names``, cut to the 100 characters a stored name may hold."""
    for name in names:
        value = row.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()[:100]
    return ""


def _birth(row: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(row.get("date_of_birth") or "").strip())
    except ValueError:
        return None


def match_person(
    *,
    session: Session,
    register: str,
    given: str,
    family: str,
    born: date | None,
    organization_id: int | None = None,
) -> tuple[str, list[int]]:
    """``(matched_by, stored person ids)``: register number first, else name and birth date;
    only people of ``organization_id``'s cases when given (another organization's people are
    never matched, nor named)."""
    from clemency.cases.models import Case, Person

    people = select(Person.id)
    if organization_id is not None:
        people = people.join(Case, Case.person_id == Person.id).where(
            Case.organization_id == organization_id
        )
    if register:
        ids = list(session.scalars(people.where(Person.bop_register_number == register)))
        if ids:
            return "register_number", ids
    if given and family and born is not None:
        ids = list(
            session.scalars(
                people.where(
                    func.lower(Person.given_name) == given.lower(),
                    func.lower(Person.family_name) == family.lower(),
                    Person.date_of_birth == born,
                    # someone stored under another register number is another person
                    or_(
                        Person.bop_register_number.is_(None), Person.bop_register_number == register
                    )
                    if register
                    else Person.id.is_not(None),
                )
            )
        )
        if ids:
            return "name_and_birth", ids
    return "", []


def import_people(
    *, session: Session, run: ScreeningRun, result: ScreeningResult, organization: str, run_by: str
) -> Saved:
    from clemency.accounts.models import Organization
    from clemency.cases import service as case_service
    from clemency.cases.access import Operator
    from clemency.cases.models import Case

    org = session.scalar(select(Organization).where(Organization.slug == organization))
    if org is None:
        raise NotFound(f"organization {organization!r} does not exist; see `clemency` admin docs")
    actor = Operator(f"cli:{run_by}")
    saved = Saved(run_id=run.id)
    for row in candidates_for_intake(result):
        register = _text(row, ("bop_register_number",))
        register = register if REGISTER_RE.match(register) else ""
        given, family, born = _text(row, GIVEN), _text(row, FAMILY), _birth(row)
        person = {
            "given_name": given,
            "family_name": family,
            "date_of_birth": born,
            "bop_register_number": register or None,
        }
        matched_by, ids = match_person(
            session=session,
            register=register,
            given=given,
            family=family,
            born=born,
            organization_id=org.id,
        )
        existing_case: int | None = None
        if not ids and given and family:
            # the duplicate rule of a new case (names compared without case, accents, spacing)
            found = case_service.find_duplicate_person(
                session=session, organization_id=org.id, person=person
            )
            if found is not None:
                existing_case = found[0].id
                matched_by = (
                    "register_number" if found[1].startswith("register") else "name_and_birth"
                )
        match = ScreeningMatch(
            run_id=run.id,
            roster_person_id=str(row["person_id"]),
            outcome=str(row["outcome"]),
            matched_by=matched_by or None,
        )
        if len(ids) > 1:
            match.status = "ambiguous"
            match.candidates = ",".join(str(i) for i in ids)
            saved.ambiguous.append((match.roster_person_id, match.candidates))
        elif len(ids) == 1:
            match.status = "existing"
            match.case_id = session.scalar(select(Case.id).where(Case.person_id == ids[0]))
        elif existing_case is not None:
            match.status = "existing"
            match.case_id = existing_case
        elif not (given and family):
            match.status = "unidentified"
        else:
            try:
                with session.begin_nested():
                    case = case_service.create_case(
                        session=session,
                        user=actor,
                        organization_id=org.id,
                        reference=f"screen-{run.id}-{row['person_id']}"[:64],
                        person=person,
                        jurisdiction=_text(row, ("jurisdiction",)) or result.ruleset.jurisdiction,
                        stage="intake",
                        summary=(
                            f"Opened from screening run {run.id}: {row['outcome']} under "
                            f"{result.ruleset.id} {result.ruleset.version} as of {result.as_of}."
                        ),
                    )
            except (case_service.DuplicatePerson, BadInput) as error:
                # one row's problem (a duplicate stored meanwhile, a value the checks refuse):
                # reported on its line, the rest of the roster is imported
                match.status = "refused"
                saved.refused.append((match.roster_person_id, error.message))
            else:
                match.status = "created"
                match.case_id = case.id
        session.add(match)
        session.flush()
        saved.counts[match.status] = saved.counts.get(match.status, 0) + 1
    return saved


def save(
    result: ScreeningResult,
    *,
    db_url: str | None,
    run_by: str | None,
    organization: str | None = None,
    import_cases: bool = False,
) -> Saved:
    """Store the run (and, with ``import_cases``, intake cases) in one transaction."""
    from clemency.config import get_settings
    from clemency.db.session import make_engine, unit_of_work

    if import_cases and not organization:
        raise BadInput("importing cases needs the organization they belong to: pass --org SLUG")
    who = run_by or getpass.getuser()
    engine = make_engine(db_url or get_settings().database_url)
    try:
        with unit_of_work(engine) as session:
            from clemency.audit import service as audit

            audit.set_origin(session=session, source="cli")
            run = record_run(session=session, result=result, run_by=who)
            if import_cases and organization:
                return import_people(
                    session=session, run=run, result=result, organization=organization, run_by=who
                )
            return Saved(run_id=run.id)
    finally:
        engine.dispose()
