"""Courts named on the grant pages, normalized to one canonical id each.

The pages name the same court many ways: "D. Minn.", "District of Minnesota", "W. D. Tenn.",
"W.D. TN", "Western District of Tennessee", "U.S. Army general court-martial",
"Superior Court of the District of Columbia". Every form of a federal district maps to the
PACER-style id of that district (``mnd``, ``tnwd``, ``dcd``); the D.C. Superior Court maps to
``dc-superior``; any court-martial to ``court-martial`` (with the service branch kept apart);
historic courts that no longer exist (the District Court for the Canal Zone) keep their own
id. A text that names no known court gives ``None`` and the caller flags it, keeping the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (name, postal code, other abbreviations used in citations, districts: "" = one district,
# otherwise a string of division letters n/s/e/w/m/c)
_STATES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("Alabama", "AL", ("Ala",), "nms"),
    ("Alaska", "AK", ("Alaska",), ""),
    ("Arizona", "AZ", ("Ariz",), ""),
    ("Arkansas", "AR", ("Ark",), "ew"),
    ("California", "CA", ("Cal", "Calif"), "ncse"),
    ("Colorado", "CO", ("Colo", "Col"), ""),
    ("Connecticut", "CT", ("Conn",), ""),
    ("Delaware", "DE", ("Del",), ""),
    ("District of Columbia", "DC", ("D.C.", "DC"), ""),
    ("Florida", "FL", ("Fla",), "nms"),
    ("Georgia", "GA", ("Ga",), "nms"),
    ("Guam", "GU", ("Guam",), ""),
    ("Hawaii", "HI", ("Haw", "Hawaii"), ""),
    ("Idaho", "ID", ("Idaho",), ""),
    ("Illinois", "IL", ("Ill",), "ncs"),
    ("Indiana", "IN", ("Ind",), "ns"),
    ("Iowa", "IA", ("Iowa",), "ns"),
    ("Kansas", "KS", ("Kan", "Kans"), ""),
    ("Kentucky", "KY", ("Ky",), "ew"),
    ("Louisiana", "LA", ("La",), "emw"),
    ("Maine", "ME", ("Me",), ""),
    ("Maryland", "MD", ("Md",), ""),
    ("Massachusetts", "MA", ("Mass",), ""),
    ("Michigan", "MI", ("Mich",), "ew"),
    ("Minnesota", "MN", ("Minn",), ""),
    ("Mississippi", "MS", ("Miss",), "ns"),
    ("Missouri", "MO", ("Mo",), "ew"),
    ("Montana", "MT", ("Mont",), ""),
    ("Nebraska", "NE", ("Neb", "Nebr"), ""),
    ("Nevada", "NV", ("Nev",), ""),
    ("New Hampshire", "NH", ("N.H.",), ""),
    ("New Jersey", "NJ", ("N.J.",), ""),
    ("New Mexico", "NM", ("N.M.", "N. Mex"), ""),
    ("New York", "NY", ("N.Y.",), "nsew"),
    ("North Carolina", "NC", ("N.C.",), "emw"),
    ("North Dakota", "ND", ("N.D.", "N. Dak"), ""),
    ("Northern Mariana Islands", "MP", ("N. Mar. I.", "N.M.I."), ""),
    ("Ohio", "OH", ("Ohio",), "ns"),
    ("Oklahoma", "OK", ("Okla",), "new"),
    ("Oregon", "OR", ("Or", "Ore"), ""),
    ("Pennsylvania", "PA", ("Pa", "Penn"), "emw"),
    ("Puerto Rico", "PR", ("P.R.",), ""),
    ("Rhode Island", "RI", ("R.I.",), ""),
    ("South Carolina", "SC", ("S.C.",), ""),
    ("South Dakota", "SD", ("S.D.", "S. Dak"), ""),
    ("Tennessee", "TN", ("Tenn",), "emw"),
    ("Texas", "TX", ("Tex",), "nsew"),
    ("Utah", "UT", ("Utah",), ""),
    ("Vermont", "VT", ("Vt",), ""),
    ("Virgin Islands", "VI", ("V.I.",), ""),
    ("Virginia", "VA", ("Va",), "ew"),
    ("Washington", "WA", ("Wash",), "ew"),
    ("West Virginia", "WV", ("W. Va.",), "ns"),
    ("Wisconsin", "WI", ("Wis", "Wisc"), "ew"),
    ("Wyoming", "WY", ("Wyo",), ""),
)

_DIVISION_NAMES = {
    "n": "Northern",
    "s": "Southern",
    "e": "Eastern",
    "w": "Western",
    "m": "Middle",
    "c": "Central",
}

FEDERAL_DISTRICT = "federal_district"
DC_SUPERIOR = "dc_superior"
COURT_MARTIAL = "court_martial"
TERRITORIAL = "territorial"

DC_SUPERIOR_ID = "dc-superior"
COURT_MARTIAL_ID = "court-martial"


@dataclass(frozen=True)
class Court:
    """One canonical court: ``id`` is stable, ``name`` is how the docs and charts show it."""

    id: str
    name: str
    court_type: str  # product.md §5.1 conviction_court values
    state: str | None = None


@dataclass(frozen=True)
class CourtMatch:
    court: Court
    branch: str | None = None  # army, navy, air_force, marine_corps, coast_guard


def _compact(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _build() -> tuple[dict[str, Court], dict[str, str]]:
    courts: dict[str, Court] = {}
    keys: dict[str, str] = {}

    def add_key(key: str, court_id: str) -> None:
        existing = keys.get(key)
        if existing is not None and existing != court_id:
            raise AssertionError(f"district key {key!r} is ambiguous: {existing} / {court_id}")
        keys[key] = court_id

    for name, postal, abbreviations, divisions in _STATES:
        spellings = {_compact(name), _compact(postal), *(_compact(a) for a in abbreviations)}
        for division in divisions or "-":
            if division == "-":
                court_id = postal.lower() + "d"
                full = name if name.startswith("District of") else f"District of {name}"
                prefix_short = "d"
            else:
                court_id = postal.lower() + division + "d"
                full = f"{_DIVISION_NAMES[division]} District of {name}"
                prefix_short = division + "d"
            territorial = postal in {"GU", "VI", "MP"}
            courts[court_id] = Court(
                court_id, full, TERRITORIAL if territorial else FEDERAL_DISTRICT, name
            )
            add_key(_compact(full), court_id)
            if division == "-":
                add_key(_compact(name), court_id)  # "Minnesota" alone names its only district
            for spelling in spellings:
                add_key(prefix_short + spelling, court_id)
                if division != "-":
                    add_key(_compact(_DIVISION_NAMES[division]) + "d" + spelling, court_id)
                    # "Middle Florida", "Western North Carolina" (the commutation list's short form)
                    add_key(_compact(_DIVISION_NAMES[division]) + spelling, court_id)
    courts["czd"] = Court("czd", "District of the Canal Zone (historic)", TERRITORIAL, None)
    for key in ("dcanalzone", "districtofthecanalzone", "districtofcanalzone", "canalzone"):
        add_key(key, "czd")
    courts[DC_SUPERIOR_ID] = Court(
        DC_SUPERIOR_ID, "Superior Court of the District of Columbia", DC_SUPERIOR
    )
    courts[COURT_MARTIAL_ID] = Court(COURT_MARTIAL_ID, "Court-martial", COURT_MARTIAL)
    return courts, keys


COURTS, _KEYS = _build()
FEDERAL_DISTRICT_IDS = frozenset(
    c.id
    for c in COURTS.values()
    if c.court_type in {FEDERAL_DISTRICT, TERRITORIAL} and c.id != "czd"
)

_BRANCHES = (
    ("marine_corps", re.compile(r"marine", re.I)),
    ("air_force", re.compile(r"air\s*force", re.I)),
    ("coast_guard", re.compile(r"coast\s*guard", re.I)),
    ("navy", re.compile(r"\bnav(y|al)\b", re.I)),
    ("army", re.compile(r"\barmy\b", re.I)),
)
_MILITARY = re.compile(r"courts?[\s-]*martial|\bU\.?\s*S\.?\s*(army|navy|air\s*force|marine)", re.I)
_DC_SUPERIOR = re.compile(
    r"superior\s+court\s+(of\s+(the\s+)?)?(d\.?\s*c\.?|district\s+of\s+columbia)"
    r"|(d\.?\s*c\.?|district\s+of\s+columbia)\s+superior\s+court",
    re.I,
)
_NUMBER_PREFIX = re.compile(r"^\s*(\d+\.\s*(&|and)?\s*)+")


def normalize_court(text: str | None) -> CourtMatch | None:
    """The canonical court a page's text names, or ``None`` when it names none we know."""
    if text is None:
        return None
    cleaned = _NUMBER_PREFIX.sub("", text.replace("\xa0", " ")).strip()
    # "S. (now Central) D. Ill.": the court as it was named at the time decides
    cleaned = re.sub(r"\((?:now|formerly)[^)]*\)", " ", cleaned, flags=re.I).strip()
    if not cleaned:
        return None
    if _DC_SUPERIOR.search(cleaned):
        return CourtMatch(COURTS[DC_SUPERIOR_ID])
    if _MILITARY.search(cleaned):
        branch = next((b for b, pattern in _BRANCHES if pattern.search(cleaned)), None)
        return CourtMatch(COURTS[COURT_MARTIAL_ID], branch)
    cleaned = re.sub(
        r"\b(u\.?\s*s\.?\s*)?district\s+court\s+(for|of)\s+the\s+", "", cleaned, flags=re.I
    )
    key = _compact(re.sub(r"\bof\s+the\b", "of", cleaned, flags=re.I))
    key = re.sub(r"^(the|us|unitedstates)", "", key)
    court_id = _KEYS.get(key)
    if court_id is None:
        return None
    return CourtMatch(COURTS[court_id])


_TRAILING_PARENS = re.compile(r"\(([^()]*)\)\s*$")


def split_trailing_court(text: str) -> tuple[str, CourtMatch | None, str | None]:
    """Split "Bank fraud (District of Oregon)" into the offense and the court it names.

    Only a final parenthesis that names a court is taken; any other text stays in the offense.
    """
    match = _TRAILING_PARENS.search(text)
    if match is None:
        return text, None, None
    court = normalize_court(match.group(1))
    if court is None:
        return text, None, None
    return text[: match.start()].rstrip(" ,;"), court, match.group(1).strip()
