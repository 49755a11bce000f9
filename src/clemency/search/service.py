"""Building the word index and turning a query into a WHERE clause on ``cases.id``.

The index follows the case record by itself: a listener on every ORM flush rebuilds the terms
of each case whose person, case row, conviction count or offense text was added, changed or
removed, and copies the person's family and given names to the case's sort key
(``cases.sort_family_name``, ``cases.sort_given_name``, what a search sorted by name sorts
on). Bulk loaders that bypass the ORM call :func:`reindex_all` afterwards.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, delete, event, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from clemency.cases.models import Case, Count, Person
from clemency.db.base import Base
from clemency.search.models import CaseSearchTerm

MAX_QUERY_WORDS = 6
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str | None) -> list[str]:
    """Lower-case ASCII words of ``text`` (accents removed), at most 48 characters each."""
    if not text:
        return []
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [word[:48] for word in _WORD.findall(folded)]


def terms_for(
    *,
    reference: str | None,
    names: Iterable[str | None],
    register_number: str | None,
    offenses: Iterable[str | None],
) -> set[str]:
    """The distinct terms of one case."""
    out: set[str] = set()
    for text in (reference, register_number, *names, *offenses):
        out.update(words(text))
    return out


def _case_terms(connection: Connection, case_ids: set[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {case_id: set() for case_id in case_ids}
    rows = connection.execute(
        select(
            Case.id,
            Case.reference,
            Person.given_name,
            Person.middle_name,
            Person.family_name,
            Person.name_at_conviction,
            Person.aliases,
            Person.bop_register_number,
        )
        .join(Person, Person.id == Case.person_id)
        .where(Case.id.in_(case_ids))
    )
    for case_id, reference, given, middle, family, at_conviction, aliases, register in rows:
        found[case_id] |= terms_for(
            reference=reference,
            names=(given, middle, family, at_conviction, aliases),
            register_number=register,
            offenses=(),
        )
    for case_id, text, statute in connection.execute(
        select(Count.case_id, Count.offense_text, Count.statute).where(Count.case_id.in_(case_ids))
    ):
        found[case_id] |= set(words(text)) | set(words(statute))
    return found


def _copy_sort_names(connection: Connection, case_ids: set[int]) -> None:
    """Set the sort key of ``case_ids`` to their person's family and given names, where it
    differs; ``updated_at`` and ``version`` stay as they are (a derived copy is no change of the
    case, and must not make someone's open case form stale)."""
    cases, people = (Base.metadata.tables[model.__tablename__] for model in (Case, Person))
    family = select(people.c.family_name).where(people.c.id == cases.c.person_id)
    given = select(people.c.given_name).where(people.c.id == cases.c.person_id)
    connection.execute(
        update(cases)
        .where(
            cases.c.id.in_(case_ids),
            or_(
                cases.c.sort_family_name.is_distinct_from(family.scalar_subquery()),
                cases.c.sort_given_name.is_distinct_from(given.scalar_subquery()),
            ),
        )
        .values(
            sort_family_name=family.scalar_subquery(),
            sort_given_name=given.scalar_subquery(),
            updated_at=cases.c.updated_at,  # not the column's on-update default
        )
    )


def reindex(connection: Connection, case_ids: set[int]) -> None:
    """Replace the terms and the name sort key of ``case_ids`` with those of their current
    records."""
    if not case_ids:
        return
    ids = sorted(case_ids)
    for start in range(0, len(ids), 500):
        chunk = set(ids[start : start + 500])
        if _schema_has(connection, Case.__tablename__, "sort_family_name"):
            _copy_sort_names(connection, chunk)
        terms = _case_terms(connection, chunk)
        connection.execute(delete(CaseSearchTerm).where(CaseSearchTerm.case_id.in_(chunk)))
        rows = [
            {"case_id": case_id, "term": term}
            for case_id, case_terms in terms.items()
            for term in sorted(case_terms)
        ]
        if rows:
            connection.execute(insert(CaseSearchTerm), rows)


def reindex_all(*, session: Session) -> int:
    """Rebuild the whole index (after a bulk load); returns the number of cases indexed."""
    connection = session.connection()
    connection.execute(delete(CaseSearchTerm))
    ids = set(connection.scalars(select(Case.id)))
    reindex(connection, ids)
    return len(ids)


def index_is_empty_but_cases_exist(*, session: Session) -> bool:
    has_terms = session.scalar(select(CaseSearchTerm.id).limit(1)) is not None
    has_cases = session.scalar(select(Case.id).limit(1)) is not None
    return has_cases and not has_terms


def matching_clause(query: str) -> ColumnElement[bool] | None:
    """``cases.id IN (…)`` for each word of ``query`` (all must match), or None if no words."""
    query_words = words(query)[:MAX_QUERY_WORDS]
    if not query_words:
        return None
    clauses = [
        Case.id.in_(
            select(CaseSearchTerm.case_id).where(
                CaseSearchTerm.term >= word, CaseSearchTerm.term < word + "{"
            )
        )
        for word in dict.fromkeys(query_words)
    ]
    from sqlalchemy import and_

    return and_(*clauses)


NARROW_CAP = 5000
PROBE_LIMIT = 200  # candidates up to which a common word is checked case by case


def id_in(
    *, session: Session, column: Any, ids: list[int], inline: bool = False
) -> ColumnElement[bool]:
    """``column IN ids`` with the ids as *one* parameter: thousands of separate parameters
    cost more to bind (and on PostgreSQL to plan) than the query costs to run. PostgreSQL gets
    ``= ANY(array)``, SQLite ``IN (SELECT value FROM json_each(json array))``.

    ``inline``: on PostgreSQL, write the array into the statement instead of binding it, so
    that the statement is planned for these ids. psycopg prepares a statement it has run five
    times on a connection, and PostgreSQL then plans it once for any array, guessing ten ids.
    That suits ``cases.id = ANY(…)`` (a probe of the primary key per id, the best plan anyway)
    but not a filter that should be checked while walking another index: there the generic
    plan probed an index per id, or compared every row with the whole array, unhashed (5 to
    200 ms instead of 2). Planning the written-out array costs about a millisecond. Only
    integers are written, so nothing but digits and commas enters the statement."""
    from sqlalchemy import Integer, any_, bindparam, cast, literal_column
    from sqlalchemy import func as sql_func

    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY

        array = bindparam(None, [int(i) for i in ids], type_=ARRAY(Integer), literal_execute=inline)
        return column == any_(cast(array, ARRAY(Integer)))  # type: ignore[no-any-return]
    if dialect == "sqlite":
        listed = sql_func.json_each(bindparam(None, json.dumps(ids))).table_valued("value")
        return column.in_(select(literal_column("value", Integer)).select_from(listed))  # type: ignore[no-any-return]
    return column.in_(ids)  # type: ignore[no-any-return]


def _word_ids(session: Session, word: str, within: list[int] | None) -> list[int]:
    query = select(CaseSearchTerm.case_id).where(
        CaseSearchTerm.term >= word, CaseSearchTerm.term < word + "{"
    )
    connection = session.connection()  # plain rows: thousands of ids need no ORM
    if within is not None:
        case_id: Any = CaseSearchTerm.case_id
        if len(within) > PROBE_LIMIT and session.get_bind().dialect.name == "sqlite":
            # Many candidates: walk the word's stretch of the (term, case_id) index once
            # instead of probing every candidate's terms (SQLite would pick the probes).
            case_id = CaseSearchTerm.case_id + 0
        return list(
            set(
                connection.execute(
                    query.where(id_in(session=session, column=case_id, ids=within, inline=True))
                ).scalars()
            )
        )
    return list(connection.execute(query.limit(NARROW_CAP + 1)).scalars())


def narrowing(
    *, session: Session, query: str
) -> tuple[list[int] | None, ColumnElement[bool] | None]:
    """Split a search into what is cheapest: ``(ids, clause)``.

    Each word's matches are read from the index, up to :data:`NARROW_CAP`. Once one word has
    few matches, the others are looked up only among those (an indexed lookup of ``(term,
    case_id)``), so the result is an explicit id list and the database sorts at most a few
    thousand rows however common the other words are. When every word matches very many cases
    they stay a clause, which the database checks while walking the list in its sort order.
    ``(None, None)`` when the query has no words; an empty list when nothing matches.
    """
    query_words = list(dict.fromkeys(words(query)))[:MAX_QUERY_WORDS]
    if not query_words:
        return None, None
    narrow: list[int] | None = None
    broad: list[str] = []
    for word in query_words:
        found = _word_ids(session, word, narrow)
        if narrow is None and len(found) > NARROW_CAP:
            broad.append(word)
            continue
        narrow = sorted(set(found))
        if not narrow:
            return [], None
    if narrow is not None:
        for word in broad:  # common words, now looked up among the few candidates
            narrow = sorted(set(_word_ids(session, word, narrow)))
        return narrow, None
    return None, matching_clause(" ".join(broad))


def _affected_case_ids(session: Session) -> tuple[set[int], set[int]]:
    """(case ids to reindex, person ids whose case must be looked up) of the pending flush."""
    case_ids: set[int] = set()
    person_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Case) and obj.id is not None:
            case_ids.add(obj.id)
        elif isinstance(obj, Count) and obj.case_id is not None:
            case_ids.add(obj.case_id)
        elif isinstance(obj, Person) and obj.id is not None:
            person_ids.add(obj.id)
    return case_ids, person_ids


_SCHEMA_HAS: dict[tuple[str, str, str | None], bool] = {}


def _schema_has(connection: Connection, table: str, column: str | None = None) -> bool:
    """Whether this database has ``table`` (and its ``column``) yet. A database migrated before
    the word index gets it, and a full rebuild, when the web app starts; one migrated before
    the name sort key gets the key copied by the migration that adds it. Remembered per URL
    once true (checked again while false: the database may be upgraded by this process)."""
    key = (connection.engine.url.render_as_string(hide_password=True), table, column)
    if not _SCHEMA_HAS.get(key):
        from sqlalchemy import inspect

        found = inspect(connection)
        _SCHEMA_HAS[key] = found.has_table(table) and (
            column is None or column in {c["name"] for c in found.get_columns(table)}
        )
    return _SCHEMA_HAS[key]


@event.listens_for(Session, "after_flush")
def _follow_case_changes(session: Session, _context: Any) -> None:
    case_ids, person_ids = _affected_case_ids(session)
    if not case_ids and not person_ids:
        return
    connection = session.connection()
    if not _schema_has(connection, CaseSearchTerm.__tablename__):
        return
    if person_ids:
        case_ids |= set(connection.scalars(select(Case.id).where(Case.person_id.in_(person_ids))))
    existing = set(connection.scalars(select(Case.id).where(Case.id.in_(case_ids))))
    gone = case_ids - existing
    if gone:
        connection.execute(delete(CaseSearchTerm).where(CaseSearchTerm.case_id.in_(gone)))
    reindex(connection, existing)
