"""Daily reminders by e-mail, as one background job a day (``daily_reminders``):

- **letters not returned**: a letter still ``requested`` ``LETTER_FOLLOW_UP_DAYS`` after its
  request, not yet reminded, gets one message to the staff member who requested it (the
  supporter's link is not stored, only its hash, so the reminder goes to staff);
- **deadlines**: each active user with open tasks assigned and due within ``DEADLINE_DAYS`` (or
  overdue) gets, per their preference (:class:`~clemency.ops.models.MailPreference`), one
  digest a day or one message per task due, or nothing.

No message names a person, a case or a task: only dates, counts and a link to sign in.
Idempotent: the day's job is queued under the key ``reminders:<day>``; a letter carries
``reminded_on``; a user's digest of a day is not sent twice (``sent_emails``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from clemency.config import Settings
from clemency.db.session import unit_of_work
from clemency.jobs.registry import JobContext, job
from clemency.ops import mail
from clemency.ops.models import MailPreference, SentEmail

DEADLINE_DAYS = 7
SEND_HOUR_UTC = 7
"""The thread backend queues the day's reminders from this hour on (procrastinate: cron)."""


def queue_daily(engine: Engine, settings: Settings, day: date) -> None:
    """Queue the reminders of ``day`` once (a second call finds the job by its key)."""
    from clemency.jobs import service

    with unit_of_work(engine) as session:
        service.enqueue(
            session=session,
            settings=settings,
            kind="daily_reminders",
            payload={"day": day.isoformat()},
            key=f"reminders:{day.isoformat()}",
        )


def preference(*, session: Session, user_id: int) -> str:
    row = session.get(MailPreference, user_id)
    return row.deadlines if row is not None else "digest"


def set_preference(*, session: Session, user_id: int, deadlines: str) -> None:
    from clemency.errors import BadInput
    from clemency.ops.models import DEADLINE_MAIL

    if deadlines not in DEADLINE_MAIL:
        raise BadInput(f"choose one of {', '.join(DEADLINE_MAIL)}", field="deadlines")
    row = session.get(MailPreference, user_id)
    if row is None:
        session.add(MailPreference(user_id=user_id, deadlines=deadlines))
    else:
        row.deadlines = deadlines
    session.flush()


def _base(settings: Settings) -> str:
    return (settings.public_url or "http://localhost:8000").rstrip("/")


def _already_sent(session: Session, kind: str, to: str, day: date) -> bool:
    start = datetime.combine(day, time.min)
    return (
        session.scalar(
            select(func.count())
            .select_from(SentEmail)
            .where(
                SentEmail.kind == kind,
                SentEmail.recipient == to,
                SentEmail.status.in_(("sent", "written")),
                SentEmail.created_at >= start,
            )
        )
        or 0
    ) > 0


def letter_reminders(*, session: Session, settings: Settings, day: date) -> int:
    from clemency.accounts.models import User
    from clemency.petitions.deadlines import LETTER_FOLLOW_UP_DAYS
    from clemency.petitions.models import LetterRequest, SupportLetter

    cutoff = day - timedelta(days=LETTER_FOLLOW_UP_DAYS)
    rows = session.execute(
        select(LetterRequest, SupportLetter.requested_on, User.email)
        .join(SupportLetter, SupportLetter.id == LetterRequest.support_letter_id)
        .join(User, User.id == LetterRequest.requested_by_id)
        .where(
            SupportLetter.status == "requested",
            SupportLetter.requested_on <= cutoff,
            LetterRequest.reminded_on.is_(None),
            LetterRequest.used_at.is_(None),
            LetterRequest.revoked_at.is_(None),
            User.is_active.is_(True),
        )
        .order_by(LetterRequest.id)
    ).all()
    sent = 0
    for request, requested_on, email in rows:
        assert requested_on is not None  # the query's <= cutoff leaves out the empty ones
        record = mail.send(
            session=session,
            settings=settings,
            outgoing=mail.letter_reminder(
                to=email,
                link=f"{_base(settings)}/cases/{request.case_id}",
                requested_on=requested_on,
                days=(day - requested_on).days,
            ),
            case_id=request.case_id,
        )
        if record.status != "failed":
            request.reminded_on = day
            sent += 1
    session.flush()
    return sent


def deadline_reminders(*, session: Session, settings: Settings, day: date) -> int:
    from clemency.accounts.models import User
    from clemency.tasks.models import Task

    horizon = day + timedelta(days=DEADLINE_DAYS)
    rows = session.execute(
        select(User.id, User.email, Task.due_on)
        .join(Task, Task.assignee_id == User.id)
        .where(
            Task.done_at.is_(None),
            Task.due_on.is_not(None),
            Task.due_on <= horizon,
            User.is_active.is_(True),
        )
        .order_by(User.id, Task.due_on)
    ).all()
    by_user: dict[tuple[int, str], list[date]] = {}
    for user_id, email, due_on in rows:
        assert due_on is not None  # the query leaves tasks without a due date out
        by_user.setdefault((user_id, email), []).append(due_on)
    sent = 0
    for (user_id, email), due in by_user.items():
        choice = preference(session=session, user_id=user_id)
        if choice == "off" or _already_sent(session, "deadline_digest", email, day):
            continue
        batches = [due] if choice == "digest" else [[d] for d in due]
        for batch in batches:
            record = mail.send(
                session=session,
                settings=settings,
                outgoing=mail.deadline_digest(
                    to=email, link=f"{_base(settings)}/tasks", due=batch, on=day
                ),
            )
            sent += record.status != "failed"
    return sent


@job("daily_reminders", title="Daily e-mail reminders")
def daily_reminders(context: JobContext) -> dict[str, Any]:
    day = date.fromisoformat(str(context.payload["day"]))
    context.progress(0.1)
    letters = letter_reminders(session=context.session, settings=context.settings, day=day)
    deadlines = deadline_reminders(session=context.session, settings=context.settings, day=day)
    return {"letter_reminders": letters, "deadline_messages": deadlines}
