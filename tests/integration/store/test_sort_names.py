"""The name sort key on ``cases`` (``sort_family_name``, ``sort_given_name``): a copy of the
person's names that follows every way names are written, and that the migration fills in for
cases that existed before it, without touching what the case says about its own changes."""

from __future__ import annotations

import io
import subprocess
import sys
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session

from clemency.cases import service as cases
from clemency.cases import transfer
from clemency.cases.access import Operator
from clemency.cases.models import Case
from clemency.db.migrate import alembic_config, upgrade
from clemency.db.session import make_engine
from clemency.testing.factories import World, make_case

OPERATOR = Operator("cli:test")


def _key_and_stamp(session: Session, case_id: int) -> tuple[Any, ...]:
    row = session.execute(
        text(
            "SELECT sort_family_name, sort_given_name, version, updated_at FROM cases"
            " WHERE id = :id"
        ),
        {"id": case_id},
    ).one()
    return tuple(row)


def test_the_sort_key_follows_a_new_case_a_renamed_person_and_an_import(
    session: Session, world: World
) -> None:
    admin = world.users[("a", "admin")]
    case = make_case(
        session, admin, world.orgs["a"], person={"given_name": "Émile", "family_name": "Dupré"}
    )
    session.commit()
    family, given, version, updated_at = _key_and_stamp(session, case.id)
    assert (family, given) == ("Dupré", "Émile")

    cases.update_person(
        session=session,
        user=admin,
        case_id=case.id,
        expected_version=case.person.version,
        changes={"family_name": "dupre", "given_name": "Emile"},
    )
    session.commit()
    # The copy follows the person, and is no change of the case: its version (what an open
    # case form was loaded at) and its last-changed time stay.
    assert _key_and_stamp(session, case.id) == ("dupre", "Emile", version, updated_at)

    cases.update_person(
        session=session,
        user=admin,
        case_id=case.id,
        expected_version=case.person.version,
        changes={"middle_name": "Marie"},
    )
    session.commit()
    assert _key_and_stamp(session, case.id)[:2] == ("dupre", "Emile")

    exported = io.StringIO()
    transfer.write_documents(
        transfer.export_cases(session=session, user=OPERATOR), exported, "json"
    )
    line = next(line for line in exported.getvalue().splitlines() if case.reference in line)
    moved = line.replace(case.reference, "IMPORTED-1").replace("dupre", "Nakamura")
    report = transfer.import_cases(
        session=session, user=OPERATOR, rows=transfer.read_documents(moved, "json")
    )
    session.commit()
    assert report.problems == []
    imported = session.scalars(select(Case).where(Case.reference == "IMPORTED-1")).one()
    assert _key_and_stamp(session, imported.id)[:2] == ("Nakamura", "Emile")


def test_a_process_that_never_imports_the_search_still_keeps_its_words_and_sort_key(
    database_url: str, request: pytest.FixtureRequest
) -> None:
    """A command-line import or demo seeding loads the store, not the search: the listener
    must run there too, or its cases would be missing from searches. (Which listeners a
    process registers does not depend on the backend: SQLite alone, to save a process.)"""
    if not database_url.startswith("sqlite"):
        pytest.skip("the same on PostgreSQL: registering the listener is backend-independent")
    engine: Engine = request.getfixturevalue("engine")
    script = (
        "import sys\n"
        "from clemency.db.session import make_engine, unit_of_work\n"
        "from clemency.testing.factories import make_case, make_world\n"
        f"with unit_of_work(make_engine({database_url!r})) as session:\n"
        "    world = make_world(session)\n"
        "    make_case(session, world.users[('a', 'admin')], world.orgs['a'], reference='CLI-1',\n"
        "              person={'given_name': 'Wanjiru', 'family_name': 'Kamau'})\n"
        "    assert 'clemency.search.listing' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    with engine.connect() as connection:
        key = connection.execute(
            text("SELECT sort_family_name, sort_given_name FROM cases WHERE reference = 'CLI-1'")
        ).one()
        words = connection.scalars(
            text(
                "SELECT term FROM case_search_terms JOIN cases ON cases.id = case_id"
                " WHERE reference = 'CLI-1' ORDER BY term"
            )
        ).all()
    assert tuple(key) == ("Kamau", "Wanjiru")
    assert words == ["1", "cli", "kamau", "wanjiru"]


def _insert_case(connection: Any, case_id: int, family: str, given: str) -> None:
    connection.execute(
        text(
            "INSERT INTO people (id, given_name, family_name, created_at, updated_at, version)"
            " VALUES (:id, :given, :family, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
        ),
        {"id": case_id, "given": given, "family": family},
    )
    connection.execute(
        text(
            "INSERT INTO cases (id, organization_id, reference, person_id, stage, jurisdiction,"
            " is_synthetic, created_at, updated_at, version) VALUES (:id, 1, :ref, :id,"
            " 'intake', 'us-ga', false, '2020-01-02 03:04:05', '2021-02-03 04:05:06', 7)"
        ),
        {"id": case_id, "ref": f"R{case_id}"},
    )


def _case_columns(engine: Engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("cases")}


def test_the_migration_copies_existing_names_and_its_downgrade_removes_the_copy(
    database_url: str,
) -> None:
    upgrade(database_url, "ops_jobs_mail")
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organizations (id, slug, name, created_at, updated_at, version)"
                    " VALUES (1, 'o', 'O', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
                )
            )
            _insert_case(connection, 1, "Øster", "Åse")
            _insert_case(connection, 2, "Okafor", "Chidi")
        stamps = "SELECT id, version, updated_at FROM cases ORDER BY id"
        with engine.connect() as connection:
            before = connection.execute(text(stamps)).all()
        upgrade(database_url)
        with engine.connect() as connection:
            keys = connection.execute(
                text("SELECT id, sort_family_name, sort_given_name FROM cases ORDER BY id")
            ).all()
            after = connection.execute(text(stamps)).all()
        assert [tuple(row) for row in keys] == [(1, "Øster", "Åse"), (2, "Okafor", "Chidi")]
        assert after == before

        command.downgrade(alembic_config(database_url), "ops_jobs_mail")
        engine.dispose()  # forget the table layout cached on SQLite connections
        assert {"sort_family_name", "sort_given_name"}.isdisjoint(_case_columns(engine))
        with engine.connect() as connection:
            assert connection.execute(text(stamps)).all() == before
    finally:
        engine.dispose()
