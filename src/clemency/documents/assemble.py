"""Build a petition packet model from case data, purely (no database, no rendering).

:func:`assemble` takes a :class:`PacketInput` (filled by the documents service from the
case store) and a form id, and returns a :class:`Packet`: the cover letter, the form's
sections with their answers, continuation pages for long answers, the exhibit index (support
letters, then documents, in order), what is still missing before filing, and the hashes that
record which data and which template version produced it. The PDF and DOCX renderers only
lay this model out.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from clemency import dates
from clemency.documents import forms
from clemency.documents.forms import FieldSpec, FormSpec

#: Bumped whenever the packet layout changes, so a stored record says what produced it.
ASSEMBLER_VERSION = "1"
#: Answers longer than this overflow onto a continuation page.
FIELD_LIMIT = 900


@dataclass(frozen=True)
class PersonData:
    full_name: str | None = None
    name_at_conviction: str | None = None
    aliases: tuple[str, ...] = ()
    date_of_birth: date | None = None
    place_of_birth: str | None = None
    register_number: str | None = None
    din: str | None = None
    doc_number: str | None = None
    citizenship: str | None = None
    facility: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class ConvictionData:
    court: str | None = None
    docket_number: str | None = None
    offenses: tuple[str, ...] = ()
    plea: str | None = None
    conviction_date: date | None = None
    sentence_date: date | None = None
    sentence: str | None = None
    release_date: date | None = None


@dataclass(frozen=True)
class PriorPetition:
    """An earlier petition with its outcome, or a decision on record made without one."""

    kind: str
    filed_on: date | None
    outcome: str | None
    decided_on: date | None = None
    decided_by: str | None = None
    terms: str | None = None
    decided_on_precision: str = "day"  # "month": only the month is known (printed so)


@dataclass(frozen=True)
class LetterOnRecord:
    """An accepted support letter as the case record has it, attached to the packet or not."""

    author: str
    is_relative: bool | None
    attached: bool


def sentence_as_changed(imposed: str | None, history: Sequence[PriorPetition]) -> str | None:
    """The sentence as imposed, followed by each commutation granted since (with its terms):
    a packet never shows a commuted life sentence as if it still stood."""
    if imposed is None:
        return None
    changes = [
        f"commuted {_fmt_date(p.decided_on, p.decided_on_precision)}"
        if p.decided_on
        else "commuted"
        for p in history
        if p.kind == "commutation" and p.outcome == "granted"
    ]
    terms = [p.terms for p in history if p.kind == "commutation" and p.outcome == "granted"]
    if not changes:
        return imposed
    detail = "; ".join(
        change + (f" ({term.rstrip('.')})" if term else "")
        for change, term in zip(changes, terms, strict=True)
    )
    return f"{imposed} (as imposed); {detail}"


@dataclass(frozen=True)
class Attachment:
    """A support letter or a document to attach, in exhibit order."""

    title: str
    kind: Literal["letter", "document"]
    content_type: str  # application/pdf, application/vnd...wordprocessingml.document, text/plain
    data: bytes
    sha256: str
    author: str | None = None
    relationship: str | None = None
    is_relative: bool | None = None
    doc_type: str | None = None
    dated: date | None = None


@dataclass(frozen=True)
class PacketInput:
    form_id: str
    prepared_on: date
    person: PersonData
    convictions: tuple[ConvictionData, ...] = ()
    answers: Mapping[str, str] = field(default_factory=dict)
    facts: Mapping[str, Any] = field(default_factory=dict)
    prior_petitions: tuple[PriorPetition, ...] = ()
    representative: str | None = None
    organization: str | None = None
    letters: tuple[Attachment, ...] = ()
    #: Every accepted letter on the record, attached or not: the letter count comes from
    #: here (empty: counted from ``letters``, for inputs built without the record).
    letters_on_record: tuple[LetterOnRecord, ...] = ()
    documents: tuple[Attachment, ...] = ()
    case_ref: str | None = None
    #: Stored files that could not be read (damaged, gone from disk), one line each; each is
    #: named in the packet's missing list instead of breaking the packet.
    unreadable: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    continuation: str | None = None  # e.g. "C-1" when the answer continues there
    missing: bool = False


@dataclass(frozen=True)
class RenderedSection:
    number: int
    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Continuation:
    ref: str
    section: str
    label: str
    text: str


@dataclass(frozen=True)
class Exhibit:
    label: str  # "A", "B", ...
    attachment: Attachment

    @property
    def description(self) -> str:
        a = self.attachment
        if a.kind == "letter":
            rel = f", {a.relationship}" if a.relationship else ""
            return f"Letter of support from {a.author}{rel}"
        return a.title


@dataclass(frozen=True)
class Packet:
    form: FormSpec
    person_name: str
    prepared_on: date
    cover_letter: tuple[str, ...]
    addressee: tuple[str, ...]
    signer: str
    sections: tuple[RenderedSection, ...]
    continuations: tuple[Continuation, ...]
    exhibits: tuple[Exhibit, ...]
    missing: tuple[str, ...]
    before_filing: tuple[str, ...]
    data_sha256: str
    template_version: str

    @property
    def is_draft(self) -> bool:
        return bool(self.missing)


def _fmt_date(value: date, precision: str = "day") -> str:
    """A date in a packet: "June 5, 2017", or "June 2017" when only the month is known."""
    return dates.written(value, precision, style="month_first")


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return _fmt_date(value)
    if isinstance(value, (tuple, list)):
        return "; ".join(_fmt(v) for v in value if _fmt(v))
    if isinstance(value, PriorPetition):
        parts = [value.kind]
        if value.filed_on:
            parts.append(f"filed {_fmt(value.filed_on)}")
        if value.outcome:
            decided = value.decided_on
            on = f" {_fmt_date(decided, value.decided_on_precision)}" if decided else ""
            parts.append(value.outcome + on)
        if value.decided_by:
            parts.append(f"by {value.decided_by}")
        text = ", ".join(parts)
        return text + (f" ({value.terms.rstrip('.')})" if value.terms else "")
    return str(value).strip()


def _resolve(key: str, data: PacketInput, item: ConvictionData | None) -> Any:
    head, _, rest = key.partition(".")
    if item is not None and not rest:
        return getattr(item, key, None)
    if head == "person":
        return getattr(data.person, rest, None)
    if head == "answers":
        return data.answers.get(rest)
    if head == "facts":
        return data.facts.get(rest)
    if key == "prior_petitions":
        return data.prior_petitions
    if key == "representative":
        return data.representative
    raise KeyError(f"form field {key!r} does not name any case data")


def _split_long(text: str, limit: int) -> tuple[str, str]:
    """The part that fits (cut at a word boundary) and the rest, which is never dropped."""
    if len(text) <= limit:
        return text, ""
    cut = text.rfind(" ", 0, limit)
    cut = cut if cut > limit // 2 else limit
    return text[:cut].rstrip(), text[cut:].lstrip()


def _exhibit_label(index: int) -> str:
    label = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        label = chr(65 + rem) + label
    return label


def data_hash(data: PacketInput) -> str:
    """sha256 of the packet's input data (attachments by their own hashes)."""

    def default(o: Any) -> Any:
        if isinstance(o, date):
            return o.isoformat()
        if isinstance(o, bytes):
            return hashlib.sha256(o).hexdigest()
        raise TypeError(type(o))

    raw = asdict(data)
    raw["answers"] = dict(data.answers)
    raw["facts"] = dict(data.facts)
    text = json.dumps(raw, sort_keys=True, default=default)
    return hashlib.sha256(text.encode()).hexdigest()


def template_version(form_sha256: str, template_sha256: str = "") -> str:
    """Assembler version + form-file hash + layout-template hash, short and stable."""
    basis = f"{ASSEMBLER_VERSION}|{form_sha256}|{template_sha256}"
    return f"{ASSEMBLER_VERSION}-{hashlib.sha256(basis.encode()).hexdigest()[:12]}"


def _check_field(f: FieldSpec, section: str, value: str, missing: list[str]) -> None:
    if not value:
        if f.required:
            missing.append(f"{section}: {f.label}")
        return
    if f.pattern and not re.fullmatch(f.pattern, value):
        hint = f" ({f.hint})" if f.hint else ""
        missing.append(f"{section}: {f.label} '{value}' is not in the expected form{hint}")


def assemble(data: PacketInput, *, layout_sha256: str = "") -> Packet:
    """The packet model for ``data.form_id``; incomplete data gives a draft listing what is missing."""
    spec, form_sha = forms.load(data.form_id)
    missing: list[str] = []
    sections: list[RenderedSection] = []
    continuations: list[Continuation] = []
    number = 0
    for s in spec.sections:
        items: Sequence[ConvictionData | None] = [None]
        if s.repeat == "convictions":
            items = data.convictions or [ConvictionData()]
        for i, item in enumerate(items):
            number += 1
            title = s.title + (f" ({i + 1} of {len(items)})" if len(items) > 1 else "")
            rows: list[Row] = []
            for f in s.fields:
                value = _fmt(_resolve(f.key, data, item))
                _check_field(f, title, value, missing)
                shown, rest = _split_long(value, FIELD_LIMIT) if f.long else (value, "")
                ref = None
                if rest:
                    ref = f"C-{len(continuations) + 1}"
                    continuations.append(
                        Continuation(ref=ref, section=title, label=f.label, text=rest)
                    )
                rows.append(Row(label=f.label, value=shown, continuation=ref, missing=not value))
            sections.append(RenderedSection(number=number, title=title, rows=tuple(rows)))

    letters = list(data.letters)
    req = spec.letters
    on_record = data.letters_on_record or tuple(
        LetterOnRecord(a.author or a.title, a.is_relative, True) for a in letters
    )
    non_relative = sum(1 for a in on_record if a.is_relative is False)
    if len(on_record) < req.min_total:
        missing.append(f"Letters of support: {len(on_record)} of at least {req.min_total}")
    if non_relative < req.min_non_relative:
        missing.append(
            f"Letters of support from people who are not relatives: {non_relative} of "
            f"at least {req.min_non_relative}" + (f" ({req.citation})" if req.citation else "")
        )
    missing.extend(
        f"Letter of support from {a.author}: accepted, but its signed copy is not uploaded; "
        "upload it on the letter to attach it as an exhibit"
        for a in on_record
        if not a.attached
    )
    have_docs = {a.doc_type for a in data.documents}
    missing.extend(
        f"Document: {d.replace('_', ' ')}" for d in spec.required_documents if d not in have_docs
    )
    missing.extend(data.unreadable)
    exhibits = tuple(
        Exhibit(label=_exhibit_label(i), attachment=a)
        for i, a in enumerate([*letters, *data.documents])
    )

    name = data.person.full_name or "the applicant"
    signer = data.representative or data.organization or name
    conv = data.convictions[0] if data.convictions else ConvictionData()
    conv_text = ""
    if conv.offenses:
        conv_text = (
            f" The application concerns the conviction in {conv.court or 'the court named in the form'}"
            f" for {_fmt(conv.offenses)}, with a sentence of {conv.sentence or 'the term stated in the form'}."
        )
    ident = (
        f" (register number {data.person.register_number})" if data.person.register_number else ""
    )
    cover = (
        f"On behalf of {name}{ident}, we respectfully submit the enclosed {spec.title} "
        f"seeking {spec.relief_phrase}.{conv_text}",
        f"The application is accompanied by {len(exhibits)} exhibit"
        f"{'s' if len(exhibits) != 1 else ''}, listed in the exhibit index"
        + (
            f", including {len(letters)} letter{'s' if len(letters) != 1 else ''} of support."
            if letters
            else "."
        ),
        "Please direct any request for further information to the undersigned.",
    )
    return Packet(
        form=spec,
        person_name=name,
        prepared_on=data.prepared_on,
        cover_letter=cover,
        addressee=spec.addressee,
        signer=signer,
        sections=tuple(sections),
        continuations=tuple(continuations),
        exhibits=exhibits,
        missing=tuple(missing),
        before_filing=spec.before_filing,
        data_sha256=data_hash(data),
        template_version=template_version(form_sha, layout_sha256),
    )
