from datetime import date

import pytest

from clemency.eligibility.dates import add_days, add_months, add_period, add_years


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (date(2018, 6, 6), 5, date(2023, 6, 6)),
        (date(2020, 2, 29), 5, date(2025, 2, 28)),  # leap day -> 28 February
        (date(2020, 2, 29), 4, date(2024, 2, 29)),  # leap year to leap year keeps the day
        (date(2019, 12, 31), 1, date(2020, 12, 31)),
    ],
)
def test_add_years_clamps_leap_day(start: date, years: int, expected: date) -> None:
    assert add_years(start, years) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 11, 15), 3, date(2025, 2, 15)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2017, 1, 13), 12, date(2018, 1, 13)),
    ],
)
def test_add_months_month_ends(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_add_days_crosses_leap_day() -> None:
    assert add_days(date(2024, 2, 28), 1) == date(2024, 2, 29)
    assert add_days(date(2023, 2, 28), 1) == date(2023, 3, 1)
    assert add_days(date(2017, 12, 20), 30) == date(2018, 1, 19)


def test_add_period_months_before_days() -> None:
    assert add_period(date(2024, 1, 31), months=1, days=1) == date(2024, 3, 1)
