"""Precedents: the granted people most like a given case, each with the reasons it was chosen.

A pure function of a case's facts (product.md §5.1 names) and a list of parsed grants, so the
case store, the web page and the tests call it the same way. Each grant is scored on the
factors below; a factor that cannot be compared (a fact the case or the page does not state)
scores nothing and is not invented. Scores are explained item by item.

=================  ======  ==========================================================
factor             points  when
=================  ======  ==========================================================
offense_category   3.0     same category (``offense_category``)
statutes           0–3.0   share of the case's statutes that the grant also cites
district           1.5     same canonical district (``district``); 0.5 for the same
                           kind of court (``conviction_court``) when districts differ
sentence_length    0–2.0   prison terms close (ratio of the shorter to the longer);
                           2.0 when both are life sentences
time_served        0–1.0   time served at the grant close to the case's time served
kind               1.0     commutation for a person in custody, pardon otherwise
=================  ======  ==========================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from clemency.errors import FactsError
from clemency.grants.districts import COURTS, normalize_court
from clemency.grants.schemas import CATEGORIES, Grant
from clemency.grants.statutes import extract_statutes


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


def _months(grant: Grant) -> tuple[float | None, bool]:
    life = any(c.sentence is not None and c.sentence.is_life for c in grant.convictions)
    months = [
        c.sentence.prison_months
        for c in grant.convictions
        if c.sentence is not None and c.sentence.prison_months is not None
    ]
    return (max(months) if months else None), life


def _served_months(grant: Grant) -> float | None:
    """Months between sentencing and the grant: time served for a commutation, if both known."""
    if grant.kind != "commutation" or grant.grant_date is None:
        return None
    dates = [c.sentenced_on for c in grant.convictions if c.sentenced_on is not None]
    if not dates:
        return None
    return (grant.grant_date - max(dates)).days / 30.4375


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
    served = (as_of - custody).days / 30.4375 if custody and as_of else None
    in_custody = facts.get("is_in_custody")

    results: list[Precedent] = []
    for grant in grants:
        reasons: list[Reason] = []
        if category and grant.category == category:
            reasons.append(
                Reason(
                    factor="offense_category",
                    points=3.0,
                    explanation=f"same offense category: {category}",
                )
            )
        if statutes:
            shared = statutes & _statute_keys(grant)
            if shared:
                points = round(3.0 * len(shared) / len(statutes), 2)
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
                    points=1.5,
                    explanation=f"same court: {COURTS[district].name}",
                )
            )
        elif court_type and court_type in grant_types and court_type != "federal_district":
            reasons.append(
                Reason(
                    factor="district", points=0.5, explanation=f"same kind of court: {court_type}"
                )
            )
        grant_months, grant_life = _months(grant)
        if life and grant_life:
            reasons.append(
                Reason(factor="sentence_length", points=2.0, explanation="both life sentences")
            )
        elif months and grant_months and not life and not grant_life:
            ratio = min(months, grant_months) / max(months, grant_months)
            if ratio >= 0.5:
                reasons.append(
                    Reason(
                        factor="sentence_length",
                        points=round(2.0 * ratio, 2),
                        explanation=f"prison term {grant_months:g} months against the case's {months:g}",
                    )
                )
        grant_served = _served_months(grant)
        if served is not None and grant_served is not None and served > 0 and grant_served > 0:
            ratio = min(served, grant_served) / max(served, grant_served)
            if ratio >= 0.5:
                reasons.append(
                    Reason(
                        factor="time_served",
                        points=round(ratio, 2),
                        explanation=f"about {grant_served / 12:.1f} years served at the grant against {served / 12:.1f}",
                    )
                )
        if in_custody is not None and reasons:
            wanted = "commutation" if in_custody else "pardon"
            if grant.kind == wanted:
                reasons.append(
                    Reason(
                        factor="kind",
                        points=1.0,
                        explanation=f"a {wanted}, the relief this case seeks",
                    )
                )
        if not reasons:
            continue
        score = round(sum(r.points for r in reasons), 2)
        results.append(
            Precedent(
                name=grant.name,
                president=grant.president,
                grant_date=grant.grant_date,
                kind=grant.kind,
                category=grant.category,
                source_file=grant.source_file,
                entry_index=grant.entry_index,
                score=score,
                reasons=reasons,
            )
        )
    results.sort(
        key=lambda p: (-p.score, -(p.grant_date.toordinal() if p.grant_date else 0), p.entry_index)
    )
    return results[:limit]
