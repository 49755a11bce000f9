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
from typing import TYPE_CHECKING, Literal

from clemency.grants import measures, stats
from clemency.grants.schemas import Grant

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# matplotlib (about 0.3 s of imports) is loaded by the first chart, not by every web worker
# and command that imports this module.

Format = Literal["png", "svg"]
_COLORS = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a5a5a5", "#843c0c"]
_SOURCE = "Source: U.S. Department of Justice, Office of the Pardon Attorney, grant pages (parsed)."
_SOURCE_COMMUTATIONS = (
    "Source: DOJ Office of the Pardon Attorney; Obama commutations as copied by FiveThirtyEight "
    "(fivethirtyeight/data, CC BY 4.0), parsed."
)


def _source_line(grants: Sequence[Grant]) -> str:
    if any(g.layout.startswith("csv-") for g in grants):
        return _SOURCE_COMMUTATIONS
    return _SOURCE


def _figure(title: str, width: float = 9.0, height: float = 5.0, source: str = _SOURCE) -> Figure:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    figure.suptitle(title, fontsize=13, fontweight="bold")
    figure.text(0.01, 0.01, source, fontsize=7, color="#555555")
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
    """Pardons and commutations parsed beside the published totals, per president."""
    figure = _figure(
        "Grants parsed vs. published totals, by president and kind", source=_source_line(grants)
    )
    axes = figure.add_subplot(1, 1, 1)
    rows = [r for r in stats.comparison(grants) if r["published"] or r["parsed"]]
    names = [f"{r['president']}\n{r['kind']}s" for r in rows]
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
    axes.tick_params(axis="x", labelsize=7)
    axes.set_ylabel("grants")
    axes.legend(frameon=False)
    figure.subplots_adjust(bottom=0.2)
    return figure


_KIND_ORDER = ("pardon", "commutation", "remission", "respite")


def by_year_and_kind(grants: Sequence[Grant]) -> Figure:
    """Grants per year of grant, stacked by kind; grants without a stated date in their own bar."""
    figure = _figure("Grants by year and kind", source=_source_line(grants))
    axes = figure.add_subplot(1, 1, 1)
    seen = sorted({g.grant_date.year for g in grants if g.grant_date})
    years: list[int | str] = list(range(seen[0], seen[-1] + 1)) if seen else []
    if any(g.grant_date is None for g in grants):
        years.append("date not\nstated")
    labels = [str(y) for y in years]
    bottoms = [0] * len(years)
    kinds = [k for k in _KIND_ORDER if any(g.kind == k for g in grants)]
    for index, kind in enumerate(kinds):
        counts = Counter(
            g.grant_date.year if g.grant_date else "date not\nstated"
            for g in grants
            if g.kind == kind
        )
        heights = [counts.get(y, 0) for y in years]
        axes.bar(labels, heights, bottom=bottoms, label=kind, color=_COLORS[index])
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    axes.set_ylabel("grants")
    axes.set_xlabel("year of grant")
    axes.tick_params(axis="x", labelrotation=60, labelsize=8)
    if kinds:
        axes.legend(frameon=False)
    axes.grid(axis="y", alpha=0.3)
    figure.subplots_adjust(bottom=0.22)
    return figure


_CAP_MONTHS = 600  # original terms above this are shown together, so the rest stay readable


def commutation_sentences(grants: Sequence[Grant]) -> Figure:
    """Each commutation as a point: original prison term against the commuted sentence; terms
    over 600 months and life sentences stand in their own columns at the right. Points under
    the diagonal are reductions."""
    figure = _figure(
        "Commutations: original sentence against commuted sentence",
        source=_source_line(grants),
    )
    axes = figure.add_subplot(1, 1, 1)
    over_x, life_x = _CAP_MONTHS + 60, _CAP_MONTHS + 120
    points: dict[str, tuple[list[float], list[float]]] = {}
    found = stats.commutations(grants)
    skipped = 0
    for g in found:
        original = measures.original_sentence(g)
        commuted = measures.commuted_months(g)
        if commuted is None or (original.months is None and not original.life):
            skipped += 1
            continue
        # a small fixed spread (by position in the source) keeps the life column readable
        spread = ((g.entry_index * 7919) % 41 - 20) * 0.8
        if original.life:
            x = life_x + spread
        elif (original.months or 0) > _CAP_MONTHS:
            x = over_x + spread
        else:
            x = float(original.months or 0)
        outcome = g.terms.outcome if g.terms and g.terms.outcome else "other"
        label = {
            "term": "to a term",
            "expiry_date": "to an expiry date (counted from sentencing)",
            "time_served": "to time served",
        }.get(outcome, "other")
        xs, ys = points.setdefault(label, ([], []))
        xs.append(x)
        ys.append(commuted)
    for index, (label, (xs, ys)) in enumerate(sorted(points.items())):
        axes.scatter(xs, ys, s=8, alpha=0.4, label=f"{label} ({len(xs)})", color=_COLORS[index])
    top = max([y for _, ys in points.values() for y in ys], default=_CAP_MONTHS)
    axes.plot([0, _CAP_MONTHS], [0, _CAP_MONTHS], color="#888888", linewidth=0.8, linestyle="--")
    axes.axvline(_CAP_MONTHS + 30, color="#cccccc", linewidth=0.8)
    ticks = list(range(0, _CAP_MONTHS + 1, 120))
    axes.set_xticks(
        [*ticks, over_x, life_x], [*(str(t) for t in ticks), f"> {_CAP_MONTHS}", "life"]
    )
    axes.set_xlim(0, life_x + 40)
    axes.set_ylim(0, max(top, _CAP_MONTHS) + 20)
    axes.set_xlabel("original prison term (months)")
    axes.set_ylabel("commuted sentence (months)")
    axes.grid(alpha=0.3)
    if points:
        axes.legend(frameon=False, fontsize=8, loc="upper left")
    plotted = sum(len(xs) for xs, _ in points.values())
    axes.set_title(
        f"{plotted} of {len(found)} commutations; {skipped} without a numeric sentence or term "
        "not plotted; dashed line: no reduction",
        fontsize=8,
        color="#555555",
    )
    figure.subplots_adjust(bottom=0.14)
    return figure


def commutation_time_served(grants: Sequence[Grant]) -> Figure:
    """Years from sentencing to the grant, for commutations whose record states both dates."""
    figure = _figure(
        "Commutations: years served at the grant (from sentencing)", source=_source_line(grants)
    )
    axes = figure.add_subplot(1, 1, 1)
    found = stats.commutations(grants)
    years = [m / 12 for g in found if (m := measures.time_served_at_grant(g)) is not None]
    if years:
        axes.hist(years, bins=range(0, int(max(years)) + 2), color=_COLORS[2], edgecolor="white")
    axes.set_xlabel("years from the earliest sentencing date to the grant")
    axes.set_ylabel("commutations")
    axes.set_title(
        f"{len(years)} of {len(found)} commutations state both dates", fontsize=9, color="#555555"
    )
    axes.grid(axis="y", alpha=0.3)
    figure.subplots_adjust(bottom=0.14)
    return figure


CHARTS: dict[str, Callable[[Sequence[Grant]], Figure]] = {
    "by_year_and_kind": by_year_and_kind,
    "commutation_sentences": commutation_sentences,
    "commutation_time_served": commutation_time_served,
    "by_year": by_year,
    "by_category": by_category,
    "by_sentence_length": by_sentence_length,
    "by_district": by_district,
    "parsed_vs_published": parsed_vs_published,
}


def render(figure: Figure, fmt: Format) -> bytes:
    import matplotlib

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
