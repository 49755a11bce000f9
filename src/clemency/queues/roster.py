"""Bulk screening for clinics: the roster template of a ruleset (its columns, and a second file
saying each column's format), and the results joined back to the roster's own columns (name,
housing unit, …) with a link to the case when the person is already in the store.

The roster convention itself (types, empty = unknown) is ``clemency.screening.columns``; this
module only describes it and never re-checks a cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.cases import access
from clemency.cases.access import Actor
from clemency.cases.models import Case, Person
from clemency.eligibility import FACTS, Ruleset
from clemency.screening.columns import ID_COLUMN, RESULT_COLUMNS, FactColumn
from clemency.screening.service import fact_columns

CARRIED = ("name", "housing_unit", "bop_register_number")
"""Columns of the template that are not facts: carried through to the results as they are."""
MAX_CARRIED = 20
"""At most this many non-fact roster columns are carried through (the first ones, in order)."""
REGISTER_RE = re.compile(r"^\d{5}-\d{3}$")
_FORMATS = {
    "date": "a date, YYYY-MM-DD (e.g. 2019-03-01)",
    "bool": "true or false (also yes/no, y/n, t/f, 1/0)",
    "int": "a whole number, digits only (no decimals or thousands separators)",
    "string": "any text",
}


def template_header(ruleset: Ruleset) -> list[str]:
    """The template's columns: the row id, the carried columns, then the ruleset's facts."""
    return [ID_COLUMN, *CARRIED, *(c.name for c in fact_columns(ruleset))]


def _format(column: FactColumn) -> str:
    if column.type == "enum":
        return "exactly one of: " + ", ".join(column.values)
    return _FORMATS[column.type]


def template_csv(ruleset: Ruleset) -> str:
    """A CSV with the header line only, ready to fill in (one person per row)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(template_header(ruleset))
    return out.getvalue()


def formats_csv(ruleset: Ruleset) -> str:
    """The second file: every column of the template, its format and what it means."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["column", "type", "format", "required", "meaning"])
    writer.writerow(
        [ID_COLUMN, "string", "any text, unique per row", "yes", "Your identifier for the row."]
    )
    writer.writerow(
        ["name", "string", "any text", "no", "The person's name (carried to the results)."]
    )
    writer.writerow(
        ["housing_unit", "string", "any text", "no", "Housing unit (carried to the results)."]
    )
    writer.writerow(
        [
            "bop_register_number",
            "string",
            "NNNNN-NNN (e.g. 14873-076)",
            "no",
            "BOP register number: links the result to the case when the person is stored.",
        ]
    )
    for column in fact_columns(ruleset):
        writer.writerow(
            [
                column.name,
                column.type,
                _format(column),
                "column yes; an empty cell means unknown",
                FACTS[column.name].description,
            ]
        )
    return out.getvalue()


# --------------------------------------------------------------------------- results


def _roster_rows(roster: Path) -> tuple[list[str], Iterator[dict[str, str]]]:
    """The roster's column names and its rows as text (CSV or Parquet)."""
    if roster.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(roster)
        names = list(table.column_names)

        def parquet_rows() -> Iterator[dict[str, str]]:
            for batch in table.to_batches(10_000):
                for row in batch.to_pylist():
                    yield {k: "" if v is None else str(v) for k, v in row.items()}

        return names, parquet_rows()
    handle = roster.open(newline="", encoding="utf-8-sig")
    reader = csv.DictReader(handle)
    names = list(reader.fieldnames or [])

    def csv_rows() -> Iterator[dict[str, str]]:
        with handle:
            for row in reader:
                yield {k: (v or "") for k, v in row.items() if k is not None}

    return names, csv_rows()


def carried_columns(names: Iterable[str]) -> list[str]:
    """The roster's own columns to carry through: neither the row id nor a fact."""
    return [n for n in names if n and n != ID_COLUMN and n not in FACTS][:MAX_CARRIED]


def _cases_by_register(session: Session, user: Actor, registers: set[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    ordered = sorted(registers)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        for case_id, register in session.execute(
            select(Case.id, Person.bop_register_number)
            .join(Person, Person.id == Case.person_id)
            .where(
                Person.bop_register_number.in_(chunk),
                access.visible_cases_clause(session=session, actor=user),
            )
            .order_by(Case.id)
        ):
            found.setdefault(str(register), []).append(int(case_id))
    return found


def _cell(value: str) -> str:
    """A roster cell as written back: text a spreadsheet would run as a formula is quoted."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _register_of(person_id: str, extra: dict[str, str]) -> str:
    register = extra.get("bop_register_number", "").strip()
    if REGISTER_RE.match(register):
        return register
    return person_id.strip() if REGISTER_RE.match(person_id.strip()) else ""


def results_with_cases(
    *, session: Session, user: Actor, roster: Path, results: Path, base_url: str = ""
) -> str:
    """The results CSV with the roster's own columns after the result columns, and
    ``case_id``/``case_url`` for people stored in a case the user may see (matched by BOP
    register number: the ``bop_register_number`` column, else a ``person_id`` in that form).
    Several matching cases are listed in ``case_id`` separated by ``;`` with no URL."""
    names, rows = _roster_rows(roster)
    carried = carried_columns(names)
    extras: dict[str, dict[str, str]] = {}
    for row in rows:
        key = row.get(ID_COLUMN, "").strip()
        if key and key not in extras:
            extras[key] = {name: row.get(name, "") for name in carried}
    registers = {_register_of(key, extra) for key, extra in extras.items()} - {""}
    cases = _cases_by_register(session, user, registers)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    with results.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        result_names = list(reader.fieldnames or RESULT_COLUMNS)
        writer.writerow([*result_names, *carried, "case_id", "case_url"])
        for result in reader:
            key = (result.get(ID_COLUMN) or "").strip()
            extra = extras.get(key, {})
            matched = cases.get(_register_of(key, extra), [])
            url = f"{base_url}/cases/{matched[0]}" if len(matched) == 1 else ""
            writer.writerow(
                [
                    *(result.get(n, "") for n in result_names),
                    *(_cell(extra.get(n, "")) for n in carried),
                    ";".join(str(i) for i in matched),
                    url,
                ]
            )
    return out.getvalue()
