"""The fact vocabulary: coercion of JSON/CSV values, refusal of unknown names and wrong types."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from clemency.eligibility import FACTS, validate_facts
from clemency.errors import FactsError

CORE = [
    "person_id",
    "jurisdiction",
    "date_of_birth",
    "is_deceased",
    "resides_in_us",
    "conviction_court",
    "conviction_date",
    "sentence_date",
    "offense_level",
    "offense_category",
    "is_violent_offense",
    "is_capital_case",
    "sentence_type",
    "is_life_sentence",
    "sentence_months",
    "custody_start_date",
    "is_in_custody",
    "release_date",
    "on_supervision",
    "has_pending_court_challenge",
    "other_relief_available",
    "exceptional_circumstances",
    "prior_convictions_count",
    "has_significant_criminal_history",
    "has_violence_history",
    "gang_or_cartel_ties",
    "is_low_level_offender",
    "serious_disciplinary_incidents_count",
    "likely_lower_sentence_today",
    "has_critical_illness",
]


def test_every_core_fact_of_the_product_brief_is_in_the_vocabulary() -> None:
    assert set(CORE) <= set(FACTS)
    assert FACTS["conviction_court"].values == (
        "federal_district",
        "dc_superior",
        "court_martial",
        "state",
        "territorial",
    )
    assert FACTS["release_date"].type == "date"
    assert FACTS["sentence_months"].values is None


def test_csv_like_values_are_coerced_to_their_types() -> None:
    facts = validate_facts(
        {
            "release_date": "2018-06-06",
            "is_in_custody": "false",
            "on_supervision": "TRUE",
            "sentence_months": "120",
            "prior_convictions_count": 2,
            "offense_level": "felony",
            "sentence_date": "",
            "is_deceased": None,
            "person_id": 17,
        }
    )
    assert facts == {
        "release_date": date(2018, 6, 6),
        "is_in_custody": False,
        "on_supervision": True,
        "sentence_months": 120,
        "prior_convictions_count": 2,
        "offense_level": "felony",
        "person_id": "17",
    }


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ({"relase_date": "2018-06-06"}, "unknown fact `relase_date`. Did you mean `release_date`?"),
        ({"release_date": "06/06/2018"}, "fact `release_date`: '06/06/2018' is not an ISO date"),
        ({"release_date": "2019-02-29"}, "fact `release_date`"),
        ({"is_in_custody": "maybe"}, "fact `is_in_custody`: 'maybe' is not true or false"),
        ({"sentence_months": "ten"}, "fact `sentence_months`: 'ten' is not a whole number"),
        ({"sentence_months": True}, "fact `sentence_months`"),
        (
            {"offense_level": "felon"},
            "fact `offense_level`: 'felon' is not one of felony, misdemeanor",
        ),
    ],
)
def test_unknown_names_and_wrong_types_are_refused_naming_the_fact(
    raw: dict[str, object], named: str
) -> None:
    with pytest.raises(FactsError) as caught:
        validate_facts(raw)
    assert named in caught.value.message
    assert caught.value.fields["fact"] == next(iter(raw))


def test_docs_facts_md_documents_every_fact_with_its_type() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "facts.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| (\w+) \|", text, flags=re.MULTILINE))
    assert set(rows) == set(FACTS)
    assert all(rows[name] == spec.type for name, spec in FACTS.items())


def test_extra_columns_can_be_skipped_on_request() -> None:
    assert validate_facts({"notes": "x", "is_in_custody": "true"}, ignore_unknown=True) == {
        "is_in_custody": True
    }
    with pytest.raises(FactsError, match="unknown fact `notes`"):
        validate_facts({"notes": "x"})


def test_every_interview_topic_names_only_known_facts() -> None:
    from clemency.eligibility.facts import FACT_TOPICS, RENAMED

    named = set().union(*FACT_TOPICS.values())
    assert named <= set(FACTS), sorted(named - set(FACTS))
    assert not named & set(RENAMED)


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("is_in_custody", 1, True),
        ("is_in_custody", 0, False),
        ("is_in_custody", " Y ", True),
        ("sentence_months", 36.0, 36),
        ("sentence_months", 0, 0),
        ("sentence_months", 2**31 - 1, 2**31 - 1),
        ("release_date", date(2018, 6, 6), date(2018, 6, 6)),
        ("offense_level", " misdemeanor ", "misdemeanor"),
    ],
)
def test_json_numbers_and_python_values_are_read_by_the_facts_type(
    name: str, raw: object, value: object
) -> None:
    assert validate_facts({name: raw}) == {name: value}


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("is_in_custody", 2, "2 is not true or false"),
        ("sentence_months", 36.5, "36.5 is not a whole number"),
        ("sentence_months", -1, "-1 is negative; a count or a number of months is 0 or more"),
        ("sentence_months", 2**31, "2147483648 is too large; at most 2,147,483,647"),
        # a timestamp is not a date: refused rather than a time zone guessed
        ("release_date", datetime(2018, 6, 6, 23, 30), "is not an ISO date YYYY-MM-DD"),
        ("release_date", 20180606, "20180606 is not an ISO date"),
        ("offense_level", 1, "1 is not one of felony, misdemeanor"),
        ("person_id", 1.5, "1.5 is not a text"),
    ],
)
def test_a_value_of_another_type_is_refused_naming_the_fact(
    name: str, raw: object, message: str
) -> None:
    with pytest.raises(FactsError, match=re.escape(f"fact `{name}`: ")) as caught:
        validate_facts({name: raw})
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("old", "hint"),
    [
        ("supervision_discharge_date", "It was renamed `supervision_end_date`: rename it."),
        (
            "convicted_since_sentence_completed",
            "It was renamed `law_abiding_since_completion`: rename it with the value negated",
        ),
        ("zzzz", " Facts are listed in docs/facts.md."),
    ],
)
def test_a_renamed_fact_says_its_new_name(old: str, hint: str) -> None:
    with pytest.raises(FactsError) as caught:
        validate_facts({old: "x"})
    assert hint in caught.value.message
    assert "Did you mean" not in caught.value.message


def test_each_fact_is_asked_under_its_interview_topic() -> None:
    assert FACTS["date_of_birth"].topic == "person"
    assert FACTS["person_id"].topic == "other"  # in no topic: never asked
