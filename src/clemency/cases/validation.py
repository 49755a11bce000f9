"""The one set of checks for case data, whichever way it arrives (web forms, the API, imports).

Every value headed for a case-store column passes :func:`check_value` once it has been turned
into the column's Python type (``serialize.coerce`` calls it, and every service, the import
and the forms go through ``coerce``). The checks are derived from the column definitions, so a
new column is checked without touching this module, and they refuse exactly what one of the
backends would refuse or store differently — so the same file imports the same way into
SQLite and PostgreSQL, with each bad row reported by its line:

* **Text:** no NUL byte (PostgreSQL cannot store one), no other control character but tab,
  newline and carriage return, no lone surrogate (not encodable as UTF-8); at most the
  column's declared length (``VARCHAR(n)``: SQLite would store more, PostgreSQL refuses) and
  at most :data:`TEXT_MAX` characters in unbounded text.
* **Whole numbers:** within the column's integer type (``INTEGER`` is 32-bit on PostgreSQL,
  ``BIGINT`` 64-bit; SQLite would store 2^31 and more in either), and 0 or more: every number
  a case stores is a count, a duration (months, hours) or an amount (cents). A column that may
  be negative is listed in :data:`SIGNED`.
* **Dates:** years 1 to 9999 (both backends and ISO 8601).

Row-level checks (one field against another: a release before its admission, a date in the
future) are registered per model with :func:`row_check` and run by :func:`check_row` after
every field of the row has passed; ``serialize.coerce_values`` calls it. Issue #14 ("data
checked on entry") adds date order and plausibility there. A check raises
:class:`clemency.errors.BadInput` naming the model, the field and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Integer, SmallInteger, String, Text
from sqlalchemy import inspect as sa_inspect

from clemency.errors import BadInput

TEXT_MAX = 100_000
"""Characters in a column of unbounded text (a note, a summary): about 50 printed pages."""

INTEGER_RANGES: dict[type, tuple[int, int]] = {
    SmallInteger: (-(2**15), 2**15 - 1),
    BigInteger: (-(2**63), 2**63 - 1),
    Integer: (-(2**31), 2**31 - 1),
}
"""Most specific type first (BigInteger and SmallInteger are Integer subclasses)."""

SIGNED: frozenset[tuple[str, str]] = frozenset()
"""(model name, column) pairs that may hold a negative whole number; none so far."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

RowCheck = Callable[[Mapping[str, Any]], None]
_ROW_CHECKS: dict[str, list[RowCheck]] = {}


def _refuse(model: type, name: str, why: str) -> BadInput:
    return BadInput(f"{model.__name__}.{name}: {why}", field=name)


def check_text(model: type, name: str, value: str, length: int | None) -> None:
    control = _CONTROL.search(value)
    if control is not None:
        what = (
            "a NUL byte" if control.group() == "\x00" else f"control character {control.group()!r}"
        )
        raise _refuse(
            model,
            name,
            f"contains {what} at position {control.start() + 1}; remove it "
            "(only tab and line breaks are allowed)",
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise _refuse(
            model, name, f"is not valid text (a broken character at position {error.start + 1})"
        ) from None
    limit = length if length is not None else TEXT_MAX
    if len(value) > limit:
        raise _refuse(
            model, name, f"is {len(value):,} characters long; at most {limit:,} are allowed"
        )


def check_integer(model: type, name: str, value: int, kind: Any) -> None:
    low, high = next(
        (bounds for cls, bounds in INTEGER_RANGES.items() if isinstance(kind, cls)),
        INTEGER_RANGES[Integer],
    )
    if (model.__name__, name) not in SIGNED:
        low = 0
        if value < 0:
            raise _refuse(model, name, f"{value} is negative; it must be 0 or more")
    if not low <= value <= high:
        raise _refuse(model, name, f"{value} is too large; at most {high:,}")


def check_date(model: type, name: str, value: date) -> None:
    if not 1 <= value.year <= 9999:  # pragma: no cover - Python's date already enforces it
        raise _refuse(model, name, f"{value} is outside the years 1 to 9999")


def check_value(model: type, name: str, value: Any) -> Any:
    """``value`` if column ``name`` of ``model`` may store it on every backend; else BadInput."""
    if value is None:
        return value
    column: Any = sa_inspect(model).columns.get(name)
    if column is None:
        return value
    kind = column.type
    if isinstance(value, str) and isinstance(kind, String | Text):
        length = getattr(kind, "length", None)
        check_text(model, name, value, length)
    elif isinstance(value, int) and not isinstance(value, bool) and isinstance(kind, Integer):
        check_integer(model, name, value, kind)
    elif isinstance(value, date):
        check_date(model, name, value)
    return value


def row_check(model: type) -> Callable[[RowCheck], RowCheck]:
    """Register a check of a whole row of ``model`` (its values after coercion)."""

    def register(check: RowCheck) -> RowCheck:
        _ROW_CHECKS.setdefault(model.__name__, []).append(check)
        return check

    return register


def check_row(model: type, values: Mapping[str, Any]) -> None:
    """Run the row checks registered for ``model`` (see :func:`row_check`)."""
    for check in _ROW_CHECKS.get(model.__name__, ()):
        check(values)
