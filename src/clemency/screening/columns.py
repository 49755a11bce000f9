"""How a roster cell becomes a typed fact: one text convention shared by every engine.

Rosters arrive as CSV (all text) or Parquet (text or native types). Every engine must decide
*identically* which cells are valid, or the engines would disagree on which rows are
``invalid``. So the convention is written down once here, in Python, and mirrored by the SQL
in :mod:`clemency.screening.sql_typing`; the agreement test holds them together.

The convention (docs/screening.md, "Roster format"):

- surrounding spaces are ignored; an empty cell is *unknown* (never false or zero);
- ``date``: ``YYYY-MM-DD`` and a real calendar day (``2023-02-29`` is invalid), year ≥ 1;
- ``bool``: ``true``/``false`` (also ``t``/``f``, ``yes``/``no``, ``y``/``n``, ``1``/``0``, as
  ``clemency check`` accepts), in any letter case;
- ``int``: an optional sign and 1 to 18 digits (no decimal point, no thousands separator);
- ``enum``: exactly one of the documented values (case matters);
- ``string``: any text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from clemency.csvsafe import csv_text_sql, csv_untext_sql
from clemency.eligibility.determination import ROW_COLUMNS

FactType = Literal["string", "date", "bool", "int", "enum"]
Value = str | date | bool | int

ID_COLUMN = "person_id"
RESULT_COLUMNS = (*ROW_COLUMNS, "invalid_reason")
TYPED_RESULT_COLUMNS = frozenset({"eligible_on"})
"""Result columns that are not text (left alone by the CSV formula-injection rule)."""
"""Output columns: the six of the determination plus why a row could not be read."""

OUTCOMES = ("eligible", "needs_review", "ineligible", "invalid")

MAX_SHOWN_VALUE = 40
"""A bad value is quoted in the reason up to this many characters."""

TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")
_BOOLS = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT = re.compile(r"[+-]?[0-9]{1,18}")


@dataclass(frozen=True)
class FactColumn:
    """One fact column of a roster: its name, type and (for enums) allowed values."""

    name: str
    type: FactType
    values: tuple[str, ...] = ()

    def expectation(self) -> str:
        """The end of the reason sentence for a bad value in this column."""
        if self.type == "date":
            return "is not a date (YYYY-MM-DD)"
        if self.type == "bool":
            return "is not true or false"  # (or one of the other accepted spellings)
        if self.type == "int":
            return "is not a whole number"
        if self.type == "enum":
            return "is not one of " + ", ".join(self.values)
        return "is not text"  # pragma: no cover - every text is a valid string

    def reason(self, text: str) -> str:
        """Why ``text`` (already stripped) is not a valid value: names the column and value."""
        return f'{self.name}="{text[:MAX_SHOWN_VALUE]}" {self.expectation()}'

    def parse(self, text: str | None) -> tuple[Value | None, str | None]:
        """``(value, None)`` for a valid or empty cell, ``(None, reason)`` for a bad one."""
        if text is None:
            return None, None
        text = text.strip(" ")
        if text == "":
            return None, None
        value = self._convert(text)
        if value is None:
            return None, self.reason(text)
        return value, None

    def _convert(self, text: str) -> Value | None:
        if self.type == "string":
            return text
        if self.type == "enum":
            return text if text in self.values else None
        if self.type == "bool":
            return _BOOLS.get(text.lower())
        if self.type == "int":
            return int(text) if _INT.fullmatch(text) else None
        if not _DATE.fullmatch(text):
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None


def native_to_text(value: object) -> str | None:
    """Render a native Parquet value as the text the convention expects (as SQL would)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def parse_row(
    columns: tuple[FactColumn, ...], cells: dict[str, object]
) -> tuple[dict[str, Value], str]:
    """Type one row: the known facts (missing ones left out) and the joined invalid reasons.

    A native value of the right type is taken as it is; anything else goes through the text
    convention, so a Parquet string column and a CSV column behave the same.
    """
    facts: dict[str, Value] = {}
    reasons: list[str] = []
    for column in columns:
        raw = cells.get(column.name)
        if _is_native(column, raw):
            facts[column.name] = raw  # type: ignore[assignment]  # checked by _is_native
            continue
        value, reason = column.parse(native_to_text(raw))
        if reason is not None:
            reasons.append(reason)
        elif value is not None:
            facts[column.name] = value
    return facts, "; ".join(reasons)


def _is_native(column: FactColumn, raw: object) -> bool:
    if column.type == "date":
        return isinstance(raw, date) and not isinstance(raw, datetime)
    if column.type == "bool":
        return isinstance(raw, bool)
    if column.type == "int":
        return isinstance(raw, int) and not isinstance(raw, bool)
    return False


def person_id_reason(person_id: object) -> str:
    """Every row needs an identifier, or its result could not be traced back to a person."""
    text = native_to_text(person_id)
    if text is None or text.strip(" ") == "":
        return "person_id is empty"
    return ""


def csv_result_select(select: str) -> str:
    """The result ``select`` as written to a CSV file: free-text cells (the roster's person_id,
    reasons quoting roster cells, rule lists) neutralised against formula injection by the
    one rule of :mod:`clemency.csvsafe`; the date column untouched."""
    cells = ", ".join(
        name if name in TYPED_RESULT_COLUMNS else f"{csv_text_sql(name)} AS {name}"
        for name in RESULT_COLUMNS
    )
    return f"SELECT {cells} FROM ({select}) AS result"


def csv_result_read(relation: str) -> str:
    """A relation over a result CSV file giving back the cells as the engine computed them."""
    cells = ", ".join(
        name if name in TYPED_RESULT_COLUMNS else f"{csv_untext_sql(name)} AS {name}"
        for name in RESULT_COLUMNS
    )
    return f"(SELECT {cells} FROM {relation})"
