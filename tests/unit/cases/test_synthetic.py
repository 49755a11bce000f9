"""The synthetic generator is deterministic, covers every stage and marks every case."""

from __future__ import annotations

from collections import Counter

from clemency.cases.demo.synthetic import synthetic_documents
from clemency.cases.models import BOP_REGISTER_RE
from clemency.cases.vocab import CASE_STAGES
from clemency.petitions.models import OPA_CASE_NUMBER_RE


def _generate(seed: int) -> list[dict[str, object]]:
    return synthetic_documents(
        seed=seed, count=70, organizations=["a", "b"], volunteers={"a": "v@a.example"}
    )


def test_same_seed_same_cases_and_another_seed_other_cases() -> None:
    assert _generate(1) == _generate(1)
    assert _generate(1) != _generate(2)


def test_every_stage_both_organizations_and_all_marked_synthetic() -> None:
    documents = _generate(1)
    assert Counter(d["stage"] for d in documents) == dict.fromkeys(CASE_STAGES, 10)
    assert {d["organization"] for d in documents} == {"a", "b"}
    assert all(d["is_synthetic"] is True for d in documents)
    assert all(str(d["reference"]).startswith("SYN-") for d in documents)


def test_generated_identifiers_have_the_real_shapes_but_a_fictitious_suffix() -> None:
    for document in _generate(3):
        person = document["person"]
        assert isinstance(person, dict)
        number = person["bop_register_number"]
        if number is not None:
            assert BOP_REGISTER_RE.match(number)
            assert number.endswith("-999")
        for petition in document["petitions"]:  # type: ignore[attr-defined]
            if petition["case_number"] is not None:
                assert OPA_CASE_NUMBER_RE.match(petition["case_number"])


def test_victim_records_only_where_an_offense_has_a_victim_and_all_marked_synthetic() -> None:
    from datetime import date

    from clemency.cases import vocab
    from clemency.cases.demo.synthetic import REFERENCE_DAY, VICTIM_CATEGORIES

    documents = _generate(4)
    with_victims = [d for d in documents if d["victim_records"]]
    assert with_victims, "some synthetic cases carry victim records"
    for document in documents:
        records: list[dict[str, object]] = document["victim_records"]  # type: ignore[assignment]
        if not records:
            continue
        convictions: list[dict[str, object]] = document["convictions"]  # type: ignore[assignment]
        assert convictions[0]["offense_category"] in VICTIM_CATEGORIES
        assert document["stage"] not in ("intake", "screening")
        filed = bool(document["petitions"]) and document["petitions"][0]["filed_on"]  # type: ignore[index]
        for record in records:
            assert record["identity"] in vocab.VICTIM_IDENTITIES
            assert record["relation_to_offense"] in vocab.VICTIM_RELATIONSHIPS
            assert record["views_on_clemency"] in vocab.VICTIM_VIEWS
            name = record["full_name"]
            assert (name is None) is (record["identity"] == "withheld")
            assert name is None or str(name).startswith("Synthetic ")
            assert str(record["source"]).startswith("Synthetic demo data")
            if record["notified_on"] is not None:
                assert filed, "notified only of a filed petition"
            for key in ("notified_on", "views_received_on", "outcome_notified_on"):
                value = record[key]
                assert value is None or date.fromisoformat(str(value)) <= REFERENCE_DAY
