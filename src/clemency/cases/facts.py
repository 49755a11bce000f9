"""The bridge between the case store and the rules: a stored case → product.md §5.1 facts.

Two kinds of fact:

* **derived** facts are computed from the structured records (person, the primary conviction
  and its sentence, custody stays, conduct incidents, health notes);
* **asserted** facts (``has_pending_court_challenge``, ``gang_or_cartel_ties``, …) cannot be
  derived from records and are stored as :class:`CaseFact` rows by a person who knows them.

Nothing is guessed: a fact whose records are missing or incomplete is left out of the result
(unknown). Counts of priors and of serious incidents are only given when the case says the
criminal history or conduct record was checked (``*_checked_on``); otherwise an empty list could
mean "none" or "not looked at yet". A derived value, when known, wins over an asserted one.

:func:`apply_facts` goes the other way, for a facts form: a fact with a home column is written
there, a non-derivable fact becomes a :class:`CaseFact`, and a fact computed from several
records (``is_in_custody``, ``release_date``, …) is refused with a message saying which records
to edit instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from clemency.cases import service
from clemency.cases.access import Actor, Permission
from clemency.cases.models import Case, CaseFact, Conviction, Custody, Sentence
from clemency.cases.vocab import SERIOUS_SEVERITIES
from clemency.db.base import utcnow
from clemency.eligibility import FACTS
from clemency.eligibility.determination import GrantedRelief
from clemency.errors import BadInput, FactsError

# The fact vocabulary is the rules engine's (docs/facts.md): name → type, where "enum:<a|b>"
# lists the allowed values. Derived, so a fact added to the engine is typed here too.
FACT_TYPES: dict[str, str] = {
    spec.name: ("enum:" + "|".join(spec.values or ())) if spec.type == "enum" else spec.type
    for spec in FACTS.values()
}

# Facts with one home column: fact → (record, column). "conviction" is the primary conviction.
FACT_COLUMNS: dict[str, tuple[str, str]] = {
    "jurisdiction": ("case", "jurisdiction"),
    "date_of_birth": ("person", "date_of_birth"),
    "is_deceased": ("person", "is_deceased"),
    "conviction_court": ("conviction", "court_kind"),
    "conviction_date": ("conviction", "convicted_on"),
    "sentence_date": ("conviction", "sentenced_on"),
    "offense_level": ("conviction", "offense_level"),
    "offense_category": ("conviction", "offense_category"),
    "is_violent_offense": ("conviction", "is_violent_offense"),
    "is_capital_case": ("sentence", "is_death"),
    "is_life_sentence": ("sentence", "is_life"),
    "sentence_months": ("sentence", "prison_months"),
}
# Facts that come from sensitive records (health notes): left out for roles without the
# sensitive grant (volunteers, viewers), whether derived or asserted.
SENSITIVE_FACTS: frozenset[str] = frozenset({"has_critical_illness"})
# Computed from several records; edited through those records, never directly.
COMPUTED_FACTS: dict[str, str] = {
    "person_id": "the case reference",
    "sentence_type": "the sentence (prison months, life, probation, fine)",
    "custody_start_date": "the custody stays",
    "is_in_custody": "the custody stays",
    "release_date": "the custody stays",
    "latest_release_date": "the custody stays",
    "was_confined": "the custody stays",
    "prior_convictions_count": "the convictions and the criminal-history check date",
    "serious_disciplinary_incidents_count": "the conduct incidents and the conduct check date",
}


def primary_conviction(case: Case) -> Conviction | None:
    """The conviction relief is sought for: the one marked primary, or the only one."""
    marked = [conviction for conviction in case.convictions if conviction.is_primary]
    if len(marked) == 1:
        return marked[0]
    if not marked and len(case.convictions) == 1:
        return case.convictions[0]
    return None


def _sentence_of(case: Case, conviction: Conviction | None) -> Sentence | None:
    if conviction is None:
        return None
    for sentence in case.sentences:
        if sentence.conviction_id == conviction.id:
            return sentence
    return None


def _sentence_type(sentence: Sentence) -> str | None:
    if sentence.is_death:
        return "death"
    if sentence.is_life or (sentence.prison_months or 0) > 0:
        return "prison"
    if sentence.prison_months == 0 and (sentence.probation_months or 0) > 0:
        return "probation"
    if sentence.prison_months == 0 and not sentence.probation_months and sentence.fine_cents:
        return "fine_only"
    return None


def _custody_facts(case: Case, as_of: date | None) -> dict[str, object]:
    """Custody stays are kept in the order they happened (entry order); public records often
    give a facility without its dates, so only the first stay's start and the last stay's
    release are needed."""
    stays = [
        stay
        for stay in case.custody
        if as_of is None or stay.started_on is None or stay.started_on <= as_of
    ]
    if not stays:
        return {}
    facts: dict[str, object] = {"custody_start_date": stays[0].started_on}
    last: Custody = stays[-1]
    released = last.released_on
    if released is not None and as_of is not None and released > as_of:
        released = None
    if released is None:
        facts["is_in_custody"] = True
    elif not last.is_transfer_out:
        facts["is_in_custody"] = False
        facts["release_date"] = released
        # the pardon clock's start (28 CFR 1.2): release from the most recent confinement
        facts["latest_release_date"] = released
    # a recorded stay is confinement served; no stay recorded is not proof of none (unknown)
    facts["was_confined"] = True
    return facts


def _prior_count(case: Case, conviction: Conviction | None) -> int | None:
    if case.criminal_history_checked_on is None or conviction is None:
        return None
    if conviction.convicted_on is None:
        return None
    others = [c for c in case.convictions if c.id != conviction.id]
    if any(other.convicted_on is None for other in others):
        return None
    return sum(
        1 for other in others if other.convicted_on and other.convicted_on < conviction.convicted_on
    )


def _serious_incidents(case: Case, as_of: date | None) -> int | None:
    if case.conduct_record_checked_on is None:
        return None
    relevant = [
        incident
        for incident in case.conduct_incidents
        if as_of is None or incident.occurred_on is None or incident.occurred_on <= as_of
    ]
    if any(incident.severity is None for incident in relevant):
        return None
    return sum(1 for incident in relevant if incident.severity in SERIOUS_SEVERITIES)


def _offense_category(conviction: Conviction, case: Case) -> str | None:
    if conviction.offense_category is not None:
        return conviction.offense_category
    categories = {count.category for count in case.counts if count.conviction_id == conviction.id}
    if len(categories) == 1:
        return categories.pop()
    return None


def derived_facts(case: Case, *, as_of: date | None = None) -> dict[str, object]:
    """Facts computed from the structured records only (known values only)."""
    person = case.person
    facts: dict[str, object] = {
        "person_id": case.reference,
        "jurisdiction": case.jurisdiction,
        "date_of_birth": person.date_of_birth,
        "is_deceased": person.is_deceased,
    }
    conviction = primary_conviction(case)
    if conviction is not None:
        category = _offense_category(conviction, case)
        violent = conviction.is_violent_offense
        if violent is None and category == "violent":
            violent = True
        facts.update(
            conviction_court=conviction.court_kind,
            conviction_date=conviction.convicted_on,
            sentence_date=conviction.sentenced_on,
            offense_level=conviction.offense_level,
            offense_category=category,
            is_violent_offense=violent,
        )
    sentence = _sentence_of(case, conviction)
    if sentence is not None:
        is_life = sentence.is_life
        if is_life is None and sentence.prison_months is not None:
            is_life = False
        facts.update(
            is_capital_case=sentence.is_death,
            sentence_type=_sentence_type(sentence),
            is_life_sentence=is_life,
            sentence_months=None if is_life else sentence.prison_months,
        )
    facts.update(_custody_facts(case, as_of))
    facts["prior_convictions_count"] = _prior_count(case, conviction)
    facts["serious_disciplinary_incidents_count"] = _serious_incidents(case, as_of)
    if any(note.is_critical_illness for note in case.health_notes):
        facts["has_critical_illness"] = True
    return {name: value for name, value in facts.items() if value is not None}


def holds_on(row: CaseFact, as_of: date | None) -> bool:
    """Whether an asserted fact holds on ``as_of`` (always, without a day)."""
    if as_of is None:
        return True
    return (row.valid_from is None or row.valid_from <= as_of) and (
        row.valid_until is None or as_of <= row.valid_until
    )


def asserted_facts(case: Case, *, as_of: date | None = None) -> dict[str, object]:
    """Facts people asserted for this case (CaseFact rows), decoded from JSON; with ``as_of``,
    only those that hold on that day (the others are missing, so they are asked again)."""
    out: dict[str, object] = {}
    for row in case.asserted_facts:
        if not holds_on(row, as_of):
            continue
        value = json.loads(row.value_json)
        if value is not None:
            out[row.name] = date.fromisoformat(value) if _is_date_fact(row.name) else value
    return out


def facts_for_case(
    case: Case, *, as_of: date | None = None, include_sensitive: bool = True
) -> dict[str, object]:
    """The case as product.md §5.1 facts; unknown facts are absent.

    ``as_of`` limits custody and conduct to what had happened by that date (e.g. Alice
    Johnson's facts on 2017-01-01 say she is in custody). Without it, the stored state is used.
    Values are Python ``date``/``bool``/``int``/``str``; :func:`facts_to_json` makes them ISO.
    Pass ``include_sensitive=False`` for a user without the sensitive grant
    (``Permission.SENSITIVE``): facts drawn from health records are then left out.
    """
    facts = asserted_facts(case, as_of=as_of)
    facts.update(derived_facts(case, as_of=as_of))
    if not include_sensitive:
        facts = {name: value for name, value in facts.items() if name not in SENSITIVE_FACTS}
    return dict(sorted(facts.items()))


def granted_relief(case: Case) -> list[GrantedRelief]:
    """The grants the case record holds (Decisions granted, with a date), for determinations:
    a granted relief is stated and never reported as available again."""
    return [
        GrantedRelief(kind=d.kind, decided_on=d.decided_on)
        for d in case.decisions
        if d.outcome == "granted" and d.decided_on is not None
    ]


def facts_to_json(facts: Mapping[str, object]) -> dict[str, object]:
    """Dates as ISO strings; everything else unchanged."""
    return {
        key: value.isoformat() if isinstance(value, date) else value for key, value in facts.items()
    }


def _is_date_fact(name: str) -> bool:
    return FACT_TYPES.get(name) == "date" or name.endswith(("_date", "_on"))


def coerce_fact(name: str, raw: object) -> object:
    """Check one fact value against its type; None and "" mean unknown."""
    if raw is None or raw == "":
        return None
    kind = FACT_TYPES.get(name, "any")
    try:
        if kind == "date" or (kind == "any" and _is_date_fact(name)):
            return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            if str(raw).lower() in {"true", "false"}:
                return str(raw).lower() == "true"
            raise ValueError("expected true or false")
        if kind == "int":
            if isinstance(raw, bool):
                raise ValueError("expected a whole number")
            return int(str(raw))
        if kind.startswith("enum:"):
            allowed = kind[5:].split("|")
            if raw not in allowed:
                raise ValueError("expected one of " + ", ".join(allowed))
            return raw
    except ValueError as error:
        raise FactsError(f"fact {name}: {raw!r} is not valid ({error})", fact=name) from error
    if not isinstance(raw, str | int | float | bool):
        raise FactsError(f"fact {name}: {raw!r} is not a plain value", fact=name)
    return raw


def apply_facts(
    *,
    session: Session,
    user: Actor,
    case_id: int,
    expected_version: int,
    facts: Mapping[str, object],
    as_of: date | None = None,
) -> dict[str, object]:
    """Write edited facts back to the case (see the module docstring); returns the new facts.

    ``as_of`` is the day the answers were given for (screening or intake as of that day): an
    asserted fact then holds for that day only (``valid_from`` = ``valid_until`` = ``as_of``),
    and a determination as of another day reports it missing instead of applying it. Without
    ``as_of`` the assertion is open-ended. One period per fact: a new answer replaces it.

    ``expected_version`` is the case's version when the form was shown: a concurrent edit of
    the case makes this a :class:`~clemency.errors.StaleWrite`. Only the facts given are
    touched; a value of None clears it (sets the column to unknown, or deletes the assertion).
    """
    case = service.get_for_user(
        session=session, user=user, case_id=case_id, need=Permission.WRITE, audit_read=False
    )
    service.check_version(case, expected_version)
    current = facts_for_case(case, as_of=as_of)
    typed = {name: coerce_fact(name, raw) for name, raw in facts.items()}
    hollow = _hollow_parts(case, typed)
    touched = False
    for name, value in typed.items():
        if name in COMPUTED_FACTS:
            if current.get(name) != value:
                raise BadInput(
                    f"Fact {name} is computed from {COMPUTED_FACTS[name]}; edit those instead.",
                    field=name,
                )
            continue
        if name in FACT_COLUMNS and FACT_COLUMNS[name][0] not in hollow:
            touched |= _write_column(session, user, case, name, value)
        else:
            touched |= _write_assertion(session, user, case, name, value, as_of)
    if touched:
        session.refresh(case)
        case.updated_at = utcnow()  # bump the case version: concurrent fact forms conflict
        session.flush()
    return facts_for_case(case, as_of=as_of)


def _hollow_parts(case: Case, typed: Mapping[str, object]) -> set[str]:
    """The records ("conviction", "sentence") that do not exist yet and that the given facts
    would create holding nothing but "no" or blanks (e.g. only "sentenced to death? no"):
    such answers are kept as asserted facts instead of making an empty conviction or sentence
    (issue #14). A value derived from the record wins over the assertion once it is entered."""

    def only_no(*records: str) -> bool:
        return all(
            value is None or value is False
            for name, value in typed.items()
            if name in FACT_COLUMNS and FACT_COLUMNS[name][0] in records
        )

    conviction = primary_conviction(case)
    hollow = set()
    if conviction is None and not case.convictions and only_no("conviction", "sentence"):
        hollow |= {"conviction", "sentence"}
    if (conviction is None or _sentence_of(case, conviction) is None) and only_no("sentence"):
        hollow.add("sentence")
    return hollow


def _write_column(session: Session, user: Actor, case: Case, name: str, value: object) -> bool:
    record, column = FACT_COLUMNS[name]
    if record == "case":
        if case.jurisdiction == value:
            return False
        if value is None:
            raise BadInput("A case always has a jurisdiction.", field=name)
        service.update_case(
            session=session,
            user=user,
            case_id=case.id,
            expected_version=case.version,
            changes={column: value},
        )
        return True
    if record == "person":
        if getattr(case.person, column) == value:
            return False
        service.update_person(
            session=session,
            user=user,
            case_id=case.id,
            expected_version=case.person.version,
            changes={column: value},
        )
        return True
    conviction = primary_conviction(case)
    if conviction is None:
        if value is None:
            return False
        if case.convictions:
            raise BadInput(
                f"Fact {name}: the case has several convictions and none is marked primary; "
                "mark the one relief is sought for first.",
                field=name,
            )
        conviction = service.add_part(  # type: ignore[assignment]
            session=session,
            user=user,
            case_id=case.id,
            kind="convictions",
            values={"is_primary": True},
        )
        session.refresh(case)
    assert conviction is not None
    if record == "conviction":
        return _update_part(session, user, case, "convictions", conviction, column, value)
    sentence = _sentence_of(case, conviction)
    if sentence is None:
        if value is None:
            return False
        service.add_part(
            session=session,
            user=user,
            case_id=case.id,
            kind="sentences",
            values={"conviction_id": conviction.id, column: value},
        )
        session.refresh(case)
        return True
    return _update_part(session, user, case, "sentences", sentence, column, value)


def _update_part(
    session: Session, user: Actor, case: Case, kind: str, part: Any, column: str, value: object
) -> bool:
    if getattr(part, column) == value:
        return False
    service.update_part(
        session=session,
        user=user,
        case_id=case.id,
        kind=kind,
        part_id=part.id,
        expected_version=part.version,
        changes={column: value},
    )
    return True


def _write_assertion(
    session: Session, user: Actor, case: Case, name: str, value: object, as_of: date | None
) -> bool:
    existing = next((row for row in case.asserted_facts if row.name == name), None)
    encoded = json.dumps(value.isoformat() if isinstance(value, date) else value)
    period = {"valid_from": as_of, "valid_until": as_of}
    if existing is None:
        if value is None:
            return False
        service.add_part(
            session=session,
            user=user,
            case_id=case.id,
            kind="asserted_facts",
            values={"name": name, "value_json": encoded, **period},
        )
        session.refresh(case)
        return True
    if value is None:
        service.delete_part(
            session=session,
            user=user,
            case_id=case.id,
            kind="asserted_facts",
            part_id=existing.id,
            expected_version=existing.version,
        )
        session.refresh(case)
        return True
    if existing.value_json == encoded and (existing.valid_from, existing.valid_until) == (
        as_of,
        as_of,
    ):
        return False
    service.update_part(
        session=session,
        user=user,
        case_id=case.id,
        kind="asserted_facts",
        part_id=existing.id,
        expected_version=existing.version,
        changes={"value_json": encoded, **period},
    )
    return True


__all__ = [
    "FACT_TYPES",
    "CaseFact",
    "apply_facts",
    "asserted_facts",
    "derived_facts",
    "facts_for_case",
    "facts_to_json",
    "primary_conviction",
]
