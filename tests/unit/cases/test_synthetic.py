"""The synthetic generator is deterministic, covers every stage and marks every case."""

from __future__ import annotations

from collections import Counter

from clemency.cases.demo.synthetic import synthetic_documents
from clemency.cases.models import BOP_REGISTER_RE, OPA_CASE_NUMBER_RE
from clemency.cases.vocab import CASE_STAGES


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
