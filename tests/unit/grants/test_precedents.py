"""Precedents: the most similar granted people, scored and explained."""

from __future__ import annotations

import itertools
from datetime import date
from functools import cache

import pytest

from clemency.errors import FactsError
from clemency.grants.parser import parse_html
from clemency.grants.precedents import find_precedents
from clemency.grants.schemas import Grant
from clemency.grants.sources import parse_source
from tests.conftest import DOJ_PAGES


@cache
def real_grants() -> tuple[Grant, ...]:
    files = sorted(DOJ_PAGES.glob("*.html"))
    if not files:
        pytest.skip("shared data missing")
    return tuple(g for path in files for g in parse_source(path).grants)


COMMUTATIONS = """<html><head><title>Commutations Granted by President Jane Q. Public</title></head><body>
<h1>Commutations Granted by President Jane Q. Public</h1><article>
<h2>June 6, 2030</h2>
<table><tr><th>NAME</th><th>DISTRICT</th><th>SENTENCED</th><th>OFFENSE</th></tr>
<tr><td>Lifer One</td><td>W.D. Tenn.</td><td>Life imprisonment (March 21, 2000)</td><td>Conspiracy to possess cocaine, 21 U.S.C. § 846</td></tr>
<tr><td>Ten Years</td><td>W.D. Tenn.</td><td>120 months' imprisonment (March 1, 2020)</td><td>Distribution of cocaine, 21 U.S.C. § 841</td></tr>
<tr><td>Fraud Person</td><td>D. Minn.</td><td>24 months' imprisonment (May 1, 2028)</td><td>Wire fraud, 18 U.S.C. § 1343</td></tr>
</table></article></body></html>"""


@cache
def commutations() -> tuple[Grant, ...]:
    return tuple(parse_html(COMMUTATIONS, source_file="c.html").grants)


def test_same_district_statute_and_category_ranks_first() -> None:
    facts = {
        "offense_category": "drug",
        "conviction_court": "federal_district",
        "district": "District of Minnesota",
        "statutes": ["21 U.S.C. § 841(a)(1)"],
        "sentence_months": 120,
    }
    grants = list(real_grants())
    before = [g.model_copy() for g in grants[:3]]
    found = find_precedents(facts, grants, limit=5)
    assert len(found) == 5
    best = found[0]
    assert best.name == "Lesley Claywood Berry, Jr."
    assert best.score == 7.5
    assert [(r.factor, r.points) for r in best.reasons] == [
        ("offense_category", 3.0),
        ("statutes", 3.0),
        ("district", 1.5),
    ]
    assert best.reasons[2].explanation == "same court: District of Minnesota"
    assert "21 U.S.C. § 841" in best.reasons[1].explanation
    assert all(p.score <= best.score for p in found)
    assert grants[:3] == before  # pure: the grants are not changed


def test_life_sentences_and_time_served_are_compared() -> None:
    facts = {
        "offense_category": "drug",
        "conviction_court": "federal_district",
        "district": "W.D. Tenn.",
        "is_life_sentence": True,
        "custody_start_date": "2000-01-15",
        "is_in_custody": True,
    }
    found = find_precedents(facts, list(commutations()), as_of=date(2030, 6, 6))
    assert [p.name for p in found] == ["Lifer One", "Ten Years"]
    lifer = found[0]
    factors = {r.factor: r for r in lifer.reasons}
    assert factors["sentence_length"].explanation == "both life sentences"
    # a person in custody seeks a commutation: sentence and time served weigh most
    assert factors["sentence_length"].points == 3.0
    assert factors["time_served"].points == round(2.0 * (30.2 * 12) / (30.4 * 12), 2) == 1.99
    assert factors["kind"].points == 2.0
    assert lifer.relief_sought == "commutation"
    assert "sentence_length" not in {r.factor for r in found[1].reasons}


def test_sentence_length_similarity_scales_with_the_ratio() -> None:
    facts = {"sentence_months": 100}
    found = find_precedents(facts, list(commutations()))
    assert [(p.name, p.score) for p in found] == [("Ten Years", round(2.0 * 100 / 120, 2))]


def test_nothing_in_common_gives_no_precedent() -> None:
    assert find_precedents({"offense_category": "sex"}, list(real_grants())) == []
    assert find_precedents({}, list(real_grants())) == []


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"offense_category": "littering"}, "offense_category"),
        ({"district": "Narnia"}, "district"),
        ({"statutes": ["section nine"]}, "statutes"),
        ({"custody_start_date": "last year"}, "custody_start_date"),
    ],
)
def test_bad_facts_are_refused_with_the_fact_named(facts: dict[str, object], message: str) -> None:
    with pytest.raises(FactsError, match=message):
        find_precedents(facts, list(commutations()), as_of=date(2030, 1, 1))


@cache
def obama_commutations() -> tuple[Grant, ...]:
    from tests.unit.grants.test_commutations_csv import parsed

    return tuple(parsed().grants)


ALICE = {
    "offense_category": "drug",
    "conviction_court": "federal_district",
    "district": "W.D. Tenn.",
    "is_life_sentence": True,
    "custody_start_date": "1996-10-31",
    "is_in_custody": True,
}


def test_a_life_drug_case_in_custody_finds_life_drug_commutations_with_their_terms() -> None:
    grants = [*real_grants(), *obama_commutations()]
    found = find_precedents(ALICE, grants, as_of=date(2018, 6, 1), limit=10)
    assert len(found) == 10
    for precedent in found:
        assert precedent.kind == "commutation"
        assert precedent.category == "drug"
        assert precedent.original_sentence == "life"
        assert precedent.terms is not None
        assert precedent.terms_text is not None
        assert {r.factor for r in precedent.reasons} >= {
            "offense_category",
            "sentence_length",
            "kind",
        }
    # the same district, where the list has one, ranks above the others
    best = found[0]
    assert "district" in {r.factor for r in best.reasons}
    assert best.court == "Western District of Tennessee"


def test_ties_are_broken_by_the_closest_time_served_then_sentence_then_recency() -> None:
    grants = list(obama_commutations())
    facts = {**ALICE, "district": None}
    found = find_precedents(facts, grants, as_of=date(2016, 1, 1), limit=40)
    served_case = (date(2016, 1, 1) - date(1996, 10, 31)).days / 30.4375 / 12
    for first, second in itertools.pairwise(found):
        if first.score != second.score:
            assert first.score > second.score
            continue
        gap_first = abs((first.time_served_years or 1e9) - served_case)
        gap_second = abs((second.time_served_years or 1e9) - served_case)
        # time served is rounded to 0.1 year on the precedent (each off by 0.05 at most)
        assert gap_first <= gap_second + 0.1 + 1e-9
    scores = [p.score for p in found]
    assert len(set(scores)) < len(scores), "the check above must meet at least one tie"


def test_a_pardon_seeker_weighs_offense_over_sentence() -> None:
    grants = [*real_grants(), *obama_commutations()]
    facts = {**ALICE, "is_in_custody": False}
    found = find_precedents(facts, grants, as_of=date(2020, 8, 1), limit=5)
    assert all(p.relief_sought == "pardon" for p in found)
    for precedent in found:
        factors = {r.factor: r.points for r in precedent.reasons}
        assert factors.get("sentence_length", 0) <= 1.0
        assert "time_served" not in factors
    explicit = find_precedents({**facts, "relief_sought": "commutation"}, grants, limit=3)
    assert all(p.kind == "commutation" for p in explicit)
    with pytest.raises(FactsError, match="relief_sought"):
        find_precedents({**facts, "relief_sought": "parole"}, grants)
