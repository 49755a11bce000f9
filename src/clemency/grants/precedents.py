"""Precedents: the granted people most like a given case, each with the reasons it was chosen.

A pure function of a case's facts (product.md §5.1 names) and a list of parsed grants, so the
case store, the web page and the tests call it the same way. Each grant is scored on the
factors below; a factor that cannot be compared (a fact the case or the record does not
state) scores nothing and is not invented. Scores are explained item by item.

What matters depends on the relief sought (``relief_sought``, else a person in custody seeks
a commutation and one at liberty a pardon, else neither is assumed). For a commutation the
sentence and the time already served weigh most — they are what a commutation changes; for a
pardon the offense and the statutes do.

=================  ===========  =========  =======  ==========================================
factor             commutation  pardon     unknown  when
=================  ===========  =========  =======  ==========================================
offense_category   3.0          3.0        3.0      same category (``offense_category``)
statutes           0–2.0        0–3.0      0–3.0    share of the case's statutes the grant cites
sentence_length    0–3.0        0–1.0      0–2.0    prison terms close (shorter / longer, at
                                                    least 0.5); full points when both are life
district           1.0          1.5        1.5      same district (0.5 for the same kind of
                                                    non-district court)
time_served        0–2.0        —          0–1.0    time served at the grant close to the case's
kind               2.0          1.0        —        the grant is the relief sought
=================  ===========  =========  =======  ==========================================

Ties (the same score) are broken by what is closest for the relief: the smaller gap in time
served at the grant, then the smaller gap in the original prison term, then the more recent
grant, then the name; a grant that does not state a measure comes after those that do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from clemency.errors import FactsError
from clemency.grants import measures
from clemency.grants.districts import COURTS, normalize_court
from clemency.grants.schemas import CATEGORIES, Grant
from clemency.grants.statutes import extract_statutes
from clemency.grants.terms import describe


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")

    factor: str
    points: float
    explanation: str


class Precedent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    president: str
    grant_date: date | None
    kind: str
    category: str
    source_file: str
    entry_index: int
    score: float
    reasons: list[Reason]
    relief_sought: str | None = None
    court: str | None = None
    offense: str | None = None
    original_sentence: str = "not stated"
    time_served_years: float | None = None
    terms: str | None = None  # a commutation's terms, read (e.g. "to 240 months; …")
    terms_text: str | None = None
    location: str | None = None  # where in its source the grant stands


Relief = Literal["commutation", "pardon"]
_WEIGHTS: dict[Relief | None, dict[str, float]] = {
    "commutation": {
        "offense_category": 3.0,
        "statutes": 2.0,
        "sentence_length": 3.0,
        "district": 1.0,
        "time_served": 2.0,
        "kind": 2.0,
    },
    "pardon": {
        "offense_category": 3.0,
        "statutes": 3.0,
        "sentence_length": 1.0,
        "district": 1.5,
        "time_served": 0.0,
        "kind": 1.0,
    },
    None: {
        "offense_category": 3.0,
        "statutes": 3.0,
        "sentence_length": 2.0,
        "district": 1.5,
        "time_served": 1.0,
        "kind": 0.0,
    },
}


def relief_sought(facts: Mapping[str, Any]) -> Relief | None:
    """The relief the case seeks: stated, else by custody, else unknown."""
    stated = facts.get("relief_sought")
    if stated not in (None, ""):
        if stated not in ("commutation", "pardon"):
            raise FactsError(
                f"relief_sought: {stated!r} is not commutation or pardon", fact="relief_sought"
            )
        return "commutation" if stated == "commutation" else "pardon"
    in_custody = facts.get("is_in_custody")
    if in_custody is None:
        return None
    return "commutation" if in_custody else "pardon"


def _statute_keys(grant: Grant) -> set[str]:
    return {_key(s.code, s.title, s.base_section) for c in grant.convictions for s in c.statutes}


def _key(code: str, title: str | None, base: str) -> str:
    return f"{title} {code} § {base}" if title else f"{code} art. {base}"


def _case_statutes(raw: Any) -> set[str]:
    if raw is None:
        return set()
    items = [raw] if isinstance(raw, str) else list(raw)
    keys: set[str] = set()
    for item in items:
        found = extract_statutes(str(item))
        if not found:
            raise FactsError(
                f"statutes: {item!r} is not a citation such as '21 U.S.C. § 841'", fact="statutes"
            )
        keys |= {_key(s.code, s.title, s.base_section) for s in found}
    return keys


def _served_months(grant: Grant) -> float | None:
    """Time served at the grant, for a commutation (see :mod:`clemency.grants.measures`)."""
    if grant.kind != "commutation":
        return None
    return measures.time_served_at_grant(grant)


def _as_date(value: Any, fact: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise FactsError(f"{fact}: {value!r} is not a date (use YYYY-MM-DD)", fact=fact) from error


def find_precedents(
    facts: Mapping[str, Any],
    grants: Sequence[Grant],
    *,
    as_of: date | None = None,
    limit: int = 10,
) -> list[Precedent]:
    """The ``limit`` grants most similar to the case, best first, each with its reasons.

    ``as_of`` is needed only to compare time served (from ``custody_start_date``); without it
    that factor is skipped. Grants that share nothing with the case are not returned.
    """
    category = facts.get("offense_category")
    if category not in (None, "") and category not in CATEGORIES:
        raise FactsError(
            f"offense_category: {category!r} is not one of {', '.join(CATEGORIES)}",
            fact="offense_category",
        )
    statutes = _case_statutes(facts.get("statutes"))
    district_match = normalize_court(str(facts["district"])) if facts.get("district") else None
    if facts.get("district") and district_match is None:
        raise FactsError(
            f"district: {facts['district']!r} is not a court we know (e.g. 'D. Minn.')",
            fact="district",
        )
    district = district_match.court.id if district_match else None
    court_type = facts.get("conviction_court")
    months_raw = facts.get("sentence_months")
    months = float(months_raw) if months_raw not in (None, "") else None
    life = bool(facts.get("is_life_sentence"))
    custody = _as_date(facts.get("custody_start_date"), "custody_start_date")
    served = measures.months_between(custody, as_of) if custody and as_of else None
    relief = relief_sought(facts)
    weight = _WEIGHTS[relief]

    ranked: list[tuple[tuple[Any, ...], Precedent]] = []
    for grant in grants:
        reasons: list[Reason] = []
        if category and grant.category == category:
            reasons.append(
                Reason(
                    factor="offense_category",
                    points=weight["offense_category"],
                    explanation=f"same offense category: {category}",
                )
            )
        if statutes:
            shared = statutes & _statute_keys(grant)
            if shared:
                points = round(weight["statutes"] * len(shared) / len(statutes), 2)
                reasons.append(
                    Reason(
                        factor="statutes",
                        points=points,
                        explanation="cites " + ", ".join(sorted(shared)),
                    )
                )
        grant_courts = {c.court_id for c in grant.convictions if c.court_id}
        grant_types = {c.court_type for c in grant.convictions if c.court_type}
        if district and district in grant_courts:
            reasons.append(
                Reason(
                    factor="district",
                    points=weight["district"],
                    explanation=f"same court: {COURTS[district].name}",
                )
            )
        elif court_type and court_type in grant_types and court_type != "federal_district":
            reasons.append(
                Reason(
                    factor="district", points=0.5, explanation=f"same kind of court: {court_type}"
                )
            )
        original = measures.original_sentence(grant)
        grant_months, grant_life = original.months, original.life
        sentence_gap: float | None = None
        if life and grant_life:
            sentence_gap = 0.0
            reasons.append(
                Reason(
                    factor="sentence_length",
                    points=weight["sentence_length"],
                    explanation="both life sentences",
                )
            )
        elif months and grant_months and not life and not grant_life:
            sentence_gap = abs(months - grant_months)
            ratio = min(months, grant_months) / max(months, grant_months)
            if ratio >= 0.5:
                reasons.append(
                    Reason(
                        factor="sentence_length",
                        points=round(weight["sentence_length"] * ratio, 2),
                        explanation=f"prison term {grant_months:g} months against the case's {months:g}",
                    )
                )
        grant_served = _served_months(grant)
        served_gap: float | None = None
        if served is not None and grant_served is not None and served > 0 and grant_served > 0:
            served_gap = abs(served - grant_served)
            ratio = min(served, grant_served) / max(served, grant_served)
            if ratio >= 0.5 and weight["time_served"]:
                reasons.append(
                    Reason(
                        factor="time_served",
                        points=round(weight["time_served"] * ratio, 2),
                        explanation=f"about {grant_served / 12:.1f} years served at the grant against {served / 12:.1f}",
                    )
                )
        if relief is not None and reasons and grant.kind == relief:
            reasons.append(
                Reason(
                    factor="kind",
                    points=weight["kind"],
                    explanation=f"a {relief}, the relief this case seeks",
                )
            )
        if not reasons:
            continue
        score = round(sum(r.points for r in reasons), 2)
        precedent = _precedent(grant, score, reasons, relief)
        ranked.append(
            (
                (
                    -score,
                    served_gap if served_gap is not None else float("inf"),
                    sentence_gap if sentence_gap is not None else float("inf"),
                    -(grant.grant_date.toordinal() if grant.grant_date else 0),
                    grant.name,
                    grant.source_file,
                    grant.entry_index,
                ),
                precedent,
            )
        )
    ranked.sort(key=lambda item: item[0])
    return [precedent for _key, precedent in ranked[:limit]]


def _precedent(
    grant: Grant, score: float, reasons: list[Reason], relief: Relief | None
) -> Precedent:
    first = next((c for c in grant.convictions if c.court_id or c.court_text), None)
    court = None
    if first is not None:
        court = COURTS[first.court_id].name if first.court_id else first.court_text
    offense = "; ".join(c.offense_description or c.offense_text or "" for c in grant.convictions)
    served = _served_months(grant)
    return Precedent(
        name=grant.name,
        president=grant.president,
        grant_date=grant.grant_date,
        kind=grant.kind,
        category=grant.category,
        source_file=grant.source_file,
        entry_index=grant.entry_index,
        score=score,
        reasons=reasons,
        relief_sought=relief,
        court=court,
        offense=(offense[:200] + "…") if len(offense) > 200 else (offense or None),
        original_sentence=measures.original_sentence(grant).label,
        time_served_years=round(served / 12, 1) if served is not None else None,
        terms=describe(grant.terms) if grant.terms else None,
        terms_text=grant.terms_text,
        location=grant.provenance.location if grant.provenance else None,
    )
