"""Dates as people write them, at the precision they are known: one formatter for the web
pages (the ``readable`` filter) and the packets (PDF and DOCX).

A date stored with a precision of a month (``decided_on_precision = "month"``: "denied in
January 2017", the day not known) is stored as the first of that month; printing it as
"January 1, 2017" would state a day the record does not know. It prints as "January 2017";
a year's precision prints as "2017".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

PRECISIONS = ("day", "month", "year")
Style = Literal["day_first", "month_first"]
"""``day_first``: "4 December 2026" (the pages); ``month_first``: "December 4, 2026" (the
packets, as United States courts and pardon offices write dates)."""


def written(value: date, precision: str = "day", *, style: Style = "day_first") -> str:
    """``value`` in words at ``precision`` ("day", "month" or "year"; anything else is taken
    as a day). A datetime is printed as its date here (the time is the caller's business)."""
    day = value.date() if isinstance(value, datetime) else value
    if precision == "year":
        return f"{day.year}"
    if precision == "month":
        return f"{day:%B} {day.year}"
    if style == "month_first":
        return f"{day:%B} {day.day}, {day.year}"
    return f"{day.day} {day:%B} {day.year}"
