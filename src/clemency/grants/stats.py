"""Statistics over parsed grants: counts by president and year, kind, offense category,
court and sentence length; the comparison of parsed counts with the published totals; CSV.

Everything here is a pure function of a list of :class:`Grant`; nothing reads a database, so
the same functions serve the CLI, the web page and the tests.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from clemency.csvsafe import csv_cell
from clemency.grants import reference
from clemency.grants.districts import COURTS
from clemency.grants.schemas import CATEGORIES, Grant

SENTENCE_BUCKETS = (
    "life",
    "20 years or more",
    "10 to 20 years",
    "5 to 10 years",
    "1 to 5 years",
    "under 1 year",
    "no prison term",
    "not stated",
)


def longest_prison_months(grant: Grant) -> float | None:
    """The longest prison term among the grant's convictions, or None if none is stated."""
    months = [
        c.sentence.prison_months
        for c in grant.convictions
        if c.sentence is not None and c.sentence.prison_months is not None
    ]
    return max(months) if months else None


def sentence_bucket(grant: Grant) -> str:
    sentences = [c.sentence for c in grant.convictions if c.sentence is not None]
    if any(s.is_life for s in sentences):
        return "life"
    months = longest_prison_months(grant)
    if months is None:
        return "no prison term" if sentences else "not stated"
    if months >= 240:
        return "20 years or more"
    if months >= 120:
        return "10 to 20 years"
    if months >= 60:
        return "5 to 10 years"
    if months >= 12:
        return "1 to 5 years"
    return "under 1 year"


def district_of(grant: Grant) -> str:
    """The canonical court of the first conviction that names one, else "not stated"."""
    for conviction in grant.convictions:
        if conviction.court_id is not None:
            return conviction.court_id
    if any(c.court_text for c in grant.convictions):
        return "not recognized"
    return "not stated"


KEYS: dict[str, Callable[[Grant], Any]] = {
    "president": lambda g: g.president,
    "year": lambda g: g.grant_date.year if g.grant_date else None,
    "kind": lambda g: g.kind,
    "category": lambda g: g.category,
    "district": district_of,
    "sentence_length": sentence_bucket,
}


def count_by(grants: Iterable[Grant], *keys: str) -> list[dict[str, Any]]:
    """Rows ``{key: value, …, "grants": n}`` sorted by the keys; unknown keys are refused."""
    for key in keys:
        if key not in KEYS:
            raise ValueError(f"unknown statistic key {key!r}; use one of {', '.join(KEYS)}")
    counter: Counter[tuple[Any, ...]] = Counter(tuple(KEYS[k](g) for k in keys) for g in grants)
    rows = [dict(zip(keys, values, strict=True)) | {"grants": n} for values, n in counter.items()]
    return sorted(rows, key=lambda r: tuple(_sortable(r[k]) for k in keys))


def _sortable(value: Any) -> tuple[int, str]:
    if value is None:
        return (1, "")
    if isinstance(value, int):
        return (0, f"{value:08d}")
    return (0, str(value))


def by_category(grants: Sequence[Grant]) -> list[dict[str, Any]]:
    """Every category, "other" included and listed even when empty, with its share."""
    counts = Counter(g.category for g in grants)
    total = len(grants) or 1
    return [
        {"category": c, "grants": counts.get(c, 0), "share": round(counts.get(c, 0) / total, 4)}
        for c in CATEGORIES
    ]


def by_sentence_length(grants: Sequence[Grant]) -> list[dict[str, Any]]:
    counts = Counter(sentence_bucket(g) for g in grants)
    return [{"sentence_length": b, "grants": counts.get(b, 0)} for b in SENTENCE_BUCKETS]


def by_district(grants: Sequence[Grant]) -> list[dict[str, Any]]:
    counts = Counter(district_of(g) for g in grants)
    rows = []
    for court_id, n in counts.most_common():
        court = COURTS.get(court_id)
        rows.append({"district": court_id, "name": court.name if court else court_id, "grants": n})
    return rows


def category_rules(grants: Sequence[Grant]) -> list[dict[str, Any]]:
    """Which rule decided how many grants: the audit trail of the classification."""
    counts = Counter((g.category, g.category_rule) for g in grants)
    return [
        {"category": c, "rule": r, "grants": n}
        for (c, r), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


EXPLANATIONS = {
    "pardon": (
        "The page lists pardons only; its count is compared with the published pardon total. "
        "Proclamation pardons listed on the page (e.g. Proclamation 6518 of December 24, 1992) "
        "are counted because the page lists them."
    ),
    "commutation": (
        "Commutations are published on separate pages (not parsed here), so the parsed count "
        "is 0 unless such a page was given; the difference is not a parser error."
    ),
}


def comparison(grants: Sequence[Grant]) -> list[dict[str, Any]]:
    """Parsed counts per president and kind beside the published totals, with why they differ."""
    parsed: Counter[tuple[str, str]] = Counter((g.president, g.kind) for g in grants)
    presidents = sorted({g.president for g in grants})
    rows: list[dict[str, Any]] = []
    for president in presidents:
        ref = reference.administration(president)
        for kind, published in (
            ("pardon", ref.pardons if ref else None),
            ("commutation", ref.commutations if ref else None),
        ):
            count = parsed.get((president, kind), 0)
            difference = None if published is None else count - published
            if published is None:
                why = "no published total in the reference table"
            elif difference == 0:
                why = "parsed count equals the published total"
            else:
                why = EXPLANATIONS[kind]
            rows.append(
                {
                    "president": president,
                    "kind": kind,
                    "parsed": count,
                    "published": published,
                    "difference": difference,
                    "explanation": why,
                    "source": ref.source if ref else "",
                }
            )
    return rows


def grant_rows(grants: Sequence[Grant]) -> list[dict[str, Any]]:
    """One flat row per grant for CSV export (the public record: names of people granted)."""
    rows = []
    for g in grants:
        first = g.convictions[0] if g.convictions else None
        rows.append(
            {
                "source_file": g.source_file,
                "source_sha256": g.source_sha256,
                "entry_index": g.entry_index,
                "president": g.president,
                "grant_date": g.grant_date.isoformat() if g.grant_date else "",
                "kind": g.kind,
                "name": g.name,
                "aliases": "; ".join(f"{a.kind} {a.name}" for a in g.aliases),
                "convictions": len(g.convictions),
                "district": district_of(g),
                "court_type": first.court_type if first and first.court_type else "",
                "sentenced_year": first.sentenced_year if first and first.sentenced_year else "",
                "offense": " | ".join(c.offense_text or "" for c in g.convictions),
                "statutes": "; ".join(s.cite for c in g.convictions for s in c.statutes),
                "longest_prison_months": longest_prison_months(g) or "",
                "sentence_length": sentence_bucket(g),
                "category": g.category,
                "category_rule": g.category_rule,
                "warrant_url": g.warrant_url or "",
                "record_url": g.record_url or "",
                "flags": "; ".join(g.flags),
            }
        )
    return rows


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0].keys()), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else csv_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def reference_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    administrations = [
        {
            "president": r.president,
            "term": r.term,
            "pardons": r.pardons,
            "commutations": r.commutations,
            "total_grants": r.total_grants,
            "petitions_received": r.petitions_received,
            "note": r.note,
            "source": r.source,
        }
        for r in reference.ADMINISTRATIONS
    ]
    fiscal = [
        {
            "fiscal_year": r.fiscal_year,
            "pardons": r.pardons,
            "commutations": r.commutations,
            "note": r.note,
            "source": r.source,
        }
        for r in reference.FISCAL_YEARS
    ]
    return administrations, fiscal


def tables(grants: Sequence[Grant]) -> dict[str, list[dict[str, Any]]]:
    """Every statistic table by file stem."""
    administrations, fiscal = reference_rows()
    return {
        "grants": grant_rows(grants),
        "by_president_year": count_by(grants, "president", "year"),
        "by_kind": count_by(grants, "president", "kind"),
        "by_category": by_category(grants),
        "category_rules": category_rules(grants),
        "by_district": by_district(grants),
        "by_sentence_length": by_sentence_length(grants),
        "comparison_with_published": comparison(grants),
        "reference_administrations": administrations,
        "reference_fiscal_years": fiscal,
    }


def write_tables(grants: Sequence[Grant], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, rows in tables(grants).items():
        path = out_dir / f"{stem}.csv"
        path.write_text(to_csv(rows), encoding="utf-8")
        written.append(path)
    return written
