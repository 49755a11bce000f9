"""The Obama commutation list (FiveThirtyEight's CSV copy of the Justice Department's page),
parsed whole and checked against the file.

The counts are checked against an independent count made here with the csv module alone
(rows labelled "Terms of grant" and values starting "Commutation Grant:", one per person; the
section a person is in is the last date standing alone in the key column). The field checks
use values read off the raw file by eye; each names the file's lines it comes from.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from clemency.grants.commutation_csv import serial_date
from clemency.grants.schemas import Grant, ParsedPage
from clemency.grants.sources import parse_bytes, parse_source
from tests.conftest import REPO_ROOT

BUNDLED = REPO_ROOT / "src" / "clemency" / "grants" / "pages" / "obama_commutations.csv"
# The shared data folder is beside the main checkout (../shared) or beside the worktrees.
SHARED_CANDIDATES = [
    base / "shared" / "data" / "obama-commutations" / "obama_commutations.csv"
    for base in (REPO_ROOT.parent, REPO_ROOT.parent.parent)
]
SHARED = next((p for p in SHARED_CANDIDATES if p.exists()), None)
CSV_PATH = SHARED or BUNDLED
SHA256 = "b9400293d9a48ba22ca9b2311e967b74ba09374a2d94bb3a3a24d72166539ee9"


@cache
def parsed() -> ParsedPage:
    return parse_source(CSV_PATH)


def by_line(first_line: int) -> Grant:
    """The grant whose record starts on ``first_line`` of the file."""
    for grant in parsed().grants:
        assert grant.provenance is not None
        if grant.provenance.location.startswith(f"lines {first_line}-"):
            return grant
    raise AssertionError(f"no grant starts on line {first_line}")


def independent_counts(path: Path) -> tuple[int, Counter[str]]:
    """Persons per section, without the importer: one "Terms of grant"/"Commutation Grant" row
    per person; a five-digit key or "MAY 5, 2016" starts a section; a bullet starts the bullet
    part."""
    section = "none"
    counts: Counter[str] = Counter()
    with path.open(encoding="utf-8", newline="") as handle:
        for key, value in csv.reader(handle):
            if re.fullmatch(r"\d{5}", key) or "MAY 5, 2016" in key:
                section = key[-11:] if "MAY" in key else key
            if value.startswith("•"):
                section = "bullets"
            if key.lower().startswith("terms of grant") or value.startswith("Commutation Grant:"):
                counts[section] += 1
    return sum(counts.values()), counts


def test_the_bundled_copy_is_the_shared_file() -> None:
    assert hashlib.sha256(BUNDLED.read_bytes()).hexdigest() == SHA256
    if SHARED is None:
        pytest.skip(f"no shared data folder at {SHARED_CANDIDATES[0]} to compare with")
    assert SHARED.read_bytes() == BUNDLED.read_bytes()


def test_every_person_is_a_grant_and_the_counts_agree_with_an_independent_count() -> None:
    page = parsed()
    total, per_section = independent_counts(CSV_PATH)
    assert total == 1386
    assert len(page.grants) == total
    assert {g.kind for g in page.grants} == {"commutation"}
    assert page.president == "Barack Obama"
    # the sections: serial numbers as dates, the undated parts left undated
    found = Counter(g.grant_date for g in page.grants)
    expected = {
        None: per_section["none"] + per_section["bullets"],
        date(2016, 11, 22): per_section["42696"],
        date(2016, 11, 4): per_section["42678"],
        date(2016, 10, 27): per_section["42670"],
        date(2016, 10, 6): per_section["42649"],
        date(2016, 8, 30): per_section["42612"],
        date(2016, 8, 3): per_section["42585"],
        date(2016, 6, 3): per_section["42524"],
        date(2016, 5, 5): per_section["MAY 5, 2016"],
        date(2016, 3, 30): per_section["42459"],
        date(2016, 1, 16): per_section["42385"],
        date(2015, 12, 18): per_section["42356"],
        date(2015, 7, 13): per_section["42198"],
        date(2015, 3, 31): per_section["42094"],
        date(2014, 12, 17): per_section["41990"],
        date(2014, 12, 15): per_section["41988"],
        date(2014, 4, 15): per_section["41744"],
        date(2013, 12, 19): per_section["41627"],
        date(2011, 11, 21): per_section["40868"],
    }
    assert dict(found) == expected
    assert found[None] == 362
    assert per_section["none"] == 153
    assert per_section["bullets"] == 209
    # the undated grants are flagged, and the two undated parts are warned about by line
    assert sum("no_grant_date" in g.flags for g in page.grants) == 362
    assert any(w.startswith("lines 2-787: 153 persons") for w in page.warnings)
    assert any(w.startswith("lines 6190-7078: 209 persons") for w in page.warnings)
    assert page.unassigned_text == []
    # both layouts
    assert Counter(g.layout for g in page.grants) == {
        "csv-label-rows": 1177,
        "csv-bullet-list": 209,
    }


def test_entries_that_are_not_fully_understood_are_named_in_warnings() -> None:
    page = parsed()
    not_understood = [g for g in page.grants if "terms_not_understood" in g.flags]
    assert sorted(g.name for g in not_understood) == ["Donald Vanderhorst", "Timothy Aaron Brown"]
    for grant in not_understood:
        assert grant.provenance is not None
        assert any(
            w.startswith(f"{grant.provenance.location}: {grant.name}:") for w in page.warnings
        )
    brown = next(g for g in not_understood if g.name == "Timothy Aaron Brown")
    assert brown.terms is not None
    assert brown.terms.outcome is None
    assert "Prison sentence commuted to expire on (120 days)" in brown.terms.unparsed


def test_serial_dates() -> None:
    assert serial_date("42696") == date(2016, 11, 22)
    assert serial_date("40868") == date(2011, 11, 21)
    assert serial_date("10000") == date(1927, 5, 18)
    assert serial_date("00061") == date(1900, 3, 1)
    assert serial_date("00060") is None  # the leap day 1900 that never was, and before it
    assert serial_date("4269") is None
    assert serial_date("April") is None


# ----------------------------------------------------------------------- field by field
# Values read off the raw file (obama_commutations.csv) by eye; lines as in the file.


def test_label_rows_before_the_first_date_lines_2_to_16() -> None:
    akins = by_line(2)
    assert akins.name == "Kendrick Tyshawn Akins"
    assert akins.grant_date is None
    assert "no_grant_date" in akins.flags
    (c,) = akins.convictions
    assert c.offense_text == (
        "Conspiracy to manufacture, distribute, or possess with intent to manufacture or "
        "distribute cocaine, cocaine base, and marijuana"
    )
    assert (c.court_id, c.sentenced_on) == ("txed", date(2012, 4, 30))
    assert c.sentence is not None
    assert c.sentence.is_life
    assert c.sentence.supervised_release_months == 120
    assert akins.terms is not None
    assert (akins.terms.outcome, akins.terms.term_months) == ("term", 240)
    assert [x.kind for x in akins.terms.conditions] == ["residential_drug_treatment"]
    assert akins.provenance is not None
    assert akins.provenance.location == "lines 2-6"
    assert akins.provenance.source_sha256 == SHA256
    assert "CC BY 4.0" in akins.provenance.licence

    aldridge = by_line(7)
    assert aldridge.name == "Dale Wayne Aldridge"
    assert aldridge.convictions[0].court_id == "iasd"
    assert aldridge.convictions[0].sentenced_on == date(2011, 1, 28)
    assert aldridge.terms is not None
    assert aldridge.terms.term_months == 240
    assert aldridge.terms.conditions == []

    alexander = by_line(12)
    assert alexander.name == "Demetri D. Alexander"
    c = alexander.convictions[0]
    assert (c.court_id, c.sentenced_on) == ("ksd", date(2007, 7, 24))
    assert c.sentence is not None
    assert c.sentence.prison_months == 180
    assert alexander.terms is not None
    assert (alexander.terms.outcome, alexander.terms.expires_on) == (
        "expiry_date",
        date(2017, 4, 18),
    )


def test_fine_remitted_and_commuted_without_a_term_lines_17_to_26() -> None:
    alford = by_line(17)
    assert alford.name == "Billy Mel Alford"
    assert alford.convictions[0].court_id == "txwd"
    assert alford.convictions[0].sentenced_on == date(1998, 7, 27)
    assert alford.terms is not None
    assert alford.terms.term_months == 360
    (remission,) = alford.terms.remitted
    assert (remission.what, remission.amount_usd, remission.when) == (
        "fine",
        Decimal("150000"),
        "at release",
    )
    alonzo = by_line(22)
    assert alonzo.name == "Antonio Jose Alonzo"
    assert alonzo.convictions[0].court_id == "ndd"
    assert alonzo.terms is not None
    assert alonzo.terms.term_months == 292


def test_numbered_convictions_and_repaired_apostrophes_lines_32_to_57() -> None:
    andrews = by_line(32)
    assert andrews.name == "Orasama Andrews"
    first, second = andrews.convictions
    assert (first.number, first.court_id, first.sentenced_on) == (1, "gamd", date(2009, 12, 17))
    assert first.sentence is not None
    assert first.sentence.is_life
    assert second.offense_text == "Supervised release violation (Distribution of cocaine base)"
    assert second.sentence is not None
    assert second.sentence.prison_months == 24
    assert andrews.terms is not None
    assert andrews.terms.term_months == 188

    avila = by_line(45)
    assert avila.name == "Hilario Avila"
    first, second = avila.convictions
    assert (first.court_id, first.sentenced_on) == ("cacd", date(2006, 3, 6))
    assert second.sentenced_on == date(2005, 5, 9)
    assert second.sentence is not None
    assert second.sentence.text == "33 months’ imprisonment (concurrent)"  # was "monthsÃ_"
    assert "encoding_repaired" in avila.flags
    assert avila.terms is not None
    assert avila.terms.expires_on == date(2018, 12, 19)

    bailey = by_line(53)
    assert bailey.name == "Handy Bailey, Jr."
    assert bailey.convictions[0].court_id == "flmd"
    assert bailey.convictions[0].sentence is not None
    assert bailey.convictions[0].sentence.supervised_release_months == 96


def test_dated_sections_from_serial_numbers() -> None:
    adams = by_line(789)  # after "42696"
    assert adams.name == "Lawrence Daro Adams"
    assert adams.grant_date == date(2016, 11, 22)
    c = adams.convictions[0]
    assert (c.court_id, c.sentenced_on) == ("txsd", date(2001, 7, 20))
    assert c.sentence is not None
    assert c.sentence.fine_usd == Decimal("5000")
    assert adams.terms is not None
    assert adams.terms.expires_on == date(2017, 3, 22)

    alls = by_line(1193)  # after "42678"
    assert alls.name == "Antonio Lee Alls"
    assert alls.grant_date == date(2016, 11, 4)
    assert [s.cite for s in alls.convictions[0].statutes][:2] == [
        "21 U.S.C. § 846",
        "21 U.S.C. § 841(a)(1)",
    ]  # "ÃŸÃŸ" repaired to "§§"
    assert alls.terms is not None
    assert alls.terms.term_months == 150
    assert (alls.terms.supervised_release, alls.terms.supervised_release_months) == (
        "left_intact",
        120,
    )
    assert alls.terms.other_components_intact

    aldridge = by_line(1570)  # after "42670"
    assert aldridge.name == "David Alan Aldridge"
    assert aldridge.grant_date == date(2016, 10, 27)
    assert aldridge.terms is not None
    assert aldridge.terms.term_months == 151
    assert [(r.what, r.amount_usd) for r in aldridge.terms.remitted] == [("fine", Decimal("35000"))]

    anthony = by_line(1575)
    assert anthony.name == "Marvin D. Anthony, Sr."  # "Sr. â€ " repaired, the stray space gone
    assert anthony.convictions[0].court_id == "mowd"

    allums = by_line(2069)  # after "42649" and two blank rows
    assert allums.name == "Benjy Neil Allums"
    assert allums.grant_date == date(2016, 10, 6)
    assert allums.convictions[0].court_id == "flnd"
    assert allums.terms is not None
    assert allums.terms.expires_on == date(2017, 2, 3)

    abdunafi = by_line(2594)  # after "42612"
    assert abdunafi.grant_date == date(2016, 8, 30)
    assert abdunafi.convictions[0].court_id == "pamd"
    assert abdunafi.terms is not None
    assert [(r.what, r.amount_usd) for r in abdunafi.terms.remitted] == [
        ("forfeiture", Decimal("100000"))
    ]

    timothy = by_line(3159)  # after "42585"
    assert timothy.name == "Timothy Adams"
    assert timothy.grant_date == date(2016, 8, 3)
    assert timothy.convictions[0].court_id == "ncmd"
    assert timothy.convictions[0].sentenced_on == date(1995, 8, 2)

    alvarez = by_line(4274)  # after "42524"
    assert alvarez.grant_date == date(2016, 6, 3)
    assert alvarez.terms is not None
    assert alvarez.terms.supervised_release_months == 60


def test_a_date_written_out_with_encoding_damage() -> None:
    allen = by_line(4492)  # after "â€ MAY 5, 2016"
    assert allen.name == "Jasmine Allen"
    assert allen.grant_date == date(2016, 5, 5)
    assert allen.convictions[0].court_id == "flmd"
    assert allen.terms is not None
    assert allen.terms.expires_on == date(2016, 9, 2)
    agnew = by_line(4796)  # after "42459"
    assert agnew.grant_date == date(2016, 3, 30)
    assert agnew.convictions[0].court_id == "flsd"


def test_conditions_beyond_drug_treatment() -> None:
    ghahreman = by_line(5102)  # after "42385"; its labels carry "â€ "
    assert ghahreman.name == "Arash Ghahreman"
    assert ghahreman.grant_date == date(2016, 1, 16)
    assert ghahreman.convictions[0].court_id == "casd"
    assert ghahreman.convictions[0].sentence is not None
    assert ghahreman.convictions[0].sentence.prison_months == 78
    terms = ghahreman.terms
    assert terms is not None
    assert terms.outcome == "time_served"
    assert terms.supervised_release == "commuted_in_entirety"
    assert [r.what for r in terms.remitted] == ["special_assessment"]
    assert [c.kind for c in terms.conditions] == ["waive_claims", "no_financial_benefit"]
    assert terms.unparsed == []

    guerrero = by_line(6109)  # after "41988"
    assert guerrero.name == "Antonio Guerrero"
    assert guerrero.grant_date == date(2014, 12, 15)
    assert guerrero.terms is not None
    assert guerrero.terms.expires_on == date(2014, 12, 17)
    assert {c.kind for c in guerrero.terms.conditions} == {
        "depart_united_states",
        "renounce_citizenship",
        "remain_outside_united_states",
        "no_financial_benefit",
        "renounce_benefits",
        "waive_claims",
    }


def test_short_district_names_and_aliases() -> None:
    donald = by_line(5118)  # after "42356"; "Northern Florida"
    assert donald.grant_date == date(2015, 12, 18)
    assert donald.convictions[0].court_id == "flnd"
    assert donald.convictions[0].sentence is not None
    assert donald.convictions[0].sentence.is_life

    bailey = by_line(5597)  # after "42198"; "Western North Carolina; April 2, 1996 â€ â€ â€ â€ "
    assert bailey.grant_date == date(2015, 7, 13)
    assert bailey.convictions[0].court_id == "ncwd"
    assert bailey.convictions[0].sentenced_on == date(1996, 4, 2)

    barnes = by_line(5926)  # after "42094"; eleven "â€ " after the alias
    assert barnes.name == "Terry Andre Barnes"
    assert [(a.kind, a.name) for a in barnes.aliases] == [("aka", "Terry A. Barnes")]
    assert barnes.grant_date == date(2015, 3, 31)

    cantu = by_line(6128)  # after "41744"
    assert cantu.name == "Ceasar Huerta Cantu"
    assert [(a.kind, a.name) for a in cantu.aliases] == [("aka", "Cesar Huerta Cantu")]
    assert cantu.grant_date == date(2014, 4, 15)
    assert cantu.terms is not None
    assert cantu.terms.term_months == 138

    aaron = by_line(6135)  # after "41627"
    assert aaron.name == "Clarence Aaron"
    assert aaron.grant_date == date(2013, 12, 19)
    assert aaron.convictions[0].court_id == "alsd"
    assert aaron.convictions[0].sentenced_on == date(1993, 12, 10)

    jennings = by_line(6185)  # after "40868"
    assert jennings.grant_date == date(2011, 11, 21)
    assert jennings.convictions[0].court_id == "ilsd"
    assert jennings.terms is not None
    assert jennings.terms.expires_on == date(2011, 12, 21)


def test_bullet_layout() -> None:
    abulencia = by_line(6190)
    assert abulencia.name == "Pablo Abrugar Abulencia"
    assert abulencia.residence == "Silver Spring, MD"
    assert abulencia.layout == "csv-bullet-list"
    assert abulencia.grant_date is None  # the bullet part states no date
    (c,) = abulencia.convictions
    assert c.offense_text == "Conspiracy to distribute 500 grams or more of methamphetamine"
    assert (c.court_id, c.sentenced_on) == ("vaed", date(2008, 4, 11))
    assert c.sentence is not None
    assert c.sentence.prison_months == 240
    assert abulencia.terms is not None
    assert abulencia.terms.term_months == 205

    anderson = by_line(6198)  # "Jerry Jerome Anderson _ Macon, GA"
    assert (anderson.name, anderson.residence) == ("Jerry Jerome Anderson", "Macon, GA")
    assert anderson.convictions[0].court_id == "gamd"
    assert anderson.terms is not None
    assert anderson.terms.expires_on == date(2020, 1, 17)

    dennis = by_line(6346)
    assert dennis.name == "Quincy Dennis"
    first, second = dennis.convictions
    assert (first.court_id, first.sentenced_on) == ("ohsd", date(1997, 9, 12))
    assert (second.court_id, second.sentenced_on) == ("kyed", date(2004, 12, 13))
    assert dennis.terms is not None
    assert [(r.what, r.amount_usd, r.when) for r in dennis.terms.remitted] == [
        ("fine", Decimal("30000"), "when the sentence expires")
    ]

    groves = by_line(6435)  # wrapped lines continue the numbered items
    first, second = groves.convictions
    assert first.offense_text == (
        "Supervised release revocation (conspiracy to possess with intent to distribute cocaine base)"
    )
    assert first.court_id == "nced"
    assert first.sentenced_on == date(2005, 12, 19)
    assert second.sentenced_on == date(2006, 3, 7)
    assert second.sentence is not None
    assert second.sentence.restitution_usd == Decimal("2100")

    loving = by_line(6590)
    assert (loving.name, loving.residence) == ("Dwight J. Loving", "Fort Hood, Texas")
    assert loving.convictions[0].court_id == "court-martial"
    assert loving.terms is not None
    assert (loving.terms.sentence_commuted, loving.terms.outcome) == ("death", "life")
    assert [c.kind for c in loving.terms.conditions] == ["no_parole_rights"]


# ----------------------------------------------------------------------- the importer's door


def test_the_csv_is_recognised_by_content_not_by_name(tmp_path: Path) -> None:
    renamed = tmp_path / "download.txt"
    renamed.write_bytes(CSV_PATH.read_bytes())
    page = parse_source(renamed)
    assert len(page.grants) == 1386
    assert page.source_sha256 == SHA256


def test_a_small_csv_in_both_layouts() -> None:
    data = (
        "key,info\n"
        ",Jane Roe\n"
        "Offense:,Distribution of cocaine base\n"
        'District/Date:,"Middle Florida; March 1, 2001"\n'
        "Sentence:,240 monthsÃ_ imprisonment\n"
        "Terms of Grant:,Prison sentence commuted to a term of 120 months' imprisonment.\n"
        "43000,\n"
        ',"• John Doe – Memphis, TN"\n'
        "Offense:,Offense: Conspiracy to distribute methamphetamine; Western District of\n"
        ",Tennessee\n"
        ',"Sentence: Life imprisonment (June 1, 1999)"\n'
        ',"Commutation Grant: Prison sentence commuted to expire on May 1, 2018."\n'
    ).encode()
    page = parse_bytes(data, source_file="small.csv")
    roe, doe = page.grants
    assert roe.convictions[0].court_id == "flmd"
    assert roe.convictions[0].sentence is not None
    assert roe.convictions[0].sentence.text == "240 months’ imprisonment"
    assert roe.grant_date is None  # before the first date
    assert doe.grant_date == date(2017, 9, 22)  # serial 43000, then the bullet layout
    assert doe.convictions[0].court_id == "tnwd"  # a district wrapped over two rows
    assert page.president == "Donald J. Trump"  # the only stated date falls in that term
    # not the FiveThirtyEight copy: no source or licence is attributed to it
    assert page.licence.startswith("not stated")
    assert page.source_url is None
    assert roe.provenance is not None
    assert roe.provenance.location == "lines 2-6"
