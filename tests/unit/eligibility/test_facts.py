"""The fact vocabulary: coercion of JSON/CSV values, refusal of unknown names and wrong types."""

from __future__ import annotations

import re
from datetime import date
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
