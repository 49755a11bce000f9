"""Terms of grant read into ``Terms``, and encoding damage repaired, on sentences written for
the purpose (each a variant seen on the Obama commutation list)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clemency.grants.repair import clean, repair_text
from clemency.grants.terms import describe, parse_terms


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("21 U.S.C. ÃŸÃŸ 846 & 841", "21 U.S.C. §§ 846 & 841"),
        ("33 monthsÃ_ imprisonment", "33 months’ imprisonment"),
        ("also known as Ã¬crackÃ®", "also known as “crack”"),
        ("31 C.F.R. ÃŸ 560.203Ã±4", "31 C.F.R. § 560.203–4"),
        ("18 U.S.C. ÃŸ 924Â©(1)(A)", "18 U.S.C. § 924(c)(1)(A)"),
        ("Terry A. Barnesâ€\xa0â€\xa0â€\xa0", "Terry A. Barnes"),
        ("Offense:â€\xa0", "Offense:"),
    ],
)
def test_encoding_damage_is_repaired(damaged: str, repaired: str) -> None:
    assert clean(damaged) == repaired
    assert repair_text(damaged)[1] is True


def test_correct_text_is_left_alone() -> None:
    for text in ("240 months’ imprisonment", "• Jane Roe – Memphis, TN", "“crack”", "Müller § 2"):
        assert repair_text(text) == (text, False)


def test_a_term_with_drug_treatment() -> None:
    terms = parse_terms(
        "Prison sentence commuted to a term of 240 months' imprisonment, conditioned upon "
        "enrollment in residential drug treatment."
    )
    assert (terms.sentence_commuted, terms.outcome, terms.term_months) == ("prison", "term", 240)
    assert [c.kind for c in terms.conditions] == ["residential_drug_treatment"]
    assert terms.unparsed == []
    assert describe(terms) == "to 240 months; residential drug treatment"


def test_an_expiry_date_with_supervised_release_left_intact() -> None:
    terms = parse_terms(
        "Prison sentence commuted to expire on December 1, 2016, leaving intact and in effect "
        "the five-year term of supervised release with all its conditions and all other "
        "components of the sentence."
    )
    assert (terms.outcome, terms.expires_on) == ("expiry_date", date(2016, 12, 1))
    assert (terms.supervised_release, terms.supervised_release_months) == ("left_intact", 60)
    assert terms.other_components_intact
    assert terms.unparsed == []


def test_money_remitted_in_its_variants() -> None:
    fine = parse_terms(
        "Prison sentence commuted to a term of 292 months’ imprisonment and unpaid balance of "
        "$450,000 money judgment remitted when his sentence expires."
    )
    assert [(r.what, r.amount_usd, r.when) for r in fine.remitted] == [
        ("money_judgment", Decimal("450000"), "when the sentence expires")
    ]
    partial = parse_terms(
        "Prison sentence commuted to a term of 180 months’ imprisonment, and $1,234.56 of the "
        "restitution obligation remitted, conditioned upon enrollment in residential drug "
        "treatment."
    )
    assert [(r.what, r.amount_usd, r.portion) for r in partial.remitted] == [
        ("restitution", Decimal("1234.56"), "amount")
    ]
    unstated = parse_terms(
        "Prison sentence commuted to expire on May 1, 2017, and unpaid balance of fine remitted."
    )
    assert [(r.what, r.amount_usd) for r in unstated.remitted] == [("fine", None)]
    assert unstated.unparsed == []


def test_supervised_release_reduced_and_time_served() -> None:
    reduced = parse_terms(
        "Prison sentence commuted to expire on May 1, 2017, and the 10-year supervised release "
        "term commuted to four years of supervised release, leaving intact and in effect all "
        "its conditions and all other components of the sentence."
    )
    assert (reduced.supervised_release, reduced.supervised_release_months) == ("reduced", 48)
    assert reduced.unparsed == []
    served = parse_terms(
        "Sentence of imprisonment commuted to time served; term of supervised release commuted "
        "in its entirety; and remission of any unpaid balance of the special assessment"
    )
    assert served.outcome == "time_served"
    assert served.supervised_release == "commuted_in_entirety"
    assert [r.what for r in served.remitted] == ["special_assessment"]
    assert served.unparsed == []


def test_what_is_not_understood_is_listed_verbatim() -> None:
    terms = parse_terms(
        "Prison sentence commuted to expire on (120 days), leaving intact and in effect the "
        "10-year term of supervised release with all its conditions and all other components "
        "of the sentence."
    )
    assert terms.outcome is None
    assert terms.unparsed == ["Prison sentence commuted to expire on (120 days)"]
    assert terms.supervised_release_months == 120
    assert describe(terms).endswith("(part not understood)")
    extra = parse_terms(
        "Sentence of imprisonment commuted to a term of 240 months, leaving intact and in "
        "effect the eight-year term of supervised release with all its conditions and all other "
        "components of the sentence, including the $5,000 fine"
    )
    assert extra.term_months == 240
    assert extra.unparsed == ["including the $5,000 fine"]


def test_a_thousands_separator_does_not_split_a_sentence() -> None:
    from clemency.grants.sentences import parse_sentence

    sentence = parse_sentence("1,748 months' imprisonment; five years' supervised release")
    assert sentence.prison_months == 1748
    assert sentence.unparsed == []


def test_the_conditional_pardons_of_january_16_2016_have_their_terms_read() -> None:
    from datetime import date as day

    from clemency.grants.sources import parse_source
    from tests.conftest import DOJ_PAGES

    page = parse_source(DOJ_PAGES / "Barack_Obama_2009-2017.html")
    conditional = [g for g in page.grants if g.terms is not None]
    # the page lists four pardons of January 16, 2016 with "Terms of Grant" (read by eye)
    assert sorted(g.name for g in conditional) == [
        "Bahram Mechanic",
        "Khosrow Afghahi",
        "Nima Golestaneh",
        "Tooraj Faridi",
    ]
    for grant in conditional:
        assert grant.grant_date == day(2016, 1, 16)
        assert grant.terms is not None
        assert grant.terms.full_pardon
        assert grant.terms.outcome is None
        assert [c.kind for c in grant.terms.conditions] == ["waive_claims", "no_financial_benefit"]
        assert grant.terms.unparsed == []
