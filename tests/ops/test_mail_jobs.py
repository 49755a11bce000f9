"""Invitations and the daily reminders, through a real SMTP server (aiosmtpd) reading back what
arrived; the reminders run as a background job (thread backend)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from clemency.accounts.models import Membership, User
from clemency.db.session import unit_of_work
from clemency.jobs.models import Job
from clemency.jobs.thread import Runner
from clemency.ops import reminders
from clemency.ops.models import SentEmail
from clemency.tasks.models import Task
from tests.integration.web.conftest import csrf_of, sign_in
from tests.ops.test_mail import SUPPORTER, _Auth, _Inbox, smtp_server, web

__all__ = ["smtp_server", "web"]
# The tests' own SMTP server (aiosmtpd on the loopback) requires AUTH without TLS on purpose,
# so no certificate is needed; aiosmtpd warns about that set-up when it starts. Only that.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Requiring AUTH while not requiring TLS:UserWarning:aiosmtpd.smtp"
)
PRIVATE = ("Alice", "Johnson", "Arcala", "Warden", "Call the warden")


def _bodies(message: Any) -> tuple[str, str]:
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None
    assert html is not None
    return plain.get_content(), html.get_content()


def _admin_of(engine: Any, staff_email: str) -> tuple[str, int]:
    with unit_of_work(engine) as session:
        staff = session.scalar(select(User).where(User.email == staff_email))
        assert staff is not None
        org = session.scalar(
            select(Membership.organization_id).where(Membership.user_id == staff.id)
        )
        admin = session.scalar(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == org, Membership.role == "admin")
        )
        assert admin is not None
        assert org is not None
        return admin.email, org


def test_an_invitation_mails_its_link(web: Any, smtp_server: tuple[int, _Inbox, _Auth]) -> None:
    app, engine, _case_id, staff_email = web
    _port, inbox, _auth = smtp_server
    admin_email, org = _admin_of(engine, staff_email)
    client = TestClient(app, follow_redirects=False)
    sign_in(client, admin_email)
    token = csrf_of(client, f"/admin/users?org={org}")
    made = client.post(
        f"/admin/users?org={org}",
        data={
            "csrf_token": token,
            "email": "new.paralegal@example.org",
            "role": "viewer",
            "display_name": "New Paralegal",
        },
    )
    assert made.status_code == 200, made.text[-500:]
    assert "It was e-mailed to new.paralegal@example.org." in made.text
    shown = re.search(r'id="invitation-link" readonly size="90" value="([^"]+)"', made.text)
    assert shown is not None
    assert shown.group(1).startswith("https://clemency.example.org/invitations/")
    assert inbox.envelopes == [("clinic@example.org", ["new.paralegal@example.org"])]
    message = inbox.messages[0]
    assert message["Subject"].startswith("Invitation to join ")
    plain, html = _bodies(message)
    assert shown.group(1) in plain
    assert f'href="{shown.group(1)}"' in html
    # the link that arrived opens the invitation
    path = shown.group(1).removeprefix("https://clemency.example.org")
    assert TestClient(app).get(path).status_code == 200
    with unit_of_work(engine) as session:
        kinds = [(m.kind, m.status) for m in session.scalars(select(SentEmail))]
    assert kinds == [("invitation", "sent")]
    # the record is on the admin page, without the body
    page = client.get(f"/admin/jobs?org={org}")
    assert "new.paralegal@example.org" in page.text
    assert shown.group(1) not in page.text


def test_daily_reminders_digest_letters_and_preferences(
    web: Any, smtp_server: tuple[int, _Inbox, _Auth]
) -> None:
    app, engine, case_id, staff_email = web
    _port, inbox, _auth = smtp_server
    settings = app.state.settings.model_copy(update={"jobs_backend": "thread"})
    today = date.today()
    # A letter requested through the page, then left 30 days without an answer.
    staff = TestClient(app, follow_redirects=False)
    sign_in(staff, staff_email)
    token = csrf_of(staff, f"/cases/{case_id}/petitions")
    made = staff.post(
        f"/cases/{case_id}/letters",
        data={
            "csrf_token": token,
            "author_name": "Arcala Washington-Adduci",
            "relationship": "Warden",
            "contact": SUPPORTER,
        },
    )
    assert made.status_code == 200
    inbox.messages.clear()
    inbox.envelopes.clear()
    admin_email, _org = _admin_of(engine, staff_email)
    from clemency.petitions.models import SupportLetter

    with unit_of_work(engine) as session:
        letter = session.scalar(select(SupportLetter).where(SupportLetter.case_id == case_id))
        assert letter is not None
        letter.requested_on = today - timedelta(days=30)
        staff_user = session.scalar(select(User).where(User.email == staff_email))
        admin = session.scalar(select(User).where(User.email == admin_email))
        assert staff_user is not None
        assert admin is not None
        for days, who in ((3, staff_user), (-2, staff_user), (40, staff_user), (1, admin)):
            session.add(
                Task(
                    case_id=case_id,
                    title=f"Call the warden {days}",
                    due_on=today + timedelta(days=days),
                    assignee_id=who.id,
                    created_by_label="test",
                )
            )
        session.flush()
        reminders.set_preference(session=session, user_id=admin.id, deadlines="off")

    for _ in range(2):  # the second day-run is the same job (its key): nothing sent twice
        reminders.queue_daily(engine, settings, today)
        Runner(engine, settings).run_due()

    by_to = {env[1][0]: msg for env, msg in zip(inbox.envelopes, inbox.messages, strict=True)}
    assert len(inbox.messages) == 2, [m["Subject"] for m in inbox.messages]
    assert set(by_to) == {staff_email}  # the admin chose "off"; the far task is not due soon
    subjects = sorted(m["Subject"] for m in inbox.messages)
    assert subjects == ["A letter of support has not come back", "Clemency: 2 tasks due soon"]
    for message in inbox.messages:
        assert message["To"] == staff_email
        plain, html = _bodies(message)
        for private in PRIVATE:
            assert private not in plain
            assert private not in html
    digest = next(m for m in inbox.messages if m["Subject"].startswith("Clemency:"))
    plain, _html = _bodies(digest)
    assert "1 of your open tasks are past their due date." in plain
    due = today + timedelta(days=3)
    assert f"{due:%B} {due.day}, {due:%Y}" in plain
    assert "https://clemency.example.org/tasks" in plain
    reminder = next(m for m in inbox.messages if m["Subject"].startswith("A letter"))
    assert f"https://clemency.example.org/cases/{case_id}" in _bodies(reminder)[0]
    with unit_of_work(engine) as session:
        job = session.scalar(select(Job).where(Job.kind == "daily_reminders"))
        assert job is not None
        assert job.status == "done"
        assert job.result == {"letter_reminders": 1, "deadline_messages": 1}
        assert (
            session.scalar(select(Job.id).where(Job.kind == "daily_reminders", Job.id != job.id))
            is None
        )
