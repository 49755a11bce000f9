"""The case list gives the same pages whichever plan it picks: ids bound as one parameter,
a common word checked by walking the index, a common stage walked in name order. Each plan
is forced by lowering its threshold and compared with a reference computed in Python."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from clemency.cases.models import Case
from clemency.search import listing
from clemency.search import service as search
from clemency.testing.factories import World, make_case

GIVEN = ["Alice", "Alina", "Bruno", "Carla"]
FAMILY = ["Johnson", "Jones", "Keller"]
STAGES = ["intake", "screening", "building"]


@pytest.fixture
def many(session: Session, world: World) -> list[Case]:
    """36 cases in organization ``a`` with repeating names, stages and offenses."""
    admin = world.users[("a", "admin")]
    made = []
    for serial, (given, family, stage) in enumerate(
        itertools.islice(itertools.cycle(itertools.product(GIVEN, FAMILY, STAGES)), 36)
    ):
        made.append(
            make_case(
                session,
                admin,
                world.orgs["a"],
                reference=f"L-{serial:03d}",
                stage=stage,
                person={"given_name": given, "family_name": family},
            )
        )
    session.commit()
    return made


def _reference(session: Session, world: World, words: list[str], stage: str = "") -> list[str]:
    """Visible references matching every word (prefix of a name word) and the stage, by name."""
    visible = session.scalars(
        select(Case).where(Case.organization_id == world.orgs["a"].id).order_by(Case.id)
    ).all()
    out = []
    for case in visible:
        terms = {w.lower() for w in (case.person.given_name, case.person.family_name)}
        terms.add(case.reference.lower())
        if all(any(t.startswith(word) for t in terms) for word in words) and (
            not stage or case.stage == stage
        ):
            out.append(((case.person.family_name, case.person.given_name, case.id), case.reference))
    return [reference for _key, reference in sorted(out)]


def _listed(session: Session, world: World, q: str, stage: str = "") -> list[str]:
    rows: list[str] = []
    for page in range(1, 20):
        result = listing.list_cases(
            session=session,
            user=world.users[("a", "attorney")],
            filters=listing.CaseFilters(q=q, stage=stage, sort="name", descending=False, page=page),
        )
        rows.extend(row.reference for row in result.rows)
        if not result.has_next:
            return rows
    raise AssertionError("too many pages")


@pytest.mark.parametrize(
    ("q", "stage"),
    [
        ("", ""),
        ("johnson", ""),
        ("ali", ""),
        ("ali johnson", ""),
        ("carla k", "screening"),
        ("jo", "intake"),
        ("nobody", ""),
    ],
)
def test_every_plan_lists_the_same_cases_as_the_reference(
    session: Session,
    world: World,
    many: list[Case],
    monkeypatch: pytest.MonkeyPatch,
    q: str,
    stage: str,
) -> None:
    monkeypatch.setattr(listing, "PAGE_SIZE", 4)  # several pages, so offsets are crossed too
    expected = _reference(session, world, q.split(), stage)
    for limits in (
        {},  # the default thresholds: every plan below stays unused at this size
        {"NARROW_CAP": 5, "PROBE_LIMIT": 1000},  # common words become clauses
        {"NARROW_CAP": 1000, "PROBE_LIMIT": 2},  # a common second word walks the index
    ):
        with monkeypatch.context() as patched:
            for name, value in limits.items():
                patched.setattr(search, name, value)
            assert _listed(session, world, q, stage) == expected, limits
    if stage:  # and with the stage treated as common (SQLite walks the name index)
        monkeypatch.setattr(listing, "COMMON_STAGE", 1)
        assert _listed(session, world, q, stage) == expected


def test_ids_bound_as_one_parameter_select_exactly_those_rows(
    session: Session, world: World, many: list[Case]
) -> None:
    wanted = sorted(case.id for case in many[::3])
    for ids in (wanted, wanted[:1], []):
        found = session.scalars(
            select(Case.id)
            .where(search.id_in(session=session, column=Case.id, ids=ids))
            .order_by(Case.id)
        ).all()
        assert found == ids


@pytest.mark.parametrize("q", ["johnson", "ali", "ali johnson", "nobody"])
def test_the_total_counted_with_the_page_is_the_count(
    session: Session, world: World, many: list[Case], monkeypatch: pytest.MonkeyPatch, q: str
) -> None:
    monkeypatch.setattr(listing, "PAGE_SIZE", 4)
    user = world.users[("a", "attorney")]
    narrowed = search.narrowing(session=session, query=q)
    filters = listing.CaseFilters(q=q)
    counted = listing.count_cases(session=session, user=user, filters=filters, narrowed=narrowed)
    assert counted == len(_reference(session, world, q.split()))
    first = listing.list_cases(
        session=session, user=user, filters=filters, narrowed=narrowed, with_total=True
    )
    assert first.total == (counted or None)  # no rows, no total: the page counts on its own
    past = listing.CaseFilters(q=q, page=99)
    assert (
        listing.list_cases(session=session, user=user, filters=past, with_total=True).total is None
    )


# (family, given) of the cases of the ordering test, in the order they are created. Names that
# differ only by case or accents, and two exact twins (ORD-04 and ORD-05, told apart by id).
ORDERING_NAMES = [
    ("Zamora", "Ana"),  # ORD-01
    ("zamora", "Ana"),  # ORD-02
    ("Álvarez", "Luis"),  # ORD-03
    ("Alvarez", "Luis"),  # ORD-04
    ("Alvarez", "Luis"),  # ORD-05
    ("Alvarez", "luis"),  # ORD-06
    ("Alvarez", "Lucía"),  # ORD-07
    ("Öztürk", "Emre"),  # ORD-08
    ("Ozturk", "Emre"),  # ORD-09
]
# Written out by hand, not computed: family name, then given name, character by character in
# code point order (the order of SQLite and of PostgreSQL's C collations: capitals before small
# letters, accented letters after every unaccented one), then the older case first.
BY_NAME = [
    "ORD-07",  # Alvarez Lucía
    "ORD-04",  # Alvarez Luis
    "ORD-05",  # Alvarez Luis, created after ORD-04
    "ORD-06",  # Alvarez luis
    "ORD-09",  # Ozturk Emre
    "ORD-01",  # Zamora Ana
    "ORD-02",  # zamora Ana
    "ORD-03",  # Álvarez Luis
    "ORD-08",  # Öztürk Emre
]


def _byte_ordered_collation(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True  # SQLite compares text as bytes (BINARY)
    collation = session.scalar(
        text("SELECT datcollate FROM pg_database WHERE datname = current_database()")
    )
    return str(collation) in {"C", "POSIX", "C.UTF-8", "C.utf8", "ucs_basic"}


def test_a_search_sorted_by_name_orders_accents_case_and_twins_as_written_out(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _byte_ordered_collation(session):
        pytest.skip("the expected order is that of a C collation; this database sorts by locale")
    admin = world.users[("a", "admin")]
    for serial, (family, given) in enumerate(ORDERING_NAMES, 1):
        make_case(
            session,
            admin,
            world.orgs["a"],
            reference=f"ORD-{serial:02d}",
            person={"given_name": given, "family_name": family},
            confirm_different_person=True,  # the twins
        )
    session.commit()
    monkeypatch.setattr(listing, "PAGE_SIZE", 4)  # pages cross the twins and the accents
    user = world.users[("a", "attorney")]

    def listed(sort: str, descending: bool) -> list[str]:
        rows: list[str] = []
        for page in itertools.count(1):
            filters = listing.CaseFilters(q="ord", sort=sort, descending=descending, page=page)
            result = listing.list_cases(session=session, user=user, filters=filters)
            rows.extend(row.reference for row in result.rows)
            if not result.has_next:
                return rows
        raise AssertionError("unreachable")

    created = [f"ORD-{serial:02d}" for serial in range(1, len(ORDERING_NAMES) + 1)]
    for limits in ({}, {"NARROW_CAP": 0}):  # candidate ids sorted on cases; a clause on people
        with monkeypatch.context() as patched:
            for name, value in limits.items():
                patched.setattr(search, name, value)
            assert listed("name", descending=False) == BY_NAME, limits
            assert listed("name", descending=True) == BY_NAME[::-1], limits
            assert listed("updated", descending=True) == created[::-1], limits
            assert listed("reference", descending=False) == created, limits
