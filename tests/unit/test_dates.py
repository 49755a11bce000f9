"""One date formatter for the pages and the packets (clemency.dates): a date known only to the
month prints as the month ("June 2017"), never as a day the record does not have."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clemency.dates import written
from clemency.documents.assemble import PriorPetition, _fmt, sentence_as_changed
from clemency.web.templating import templates


@pytest.mark.parametrize(
    ("precision", "day_first", "month_first"),
    [
        ("day", "5 June 2017", "June 5, 2017"),
        ("month", "June 2017", "June 2017"),
        ("year", "2017", "2017"),
        ("unknown-word", "5 June 2017", "June 5, 2017"),  # anything else: the full day
    ],
)
def test_written_at_each_precision(precision: str, day_first: str, month_first: str) -> None:
    assert written(date(2017, 6, 5), precision) == day_first
    assert written(date(2017, 6, 5), precision, style="month_first") == month_first


def test_the_pages_readable_filter_uses_it() -> None:
    render = templates.env.from_string("{{ d | readable }}|{{ d | readable('month') }}").render
    assert render(d=date(2017, 1, 1)) == "1 January 2017|January 2017"
    stamp = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    assert templates.env.from_string("{{ t | readable }}").render(t=stamp) == (
        "4 December 2026, 09:30 UTC"
    )


def test_the_packet_prints_a_month_precision_decision_as_the_month() -> None:
    denied = PriorPetition(
        kind="commutation",
        filed_on=None,
        outcome="denied",
        decided_on=date(2017, 1, 1),
        decided_by="President Barack Obama",
        decided_on_precision="month",
    )
    assert _fmt(denied) == "commutation, denied January 2017, by President Barack Obama"
    granted = PriorPetition(
        kind="commutation",
        filed_on=None,
        outcome="granted",
        decided_on=date(2018, 6, 1),
        decided_on_precision="month",
    )
    assert sentence_as_changed("Life", [granted]) == "Life (as imposed); commuted June 2018"
    assert _fmt(date(2018, 6, 6)) == "June 6, 2018"  # a date with no precision: the day


def test_a_case_part_row_prints_its_date_at_its_own_precision() -> None:
    """The case page's tables: a decision or timeline event stored with a month's precision."""
    from types import SimpleNamespace

    cell = templates.env.from_string("{{ row[c] | plain(c, row[c ~ '_precision']) }}").render
    month = SimpleNamespace(decided_on=date(2017, 1, 1), decided_on_precision="month")
    assert cell(row=month, c="decided_on") == "January 2017"
    day = SimpleNamespace(decided_on=date(2018, 6, 6), decided_on_precision="day")
    assert cell(row=day, c="decided_on") == "6 June 2018"
    no_precision = SimpleNamespace(convicted_on=date(1996, 10, 31))
    assert cell(row=no_precision, c="convicted_on") == "31 October 1996"
