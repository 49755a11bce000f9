"""Our date arithmetic against an outside oracle: python-dateutil's ``relativedelta``.

Rules count waiting periods with month-end clamping (clemency/eligibility/dates.py,
docs/rules.md): 2020-02-29 plus one year is 2021-02-28, 2020-01-31 plus one month is
2020-02-29, and the completed months or years between two days are the most whole ones that
fit. ``relativedelta`` was written elsewhere and counts the same way, so it checks
- the date module the rules and the petition deadlines use;
- the condition language's date functions, evaluated in Python and in the SQL each engine runs
  (SQLite's compiler builds the clamping by hand);
- the ``eligible_on`` day of a waiting period (the federal pardon's five years after release),
  from the Python engine and from the compiled ruleset on each engine.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clemency.eligibility import dates, evaluate, expr, load_ruleset
from tests.property.profiles import EXAMPLES
from tests.property.sql_backends import Backend
from tests.property.test_expression_agreement import AS_OF, COLUMNS, sql_values

#: Leap days, the days around them and month ends: where clamping decides the answer.
TRICKY = [
    date(1900, 2, 28),  # 1900 was not a leap year
    date(2000, 2, 29),  # 2000 was
    date(2019, 1, 31),
    date(2020, 1, 31),
    date(2020, 2, 28),
    date(2020, 2, 29),
    date(2020, 3, 1),
    date(2020, 3, 31),
    date(2021, 2, 28),
    date(2023, 8, 31),
    date(2024, 2, 29),
    date(2100, 2, 28),  # 2100 will not be a leap year
]
DAYS = st.one_of(st.sampled_from(TRICKY), st.dates(date(1800, 1, 1), date(2300, 12, 31)))
MONTHS = st.integers(-1200, 1200)
YEARS = st.integers(-100, 100)
#: The date module is pure and quick: many more examples than the engines get.
PURE = EXAMPLES * 10
NOT_SLOW = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


def completed(start: date, end: date) -> relativedelta:
    return relativedelta(end, start)


@settings(max_examples=PURE)
@given(DAYS, MONTHS)
@example(date(2020, 1, 31), 1).via("the month after January in a leap year")
@example(date(2019, 1, 31), 1).via("the month after January in a common year")
@example(date(2020, 3, 31), -1).via("a month back from March")
def test_add_months_is_relativedelta_months(day: date, months: int) -> None:
    assert dates.add_months(day, months) == day + relativedelta(months=months)


@settings(max_examples=PURE)
@given(DAYS, YEARS)
@example(date(2020, 2, 29), 1).via("a leap day plus a year")
@example(date(2020, 2, 29), 4).via("a leap day plus four years")
@example(date(2000, 2, 29), 100).via("to 2100, not a leap year")
def test_add_years_is_relativedelta_years(day: date, years: int) -> None:
    assert dates.add_years(day, years) == day + relativedelta(years=years)


@settings(max_examples=PURE)
@given(DAYS, YEARS, MONTHS, st.integers(-400, 400))
def test_a_period_adds_years_and_months_then_days(
    day: date, years: int, months: int, days: int
) -> None:
    oracle = day + relativedelta(years=years, months=months, days=days)
    assert dates.add_period(day, years=years, months=months, days=days) == oracle
    assert dates.add_days(day, days) == day + relativedelta(days=days)


@settings(max_examples=PURE)
@given(DAYS, DAYS)
@example(date(2020, 2, 29), date(2021, 2, 28)).via("a leap-day birthday in a common year")
@example(date(2020, 2, 29), date(2021, 2, 27))
@example(date(2020, 1, 31), date(2020, 2, 29)).via("a whole month to a shorter month's end")
@example(date(2020, 3, 31), date(2020, 2, 29)).via("backwards to a shorter month's end")
def test_whole_months_and_years_between_match_relativedelta(start: date, end: date) -> None:
    months = dates.months_between(start, end)
    years = dates.years_between(start, end)
    if start <= end:
        gap = completed(start, end)
        assert months == gap.years * 12 + gap.months
        assert years == gap.years
        assert dates.age_on(start, end) == gap.years
    # Either way: the most whole periods that fit, by relativedelta's own addition.
    assert start + relativedelta(months=months) <= end < start + relativedelta(months=months + 1)
    assert start + relativedelta(years=years) <= end < start + relativedelta(years=years + 1)
    assert dates.days_between(start, end) == (end - start).days


#: The condition language's date functions, each with its oracle (a row's date, an integer).
DATE_FUNCTIONS = {
    "add_months": lambda d, n: d + relativedelta(months=n),
    "add_years": lambda d, n: d + relativedelta(years=n),
    "add_days": lambda d, n: d + relativedelta(days=n),
}
BETWEEN_FUNCTIONS = {
    "months_between": lambda a, b: (lambda g: g.years * 12 + g.months)(completed(a, b)),
    "years_between": lambda a, b: completed(a, b).years,
    "age_on": lambda a, b: completed(a, b).years,
    "days_between": lambda a, b: (b - a).days,
}
ENGINE_DAYS = st.one_of(
    st.sampled_from(TRICKY[1:-1]), st.dates(date(1950, 1, 1), date(2030, 12, 31))
)


def _rows(first: list[date], second: list[date | None]) -> list[dict[str, Any]]:
    empty = dict.fromkeys(COLUMNS)
    return [
        {**empty, "release_date": a, "custody_start_date": b}
        for a, b in zip(first, second, strict=True)
    ]


@settings(max_examples=EXAMPLES * 2, deadline=None, suppress_health_check=NOT_SLOW)
@given(
    fn=st.sampled_from(sorted(DATE_FUNCTIONS)),
    days=st.lists(ENGINE_DAYS, min_size=1, max_size=8),
    n=st.integers(-150, 150),
)
def test_the_languages_date_functions_match_relativedelta_in_python_and_sql(
    backend: Backend, fn: str, days: list[date], n: int
) -> None:
    source = f"{fn}(release_date, {n})" if n >= 0 else f"{fn}(release_date, -{-n})"
    rows = _rows(days, [None] * len(days))
    want = [DATE_FUNCTIONS[fn](d, n) for d in days]
    node = expr.parse(source)
    assert [expr.evaluate(node, row, {}, AS_OF) for row in rows] == want
    assert [str(v)[:10] for v in sql_values(backend, source, rows)] == [d.isoformat() for d in want]


@settings(max_examples=EXAMPLES * 2, deadline=None, suppress_health_check=NOT_SLOW)
@given(
    fn=st.sampled_from(sorted(BETWEEN_FUNCTIONS)),
    pairs=st.lists(st.tuples(ENGINE_DAYS, ENGINE_DAYS), min_size=1, max_size=8),
)
def test_the_languages_whole_periods_between_match_relativedelta_in_python_and_sql(
    backend: Backend, fn: str, pairs: list[tuple[date, date]]
) -> None:
    # relativedelta truncates towards zero and the language counts the most whole periods
    # that fit (floor): compare where they mean the same, from the earlier day on.
    pairs = [(min(a, b), max(a, b)) for a, b in pairs]
    source = f"{fn}(release_date, custody_start_date)"
    rows = _rows([a for a, _ in pairs], [b for _, b in pairs])
    want = [BETWEEN_FUNCTIONS[fn](a, b) for a, b in pairs]
    node = expr.parse(source)
    assert [expr.evaluate(node, row, {}, AS_OF) for row in rows] == want
    assert [int(v) for v in sql_values(backend, source, rows)] == want


PARDON = load_ruleset("us-federal/pardon")
#: Every required rule of the federal pardon but the five-year wait passes (a federal felony,
#: a prison term served, out of custody and off supervision, living here, alive).
WAITING = {
    "conviction_court": "federal_district",
    "offense_level": "felony",
    "sentence_type": "prison",
    "is_in_custody": False,
    "on_supervision": False,
    "resides_in_us": True,
    "is_deceased": False,
    "sentence_date": date(2010, 1, 1),
}
#: The residence rule is vouched for from 2024-05-31 (docs/rules.md): an eligible_on day is
#: only given from then on, so the releases start five years before.
FIRST_RELEASE = date(2019, 5, 31)


@st.composite
def waits(draw: st.DrawFn) -> tuple[date, list[date]]:
    """An as-of day and releases less than five years before it, ending after 2024-05-31."""
    as_of = draw(
        st.one_of(st.sampled_from(TRICKY[6:11]), st.dates(FIRST_RELEASE, date(2032, 12, 31)))
    )
    earliest = max(FIRST_RELEASE, as_of - relativedelta(years=5) + timedelta(days=1))
    tricky = [d for d in TRICKY if earliest <= d <= as_of]
    releases = (
        st.one_of(st.sampled_from(tricky), st.dates(earliest, as_of))
        if tricky
        else (st.dates(earliest, as_of))
    )
    # (a release on 29 February five years back ends its wait on the 28th: not waiting)
    waiting = releases.filter(lambda release: release + relativedelta(years=5) > as_of)
    return as_of, draw(st.lists(waiting, min_size=1, max_size=8))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=NOT_SLOW)
@given(waits())
def test_a_waiting_periods_eligible_on_is_five_relativedelta_years_after_release(
    backend: Backend, case: tuple[date, list[date]]
) -> None:
    as_of, releases = case
    rows = [
        {"person_id": f"p{i}", **WAITING, "latest_release_date": release}
        for i, release in enumerate(releases)
    ]
    want = [(release + relativedelta(years=5)).isoformat() for release in releases]
    python = [evaluate(PARDON, row, as_of) for row in rows]
    assert [d.outcome for d in python] == ["ineligible"] * len(rows)
    assert [d.eligible_on and d.eligible_on.isoformat() for d in python] == want
    on_engine = sorted(backend.run(PARDON, rows, as_of), key=lambda r: int(r["person_id"][1:]))
    assert [r["eligible_on"] for r in on_engine] == want
