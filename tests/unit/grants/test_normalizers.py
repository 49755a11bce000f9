"""Courts, statutes, sentences and names, one spelling at a time."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clemency.grants.districts import (
    COURTS,
    FEDERAL_DISTRICT_IDS,
    normalize_court,
    split_trailing_court,
)
from clemency.grants.names import parse_name
from clemency.grants.sentences import parse_sentence, split_trailing_date
from clemency.grants.statutes import extract_statutes


def test_there_are_94_federal_districts_each_reachable_by_its_full_name() -> None:
    assert len(FEDERAL_DISTRICT_IDS) == 94
    for court_id in FEDERAL_DISTRICT_IDS:
        match = normalize_court(COURTS[court_id].name)
        assert match is not None, court_id
        assert match.court.id == court_id


@pytest.mark.parametrize(
    ("text", "court_id"),
    [
        ("D. Minn.", "mnd"),
        ("District of Minnesota", "mnd"),
        ("D.Minn.", "mnd"),
        ("M. D. Tenn.", "tnmd"),
        ("W.D. Tenn.", "tnwd"),
        ("W.D. TN", "tnwd"),
        ("Western District of Tennessee", "tnwd"),
        ("S.D. OH", "ohsd"),
        ("E.D. VA", "vaed"),
        ("D. S. C.", "scd"),
        ("D.S.C.", "scd"),
        ("D. S.D.", "sdd"),
        ("D. N. D.", "ndd"),
        ("D. N. M.", "nmd"),
        ("N. D. W. Va.", "wvnd"),
        ("S.D. W. Va.", "wvsd"),
        ("E. D. N. C.", "nced"),
        ("S. D. N. Y.", "nysd"),
        ("D. P. R.", "prd"),
        ("D.D.C.", "dcd"),
        ("District of Columbia", "dcd"),
        ("District of the Virgin Islands", "vid"),
        ("D. Ore.", "ord"),
        ("D. Col.", "cod"),
        ("E. D. Tex", "txed"),
        ("S. (now Central) D. Ill.", "ilsd"),
        ("2.D. S. D.", "sdd"),
        ("D. Canal Zone", "czd"),
        ("Superior Court of the District of Columbia", "dc-superior"),
        ("D.C. Superior Court", "dc-superior"),
        ("U.S. Army general court-martial", "court-martial"),
        ("1. & 2. U.S. Navy summary courts-martial", "court-martial"),
        ("U. S. Air Force special court-martial", "court-martial"),
        ("U.S. Marine Corps general court-martial", "court-martial"),
        ("U.S. Army", "court-martial"),
    ],
)
def test_court_spellings(text: str, court_id: str) -> None:
    match = normalize_court(text)
    assert match is not None, text
    assert match.court.id == court_id


def test_court_martial_branches_and_unknown_courts() -> None:
    assert [
        normalize_court(t).branch
        for t in (
            "U.S. Army",
            "U.S. Navy summary court-martial",
            "U. S. Air Force general court-martial",
            "U.S. Marine Corps general court-martial",
        )
    ] == ["army", "navy", "air_force", "marine_corps"]  # type: ignore[union-attr]
    for text in (
        "Nothern District of Ohio",
        "Middle District of Nowhere",
        "",
        "   ",
        "Orange County Superior Court",
    ):
        assert normalize_court(text) is None, text
    assert split_trailing_court("Bank fraud (District of Oregon)")[:2] == (
        "Bank fraud",
        normalize_court("D. Or."),
    )
    assert split_trailing_court("Wire fraud (four counts)") == (
        "Wire fraud (four counts)",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("text", "cites"),
    [
        ("Mail fraud, 18 U.S.C. §§ 1341 and 2", ["18 U.S.C. § 1341", "18 U.S.C. § 2"]),
        (
            "Bootlegging, 26 U.S.C. §§ 5174a, 5605, 5632, and 5681",
            ["26 U.S.C. § 5174a", "26 U.S.C. § 5605", "26 U.S.C. § 5632", "26 U.S.C. § 5681"],
        ),
        (
            "Conspiracy, 18 U.S.C. § 371 and 14 U.S.C. §§ 51 and 54",
            ["18 U.S.C. § 371", "14 U.S.C. § 51", "14 U.S.C. § 54"],
        ),
        ("Induction, 50 App. U.S.C. §§ 451 et seq.", ["50 U.S.C. App. § 451"]),
        (
            "Laundering, 18 U.S.C. §§ 1956(a)(2)(A), (a)(2)(B)(1), & (h)",
            ["18 U.S.C. § 1956(a)(2)(A)", "18 U.S.C. § 1956(a)(2)(B)(1)", "18 U.S.C. § 1956(h)"],
        ),
        ("Harboring, 8 U.S.C. § 1324(a)(1)(A)(ii)(iii)", ["8 U.S.C. § 1324(a)(1)(A)(ii)(iii)"]),
        ("Decryption, 47 U.S.C.§ 605(e)(4)", ["47 U.S.C. § 605(e)(4)"]),
        ("IEEPA, 50 U.S. C. §1705", ["50 U.S.C. § 1705"]),
        ("Theft, 18 U.S.C. 1709", ["18 U.S.C. § 1709"]),
        ("Insubordination, Article 91, U.C.M.J.", ["U.C.M.J. art. 91"]),
        (
            "Orders; Articles 89, 92, and 134, U.C.M.J.",
            ["U.C.M.J. art. 89", "U.C.M.J. art. 92", "U.C.M.J. art. 134"],
        ),
        ("Desertion in violation of the 58th Article of War", ["Articles of War art. 58"]),
        ("Distribution, 33 D.C. Code § 441(a)(1)", ["33 D.C. Code § 441(a)(1)"]),
        ("Distribution, D.C. Code § 48-904.01", ["D.C. Code § 48-904.01"]),
        ("Misprision of a felony", []),
        ("(See Proclamation No. 6518; 57 Fed. Reg. 62,145 (1992))", []),
    ],
)
def test_statutes(text: str, cites: list[str]) -> None:
    assert [s.cite for s in extract_statutes(text)] == cites


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "12 years' imprisonment; $350,000 restitution",
            {"prison_months": 144, "restitution_usd": Decimal(350000)},
        ),
        ("One year and one day of imprisonment", {"prison_months": 12, "prison_extra_days": 1}),
        (
            "Three years' imprisonment, suspended; three years' probation",
            {"prison_months": 36, "suspended": True, "probation_months": 36},
        ),
        (
            "Three years' probation, conditioned upon nine months' home confinement",
            {"probation_months": 36, "home_confinement_months": 9, "prison_months": None},
        ),
        (
            "Time served (114 days); five years' supervised release",
            {"time_served": True, "time_served_days": 114, "supervised_release_months": 60},
        ),
        (
            "Life imprisonment; five years' supervised release",
            {"is_life": True, "supervised_release_months": 60},
        ),
        ("$200 million fine", {"fine_usd": Decimal(200_000_000)}),
        ("5,400 hours of community service", {"community_service_hours": 5400}),
        (
            "Forfeiture of all pay and allowances; confinement for 20 years'; dismissal from service",
            {"prison_months": 240, "military_discharge": "dismissal from service"},
        ),
        (
            "three months' residence in a community confinement center",
            {"community_confinement_months": 3},
        ),
        ("Sentence death", {"is_death": True}),
    ],
)
def test_sentences(text: str, expected: dict[str, object]) -> None:
    sentence = parse_sentence(text)
    assert sentence.unparsed == []
    for field, value in expected.items():
        assert getattr(sentence, field) == value, field
    assert sentence.text == text


def test_sentence_dates_and_leftovers() -> None:
    rest, when = split_trailing_date(
        "Three years' imprisonment (September 2, 1983) (as amended July 24, 1985)"
    )
    assert (rest, str(when)) == (
        "Three years' imprisonment (as amended July 24, 1985)",
        "1983-09-02",
    )
    assert split_trailing_date("Two years' probation") == ("Two years' probation", None)
    odd = parse_sentence("Two years' probation; sealed by order of the court")
    assert odd.probation_months == 24
    assert odd.unparsed == ["sealed by order of the court"]


@pytest.mark.parametrize(
    ("text", "name", "aliases"),
    [
        (
            "Kristan Diane Akins, fka Kristan Diane Bullock and Kristan D. Wheeler",
            "Kristan Diane Akins",
            [("fka", "Kristan Diane Bullock"), ("fka", "Kristan D. Wheeler")],
        ),
        ("Little Joe Hatch, aka Joe Hatch, Sr.", "Little Joe Hatch", [("aka", "Joe Hatch, Sr.")]),
        (
            "I. Lewis Libby, aka Scooter Libby, aka Irve Lewis Libby",
            "I. Lewis Libby",
            [("aka", "Scooter Libby"), ("aka", "Irve Lewis Libby")],
        ),
        ("John Doe a/k/a Johnny Doe", "John Doe", [("aka", "Johnny Doe")]),
        ("William Newton Tunnell, Jr.", "William Newton Tunnell, Jr.", []),
        (
            "Barbara Cecil Livenia\n\t\t\tChapman Portwood",
            "Barbara Cecil Livenia Chapman Portwood",
            [],
        ),
    ],
)
def test_names_and_aliases(text: str, name: str, aliases: list[tuple[str, str]]) -> None:
    parsed_name, parsed_aliases = parse_name(text)
    assert parsed_name == name
    assert [(a.kind, a.name) for a in parsed_aliases] == aliases


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_normalizers_never_fail_on_any_text(text: str) -> None:
    sentence = parse_sentence(text)
    assert sentence.text == " ".join(text.replace("\xa0", " ").split())
    extract_statutes(text)
    normalize_court(text)
    parse_name(text)


def test_grant_categories_are_the_fact_vocabulary() -> None:
    """The static Literal of grant categories lists exactly the offense_category fact's values."""
    from clemency.eligibility import FACTS
    from clemency.grants.schemas import CATEGORIES

    assert FACTS["offense_category"].values == CATEGORIES
