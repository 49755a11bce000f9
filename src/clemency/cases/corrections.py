"""Which stored cases "need correction": rows saved before an entry check existed (issue #14),
e.g. jurisdiction "Federal", a birth date in the future, a negative prison term.

One function, :func:`needs_correction`, serves every list that names cases — the case list and
its API, the dashboard, the work queues, the tasks list and the deadlines page — so a bad row
is flagged the same way everywhere and never breaks a page. The checks are the entry checks
themselves (``cases.validation.stored_problems``), run on the stored values; nothing here
raises on a bad value.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.cases import validation
from clemency.cases.models import Case, Conviction, Custody, Person, Sentence

Problems = tuple[str, ...]

SENTENCE_NUMBERS = (
    "prison_months",
    "supervised_release_months",
    "probation_months",
    "fine_cents",
    "restitution_cents",
    "forfeiture_cents",
    "special_assessment_cents",
)
"""The whole numbers of a sentence a list checks (a negative or absurd term or amount)."""
CONVICTION_DATES = ("convicted_on", "sentenced_on")
CUSTODY_DATES = ("started_on", "released_on")


def row_problems(jurisdiction: str, born: date | None) -> list[str]:
    """The problems of the two values every list row already has (no query)."""
    return validation.stored_problems(
        Case, {"jurisdiction": jurisdiction}
    ) + validation.stored_problems(Person, {"date_of_birth": born})


def _unique(problems: Iterable[str]) -> Problems:
    return tuple(dict.fromkeys(problems))


def needs_correction(*, session: Session, case_ids: Iterable[int]) -> dict[int, Problems]:
    """``{case id: problems}`` for the cases among ``case_ids`` whose stored data fails today's
    checks (cases with none are left out). The caller has already limited ``case_ids`` to
    cases its user may see; a page's worth costs four indexed queries."""
    ids = sorted({int(i) for i in case_ids})
    if not ids:
        return {}
    found: dict[int, list[str]] = {}
    for case_id, jurisdiction, born in session.execute(
        select(Case.id, Case.jurisdiction, Person.date_of_birth)
        .join(Person, Person.id == Case.person_id)
        .where(Case.id.in_(ids))
    ):
        found.setdefault(int(case_id), []).extend(row_problems(jurisdiction, born))
    parts: tuple[tuple[type, tuple[str, ...]], ...] = (
        (Sentence, SENTENCE_NUMBERS),
        (Conviction, CONVICTION_DATES),
        (Custody, CUSTODY_DATES),
    )
    for model, names in parts:
        columns = [getattr(model, name) for name in names]
        query = select(model.case_id, *columns).where(  # type: ignore[attr-defined]
            model.case_id.in_(ids)  # type: ignore[attr-defined]
        )
        for case_id, *values in session.execute(query):
            found.setdefault(int(case_id), []).extend(
                validation.stored_problems(model, dict(zip(names, values, strict=True)))
            )
    return {case_id: _unique(problems) for case_id, problems in found.items() if problems}
