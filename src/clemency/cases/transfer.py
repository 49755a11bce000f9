"""Export and import of whole cases, as JSON Lines or CSV, without loss.

One case is one *document*: the case fields, the person, and every part as a list. Database
ids never travel: a part that points at another part (a count at its conviction, an event at its
petition) uses the 1-based position of that part in its list (``"conviction": 1``), and a
pointer to a user uses the user's e-mail. Cases are exported in (organization, reference) order
and parts in creation order, so export → import → export gives the same bytes.

* JSON: one document per line (JSON Lines). A JSON array of documents is also accepted.
* CSV: one case per row; case and person fields are columns (``person.given_name``), each part
  list is one cell holding a JSON array. Empty cell = unknown.

Sensitive parts (health notes, victim records) are exported only for users allowed to read
them, and imported only from users allowed to write them.

An import checks every row in its own savepoint. A bad row is reported with its line number
and what is wrong. ``all_or_nothing`` then refuses the whole file (nothing is stored);
``skip_bad`` stores every other row, all in the caller's one transaction.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, TextIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from clemency.accounts import service as accounts
from clemency.accounts.models import Organization, User
from clemency.audit import service as audit
from clemency.cases import access, validation
from clemency.cases.access import Actor, Operator, Permission
from clemency.cases.models import PART_MODELS, SENSITIVE_PARTS, Case, Person
from clemency.cases.serialize import (
    check_required,
    coerce_all,
    coerce_values,
    editable_columns,
    jsonable,
    required_columns,
    server_set_columns,
)
from clemency.cases.service import CASE_EDITABLE
from clemency.csvsafe import csv_text, csv_untext
from clemency.db.base import Base
from clemency.errors import BadInput, ClemencyError, DataImportError

FORMAT = "clemency.case/1"
ImportMode = Literal["all_or_nothing", "skip_bad"]

# Columns that point elsewhere: column -> (document key, target part kind or "user").
REFERENCES: dict[str, dict[str, tuple[str, str]]] = {
    "assignments": {"user_id": ("user", "user")},
    "counts": {"conviction_id": ("conviction", "convictions")},
    "sentences": {"conviction_id": ("conviction", "convictions")},
    "support_letters": {"document_id": ("document", "documents")},
    "petition_events": {
        "petition_id": ("petition", "petitions"),
        "recorded_by_id": ("recorded_by", "user"),
    },
    "decisions": {"petition_id": ("petition", "petitions")},
    "notes": {"author_id": ("author", "user")},
}
CASE_FIELDS = [*CASE_EDITABLE, "is_synthetic"]
_REFERENCED_KINDS = frozenset(
    target for refs in REFERENCES.values() for _, target in refs.values() if target != "user"
)


def _part_columns(kind: str) -> list[str]:
    return editable_columns(PART_MODELS[kind])


# --------------------------------------------------------------------------- export


def case_to_document(case: Case, emails: dict[int, str], *, sensitive: bool) -> dict[str, Any]:
    """One case as a plain, id-free document (see the module docstring)."""
    document: dict[str, Any] = {"format": FORMAT, "organization": None}
    for name in CASE_FIELDS:
        document[name] = jsonable(getattr(case, name))
    document["person"] = {
        name: jsonable(getattr(case.person, name)) for name in editable_columns(Person)
    }
    positions: dict[str, dict[int, int]] = {}
    for kind in PART_MODELS:
        rows: list[Any] = sorted(getattr(case, kind), key=lambda row: row.id)
        if kind in SENSITIVE_PARTS and not sensitive:
            rows = []
        positions[kind] = {row.id: index for index, row in enumerate(rows, start=1)}
        refs = REFERENCES.get(kind, {})
        items = []
        for row in rows:
            item: dict[str, Any] = {}
            for name in _part_columns(kind):
                value = getattr(row, name)
                if name in refs:
                    key, target = refs[name]
                    item[key] = (
                        None
                        if value is None
                        else emails.get(value)
                        if target == "user"
                        else positions[target].get(value)
                    )
                else:
                    item[name] = jsonable(value)
            items.append(item)
        document[kind] = items
    return document


def export_cases(
    *, session: Session, user: Actor, organization_slug: str | None = None
) -> Iterator[dict[str, Any]]:
    """Every case ``user`` may see, as documents; each exported case is audited (``export``)."""
    query = (
        select(Case, Organization.slug)
        .join(Organization, Organization.id == Case.organization_id)
        .where(access.visible_cases_clause(session=session, actor=user))
        .order_by(Organization.slug, Case.reference)
        .options(*(selectinload(getattr(Case, kind)) for kind in PART_MODELS))
        .options(selectinload(Case.person))
    )
    if organization_slug is not None:
        query = query.where(Organization.slug == organization_slug)
    emails = {user_id: email for user_id, email in session.execute(select(User.id, User.email))}
    for case, slug in session.execute(query):
        sensitive = Permission.SENSITIVE in access.permissions(
            session=session, actor=user, case=case
        )
        document = case_to_document(case, emails, sensitive=sensitive)
        document["organization"] = slug
        audit.record(
            session=session,
            actor_user_id=access.actor_id(user),
            actor_label=access.actor_label(user),
            action="export",
            entity_type="case",
            entity_id=case.id,
            organization_id=case.organization_id,
            case_id=case.id,
            detail=None if sensitive else "sensitive parts left out",
        )
        yield document


def csv_header() -> list[str]:
    person = [f"person.{name}" for name in editable_columns(Person)]
    return ["format", "organization", *CASE_FIELDS, *person, *PART_MODELS]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return csv_text(value)  # free text: no spreadsheet formulas (clemency.csvsafe)
    return str(value)


def write_documents(documents: Iterable[dict[str, Any]], out: TextIO, fmt: str) -> int:
    """Write documents as ``json`` (JSON Lines) or ``csv``; returns how many were written."""
    written = 0
    if fmt == "json":
        for document in documents:
            out.write(json.dumps(document, ensure_ascii=False, sort_keys=False) + "\n")
            written += 1
        return written
    if fmt != "csv":
        raise BadInput(f"Unknown format {fmt!r}; use json or csv.", field="format")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_header())
    for document in documents:
        row = [_cell(document["format"]), _cell(document["organization"])]
        row += [_cell(document[name]) for name in CASE_FIELDS]
        row += [_cell(document["person"][name]) for name in editable_columns(Person)]
        row += [
            json.dumps(document[kind], ensure_ascii=False) if document[kind] else ""
            for kind in PART_MODELS
        ]
        writer.writerow(row)
        written += 1
    return written


# --------------------------------------------------------------------------- reading files


@dataclass(frozen=True)
class Problem:
    """A row that could not be imported: where it is and what is wrong with it."""

    line: int
    message: str
    reference: str | None = None

    def __str__(self) -> str:
        shown = None
        if self.reference:
            # A bad reference is shown escaped and cut short: the line must stay one line.
            shown = self.reference.encode("unicode_escape", "backslashreplace").decode("ascii")
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
        where = f"line {self.line}" + (f" (case {shown})" if shown else "")
        return f"{where}: {self.message}"


Row = tuple[int, dict[str, Any] | Problem]


def read_documents(text: str, fmt: str) -> Iterator[Row]:
    """Parse ``text`` into (line number, document or Problem) pairs; never raises on a bad row."""
    if fmt == "csv":
        yield from _read_csv(text)
    elif fmt == "json":
        if text.lstrip().startswith("["):
            yield from _read_json_array(text)
        else:
            yield from _read_json_lines(text)
    else:
        raise BadInput(f"Unknown format {fmt!r}; use json or csv.", field="format")


def _read_json_lines(text: str) -> Iterator[Row]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, Problem(number, f"not valid JSON ({error.msg} at column {error.colno})")
            continue
        except RecursionError:
            yield number, Problem(number, "JSON nested too deeply to be a case")
            continue
        if not isinstance(document, dict):
            yield number, Problem(number, "expected a JSON object for one case")
            continue
        yield number, document


def _read_json_array(text: str) -> Iterator[Row]:
    decoder = json.JSONDecoder()
    position = text.index("[") + 1
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            return
        line = text.count("\n", 0, position) + 1
        try:
            document, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            yield (
                line,
                Problem(line, f"not valid JSON ({error.msg}); the rest of the file is unread"),
            )
            return
        except RecursionError:
            yield line, Problem(line, "JSON nested too deeply; the rest of the file is unread")
            return
        if isinstance(document, dict):
            yield line, document
        else:
            yield line, Problem(line, "expected a JSON object for one case")


def _read_csv(text: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise DataImportError(f"line 1: the CSV header cannot be read ({error})") from error
    if header is None:
        return
    expected = set(csv_header())
    unknown = [name for name in header if name not in expected]
    if unknown or "organization" not in header or "reference" not in header:
        shown = ", ".join(name[:40] for name in unknown[:5])
        more = f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else ""
        raise DataImportError(
            "line 1: the CSV header is not a Clemency case export"
            + (f" (unknown columns: {shown}{more})" if unknown else "")
            + "; export one with `clemency export cases --format csv` to see the columns.",
        )
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start, Problem(start, f"not readable as CSV ({error}); the rest is unread")
            return
        line, start = start, reader.line_num + 1
        if not any(cells):
            continue
        if len(cells) != len(header):
            yield line, Problem(line, f"has {len(cells)} cells, the header has {len(header)}")
            continue
        yield line, _csv_document(line, dict(zip(header, cells, strict=True)))


def _csv_document(line: int, cells: dict[str, str]) -> dict[str, Any] | Problem:
    document: dict[str, Any] = {"person": {}}
    for name, cell in cells.items():
        cell = csv_untext(cell)
        if name.startswith("person."):
            document["person"][name[len("person.") :]] = cell or None
        elif name in PART_MODELS:
            try:
                document[name] = json.loads(cell) if cell else []
            except json.JSONDecodeError as error:
                return Problem(line, f"column {name}: not a JSON list ({error.msg})")
        else:
            document[name] = cell or None
    return document


# --------------------------------------------------------------------------- import


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)  # references of the imported cases
    problems: list[Problem] = field(default_factory=list)


def import_cases(
    *,
    session: Session,
    user: Actor,
    rows: Iterable[Row],
    mode: ImportMode = "all_or_nothing",
    source_name: str = "import",
    create_organizations: bool = False,
) -> ImportReport:
    """Import parsed rows (see :func:`read_documents`) in the caller's transaction.

    With ``all_or_nothing`` any bad row raises :class:`DataImportError` listing every bad
    row, and the caller's unit of work rolls everything back. With ``skip_bad`` the good rows
    stay and the report lists the bad ones. Each imported case gets an ``import`` audit row.
    ``create_organizations`` creates an organization named in the file that does not exist
    (for moving cases to a new database); otherwise such a row is bad.
    """
    report = ImportReport()
    # An audit row first: it opens the write transaction, so the per-row savepoints nest in
    # it (a SAVEPOINT outside a transaction would commit on release with SQLite).
    _audit_import(session, user, None, f"import from {source_name} started")
    context = _ImportContext(session, user, create_organizations)
    for line, row in rows:
        if isinstance(row, Problem):
            report.problems.append(row)
            continue
        reference = row.get("reference") if isinstance(row.get("reference"), str) else None
        try:  # outside the row's savepoint: an organization it creates serves later rows too
            organization = context.organization(row.get("organization"))
        except ClemencyError as error:
            report.problems.append(Problem(line, error.message, reference))
            continue
        savepoint = session.begin_nested()
        try:
            case = context.build(row, organization)
            session.flush()
            _audit_import(session, user, case, f"line {line} of {source_name}")
        except BadInput as error:  # every violation of the row, each on its own line
            savepoint.rollback()
            report.problems.extend(
                Problem(line, v.message, reference) for v in validation.violations_of(error)
            )
            continue
        except (ClemencyError, IntegrityError, ValueError, TypeError, KeyError) as error:
            savepoint.rollback()
            report.problems.append(Problem(line, _describe(error), reference))
            continue
        savepoint.commit()
        report.imported.append(case.reference)
    if report.problems and mode == "all_or_nothing":
        raise DataImportError(
            f"{len(report.problems)} bad row(s) in {source_name}, nothing was imported "
            f"(first: {report.problems[0]}); fix them, or use --skip-bad to import the others.",
            problems=[str(problem) for problem in report.problems],
        )
    _audit_import(
        session,
        user,
        None,
        f"{len(report.imported)} imported, {len(report.problems)} skipped from {source_name}",
    )
    return report


def _within(where: str, error: BadInput) -> BadInput:
    """``error`` with each of its violations placed in the document (``custody[2]: …``)."""
    return validation.refusal(
        [
            validation.Violation(v.field, f"{where}: {v.message}")
            for v in validation.violations_of(error)
        ]
    )


def _describe(error: Exception) -> str:
    if isinstance(error, ClemencyError):
        return error.message
    if isinstance(error, IntegrityError):
        return f"refused by the database ({str(error.orig).splitlines()[0]})"
    if isinstance(error, KeyError):
        return f"missing {error.args[0]!r}"
    return str(error)


def _audit_import(session: Session, user: Actor, case: Case | None, detail: str) -> None:
    audit.record(
        session=session,
        actor_user_id=access.actor_id(user),
        actor_label=access.actor_label(user),
        action="import",
        entity_type="case" if case is not None else "case_import",
        entity_id=case.id if case is not None else None,
        organization_id=case.organization_id if case is not None else None,
        case_id=case.id if case is not None else None,
        detail=detail,
    )


class _PointsAtABadPart(Exception):
    """A part pointing at a part of the same document that was refused (already reported)."""


class _ImportContext:
    """Looks up organizations and users once per import and turns documents into rows."""

    def __init__(self, session: Session, user: Actor, create_organizations: bool) -> None:
        self.session = session
        self.user = user
        self.create_organizations = create_organizations
        self.organizations: dict[str, Organization | None] = {}
        self.users = {
            email: user_id for email, user_id in session.execute(select(User.email, User.id))
        }

    def organization(self, slug: object) -> Organization:
        if not isinstance(slug, str) or not slug:
            raise BadInput("organization is missing (the slug of an existing organization)")
        if slug not in self.organizations:
            self.organizations[slug] = self.session.scalar(
                select(Organization).where(Organization.slug == slug)
            )
        organization = self.organizations[slug]
        if organization is None and self.create_organizations:
            if not isinstance(self.user, Operator):
                raise BadInput("only the command-line operator may create organizations")
            organization = accounts.create_organization(session=self.session, slug=slug, name=slug)
            self.organizations[slug] = organization
        if organization is None:
            raise BadInput(
                f"no organization {slug!r}; create it first (or import with --create-organizations)"
            )
        return organization

    def build(self, document: dict[str, Any], organization: Organization) -> Case:
        if document.get("format", FORMAT) not in (FORMAT, None):
            raise BadInput(f"format {document['format']!r} is not {FORMAT!r}")
        known = {"format", "organization", "person", *CASE_FIELDS, *PART_MODELS}
        unknown = sorted(set(document) - known)
        if unknown:
            raise BadInput(f"unknown field(s) {', '.join(unknown)}")
        if not access.may_create_in(
            session=self.session, actor=self.user, organization_id=organization.id
        ):
            raise BadInput(f"you may not create cases in organization {organization.slug!r}")
        case_values, problems = coerce_all(
            Case, {name: document.get(name) for name in CASE_FIELDS}, CASE_FIELDS
        )
        problems += [
            validation.Violation(name, f"{name} missing")
            for name in ("reference", "stage", "jurisdiction")
            if not case_values.get(name) and name not in {p.field for p in problems}
        ]
        person_doc = document.get("person")
        if not isinstance(person_doc, dict):
            problems.append(
                validation.Violation(
                    "person", "person is missing (an object with at least given_name, family_name)"
                )
            )
            person_doc = {}
        person_values, person_problems = coerce_all(Person, person_doc, editable_columns(Person))
        problems += person_problems
        problems += [
            validation.Violation(name, f"{validation.field_label(name)} is required.")
            for name in required_columns(Person)
            if person_values.get(name) is None and name not in {p.field for p in problems}
        ]
        if problems:
            raise validation.refusal(problems)
        if self.session.scalar(
            select(Case.id).where(
                Case.organization_id == organization.id,
                Case.reference == case_values["reference"],
            )
        ):
            raise BadInput(
                f"case {case_values['reference']!r} already exists in {organization.slug}"
            )
        case_values.setdefault("is_synthetic", False)
        if case_values["is_synthetic"] is None:
            case_values["is_synthetic"] = False
        case = Case(organization_id=organization.id, person=Person(**person_values), **case_values)
        self.session.add(case)
        self.session.flush()
        self._refuse_sensitive_parts(document, case)
        # Every bad part is reported (not only the first); a part that points at a bad one
        # is skipped (None stands for the bad part), as its problem is already reported.
        built: dict[str, list[Base | None]] = {}
        for kind in PART_MODELS:
            items = document.get(kind) or []
            if not isinstance(items, list):
                raise BadInput(f"{kind} must be a list")
            built[kind] = []
            for index, item in enumerate(items, 1):
                try:
                    built[kind].append(self._part(case, kind, index, item, built))
                except BadInput as error:
                    problems += validation.violations_of(error)
                    built[kind].append(None)
                except _PointsAtABadPart:
                    built[kind].append(None)
            if kind in _REFERENCED_KINDS and items:
                self.session.flush()  # later parts point at these rows' ids
        problems += validation.case_violations(
            case.person.date_of_birth,
            [
                {n: getattr(c, n) for n in ("convicted_on", "sentenced_on")}
                for c in built["convictions"]
                if c is not None
            ],
        )
        if problems:
            raise validation.refusal(problems)
        return case

    def _refuse_sensitive_parts(self, document: dict[str, Any], case: Case) -> None:
        """The export leaves sensitive parts out for roles without the grant; the import does
        not let such a role write them either (the same rule as the part services)."""
        given = sorted(kind for kind in SENSITIVE_PARTS if document.get(kind))
        if given and Permission.SENSITIVE not in access.permissions(
            session=self.session, actor=self.user, case=case
        ):
            names = ", ".join(kind.replace("_", " ") for kind in given)
            raise BadInput(
                f"{', '.join(given)}: your role may not add {names} (sensitive parts); import "
                "this file as an attorney or administrator, or without those parts"
            )

    def _part(
        self, case: Case, kind: str, index: int, item: Any, built: dict[str, list[Base | None]]
    ) -> Base:
        if not isinstance(item, dict):
            raise BadInput(f"{kind}[{index}] must be an object")
        model = PART_MODELS[kind]
        refs = REFERENCES.get(kind, {})
        values = dict(item)
        resolved: dict[str, Any] = {}
        for column, (key, target) in refs.items():
            pointer = values.pop(key, None)
            if pointer is None:
                resolved[column] = None
            elif target == "user":
                if pointer not in self.users:
                    raise BadInput(f"{kind}[{index}].{key}: no user {pointer!r}")
                resolved[column] = self.users[pointer]
            else:
                targets = built.get(target, [])
                if not isinstance(pointer, int) or not 1 <= pointer <= len(targets):
                    raise BadInput(
                        f"{kind}[{index}].{key}: {pointer!r} is not a position in {target} "
                        f"(1 to {len(targets)})"
                    )
                pointed = targets[pointer - 1]
                if pointed is None:
                    raise _PointsAtABadPart
                resolved[column] = pointed.id  # type: ignore[attr-defined]
        allowed = [name for name in editable_columns(model) if name not in refs]
        if isinstance(self.user, Operator):
            # the command-line operator moving a database together with its data folder; a
            # user's import never names stored files (they are uploaded on the case)
            allowed += sorted(server_set_columns(model))
        try:
            clean = coerce_values(model, values, allowed)
        except BadInput as error:
            raise _within(f"{kind}[{index}]", error) from error
        clean.update(resolved)
        try:
            check_required(model, clean)
        except BadInput as error:
            raise _within(f"{kind}[{index}]", error) from error
        ordered = dict(sorted(clean.items(), key=lambda pair: pair[0] != "jurisdiction"))
        part = model(case_id=case.id, **ordered)
        self.session.add(part)
        return part
