"""The parsed public record as data: one :class:`Grant` per person per grant.

Everything the parser could not understand stays in the record verbatim (``*_text`` fields,
``unparsed``) and is named in ``flags``; nothing on the page is dropped.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

GrantKind = Literal["pardon", "commutation", "remission", "respite"]
OffenseCategory = Literal[
    "drug", "violent", "weapons", "fraud", "immigration", "sex", "public_trust", "other"
]
CATEGORIES: tuple[OffenseCategory, ...] = get_args(OffenseCategory)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Statute(_Model):
    """One cited provision: ``cite`` is the canonical spelling, e.g. ``18 U.S.C. § 1341``."""

    code: str  # "U.S.C.", "U.S.C. App.", "U.C.M.J.", "Articles of War", "D.C. Code"
    title: str | None
    section: str  # with subsections, e.g. "1956(a)(2)(A)"
    base_section: str  # without subsections, e.g. "1956"
    cite: str


class Sentence(_Model):
    """A sentence as stated on the page, with the components the text states.

    Months are calendar months (a year is 12); "one year and one day" is 12 months and one
    day, kept as ``prison_months`` 12 and ``prison_extra_days`` 1. Amounts are US dollars.
    """

    text: str
    prison_months: float | None = None
    prison_extra_days: int = 0
    is_life: bool = False
    is_death: bool = False
    suspended: bool = False
    time_served: bool = False
    time_served_days: int | None = None
    probation_months: float | None = None
    supervised_release_months: float | None = None
    special_parole_months: float | None = None
    home_confinement_months: float | None = None
    community_confinement_months: float | None = None
    community_service_hours: int | None = None
    fine_usd: Decimal | None = None
    restitution_usd: Decimal | None = None
    military_discharge: str | None = None
    amended: bool = False
    unparsed: list[str] = Field(default_factory=list)


class Conviction(_Model):
    """One conviction of a grant: court, date of sentencing, offense, statutes, sentence."""

    number: int | None = None  # the "1.", "2." printed on the page, if any
    court_text: str | None = None
    court_id: str | None = None
    court_type: str | None = None  # federal_district | dc_superior | court_martial | territorial
    military_branch: str | None = None
    sentenced_text: str | None = None
    sentenced_year: int | None = None
    sentenced_on: date | None = None
    offense_text: str | None = None
    offense_description: str | None = None  # the offense in words, citations removed
    statutes: list[Statute] = Field(default_factory=list)
    sentence: Sentence | None = None
    category: OffenseCategory = "other"
    category_rule: str = "no_rule_matched"


class Alias(_Model):
    kind: Literal["aka", "fka", "nka"]
    name: str


class UnparsedItem(_Model):
    """A label and value (or a bare text) the parser did not understand, kept verbatim."""

    label: str | None
    text: str


TermsOutcome = Literal["term", "expiry_date", "time_served", "life", "immediate"]
ConditionKind = Literal[
    "residential_drug_treatment",
    "waive_claims",
    "no_financial_benefit",
    "depart_united_states",
    "renounce_citizenship",
    "remain_outside_united_states",
    "renounce_benefits",
    "no_parole_rights",
    "other",
]


class Condition(_Model):
    """A condition the grant is made on, e.g. enrollment in residential drug treatment."""

    kind: ConditionKind
    text: str  # the words of the grant that state it


class Remission(_Model):
    """A money component of the sentence remitted (or itself commuted) by the grant."""

    what: str  # fine | restitution | forfeiture | money_judgment | special_assessment | unspecified
    amount_usd: Decimal | None = None
    portion: Literal["unpaid_balance", "amount", "whole"] = "unpaid_balance"
    when: str | None = None  # "at release", "when the sentence expires"
    text: str


class Terms(_Model):
    """The terms of a commutation, read from the grant's "Terms of grant" text.

    ``outcome`` says what the prison (or death) sentence became: a ``term`` of
    ``term_months``; an ``expiry_date`` (``expires_on``); ``time_served``; ``life``
    imprisonment (a death sentence commuted); ``immediate`` expiry. Supervised release is
    ``left_intact`` (``supervised_release_months`` is the term left), ``reduced`` (to
    ``supervised_release_months``) or ``commuted_in_entirety``; None when the text does not
    say. ``unparsed`` lists, verbatim, every piece of the text not understood.
    """

    text: str
    sentence_commuted: Literal["prison", "death"] | None = None
    full_pardon: bool = False  # "Pardon recipient is granted a full pardon …" (conditional pardons)
    outcome: TermsOutcome | None = None
    term_months: float | None = None
    expires_on: date | None = None
    conditions: list[Condition] = Field(default_factory=list)
    remitted: list[Remission] = Field(default_factory=list)
    supervised_release: Literal["left_intact", "reduced", "commuted_in_entirety"] | None = None
    supervised_release_months: float | None = None
    supervised_release_life: bool = False
    other_components_intact: bool = False
    unparsed: list[str] = Field(default_factory=list)


class Provenance(_Model):
    """Where one grant came from: the source, its licence and hash, and the place in it."""

    source: str  # what the source is, e.g. the Justice Department page or a copy of it
    source_file: str
    source_sha256: str
    source_url: str | None = None
    licence: str
    location: str  # "lines 2-6" (CSV) or "table 3, row 12, column-table" (HTML)


class Grant(_Model):
    """One person's grant as the page lists it."""

    president: str
    grant_date: date | None
    section_heading: str
    kind: GrantKind
    name: str
    name_text: str  # the name cell as printed, aliases included
    aliases: list[Alias] = Field(default_factory=list)
    convictions: list[Conviction] = Field(default_factory=list)
    terms_text: str | None = None
    terms: Terms | None = None
    residence: str | None = None  # "Silver Spring, MD" where the source states it
    warrant_url: str | None = None
    record_url: str | None = None
    layout: str
    entry_index: int  # position on the page, from 1
    source_file: str
    source_sha256: str
    source_url: str | None = None
    category: OffenseCategory = "other"
    category_rule: str = "no_rule_matched"
    flags: list[str] = Field(default_factory=list)
    unparsed: list[UnparsedItem] = Field(default_factory=list)
    provenance: Provenance | None = None


class Section(_Model):
    heading: str
    grant_date: date | None
    layouts: list[str]
    grant_count: int
    warrant_url: str | None = None


class ParsedPage(_Model):
    """Everything one page yields, with where it came from."""

    source_file: str
    source_sha256: str
    source_url: str | None
    source_description: str = ""
    licence: str = ""
    title: str
    president: str
    term: str | None
    default_kind: GrantKind
    sections: list[Section]
    grants: list[Grant]
    warnings: list[str] = Field(default_factory=list)
    # page text that belongs to no grant (navigation lines, the list of dates), verbatim
    unassigned_text: list[str] = Field(default_factory=list)
