"""Column-level conversion between model rows and plain JSON values (export, import, errors).

Everything is driven by the mapped columns, so a new column is exported, imported and compared
without touching this module. Dates are ISO strings, money is integer cents, ``None`` is null.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.sql.sqltypes import Enum
from sqlalchemy.types import TypeDecorator

from clemency.cases.validation import check_value
from clemency.db.base import Base
from clemency.errors import BadInput

if TYPE_CHECKING:
    from clemency.cases.validation import Violation

# Bookkeeping columns that never travel in exports and are never set by callers.
SYSTEM_COLUMNS: frozenset[str] = frozenset({"id", "case_id", "version", "created_at", "updated_at"})

#: Columns only the server sets, per table: a stored file's key, hash, type and size come from
#: the upload itself (``cases.files``), never from a caller, so no request, form or import can
#: point a row at another file (issue 12, finding 4).
SERVER_SET_COLUMNS: dict[str, frozenset[str]] = {
    "documents": frozenset({"storage_key", "sha256", "content_type", "size_bytes"}),
}


def column_names(model: type[Base]) -> list[str]:
    """The mapped column attributes of ``model`` in table order."""
    return [column.key for column in sa_inspect(model).column_attrs]


def server_set_columns(model: type[Base]) -> frozenset[str]:
    return SERVER_SET_COLUMNS.get(model.__tablename__, frozenset())


def editable_columns(model: type[Base]) -> list[str]:
    """Columns a caller may set: neither bookkeeping nor set by the server."""
    server_set = server_set_columns(model)
    return [name for name in column_names(model) if name not in SYSTEM_COLUMNS | server_set]


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def row_to_dict(obj: Base, names: list[str] | None = None) -> dict[str, Any]:
    """``{column: json value}`` for ``obj`` (all columns unless ``names`` is given)."""
    keys = names if names is not None else column_names(type(obj))
    return {key: jsonable(getattr(obj, key)) for key in keys}


def coerce(model: type[Base], name: str, raw: Any) -> Any:
    """Turn a JSON or CSV value into the Python value column ``name`` stores, and check it
    with the case data checks (:func:`clemency.cases.validation.check_value`).

    Raises :class:`BadInput` naming the field, the value and the expected form.
    """

    return check_value(model, name, _convert(model, name, raw))


def _convert(model: type[Base], name: str, raw: Any) -> Any:
    from clemency.cases.validation import field_label

    column = sa_inspect(model).columns.get(name)
    if column is None:
        raise BadInput(f"unknown field {name!r} for {model.__name__}", field=name)
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    kind = column.type
    if isinstance(kind, TypeDecorator):  # e.g. an encrypted Text column: coerce as its base
        kind = kind.impl_instance
    try:
        return _typed(kind, raw)
    except (ValueError, OverflowError, TypeError) as error:
        shown = repr(raw) if len(repr(raw)) <= 60 else repr(raw)[:57] + "..."
        raise BadInput(f"{field_label(name)}: {shown} is not valid; {error}.", field=name) from None


def _typed(kind: Any, raw: Any) -> Any:
    """``raw`` as the Python value of a column of type ``kind``; ValueError says what is
    expected, in words (never Python's "invalid literal for int()")."""
    if isinstance(kind, Boolean):
        if isinstance(raw, bool):
            return raw
        lowered = str(raw).strip().lower()
        if lowered in {"true", "1", "yes"}:
            return True
        if lowered in {"false", "0", "no"}:
            return False
        raise ValueError("expected yes or no")
    if isinstance(kind, DateTime):
        if isinstance(raw, datetime):
            return raw
        try:
            return datetime.fromisoformat(str(raw).strip())
        except ValueError:
            raise ValueError("expected a date and time, e.g. 2024-03-01T09:30") from None
    if isinstance(kind, Date):
        if isinstance(raw, date) and not isinstance(raw, datetime):
            return raw
        text = str(raw).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError("expected a date as YYYY-MM-DD, e.g. 1990-04-23")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError("no such day in the calendar (YYYY-MM-DD)") from None
    if isinstance(kind, Integer):
        if isinstance(raw, bool | list | dict):
            raise ValueError("expected a whole number, e.g. 120")
        if isinstance(raw, float):
            if not raw.is_integer():
                raise ValueError("expected a whole number, e.g. 120")
            return int(raw)
        if isinstance(raw, int):
            return raw
        text = str(raw).strip().replace(",", "")
        if not re.fullmatch(r"[+-]?\d{1,30}", text):
            raise ValueError("expected a whole number, e.g. 120")
        return int(text)
    if isinstance(kind, Enum):
        if raw not in kind.enums:
            raise ValueError("choose one of " + ", ".join(kind.enums))
        return str(raw)
    if isinstance(kind, String | Text):
        if isinstance(raw, list | dict):
            raise ValueError("expected text")
        return str(raw)
    return raw


def required_columns(model: type[Base]) -> list[str]:
    """Editable columns that must be given: NOT NULL and without a default."""
    return [
        column.key
        for column in sa_inspect(model).columns
        if column.key not in SYSTEM_COLUMNS
        and not column.nullable
        and column.default is None
        and column.server_default is None
    ]


def check_required(model: type[Base], values: dict[str, Any]) -> None:
    """Refuse a new row that lacks a required field, naming all of them."""
    missing = [name for name in required_columns(model) if values.get(name) is None]
    if missing:
        raise BadInput(
            f"{model.__name__} needs {', '.join(missing)}.", field=missing[0], missing=missing
        )


def coerce_all(
    model: type[Base],
    values: dict[str, Any],
    allowed: list[str],
    current: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], list[Violation]]:
    """Coerce every entry of ``values`` and run the row checks; return the clean values and
    *every* problem found (a field outside ``allowed`` is one, named). ``current`` is the
    stored row of an update: the row checks then see the row as it would be saved, and report
    only problems touching a changed field."""
    from clemency.cases.validation import Violation, row_violations

    out: dict[str, Any] = {}
    problems: list[Violation] = []
    scratch = model()  # runs the model's own validators (e.g. the register number form)
    for name, raw in values.items():
        if name not in allowed and name in server_set_columns(model):
            problems.append(
                Violation(
                    name,
                    f"{model.__name__}.{name} is set by the server from the uploaded file; it "
                    "cannot be given (upload the file itself instead).",
                )
            )
            continue
        if name not in allowed:
            problems.append(
                Violation(
                    name,
                    f"{model.__name__} has no editable field {name!r}; editable fields are: "
                    + ", ".join(allowed),
                )
            )
            continue
        try:
            out[name] = coerce(model, name, raw)
            setattr(scratch, name, out[name])
        except BadInput as error:
            out.pop(name, None)
            problems.append(Violation(name, error.message))
    bad = {problem.field for problem in problems}
    row = {**(current or {}), **out}
    problems += [
        v
        for v in row_violations(model, row, None if current is None else out)
        if v.field not in bad and not bad.intersection(v.involves)
    ]
    return out, problems


def coerce_values(
    model: type[Base],
    values: dict[str, Any],
    allowed: list[str],
    current: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """:func:`coerce_all`, raising one :class:`BadInput` that lists every problem."""
    from clemency.cases.validation import refusal

    out, problems = coerce_all(model, values, allowed, current)
    if problems:
        raise refusal(problems)
    return out
