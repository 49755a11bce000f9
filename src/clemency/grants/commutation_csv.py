"""The Obama commutation list as a two-column CSV (FiveThirtyEight's copy of the Justice
Department's page): recognised by its content, read into the same :class:`ParsedPage` as the
HTML pages, with ``kind`` commutation and the terms of each grant parsed.

The file is a hand copy with two layouts, read row by row:

* **label rows** (most of the file): a row with an empty key and a name starts a person when
  the next row is an ``Offense:`` row; ``Offense:``, ``District/Date:``, ``Sentence:`` and
  ``Terms of grant:`` rows (the label in the key column, or at the start of the value) fill the
  person's record; numbered values ("1. …", "2. …") are the person's several convictions, and
  an unlabelled row continues the last label (a numbered item, or a wrapped line);
* **bullet rows** (the last part): "• Name – City, ST" starts a person, and the rows
  "Offense: …; Eastern District of Virginia", "Sentence: … (April 11, 2008)" and "Commutation
  Grant: …" follow, with wrapped lines continuing the previous one.

Section dates stand alone in the key column, as spreadsheet serial numbers ("42696" is
2016-11-22) or as text ("MAY 5, 2016"). A date applies to the persons that follow it **in the
same layout**: persons before the first date, or in a layout that begins without a date of
its own, have no grant date (``no_grant_date``), with a warning giving the lines; none is
guessed. Encoding damage is repaired in every cell (:mod:`clemency.grants.repair`); repaired
grants carry the flag ``encoding_repaired``. Every person becomes a grant; a person whose
record is incomplete is also named in a warning with the reason, and text that belongs to no
person is kept and warned about. Nothing is dropped.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from clemency.grants import classify as classifier
from clemency.grants.districts import normalize_court
from clemency.grants.names import parse_name
from clemency.grants.parser import _NUMBERED, _align, _conviction, _Item, sha256_of
from clemency.grants.repair import repair_text
from clemency.grants.schemas import Grant, ParsedPage, Provenance, Section, UnparsedItem
from clemency.grants.sentences import parse_date
from clemency.grants.terms import parse_terms

LAYOUT_LABEL_ROWS = "csv-label-rows"
LAYOUT_BULLETS = "csv-bullet-list"

LICENCE = (
    "CC BY 4.0 (Creative Commons Attribution 4.0 International), FiveThirtyEight, "
    "fivethirtyeight/data, obama-commutations; the grant records themselves are public-domain "
    "works of the United States Government"
)
SOURCE_DESCRIPTION = (
    "FiveThirtyEight's copy (fivethirtyeight/data, folder obama-commutations) of the Justice "
    "Department's page of commutations granted by President Barack Obama"
)
SOURCE_URL = "https://github.com/fivethirtyeight/data/tree/master/obama-commutations"
FIVETHIRTYEIGHT_SHA256 = "b9400293d9a48ba22ca9b2311e967b74ba09374a2d94bb3a3a24d72166539ee9"
UNKNOWN_SOURCE = "a commutation list in CSV whose source is not known (not a copy Clemency knows)"
UNKNOWN_LICENCE = "not stated: the file names no licence and is not a copy Clemency knows"


@dataclass(frozen=True)
class _KnownSource:
    description: str
    url: str | None
    licence: str


# Copies whose origin is documented, by the SHA-256 of their bytes: the FiveThirtyEight file as
# last changed in fivethirtyeight/data (commit e0c8091), bundled in grants/pages/ with its README.
KNOWN_SOURCES: dict[str, _KnownSource] = {
    FIVETHIRTYEIGHT_SHA256: _KnownSource(SOURCE_DESCRIPTION, SOURCE_URL, LICENCE),
}
DOJ_PAGE = "https://www.justice.gov/pardon/obama-commutations"

# Terms of office (inauguration dates), to name the president from the grant dates the file
# states. A file whose dates fall in no single term is refused a president ("unknown").
_TERMS_OF_OFFICE: tuple[tuple[str, date, date], ...] = (
    ("George H. W. Bush", date(1989, 1, 20), date(1993, 1, 20)),
    ("William J. Clinton", date(1993, 1, 20), date(2001, 1, 20)),
    ("George W. Bush", date(2001, 1, 20), date(2009, 1, 20)),
    ("Barack Obama", date(2009, 1, 20), date(2017, 1, 20)),
    ("Donald J. Trump", date(2017, 1, 20), date(2021, 1, 20)),
    ("Joe Biden", date(2021, 1, 20), date(2025, 1, 20)),
)

_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("offense", re.compile(r"^offenses?$", re.I)),
    ("district_date", re.compile(r"^(?:district|court)\s*/\s*date$", re.I)),
    ("sentence", re.compile(r"^sentences?$", re.I)),
    ("terms", re.compile(r"^(?:terms\s+of\s+grant|commutation\s+grant)$", re.I)),
)
_LABEL_AT_START = re.compile(
    r"^(?P<label>Offenses?|District\s*/\s*Date|Court\s*/\s*Date|Sentences?|Terms\s+of\s+Grant|"
    r"Commutation\s+Grant)\s*:\s*(?P<rest>.*)$",
    re.I | re.S,
)
_SERIAL = re.compile(r"^\d{5}$")
_BULLET = re.compile(r"^[•·]\s*(?P<text>.*)$")
_RESIDENCE = re.compile(
    r"^(?P<name>.+?)\s*(?:–|—|\s_\s|\s-\s|_)\s*(?P<place>[A-Z][^–—_]*?,\s*[A-Za-z. ]+)$"
)
_WS = re.compile(r"\s+")


def _role(label: str) -> str | None:
    cleaned = _WS.sub(" ", label).strip().rstrip(":").strip()
    for role, pattern in _ROLES:
        if pattern.match(cleaned):
            return role
    return None


def serial_date(text: str) -> date | None:
    """A spreadsheet serial day number ("42696") as a date (1899-12-30 is day 0).

    Numbers below 61 are refused: spreadsheets count a 29 February 1900 that never was, so
    those days are off by one, and no grant of this record is that old anyway.
    """
    if not _SERIAL.match(text):
        return None
    number = int(text)
    if number < 61:
        return None
    return date(1899, 12, 30) + timedelta(days=number)


def looks_like_commutation_csv(text: str) -> bool:
    """True for a two-column CSV of labelled grant rows (the header ``key,info`` or labels)."""
    head = text.lstrip("\ufeff")[:20000]
    try:
        rows = list(csv.reader(io.StringIO(head)))[:200]
    except csv.Error:
        return False
    if not rows:
        return False
    if [c.strip().lower() for c in rows[0]] == ["key", "info"]:
        return True
    labelled = sum(1 for r in rows if len(r) == 2 and _role(repair_text(r[0])[0]) is not None)
    return labelled >= 3 and all(len(r) <= 2 for r in rows if r)


# ----------------------------------------------------------------------------- reading


@dataclass
class _Person:
    name_text: str
    layout: str
    first_line: int
    last_line: int
    section: int
    residence: str | None = None
    items: dict[str, list[_Item]] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)
    unparsed: list[UnparsedItem] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    last_role: str | None = None


@dataclass
class _CsvSection:
    heading: str
    grant_date: date | None
    line: int
    layout: str | None = None  # the layout of its first person
    persons: list[_Person] = field(default_factory=list)


def _rows(text: str) -> list[tuple[int, str, str, bool]]:
    """(line, key, value, repaired) for every row after the header, cells repaired."""
    reader = csv.reader(io.StringIO(text))
    out: list[tuple[int, str, str, bool]] = []
    first = True
    for row in reader:
        line = reader.line_num
        if first:
            first = False
            if [c.strip().lower() for c in row] == ["key", "info"]:
                continue
        cells = [*row, "", ""][:2]
        extra = row[2:]
        key, fixed_key = repair_text(cells[0])
        value, fixed_value = repair_text(cells[1])
        if extra and any(c.strip() for c in extra):
            value = f"{value}, {', '.join(extra)}"
        out.append(
            (
                line,
                _WS.sub(" ", key).strip(),
                _WS.sub(" ", value).strip(),
                fixed_key or fixed_value,
            )
        )
    return out


def _next_role(rows: list[tuple[int, str, str, bool]], index: int) -> str | None:
    """The label role of the next non-blank row after ``index``."""
    for _line, key, value, _ in rows[index + 1 :]:
        if not key and not value:
            continue
        if key:
            return _role(key)
        match = _LABEL_AT_START.match(value)
        return _role(match.group("label")) if match else None
    return None


def _add_item(person: _Person, role: str, text: str) -> None:
    if role == "terms":
        person.terms.append(text)
        return
    match = _NUMBERED.match(text)
    items = person.items.setdefault(role, [])
    if match and text:
        numbers = [int(n) for n in re.findall(r"\d+", match.group("nums"))]
        items.append(_Item(numbers, match.group("rest").strip()))
    elif text:
        items.append(_Item([], text))


def _continue(person: _Person, text: str) -> None:
    """An unlabelled row inside a person: the next numbered item, or a wrapped line."""
    role = person.last_role
    assert role is not None
    if role == "terms":
        person.terms[-1] = f"{person.terms[-1]} {text}".strip() if person.terms else text
        return
    items = person.items.setdefault(role, [])
    match = _NUMBERED.match(text)
    if match is not None:
        numbers = [int(n) for n in re.findall(r"\d+", match.group("nums"))]
        items.append(_Item(numbers, match.group("rest").strip()))
    elif items:
        items[-1].text = f"{items[-1].text} {text}".strip()
    else:
        items.append(_Item([], text))


def _split_district_date(text: str) -> tuple[str | None, str | None]:
    court, _, when = text.partition(";")
    if not when and parse_date(court) is not None and normalize_court(court) is None:
        return None, court.strip()
    return court.strip() or None, when.strip() or None


def _split_trailing_district(text: str) -> tuple[str, str | None]:
    """ "Distribution of methamphetamine; District of Utah" -> offense and court words."""
    head, sep, tail = text.rpartition(";")
    if sep and tail.strip() and re.search(r"\bdistrict\b|\bcourt\b", tail, re.I):
        return head.strip(), tail.strip()
    return text, None


def _convictions(person: _Person) -> list[dict[str, str | None]]:
    columns = {
        role: person.items.get(role, []) for role in ("offense", "district_date", "sentence")
    }
    raws: list[dict[str, str | None]] = []
    for values in _align(columns, person.flags):
        offense = values.get("offense")
        district: str | None = None
        when: str | None = None
        if values.get("district_date"):
            district, when = _split_district_date(values["district_date"] or "")
        if offense and district is None:
            offense, district = _split_trailing_district(offense)
        raws.append(
            {
                "number": values.get("number"),
                "offense": offense,
                "district": district,
                "date": when,
                "sentence": values.get("sentence"),
            }
        )
    return raws


def _read(
    rows: list[tuple[int, str, str, bool]], warnings: list[str], loose: list[str]
) -> list[_CsvSection]:
    sections: list[_CsvSection] = [_CsvSection("", None, rows[0][0] if rows else 1)]
    person: _Person | None = None
    repaired_lines: set[int] = set()

    def start(name_text: str, layout: str, line: int) -> _Person:
        section = sections[-1]
        if section.layout is None:
            section.layout = layout
        elif section.layout != layout:
            # a new layout without a date of its own: its grant date is not stated
            sections.append(_CsvSection("", None, line, layout))
        new = _Person(name_text, layout, line, line, len(sections) - 1)
        sections[-1].persons.append(new)
        return new

    for index, (line, key, value, repaired) in enumerate(rows):
        if repaired:
            repaired_lines.add(line)
        if not key and not value:
            continue
        # a section date standing alone in the key column
        if key and not value:
            when = serial_date(key) or (parse_date(key) if _role(key) is None else None)
            if when is not None:
                sections.append(_CsvSection(key, when, line))
                person = None
                continue
        bullet = _BULLET.match(value) if not key else None
        if bullet is not None:
            text = bullet.group("text").strip()
            match = _RESIDENCE.match(text)
            person = start(match.group("name") if match else text, LAYOUT_BULLETS, line)
            if match:
                person.residence = match.group("place").strip()
            else:
                person.flags.append("residence_not_stated")
            continue
        label: str | None = None
        rest = value
        if key:
            label = key
            again = _LABEL_AT_START.match(value)
            if again and _role(again.group("label")) == _role(key):
                rest = again.group("rest").strip()  # "Offense: Offense: …"
        else:
            match = _LABEL_AT_START.match(value)
            if match:
                label, rest = match.group("label"), match.group("rest").strip()
        if label is not None:
            role = _role(label)
            if person is None:
                warnings.append(f"line {line}: '{label}' row before any person; kept out")
                loose.append(f"line {line}: {key} {value}".strip())
                continue
            person.last_line = line
            if role is None:
                person.unparsed.append(UnparsedItem(label=label, text=rest))
                person.flags.append(f"unknown_label:{label.strip().rstrip(':').lower()}")
                continue
            person.last_role = role
            _add_item(person, role, rest)
            continue
        if key:  # a key that is neither a label nor a date
            target = person
            if target is None:
                warnings.append(f"line {line}: unrecognised row {key!r} before any person")
                loose.append(f"line {line}: {key} {value}".strip())
            else:
                target.unparsed.append(UnparsedItem(label=key, text=value))
                target.flags.append("unlabelled_text")
            continue
        # an unlabelled value: a new person (label rows), or the last label continued
        starts_person = _next_role(rows, index) == "offense" and not _NUMBERED.match(value)
        if starts_person and (person is None or person.last_role is not None):
            person = start(value, LAYOUT_LABEL_ROWS, line)
            continue
        if person is not None and person.last_role is not None:
            person.last_line = line
            _continue(person, value)
            continue
        warnings.append(f"line {line}: text outside any person kept out: {value[:60]!r}")
        loose.append(f"line {line}: {value}")
    for section in sections:
        for p in section.persons:
            if any(p.first_line <= ln <= p.last_line for ln in repaired_lines):
                p.flags.append("encoding_repaired")
    return sections


def _president(sections: list[_CsvSection], warnings: list[str]) -> str:
    dates = [s.grant_date for s in sections if s.grant_date is not None]
    if not dates:
        warnings.append("no grant date in the file: the president cannot be named")
        return "unknown"
    for name, start, end in _TERMS_OF_OFFICE:
        if all(start <= d < end for d in dates):
            return name
    warnings.append("the grant dates span more than one term of office: president unknown")
    return "unknown"


def _term(president: str) -> str | None:
    for name, start, end in _TERMS_OF_OFFICE:
        if name == president:
            return f"{start.year}-{end.year}"
    return None


def parse_commutation_csv(
    data: bytes, *, source_file: str, sha256: str | None = None
) -> ParsedPage:
    """Every person of the CSV as a commutation grant; problems are flags and warnings."""
    digest = sha256 or sha256_of(data)
    known = KNOWN_SOURCES.get(digest, _KnownSource(UNKNOWN_SOURCE, None, UNKNOWN_LICENCE))
    text = data.decode("utf-8-sig")
    warnings: list[str] = []
    loose: list[str] = []
    rows = _rows(text)
    sections = _read(rows, warnings, loose)
    president = _president(sections, warnings)
    grants: list[Grant] = []
    section_models: list[Section] = []
    last_line = rows[-1][0] if rows else 1
    for number, section in enumerate(sections):
        if not section.persons:
            continue
        if section.grant_date is None:
            end = sections[number + 1].line - 1 if number + 1 < len(sections) else last_line
            reason = (
                "before the first section date"
                if number == 0
                else "in a layout that begins without a section date of its own"
            )
            warnings.append(
                f"lines {section.persons[0].first_line}-{end}: {len(section.persons)} persons "
                f"{reason}; the file does not state their grant date, so it is left unknown"
            )
        for person in section.persons:
            flags = list(person.flags)
            convictions = [
                _conviction(raw, flags) for raw in _convictions(person) if any(raw.values())
            ]
            name, aliases = parse_name(person.name_text)
            where = f"lines {person.first_line}-{person.last_line}"
            if not convictions:
                flags.append("no_conviction_stated")
                warnings.append(f"{where}: {name}: no offense, court or sentence stated")
            if all(c.court_id is None for c in convictions) and "court_not_recognized" not in flags:
                flags.append("court_missing")
            if section.grant_date is None:
                flags.append("no_grant_date")
            terms_text = " ".join(person.terms) if person.terms else None
            terms = parse_terms(terms_text) if terms_text else None
            if terms is None:
                flags.append("no_terms_stated")
                warnings.append(f"{where}: {name}: no terms of grant stated")
            elif terms.outcome is None:
                flags.append("terms_not_understood")
                warnings.append(
                    f"{where}: {name}: what the sentence was commuted to is not understood: "
                    f"{terms.unparsed[0] if terms.unparsed else terms.text}"
                )
            elif terms.unparsed:
                flags.append("terms_partly_understood")
            if not name:
                warnings.append(f"{where}: a person without a name")
            grant_class = classifier.classify_grant(convictions)
            grants.append(
                Grant(
                    president=president,
                    grant_date=section.grant_date,
                    section_heading=section.heading,
                    kind="commutation",
                    name=name,
                    name_text=person.name_text,
                    aliases=aliases,
                    convictions=convictions,
                    terms_text=terms_text,
                    terms=terms,
                    residence=person.residence,
                    layout=person.layout,
                    entry_index=len(grants) + 1,
                    source_file=source_file,
                    source_sha256=digest,
                    source_url=known.url,
                    category=grant_class.category,
                    category_rule=grant_class.rule,
                    flags=sorted(set(flags)),
                    unparsed=person.unparsed,
                    provenance=Provenance(
                        source=known.description,
                        source_file=source_file,
                        source_sha256=digest,
                        source_url=known.url,
                        licence=known.licence,
                        location=where,
                    ),
                )
            )
        section_models.append(
            Section(
                heading=section.heading,
                grant_date=section.grant_date,
                layouts=[section.layout] if section.layout else [],
                grant_count=len(section.persons),
            )
        )
    if not grants:
        warnings.append("no grants found in the file")
    return ParsedPage(
        source_file=source_file,
        source_sha256=digest,
        source_url=known.url,
        source_description=known.description,
        licence=known.licence,
        title=f"Commutations Granted by President {president}",
        president=president,
        term=_term(president),
        default_kind="commutation",
        sections=section_models,
        grants=grants,
        warnings=warnings,
        unassigned_text=loose,
    )
