"""Published totals of federal clemency, as a small cited reference table.

Every figure comes from the project's domain brief (``shared/docs/domain.md`` §3.3 and §4),
which cites the source of each; the source is kept on every row so that a chart or a report
can name it. They are the figures *as reported*: secondary sources quoting the Justice
Department, not the Department's statistics page itself. Proclamation grants are not in them.
"""

from __future__ import annotations

from dataclasses import dataclass

PEW_2016 = "https://www.pewresearch.org/fact-tank/2016/12/09/obama-has-used-clemency-power-more-often-than-any-president-since-lbj/"
TJV = "https://tjvnews.com/2020/12/trump-issues-26-new-pardons-this-week-but-obama-others-before-him-have-issued-many-more"
BALLOTPEDIA = (
    "https://news.ballotpedia.org/2021/02/16/final-executive-clemency-update-of-trump-presidency/"
)
INDIANF = "https://indianf.com/biden-clemency-record/"
OSLER = "https://paperzz.com/doc/7777601/a-systemic-reform-of-the-federal-clemency"
MELANIAN = "https://melaniannews.net/2013/12/22/the-history-of-presidential-clemency-actions/"
DATA_README = (
    "shared/data/doj-pardon-pages/README.md (the Justice Department's published pardon totals)"
)
PANDRINGA = "https://gist.github.com/pandringa/4fee6704ec29c44c9c3868cdcaed63cf"
FEDERALISM_INDEX = "https://www.federalismindex.org/post/presidential-clemency"

# Why a known source holds fewer grants than the published total (president, kind) -> text.
SOURCE_GAPS: dict[tuple[str, str], str] = {
    ("Barack Obama", "commutation"): (
        "The commutation list imported (FiveThirtyEight's copy of the Justice Department's page, "
        "January 2017) was made before President Obama's last grants: the 330 commutations of "
        "January 19, 2017 (domain.md §4, " + FEDERALISM_INDEX + ") are not in it. With them the "
        "copy would hold 1,386 + 330 = 1,716, one more than the published 1,715; the reported "
        "figures are secondary and do not settle that one grant. The copy also states no grant "
        "date for two of its parts (153 and 209 persons), which therefore count under no year."
    ),
}


@dataclass(frozen=True)
class AdministrationTotal:
    president: str
    term: str
    pardons: int | None
    commutations: int | None
    total_grants: int | None
    petitions_received: int | None
    source: str
    note: str = ""


@dataclass(frozen=True)
class FiscalYearTotal:
    fiscal_year: int
    pardons: int
    commutations: int
    source: str
    note: str = ""


ADMINISTRATIONS: tuple[AdministrationTotal, ...] = (
    AdministrationTotal(
        "Richard Nixon", "1969-1974", None, None, 926, 2591, OSLER, "Pew: 36% grant rate"
    ),
    AdministrationTotal("Gerald Ford", "1974-1977", None, None, 409, None, OSLER),
    AdministrationTotal("Jimmy Carter", "1977-1981", None, None, 566, 2627, MELANIAN),
    AdministrationTotal(
        "Ronald Reagan", "1981-1989", None, None, 406, 3404, MELANIAN, "Osler: 410"
    ),
    AdministrationTotal(
        "George H. W. Bush",
        "1989-1993",
        74,
        3,
        77,
        1466,
        f"{MELANIAN} ; {INDIANF} ; {DATA_README}",
        "77 grants of which 74 pardons; commutations = 77 - 74",
    ),
    AdministrationTotal(
        "William J. Clinton", "1993-2001", None, None, 459, 7489, MELANIAN, "Osler: 457"
    ),
    AdministrationTotal(
        "George W. Bush",
        "2001-2009",
        189,
        11,
        200,
        11074,
        f"{MELANIAN} ; {DATA_README}",
        "200 grants of which 189 pardons; commutations = 200 - 189",
    ),
    AdministrationTotal(
        "Barack Obama",
        "2009-2017",
        212,
        1715,
        1927,
        None,
        f"{TJV} ; {BALLOTPEDIA}",
        "more than 36,000 petitions",
    ),
    AdministrationTotal(
        "Donald J. Trump",
        "2017-2021",
        143,
        94,
        237,
        None,
        BALLOTPEDIA,
        "only 25 vetted by the Office of the Pardon Attorney",
    ),
    AdministrationTotal(
        "Joseph R. Biden",
        "2021-2025",
        80,
        4165,
        4245,
        14867,
        INDIANF,
        "proclamation pardons excluded",
    ),
)

FISCAL_YEARS: tuple[FiscalYearTotal, ...] = (
    *(
        FiscalYearTotal(
            year, pardons, commutations, PANDRINGA, "DOJ statistics as scraped (first rows only)"
        )
        for year, pardons, commutations in (
            (1900, 129, 73),
            (1901, 162, 50),
            (1902, 92, 36),
            (1903, 70, 57),
            (1904, 87, 62),
            (1905, 109, 52),
            (1906, 96, 52),
            (1907, 71, 30),
            (1908, 53, 22),
            (1909, 90, 52),
            (1910, 111, 119),
            (1911, 82, 64),
            (1912, 108, 78),
            (1913, 82, 100),
            (1914, 104, 116),
            (1915, 78, 86),
            (1916, 116, 107),
            (1917, 182, 96),
            (1918, 119, 94),
            (1919, 116, 262),
        )
    ),
    FiscalYearTotal(
        1920, 198, 341, PEW_2016, "639 acts by Wilson, also 57 respites and 43 remissions"
    ),
    FiscalYearTotal(2016, 6, 583, PEW_2016, "589 grants, the most in a fiscal year since 1920"),
)


def administration(president: str) -> AdministrationTotal | None:
    """The reference row for a president as a page names them ("George W. Bush").

    An exact match of the letters wins; otherwise first and last name must single out one
    row ("Donald Trump" finds "Donald J. Trump", but "George Bush" finds nobody).
    """
    wanted = _key(president)
    for row in ADMINISTRATIONS:
        if _key(row.president) == wanted:
            return row
    ends = _ends(president)
    candidates = [row for row in ADMINISTRATIONS if _ends(row.president) == ends]
    return candidates[0] if len(candidates) == 1 else None


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalpha())


def _ends(name: str) -> tuple[str, str]:
    words = [w for w in name.lower().replace(".", " ").split() if len(w) > 1]
    return (words[0], words[-1]) if words else ("", "")
