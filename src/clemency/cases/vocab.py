"""Controlled vocabularies of the case store: one tuple per enum column.

Where a fact exists (court kinds, offense levels and categories) the values are the fact
vocabulary's own (:data:`clemency.eligibility.FACTS`), so :mod:`clemency.cases.facts` passes
them through unchanged.
"""

from __future__ import annotations

from clemency.eligibility import FACTS


def _fact_values(name: str) -> tuple[str, ...]:
    values = FACTS[name].values
    assert values is not None, f"{name} is an enum fact"
    return tuple(values)


CASE_STAGES: tuple[str, ...] = (
    "intake",  # a person wrote in; nothing checked yet
    "screening",  # being checked against the rules
    "building",  # gathering records, letters and documents
    "drafting",  # petition being written
    "filed",  # petition submitted, awaiting a decision
    "decided",  # a decision was recorded
    "closed",  # no further work (withdrawn, screened out, deceased, …)
)
JURISDICTIONS_EXAMPLE = ("us-federal", "us-ny", "us-ga", "us-tx", "us-ca")
COURT_KINDS: tuple[str, ...] = _fact_values("conviction_court")
OFFENSE_LEVELS: tuple[str, ...] = _fact_values("offense_level")
OFFENSE_CATEGORIES: tuple[str, ...] = _fact_values("offense_category")
DISPOSITIONS: tuple[str, ...] = ("plea", "trial")
INCIDENT_SEVERITIES: tuple[str, ...] = ("greatest", "high", "moderate", "low")
SERIOUS_SEVERITIES: frozenset[str] = frozenset({"greatest", "high"})
PROGRAM_KINDS: tuple[str, ...] = ("education", "vocational", "treatment", "work", "faith", "other")
LETTER_STATUSES: tuple[str, ...] = ("requested", "received", "accepted", "rejected")
# Kinds of relief a petition asks for: the four of the federal and most state constitutions, then
# the states' own reliefs (docs/jurisdictions.md). Every ruleset's `relief` is one of these
# (tests/unit/test_jurisdictions.py), so a case can carry a petition for it.
PETITION_KINDS: tuple[str, ...] = (
    "pardon",
    "commutation",
    "remission",
    "reprieve",
    "conditional-pardon",  # Texas (Tex. Const. art. IV §11(b)), Florida (art. IV §8(a))
    "restoration-of-rights",  # civil rights: Georgia, Florida, Texas (CCP art. 48.05)
    "firearm-authority",  # firearm rights: Florida specific authority, Georgia restoration
    "certificate-of-rehabilitation",  # California superior court (Penal Code §4852.01 ff.)
)
#: Width of the petition and decision `kind` columns (the longest kind above fits).
PETITION_KIND_LENGTH = 32
PETITION_CHANNELS: tuple[str, ...] = (
    "mail",
    "email",
    "warden",
    "white_house",
    "online",
    "attorney",
    "other",
)
# Known statuses of a petition (domain.md §9.2): the federal states plus the state-board ones.
# The petition lifecycle (C4) decides which transitions are legal; the store only records.
PETITION_STATUSES: tuple[str, ...] = (
    "draft",
    "submitted",
    "received",
    "docketed",
    "pending",
    "request_info",
    "under_investigation",
    "opa_recommended",
    "dag_signed",
    "at_white_house",
    "hearing_scheduled",
    "merit_review",
    "board_vote",
    "governor_review",
    "granted",
    "denied",
    "denied_deemed",
    "withdrawn",
    "closed_without_action",
    "not_accepted",
    "referred",
    "carried_over",
)
EVENT_SOURCES: tuple[str, ...] = (
    "own_filing",  # we filed or sent it ourselves
    "agency_letter",  # a letter or email from the pardon office, board or court
    "agency_lookup",  # the agency's public case-status lookup
    "petitioner",  # the person or their family told us
    "press",  # newspapers, broadcasts
    "public_record",  # a published grant list, warrant or proclamation
    "other",
)
DECISION_OUTCOMES: tuple[str, ...] = (
    "granted",
    "denied",
    "denied_deemed",
    "closed_without_action",
    "withdrawn",
)
DOCUMENT_TYPES: tuple[str, ...] = (
    "judgment",
    "psr",
    "indictment",
    "docket_report",
    "bop_progress_report",
    "disciplinary_record",
    "medical_record",
    "program_certificate",
    "support_letter",
    "personal_statement",
    "petition",
    "warrant",
    "correspondence",
    "other",
)
# Victim records (restricted; 28 CFR 1.6(b) victim notification, see docs/store.md).
# How the person is identified: by name, or not (withheld at their request or by the source,
# or not yet known).
VICTIM_IDENTITIES: tuple[str, ...] = ("named", "withheld", "unknown")
VICTIM_RELATIONSHIPS: tuple[str, ...] = (
    "direct_victim",  # harmed by the offense relief is sought for
    "family_member",  # a relative speaking for a victim who died or cannot speak for themself
    "representative",  # a guardian, advocate, lawyer, or someone speaking for an institution
    "other",
)
# How the person asked to be contacted about the petition.
VICTIM_NOTIFICATION_CHANNELS: tuple[str, ...] = (
    "mail",
    "email",
    "phone",
    "through_representative",
    "other",
)
# The person's views on clemency for the petitioner ("unknown" first: a new form's choice).
VICTIM_VIEWS: tuple[str, ...] = ("unknown", "supports", "opposes", "no_view_stated")
# How exact a date from a public source is: "January 2017" is stored as 2017-01-01, "month".
DATE_PRECISIONS: tuple[str, ...] = ("day", "month", "year")
