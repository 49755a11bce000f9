"""Offense categories (product.md §5.1) from the statutes cited and the offense text.

Statute rules decide first (a citation is more precise than words); then text rules; an
offense that no rule matches is ``other`` with rule ``no_rule_matched``, and statistics
report that bucket like any other. When several rules match (a drug conviction with a gun
count) the most serious category wins, in the order of :data:`SEVERITY`. Every result names
the rule that decided it, e.g. ``statute:21 U.S.C. § 841`` or ``text:cocaine``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from clemency.grants.schemas import Conviction, OffenseCategory, Statute

SEVERITY: tuple[OffenseCategory, ...] = (
    "violent",
    "sex",
    "weapons",
    "drug",
    "immigration",
    "public_trust",
    "fraud",
    "other",
)

# (code, title) -> {base section: category}; a section given as "2250-2260" is a range.
_STATUTE_RULES: dict[tuple[str, str | None], dict[str, OffenseCategory]] = {
    ("U.S.C.", "21"): {
        "174": "drug",
        "176a": "drug",
        "331": "drug",
        "841": "drug",
        "843": "drug",
        "844": "drug",
        "846": "drug",
        "848": "drug",
        "856": "drug",
        "860": "drug",
        "861": "drug",
        "952": "drug",
        "953": "drug",
        "960": "drug",
        "963": "drug",
    },
    ("U.S.C.", "26"): {
        "473": "drug",
        "4704": "drug",
        "4705": "drug",
        "4742": "drug",
        "4744": "drug",
        "5861": "weapons",
        "5871": "weapons",
        "5811": "weapons",
        "5812": "weapons",
        "7201": "fraud",
        "7202": "fraud",
        "7203": "fraud",
        "7206": "fraud",
        "7207": "fraud",
        "7212": "public_trust",
    },
    ("U.S.C.", "18"): {
        "922": "weapons",
        "924": "weapons",
        "842": "weapons",
        "844": "weapons",
        "111": "violent",
        "113": "violent",
        "115": "violent",
        "875": "violent",
        "1111": "violent",
        "1112": "violent",
        "1113": "violent",
        "1114": "violent",
        "1201": "violent",
        "1951": "violent",
        "2111": "violent",
        "2113": "violent",
        "2114": "violent",
        "2119": "violent",
        "81": "violent",
        "2241": "sex",
        "2242": "sex",
        "2243": "sex",
        "2244": "sex",
        "2251": "sex",
        "2252": "sex",
        "2252A": "sex",
        "2422": "sex",
        "2423": "sex",
        "1591": "sex",
        "201": "public_trust",
        "203": "public_trust",
        "208": "public_trust",
        "286": "fraud",
        "287": "fraud",
        "471": "fraud",
        "472": "fraud",
        "473": "fraud",
        "474": "fraud",
        "495": "fraud",
        "500": "fraud",
        "641": "fraud",
        "656": "fraud",
        "657": "fraud",
        "659": "fraud",
        "661": "fraud",
        "666": "public_trust",
        "1001": "fraud",
        "1005": "fraud",
        "1006": "fraud",
        "1010": "fraud",
        "1014": "fraud",
        "1028": "fraud",
        "1029": "fraud",
        "1030": "fraud",
        "1341": "fraud",
        "1343": "fraud",
        "1344": "fraud",
        "1347": "fraud",
        "1348": "fraud",
        "1956": "fraud",
        "1957": "fraud",
        "152": "fraud",
        "1503": "public_trust",
        "1505": "public_trust",
        "1512": "public_trust",
        "1621": "public_trust",
        "1623": "public_trust",
        "1703": "fraud",
        "1708": "fraud",
        "1709": "fraud",
        "1711": "fraud",
        "2073": "fraud",
        "2312": "fraud",
        "2313": "fraud",
        "2314": "fraud",
        "2315": "fraud",
        "2320": "fraud",
        "911": "immigration",
        "1015": "immigration",
        "1425": "immigration",
        "1426": "immigration",
        "1542": "immigration",
        "1543": "immigration",
        "1546": "immigration",
        "1791": "public_trust",
        "3146": "public_trust",
        "3150": "public_trust",
    },
    ("U.S.C.", "8"): {"1324": "immigration", "1325": "immigration", "1326": "immigration"},
    ("U.S.C.", "31"): {
        "5313": "fraud",
        "5314": "fraud",
        "5316": "fraud",
        "5322": "fraud",
        "5324": "fraud",
    },
    ("U.S.C.", "2"): {
        "437g": "public_trust",
        "440": "public_trust",
        "441": "public_trust",
        "441b": "public_trust",
        "441f": "public_trust",
    },
    ("U.S.C.", "52"): {"30109": "public_trust", "30118": "public_trust", "30122": "public_trust"},
    ("U.S.C.", "7"): {"2024": "fraud", "6b": "fraud"},
    ("U.S.C.", "15"): {
        "78j": "fraud",
        "78ff": "fraud",
        "77q": "fraud",
        "1984": "fraud",
        "1990": "fraud",
    },
    ("U.S.C.", "42"): {"408": "fraud", "1320a-7b": "fraud", "1396h": "fraud"},
    ("U.C.M.J.", None): {
        "112a": "drug",
        "118": "violent",
        "119": "violent",
        "120": "sex",
        "122": "violent",
        "124": "violent",
        "128": "violent",
        "121": "fraud",
        "123": "fraud",
        "132": "fraud",
    },
}

_TEXT_RULE_SOURCE: tuple[tuple[OffenseCategory, str, str], ...] = (
    ("violent", "murder", r"\bmurder|manslaughter|homicide"),
    ("violent", "robbery", r"\brobbery|carjack"),
    ("violent", "assault", r"\bassault|battery\b"),
    ("violent", "kidnapping", r"\bkidnap|hostage"),
    ("violent", "arson", r"\barson|use\s+of\s+fire"),
    ("violent", "threat", r"\bthreat"),
    ("sex", "sexual", r"\bsexual|\brape\b|child\s+porn|obscen|prostitut|sex\s+traffick"),
    (
        "weapons",
        "firearm",
        r"firearm|machine\s*gun|\bgun\b|silencer|explosive|ammunition|weapon|destructive\s+device",
    ),
    (
        "drug",
        "drug",
        r"cocaine|crack|marijuana|marihuana|hashish|heroin|methamphetamine|amphetamine|\blsd\b|narcotic|controlled\s+substance|\bdrugs?\b|opium|phenyl-2-propanone|phenylacetic|precursor|listed\s+chemical|codeine|oxycodone|fentanyl|ecstasy|mdma|pcp\b|peyote|steroid",
    ),
    (
        "immigration",
        "alien",
        r"\baliens?\b|immigra|naturaliz|citizenship|passport|visa\b|illegal\s+entry|reentry|re-entry",
    ),
    (
        "public_trust",
        "bribery",
        r"brib|gratuit|kickback|supplementation\s+of\s+salary|perjur|false\s+declarations?\s+before|obstruct|campaign\s+contribution|election|illegal\s+voting|public\s+official|contempt|espionage|national\s+defense\s+information",
    ),
    (
        "fraud",
        "fraud",
        r"fraud|embezzl|misappl|misappropriat|false\s+(statement|claim|entr|return|tax|information|account)|tax\s+(evasion|return)|income\s+tax|counterfeit|forg|uttering|theft|stolen|larceny|launder|structur|money\s+order|check|securities|bank\b|odometer|conversion|smuggl|customs|food\s+stamp|bankruptcy|worthless|access\s+device|\bsteal|shoplift",
    ),
)
_TEXT_RULES: tuple[tuple[OffenseCategory, str, re.Pattern[str]], ...] = tuple(
    (category, word, re.compile(pattern, re.I)) for category, word, pattern in _TEXT_RULE_SOURCE
)


@dataclass(frozen=True)
class Classification:
    category: OffenseCategory
    rule: str


def _statute_rule(statute: Statute) -> OffenseCategory | None:
    table = _STATUTE_RULES.get((statute.code, statute.title))
    if table is None and statute.code == "U.C.M.J.":
        table = _STATUTE_RULES[("U.C.M.J.", None)]
    if table is None:
        return None
    return table.get(statute.base_section)


def _cite(statute: Statute) -> str:
    if statute.title:
        return f"{statute.title} {statute.code} § {statute.base_section}"
    return f"{statute.code} art. {statute.base_section}"


def _most_severe(found: Sequence[tuple[OffenseCategory, str]]) -> tuple[OffenseCategory, str]:
    return min(found, key=lambda item: SEVERITY.index(item[0]))


def classify(statutes: Sequence[Statute], text: str | None) -> Classification:
    """The category of one offense and the rule that decided it."""
    if text and re.match(r"^\(?\s*see\b", text, re.I):
        return Classification("other", "offense_not_stated")  # "(See Proclamation No. …)"
    by_statute = [
        (c, f"statute:{_cite(s)}") for s in statutes if (c := _statute_rule(s)) is not None
    ]
    # generic provisions (conspiracy § 371, aiding § 2, misprision § 4) map to nothing, so
    # the words decide for them
    if by_statute:
        category, rule = _most_severe(by_statute)
        return Classification(category, rule)
    # the words are read only when no statute decided (a quarter of parsing the commutation
    # list went to reading them for every offense)
    by_text = [
        (c, f"text:{word}") for c, word, pattern in _TEXT_RULES if text and pattern.search(text)
    ]
    if by_text:
        category, rule = _most_severe(by_text)
        return Classification(category, rule)
    return Classification("other", "no_rule_matched")


def classify_conviction(conviction: Conviction) -> Classification:
    return classify(conviction.statutes, conviction.offense_text)


def classify_grant(convictions: Sequence[Conviction]) -> Classification:
    """A grant's category is the most serious of its convictions' categories."""
    results = [(c.category, c.category_rule) for c in convictions]
    if not results:
        return Classification("other", "no_offense_stated")
    category, rule = _most_severe(results)
    return Classification(category, rule)
