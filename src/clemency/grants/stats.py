"""Statistics over parsed grants: counts by president and year, kind, offense category,
court and sentence length; the comparison of parsed counts with the published totals; CSV.

Everything here is a pure function of a list of :class:`Grant`; nothing reads a database, so
the same functions serve the CLI, the web page and the tests.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from clemency.csvsafe import csv_cell
from clemency.grants import measures, reference
from clemency.grants.districts import COURTS
from clemency.grants.schemas import CATEGORIES, Grant, ParsedPage

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
        "Commutations are published on separate pages or lists; none was imported for this "
        "president, so the parsed count is 0. The difference is not a parser error."
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
            elif count and (president, kind) in reference.SOURCE_GAPS:
                why = reference.SOURCE_GAPS[(president, kind)]
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


def by_year_and_kind(grants: Sequence[Grant]) -> list[dict[str, Any]]:
    """Grants per year of grant and kind; a grant whose date is not stated is counted too."""
    counts = Counter((g.grant_date.year if g.grant_date else "not stated", g.kind) for g in grants)
    return [
        {"year": year, "kind": kind, "grants": n}
        for (year, kind), n in sorted(counts.items(), key=lambda i: (_sortable(i[0][0]), i[0][1]))
    ]


def _median(values: Sequence[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def commutations(grants: Sequence[Grant]) -> list[Grant]:
    return [g for g in grants if g.kind == "commutation"]


def commutation_summary(grants: Sequence[Grant]) -> list[dict[str, Any]]:
    """The headline figures of the commutations: sentences, reductions, time served, terms."""
    found = commutations(grants)
    total = len(found)
    originals = [measures.original_sentence(g) for g in found]
    commuted = [m for g in found if (m := measures.commuted_months(g)) is not None]
    reductions = [m for g in found if (m := measures.reduction_months(g)) is not None]
    served = [m for g in found if (m := measures.time_served_at_grant(g)) is not None]
    life_to_months = [
        g for g, o in zip(found, originals, strict=True) if o.life and measures.commuted_months(g)
    ]
    conditioned = sum(measures.has_conditions(g) for g in found)
    drug = sum(
        any(c.kind == "residential_drug_treatment" for c in g.terms.conditions)
        for g in found
        if g.terms
    )

    def row(measure: str, value: Any, of: int, note: str = "") -> dict[str, Any]:
        return {"measure": measure, "value": value, "of_commutations": of, "note": note}

    return [
        row("commutations", total, total),
        row("with a grant date stated", sum(g.grant_date is not None for g in found), total),
        row("original sentence life", sum(o.life for o in originals), total),
        row("original sentence death", sum(o.death for o in originals), total),
        row(
            "median original prison term (months, life excluded)",
            _median([o.months for o in originals if o.months is not None and not o.life]),
            sum(o.months is not None and not o.life for o in originals),
        ),
        row(
            "median commuted sentence (months)",
            _median(commuted),
            len(commuted),
            "a term as stated; an expiry date counted from the sentencing date",
        ),
        row(
            "median reduction (months, life excluded)",
            _median(reductions),
            len(reductions),
            "original prison term minus commuted sentence",
        ),
        row(
            "life sentences commuted to a term or date",
            len(life_to_months),
            sum(o.life for o in originals),
        ),
        row(
            "median time served at the grant (months)",
            _median(served),
            len(served),
            "from the earliest sentencing date to the grant date; needs both stated",
        ),
        row("share with conditions", _share(conditioned, total), total),
        row("share conditioned on residential drug treatment", _share(drug, total), total),
        row(
            "share with money remitted",
            _share(sum(bool(g.terms and g.terms.remitted) for g in found), total),
            total,
        ),
        row(
            "share with terms not fully understood",
            _share(sum(bool(g.terms is None or g.terms.unparsed) for g in found), total),
            total,
            "kept verbatim in terms.unparsed",
        ),
    ]


def commutation_terms(grants: Sequence[Grant]) -> list[dict[str, Any]]:
    """How the commutations read: outcome, conditions, money remitted, supervised release."""
    found = commutations(grants)
    total = len(found)
    counts: Counter[tuple[str, str]] = Counter()
    for g in found:
        terms = g.terms
        counts[("commuted to", (terms.outcome if terms else None) or "not understood")] += 1
        kinds: set[str] = {c.kind for c in terms.conditions} if terms else set()
        for kind in sorted(kinds) or ["none"]:
            counts[("condition", kind)] += 1
        whats = {r.what for r in terms.remitted} if terms else set()
        for what in sorted(whats) or ["none"]:
            counts[("remitted", what)] += 1
        counts[
            ("supervised release", (terms.supervised_release if terms else None) or "not stated")
        ] += 1
    return [
        {"aspect": aspect, "value": value, "commutations": n, "share": _share(n, total)}
        for (aspect, value), n in sorted(counts.items(), key=lambda i: (i[0][0], -i[1], i[0][1]))
    ]


ORIGINAL_BUCKETS = (
    "death",
    "life",
    "360 months or more",
    "240 to 359 months",
    "120 to 239 months",
    "under 120 months",
    "not stated",
)


def original_bucket(grant: Grant) -> str:
    original = measures.original_sentence(grant)
    if original.death:
        return "death"
    if original.life:
        return "life"
    if original.months is None:
        return "not stated"
    if original.months >= 360:
        return "360 months or more"
    if original.months >= 240:
        return "240 to 359 months"
    if original.months >= 120:
        return "120 to 239 months"
    return "under 120 months"


def commutation_by_original_sentence(grants: Sequence[Grant]) -> list[dict[str, Any]]:
    """Per original sentence: how many, and the median commuted sentence and time served."""
    groups: dict[str, list[Grant]] = {b: [] for b in ORIGINAL_BUCKETS}
    for g in commutations(grants):
        groups[original_bucket(g)].append(g)
    rows = []
    for bucket, members in groups.items():
        commuted = [m for g in members if (m := measures.commuted_months(g)) is not None]
        reductions = [m for g in members if (m := measures.reduction_months(g)) is not None]
        served = [m for g in members if (m := measures.time_served_at_grant(g)) is not None]
        rows.append(
            {
                "original_sentence": bucket,
                "commutations": len(members),
                "median_commuted_months": _median(commuted),
                "median_reduction_months": _median(reductions),
                "median_time_served_months": _median(served),
                "time_served_known": len(served),
                "with_conditions": sum(measures.has_conditions(g) for g in members),
            }
        )
    return rows


def commutation_rows(grants: Sequence[Grant]) -> list[dict[str, Any]]:
    """One row per commutation: sentence before and after, time served, terms, provenance."""
    rows = []
    for g in commutations(grants):
        terms = g.terms
        original = measures.original_sentence(g)
        commuted = measures.commuted_months(g)
        reduction = measures.reduction_months(g)
        served = measures.time_served_at_grant(g)
        rows.append(
            {
                "name": g.name,
                "grant_date": g.grant_date.isoformat() if g.grant_date else "",
                "district": district_of(g),
                "category": g.category,
                "original_sentence": original.label,
                "commuted_to": (terms.outcome if terms else None) or "",
                "commuted_months": round(commuted, 1) if commuted is not None else "",
                "expires_on": terms.expires_on.isoformat() if terms and terms.expires_on else "",
                "reduction_months": round(reduction, 1) if reduction is not None else "",
                "time_served_months": round(served, 1) if served is not None else "",
                "conditions": "; ".join(c.kind for c in terms.conditions) if terms else "",
                "remitted": "; ".join(r.what for r in terms.remitted) if terms else "",
                "supervised_release": (terms.supervised_release or "") if terms else "",
                "terms_unparsed": " | ".join(terms.unparsed) if terms else "",
                "source_file": g.source_file,
                "location": g.provenance.location if g.provenance else "",
            }
        )
    return rows


def import_summary(page: ParsedPage) -> dict[str, Any]:
    """The figures of one import: grants parsed, how many are named in a warning, by date."""
    named = {
        g.entry_index
        for g in page.grants
        for w in page.warnings
        if g.provenance is not None and w.startswith(f"{g.provenance.location}: ")
    }
    dates = Counter(g.grant_date.isoformat() if g.grant_date else "unknown" for g in page.grants)
    return {
        "grants": len(page.grants),
        "grants_named_in_warnings": len(named),
        "grants_without_grant_date": dates.get("unknown", 0),
        "by_grant_date": dict(sorted(dates.items())),
        "warnings": len(page.warnings),
    }


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
        "by_year_and_kind": by_year_and_kind(grants),
        "by_president_year": count_by(grants, "president", "year"),
        "by_kind": count_by(grants, "president", "kind"),
        "commutation_summary": commutation_summary(grants),
        "commutation_by_original_sentence": commutation_by_original_sentence(grants),
        "commutation_terms": commutation_terms(grants),
        "commutations": commutation_rows(grants),
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
