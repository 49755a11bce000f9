"""Calendar arithmetic of deadlines: properties over all dates (leap days, month ends)."""

from __future__ import annotations

import calendar
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from clemency.eligibility.dates import add_days, add_months, add_years
from clemency.petitions.deadlines import Deadline
from tests.property.profiles import EXAMPLES

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
MONTHS = st.integers(min_value=-600, max_value=600)


@settings(max_examples=EXAMPLES * 4)
@given(DATES, MONTHS)
def test_add_months_keeps_the_day_or_clamps_to_month_end(start: date, months: int) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(start.day, last)


@settings(max_examples=EXAMPLES * 4)
@given(DATES, st.integers(min_value=0, max_value=50))
def test_years_are_twelve_months_and_never_move_backwards(start: date, years: int) -> None:
    assert add_years(start, years) == add_months(start, 12 * years)
    assert add_years(start, years) >= start


@settings(max_examples=EXAMPLES * 4)
@given(DATES, st.integers(min_value=-1000, max_value=1000))
def test_days_are_plain_calendar_days(start: date, days: int) -> None:
    assert (add_days(start, days) - start).days == days


@settings(max_examples=EXAMPLES * 4)
@given(DATES, DATES)
def test_status_is_upcoming_due_passed_around_the_day(due: date, today: date) -> None:
    d = Deadline(key="k", title="t", due_on=due, kind="due", citation="c", explanation="e")
    expected = "upcoming" if today < due else ("due" if today == due else "passed")
    assert d.status(today) == expected
    assert d.days_left(today) == (due - today).days
