"""Calendar arithmetic for deadlines.

Convention (documented in docs/petitions.md and tested on leap days and month ends):
adding years or months keeps the day of the month; when that day does not exist in the
target month (29 February in a common year, 31 April, ...), the result is the LAST day of
the target month. So five years after 2020-02-29 is 2025-02-28, and one month after
2024-01-31 is 2024-02-29. Days are plain calendar days (weekends and holidays included)
because 28 CFR Part 1 counts calendar days.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    """``start`` plus ``months`` calendar months, clamped to the last day of the target month."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last))


def add_years(start: date, years: int) -> date:
    """``start`` plus ``years`` years; 29 February becomes 28 February in a common year."""
    return add_months(start, 12 * years)


def add_days(start: date, days: int) -> date:
    """``start`` plus ``days`` calendar days."""
    return start + timedelta(days=days)


def add_period(start: date, *, years: int = 0, months: int = 0, days: int = 0) -> date:
    """Years and months first (clamped), then days: the order a lawyer counts in."""
    return add_days(add_months(start, 12 * years + months), days)
