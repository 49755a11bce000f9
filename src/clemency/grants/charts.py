"""Charts of the grants as PNG or SVG bytes (matplotlib, Agg backend: no display needed).

:func:`chart_bytes` is what a web page calls: ``chart_bytes("by_year", grants, "svg")``.
Each figure is built and closed inside the call, so a server can render charts from
several threads without sharing pyplot state.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from clemency.grants import stats
from clemency.grants.schemas import Grant

Format = Literal["png", "svg"]
_COLORS = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a5a5a5", "#843c0c"]
_SOURCE = "Source: U.S. Department of Justice, Office of the Pardon Attorney, grant pages (parsed)."


def _figure(title: str, width: float = 9.0, height: float = 5.0) -> Figure:
    figure = Figure(figsize=(width, height), dpi=100)
    figure.suptitle(title, fontsize=13, fontweight="bold")
    figure.text(0.01, 0.01, _SOURCE, fontsize=7, color="#555555")
    return figure


def by_year(grants: Sequence[Grant]) -> Figure:
    """Grants per calendar year of the grant date, one colour per president (stacked)."""
    figure = _figure("Grants by year and president")
    axes = figure.add_subplot(1, 1, 1)
    first_year: dict[str, int] = {}
    for g in grants:
        if g.grant_date is not None:
            first_year[g.president] = min(first_year.get(g.president, 9999), g.grant_date.year)
    presidents = sorted({g.president for g in grants}, key=lambda p: first_year.get(p, 9999))
    seen = sorted({g.grant_date.year for g in grants if g.grant_date})
    # every year in the range, so that years without grants show as gaps
    years = list(range(seen[0], seen[-1] + 1)) if seen else []
    bottoms = [0] * len(years)
    for index, president in enumerate(presidents):
        counts = Counter(
            g.grant_date.year for g in grants if g.president == president and g.grant_date
        )
        heights = [counts.get(y, 0) for y in years]
        axes.bar(
            [str(y) for y in years],
            heights,
            bottom=bottoms,
            label=president,
            color=_COLORS[index % len(_COLORS)],
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    axes.set_ylabel("grants")
    axes.set_xlabel("year of grant")
    axes.tick_params(axis="x", labelrotation=60, labelsize=8)
    if presidents:
        axes.legend(frameon=False)
    axes.grid(axis="y", alpha=0.3)
    figure.subplots_adjust(bottom=0.2)
    return figure


def by_category(grants: Sequence[Grant]) -> Figure:
    """Grants per offense category; "other" is shown like every other bar."""
    figure = _figure("Grants by offense category")
    axes = figure.add_subplot(1, 1, 1)
    rows = stats.by_category(grants)
    labels = [r["category"] for r in rows]
    values = [r["grants"] for r in rows]
    bars = axes.barh(labels[::-1], values[::-1], color=_COLORS[0])
    axes.bar_label(bars, padding=3, fontsize=8)
    axes.set_xlabel("grants")
    axes.grid(axis="x", alpha=0.3)
    figure.subplots_adjust(left=0.18, bottom=0.14)
    return figure


def by_sentence_length(grants: Sequence[Grant]) -> Figure:
    """Grants by the longest prison term stated for any conviction."""
    figure = _figure("Grants by longest prison term imposed")
    axes = figure.add_subplot(1, 1, 1)
    rows = stats.by_sentence_length(grants)
    bars = axes.bar(
        [r["sentence_length"] for r in rows], [r["grants"] for r in rows], color=_COLORS[1]
    )
    axes.bar_label(bars, padding=2, fontsize=8)
    axes.set_ylabel("grants")
    axes.tick_params(axis="x", labelrotation=30, labelsize=8)
    axes.grid(axis="y", alpha=0.3)
    figure.subplots_adjust(bottom=0.25)
    return figure


def by_district(grants: Sequence[Grant], top: int = 15) -> Figure:
    """The courts with the most grants (canonical ids; "not stated" when the page gives none)."""
    figure = _figure(f"Grants by court (top {top})")
    axes = figure.add_subplot(1, 1, 1)
    rows = stats.by_district(grants)[:top]
    labels = [str(r["name"]) for r in rows][::-1]
    values = [r["grants"] for r in rows][::-1]
    bars = axes.barh(labels, values, color=_COLORS[2])
    axes.bar_label(bars, padding=3, fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    axes.set_xlabel("grants")
    figure.subplots_adjust(left=0.35, bottom=0.14)
    return figure


def parsed_vs_published(grants: Sequence[Grant]) -> Figure:
    """Pardons parsed from the pages beside the published pardon totals, per president."""
    figure = _figure("Pardons: parsed from the pages vs. published totals")
    axes = figure.add_subplot(1, 1, 1)
    rows = [r for r in stats.comparison(grants) if r["kind"] == "pardon"]
    names = [r["president"] for r in rows]
    positions = list(range(len(rows)))
    parsed = axes.bar(
        [p - 0.2 for p in positions],
        [r["parsed"] for r in rows],
        width=0.4,
        label="parsed",
        color=_COLORS[0],
    )
    published = axes.bar(
        [p + 0.2 for p in positions],
        [r["published"] or 0 for r in rows],
        width=0.4,
        label="published",
        color=_COLORS[6],
    )
    axes.bar_label(parsed, padding=2, fontsize=8)
    axes.bar_label(published, padding=2, fontsize=8)
    axes.set_xticks(positions, names)
    axes.set_ylabel("pardons")
    axes.legend(frameon=False)
    figure.subplots_adjust(bottom=0.14)
    return figure


CHARTS: dict[str, Callable[[Sequence[Grant]], Figure]] = {
    "by_year": by_year,
    "by_category": by_category,
    "by_sentence_length": by_sentence_length,
    "by_district": by_district,
    "parsed_vs_published": parsed_vs_published,
}


def render(figure: Figure, fmt: Format) -> bytes:
    buffer = io.BytesIO()
    # text stays text in SVG: searchable, readable by screen readers, smaller
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "clemency"}):
        figure.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def chart_bytes(name: str, grants: Sequence[Grant], fmt: Format = "svg") -> bytes:
    """The chart ``name`` (a key of :data:`CHARTS`) as PNG or SVG bytes."""
    if name not in CHARTS:
        raise ValueError(f"unknown chart {name!r}; use one of {', '.join(CHARTS)}")
    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown chart format {fmt!r}; use png or svg")
    return render(CHARTS[name](grants), fmt)


def write_charts(grants: Sequence[Grant], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in CHARTS:
        formats: tuple[Format, ...] = ("png", "svg")
        for fmt in formats:
            path = out_dir / f"{name}.{fmt}"
            path.write_bytes(chart_bytes(name, grants, fmt))
            written.append(path)
    return written
