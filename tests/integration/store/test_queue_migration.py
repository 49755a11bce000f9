"""The work-queues migration copies ``eligible_on`` out of determinations stored before it."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import text

from clemency.db.migrate import upgrade
from clemency.db.session import make_engine


def test_the_migration_fills_eligible_on_from_stored_determinations(database_url: str) -> None:
    upgrade(database_url, "0003")
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organizations (id, slug, name, created_at, updated_at, version)"
                    " VALUES (1, 'o', 'O', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
                )
            )
            for case_id in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO people (id, given_name, family_name, created_at, updated_at,"
                        " version) VALUES (:id, 'A', 'B', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
                    ),
                    {"id": case_id},
                )
                connection.execute(
                    text(
                        "INSERT INTO cases (id, organization_id, reference, person_id, stage,"
                        " jurisdiction, is_synthetic, created_at, updated_at, version) VALUES"
                        " (:id, 1, :ref, :id, 'intake', 'us-federal', false,"
                        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
                    ),
                    {"id": case_id, "ref": f"R{case_id}"},
                )
            for case_id, outcome, doc in (
                (1, "ineligible", {"outcome": "ineligible", "eligible_on": "2027-03-01"}),
                (2, "eligible", {"outcome": "eligible", "eligible_on": None}),
            ):
                connection.execute(
                    text(
                        "INSERT INTO case_screenings (case_id, ruleset_id, outcome, as_of,"
                        " determination_json, screened_at) VALUES (:case, 'us-federal/pardon',"
                        " :outcome, '2027-01-01', :doc, CURRENT_TIMESTAMP)"
                    ),
                    {"case": case_id, "outcome": outcome, "doc": json.dumps(doc)},
                )
        upgrade(database_url)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT case_id, eligible_on FROM case_screenings ORDER BY case_id")
            ).all()
    finally:
        engine.dispose()
    found = [
        (case_id, value if value is None or isinstance(value, date) else date.fromisoformat(value))
        for case_id, value in rows
    ]  # SQLite returns the text of the date
    assert found == [(1, date(2027, 3, 1)), (2, None)]
