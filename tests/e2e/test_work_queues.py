"""Work queues in a real browser: a task the system created (``clemency tasks refresh``) is
completed from the dashboard's "My tasks"; a person in the screening queue is dismissed with a
reason and another snoozed. Screenshots at desktop width and at 390 px."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DemoServer, shot
from tests.e2e.conftest import sign_in as sign_in_as
from tests.e2e.test_browser import CLINIC, watch_for_errors

pytestmark = pytest.mark.e2e


def _database(server: DemoServer) -> str:
    return f"sqlite:///{server.tmp / 'demo.db'}"


def _clinic_cases(server: DemoServer, *, assigned_to: str | None, count: int) -> list[int]:
    """Synthetic cases of the clinic without a petition (assigned to ``assigned_to`` if given)."""
    from sqlalchemy import exists, select

    from clemency.accounts.models import Organization, User
    from clemency.cases.models import Case, CaseAssignment
    from clemency.db.session import make_engine, unit_of_work
    from clemency.petitions.models import Petition

    engine = make_engine(_database(server))
    try:
        with unit_of_work(engine) as session:
            query = (
                select(Case.id)
                .join(Organization, Organization.id == Case.organization_id)
                .where(
                    Organization.slug == CLINIC,
                    Case.id != server.alice_case_id,
                    ~exists().where(Petition.case_id == Case.id),
                )
                .order_by(Case.id)
            )
            if assigned_to is not None:
                query = query.where(
                    exists().where(
                        CaseAssignment.case_id == Case.id,
                        CaseAssignment.user_id == User.id,
                        User.email == assigned_to,
                    )
                )
            return list(session.scalars(query.limit(count)))
    finally:
        engine.dispose()


def _add(server: DemoServer, *rows: object) -> None:
    from clemency.db.session import make_engine, unit_of_work

    engine = make_engine(_database(server))
    try:
        with unit_of_work(engine) as session:
            session.add_all(rows)
    finally:
        engine.dispose()


def test_a_task_made_by_the_system_is_completed(page, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    from clemency.petitions.models import SupportLetter

    volunteer = demo_server.email(CLINIC, "volunteer")
    case_id = _clinic_cases(demo_server, assigned_to=volunteer, count=1)[0]
    _add(
        demo_server,
        SupportLetter(
            case_id=case_id,
            author_name="Pastor Lee Grant",
            status="requested",
            requested_on=date.today() - timedelta(days=20),
        ),
    )
    env = {**os.environ, "CLEMENCY_DATABASE_URL": _database(demo_server)}
    command = [sys.executable, "-m", "clemency.cli.main", "tasks", "refresh"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert " created (" in first.stdout
    assert " letter" in first.stdout  # the demo has other letters waiting too
    again = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert " 0 created" in again.stdout  # idempotent

    problems = watch_for_errors(page)
    sign_in_as(page, demo_server, CLINIC, "volunteer")
    mine = page.locator("#my-tasks")
    expect(mine.get_by_text("Follow up: the letter from").first).to_be_visible()  # loaded
    shot(page, "30-dashboard-my-tasks")
    mine.get_by_role("link", name="My tasks").click()
    page.wait_for_url(demo_server.url + "/tasks")
    task = page.get_by_role("listitem").filter(has_text="Pastor Lee Grant")
    expect(task).to_contain_text("overdue")
    shot(page, "31-my-tasks")
    task.locator("a").first.click()  # the case
    page.wait_for_url(f"{demo_server.url}/cases/{case_id}")
    panel = page.locator("#case-tasks")
    expect(panel.get_by_text("added by the system")).to_be_visible()
    panel.get_by_role(
        "button", name="Mark done: Follow up: the letter from Pastor Lee Grant"
    ).click()
    page.wait_for_url(f"{demo_server.url}/cases/{case_id}?saved=1")
    expect(page.locator("#case-tasks").get_by_text("No open tasks.")).to_be_visible()
    page.goto(f"{demo_server.url}/cases/{case_id}/tasks")
    done = page.get_by_role("listitem").filter(has_text="Pastor Lee Grant")
    expect(done).to_contain_text(f"by {volunteer}")
    shot(page, "32-case-tasks")
    page.goto(f"{demo_server.url}/cases/{case_id}/activity")
    expect(page.get_by_text("completed a task").first).to_be_visible()
    expect(page.get_by_text("The system added a task").first).to_be_visible()
    shot(page, "33-case-activity")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{demo_server.url}/cases/{case_id}/tasks")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "34-case-tasks-phone")
    assert problems == []


def test_dismiss_and_snooze_people_in_the_screening_queue(page, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    from clemency.reviews.models import CaseScreening

    first, second = _clinic_cases(demo_server, assigned_to=None, count=60)[-2:]
    from sqlalchemy import delete

    from clemency.db.session import make_engine, unit_of_work

    engine = make_engine(_database(demo_server))
    with unit_of_work(engine) as session:
        session.execute(delete(CaseScreening).where(CaseScreening.case_id.in_([first, second])))
    engine.dispose()
    today = date.today()
    _add(
        demo_server,
        CaseScreening(
            case_id=first, ruleset_id="us-federal/commutation", outcome="eligible",
            as_of=today, determination_json="{}",
        ),
        CaseScreening(
            case_id=second, ruleset_id="us-federal/pardon", outcome="ineligible",
            as_of=today, eligible_on=today + timedelta(days=12), determination_json="{}",
        ),
    )  # fmt: skip
    problems = watch_for_errors(page)
    sign_in_as(page, demo_server, CLINIC, "attorney")
    page.goto(demo_server.url + "/queues?within=30")
    one = page.locator(f"#q-{first}")
    two = page.locator(f"#q-{second}")
    expect(one).to_contain_text("eligible now")
    expect(two).to_contain_text("in 12 days")
    shot(page, "35-screening-queue")

    one.get_by_text("Dismiss or snooze").click()
    one.get_by_label("Reason").select_option(label="Represented elsewhere")
    one.get_by_role("button", name="Dismiss").click()
    expect(page.get_by_role("status")).to_have_text("Dismissed.")
    expect(page.locator(f"#q-{first}")).to_have_count(0)

    two = page.locator(f"#q-{second}")
    two.get_by_text("Dismiss or snooze").click()
    two.get_by_label("Snooze until").fill((today + timedelta(days=7)).isoformat())
    two.get_by_role("button", name="Snooze").click()
    expect(page.get_by_role("status")).to_have_text("Snoozed.")
    expect(page.locator(f"#q-{second}")).to_have_count(0)

    page.get_by_role("link", name="Dismissed").click()
    expect(page.locator(f"#q-{first}")).to_contain_text("Dismissed: Represented elsewhere")
    report = page.locator("section", has=page.get_by_role("heading", name="Dismissals and snoozes"))
    expect(report.get_by_role("row", name="Represented elsewhere")).to_contain_text("1")
    shot(page, "36-screening-queue-dismissed")
    page.get_by_role("link", name="Snoozed").click()
    expect(page.locator(f"#q-{second}")).to_contain_text("Snoozed until")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_server.url + "/queues?within=3650")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "37-screening-queue-phone")
    assert problems == []
