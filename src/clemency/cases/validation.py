"""The one set of checks for case data, whichever way it arrives (web forms, the API, imports,
the guided interview).

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
  be negative is listed in :data:`SIGNED`. Months, cents and hours have a plausibility bound
  as well (:data:`UPPER_BOUNDS`).
* **Dates:** years 1 to 9999 (both backends and ISO 8601); a date of something that has
  happened (a birth, a conviction, a sentencing, a custody start, a release) is not in the
  future (:data:`PAST_ONLY`); a projection (a projected release) may be.
* **Choices:** a jurisdiction is one that has rulesets (the folders of
  :mod:`clemency.rulesets`); every other choice is an enum column, checked by its type.

Row-level checks (one field against another: a sentencing before the conviction, a release
before the custody start) are registered per model with :func:`row_check` and run by
:func:`check_row`; case-level checks (the age at conviction, from the person and the
convictions) are :func:`case_violations`. Every problem is a :class:`Violation` naming the
field in words; :func:`refusal` turns all the problems of one save into one
:class:`clemency.errors.BadInput` whose ``errors`` detail lists ``{field, message}`` for each.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
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

UPPER_BOUNDS: dict[str, int] = {
    # A term in months. State courts have imposed stacked terms of thousands of years (a
    # plausibility bound, not a rule of law): 100,000 years still catches a pasted amount of
    # cents or a phone number typed into a months field.
    "_months": 1_200_000,
    # An amount in cents: ten trillion dollars, far above the largest restitution orders.
    "_cents": 10**15,
    # Hours of a program: a century of full-time work (200,000 hours) is past any record.
    "hours": 200_000,
}
"""Largest plausible value of a whole-number column, by the end of its name."""

PAST_ONLY: frozenset[tuple[str, str]] = frozenset(
    {
        ("Person", "date_of_birth"),
        ("Conviction", "convicted_on"),
        ("Conviction", "sentenced_on"),
        ("Custody", "started_on"),
        ("Custody", "released_on"),  # an actual release; a future one is projected_release_on
        ("ConductIncident", "occurred_on"),
    }
)
"""(model name, column) dates of events that have happened, so never after today. A projection
(``Custody.projected_release_on``) is not listed and may be in the future."""

MIN_AGE_AT_CONVICTION = 10
"""Youngest plausible age (years) at a conviction on record. Federal law lets a juvenile be
prosecuted as an adult only for an act after the thirteenth birthday (18 U.S.C. § 5032, fourth
paragraph), and the youngest age of delinquency jurisdiction the states set is ten (e.g. Tex.
Fam. Code § 51.02(2)(A): a "child" is ten years of age or older and under 17). A conviction of
someone younger than ten is therefore a wrong date of birth or a wrong conviction date."""

JURISDICTION_COLUMNS: frozenset[tuple[str, str]] = frozenset(
    {("Case", "jurisdiction"), ("Petition", "jurisdiction")}
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Violation:
    """One problem with one field, in words a person can act on."""

    field: str
    message: str
    involves: tuple[str, ...] = ()  # other fields the problem depends on (row checks)

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


RowCheck = Callable[[Mapping[str, Any]], Iterable[Violation]]
_ROW_CHECKS: dict[str, list[RowCheck]] = {}


def field_label(name: str) -> str:
    """``bop_register_number`` → ``BOP register number``, ``fine_cents`` → ``Fine ($)`` (the
    label forms, pages and messages use)."""
    if name.endswith("_cents"):
        return field_label(name[: -len("_cents")]) + " ($)"
    words = name.replace("_", " ").strip()
    for short in ("bop", "opa", "id", "us", "dc"):
        words = " ".join(w.upper() if w == short else w for w in words.split(" "))
    return words[:1].upper() + words[1:]


def today() -> date:
    """The day "the future" starts after (a function so tests may pin it)."""
    return date.today()


def refusal(violations: Sequence[Violation]) -> BadInput:
    """One :class:`BadInput` carrying every violation (``errors``: ``[{field, message}]``)."""
    if len(violations) == 1:
        message = violations[0].message
    else:
        message = f"{len(violations)} problems: " + " ".join(
            v.message if v.message.endswith(".") else v.message + "." for v in violations
        )
    return BadInput(message, field=violations[0].field, errors=[v.as_dict() for v in violations])


def violations_of(error: BadInput) -> list[Violation]:
    """The violations a :class:`BadInput` carries (one, named by its field, if it has no list)."""
    listed = error.fields.get("errors")
    if isinstance(listed, list) and listed:
        return [Violation(str(item["field"]), str(item["message"])) for item in listed]
    return [Violation(str(error.fields.get("field") or "form"), error.message)]


def _refuse(model: type, name: str, why: str) -> BadInput:
    return BadInput(f"{field_label(name)} {why}", field=name)


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
            "(only tab and line breaks are allowed).",
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise _refuse(
            model, name, f"is not valid text (a broken character at position {error.start + 1})."
        ) from None
    limit = length if length is not None else TEXT_MAX
    if len(value) > limit:
        raise _refuse(
            model,
            name,
            f"is {len(value):,} characters long; at most {limit:,} are allowed. Shorten it.",
        )
    if (model.__name__, name) in JURISDICTION_COLUMNS:
        check_jurisdiction(model, name, value)


@cache
def known_jurisdictions() -> tuple[str, ...]:
    """The jurisdictions Clemency has rulesets for: the folders of :mod:`clemency.rulesets`
    holding at least one ruleset (docs/jurisdictions.md)."""
    from clemency.eligibility.model import MANIFEST
    from clemency.eligibility.registry import builtin_root

    root = builtin_root()
    return tuple(
        sorted(
            folder.name
            for folder in root.iterdir()
            if folder.is_dir() and any(folder.glob(f"**/{MANIFEST}"))
        )
    )


def check_jurisdiction(model: type, name: str, value: str) -> None:
    known = known_jurisdictions()
    if value not in known:
        raise _refuse(
            model,
            name,
            f"{value!r} is not a jurisdiction Clemency knows; choose one of {', '.join(known)}.",
        )


def check_integer(model: type, name: str, value: int, kind: Any) -> None:
    low, high = next(
        (bounds for cls, bounds in INTEGER_RANGES.items() if isinstance(kind, cls)),
        INTEGER_RANGES[Integer],
    )
    if (model.__name__, name) not in SIGNED:
        low = 0
        if value < 0:
            raise _refuse(model, name, f"{value} is negative; it must be 0 or more.")
    bound = next((b for suffix, b in UPPER_BOUNDS.items() if name.endswith(suffix)), None)
    if bound is not None and bound < high:
        high = bound
    if not low <= value <= high:
        raise _refuse(model, name, f"{value:,} is too large; at most {high:,}.")


def check_date(model: type, name: str, value: date) -> None:
    if not 1 <= value.year <= 9999:  # pragma: no cover - Python's date already enforces it
        raise _refuse(model, name, f"{value} is outside the years 1 to 9999.")
    if (model.__name__, name) in PAST_ONLY and value > today():
        raise _refuse(
            model,
            name,
            f"{value.isoformat()} is in the future; enter the date it happened, or leave it "
            "empty if it is not known.",
        )


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


def row_violations(
    model: type, values: Mapping[str, Any], changed: Iterable[str] | None = None
) -> list[Violation]:
    """The problems the row checks of ``model`` find in ``values`` (the whole row). With
    ``changed`` (an update), only those touching a changed field: a row stored before a check
    existed can still be edited elsewhere."""
    found = [v for check in _ROW_CHECKS.get(model.__name__, ()) for v in check(values)]
    if changed is not None:
        names = set(changed)
        found = [v for v in found if v.field in names or names.intersection(v.involves)]
    return found


def check_row(model: type, values: Mapping[str, Any], changed: Iterable[str] | None = None) -> None:
    """Run the row checks registered for ``model`` (see :func:`row_check`); BadInput lists
    every problem."""
    found = row_violations(model, values, changed)
    if found:
        raise refusal(found)


def _not_before(
    values: Mapping[str, Any], later: str, earlier: str, what: str
) -> Iterable[Violation]:
    first, second = values.get(earlier), values.get(later)
    if isinstance(first, date) and isinstance(second, date) and second < first:
        yield Violation(
            later,
            f"{field_label(later)} {second.isoformat()} is before the "
            f"{field_label(earlier).lower()} ({first.isoformat()}); {what}",
            (earlier,),
        )


def _register_order_checks() -> None:
    """Dates in order (issue #14): registered by model name, without importing the models."""
    orders: dict[str, list[tuple[str, str, str]]] = {
        "Conviction": [
            ("sentenced_on", "convicted_on", "a sentence is imposed on or after the conviction."),
        ],
        "Custody": [
            ("released_on", "started_on", "a release comes on or after the custody start."),
            (
                "projected_release_on",
                "started_on",
                "a projected release comes on or after the custody start.",
            ),
        ],
        "ProgramRecord": [
            ("completed_on", "started_on", "a program is completed on or after its start."),
        ],
    }
    for model_name, pairs in orders.items():

        def check(
            values: Mapping[str, Any], pairs: list[tuple[str, str, str]] = pairs
        ) -> Iterator[Violation]:
            for later, earlier, what in pairs:
                yield from _not_before(values, later, earlier, what)

        _ROW_CHECKS.setdefault(model_name, []).append(check)


_register_order_checks()


def case_violations(
    date_of_birth: date | None,
    convictions: Iterable[Mapping[str, Any]],
    field: str | None = None,
) -> list[Violation]:
    """Checks across the person and the convictions: a plausible age at each conviction
    (:data:`MIN_AGE_AT_CONVICTION`). ``convictions`` are rows as mappings (``convicted_on``,
    ``sentenced_on``); the violation names ``field`` (the person's form: ``date_of_birth``),
    else the conviction's date field."""
    if date_of_birth is None:
        return []
    found: list[Violation] = []
    for row in convictions:
        convicted = row.get("convicted_on") or row.get("sentenced_on")
        if not isinstance(convicted, date):
            continue
        if _age_on(date_of_birth, convicted) < MIN_AGE_AT_CONVICTION:
            found.append(
                Violation(
                    field or ("convicted_on" if row.get("convicted_on") else "sentenced_on"),
                    f"Conviction on {convicted.isoformat()} would make the person "
                    f"{_age_on(date_of_birth, convicted)} years old (born "
                    f"{date_of_birth.isoformat()}); a person is at least "
                    f"{MIN_AGE_AT_CONVICTION} at a conviction. Check the date of birth and "
                    "the conviction date.",
                )
            )
    return found


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def normalized_name(*parts: str | None) -> str:
    """A name for comparing people: case, accents and spacing ignored ("José  de la Cruz" and
    "jose de la cruz" are the same)."""
    text = " ".join(part for part in parts if part)
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().replace("-", " ").split())


def stored_problems(model: type, values: Mapping[str, Any]) -> list[str]:
    """What a *stored* row needs corrected, by the same field checks as on entry (a row saved
    before a check existed, e.g. jurisdiction "Federal"): one sentence per bad field, for a
    "needs correction" flag in lists. Never raises."""
    problems: list[str] = []
    for name, value in values.items():
        try:
            check_value(model, name, value)
        except BadInput as error:
            problems.append(error.message)
    return problems
