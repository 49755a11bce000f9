"""Sending e-mail: one message builder, three backends, and a record of every attempt.

Backends (``CLEMENCY_MAIL_BACKEND``): ``smtp`` (``CLEMENCY_SMTP_*``: STARTTLS, implicit TLS or
a plain local relay, with a user and password from the environment), ``file`` (each message is
written as an ``.eml`` file to ``CLEMENCY_MAIL_DIR``; the demo uses it) and ``none``.

Bodies never carry case data: no names of the person seeking clemency, no offense, no case
number. A message says what is asked and gives a link; the page behind the link shows the rest to
whoever holds it. Every attempt leaves a :class:`~clemency.ops.models.SentEmail` row (without the
body, which holds the link). A failure to send is recorded and returned, not raised: the letter
request stands and staff can still copy the link from the page.
"""

from __future__ import annotations

import re
import smtplib
import ssl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape
from pathlib import Path

from sqlalchemy.orm import Session

from clemency.config import Settings
from clemency.ops import metrics
from clemency.ops.models import SentEmail

_ADDRESS = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+")


def looks_like_address(text: str | None) -> bool:
    """Whether ``text`` is a single plain e-mail address (a contact may be a phone number)."""
    return bool(text) and _ADDRESS.fullmatch(str(text).strip()) is not None


@dataclass(frozen=True)
class Outgoing:
    kind: str
    to: str
    subject: str
    text: str
    html: str


def build(settings: Settings, outgoing: Outgoing) -> EmailMessage:
    """A multipart/alternative message: plain text first, then HTML."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = outgoing.to
    message["Subject"] = outgoing.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(outgoing.text)
    message.add_alternative(outgoing.html, subtype="html")
    return message


@contextmanager
def smtp_connection(settings: Settings) -> Iterator[smtplib.SMTP]:
    """A connected SMTP client, TLS per ``CLEMENCY_SMTP_SECURITY`` and logged in if a user is
    set; the server's certificate is verified (against ``CLEMENCY_SMTP_CA_FILE`` when given)."""
    cafile = str(settings.smtp_ca_file) if settings.smtp_ca_file else None
    context = ssl.create_default_context(cafile=cafile)
    timeout = settings.smtp_timeout_seconds
    client: smtplib.SMTP
    if settings.smtp_security == "tls":
        client = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with client:
        if settings.smtp_security == "starttls":
            client.starttls(context=context)
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            client.login(settings.smtp_user, password)
        yield client


def _send_smtp(settings: Settings, message: EmailMessage) -> None:
    with smtp_connection(settings) as client:
        client.send_message(message)


def _write_file(settings: Settings, message: EmailMessage) -> None:
    """Write the message atomically as ``<time>-<random>.eml`` in the mail folder."""
    folder = settings.mail_dir
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "wb", dir=folder, prefix=".sending-", suffix=".eml", delete=False
    ) as handle:
        handle.write(message.as_bytes())
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    Path(handle.name).replace(folder / f"{stamp}-{Path(handle.name).stem[9:]}.eml")


def send(
    *, session: Session, settings: Settings, outgoing: Outgoing, case_id: int | None = None
) -> SentEmail:
    """Send ``outgoing`` through the configured backend and record the attempt (flushes)."""
    message = build(settings, outgoing)
    backend = settings.mail_backend
    status, error = "skipped", None
    try:
        if backend == "smtp":
            _send_smtp(settings, message)
            status = "sent"
        elif backend == "file":
            _write_file(settings, message)
            status = "written"
    except (OSError, smtplib.SMTPException) as failure:
        status, error = "failed", f"{type(failure).__name__}: {failure}"[:500]
    record = SentEmail(
        kind=outgoing.kind,
        recipient=outgoing.to,
        subject=outgoing.subject,
        backend=backend,
        status=status,
        error=error,
        message_id=str(message["Message-ID"]),
        case_id=case_id,
    )
    session.add(record)
    session.flush()
    metrics.MAIL_SENT.labels(outgoing.kind, status).inc()
    return record


def compose(
    *, kind: str, to: str, subject: str, before: list[str], link: str, after: list[str]
) -> Outgoing:
    """A short message: greeting, paragraphs, one link, paragraphs; text and HTML alike."""
    paragraphs = ["Hello,", *before]
    text = "\n\n".join([*paragraphs, link, *after]) + "\n"
    html = (
        "<!doctype html><html><body>"
        + "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        + f'<p><a href="{escape(link)}">{escape(link)}</a></p>'
        + "".join(f"<p>{escape(p)}</p>" for p in after)
        + "</body></html>"
    )
    return Outgoing(kind=kind, to=to.strip(), subject=subject, text=text, html=html)


def _day(moment: datetime | date) -> str:
    return f"{moment:%B} {moment.day}, {moment:%Y}"


IGNORE = "If you did not expect this message, you can ignore it."


def letter_link(*, to: str, link: str, expires_at: datetime) -> Outgoing:
    """The message carrying a supporter's private upload link (no case data in it)."""
    return compose(
        kind="letter_link",
        to=to,
        subject="A request for a letter of support",
        before=[
            "You have been asked to write a letter of support for a clemency petition.\n"
            "Open this private link to see whom the letter is for and to send it:"
        ],
        link=link,
        after=[
            f"The link works once and expires on {_day(expires_at)}. Do not forward this "
            "message: anyone with the link can upload a letter.",
            IGNORE,
        ],
    )


def invitation(*, to: str, link: str, organization: str, expires_at: datetime) -> Outgoing:
    """The invitation link an admin's invitation mails (the organization's name, nothing else)."""
    return compose(
        kind="invitation",
        to=to,
        subject=f"Invitation to join {organization} on Clemency",
        before=[
            f"You have been invited to join {organization} on Clemency. Open this link to "
            "accept with your existing account or a new one:"
        ],
        link=link,
        after=[f"The link expires on {_day(expires_at)}. Do not forward this message.", IGNORE],
    )


def letter_reminder(*, to: str, link: str, requested_on: date, days: int) -> Outgoing:
    """To the staff member who asked: a letter requested ``days`` ago has not come back."""
    return compose(
        kind="letter_reminder",
        to=to,
        subject="A letter of support has not come back",
        before=[
            f"A letter of support you requested on {_day(requested_on)} has not been "
            f"returned after {days} days. The case's letters are here (sign in to see "
            "them):"
        ],
        link=link,
        after=["You may want to follow up with the supporter or send a new link."],
    )


def deadline_digest(*, to: str, link: str, due: list[date], on: date) -> Outgoing:
    """Tasks due soon: only how many and when, never what they are about."""
    overdue = sum(1 for d in due if d < on)
    dates = ", ".join(sorted({_day(d) for d in due if d >= on}))
    parts = []
    if overdue:
        parts.append(f"{overdue} of your open tasks are past their due date.")
    if dates:
        parts.append(f"Tasks of yours are due on: {dates}.")
    return compose(
        kind="deadline_digest",
        to=to,
        subject=f"Clemency: {len(due)} task{'s' if len(due) != 1 else ''} due soon",
        before=[*parts, "Your tasks (sign in to see them):"],
        link=link,
        after=["Change how often you get these messages on your account page."],
    )


def send_letter_link(
    *,
    session: Session,
    settings: Settings,
    contact: str | None,
    link: str,
    expires_at: datetime,
    case_id: int | None,
) -> SentEmail | None:
    """E-mail the private link when the supporter's contact is an address; else nothing."""
    if not contact or not looks_like_address(contact):
        return None
    return send(
        session=session,
        settings=settings,
        outgoing=letter_link(to=contact, link=link, expires_at=expires_at),
        case_id=case_id,
    )
