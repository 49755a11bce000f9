"""The screening queue: eligible now or within N days, no petition, from stored determinations;
dismissals with coded reasons and snoozes, audited and counted; unscreened cases screened in
the background only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.audit.models import AuditEvent
from clemency.errors import BadInput, CaseNotFound, PermissionDenied
from clemency.petitions.models import Petition
from clemency.queues import service as queues
from clemency.reviews.models import CaseScreening
from clemency.testing.factories import World, make_case

TODAY = date(2027, 3, 15)
NOW = datetime(2027, 3, 15, 9, 0, tzinfo=UTC)


def _screened(
    session: Session, case_id: int, outcome: str, eligible_on: date | None = None
) -> None:
    session.add(
        CaseScreening(
            case_id=case_id,
            ruleset_id="us-federal/commutation",
            outcome=outcome,
            as_of=TODAY - timedelta(days=3),
            eligible_on=eligible_on,
            determination_json="{}",
        )
    )
    session.flush()


def _ids(session: Session, world: World, **kwargs: object) -> list[int]:
    result = queues.queue(
        session=session,
        user=world.users[("a", "admin")],
        today=kwargs.pop("today", TODAY),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )
    return [row.case_id for row in result.rows]


@pytest.fixture
def people(session: Session, world: World) -> dict[str, int]:
    admin = world.users[("a", "admin")]
    org = world.orgs["a"]
    made = {name: make_case(session, admin, org).id for name in ("now", "soon", "far", "review")}
    made["petitioned"] = world.cases["a_other"].id
    _screened(session, made["now"], "eligible")
    _screened(session, made["soon"], "ineligible", TODAY + timedelta(days=30))
    _screened(session, made["far"], "ineligible", TODAY + timedelta(days=31))
    _screened(session, made["review"], "needs_review")
    _screened(session, made["petitioned"], "eligible")
    session.add(Petition(case_id=made["petitioned"], jurisdiction="us-federal", kind="pardon"))
    session.flush()
    return made


def test_the_queue_holds_the_eligible_and_almost_eligible_without_a_petition(
    session: Session, world: World, people: dict[str, int]
) -> None:
    assert _ids(session, world, within_days=30) == [people["now"], people["soon"]]
    assert _ids(session, world, within_days=31) == [people["now"], people["soon"], people["far"]]
    assert _ids(session, world, within_days=0) == [people["now"]]
    # A waiting date that has passed since the screening counts as eligible.
    later = queues.queue(
        session=session, user=world.users[("a", "admin")], today=TODAY + timedelta(days=40),
        within_days=0,
    )  # fmt: skip
    assert [(r.case_id, r.eligible_now(TODAY + timedelta(days=40))) for r in later.rows] == [
        (people["now"], True),
        (people["soon"], True),
        (people["far"], True),
    ]


def test_the_queue_shows_only_cases_the_user_may_see(
    session: Session, world: World, people: dict[str, int]
) -> None:
    other = queues.queue(session=session, user=world.users[("b", "admin")], today=TODAY)
    assert other.rows == []
    assert other.total == 0
    # a's volunteer sees only the case assigned to them, which is not screened.
    mine = queues.queue(session=session, user=world.users[("a", "volunteer")], today=TODAY)
    assert mine.total == 0


def test_the_queue_is_paginated(session: Session, world: World, people: dict[str, int]) -> None:
    admin = world.users[("a", "admin")]
    first = queues.queue(session=session, user=admin, today=TODAY, within_days=31, page_size=2)
    second = queues.queue(
        session=session, user=admin, today=TODAY, within_days=31, page=2, page_size=2
    )
    assert (first.total, first.has_next, second.has_next) == (3, True, False)
    assert [r.case_id for r in first.rows + second.rows] == [
        people["now"],
        people["soon"],
        people["far"],
    ]


def test_dismissing_and_snoozing_move_people_between_views_and_are_audited(
    session: Session, world: World, people: dict[str, int]
) -> None:
    attorney = world.users[("a", "attorney")]
    queues.dismiss(
        session=session, user=attorney, case_id=people["now"], reason="represented_elsewhere",
        now=NOW,
    )  # fmt: skip
    queues.snooze(
        session=session, user=attorney, case_id=people["soon"], until=TODAY + timedelta(days=7),
        now=NOW,
    )  # fmt: skip
    assert _ids(session, world, within_days=30) == []
    assert _ids(session, world, view="dismissed") == [people["now"]]
    assert _ids(session, world, view="snoozed") == [people["soon"]]
    # The snooze ends on its day: the person is back.
    back = _ids(session, world, today=TODAY + timedelta(days=7), within_days=23)
    assert back == [people["soon"]]
    details = [
        (e.case_id, e.actor_label, e.detail)
        for e in session.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "queue_decision")
        )
    ]
    assert details == [
        (people["now"], attorney.email, "dismissed: represented_elsewhere"),
        (people["soon"], attorney.email, "snoozed until 2027-03-22"),
    ]
    queues.restore(session=session, user=attorney, case_id=people["now"])
    assert _ids(session, world, within_days=30) == [people["now"]]


def test_the_report_counts_dismissals_by_reason_and_running_snoozes(
    session: Session, world: World, people: dict[str, int]
) -> None:
    admin = world.users[("a", "admin")]
    for key, reason in (
        ("now", "not_interested"),
        ("far", "not_interested"),
        ("review", "deceased"),
    ):
        queues.dismiss(session=session, user=admin, case_id=people[key], reason=reason, now=NOW)
    queues.snooze(
        session=session, user=admin, case_id=people["soon"], until=TODAY + timedelta(days=2),
        now=NOW,
    )  # fmt: skip
    report = queues.report(session=session, user=admin, today=TODAY)
    counts = {code: n for code, _words, n in report.dismissed_by_reason}
    assert (counts["not_interested"], counts["deceased"], counts["other"]) == (2, 1, 0)
    assert (report.dismissed, report.snoozed) == (3, 1)
    assert queues.report(session=session, user=admin, today=TODAY + timedelta(days=2)).snoozed == 0
    assert (
        queues.report(session=session, user=world.users[("b", "admin")], today=TODAY).dismissed == 0
    )


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"reason": "bored"}, "Choose a reason"),
        ({"reason": "other"}, "Say why in the note"),
        ({"reason": "other", "note": "x" * 1001}, "at most 1000"),
    ],
)
def test_a_dismissal_needs_a_coded_reason(
    session: Session, world: World, people: dict[str, int], kwargs: dict[str, str], fragment: str
) -> None:
    with pytest.raises(BadInput, match=fragment):
        queues.dismiss(
            session=session, user=world.users[("a", "admin")], case_id=people["now"], now=NOW,
            **kwargs,
        )  # fmt: skip


@pytest.mark.parametrize("until", [TODAY, TODAY - timedelta(days=1), TODAY + timedelta(days=3651)])
def test_a_snooze_ends_after_today_and_within_ten_years(
    session: Session, world: World, people: dict[str, int], until: date
) -> None:
    with pytest.raises(BadInput):
        queues.snooze(
            session=session, user=world.users[("a", "admin")], case_id=people["now"], until=until,
            now=NOW,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("who", "error"), [(("a", "viewer"), PermissionDenied), (("b", "attorney"), CaseNotFound)]
)
def test_only_who_may_change_the_case_decides(
    session: Session,
    world: World,
    people: dict[str, int],
    who: tuple[str, str],
    error: type[Exception],
) -> None:
    with pytest.raises(error):
        queues.dismiss(
            session=session, user=world.users[who], case_id=people["now"], reason="deceased",
            now=NOW,
        )  # fmt: skip


def test_within_is_bounded(session: Session, world: World) -> None:
    with pytest.raises(BadInput, match="between 0 and 3650"):
        _ids(session, world, within_days=3651)


def test_unscreened_cases_are_screened_in_batches_and_petitioned_ones_skipped(
    session: Session, world: World
) -> None:
    session.add(
        Petition(case_id=world.cases["b_case"].id, jurisdiction="us-federal", kind="pardon")
    )
    session.flush()
    looked, last = queues.screen_unscreened(session=session, as_of=TODAY, limit=1)
    assert (looked, last) == (1, world.cases["a_assigned"].id)
    looked, last = queues.screen_unscreened(session=session, as_of=TODAY, after_id=last, limit=5)
    assert (looked, last) == (1, world.cases["a_other"].id)
    assert queues.screen_unscreened(session=session, as_of=TODAY, after_id=last) == (0, None)
    screened = {s.case_id for s in session.scalars(select(CaseScreening))}
    assert screened == {world.cases["a_assigned"].id, world.cases["a_other"].id}
