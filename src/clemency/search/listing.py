"""The case list: search, filters, sorting and pages, always inside what the user may see.

Visibility comes from ``cases.access.visible_cases_clause`` — the same policy as opening one
case — so a list or a search can never show a case its reader could not open. Sorting is on
indexed columns with ``id`` as the tie-breaker, and pages are fetched one row too many to know
whether there is a next page (no ``COUNT(*)`` over the whole result on every page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Column, ColumnElement, Row, Select, String, func, select, type_coerce
from sqlalchemy.orm import Session

from clemency.accounts.models import User
from clemency.audit import service as audit
from clemency.cases import access, corrections
from clemency.cases.models import Case, CaseAssignment, Person, full_name
from clemency.digits import whole_number
from clemency.eligibility import list_rulesets
from clemency.petitions.models import Petition
from clemency.reviews.models import CaseScreening
from clemency.search import service as search
from clemency.search.models import LIST_INDEXES  # noqa: F401 - the list relies on them

SortKey = Literal["updated", "name", "reference", "stage"]
SORTS: dict[str, str] = {
    "updated": "Last changed",
    "name": "Family name",
    "reference": "Reference",
    "stage": "Stage",
}
PAGE_SIZE = 50
MAX_PAGE = 2000  # offset pagination beyond 100,000 rows is refused; narrow the search instead


@dataclass(frozen=True)
class CaseFilters:
    """What the case list was asked for; empty strings mean "any"."""

    q: str = ""
    stage: str = ""
    jurisdiction: str = ""
    assignee: str = ""  # "me", a user id, or ""
    outcome: str = ""  # eligible | ineligible | needs_review | unscreened
    sort: str = "updated"
    descending: bool = True
    page: int = 1


@dataclass(frozen=True)
class CaseRow:
    id: int
    reference: str
    name: str
    register_number: str | None
    jurisdiction: str
    stage: str
    updated_at: datetime
    # What a row stored before the entry checks needs corrected (issue #14), e.g. jurisdiction
    # "Federal" or a birth date in the future: the list shows it flagged instead of failing.
    needs_correction: tuple[str, ...] = ()
    is_synthetic: bool = False  # made-up demo or test data, marked in the list


@dataclass(frozen=True)
class CasePage:
    rows: list[CaseRow]
    page: int
    has_next: bool
    filters: CaseFilters
    total: int | None = None  # how many match in all, when asked for and the page has rows


def visible_clause(
    *, session: Session, user: User, walk_names: bool = False
) -> ColumnElement[bool]:
    """The store's visibility rule (``access.visible_cases_clause``). Sorting by name on
    SQLite, the organization filter is written so that SQLite walks the people's name index and
    stops at one page instead of choosing the organization index and sorting it all."""
    if walk_names and session.get_bind().dialect.name == "sqlite":
        return access.visible_cases_clause(
            session=session, actor=user, organization=Case.organization_id + 0
        )
    return access.visible_cases_clause(session=session, actor=user)


Narrowed = tuple[list[int] | None, ColumnElement[bool] | None]


def _filtered(
    session: Session,
    user: User,
    filters: CaseFilters,
    narrowed: Narrowed | None = None,
    *,
    with_person: bool = True,
) -> Select[Case, Person]:
    query = select(Case, Person).join(Person, Person.id == Case.person_id)
    if not with_person:  # counting needs no person columns and no join
        query = select(Case)  # type: ignore[assignment]
    ids, matching = (
        narrowed if narrowed is not None else search.narrowing(session=session, query=filters.q)
    )
    # Only a list that is not narrowed to candidate ids may walk the names in order.
    walk_names = filters.sort == "name" and ids is None
    query = query.where(visible_clause(session=session, user=user, walk_names=walk_names))
    if ids is not None:
        query = query.where(search.id_in(session=session, column=Case.id, ids=ids))
    if matching is not None:
        query = query.where(matching)
    if filters.stage:
        stage: ColumnElement[str] = Case.stage.expression
        if walk_names and _walk_names_past_stage_index(session, user, filters):
            stage = type_coerce(Case.stage, String()) + ""  # not indexable: walk the names
        query = query.where(stage == filters.stage)
    if filters.jurisdiction:
        query = query.where(Case.jurisdiction == filters.jurisdiction)
    if filters.assignee:
        assignee_id = user.id if filters.assignee == "me" else _int_or(filters.assignee, -1)
        query = query.where(
            Case.id.in_(select(CaseAssignment.case_id).where(CaseAssignment.user_id == assignee_id))
        )
    if filters.outcome == "unscreened":
        query = query.where(~Case.id.in_(select(CaseScreening.case_id)))
    elif filters.outcome:
        query = query.where(
            Case.id.in_(
                select(CaseScreening.case_id).where(CaseScreening.outcome == filters.outcome)
            )
        )
    return query


COMMON_STAGE = 1000  # visible cases in one stage above which a name-sorted page walks names


def _walk_names_past_stage_index(session: Session, user: User, filters: CaseFilters) -> bool:
    """Sorting by name with a stage filter on SQLite: should the query walk the people's name
    index and check each case's stage, rather than read every case of the stage through the
    stage index and sort them all?

    SQLite keeps no statistics per value, so it always picks the stage index; that is right
    for a rare stage and slow for a common one (tens of thousands of rows sorted for one
    page). A capped count through the same index (at most :data:`COMMON_STAGE` entries)
    tells which: walking names finds a page of a common stage after a few hundred rows.
    PostgreSQL's planner has per-value statistics and decides well by itself."""
    if filters.sort != "name" or session.get_bind().dialect.name != "sqlite":
        return False
    capped = (
        select(Case.id)
        .where(visible_clause(session=session, user=user), Case.stage == filters.stage)
        .limit(COMMON_STAGE)
        .subquery()
    )
    return int(session.scalar(select(func.count()).select_from(capped)) or 0) >= COMMON_STAGE


def _int_or(value: str, default: int) -> int:
    found = whole_number(value)
    return default if found is None else found


_SHOWN = (
    Case.id,
    Case.reference,
    Person.given_name,
    Person.middle_name,
    Person.family_name,
    Person.bop_register_number,
    Case.jurisdiction,
    Case.stage,
    Case.updated_at,
    Case.is_synthetic,
)
"""The columns a row of the list shows."""

PageRow = Row[*tuple[Any, ...]]
_CASES = Case.metadata.tables[Case.__tablename__].c
# What each sort orders by, on `cases` alone: a search's candidates are sorted without reading
# `people` (the name is the case's copy of it, kept by `search.service.reindex`).
_CASE_SORT_KEYS: dict[str, tuple[Column[Any], ...]] = {
    "updated": (_CASES.updated_at,),
    "name": (_CASES.sort_family_name, _CASES.sort_given_name),
    "reference": (_CASES.reference,),
    "stage": (_CASES.stage,),
}


def _page_of_candidates(
    session: Session,
    user: User,
    filters: CaseFilters,
    narrowed: Narrowed,
    page: int,
    with_total: bool,
) -> Sequence[PageRow]:
    """One page of a search narrowed to a list of candidate ids (at most a few thousand).

    The visible candidates and their sort keys are read from `cases` first, by id, into a
    materialized CTE; the page is sorted (and counted) from that, and only its rows are joined
    with `people`. Written in one query, PostgreSQL's planner walked the whole `updated_at`
    index checking every case against the ids (it costs a window count under a LIMIT as if the
    limit stopped the walk early), or, sorted by name, read all of `people` for a hash join:
    9-17 ms of SQL for 1,600 candidates, 2.5 ms this way (docs/performance.md)."""
    keys = _CASE_SORT_KEYS.get(filters.sort, _CASE_SORT_KEYS["updated"])
    candidates = (
        _filtered(session, user, filters, narrowed, with_person=False)
        .with_only_columns(_CASES.id, *keys)
        .cte("candidates")
        .prefix_with("MATERIALIZED")
    )

    def ordered(columns: Sequence[ColumnElement[Any]]) -> list[ColumnElement[Any]]:
        return [c.desc() if filters.descending else c.asc() for c in columns]

    chosen = select(candidates.c.id)
    if with_total:  # every candidate is sorted anyway: count them in the same pass
        chosen = chosen.add_columns(func.count().over().label("total"))
    chosen_page = (
        chosen.order_by(*ordered([candidates.c[key.name] for key in (*keys, _CASES.id)]))
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
        .subquery("chosen")
    )
    query = (
        select(*_SHOWN, *((chosen_page.c.total,) if with_total else ()))
        .select_from(chosen_page)
        .join(Case, Case.id == chosen_page.c.id)
        .join(Person, Person.id == Case.person_id)
        .order_by(*ordered([*keys, _CASES.id]))
    )
    return session.execute(query).all()


def list_cases(
    *,
    session: Session,
    user: User,
    filters: CaseFilters,
    narrowed: Narrowed | None = None,
    audit_read: bool = True,
    with_total: bool = False,
) -> CasePage:
    """One page of the cases ``user`` may see that match ``filters`` (``narrowed``: the
    search already resolved by :func:`search.service.narrowing`, to share it with the count)."""
    if narrowed is None:
        narrowed = search.narrowing(session=session, query=filters.q)
    page = max(1, min(filters.page, MAX_PAGE))
    rows: Sequence[PageRow]
    if narrowed[0] is not None:
        rows = _page_of_candidates(session, user, filters, narrowed, page, with_total)
    else:
        columns = {
            "updated": (Case.updated_at,),
            "name": (Person.family_name, Person.given_name),
            "reference": (Case.reference,),
            "stage": (Case.stage,),
        }.get(filters.sort, (Case.updated_at,))
        order = [c.desc() if filters.descending else c.asc() for c in (*columns, Case.id)]
        # Only the columns a row shows: no entities to build and track for a page of 50.
        shown = _filtered(session, user, filters, narrowed).with_only_columns(*_SHOWN)
        if with_total:
            # The database sorts every match for the page anyway: counting them in the same
            # pass (a window over the whole result) saves running the search a second time.
            shown = shown.add_columns(func.count().over().label("total"))
        rows = session.execute(
            shown.order_by(*order).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
        ).all()
    flagged = corrections.needs_correction(
        session=session, case_ids=[row[0] for row in rows[:PAGE_SIZE]]
    )
    out = [
        CaseRow(
            id=case_id,
            reference=reference,
            name=full_name(given, middle, family),
            register_number=register,
            jurisdiction=jurisdiction,
            stage=stage,
            updated_at=updated,
            needs_correction=flagged.get(case_id, ()),
            is_synthetic=bool(synthetic),
        )
        for (
            case_id,
            reference,
            given,
            middle,
            family,
            register,
            jurisdiction,
            stage,
            updated,
            synthetic,
            *_total,
        ) in rows[:PAGE_SIZE]
    ]
    if audit_read:
        # A list shows names: it is a read of those cases, recorded as one row (no query text:
        # a search for a name must not put the name in the trail).
        audit.record(
            session=session,
            actor_user_id=user.id,
            actor_label=user.email,
            action="read",
            entity_type="case_list",
            detail=f"{len(out)} cases listed" + (" (search)" if filters.q else ""),
        )
    total = int(rows[0][-1]) if with_total and rows else None
    return CasePage(
        rows=out, page=page, has_next=len(rows) > PAGE_SIZE, filters=filters, total=total
    )


COUNT_CAP = 10_000


def count_cases(
    *, session: Session, user: User, filters: CaseFilters, narrowed: Narrowed | None = None
) -> int:
    """How many cases match, counted up to :data:`COUNT_CAP` + 1 (shown as "more than
    10,000"): an exact count of 100,000 visible rows would cost more than the page itself."""
    capped = (
        _filtered(session, user, filters, narrowed, with_person=False)
        .with_only_columns(Case.id)
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    return int(session.scalar(select(func.count()).select_from(capped)) or 0)


def jurisdictions(extra_paths: tuple[Path, ...] = ()) -> list[str]:
    """The jurisdictions to filter by: those that have rulesets (no scan of the cases, and
    nothing learned about other organizations' cases)."""

    return sorted({ruleset.jurisdiction for ruleset in list_rulesets(extra_paths)})


@dataclass(frozen=True)
class Dashboard:
    by_stage: list[tuple[str, int]]
    my_cases: list[CaseRow]
    open_petitions: list[
        tuple[int, str, str, str, date | None]
    ]  # case id, ref, kind, status, filed


def dashboard(*, session: Session, user: User) -> Dashboard:
    """Cases by stage, the user's assignments, and petitions still waiting for a decision."""
    visible = visible_clause(session=session, user=user)
    by_stage = [
        (stage, int(count))
        for stage, count in session.execute(
            select(Case.stage, func.count()).where(visible).group_by(Case.stage)
        )
    ]
    mine = list_cases(session=session, user=user, filters=CaseFilters(assignee="me", page=1)).rows[
        :10
    ]
    waiting = session.execute(
        select(Case.id, Case.reference, Petition.kind, Petition.status, Petition.filed_on)
        .join(Petition, Petition.case_id == Case.id)
        .where(
            visible,
            Petition.status.not_in(
                (
                    "draft",
                    "granted",
                    "denied",
                    "denied_deemed",
                    "withdrawn",
                    "closed_without_action",
                )
            ),
        )
        .order_by(Petition.filed_on.asc().nulls_last(), Petition.id)
        .limit(10)
    ).all()
    return Dashboard(
        by_stage=by_stage,
        my_cases=mine,
        open_petitions=[(r[0], r[1], r[2], r[3], r[4]) for r in waiting],
    )
