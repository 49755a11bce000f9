"""The calendar convention: month-end clamping, so 29 February plus a year is 28 February."""

from __future__ import annotations

from datetime import date

import pytest

from clemency.eligibility.dates import (
    add_days,
    add_months,
    add_years,
    age_on,
    months_between,
    years_between,
)


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (date(2020, 2, 29), 1, date(2021, 2, 28)),
        (date(2020, 2, 29), 4, date(2024, 2, 29)),
        (date(2020, 2, 29), 5, date(2025, 2, 28)),
        (date(2018, 6, 6), 5, date(2023, 6, 6)),
        (date(2021, 2, 28), -1, date(2020, 2, 28)),
    ],
)
def test_adding_years_clamps_29_february_to_28_february(
    start: date, years: int, expected: date
) -> None:
    assert add_years(start, years) == expected


def test_adding_months_clamps_to_the_last_day_of_a_shorter_month() -> None:
    assert add_months(date(2020, 1, 31), 1) == date(2020, 2, 29)
    assert add_months(date(2021, 1, 31), 1) == date(2021, 2, 28)
    assert add_months(date(2021, 3, 31), -1) == date(2021, 2, 28)
    assert add_months(date(2021, 12, 15), 1) == date(2022, 1, 15)
    assert add_days(date(2020, 2, 28), 1) == date(2020, 2, 29)


def test_periods_between_count_completed_months_and_years() -> None:
    assert months_between(date(2020, 1, 31), date(2020, 2, 29)) == 1
    assert months_between(date(2020, 1, 31), date(2020, 2, 28)) == 0
    assert months_between(date(2020, 3, 15), date(2020, 3, 14)) == -1
    assert years_between(date(1996, 10, 31), date(2016, 8, 1)) == 19
    assert years_between(date(2016, 8, 1), date(1996, 10, 31)) == -20


def test_a_leap_day_birthday_is_counted_on_28_february_in_common_years() -> None:
    assert age_on(date(1960, 2, 29), date(2025, 2, 27)) == 64
    assert age_on(date(1960, 2, 29), date(2025, 2, 28)) == 65
    assert age_on(date(1960, 2, 29), date(2024, 2, 29)) == 64
    assert age_on(date(1955, 5, 30), date(2018, 6, 1)) == 63


def test_days_between_counts_calendar_days_across_a_leap_day() -> None:
    from clemency.eligibility.dates import days_between

    assert days_between(date(2020, 2, 28), date(2020, 3, 1)) == 2
    assert days_between(date(2021, 2, 28), date(2021, 3, 1)) == 1
    assert days_between(date(2020, 1, 1), date(2022, 2, 1)) == 762
    assert days_between(date(2020, 3, 1), date(2020, 2, 28)) == -2
