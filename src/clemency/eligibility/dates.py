"""Calendar arithmetic used by rules, with one documented convention.

**Month-end clamping.** Adding months or years keeps the day of the month unless the target
month is shorter, in which case the result is that month's last day: 2020-02-29 plus one year
is 2021-02-28 (not 2021-03-01), and 2020-01-31 plus one month is 2020-02-29. This is what
PostgreSQL, DuckDB and Spark do for ``date + interval``; the SQLite compiler reproduces it.

**Whole periods between.** ``months_between(a, b)`` is the largest ``k`` with
``add_months(a, k) <= b`` (so it counts completed months and is negative when ``b < a``);
``years_between`` likewise with years; ``days_between(a, b)`` is the number of days from ``a``
to ``b`` (``b - a``, negative when ``b < a``); ``age_on(birth, day)`` is ``years_between(birth, day)``,
so a person born on 29 February turns a year older on 28 February in common years.

Days are plain calendar days (weekends and holidays included): 28 CFR Part 1 counts calendar
days. This is the one date module: petition deadlines use it too.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)


def days_between(start: date, end: date) -> int:
    return (end - start).days


def add_period(start: date, *, years: int = 0, months: int = 0, days: int = 0) -> date:
    """Years and months first (clamped), then days: the order a lawyer counts in."""
    return add_days(add_months(start, 12 * years + months), days)


def months_between(start: date, end: date) -> int:
    k = (end.year - start.year) * 12 + (end.month - start.month)
    return k - 1 if add_months(start, k) > end else k


def years_between(start: date, end: date) -> int:
    k = end.year - start.year
    return k - 1 if add_years(start, k) > end else k


def age_on(birth: date, day: date) -> int:
    return years_between(birth, day)
