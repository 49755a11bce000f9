from datetime import date

import pytest

from clemency.errors import FactsError
from clemency.petitions.intake import FactInfo, parse_answer, rank

FACTS = {
    "release_date": FactInfo("date", "Release from confinement for the most recent conviction."),
    "on_supervision": FactInfo("bool", "Currently on probation, parole or supervised release."),
    "sentence_type": FactInfo(
        "enum", "Kind of sentence.", ("prison", "probation", "fine_only", "death")
    ),
}


def test_questions_are_ordered_by_rules_settled() -> None:
    questions = rank(
        {
            "us-federal.pardon.waiting_period": ["release_date", "sentence_type"],
            "us-federal.pardon.not_on_supervision": ["on_supervision"],
            "us-federal.pardon.sentence_completed": ["release_date"],
        },
        FACTS,
    )
    assert [q.fact for q in questions] == ["release_date", "on_supervision", "sentence_type"]
    assert questions[0].weight == 2
    assert questions[0].prompt == "When was the person last released from prison for this sentence?"
    assert "Settles 2 rules" in questions[0].help


def test_answers_are_typed_and_bad_ones_explained() -> None:
    by_fact = {q.fact: q for q in rank({"r": list(FACTS)}, FACTS)}
    date_q, bool_q, enum_q = (
        by_fact[f] for f in ("release_date", "on_supervision", "sentence_type")
    )
    assert parse_answer(date_q, "2018-06-06") == date(2018, 6, 6)
    assert parse_answer(bool_q, "yes") is True
    assert parse_answer(bool_q, " ") is None
    assert parse_answer(enum_q, "prison") == "prison"
    with pytest.raises(FactsError, match="release_date: '6/6/2018' is not a valid answer"):
        parse_answer(date_q, "6/6/2018")
    with pytest.raises(FactsError, match="choose one of prison"):
        parse_answer(enum_q, "jail")
