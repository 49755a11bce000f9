"""`--save`: the run is on record, and intake imports people once, never twice.

Runs on SQLite and PostgreSQL (``database_url``). The schema comes from
``Base.metadata.create_all``: the lead generates the Alembic migration for these tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import clemency
from clemency.accounts.models import Organization
from clemency.cases.access import Operator
from clemency.cases.models import Case, Person
from clemency.cli.main import app
from clemency.db.models import Base
from clemency.db.session import make_engine, session_factory, unit_of_work
from clemency.errors import NotFound
from clemency.screening import record, service
from clemency.screening.models import ScreeningMatch, ScreeningRun
from clemency.testing.factories import make_case, make_organization

HEADER = (
    "person_id,bop_register_number,first_name,last_name,date_of_birth,conviction_court,"
    "is_in_custody,sentence_type,latest_release_date,sentence_date,on_supervision,resides_in_us,"
    "is_deceased,offense_level,was_confined,supervision_end_date"
)
TAIL_OK = "federal_district,false,prison,2010-01-01,2005-01-01,false,true,false,felony,,"
TAIL_REVIEW = "federal_district,false,prison,2010-01-01,2005-01-01,,true,false,felony,,"
TAIL_STATE = "state,false,prison,2010-01-01,2005-01-01,false,true,false,felony,,"
ROWS = [
    f"R1,11111-111,Ana,Smith,1970-01-01,{TAIL_OK}",  # stored by register number
    f"R2,,Luis,Garcia,1980-02-29,{TAIL_OK}",  # stored by name and birth date
    f"R3,22222-222,Mary,Jones,1975-05-05,{TAIL_REVIEW}",  # new, needs review
    f"R4,,Keisha,Brown,1960-06-06,{TAIL_OK}",  # two stored people match
    f"R5,,,,1960-06-06,{TAIL_OK}",  # no name
    f"R6,44444-444,John,Doe,1965-01-01,{TAIL_STATE}",  # ineligible: not imported
    f"R7,33333-333,Ana,Smith,1970-01-01,{TAIL_OK}",  # same name and birth as R1, other number
    f"R8,55555-555,Twin,One,1990-01-01,{TAIL_OK}",  # a repeated person_id: which row is whom?
    f"R8,66666-666,Twin,Two,1990-01-01,{TAIL_OK}",
]
# after 2024-05-31: the pardon residence rule is vouched for only from then (basis: knowledge)
AS_OF = date(2024, 6, 3)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n")
    return path


@pytest.fixture
def org_slug(engine: Engine) -> str:
    """An organization whose store already holds Ana Smith, Luis Garcia and two Keisha Browns."""
    operator = Operator("cli:test")
    with unit_of_work(engine) as session:
        org = make_organization(session, "clinic")
        people = [
            {
                "given_name": "Ana",
                "family_name": "Smith",
                "date_of_birth": date(1970, 1, 1),
                "bop_register_number": "11111-111",
            },
            {"given_name": "luis", "family_name": "GARCIA", "date_of_birth": date(1980, 2, 29)},
            {"given_name": "Keisha", "family_name": "Brown", "date_of_birth": date(1960, 6, 6)},
            {"given_name": "Keisha", "family_name": "Brown", "date_of_birth": date(1960, 6, 6)},
        ]
        for person in people:  # the two Keisha Browns are stored as different people on purpose
            make_case(session, operator, org, person=person, confirm_different_person=True)
    return "clinic"


def counts(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(Case)) or 0,
        session.scalar(select(func.count()).select_from(Person)) or 0,
    )


def test_saved_run_records_ruleset_roster_hash_counts_and_who(
    engine: Engine, database_url: str, roster: Path, tmp_path: Path
) -> None:
    ruleset = service.load("us-federal/pardon")
    result = service.screen(roster, ruleset, AS_OF, tmp_path / "out.parquet")
    saved = record.save(result, db_url=database_url, run_by="analyst")
    with session_factory(engine)() as session:
        run = session.get(ScreeningRun, saved.run_id)
        assert run is not None
        assert (run.ruleset_id, run.ruleset_sha256, run.as_of) == (
            ruleset.id,
            ruleset.sha256,
            AS_OF,
        )
        assert run.roster_sha256 == hashlib.sha256(roster.read_bytes()).hexdigest()
        assert (run.rows, run.eligible, run.needs_review, run.ineligible, run.invalid) == (
            9,
            7,
            1,
            1,
            0,
        )
        assert run.run_by == "analyst"
        assert run.clemency_version == clemency.__version__
        assert run.summary["outcomes"]["eligible"] == 7
        assert run.matches == []


def test_import_opens_cases_only_for_people_not_yet_stored(
    engine: Engine, database_url: str, roster: Path, tmp_path: Path, org_slug: str
) -> None:
    result = service.screen(roster, service.load("us-federal/pardon"), AS_OF, tmp_path / "o.csv")
    with session_factory(engine)() as session:
        before = counts(session=session)
    saved = record.save(
        result, db_url=database_url, run_by="analyst", organization=org_slug, import_cases=True
    )
    assert saved.counts == {"existing": 2, "created": 2, "ambiguous": 1, "unidentified": 1}
    with session_factory(engine)() as session:
        assert counts(session=session) == (before[0] + 2, before[1] + 2)
        matches = {
            m.roster_person_id: m
            for m in session.scalars(
                select(ScreeningMatch).where(ScreeningMatch.run_id == saved.run_id)
            )
        }
        assert set(matches) == {"R1", "R2", "R3", "R4", "R5", "R7"}
        assert (matches["R1"].status, matches["R1"].matched_by) == ("existing", "register_number")
        assert (matches["R2"].status, matches["R2"].matched_by) == ("existing", "name_and_birth")
        assert matches["R3"].status == "created"
        assert matches["R3"].outcome == "needs_review"
        assert matches["R4"].status == "ambiguous"
        assert len((matches["R4"].candidates or "").split(",")) == 2
        assert matches["R4"].case_id is None
        assert matches["R5"].status == "unidentified"
        assert matches["R7"].status == "created"  # same name and birth, other register number
        new = session.get(Case, matches["R3"].case_id)
        assert new is not None
        assert new.stage == "intake"
        assert new.person.bop_register_number == "22222-222"

    # The same roster imported again opens nothing new.
    again = record.save(
        result, db_url=database_url, run_by="analyst", organization=org_slug, import_cases=True
    )
    assert again.counts == {"existing": 4, "ambiguous": 1, "unidentified": 1}
    with session_factory(engine)() as session:
        assert counts(session=session) == (before[0] + 2, before[1] + 2)


def test_unknown_organization_stores_nothing(
    engine: Engine, database_url: str, roster: Path, tmp_path: Path
) -> None:
    result = service.screen(roster, service.load("us-federal/pardon"), AS_OF, tmp_path / "o.csv")
    with pytest.raises(NotFound):
        record.save(result, db_url=database_url, run_by="x", organization="nope", import_cases=True)
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(ScreeningRun)) == 0
        assert counts(session=session) == (0, 0)


def test_save_from_the_command_line(
    engine: Engine, database_url: str, roster: Path, tmp_path: Path, org_slug: str
) -> None:
    result = CliRunner().invoke(
        app,
        [
            "screen",
            str(roster),
            "--ruleset",
            "us-federal/pardon",
            "--as-of",
            AS_OF.isoformat(),
            "--out",
            str(tmp_path / "o.parquet"),
            "--save",
            "--db",
            database_url,
            "--import-cases",
            "--org",
            org_slug,
            "--by",
            "analyst",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Saved as screening run" in result.stdout
    assert "ambiguous: roster R4 matches stored people" in result.stdout
    with session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(ScreeningRun)) == 1


def test_import_cases_without_org_is_a_usage_error(roster: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "screen",
            str(roster),
            "--ruleset",
            "us-federal/pardon",
            "--as-of",
            "2024-01-02",
            "--out",
            str(tmp_path / "o.csv"),
            "--save",
            "--import-cases",
        ],
    )
    assert result.exit_code == 2
    assert not (tmp_path / "o.csv").exists()


def test_import_links_a_person_the_duplicate_rule_finds_and_reports_a_refused_row(
    engine: Engine, database_url: str, tmp_path: Path, org_slug: str
) -> None:
    """Issue #14's duplicate rule on import: a stored person written differently (accents,
    spacing, letter case) is linked, not created a second time (create_case would refuse it
    with 409); someone stored only in *another* organization is not linked there; a row the
    case checks refuse is reported on its line while the rest is imported."""
    operator = Operator("cli:test")
    with unit_of_work(engine) as session:
        clinic = session.scalars(select(Organization).where(Organization.slug == org_slug)).one()
        org_id = clinic.id
        stored = make_case(
            session,
            operator,
            clinic,
            person={
                "given_name": "José",
                "family_name": "Núñez",
                "date_of_birth": date(1972, 3, 4),
            },
        )
        stored_id = stored.id
        other = make_organization(session, "elsewhere")
        make_case(
            session,
            operator,
            other,
            person={
                "given_name": "Olga",
                "family_name": "Other",
                "date_of_birth": date(1966, 6, 6),
                "bop_register_number": "77777-777",
            },
        )
    path = tmp_path / "roster.csv"
    rows = [
        f"N1,,jose,NUNEZ ,1972-03-04,{TAIL_OK}",  # the stored José Núñez, written plainly
        f"N2,77777-777,Olga,Other,1966-06-06,{TAIL_OK}",  # stored only in another organization
        f"N3,,Future,Born,2999-01-01,{TAIL_OK}",  # refused: a birth date in the future
        f"N4,88888-888,New,Person,1980-01-01,{TAIL_OK}",  # new
    ]
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    result = service.screen(path, service.load("us-federal/pardon"), AS_OF, tmp_path / "o.csv")
    saved = record.save(
        result, db_url=database_url, run_by="analyst", organization=org_slug, import_cases=True
    )
    assert saved.counts == {"existing": 1, "created": 2, "refused": 1}
    assert [person for person, _why in saved.refused] == ["N3"]
    assert "in the future" in saved.refused[0][1]
    assert any(line.startswith("  refused: roster N3:") for line in saved.lines())
    with session_factory(engine)() as session:
        matches = {
            m.roster_person_id: m
            for m in session.scalars(
                select(ScreeningMatch).where(ScreeningMatch.run_id == saved.run_id)
            )
        }
        assert (matches["N1"].status, matches["N1"].case_id) == ("existing", stored_id)
        assert matches["N1"].matched_by == "name_and_birth"
        assert matches["N2"].status == "created"  # not linked to the other organization's case
        created = session.get(Case, matches["N2"].case_id)
        assert created is not None
        assert created.organization_id == org_id
        assert (matches["N3"].status, matches["N3"].case_id) == ("refused", None)
        assert matches["N4"].status == "created"
        assert (
            session.scalar(
                select(func.count()).select_from(Person).where(Person.family_name == "Núñez")
            )
            == 1
        )
