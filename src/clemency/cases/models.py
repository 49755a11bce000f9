"""The case record (C1): a person, convictions, sentence, custody, conduct, programs, health,
victims, support letters, documents, petitions with their dated history, decisions and notes.

The :class:`Case` is the unit of access: every other table carries ``case_id`` so that one
access check (``cases.service.get_for_user``) covers every part. Every table people edit is
versioned (optimistic locking). Amounts of money are whole cents; dates are calendar dates;
``None`` always means *unknown*, never *no*.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import (
    Mapped,
    Unmapped,
    mapped_column,
    relationship,
    unmapped_column,
    validates,
)

from clemency.cases import vocab
from clemency.crypto.columns import EncryptedText
from clemency.db.base import Base, TimestampMixin, VersionedMixin, enum_type
from clemency.errors import BadInput

if TYPE_CHECKING:  # the parts other domains own; their relationships are named by string
    from clemency.files.models import Document
    from clemency.petitions.models import Decision, Petition, PetitionEvent, SupportLetter

BOP_REGISTER_RE = re.compile(r"^\d{5}-\d{3}$")

_CASCADE = "all, delete-orphan"


def case_fk() -> Mapped[int]:
    """The ``case_id`` column every part of a case has, whichever domain owns the part."""
    return mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)


class Person(TimestampMixin, VersionedMixin, Base):
    """The person seeking clemency. Contact goes through an intermediary (family, case manager)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    name_at_conviction: Mapped[str | None] = mapped_column(String(200))
    aliases: Mapped[str | None] = mapped_column(Text)  # one alias per line
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    is_deceased: Mapped[bool | None] = mapped_column(Boolean)
    bop_register_number: Mapped[str | None] = mapped_column(String(9), index=True)
    intermediary_name: Mapped[str | None] = mapped_column(String(200))
    intermediary_relationship: Mapped[str | None] = mapped_column(String(100))
    intermediary_contact: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="person", uselist=False)

    @validates("bop_register_number")
    def _check_register_number(self, _key: str, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not BOP_REGISTER_RE.match(value):
            raise BadInput(
                f"BOP register number {value!r} is not in the form NNNNN-NNN "
                "(five digits, a hyphen, three digits, e.g. 14873-076).",
                field="bop_register_number",
            )
        return value

    @property
    def full_name(self) -> str:
        return full_name(self.given_name, self.middle_name, self.family_name)


def full_name(given: str | None, middle: str | None, family: str | None) -> str:
    """A person's name as shown: the parts that are there, in order."""
    return " ".join(part for part in (given, middle, family) if part)


class Case(TimestampMixin, VersionedMixin, Base):
    """One person's clemency matter inside one organization; everything below hangs off it."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("organization_id", "reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    reference: Mapped[str] = mapped_column(String(64))  # stable key for exports, per organization
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="RESTRICT"), unique=True
    )
    stage: Mapped[str] = mapped_column(enum_type("case_stage", vocab.CASE_STAGES, 16))
    jurisdiction: Mapped[str] = mapped_column(String(32))
    is_synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str | None] = mapped_column(Text)
    # Completeness markers: when set, an empty list of priors or incidents means "none"; when
    # not set it means "not yet checked", and the matching facts stay unknown.
    criminal_history_checked_on: Mapped[date | None] = mapped_column(Date)
    conduct_record_checked_on: Mapped[date | None] = mapped_column(Date)
    # The person's family and given names, copied (same type, so the same order) for the case
    # list: a search sorted by name sorts its candidates without reading `people`. Derived
    # data, like the search words: columns of the table but not of the ORM object (no export,
    # API body or form shows them, no service can set them), written only by
    # `search.service.reindex`, which runs after every flush that adds or changes a person or
    # a case (and by `reindex_all` after a bulk load). `None` only until that first reindex.
    sort_family_name: Unmapped[str | None] = unmapped_column(String(100))
    sort_given_name: Unmapped[str | None] = unmapped_column(String(100))

    person: Mapped[Person] = relationship(back_populates="case", cascade="all")
    assignments: Mapped[list[CaseAssignment]] = relationship(
        back_populates="case", cascade=_CASCADE
    )
    convictions: Mapped[list[Conviction]] = relationship(
        back_populates="case", cascade=_CASCADE, order_by="Conviction.id"
    )
    # Counts, sentences and petition events are owned (and deleted) through their conviction
    # or petition, so the ORM deletes them before their parent; here they are read-only views.
    counts: Mapped[list[Count]] = relationship(viewonly=True, order_by="Count.id")
    sentences: Mapped[list[Sentence]] = relationship(viewonly=True, order_by="Sentence.id")
    custody: Mapped[list[Custody]] = relationship(cascade=_CASCADE, order_by="Custody.id")
    conduct_incidents: Mapped[list[ConductIncident]] = relationship(
        cascade=_CASCADE, order_by="ConductIncident.id"
    )
    programs: Mapped[list[ProgramRecord]] = relationship(
        cascade=_CASCADE, order_by="ProgramRecord.id"
    )
    health_notes: Mapped[list[HealthNote]] = relationship(
        cascade=_CASCADE, order_by="HealthNote.id"
    )
    victim_records: Mapped[list[VictimRecord]] = relationship(
        cascade=_CASCADE, order_by="VictimRecord.id"
    )
    support_letters: Mapped[list[SupportLetter]] = relationship(
        cascade=_CASCADE, order_by="SupportLetter.id"
    )
    documents: Mapped[list[Document]] = relationship(cascade=_CASCADE, order_by="Document.id")
    petitions: Mapped[list[Petition]] = relationship(
        back_populates="case", cascade=_CASCADE, order_by="Petition.id"
    )
    petition_events: Mapped[list[PetitionEvent]] = relationship(
        viewonly=True, order_by="PetitionEvent.id"
    )
    decisions: Mapped[list[Decision]] = relationship(cascade=_CASCADE, order_by="Decision.id")
    notes: Mapped[list[Note]] = relationship(cascade=_CASCADE, order_by="Note.id")
    asserted_facts: Mapped[list[CaseFact]] = relationship(cascade=_CASCADE, order_by="CaseFact.id")


class CaseAssignment(TimestampMixin, VersionedMixin, Base):
    """A user working on a case; volunteers see only the cases they are assigned to."""

    __tablename__ = "case_assignments"
    __table_args__ = (UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    case: Mapped[Case] = relationship(back_populates="assignments")


class Conviction(TimestampMixin, VersionedMixin, Base):
    """One judgment. ``is_primary`` marks the conviction relief is sought for (facts use it)."""

    __tablename__ = "convictions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    court_kind: Mapped[str | None] = mapped_column(enum_type("court_kind", vocab.COURT_KINDS))
    court_name: Mapped[str | None] = mapped_column(String(200))
    district: Mapped[str | None] = mapped_column(String(100))
    docket_number: Mapped[str | None] = mapped_column(String(100))
    judge: Mapped[str | None] = mapped_column(String(200))
    disposition: Mapped[str | None] = mapped_column(enum_type("disposition", vocab.DISPOSITIONS, 8))
    convicted_on: Mapped[date | None] = mapped_column(Date)
    sentenced_on: Mapped[date | None] = mapped_column(Date)
    offense_level: Mapped[str | None] = mapped_column(
        enum_type("offense_level", vocab.OFFENSE_LEVELS, 16)
    )
    offense_category: Mapped[str | None] = mapped_column(
        enum_type("offense_category", vocab.OFFENSE_CATEGORIES, 16)
    )
    is_violent_offense: Mapped[bool | None] = mapped_column(Boolean)

    case: Mapped[Case] = relationship(back_populates="convictions")
    counts: Mapped[list[Count]] = relationship(cascade=_CASCADE, order_by="Count.number, Count.id")
    sentence: Mapped[Sentence | None] = relationship(cascade=_CASCADE, uselist=False)


class Count(TimestampMixin, VersionedMixin, Base):
    """One count of a conviction: the offense as charged, its statute and category."""

    __tablename__ = "counts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    conviction_id: Mapped[int] = mapped_column(
        ForeignKey("convictions.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int | None] = mapped_column(Integer)
    offense_text: Mapped[str] = mapped_column(Text)
    statute: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(
        enum_type("count_category", vocab.OFFENSE_CATEGORIES, 16)
    )


class Sentence(TimestampMixin, VersionedMixin, Base):
    """The sentence as imposed for one conviction (a commutation is a Decision, not an edit)."""

    __tablename__ = "sentences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    conviction_id: Mapped[int] = mapped_column(
        ForeignKey("convictions.id", ondelete="CASCADE"), unique=True
    )
    prison_months: Mapped[int | None] = mapped_column(Integer)
    is_life: Mapped[bool | None] = mapped_column(Boolean)
    is_death: Mapped[bool | None] = mapped_column(Boolean)
    supervised_release_months: Mapped[int | None] = mapped_column(Integer)
    probation_months: Mapped[int | None] = mapped_column(Integer)
    fine_cents: Mapped[int | None] = mapped_column(BigInteger)
    restitution_cents: Mapped[int | None] = mapped_column(BigInteger)
    forfeiture_cents: Mapped[int | None] = mapped_column(BigInteger)
    special_assessment_cents: Mapped[int | None] = mapped_column(BigInteger)


class Custody(TimestampMixin, VersionedMixin, Base):
    """A stay at one facility. Rows in date order make up the confinement history."""

    __tablename__ = "custody"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    facility: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date | None] = mapped_column(Date)
    projected_release_on: Mapped[date | None] = mapped_column(Date)
    released_on: Mapped[date | None] = mapped_column(Date)  # actual release or transfer out
    is_transfer_out: Mapped[bool] = mapped_column(Boolean, default=False)


class ConductIncident(TimestampMixin, VersionedMixin, Base):
    """A disciplinary report (BOP severity levels: greatest, high, moderate, low)."""

    __tablename__ = "conduct_incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    occurred_on: Mapped[date | None] = mapped_column(Date)
    severity: Mapped[str | None] = mapped_column(
        enum_type("incident_severity", vocab.INCIDENT_SEVERITIES, 16)
    )
    code: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    sanction: Mapped[str | None] = mapped_column(Text)


class ProgramRecord(TimestampMixin, VersionedMixin, Base):
    """A program, course or work assignment completed or in progress in custody."""

    __tablename__ = "program_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    kind: Mapped[str] = mapped_column(enum_type("program_kind", vocab.PROGRAM_KINDS, 16))
    name: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    hours: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)


class HealthNote(TimestampMixin, VersionedMixin, Base):
    """Sensitive: readable only by roles allowed sensitive data; never in audit rows or logs.
    The text is encrypted at rest (``clemency.crypto``)."""

    __tablename__ = "health_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    recorded_on: Mapped[date | None] = mapped_column(Date)
    is_critical_illness: Mapped[bool | None] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(EncryptedText("health_notes.text"))  # encrypted at rest


class VictimRecord(TimestampMixin, VersionedMixin, Base):
    """Restricted, like health notes: a victim of the offense, or someone speaking for one, with
    the notification and the views that 28 CFR 1.6(b) has the pardon office seek. Readable only
    by roles allowed sensitive data; never indexed for search, never in audit rows or logs."""

    __tablename__ = "victim_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    # Whether a name is recorded: "withheld" (the person asked not to be named, or the source
    # did not disclose it) and "unknown" leave full_name empty.
    identity: Mapped[str] = mapped_column(enum_type("victim_identity", vocab.VICTIM_IDENTITIES, 16))
    full_name: Mapped[str | None] = mapped_column(
        EncryptedText("victim_records.full_name", multiline=False)
    )
    relation_to_offense: Mapped[str] = mapped_column(
        enum_type("victim_relation", vocab.VICTIM_RELATIONSHIPS, 16)
    )
    relation_detail: Mapped[str | None] = mapped_column(  # "mother of …"
        EncryptedText("victim_records.relation_detail", multiline=False)
    )
    contact_details: Mapped[str | None] = mapped_column(
        EncryptedText("victim_records.contact_details")
    )
    wants_notification: Mapped[bool | None] = mapped_column(Boolean)
    notification_channel: Mapped[str | None] = mapped_column(
        enum_type("victim_notification_channel", vocab.VICTIM_NOTIFICATION_CHANNELS)
    )
    # Asked the Bureau of Prisons to be told of the offender's release (part of the definition
    # of "victim" in 28 CFR 1.6(b), as summarized in domain.md; exact wording unverified).
    has_bop_notification_request: Mapped[bool | None] = mapped_column(Boolean)
    notified_on: Mapped[date | None] = mapped_column(Date)  # told that a petition was filed
    notified_by: Mapped[str | None] = mapped_column(  # OPA, board, USAO, …
        EncryptedText("victim_records.notified_by", multiline=False)
    )
    views_on_clemency: Mapped[str] = mapped_column(
        enum_type("victim_views", vocab.VICTIM_VIEWS, 16)
    )
    views_received_on: Mapped[date | None] = mapped_column(Date)
    statement: Mapped[str | None] = mapped_column(  # their words, or a summary of them
        EncryptedText("victim_records.statement")
    )
    outcome_notified_on: Mapped[date | None] = mapped_column(Date)  # told the final decision
    source: Mapped[str | None] = mapped_column(  # where this came from: PSR, OPA letter, …
        EncryptedText("victim_records.source")
    )


class Note(TimestampMixin, VersionedMixin, Base):
    """A free-text working note on the case."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    written_on: Mapped[date | None] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)


class CaseFact(TimestampMixin, VersionedMixin, Base):
    """A fact asserted by a person (e.g. ``has_pending_court_challenge``) that the structured
    records cannot derive. Stored as JSON text; the name is a product.md §5.1 fact. It holds
    from ``valid_from`` to ``valid_until`` (either may be empty: open-ended)."""

    __tablename__ = "case_facts"
    __table_args__ = (UniqueConstraint("case_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = case_fk()
    name: Mapped[str] = mapped_column(String(64))
    value_json: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    asserted_on: Mapped[date | None] = mapped_column(Date)
    # The days the answer holds for (inclusive); empty = open-ended. An answer given while
    # screening as of a day holds for that day only, so another day asks again.
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)


# Every part of a case by its export name, in dependency order (parents before children). The
# parts this package owns are listed here; the domains that own the others (``files``,
# ``petitions``) add theirs with :func:`register_part` when their models are imported, and
# ``clemency.db.models`` (the one registry of models) imports them all.
PART_MODELS: dict[str, type[Base]] = {
    "assignments": CaseAssignment,
    "convictions": Conviction,
    "counts": Count,
    "sentences": Sentence,
    "custody": Custody,
    "conduct_incidents": ConductIncident,
    "programs": ProgramRecord,
    "health_notes": HealthNote,
    "victim_records": VictimRecord,
    "notes": Note,
    "asserted_facts": CaseFact,
}


#: The export order of every part, whoever owns it: parents before children.
PART_ORDER: tuple[str, ...] = (
    "assignments",
    "convictions",
    "counts",
    "sentences",
    "custody",
    "conduct_incidents",
    "programs",
    "health_notes",
    "victim_records",
    "documents",
    "support_letters",
    "petitions",
    "petition_events",
    "decisions",
    "notes",
    "asserted_facts",
)


def register_part(name: str, model: type[Base]) -> None:
    """Add another domain's part of a case to :data:`PART_MODELS`, in its place in
    :data:`PART_ORDER`. Registering the same part again is a no-op."""
    if name not in PART_ORDER:
        raise ValueError(f"part {name!r} is not in cases.models.PART_ORDER")
    if PART_MODELS.get(name) not in (None, model):
        raise ValueError(f"part {name!r} is already registered to {PART_MODELS[name].__name__}")
    items = sorted({**PART_MODELS, name: model}.items(), key=lambda kv: PART_ORDER.index(kv[0]))
    PART_MODELS.clear()
    PART_MODELS.update(items)


# Parts only roles with ``Permission.SENSITIVE`` may read or change (security.md PR-1
# "restricted"): one rule for all of them in the service, web pages, API and export.
SENSITIVE_PARTS: frozenset[str] = frozenset({"health_notes", "victim_records"})
