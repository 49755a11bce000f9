"""The fact vocabulary shared by rule files, case records, rosters and the API.

Every fact has a name, one of five types and a description; enums list their members. The
core facts are those of product.md §5.1; the rest were added for the rulesets shipped here.
docs/facts.md documents each one (a test keeps the two in step).

A missing value is *unknown*: ``None``, an empty string and an absent key all mean "we do not
know", never "false". :func:`validate_facts` turns JSON- or CSV-ish values into typed ones and
refuses unknown names and wrong types with the fact's name in the message.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from clemency.errors import FactsError

FactType = Literal["string", "date", "bool", "int", "enum"]
FactValue = str | date | bool | int


@dataclass(frozen=True)
class FactSpec:
    """One fact: its name, type, enum members (else ``None``) and what it means."""

    name: str
    type: FactType
    description: str
    values: tuple[str, ...] | None = None

    @property
    def topic(self) -> str:
        """The interview topic the fact is asked under (``other`` for a fact not listed in
        :data:`FACT_TOPICS`): a new fact becomes a question without new code."""
        return next((t for t, names in FACT_TOPICS.items() if self.name in names), "other")


#: Interview topics, in the order a guided interview asks them, and the facts of each.
FACT_TOPICS: Mapping[str, frozenset[str]] = {
    "person": frozenset(
        {"date_of_birth", "is_deceased", "resides_in_us", "resides_in_jurisdiction"}
        | {"state_residence_since"}
    ),
    "conviction": frozenset(
        {"conviction_court", "conviction_date", "offense_level", "offense_category"}
        | {"is_violent_offense", "is_low_level_offender", "gang_or_cartel_ties"}
        | {"is_deferred_adjudication", "sex_offense_registration_required"}
        | {"offense_carries_life_sentence", "has_pending_court_challenge"}
    ),
    "sentence": frozenset(
        {"sentence_date", "is_capital_case", "sentence_type", "is_life_sentence"}
        | {"sentence_months", "is_life_without_parole", "minimum_term_months"}
        | {"is_determinate_sentence", "execution_date_set", "execution_notice_date"}
        | {"scheduled_execution_date", "execution_warrant_date", "likely_lower_sentence_today"}
        | {"other_relief_available", "exceptional_circumstances", "extraordinary_circumstances"}
    ),
    "custody": frozenset(
        {"custody_start_date", "is_in_custody", "release_date", "latest_release_date"}
        | {"was_confined", "parole_eligibility_date", "jail_time_credit_days"}
        | {"sentence_completed_date", "community_supervision_eligibility_date"}
    ),
    "conduct": frozenset(
        {"serious_disciplinary_incidents_count", "has_violence_history"}
        | {"has_critical_illness", "meritorious_service", "law_abiding_since_completion"}
        | {"has_pending_charges"}
    ),
    "supervision": frozenset(
        {"on_supervision", "supervision_end_date"}
        | {"deferred_adjudication_discharge_date", "maximum_court_relief_received"}
        | {"owes_restitution", "outstanding_court_debt_dollars", "fines_and_restitution_paid"}
    ),
    "history": frozenset(
        {"prior_convictions_count", "has_significant_criminal_history"}
        | {"felony_convictions_count", "has_prior_denial", "last_denial_date"}
        | {"denial_notice_date", "prior_commutation_same_sentence"}
        | {"governor_recommended_reapplication", "penalty_changed_since_denial"}
        | {"trial_officials_recommending_count", "supreme_court_recommendation"}
        | {"certificate_of_rehabilitation_granted", "eligibility_waiver_granted"}
    ),
}


def _f(name: str, type_: FactType, description: str, *values: str) -> FactSpec:
    return FactSpec(name, type_, description, tuple(values) if values else None)


_SPECS: tuple[FactSpec, ...] = (
    # --- core facts, product.md §5.1 ---
    _f("person_id", "string", "Identifier of the row or person."),
    _f(
        "jurisdiction",
        "string",
        "Jurisdiction of the conviction: `us-federal`, `us-ny`, `us-ga`, …",
    ),
    _f("date_of_birth", "date", "Date of birth."),
    _f("is_deceased", "bool", "The person has died (posthumous petition)."),
    _f("resides_in_us", "bool", "Lives in the United States or its territories."),
    _f(
        "conviction_court",
        "enum",
        "Kind of court that entered the conviction.",
        "federal_district",
        "dc_superior",
        "court_martial",
        "state",
        "territorial",
    ),
    _f("conviction_date", "date", "Date of conviction for the offense relief is sought for."),
    _f("sentence_date", "date", "Date sentence was imposed."),
    _f("offense_level", "enum", "Felony or misdemeanor.", "felony", "misdemeanor"),
    _f(
        "offense_category",
        "enum",
        "Broad category of the offense.",
        "drug",
        "violent",
        "weapons",
        "fraud",
        "immigration",
        "sex",
        "public_trust",
        "other",
    ),
    _f("is_violent_offense", "bool", "The offense of conviction is a crime of violence."),
    _f("is_capital_case", "bool", "Sentenced to death."),
    _f(
        "sentence_type",
        "enum",
        "Kind of sentence imposed.",
        "prison",
        "probation",
        "fine_only",
        "death",
    ),
    _f("is_life_sentence", "bool", "The prison term is life."),
    _f("sentence_months", "int", "Imposed prison term in months; empty for life or death."),
    _f("custody_start_date", "date", "Start of the current or last confinement for this sentence."),
    _f(
        "is_in_custody",
        "bool",
        "Currently serving a prison sentence (including home confinement).",
    ),
    _f(
        "release_date",
        "date",
        "Release from confinement for the most recent conviction; empty if none or still in custody.",
    ),
    _f("on_supervision", "bool", "Currently on probation, parole or supervised release."),
    _f(
        "has_pending_court_challenge",
        "bool",
        "An appeal, §2255 motion or other court challenge is pending.",
    ),
    _f("other_relief_available", "bool", "Another judicial or administrative remedy is available."),
    _f("exceptional_circumstances", "bool", "A showing of exceptional circumstances is made."),
    _f("prior_convictions_count", "int", "Convictions before this one."),
    _f("has_significant_criminal_history", "bool", "Has a significant criminal history."),
    _f("has_violence_history", "bool", "Violence before or during the current term."),
    _f(
        "gang_or_cartel_ties",
        "bool",
        "Significant ties to large-scale criminal organizations, gangs or cartels.",
    ),
    _f("is_low_level_offender", "bool", "A low-level offender in the offense."),
    _f(
        "serious_disciplinary_incidents_count",
        "int",
        "Serious disciplinary incidents during the current term.",
    ),
    _f(
        "likely_lower_sentence_today",
        "bool",
        "Would likely receive a substantially lower sentence under today's law.",
    ),
    _f("has_critical_illness", "bool", "Has a critical or terminal illness."),
    # --- added by the shipped rulesets (docs/facts.md) ---
    _f(
        "execution_notice_date",
        "date",
        "Date the Bureau of Prisons notified a death-sentenced person of the execution date.",
    ),
    _f(
        "meritorious_service",
        "bool",
        "Rendered meritorious service to the government (e.g. cooperation) not otherwise rewarded.",
    ),
    _f(
        "sentence_completed_date",
        "date",
        "Date every part of the sentence was completed: prison, supervision, fines and court debt.",
    ),
    _f(
        "minimum_term_months",
        "int",
        "Minimum term of an indeterminate sentence, or the whole term of a determinate one, in months.",
    ),
    _f(
        "is_determinate_sentence",
        "bool",
        "The state sentence is determinate (a fixed term) rather than indeterminate (minimum–maximum).",
    ),
    _f("parole_eligibility_date", "date", "First date the person is or was eligible for parole."),
    _f(
        "has_prior_denial",
        "bool",
        "A previous clemency application in this jurisdiction was denied.",
    ),
    _f(
        "last_denial_date",
        "date",
        "Date of the most recent denial of clemency in this jurisdiction.",
    ),
    # --- added for the state rulesets of issue #16 (states-new; docs/facts.md, same heading) ---
    _f(
        "is_deferred_adjudication",
        "bool",
        "Texas: the relief is sought for a term of deferred adjudication community supervision "
        "(no conviction was entered), not for a conviction.",
    ),
    _f(
        "deferred_adjudication_discharge_date",
        "date",
        "Texas: date of the discharge and dismissal that ended the deferred adjudication term.",
    ),
    _f(
        "maximum_court_relief_received",
        "bool",
        "The court of conviction has given the most relief it can (e.g. early discharge and a "
        "set-aside of probation) (37 TAC §143.9).",
    ),
    _f(
        "trial_officials_recommending_count",
        "int",
        "How many of the current trial officials of the court of conviction (judge, prosecuting "
        "attorney, sheriff) recommend the relief in writing (37 TAC §143.52).",
    ),
    _f(
        "scheduled_execution_date",
        "date",
        "Date set for the execution of a death sentence.",
    ),
    _f(
        "felony_convictions_count",
        "int",
        "Felony convictions in all, counting the one relief is sought for (Cal. Const. art. V "
        "§8(a): 'twice convicted of a felony').",
    ),
    _f(
        "supreme_court_recommendation",
        "enum",
        "California: where the Supreme Court's recommendation for a twice-convicted applicant "
        "stands (Cal. Const. art. V §8(a); Penal Code §4851).",
        "not_sought",
        "recommended",
        "declined",
    ),
    _f(
        "certificate_of_rehabilitation_granted",
        "bool",
        "California: a superior court granted a Certificate of Rehabilitation (Penal Code "
        "§4852.13), which the Governor receives as a pardon application (§4852.16).",
    ),
    _f(
        "eligibility_waiver_granted",
        "bool",
        "The authority waived a waiting period or eligibility rule for this application (e.g. "
        "the Illinois Prisoner Review Board's Chairman, 730 ILCS 5/3-3-13(a-5)).",
    ),
    _f(
        "execution_warrant_date",
        "date",
        "Date the Governor issued the warrant specifying the week or day of execution.",
    ),
    _f(
        "owes_restitution",
        "bool",
        "Restitution ordered in any criminal or civil case is still owed to a victim.",
    ),
    _f(
        "outstanding_court_debt_dollars",
        "int",
        "Fines, costs and other pecuniary penalties from criminal convictions or traffic "
        "infractions still owed, in whole dollars.",
    ),
    _f(
        "has_pending_charges",
        "bool",
        "Criminal charges or a detainer are pending against the person.",
    ),
    # --- state rules of issue #11: New York, Georgia, Oklahoma (docs/facts.md, same block) ---
    _f(
        "jail_time_credit_days",
        "int",
        "Days of jail-time credit certified against the sentence: time held before delivery to "
        "the state prison system (N.Y. Penal Law § 70.30(3)).",
    ),
    _f(
        "community_supervision_eligibility_date",
        "date",
        "Earliest date the person is or will be eligible for release to community supervision: "
        "the parole eligibility date of an indeterminate sentence, the conditional release date "
        "of a determinate one (New York).",
    ),
    _f(
        "is_life_without_parole",
        "bool",
        "The sentence is life imprisonment without parole: no release to community supervision.",
    ),
    _f(
        "extraordinary_circumstances",
        "bool",
        "Extraordinary circumstances are shown for a New York commutation outside the "
        "Governor's criteria.",
    ),
    _f(
        "denial_notice_date",
        "date",
        "Date of the written notice that the last clemency application was not granted "
        "(New York counts the wait from it).",
    ),
    _f(
        "sex_offense_registration_required",
        "bool",
        "A conviction requires registration on a sex offender registry (Georgia: O.C.G.A. "
        "§ 42-1-12).",
    ),
    _f(
        "fines_and_restitution_paid",
        "bool",
        "Every fine, fee and restitution order of the sentence(s) is paid in full.",
    ),
    _f(
        "prior_commutation_same_sentence",
        "bool",
        "The Governor already commuted the sentence relief is now sought for (Oklahoma).",
    ),
    _f(
        "governor_recommended_reapplication",
        "bool",
        "After an unfavorable recommendation the Governor recommended that the person reapply "
        "(Oklahoma).",
    ),
    _f(
        "penalty_changed_since_denial",
        "bool",
        "A statute changed the penalty for the crime after the last denial (Oklahoma).",
    ),
    # --- federal pardon clock and capital window (rules-engine, issue #11; docs/facts.md) ---
    _f(
        "was_confined",
        "bool",
        "Served any confinement (prison, jail, home or community confinement) for the most "
        "recent conviction, including after probation or supervised release was revoked.",
    ),
    _f(
        "latest_release_date",
        "date",
        "Day of release from the most recent confinement served for the most recent conviction "
        "(after any revocation too); empty if never confined or still confined.",
    ),
    # --- one fact for one thing (issue #11): renamed facts, kept together (see RENAMED) ---
    _f(
        "supervision_end_date",
        "date",
        "Last day of the current (or last) term of probation, parole or supervised release: "
        "the day of discharge from it (for a sentence without supervision, the day the "
        "sentence was completed).",
    ),
    _f(
        "execution_date_set",
        "bool",
        "A death-sentenced person has been notified by the Bureau of Prisons of a scheduled "
        "execution date (false: no date has been set).",
    ),
    _f(
        "law_abiding_since_completion",
        "bool",
        "Not convicted of any offense since the sentence(s) were completed (pending charges are "
        "the fact has_pending_charges).",
    ),
    # --- end of the renamed facts ---
    _f(
        "resides_in_jurisdiction",
        "bool",
        "Lives in the state whose relief is sought (the case's jurisdiction).",
    ),
    _f(
        "state_residence_since",
        "date",
        "Start of the person's current continuous residence in the state whose relief is sought.",
    ),
    _f(
        "offense_carries_life_sentence",
        "bool",
        "The offense of conviction is one that carries a life sentence (whatever was imposed).",
    ),
    # --- states' further reliefs (issue #16: Florida commutation, Texas restoration; docs/facts.md) ---
    _f(
        "serving_minimum_mandatory",
        "bool",
        "The prison term being served includes a minimum mandatory sentence (Florida Rules of "
        "Executive Clemency, Rule 5.B: one-half served instead of one-third).",
    ),
    _f(
        "foreign_conviction",
        "bool",
        "The conviction was entered by a court of another country (Tex. Code Crim. Proc. "
        "art. 48.05(a)(2)(B)).",
    ),
)

FACTS: Mapping[str, FactSpec] = {spec.name: spec for spec in _SPECS}

#: Facts merged into another (issue #11, "one fact for one thing"): old name -> (new name,
#: whether the value is negated). Stored case facts were renamed by the Alembic migration
#: ``rules_fact_renames``; a roster or facts file using an old name is refused with the new one.
RENAMED: Mapping[str, tuple[str, bool]] = {
    "supervision_discharge_date": ("supervision_end_date", False),
    "convicted_since_sentence_completed": ("law_abiding_since_completion", True),
}

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


def nearest_fact(name: str) -> str | None:
    """The known fact closest to ``name`` (for "did you mean" messages)."""
    close = difflib.get_close_matches(name, list(FACTS), n=1, cutoff=0.5)
    return close[0] if close else None


def did_you_mean(name: str) -> str:
    guess = nearest_fact(name)
    hint = f" Did you mean `{guess}`?" if guess else ""
    return f"{hint} Facts are listed in docs/facts.md."


def renamed_hint(name: str) -> str:
    """How to fix an unknown fact name: its new name if it was renamed, else the nearest."""
    if name not in RENAMED:
        return did_you_mean(name)
    new, negated = RENAMED[name]
    flip = " with the value negated (true becomes false)" if negated else ""
    return f" It was renamed `{new}`: rename it{flip}. Facts are listed in docs/facts.md."


INT_FACT_MAX = 2**31 - 1
"""Every whole-number fact is a count or a number of months: 0 to this (the store's INTEGER)."""


def coerce_fact(spec: FactSpec, raw: object) -> FactValue | None:
    """Turn one JSON/CSV-ish value into the fact's type; raise :class:`FactsError` if it is not."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    value: FactValue | None = None
    if spec.type in ("string", "enum"):
        if isinstance(raw, str):
            value = raw.strip()
        elif isinstance(raw, int) and not isinstance(raw, bool) and spec.type == "string":
            value = str(raw)
        if value is not None and spec.values is not None and value not in spec.values:
            raise FactsError(
                f"fact `{spec.name}`: {value!r} is not one of {', '.join(spec.values)}.",
                fact=spec.name,
            )
    elif spec.type == "bool":
        if isinstance(raw, bool):
            value = raw
        elif isinstance(raw, int) and raw in (0, 1):
            value = bool(raw)
        elif isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            value = raw.strip().lower() in _TRUE
    elif spec.type == "int":
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        elif isinstance(raw, str):
            try:
                value = int(raw.strip())
            except ValueError:
                value = None
    else:  # "date", the last of the five FactTypes
        if isinstance(raw, datetime):
            value = None  # a timestamp is not a date; refuse rather than guess a time zone
        elif isinstance(raw, date):
            value = raw
        elif isinstance(raw, str):
            try:
                value = date.fromisoformat(raw.strip())
            except ValueError:
                value = None
    if spec.type == "int" and isinstance(value, int) and not 0 <= value <= INT_FACT_MAX:
        raise FactsError(
            f"fact `{spec.name}`: {value} is "
            + (
                "negative; a count or a number of months is 0 or more."
                if value < 0
                else f"too large; at most {INT_FACT_MAX:,}."
            ),
            fact=spec.name,
        )
    if value is None:
        expected = {
            "string": "a text",
            "enum": f"one of {', '.join(spec.values or ())}",
            "bool": "true or false",
            "int": "a whole number",
            "date": "an ISO date YYYY-MM-DD",
        }[spec.type]
        raise FactsError(
            f"fact `{spec.name}`: {raw!r} is not {expected}.",
            fact=spec.name,
        )
    return value


def validate_facts(raw: Mapping[str, object], *, ignore_unknown: bool = False) -> dict[str, object]:
    """Typed facts from JSON/CSV-ish values; unknown names and wrong types raise FactsError.

    Missing values (``None``, ``""``) are dropped: an absent key is how "unknown" is stored.
    ``ignore_unknown=True`` skips names that are not facts (e.g. a roster's extra columns)
    instead of refusing them.
    """
    facts: dict[str, object] = {}
    for name, value in raw.items():
        spec = FACTS.get(name)
        if spec is None:
            if ignore_unknown:
                continue
            raise FactsError(f"unknown fact `{name}`.{renamed_hint(name)}", fact=name)
        typed = coerce_fact(spec, value)
        if typed is not None:
            facts[name] = typed
    return facts
