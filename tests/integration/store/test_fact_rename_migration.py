"""The fact-renames migration (issue #11, one fact for one thing) renames stored case facts and
form answers, negating ``convicted_since_sentence_completed`` into
``law_abiding_since_completion``, and keeps the row already under the kept name."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from clemency.db.migrate import upgrade
from clemency.db.session import make_engine
from clemency.eligibility import validate_facts
from clemency.errors import FactsError


def test_stored_facts_with_old_names_are_renamed(database_url: str) -> None:
    upgrade(database_url, "sec_files")
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
                        " (:id, 1, :ref, :id, 'intake', 'us-ga', false,"
                        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
                    ),
                    {"id": case_id, "ref": f"R{case_id}"},
                )
            rows = [
                (1, "convicted_since_sentence_completed", "true"),
                (1, "supervision_discharge_date", '"2018-06-30"'),
                (2, "convicted_since_sentence_completed", "false"),
                (2, "supervision_discharge_date", '"2019-01-01"'),
                (2, "supervision_end_date", '"2019-09-30"'),  # the kept row wins
            ]
            for case_id, name, value in rows:
                connection.execute(
                    text(
                        "INSERT INTO case_facts (case_id, name, value_json, created_at,"
                        " updated_at, version) VALUES (:case, :name, :value,"
                        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
                    ),
                    {"case": case_id, "name": name, "value": value},
                )
            connection.execute(
                text(
                    "INSERT INTO petition_answers (case_id, key, text, created_at, updated_at,"
                    " version) VALUES (1, 'facts.supervision_discharge_date', '2018-06-30',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)"
                )
            )
        upgrade(database_url)
        with engine.connect() as connection:
            facts = connection.execute(
                text("SELECT case_id, name, value_json FROM case_facts ORDER BY case_id, name")
            ).all()
            answers = connection.execute(text("SELECT key FROM petition_answers")).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in facts] == [
        (1, "law_abiding_since_completion", "false"),
        (1, "supervision_end_date", '"2018-06-30"'),
        (2, "law_abiding_since_completion", "true"),
        (2, "supervision_end_date", '"2019-09-30"'),
    ]
    assert [r[0] for r in answers] == ["facts.supervision_end_date"]


def test_an_old_fact_name_is_refused_with_its_new_name() -> None:
    with pytest.raises(FactsError, match=r"renamed `law_abiding_since_completion`.*negated"):
        validate_facts({"convicted_since_sentence_completed": True})
    with pytest.raises(FactsError, match=r"renamed `supervision_end_date`: rename it\."):
        validate_facts({"supervision_discharge_date": "2020-01-01"})
