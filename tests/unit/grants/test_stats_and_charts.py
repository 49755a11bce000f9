"""Statistics, CSV export, the cited reference table and the charts, on the real pages."""

from __future__ import annotations

import csv
import io
from functools import cache
from pathlib import Path

import pytest

from clemency.grants import charts, reference, stats
from clemency.grants.schemas import CATEGORIES, Grant
from clemency.grants.sources import parse_source
from tests.conftest import DOJ_PAGES

PAGES = DOJ_PAGES


@cache
def all_grants() -> tuple[Grant, ...]:
    files = sorted(PAGES.glob("*.html"))
    if len(files) != 3:
        pytest.skip(f"shared data missing: {PAGES}")
    return tuple(g for path in files for g in parse_source(path).grants)


def test_counts_by_president_and_year_add_up() -> None:
    grants = all_grants()
    rows = stats.count_by(grants, "president", "year")
    assert sum(r["grants"] for r in rows) == len(grants) == 475
    by_president = {
        p: sum(r["grants"] for r in rows if r["president"] == p)
        for p in {r["president"] for r in rows}
    }
    assert by_president == {"George H. W. Bush": 74, "George W. Bush": 189, "Barack Obama": 212}
    assert {
        "president": "Barack Obama",
        "year": 2016,
        "grants": 82,
    } in rows  # 78 in December, 4 in January
    with pytest.raises(ValueError, match="unknown statistic key"):
        stats.count_by(grants, "name")


def test_every_category_is_reported_including_other() -> None:
    rows = stats.by_category(all_grants())
    assert [r["category"] for r in rows] == list(CATEGORIES)
    assert sum(r["grants"] for r in rows) == len(all_grants())
    other = next(r for r in rows if r["category"] == "other")
    assert other["grants"] > 0  # reported, not hidden
    rules = stats.category_rules(all_grants())
    assert sum(r["grants"] for r in rules) == len(all_grants())
    assert any(r["rule"] == "no_rule_matched" for r in rules)


def test_sentence_lengths_and_districts() -> None:
    grants = all_grants()
    lengths = {r["sentence_length"]: r["grants"] for r in stats.by_sentence_length(grants)}
    assert sum(lengths.values()) == len(grants)
    # the two Bush pages state no sentence, only the year of sentencing
    assert lengths["not stated"] >= 74 + 189
    districts = {r["district"]: r["grants"] for r in stats.by_district(grants)}
    assert districts["not stated"] == 74  # the G. H. W. Bush page leaves the column empty
    assert districts["court-martial"] >= 10
    assert sum(districts.values()) == len(grants)


def test_parsed_counts_match_the_published_pardon_totals() -> None:
    rows = stats.comparison(all_grants())
    pardons = {
        r["president"]: (r["parsed"], r["published"], r["difference"])
        for r in rows
        if r["kind"] == "pardon"
    }
    assert pardons == {
        "George H. W. Bush": (74, 74, 0),
        "George W. Bush": (189, 189, 0),
        "Barack Obama": (212, 212, 0),
    }
    commutations = [r for r in rows if r["kind"] == "commutation"]
    assert all(r["parsed"] == 0 and "separate pages" in r["explanation"] for r in commutations)
    assert all(r["source"] for r in rows)


def test_reference_table_is_cited_and_consistent() -> None:
    for row in reference.ADMINISTRATIONS:
        assert row.source
        if (
            row.pardons is not None
            and row.commutations is not None
            and row.total_grants is not None
        ):
            assert row.pardons + row.commutations == row.total_grants, row.president
    assert reference.administration("Donald Trump") is not None
    assert reference.administration("George Bush") is None  # two presidents: refuse to guess
    obama = reference.administration("Barack Obama")
    assert obama is not None
    assert (obama.pardons, obama.commutations) == (212, 1715)
    fy2016 = next(r for r in reference.FISCAL_YEARS if r.fiscal_year == 2016)
    assert (fy2016.pardons, fy2016.commutations) == (6, 583)


def test_csv_export_reads_back(tmp_path: Path) -> None:
    written = stats.write_tables(list(all_grants()), tmp_path)
    assert {p.name for p in written} >= {
        "grants.csv",
        "by_category.csv",
        "comparison_with_published.csv",
    }
    with (tmp_path / "grants.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 475
    akins = next(r for r in rows if r["name"] == "Kristan Diane Akins")
    assert akins["aliases"] == "fka Kristan Diane Bullock; fka Kristan D. Wheeler"
    assert akins["district"] == "nced"
    assert akins["grant_date"] == "2004-12-21"
    reread = list(
        csv.DictReader(io.StringIO((tmp_path / "reference_administrations.csv").read_text()))
    )
    assert any(r["president"] == "George W. Bush" and r["pardons"] == "189" for r in reread)


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_charts_render_as_png_and_svg(name: str) -> None:
    from matplotlib import image

    png = charts.chart_bytes(name, list(all_grants()), "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = image.imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (500, 900)
    svg = charts.chart_bytes(name, list(all_grants()), "svg").decode()
    assert "<svg" in svg
    assert svg.rstrip().endswith("</svg>")


def test_chart_text_names_what_it_shows() -> None:
    svg = charts.chart_bytes("parsed_vs_published", list(all_grants()), "svg").decode()
    assert "Grants parsed vs. published totals, by president and kind" in svg
    assert "Barack Obama" in svg
    with pytest.raises(ValueError, match="unknown chart"):
        charts.chart_bytes("pie", [], "svg")
    with pytest.raises(ValueError, match="unknown chart format"):
        charts.chart_bytes("by_year", [], "gif")  # type: ignore[arg-type]


def test_charts_of_no_grants_still_render() -> None:
    for name in charts.CHARTS:
        assert charts.chart_bytes(name, [], "png").startswith(b"\x89PNG")
