"""Measures of one grant that statistics and precedents share (one definition each).

Months are calendar months of 30.4375 days when computed from dates. What the record does
not state gives ``None``; nothing is estimated beyond the definitions below.

* **original sentence** — the longest prison term stated for any conviction, as first
  imposed (a later "amended to …" is not the original); ``life`` when any conviction carries
  a life sentence, ``death`` when any carries death.
* **custody proxy start** — the earliest sentencing date stated for the grant's convictions.
  Time in custody before sentencing (pretrial detention) is not in the record, so times
  measured from it are *since sentencing*, usually a little less than time in custody.
* **time served at the grant** — months from the custody proxy start to the grant date.
* **commuted sentence** — for "commuted to a term of N months": N; for "to expire on D":
  the months from the custody proxy start to D; for "to time served": the time served at the
  grant. Life (a death sentence commuted) and unparsed terms give ``None``.
* **reduction** — original minus commuted months, for a numeric original sentence only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clemency.grants.schemas import Grant

DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class Original:
    months: float | None
    life: bool
    death: bool

    @property
    def label(self) -> str:
        if self.death:
            return "death"
        if self.life:
            return "life"
        return f"{self.months:g} months" if self.months is not None else "not stated"


def months_between(start: date, end: date) -> float:
    return (end - start).days / DAYS_PER_MONTH


def original_sentence(grant: Grant) -> Original:
    sentences = [c.sentence for c in grant.convictions if c.sentence is not None]
    months = [s.prison_months for s in sentences if s.prison_months is not None]
    return Original(
        months=max(months) if months else None,
        life=any(s.is_life for s in sentences),
        death=any(s.is_death for s in sentences),
    )


def custody_proxy_start(grant: Grant) -> date | None:
    dates = [c.sentenced_on for c in grant.convictions if c.sentenced_on is not None]
    return min(dates) if dates else None


def time_served_at_grant(grant: Grant) -> float | None:
    start = custody_proxy_start(grant)
    if start is None or grant.grant_date is None or grant.grant_date <= start:
        return None
    return months_between(start, grant.grant_date)


def commuted_months(grant: Grant) -> float | None:
    terms = grant.terms
    if terms is None or terms.outcome is None:
        return None
    if terms.outcome == "term":
        return terms.term_months
    start = custody_proxy_start(grant)
    if terms.outcome == "expiry_date" and terms.expires_on is not None and start is not None:
        if terms.expires_on <= start:
            return None
        return months_between(start, terms.expires_on)
    if terms.outcome == "time_served":
        return time_served_at_grant(grant)
    return None


def reduction_months(grant: Grant) -> float | None:
    original = original_sentence(grant)
    commuted = commuted_months(grant)
    if original.life or original.death or original.months is None or commuted is None:
        return None
    return original.months - commuted


def has_conditions(grant: Grant) -> bool:
    return bool(grant.terms and grant.terms.conditions)
