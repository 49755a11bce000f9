"""The three real Justice Department pages, parsed completely and checked against the page.

The counts are checked two ways: against an independent count of the page's own entries
(made here with BeautifulSoup and none of the parser's code), and against the Department's
published totals of pardons (74, 189 and 212, README of the data folder). The field checks
use values read off the page by eye; each expectation lists the section it comes from.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from clemency.grants.schemas import Grant, ParsedPage
from clemency.grants.sources import parse_source
from tests.conftest import DOJ_PAGES

PAGES = DOJ_PAGES
GHWB = "George_H_W_Bush_1989-1993.html"
GWB = "George_W_Bush_2001-2009.html"
OBAMA = "Barack_Obama_2009-2017.html"
PUBLISHED_PARDONS = {GHWB: 74, GWB: 189, OBAMA: 212}
LABELS = {"offense", "offenses", "sentence", "district/date", "district", "terms of grant"}


@cache
def page(name: str) -> ParsedPage:
    path = PAGES / name
    if not path.exists():
        pytest.skip(f"shared data missing: {path}")
    return parse_source(path)


def independent_count(path: Path) -> int:
    """Entries on the page, counted without the parser.

    Header tables (first row NAME …): one entry per row, less the rows that a ``rowspan`` on
    the first cell folds into the row above. Other tables: one entry per bold name, that is
    per b/strong/th whose text is not a field label.
    """
    soup = BeautifulSoup(path.read_bytes(), "lxml")
    total = 0
    for table in soup.find_all("table"):
        rows = table.find_all("tr")
        first = rows[0].get_text(" ", strip=True).upper() if rows else ""
        if first.startswith("NAME"):
            body = rows[1:]
            folded = sum(int(r.find(["td", "th"]).get("rowspan", 1)) - 1 for r in body)
            total += len(body) - folded
        else:
            for bold in table.find_all(["b", "strong", "th"]):
                text = bold.get_text(" ", strip=True).lower().strip(" :\xa0")
                nested = bold.find_parent(["b", "strong", "th"]) is not None
                if text and text not in LABELS and not nested:
                    total += 1
    return total


@pytest.mark.parametrize("name", [GHWB, GWB, OBAMA])
def test_every_entry_on_the_page_is_found(name: str) -> None:
    parsed = page(name)
    expected = independent_count(PAGES / name)
    assert len(parsed.grants) == expected
    # and the page lists exactly the published number of pardons (see docs/grants.md)
    assert len(parsed.grants) == PUBLISHED_PARDONS[name]
    assert sum(s.grant_count for s in parsed.sections) == expected
    assert all(g.kind == "pardon" for g in parsed.grants)
    assert all(g.source_file == name for g in parsed.grants)
    assert {g.source_sha256 for g in parsed.grants} == {parsed.source_sha256}
    assert [g.entry_index for g in parsed.grants] == list(range(1, expected + 1))


def test_the_source_hash_is_the_hash_of_the_file() -> None:
    import hashlib

    data = (PAGES / OBAMA).read_bytes()
    assert page(OBAMA).source_sha256 == hashlib.sha256(data).hexdigest()
    assert page(OBAMA).source_url == "https://www.justice.gov/pardon/obama-pardons"


def test_sections_and_grant_dates_come_from_the_headings() -> None:
    obama = page(OBAMA)
    assert [(s.grant_date, s.grant_count) for s in obama.sections] == [
        (date(2017, 1, 17), 64),
        (date(2016, 12, 19), 78),
        (date(2016, 1, 16), 4),
        (date(2015, 12, 18), 2),
        (date(2014, 12, 17), 12),
        (date(2013, 12, 19), 13),
        (date(2013, 3, 1), 17),
        (date(2011, 11, 21), 5),
        (date(2011, 5, 20), 8),
        (date(2010, 12, 3), 9),
    ]
    assert obama.sections[0].layouts == ["label-table"]
    assert obama.sections[4].layouts == ["column-table"]
    assert obama.sections[0].warrant_url == "https://www.justice.gov/pardon/file/993661"
    ghwb = page(GHWB)
    assert [s.grant_date for s in ghwb.sections] == [
        date(1989, 8, 14),
        date(1991, 3, 5),
        date(1991, 7, 5),
        date(1992, 12, 24),
        date(1993, 1, 18),
    ]
    assert len(page(GWB).sections) == 18
    assert page(GWB).president == "George W. Bush"
    assert page(GHWB).president == "George H. W. Bush"
    assert ghwb.term == "1989-1993"


def find(name: str, person: str) -> Grant:
    hits = [g for g in page(name).grants if g.name == person]
    assert len(hits) == 1, f"{person}: {len(hits)} entries"
    return hits[0]


def check(grant: Grant, expected: dict[str, Any]) -> None:
    """Compare grant fields; ``c0``, ``c1`` … hold fields of the n-th conviction."""
    for key, value in expected.items():
        if key.startswith("c") and key[1:].isdigit():
            conviction = grant.convictions[int(key[1:])]
            for field, wanted in value.items():
                if field == "statutes":
                    assert [s.cite for s in conviction.statutes] == wanted, (grant.name, field)
                elif field.startswith("s."):
                    assert conviction.sentence is not None, grant.name
                    assert getattr(conviction.sentence, field[2:]) == wanted, (grant.name, field)
                else:
                    assert getattr(conviction, field) == wanted, (grant.name, field)
        elif key == "aliases":
            assert [(a.kind, a.name) for a in grant.aliases] == value, grant.name
        elif key == "convictions":
            assert len(grant.convictions) == value, grant.name
        elif key == "flags_include":
            assert set(value) <= set(grant.flags), (grant.name, grant.flags)
        else:
            assert getattr(grant, key) == value, (grant.name, key)


GHWB_EXPECTED: dict[str, dict[str, Any]] = {
    "Joe Allen Deckert": {
        "grant_date": date(1989, 8, 14),
        "flags_include": ["court_missing"],
        "category": "weapons",
        "c0": {
            "sentenced_year": 1979,
            "court_id": None,
            "offense_text": "Misprision of felony (relating to illegal firearms sales), 18 U.S.C. § 4",
            "statutes": ["18 U.S.C. § 4"],
        },
    },
    "Donald Alvin Dibble III": {
        "c0": {
            "sentenced_year": 1978,
            "statutes": ["26 U.S.C. § 5861(h)", "26 U.S.C. § 5871"],
            "category": "weapons",
        }
    },
    "Armand Hammer": {
        "category": "public_trust",
        "c0": {"sentenced_year": 1976, "statutes": ["2 U.S.C. § 440"]},
    },
    "Billy Wayne Rodgers": {
        "c0": {"sentenced_year": 1973, "statutes": ["18 U.S.C. § 922(g)(1)", "U.C.M.J. art. 91"]}
    },
    "Raymond Joseph Shovelski": {
        "c0": {"statutes": ["18 U.S.C. § 371", "14 U.S.C. § 51", "14 U.S.C. § 54"]}
    },
    "Dorothy Christina Damush": {
        "grant_date": date(1991, 3, 5),
        "c0": {"sentenced_year": 1982, "statutes": ["18 U.S.C. § 371"]},
    },
    "Mark Allen Nelson": {
        "category": "violent",
        "c0": {"sentenced_year": 1975, "statutes": ["U.C.M.J. art. 119"]},
    },
    "Robert Anthony Pagnanelli": {
        "category": "fraud",
        "c0": {"sentenced_year": 1980, "statutes": ["18 U.S.C. § 371", "18 U.S.C. § 1341"]},
    },
    "Barbara Cecil Livenia Chapman Portwood": {
        "grant_date": date(1991, 7, 5),
        "c0": {"sentenced_year": 1962, "statutes": ["18 U.S.C. § 495"]},
    },
    "Myra Soble": {
        "c0": {"sentenced_year": 1957, "statutes": ["18 U.S.C. § 793"]},
        "category": "public_trust",
    },
    "Rudolph Hartsel Young": {
        "c0": {"sentenced_year": 1960, "statutes": ["18 U.S.C. § 1711", "18 U.S.C. § 2073"]}
    },
    "Caspar W. Weinberger": {
        "grant_date": date(1992, 12, 24),
        "flags_include": ["offense_refers_elsewhere"],
        "c0": {
            "sentenced_year": None,
            "offense_text": "(See Proclamation No. 6518; 57 Fed. Reg. 62,145 (1992))",
            "statutes": [],
        },
    },
    "Robert William Dailey, Sr.": {
        "c0": {"sentenced_year": 1943, "statutes": ["50 U.S.C. App. § 311"]}
    },
    "Paul Karsten Fauteck": {
        "convictions": 5,
        "c0": {
            "number": 1,
            "sentenced_year": 1950,
            "offense_text": "Interstate transportation of stolen motor vehicle, 18 U.S.C. § 2312",
        },
        "c1": {
            "number": 2,
            "sentenced_year": 1955,
            "statutes": ["18 U.S.C. § 371", "8 U.S.C. § 1324"],
            "category": "immigration",
        },
        "c2": {"number": 3, "sentenced_year": 1955, "statutes": ["18 U.S.C. § 2314"]},
        "c3": {
            "number": 4,
            "sentenced_year": 1954,
            "offense_text": "Absent without leave from Army and wrongful disposition of government property",
        },
        "c4": {
            "number": 5,
            "sentenced_year": 1955,
            "offense_text": "Absent without leave",
            "category": "other",
            "category_rule": "no_rule_matched",
        },
    },
    "Guillermo Medrano Moreno": {
        "convictions": 2,
        "category": "drug",
        "c0": {"sentenced_year": 1961, "statutes": ["26 U.S.C. § 473"]},
        "c1": {
            "sentenced_year": 1967,
            "statutes": ["21 U.S.C. § 174", "26 U.S.C. § 4704(a)", "26 U.S.C. § 4705(a)"],
        },
    },
    "Frank T. Passini, III": {
        "category": "drug",
        "c0": {
            "sentenced_year": 1978,
            "statutes": ["U.C.M.J. art. 134"],
            "category_rule": "text:drug",
        },
    },
    "Edwin Roberts": {
        "c0": {
            "sentenced_year": 1947,
            "statutes": ["26 U.S.C. § 2033", "26 U.S.C. § 2810", "26 U.S.C. § 2834"],
        }
    },
    "Carl Frank Westminster, Jr.": {
        "category": "drug",
        "c0": {"sentenced_year": 1977, "statutes": ["U.C.M.J. art. 92"]},
    },
    "Robert Edward Leigh Barnhill, Jr.": {
        "grant_date": date(1993, 1, 18),
        "c0": {"sentenced_year": 1980, "statutes": ["15 U.S.C. § 1"]},
    },
    "Thomas Arthur Kardashian": {
        "category": "public_trust",
        "c0": {"sentenced_year": 1974, "statutes": ["18 U.S.C. § 201(f)"]},
    },
    "Clyde Henry Umphenour, Jr.": {
        "convictions": 2,
        "c0": {"sentenced_year": 1956, "statutes": ["18 U.S.C. § 2314"]},
        "c1": {"sentenced_year": 1961, "statutes": ["18 U.S.C. § 2314"]},
    },
    "Frederick Irwin Lorber": {
        "category": "drug",
        "c0": {"sentenced_year": 1962, "statutes": ["26 U.S.C. § 4744(1)"]},
    },
    "Thomas Burley Berry": {
        "grant_date": date(1992, 12, 24),
        "c0": {"sentenced_year": 1980, "statutes": ["18 U.S.C. § 1703(a)"]},
    },
}

GWB_EXPECTED: dict[str, dict[str, Any]] = {
    "Kenneth Franklin Copley": {
        "grant_date": date(2002, 12, 20),
        "c0": {
            "court_text": "M. D. Tenn.",
            "court_id": "tnmd",
            "court_type": "federal_district",
            "sentenced_year": 1962,
            "statutes": [f"26 U.S.C. § {n}" for n in (5173, 5179, 5205, 5222, 5601, 5604)],
            "offense_description": "Manufacturing untaxed whiskey",
        },
    },
    "Stephen James Jackson": {
        "c0": {
            "court_id": "laed",
            "sentenced_year": 1993,
            "statutes": ["15 U.S.C. § 1984", "15 U.S.C. § 1990(c)(A)"],
        }
    },
    "Douglas Harley Rogers": {
        "c0": {"court_id": "wied", "sentenced_year": 1957, "statutes": ["50 U.S.C. App. § 451"]}
    },
    "Bruce Louis Bartos": {
        "grant_date": date(2003, 11, 5),
        "category": "weapons",
        "c0": {"court_id": "flsd", "statutes": ["18 U.S.C. § 922(a)(4)", "18 U.S.C. § 924"]},
    },
    "David B. McCall, Jr": {
        "grant_date": date(2004, 2, 14),
        "c0": {"court_text": "E. D. Tex", "court_id": "txed", "sentenced_year": 1997},
    },
    "Kenneth Lynn Norris": {
        "grant_date": date(2004, 5, 20),
        "c0": {"court_id": "okwd", "statutes": ["42 U.S.C. § 6928(d)(2)(A)", "18 U.S.C. § 2"]},
    },
    "Kristan Diane Akins": {
        "grant_date": date(2004, 12, 21),
        "aliases": [("fka", "Kristan Diane Bullock"), ("fka", "Kristan D. Wheeler")],
        "name_text": "Kristan Diane Akins, fka Kristan Diane Bullock and Kristan D. Wheeler",
        "c0": {"court_id": "nced", "sentenced_year": 1990, "statutes": ["18 U.S.C. § 656"]},
    },
    "Joseph Daniel Gavin": {
        "grant_date": date(2005, 3, 3),
        "category": "violent",
        "c0": {
            "court_id": "court-martial",
            "court_type": "court_martial",
            "military_branch": "army",
            "sentenced_year": 1984,
            "statutes": [f"U.C.M.J. art. {n}" for n in (89, 92, 95, 108, 128, 134)],
        },
    },
    "David Lloyd St. Croix": {
        "category": "weapons",
        "c0": {"court_id": "ndd", "statutes": ["18 U.S.C. § 842(h)", "18 U.S.C. § 844(a)"]},
    },
    "Joseph William Warner": {
        "category": "violent",
        "c0": {"court_id": "sdd", "sentenced_year": 1995},
    },
    "David Thomas Billmyer": {
        "grant_date": date(2005, 6, 8),
        "c0": {
            "court_id": "court-martial",
            "military_branch": "air_force",
            "sentenced_text": "1978 (approved in 1979)",
            "sentenced_year": 1978,
            "statutes": ["U.C.M.J. art. 132"],
        },
    },
    "Richard Ardell Krueger": {
        "convictions": 2,
        "c0": {
            "court_id": "scd",
            "sentenced_year": 1979,
            "offense_text": "Mail fraud, 18 U.S.C. § 1341",
        },
        "c1": {"court_id": "scd", "sentenced_year": 1980, "statutes": ["18 U.S.C. § 1010"]},
    },
    "Michael Mark McLaughlin": {
        "c0": {
            "court_id": "nhd",
            "sentenced_year": 1983,
            "sentenced_text": "1983 (sentence modified in 1984)",
            "statutes": ["18 U.S.C. § 2", "18 U.S.C. § 371", "18 U.S.C. § 1341"],
        }
    },
    "James Edward Reed": {
        "category": "drug",
        "c0": {"court_id": "txnd", "sentenced_year": 1975, "statutes": ["21 U.S.C. § 846"]},
    },
    "Gene Armand Bridger": {
        "grant_date": date(2005, 9, 28),
        "c0": {"court_id": "miwd", "sentenced_year": 1963},
    },
    "Andrew Foster Harley": {
        "category": "drug",
        "c0": {
            "court_id": "court-martial",
            "military_branch": "air_force",
            "sentenced_year": 1985,
            "statutes": ["U.C.M.J. art. 112a"],
        },
    },
    "Ronald Alan Mohrhoff": {
        "category": "drug",
        "c0": {"court_id": "cacd", "statutes": ["21 U.S.C. § 843(b)", "21 U.S.C. § 844(a)"]},
    },
    "William Thomas Alvis, III": {
        "grant_date": date(2009, 1, 1),
        "category": "weapons",
        "c0": {"court_id": "wvnd", "statutes": ["26 U.S.C. § 5861", "21 U.S.C. § 841(a)(1)"]},
    },
    "John Allen Aregood": {
        "category": "immigration",
        "c0": {
            "court_id": "txsd",
            "statutes": ["18 U.S.C. § 371", "8 U.S.C. § 1324(a)(1)(A)(ii)(iii)"],
        },
    },
    "Eduviges Duvi Gonzalez-Matsumura": {
        "aliases": [("fka", "Eduviges Duvi Gonzalez")],
        "c0": {"court_id": "cacd", "sentenced_year": 1993},
    },
    "Robert Truman Reece": {
        "convictions": 3,
        "c0": {
            "number": 1,
            "court_text": "U.S. Navy summary courts-martial",
            "court_id": "court-martial",
            "military_branch": "navy",
            "sentenced_year": 1949,
            "offense_text": "Unauthorized absence",
        },
        "c1": {"number": 2, "sentenced_year": 1949, "offense_text": "Unauthorized absence"},
        "c2": {
            "number": 3,
            "court_text": "U.S. Navy summary court-martial",
            "sentenced_year": 1950,
            "offense_text": "Unauthorized absence, missing ship's movement",
        },
    },
    "Charles Thompson Winters": {
        "c0": {
            "court_id": "flsd",
            "sentenced_year": 1949,
            "statutes": ["18 U.S.C. § 88", "18 U.S.C. § 371", "22 U.S.C. § 452"],
        }
    },
    "David Lane Woolsey": {
        "c0": {"court_id": "utd", "statutes": ["16 U.S.C. § 470ee(a)", "18 U.S.C. § 2"]}
    },
    "Jerry Lynn Moldenhauer": {"c0": {"court_text": "D. Col.", "court_id": "cod"}},
    "Charles Winston Carter": {
        "c0": {"court_text": "S. (now Central) D. Ill.", "court_id": "ilsd"}
    },
}

OBAMA_EXPECTED: dict[str, dict[str, Any]] = {
    "James Robert Adelman": {
        "grant_date": date(2017, 1, 17),
        "layout": "label-table",
        "warrant_url": "https://www.justice.gov/pardon/file/993661",
        "c0": {
            "offense_text": "Conspiracy to embezzle by trustee or officer; embezzlement by trustee (five counts); making a false account",
            "court_text": "Northern District of Oklahoma",
            "court_id": "oknd",
            "sentenced_on": date(1989, 2, 27),
            "sentenced_year": 1989,
            "s.prison_months": 144,
            "s.restitution_usd": Decimal(350000),
            "s.text": "12 years' imprisonment; $350,000 restitution",
        },
    },
    "John Clyde Anderson": {
        "category": "drug",
        "c0": {
            "court_id": "casd",
            "sentenced_on": date(1972, 8, 21),
            "s.prison_months": 36,
            "s.suspended": True,
            "s.probation_months": 36,
            "s.special_parole_months": 24,
        },
    },
    "Octavio Joaquin Armenteros": {
        "aliases": [("aka", "Octavio Joaquin Armenteros-Iglesias")],
        "c0": {
            "court_id": "flmd",
            "sentenced_on": date(1995, 11, 3),
            "s.prison_months": 46,
            "s.supervised_release_months": 36,
        },
    },
    "Stephen Lee Arrington": {
        "c0": {
            "court_id": "cacd",
            "sentenced_on": date(1983, 9, 2),
            "s.prison_months": 36,
            "s.special_parole_months": 36,
            "s.amended": True,
        }
    },
    "Lisa Ann Bell": {
        "aliases": [("fka", "Lisa Ann Link")],
        "c0": {
            "court_id": "gand",
            "sentenced_on": date(2003, 2, 10),
            "s.prison_months": 15,
            "s.supervised_release_months": 12,
            "s.community_service_hours": 80,
        },
    },
    "Herbert Eugene Bennett": {
        "c0": {
            "court_id": "txnd",
            "sentenced_on": date(1996, 7, 2),
            "s.probation_months": 36,
            "s.home_confinement_months": 9,
            "s.fine_usd": Decimal(3000),
            "s.restitution_usd": Decimal("26440.95"),
        },
    },
    "Carrie Ann Burris": {
        "c0": {
            "court_id": "nmd",
            "s.time_served": True,
            "s.time_served_days": 114,
            "s.supervised_release_months": 60,
            "sentenced_on": date(2007, 11, 15),
        }
    },
    "Mitchell Ray Campbell": {
        "convictions": 2,
        "category": "weapons",
        "c0": {
            "court_id": "idd",
            "sentenced_on": date(1985, 12, 12),
            "s.prison_months": 36,
            "category": "drug",
        },
        "c1": {
            "court_id": "idd",
            "sentenced_on": date(1986, 6, 4),
            "s.prison_months": 48,
            "s.special_parole_months": 72,
            "category": "weapons",
        },
    },
    "James Edward Cartwright": {
        "c0": {
            "court_id": "dcd",
            "offense_text": "False statements to federal investigators",
            "sentence": None,
        }
    },
    "James Gordon Christmas III": {
        "category": "drug",
        "c0": {
            "court_id": "court-martial",
            "military_branch": "army",
            "sentenced_on": date(1988, 6, 23),
            "s.prison_months": 12,
            "s.fine_usd": Decimal(1000),
            "s.military_discharge": "bad conduct discharge",
        },
    },
    "Kim Kathleen Drake": {
        "aliases": [("fka", "Kim Hahn"), ("fka", "Kim Otto")],
        "c0": {
            "court_id": "idd",
            "s.prison_months": 1,
            "s.supervised_release_months": 60,
            "s.home_confinement_months": 3,
            "s.fine_usd": Decimal(500),
            "s.restitution_usd": Decimal("10944.37"),
        },
    },
    "Ryan Michael Ashbrook": {
        "grant_date": date(2016, 12, 19),
        "c0": {
            "court_id": "txsd",
            "sentenced_on": date(2000, 9, 8),
            "s.probation_months": 36,
            "s.home_confinement_months": 6,
            "s.community_service_hours": 200,
        },
    },
    "Robert Spencer Baines": {
        "c0": {"court_id": "med", "sentenced_on": date(1986, 7, 31), "s.prison_months": 72}
    },
    "Theresa Marie Bishop": {
        "aliases": [("aka", "Teresa Clark")],
        "category": "weapons",
        "c0": {
            "court_id": "pawd",
            "sentenced_on": date(2006, 12, 8),
            "s.probation_months": 36,
            "s.home_confinement_months": 12,
        },
    },
    "Tavia Dion Blume": {
        "c0": {
            "court_id": "mtd",
            "sentenced_on": date(1999, 5, 21),
            "s.prison_months": 42,
            "s.supervised_release_months": 36,
            "s.amended": True,
        }
    },
    "Bob Edward Bone": {
        "c0": {
            "court_id": "moed",
            "sentenced_on": date(2006, 5, 2),
            "s.prison_months": 12,
            "s.prison_extra_days": 1,
            "s.supervised_release_months": 24,
        }
    },
    "Philip Stephen Brown": {
        "aliases": [("aka", "Phil Brown")],
        "c0": {
            "court_id": "wyd",
            "s.prison_months": 5,
            "s.supervised_release_months": 36,
            "s.home_confinement_months": 5,
        },
    },
    "Caryn Lynn Camp": {
        "aliases": [("fka", "Caryn Lynn Camp-Kenworthy")],
        "c0": {
            "court_id": "med",
            "sentenced_on": date(1999, 12, 7),
            "s.probation_months": 36,
            "s.restitution_usd": Decimal(7500),
        },
    },
    "Kenneth Shannon Meadows": {
        "flags_include": ["date_not_understood"],
        "c0": {
            "court_id": "kywd",
            "sentenced_text": "August 25, 200",
            "sentenced_on": None,
            "s.restitution_usd": Decimal(36424),
        },
    },
    "Khosrow Afghahi": {
        "grant_date": date(2016, 1, 16),
        "c0": {
            "court_id": "txsd",
            "statutes": [
                "50 U.S.C. § 1705",
                "18 U.S.C. § 1956(a)(2)(A)",
                "18 U.S.C. § 1956(a)(2)(B)(1)",
                "18 U.S.C. § 1956(h)",
                "18 U.S.C. § 1956(B)(1)",
            ],
        },
    },
    "Jon Dylan Girard": {
        "grant_date": date(2015, 12, 18),
        "layout": "column-table",
        "c0": {
            "court_text": "S.D. OH",
            "court_id": "ohsd",
            "sentenced_year": 2002,
            "statutes": ["18 U.S.C. § 471"],
        },
    },
    "Melody Eileen Homa": {
        "aliases": [("fka", "Melody Eileen Childress")],
        "c0": {
            "court_id": "vaed",
            "sentenced_year": 1991,
            "statutes": ["18 U.S.C. § 1344", "18 U.S.C. § 2"],
        },
    },
    "David Raymond Mannix": {
        "grant_date": date(2014, 12, 17),
        "c0": {
            "court_id": "court-martial",
            "military_branch": "marine_corps",
            "sentenced_year": 1989,
            "statutes": ["U.C.M.J. art. 81", "U.C.M.J. art. 121"],
        },
    },
    "Alfred J. Mack": {
        "grant_date": date(2013, 12, 19),
        "category": "drug",
        "c0": {
            "court_id": "dc-superior",
            "court_type": "dc_superior",
            "sentenced_year": 1982,
            "statutes": ["33 D.C. Code § 441(a)(1)"],
        },
    },
    "Robert Andrew Schindler": {
        "convictions": 2,
        "c0": {
            "number": 1,
            "court_id": "utd",
            "sentenced_year": 1996,
            "statutes": ["18 U.S.C. § 371", "18 U.S.C. § 1343"],
        },
        "c1": {
            "number": 2,
            "court_id": "utd",
            "sentenced_year": 1996,
            "statutes": ["18 U.S.C. § 371", "18 U.S.C. § 1341", "18 U.S.C. § 1343"],
        },
    },
    "Willie Shaw, Jr.": {
        "category": "violent",
        "c0": {"court_id": "scd", "sentenced_year": 1974, "statutes": ["18 U.S.C. § 2113(d)"]},
    },
    "Lesley Claywood Berry, Jr.": {
        "grant_date": date(2011, 11, 21),
        "c0": {
            "court_text": "D. Minn.",
            "court_id": "mnd",
            "sentenced_year": 1988,
            "statutes": ["21 U.S.C. § 841", "21 U.S.C. § 846"],
        },
    },
    "Donna Kaye Wright": {
        "grant_date": date(2013, 3, 1),
        "category": "fraud",
        "flags_include": ["no_statute_cited"],
        "c0": {"court_id": "tnwd", "sentenced_year": 1983, "statutes": []},
    },
    "Edgar Leopold Kranz, Jr.": {
        "grant_date": date(2010, 12, 3),
        "category": "drug",
        "c0": {
            "military_branch": "air_force",
            "statutes": ["U.C.M.J. art. 112a", "U.C.M.J. art. 134"],
        },
    },
    "Steve Charlie Calamars": {
        "c0": {
            "court_id": "txwd",
            "sentenced_text": "1989 (as amended in 1994)",
            "sentenced_year": 1989,
        }
    },
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [(GHWB, GHWB_EXPECTED), (GWB, GWB_EXPECTED), (OBAMA, OBAMA_EXPECTED)],
)
def test_entries_match_the_page_field_by_field(
    name: str, expected: dict[str, dict[str, Any]]
) -> None:
    assert len(expected) >= 20
    sections = set()
    for person, fields in expected.items():
        grant = find(name, person)
        sections.add(grant.section_heading)
        check(grant, fields)
    # the checked entries come from across the page, not one section
    assert len(sections) >= min(5, len(page(name).sections))


@pytest.mark.parametrize("name", [GHWB, GWB, OBAMA])
def test_nothing_is_dropped(name: str) -> None:
    """Every grant keeps its name as printed and each conviction its offense text."""
    for grant in page(name).grants:
        assert grant.name
        assert grant.name_text.startswith(grant.name)
        assert grant.convictions, grant.name
        for conviction in grant.convictions:
            assert conviction.offense_text, grant.name
            if conviction.sentence is not None:
                assert conviction.sentence.text
        if any(c.court_text and c.court_id is None for c in grant.convictions):
            assert "court_not_recognized" in grant.flags


def test_courts_are_recognized_wherever_the_page_names_one() -> None:
    for name in (GWB, OBAMA):
        unknown = [
            (g.name, c.court_text)
            for g in page(name).grants
            for c in g.convictions
            if c.court_text and c.court_id is None
        ]
        assert unknown == []


def test_obama_sentences_are_understood() -> None:
    """Every sentence on the Obama page is understood clause by clause."""
    leftovers = [
        (g.name, c.sentence.unparsed)
        for g in page(OBAMA).grants
        for c in g.convictions
        if c.sentence is not None and c.sentence.unparsed
    ]
    assert leftovers == []
    with_sentence = [c for g in page(OBAMA).grants for c in g.convictions if c.sentence is not None]
    assert len(with_sentence) >= 140
    assert re.search(r"\d", with_sentence[0].sentence.text if with_sentence[0].sentence else "")


def test_the_bundled_pages_are_the_shared_pages() -> None:
    """The demo's bundled copies must not drift from the project's shared data."""
    from tests.conftest import BUNDLED_DOJ_PAGES, SHARED_DATA

    shared = SHARED_DATA / "doj-pardon-pages"
    if not shared.is_dir():
        pytest.skip(f"no shared data folder at {shared} to compare with")
    bundled = {p.name: p.read_bytes() for p in BUNDLED_DOJ_PAGES.glob("*.html")}
    assert bundled == {p.name: p.read_bytes() for p in shared.glob("*.html")}
