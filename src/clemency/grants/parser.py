"""Parser for the Justice Department's "Pardons Granted by President …" pages.

The pages differ from one administration to the next and within one page, so nothing here
knows a particular page. The page body is read in document order as a stream of events:

* a **section heading** (an ``h1``–``h6``, or a paragraph that holds nothing but a date)
  starts a section and gives the grant date; a "Warrant" link in it is the section's warrant;
* a **column table** is a table with a header row whose cells name known columns (NAME,
  DISTRICT, SENTENCED, OFFENSE, PUBLIC DISCLOSURE, …) — one grant per row, or per group of
  rows tied together by a ``rowspan`` on the name; several convictions in one cell are
  numbered "1. … 2. …" or separated by blank lines and are lined up across the columns;
* any other table, and paragraphs outside tables, are read as **labelled lines**: a bold
  line (or a header cell) is a name, "Offense:", "District/Date:", "Sentence:", "Terms of
  Grant:" and their variants fill the current person's current conviction, and a label that
  is seen again starts the next conviction.

The layout is decided per table and per section, never per file. Text the parser does not
understand is kept verbatim on the grant (``unparsed``) and named in ``flags``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from bs4 import BeautifulSoup, Comment, Tag
from bs4.element import NavigableString

from clemency.digits import whole_number
from clemency.errors import ParseError
from clemency.grants import classify as classifier
from clemency.grants.districts import normalize_court, split_trailing_court
from clemency.grants.names import parse_name
from clemency.grants.schemas import (
    Conviction,
    Grant,
    GrantKind,
    ParsedPage,
    Provenance,
    Section,
    UnparsedItem,
)
from clemency.grants.sentences import parse_date, parse_sentence, split_trailing_date
from clemency.grants.statutes import extract_statutes, offense_without_citations
from clemency.grants.terms import parse_terms

PUBLIC_DOMAIN = "public domain (a work of the United States Government, 17 U.S.C. § 105)"
LAYOUT_COLUMNS = "column-table"
LAYOUT_LABEL_TABLE = "label-table"
LAYOUT_PARAGRAPHS = "label-paragraphs"

_WS = re.compile(r"\s+")
_DATE_ONLY = re.compile(
    r"^(?:(?:pardons?|commutations?|grants?|clemency)[^,:]*?(?:on|of|:)\s*)?"
    r"(January|February|March|April|May|June|July|August|September|October|November|December)\.?\s+\d{1,2},?\s+\d{4}\.?$",
    re.I,
)
_NUMBERED = re.compile(r"^(?P<nums>\d{1,2}\.(?:\s*(?:&|and|,)\s*\d{1,2}\.)*)\s*(?P<rest>.*)$", re.S)
_YEAR_FIRST = re.compile(r"^(?P<year>1[7-9]\d\d|20\d\d)\b")
_NAME_LIKE = re.compile(
    r"^[A-Z][\w'’.\-]*(?:,?\s+(?:[A-Z][\w'’.\-]*|aka|fka|nka|a/k/a|f/k/a|and|de|la|van|der|von|del|da|di|le|St\.?|Jr\.?|Sr\.?|II|III|IV)){1,12}$"
)
_DATE_LIKE = re.compile(r"\(\s*[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{3,4}\s*\)")
_SEE_ELSEWHERE = re.compile(r"^\(?\s*see\b", re.I)

# header cell text -> column role
_COLUMN_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern, re.I))
    for role, pattern in (
        ("name", r"^(name|names|recipient|grantee|person)s?$"),
        ("district", r"^(district|court|district/court|jurisdiction|court of conviction)$"),
        (
            "sentenced",
            r"^(sentenced|sentence|date of sentence|sentence date|date sentenced|sentencing date)$",
        ),
        ("offense", r"^(offense|offenses|offense\(s\)|crime|crimes|conviction|convictions)$"),
        (
            "record",
            r"^(public disclosure|warrant|warrants|records?|clemency records?|documents?|link)$",
        ),
        ("terms", r"^(terms|terms of grant|grant|commutation|commutation grant|relief)$"),
    )
)
# line label -> role
_LABEL_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (role, re.compile(pattern, re.I))
    for role, pattern in (
        (
            "offense",
            r"^(offense|offenses|offense\(s\)|crime|crimes|conviction|convictions|charge|charges)$",
        ),
        ("district_date", r"^(district|court)\s*(/|and|&)\s*date$"),
        ("district", r"^(district|court|jurisdiction|court of conviction)$"),
        ("sentence", r"^(sentence|sentenced|sentence imposed|original sentence)$"),
        ("date", r"^(date|date of sentence|sentence date|sentencing date|date sentenced)$"),
        (
            "terms",
            r"^(terms of grant|terms|commutation grant|pardon grant|grant|conditions|relief granted)$",
        ),
    )
)
_LABEL_TEXT = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z()/&' ]{1,40}?)\s*:\s*(?P<value>.*)$", re.S)


_SPACED = {"br", "p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}


def _text(node: Tag | NavigableString | None) -> str:
    if node is None:
        return ""
    if not isinstance(node, Tag):
        return _WS.sub(" ", str(node).replace("\xa0", " ")).strip()
    parts: list[str] = []
    for element in node.descendants:
        if isinstance(element, Comment):
            continue
        if isinstance(element, NavigableString):
            parts.append(str(element))
        elif isinstance(element, Tag) and element.name in _SPACED:
            parts.append(" ")
    return _WS.sub(" ", "".join(parts).replace("\xa0", " ")).strip()


def _role(text: str, roles: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    cleaned = _WS.sub(" ", text.replace("\xa0", " ")).strip().rstrip(":").strip()
    for role, pattern in roles:
        if pattern.match(cleaned):
            return role
    return None


def _is_bold_only(tag: Tag) -> bool:
    """True when every visible character of ``tag`` is inside b/strong/th (a name line)."""
    if tag.name == "th":
        return bool(_text(tag))
    seen = False
    for node in tag.find_all(string=True):
        if isinstance(node, Comment) or not str(node).strip(" \t\r\n\xa0"):
            continue
        seen = True
        parent = node.parent
        while parent is not None and parent is not tag and parent.name not in {"b", "strong"}:
            parent = parent.parent
        if parent is None or parent is tag:
            return False
    return seen


def _kind_from_text(text: str) -> GrantKind | None:
    lowered = text.lower()
    if "commut" in lowered and "pardon" not in lowered:
        return "commutation"
    if "remission" in lowered:
        return "remission"
    if "pardon" in lowered and "commut" not in lowered:
        return "pardon"
    return None


# ----------------------------------------------------------------------------- events


@dataclass
class _Heading:
    text: str
    grant_date: date | None


@dataclass
class _Link:
    href: str
    text: str


@dataclass
class _Table:
    tag: Tag


@dataclass
class _Line:
    tag: Tag
    text: str
    bold: bool


_Event = _Heading | _Link | _Table | _Line
_BLOCKS = {
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "blockquote",
    "dl",
    "dd",
    "dt",
    "center",
    "span",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _events(root: Tag) -> Iterator[_Event]:
    for child in root.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            text = _text(child)
            if text:
                yield _Line(root, text, False)
            continue
        if not isinstance(child, Tag):
            continue
        if child.name in {"script", "style", "noscript"}:
            continue
        if child.name in _HEADINGS:
            text = _text(child)
            yield _Heading(text, parse_date(text) if text else None)
            continue
        if child.name == "table":
            yield _Table(child)
            continue
        has_block_children = any(
            isinstance(c, Tag)
            and (c.name in _BLOCKS - {"span"} or c.name in _HEADINGS or c.name == "table")
            for c in child.children
        )
        if has_block_children:
            yield from _events(child)
            continue
        text = _text(child)
        links = child.find_all("a", href=True) if child.name != "a" else [child]
        for link in links:
            if "warrant" in _text(link).lower() or "clemency records" in _text(link).lower():
                yield _Link(str(link["href"]), _text(link))
        if not text:
            continue
        if _DATE_ONLY.match(text):
            yield _Heading(text, parse_date(text))
            continue
        if any("warrant" in _text(link).lower() for link in links) and len(text) < 80:
            continue
        yield _Line(child, text, _is_bold_only(child))


# ----------------------------------------------------------------------------- building


@dataclass
class _Entry:
    name_text: str
    layout: str
    convictions: list[dict[str, str | None]] = field(default_factory=list)
    terms: str | None = None
    record_url: str | None = None
    unparsed: list[UnparsedItem] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    where: str | None = None  # the element the name stands in: "table 3, row 12", "block 57"

    def current(self) -> dict[str, str | None]:
        if not self.convictions:
            self.convictions.append({})
        return self.convictions[-1]


@dataclass
class _SectionState:
    heading: str
    grant_date: date | None
    kind: GrantKind | None
    warrant_url: str | None = None
    entries: list[_Entry] = field(default_factory=list)
    layouts: list[str] = field(default_factory=list)


class _LabelReader:
    """Turns labelled lines into entries; used for label tables and for paragraphs."""

    def __init__(
        self, section: _SectionState, layout: str, warnings: list[str], loose: list[str]
    ) -> None:
        self.section = section
        self.layout = layout
        self.warnings = warnings
        self.loose = loose  # text outside any entry, kept on the page
        self.entry: _Entry | None = None
        self.pending: str | None = None  # unlabelled text that may be the next name
        self.pending_where: str | None = None

    def name(self, text: str, where: str | None = None) -> None:
        self.close()
        self.entry = _Entry(text, self.layout, where=where)
        self.section.entries.append(self.entry)

    def close(self) -> None:
        """Keep any text still waiting: on the current entry, or on the page."""
        pending, self.pending = self.pending, None
        if pending is None:
            return
        if self.entry is None:
            self.loose.append(pending)
        else:
            self.entry.unparsed.append(UnparsedItem(label=None, text=pending))
            self.entry.flags.append("unlabelled_text")

    def label(self, raw_label: str, value: str, href: str | None = None) -> None:
        role = _role(raw_label, _LABEL_ROLES)
        if role == "offense" and self.pending is not None and _NAME_LIKE.match(self.pending):
            # a plain (not bold) line right before "Offense:" is the person's name
            pending, self.pending = self.pending, None
            self.name(pending, self.pending_where)
        self.close()
        if self.entry is None:
            self.warnings.append(
                f"{self.section.heading or 'before the first heading'}: "
                f"'{raw_label}: {value[:60]}' appears before any name; kept out"
            )
            return
        entry = self.entry
        if role is None:
            entry.unparsed.append(UnparsedItem(label=raw_label, text=value))
            entry.flags.append(f"unknown_label:{raw_label.strip().lower()}")
            return
        if role == "terms":
            entry.terms = value if entry.terms is None else f"{entry.terms} {value}"
            return
        keys = {
            "district_date": ("district", "date"),
            "offense": ("offense",),
            "district": ("district",),
            "sentence": ("sentence",),
            "date": ("date",),
        }[role]
        current = entry.current()
        if any(current.get(k) is not None for k in keys):
            current = {}
            entry.convictions.append(current)
        if role == "district_date":
            court, _, when = value.partition(";")
            if not when and parse_date(court) is not None and normalize_court(court) is None:
                court, when = "", court
            current["district"] = court.strip() or None
            current["date"] = when.strip() or None
        else:
            current[keys[0]] = value
        if href:
            entry.record_url = href

    def text(self, text: str, where: str | None = None) -> None:
        self.close()
        self.pending = text
        self.pending_where = where


def _grid(table: Tag) -> list[list[tuple[Tag, bool]]]:
    """Rows of (cell, is_origin), with rowspan and colspan expanded."""
    grid: list[list[tuple[Tag, bool]]] = []
    pending: dict[int, tuple[Tag, int]] = {}
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        row: list[tuple[Tag, bool]] = []
        cells = [c for c in tr.find_all(["td", "th"], recursive=False)]
        column = 0
        cell_iter = iter(cells)
        while True:
            if column in pending:
                cell, left = pending[column]
                row.append((cell, False))
                if left <= 1:
                    del pending[column]
                else:
                    pending[column] = (cell, left - 1)
                column += 1
                continue
            next_cell = next(cell_iter, None)
            if next_cell is None:
                break
            cell = next_cell
            # As HTML reads them: 0 or no number is 1, and a span stops at the standard's
            # limit (1,000 columns, 65,534 rows): a hostile colspan cannot make a huge row.
            span = min(whole_number(str(cell.get("colspan", "1"))) or 1, 1000)
            rows = min(whole_number(str(cell.get("rowspan", "1"))) or 1, 65534)
            for offset in range(span):
                row.append((cell, offset == 0))
                if rows > 1:
                    pending[column] = (cell, rows - 1)
                column += 1
        while column in pending:
            cell, left = pending.pop(column)
            row.append((cell, False))
            if left > 1:
                pending[column] = (cell, left - 1)
            column += 1
        grid.append(row)
    return grid


def _header_roles(row: list[tuple[Tag, bool]]) -> list[str | None] | None:
    texts = [_text(cell) for cell, _ in row]
    roles = [_role(t, _COLUMN_ROLES) for t in texts]
    if "name" in roles and sum(r is not None for r in roles) >= 2:
        return [
            r if r is not None else (f"unknown:{t}" if t else None)
            for r, t in zip(roles, texts, strict=True)
        ]
    return None


def _segments(cell: Tag) -> list[str]:
    """The cell's text cut at blank lines (two <br>) and at paragraph boundaries."""
    segments: list[str] = []
    buffer: list[str] = []
    breaks = 0

    def flush() -> None:
        text = _WS.sub(" ", "".join(buffer).replace("\xa0", " ")).strip()
        if text:
            segments.append(text)
        buffer.clear()

    def walk(node: Tag) -> None:
        nonlocal breaks
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if str(child).strip(" \t\r\n\xa0"):
                    if breaks >= 2:
                        flush()
                    breaks = 0
                    buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            if child.name == "br":
                breaks += 1
                buffer.append(" ")
                continue
            if child.name in {"p", "div", "li"}:
                flush()
                breaks = 0
                walk(child)
                flush()
                continue
            walk(child)

    walk(cell)
    flush()
    return segments


@dataclass
class _Item:
    numbers: list[int]
    text: str


def _items(cell: Tag | None) -> list[_Item]:
    if cell is None:
        return []
    items: list[_Item] = []
    for segment in _segments(cell):
        match = _NUMBERED.match(segment)
        if match and not _YEAR_FIRST.match(segment):
            numbers = [int(n) for n in re.findall(r"\d+", match.group("nums"))]
            items.append(_Item(numbers, match.group("rest").strip()))
        elif items and items[-1].numbers:
            items[-1].text = f"{items[-1].text} {segment}".strip()
        else:
            items.append(_Item([], segment))
    return items


def _align(columns: dict[str, list[_Item]], flags: list[str]) -> list[dict[str, str | None]]:
    """Line up the numbered or blank-line separated items of each column into convictions."""
    numbered = {role: items for role, items in columns.items() if any(i.numbers for i in items)}
    if numbered:
        reference = max(numbered.values(), key=len)
        numbers = sorted({n for items in numbered.values() for i in items for n in i.numbers})
        groups = [i.numbers for i in reference]
        rows: list[dict[str, str | None]] = []
        for index, number in enumerate(numbers):
            row: dict[str, str | None] = {"number": str(number)}
            group_index = next((g for g, nums in enumerate(groups) if number in nums), None)
            for role, items in columns.items():
                if role in numbered:
                    hit = next((i.text for i in items if number in i.numbers), None)
                    row[role] = hit
                elif not items:
                    row[role] = None
                elif len(items) == 1:
                    row[role] = items[0].text
                elif len(items) == len(numbers):
                    row[role] = items[index].text
                elif group_index is not None and len(items) == len(groups):
                    row[role] = items[group_index].text
                else:
                    row[role] = " ".join(i.text for i in items)
                    flags.append("columns_not_aligned")
            rows.append(row)
        return rows
    count = max((len(items) for items in columns.values()), default=0)
    rows = []
    for index in range(max(count, 1)):
        row = {}
        for role, items in columns.items():
            if not items:
                row[role] = None
            elif len(items) == count:
                row[role] = items[index].text
            elif len(items) == 1:
                row[role] = items[0].text
            else:
                row[role] = " ".join(i.text for i in items)
                flags.append("columns_not_aligned")
        rows.append(row)
    return rows


def _read_column_table(
    grid: list[list[tuple[Tag, bool]]],
    header_index: int,
    roles: list[str | None],
    section: _SectionState,
    table_number: int = 0,
) -> None:
    name_column = roles.index("name")
    entry: _Entry | None = None
    for row_number, row in enumerate(grid[header_index + 1 :], start=header_index + 2):
        if not row or all(not _text(cell) for cell, _ in row):
            continue
        if name_column >= len(row):
            continue
        name_cell, name_is_origin = row[name_column]
        if name_is_origin or entry is None:
            if _header_roles(row) is not None:
                continue  # a repeated header row
            entry = _Entry(
                _text(name_cell), LAYOUT_COLUMNS, where=f"table {table_number}, row {row_number}"
            )
            section.entries.append(entry)
        columns: dict[str, list[_Item]] = {}
        for position, (cell, is_origin) in enumerate(row):
            role = roles[position] if position < len(roles) else None
            if role in {None, "name"}:
                if role is None and is_origin and _text(cell):
                    entry.unparsed.append(UnparsedItem(label=None, text=_text(cell)))
                    entry.flags.append("cell_outside_known_columns")
                continue
            assert role is not None
            if role == "record":
                link = cell.find("a", href=True)
                if link is not None:
                    entry.record_url = str(link["href"])
                elif _text(cell):
                    entry.unparsed.append(UnparsedItem(label="record", text=_text(cell)))
                continue
            if role == "terms":
                if is_origin and _text(cell):
                    entry.terms = _text(cell)
                continue
            if role.startswith("unknown:"):
                if is_origin and _text(cell):
                    entry.unparsed.append(
                        UnparsedItem(label=role.removeprefix("unknown:"), text=_text(cell))
                    )
                    entry.flags.append(f"unknown_column:{role.removeprefix('unknown:').lower()}")
                continue
            columns[role] = _items(cell)
        for values in _align(columns, entry.flags):
            entry.convictions.append(
                {
                    "number": values.get("number"),
                    "district": values.get("district"),
                    "sentenced": values.get("sentenced"),
                    "offense": values.get("offense"),
                }
            )


def _read_label_table(table: Tag, reader: _LabelReader, table_number: int = 0) -> None:
    for row_number, tr in enumerate(table.find_all("tr"), start=1):
        if tr.find_parent("table") is not table:
            continue
        cells = [c for c in tr.find_all(["td", "th"], recursive=False) if _text(c)]
        if not cells:
            continue
        if len(cells) == 1:
            cell = cells[0]
            text = _text(cell)
            match = _LABEL_TEXT.match(text)
            if match and _role(match.group("label"), _LABEL_ROLES) is not None:
                reader.label(match.group("label"), match.group("value").strip())
            elif cell.name == "th" or _is_bold_only(cell):
                reader.name(text, f"table {table_number}, row {row_number}")
            else:
                reader.text(text, f"table {table_number}, row {row_number}")
            continue
        label_text = _text(cells[0])
        value_cell = cells[1]
        value = " ".join(_text(c) for c in cells[1:])
        link = value_cell.find("a", href=True)
        if label_text.rstrip().endswith(":") or _role(label_text, _LABEL_ROLES) is not None:
            reader.label(label_text.rstrip(": "), value, str(link["href"]) if link else None)
        else:
            reader.text(
                " | ".join(_text(c) for c in cells), f"table {table_number}, row {row_number}"
            )


def _read_line(line: _Line, reader: _LabelReader, block_number: int = 0) -> None:
    match = _LABEL_TEXT.match(line.text)
    if match and (
        _role(match.group("label"), _LABEL_ROLES) is not None
        or (reader.entry is not None and len(match.group("label")) < 25 and not line.bold)
    ):
        reader.label(match.group("label"), match.group("value").strip())
        return
    anchors = [line.tag] if line.tag.name == "a" else line.tag.find_all("a")
    linked = " ".join(_text(a) for a in anchors)
    if line.bold and len(line.text) < 200 and _WS.sub("", linked) != _WS.sub("", line.text):
        reader.name(line.text, f"block {block_number}")
        return
    reader.text(line.text, f"block {block_number}")


# ----------------------------------------------------------------------------- conversion


def _conviction(raw: dict[str, str | None], flags: list[str]) -> Conviction:
    conviction = Conviction()
    number = raw.get("number")
    conviction.number = int(number) if number else None
    offense = raw.get("offense")
    court_text = raw.get("district")
    if offense:
        conviction.offense_text = offense
        if not court_text:
            stripped, court, court_words = split_trailing_court(offense)
            if court is not None:
                offense = stripped
                conviction.offense_text = stripped
                court_text = court_words
        conviction.statutes = extract_statutes(offense)
        conviction.offense_description = offense_without_citations(offense)
        if _SEE_ELSEWHERE.match(offense):
            flags.append("offense_refers_elsewhere")
        elif not conviction.statutes:
            flags.append("no_statute_cited")
    if court_text:
        conviction.court_text = court_text
        match = normalize_court(court_text)
        if match is None:
            flags.append("court_not_recognized")
        else:
            conviction.court_id = match.court.id
            conviction.court_type = match.court.court_type
            conviction.military_branch = match.branch
    sentenced = raw.get("sentenced")
    sentence_text = raw.get("sentence")
    when = raw.get("date")
    if sentenced:
        conviction.sentenced_text = sentenced
        year = _YEAR_FIRST.match(sentenced)
        if year is not None:
            conviction.sentenced_year = int(year.group("year"))
        elif sentence_text is None:
            sentence_text = sentenced
    if sentence_text:
        rest, found = split_trailing_date(sentence_text)
        conviction.sentence = parse_sentence(rest)
        if found is not None:
            conviction.sentenced_on = found
        elif _DATE_LIKE.search(sentence_text):
            flags.append("date_not_understood")  # e.g. "(Janurary 20, 1987)": kept in the text
        if conviction.sentence.unparsed:
            flags.append("sentence_not_fully_understood")
    if when:
        conviction.sentenced_text = when
        found = parse_date(when)
        if found is not None:
            conviction.sentenced_on = found
        else:
            year = re.search(r"\b(1[7-9]\d\d|20\d\d)\b", when)
            if year:
                conviction.sentenced_year = int(year.group(1))
            else:
                flags.append("date_not_understood")
    if conviction.sentenced_on is not None:
        conviction.sentenced_year = conviction.sentenced_on.year
    result = classifier.classify_conviction(conviction)
    conviction.category = result.category
    conviction.category_rule = result.rule
    return conviction


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _page_root(soup: BeautifulSoup) -> Tag:
    for selector in (
        {"class_": re.compile(r"field--name-(field-page-)?body")},
        {"name": "article"},
        {"attrs": {"role": "main"}},
        {"name": "main"},
    ):
        found = soup.find(**selector)
        if isinstance(found, Tag):
            return found
    body = soup.body
    if body is None:
        raise ParseError("the page has no body: is it an HTML page?")
    return body


def _source_url(soup: BeautifulSoup, html: str) -> str | None:
    saved = re.search(r"saved from url=\(\d+\)(\S+)", html[:2000])
    if saved:
        return saved.group(1).rstrip(" -")
    canonical = soup.find("link", rel="canonical")
    if isinstance(canonical, Tag) and canonical.get("href"):
        return str(canonical["href"])
    og = soup.find("meta", property="og:url")
    if isinstance(og, Tag) and og.get("content"):
        return str(og["content"])
    return None


_PRESIDENT = re.compile(r"President\s+(?P<name>[^()]+?)\s*(?:\((?P<term>[^)]*)\))?\s*$")


def parse_html(html: str | bytes, *, source_file: str, sha256: str | None = None) -> ParsedPage:
    """Parse one page. ``source_file`` and ``sha256`` are recorded on every grant."""
    data = html if isinstance(html, bytes) else html.encode("utf-8")
    text = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
    digest = sha256 or sha256_of(data)
    soup = BeautifulSoup(text, "lxml")
    warnings: list[str] = []
    title, president, term = _title_and_president(soup, warnings)
    default_kind = _kind_from_text(title) or "pardon"
    loose: list[str] = []
    sections = _read_sections(_page_root(soup), title, warnings, loose)
    page = _PageContext(
        title=title,
        president=president,
        default_kind=default_kind,
        source_file=source_file,
        digest=digest,
    )
    grants: list[Grant] = []
    for section in sections:
        for entry in section.entries:
            grants.append(_grant(entry, section, page, entry_index=len(grants) + 1))
    section_models = [
        Section(
            heading=section.heading,
            grant_date=section.grant_date,
            layouts=sorted(set(section.layouts)),
            grant_count=len(section.entries),
            warrant_url=section.warrant_url,
        )
        for section in sections
    ]
    source_url = _source_url(soup, text)
    for grant in grants:
        grant.source_url = source_url
        if grant.provenance is not None:
            grant.provenance.source_url = source_url
    if not grants:
        warnings.append("no grants found on the page")
    return ParsedPage(
        source_file=source_file,
        source_sha256=digest,
        source_url=source_url,
        source_description=f"the Justice Department page {title!r}",
        licence=PUBLIC_DOMAIN,
        title=title,
        president=president,
        term=term,
        default_kind=default_kind,
        sections=section_models,
        grants=grants,
        warnings=warnings,
        unassigned_text=loose,
    )


def _title_and_president(soup: BeautifulSoup, warnings: list[str]) -> tuple[str, str, str | None]:
    """The page title (its ``h1``, else ``<title>``), and the president and term it names."""
    h1 = soup.find("h1")
    title = _text(h1) if isinstance(h1, Tag) else _text(soup.title) if soup.title else ""
    if not title and soup.title is not None:
        title = _text(soup.title)
    president_match = _PRESIDENT.search(title)
    if president_match is None:
        warnings.append(f"could not read the president from the title {title!r}")
        return title, "unknown", None
    president = _WS.sub(" ", president_match.group("name")).strip()
    return title, president, president_match.group("term")


def _read_sections(
    root: Tag, title: str, warnings: list[str], loose: list[str]
) -> list[_SectionState]:
    """Walk the page's headings, links, tables and lines in document order into sections of
    entries (a dated heading starts a section; an undated one may set the kind that follows)."""
    sections: list[_SectionState] = []
    current = _SectionState(heading="", grant_date=None, kind=None)
    reader = _LabelReader(current, LAYOUT_PARAGRAPHS, warnings, loose)
    table_number = 0  # tables and text blocks counted in document order, for provenance
    block_number = 0
    for event in _events(root):
        if not isinstance(event, _Line):
            reader.close()
        if isinstance(event, _Heading):
            if event.grant_date is None:
                if current.entries and (kind := _kind_from_text(event.text)):
                    current.kind = kind
                # a heading that is not a date (e.g. "Commutations") sets the kind that follows
                hint = _kind_from_text(event.text)
                if hint is not None and event.text.strip().lower() != title.lower():
                    current = _SectionState(heading=event.text, grant_date=None, kind=hint)
                    sections.append(current)
                    reader = _LabelReader(current, LAYOUT_PARAGRAPHS, warnings, loose)
                continue
            current = _SectionState(
                heading=event.text,
                grant_date=event.grant_date,
                kind=_kind_from_text(event.text)
                or (current.kind if current.grant_date is None else None),
            )
            sections.append(current)
            reader = _LabelReader(current, LAYOUT_PARAGRAPHS, warnings, loose)
        elif isinstance(event, _Link):
            if "warrant" in event.text.lower() and current.warrant_url is None:
                current.warrant_url = event.href
        elif isinstance(event, _Table):
            table_number += 1
            if current not in sections:
                sections.append(current)
            _read_table(event.tag, current, table_number, warnings, loose)
        else:
            before = len(current.entries)
            block_number += 1
            _read_line(event, reader, block_number)
            if len(current.entries) > before:
                if current not in sections:
                    sections.append(current)
                if LAYOUT_PARAGRAPHS not in current.layouts:
                    current.layouts.append(LAYOUT_PARAGRAPHS)
    reader.close()
    return sections


def _read_table(
    tag: Tag, current: _SectionState, table_number: int, warnings: list[str], loose: list[str]
) -> None:
    """A table is read by its column headers when it has them, else as label/value rows."""
    grid = _grid(tag)
    header = next(
        (
            (index, roles)
            for index, row in enumerate(grid[:3])
            if (roles := _header_roles(row)) is not None
        ),
        None,
    )
    if header is not None:
        _read_column_table(grid, header[0], header[1], current, table_number)
        current.layouts.append(LAYOUT_COLUMNS)
    else:
        table_reader = _LabelReader(current, LAYOUT_LABEL_TABLE, warnings, loose)
        _read_label_table(tag, table_reader, table_number)
        table_reader.close()
        current.layouts.append(LAYOUT_LABEL_TABLE)


@dataclass(frozen=True)
class _PageContext:
    """What every grant of a page shares."""

    title: str
    president: str
    default_kind: str
    source_file: str
    digest: str


def _grant(entry: _Entry, section: _SectionState, page: _PageContext, *, entry_index: int) -> Grant:
    """One grant from one entry of a section, with its flags and provenance."""
    flags = list(entry.flags)
    name, aliases = parse_name(entry.name_text)
    convictions = [_conviction(raw, flags) for raw in entry.convictions if any(raw.values())]
    if not convictions:
        flags.append("no_conviction_stated")
    if all(c.court_id is None for c in convictions) and "court_not_recognized" not in flags:
        flags.append("court_missing")
    if section.grant_date is None:
        flags.append("no_grant_date")
    kind = section.kind or _kind_from_text(entry.terms or "") or page.default_kind
    terms = parse_terms(entry.terms) if entry.terms else None
    if terms is not None and terms.unparsed:
        flags.append("terms_partly_understood")
    grant_class = classifier.classify_grant(convictions)
    return Grant(
        president=page.president,
        grant_date=section.grant_date,
        section_heading=section.heading,
        kind=kind,
        name=name,
        name_text=_WS.sub(" ", entry.name_text).strip(),
        aliases=aliases,
        convictions=convictions,
        terms_text=entry.terms,
        terms=terms,
        warrant_url=section.warrant_url,
        record_url=entry.record_url,
        layout=entry.layout,
        entry_index=entry_index,
        source_file=page.source_file,
        source_sha256=page.digest,
        source_url=None,
        category=grant_class.category,
        category_rule=grant_class.rule,
        flags=sorted(set(flags)),
        unparsed=entry.unparsed,
        provenance=Provenance(
            source=f"the Justice Department page {page.title!r}",
            source_file=page.source_file,
            source_sha256=page.digest,
            licence=PUBLIC_DOMAIN,
            location=(
                f"{entry.where}, {entry.layout}"
                if entry.where is not None
                else f"entry {entry_index}, {entry.layout}"
            ),
        ),
    )
