"""Plain labels on the pages (issue #14): one filter turns codes, cents and dates into words."""

from __future__ import annotations

from datetime import date, datetime

from clemency.web.templating import _fact_label, _label, _plain, _readable


def test_dates_read_as_people_write_them() -> None:
    assert _readable(date(2026, 12, 4)) == "4 December 2026"
    assert _readable(datetime(2018, 6, 6, 9, 5)) == "6 June 2018, 09:05 UTC"
    assert _plain("2020-08-28") == "28 August 2020"
    assert _plain(None) == "—"


def test_codes_become_words_and_cents_dollars() -> None:
    assert _plain("federal_district") == "federal district court"
    assert _plain("us-federal") == "federal"
    assert _plain("on_supervision") == "on supervision"
    assert _plain("Money laundering") == "Money laundering"
    assert _plain(True) == "yes"
    assert _plain(False) == "no"
    assert _plain(123456, "fine_cents") == "$1,234.56"
    assert _plain(10000, "restitution_cents") == "$100"
    assert _plain(240, "prison_months") == "240"
    assert _plain('"1996-10-31"', "value_json") == "31 October 1996"
    assert _plain("false", "value_json") == "no"
    assert _label("fine_cents") == "Fine ($)"
    assert _label("bop_register_number") == "BOP register number"


def test_facts_are_named_by_their_description() -> None:
    assert _fact_label("on_supervision") == "Currently on probation, parole or supervised release"
    assert _fact_label("jurisdiction") == "Jurisdiction of the conviction"
