"""Statistics across kinds with the Obama commutation list: figures checked against counts
made here from the raw file with the csv module, and measures against their definitions."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from clemency.grants import charts, measures, stats
from clemency.grants.schemas import Grant
from tests.unit.grants.test_commutations_csv import CSV_PATH, by_line, independent_counts, parsed


def _raw_terms() -> list[str]:
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        return [
            value
            for key, value in csv.reader(handle)
            if key.lower().startswith("terms of grant") or value.startswith("Commutation Grant:")
        ]


def grants() -> list[Grant]:
    return list(parsed().grants)


def test_grants_by_year_and_kind_count_the_undated() -> None:
    rows = {(r["year"], r["kind"]): r["grants"] for r in stats.by_year_and_kind(grants())}
    _total, per_section = independent_counts(CSV_PATH)
    in_2016 = sum(
        per_section[k]
        for k in (
            "42696",
            "42678",
            "42670",
            "42649",
            "42612",
            "42585",
            "42524",
            "MAY 5, 2016",
            "42459",
            "42385",
        )
    )
    assert rows[(2016, "commutation")] == in_2016 == 840
    assert rows[("not stated", "commutation")] == 362
    assert sum(rows.values()) == 1386


def test_summary_shares_against_the_raw_file() -> None:
    summary = {r["measure"]: r for r in stats.commutation_summary(grants())}
    raw = _raw_terms()
    drug = sum("residential drug" in t for t in raw)
    assert summary["share conditioned on residential drug treatment"]["value"] == round(
        drug / 1386, 4
    )
    assert summary["commutations"]["value"] == 1386
    assert summary["with a grant date stated"]["value"] == 1386 - 362


def test_measures_follow_their_definitions() -> None:
    anderson = by_line(27)  # 360 months, commuted to a term of 240 months
    assert anderson.name == "Maurice Anderson"
    assert measures.reduction_months(anderson) == 120
    adams = by_line(789)  # sentenced July 20, 2001; granted (serial 42696) Nov 22, 2016
    served = measures.time_served_at_grant(adams)
    assert served == pytest.approx((date(2016, 11, 22) - date(2001, 7, 20)).days / 30.4375)
    # commuted "to expire on March 22, 2017": counted from the sentencing date
    assert measures.commuted_months(adams) == pytest.approx(
        (date(2017, 3, 22) - date(2001, 7, 20)).days / 30.4375
    )
    akins = by_line(2)  # life, no grant date: no reduction and no time served
    assert measures.original_sentence(akins).life
    assert measures.reduction_months(akins) is None
    assert measures.time_served_at_grant(akins) is None


def test_the_comparison_explains_the_gap_to_the_published_total() -> None:
    row = next(
        r
        for r in stats.comparison(grants())
        if r["president"] == "Barack Obama" and r["kind"] == "commutation"
    )
    assert (row["parsed"], row["published"], row["difference"]) == (1386, 1715, -329)
    assert "January 19, 2017" in row["explanation"]
    assert "1,716" in row["explanation"]


def test_commutation_charts_name_their_source() -> None:
    svg = charts.chart_bytes("commutation_sentences", grants(), "svg").decode()
    assert "original sentence against commuted sentence" in svg
    assert "FiveThirtyEight" in svg
    assert "CC BY 4.0" in svg
    assert ">life<" in svg
