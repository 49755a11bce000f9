"""Checks of a deployment, each with what to fix: the engine of `clemency doctor`."""

from __future__ import annotations

import os
import smtplib
import tempfile
from dataclasses import dataclass

from clemency.config import PLACEHOLDER_SECRET, Settings


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    detail: str
    fix: str | None = None


def check_environment(settings: Settings) -> Finding:
    if settings.environment == "production":
        return Finding("profile", True, "production")
    return Finding(
        "profile",
        False,
        f"CLEMENCY_ENVIRONMENT is {settings.environment}",
        "set CLEMENCY_ENVIRONMENT=production on a server people use",
    )


def check_secret(settings: Settings) -> Finding:
    value = settings.secret_key.get_secret_value()
    if value == PLACEHOLDER_SECRET or len(value) < 32:
        return Finding(
            "secret key",
            False,
            "CLEMENCY_SECRET_KEY is the development placeholder or shorter than 32 characters",
            "set CLEMENCY_SECRET_KEY to the output of "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'` and keep it",
        )
    return Finding("secret key", True, f"set ({len(value)} characters)")


def check_database(settings: Settings) -> Finding:
    from sqlalchemy.engine import make_url

    from clemency.db.session import make_engine
    from clemency.ops import health

    url = make_url(settings.database_url)
    shown = url.render_as_string(hide_password=True)
    is_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if is_file and not os.path.exists(str(url.database)):  # connecting would create the file
        return Finding(
            "database",
            False,
            f"{shown}: the SQLite file does not exist",
            "check CLEMENCY_DATABASE_URL, or create it with `clemency db upgrade`",
        )
    engine = make_engine(settings.database_url)
    try:
        result = health.check(engine)
    finally:
        engine.dispose()
    if result.ok:
        return Finding("database", True, f"{shown} at {', '.join(result.database_heads)}")
    fix = (
        "run `clemency db upgrade`"
        if result.reason and "upgrade" in result.reason
        else "check CLEMENCY_DATABASE_URL and that the database server runs and accepts you"
    )
    return Finding("database", False, f"{shown}: {result.reason}", fix)


def _writable(folder: os.PathLike[str] | str) -> str | None:
    """None when a file can be created in ``folder``, else why not."""
    if not os.path.isdir(folder):
        return "does not exist"
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".clemency-doctor-"):
            pass
    except OSError as error:
        return error.strerror or str(error)
    return None


def check_files(settings: Settings) -> Finding:
    problem = _writable(settings.data_dir)
    if problem is None:
        return Finding("files directory", True, f"{settings.data_dir} is writable")
    return Finding(
        "files directory",
        False,
        f"{settings.data_dir} {problem}",
        f"create {settings.data_dir} and give the service user write access "
        "(or set CLEMENCY_DATA_DIR)",
    )


def check_mail(settings: Settings) -> Finding:
    backend = settings.mail_backend
    if backend == "none":
        return Finding(
            "mail",
            False,
            "CLEMENCY_MAIL_BACKEND is none: supporters' links are not e-mailed",
            "set CLEMENCY_MAIL_BACKEND=smtp and CLEMENCY_SMTP_HOST/PORT/SECURITY/USER/PASSWORD",
        )
    if not settings.public_url:
        return Finding(
            "mail",
            False,
            "CLEMENCY_PUBLIC_URL is not set: links in e-mail would use each request's address",
            "set CLEMENCY_PUBLIC_URL to the site's https:// address",
        )
    if backend == "file":
        problem = _writable(settings.mail_dir)
        if problem:
            return Finding(
                "mail", False, f"{settings.mail_dir} {problem}", f"create {settings.mail_dir}"
            )
        return Finding("mail", True, f"written to {settings.mail_dir} (not sent)")
    where = f"{settings.smtp_host}:{settings.smtp_port} ({settings.smtp_security})"
    from clemency.ops.mail import smtp_connection

    try:
        with smtp_connection(settings) as client:
            client.noop()
    except (OSError, smtplib.SMTPException) as error:
        return Finding(
            "mail",
            False,
            f"SMTP {where}: {type(error).__name__}: {error}",
            "check CLEMENCY_SMTP_HOST, _PORT, _SECURITY, _USER and _PASSWORD",
        )
    return Finding("mail", True, f"SMTP {where} accepts us")


def check_queue(settings: Settings) -> Finding:
    """The job queue: procrastinate's tables answer (PostgreSQL) or the thread backend is used;
    also how many jobs wait and how many failed for good."""
    from clemency.db.session import make_engine, unit_of_work
    from clemency.jobs import service as jobs

    engine = make_engine(settings.database_url)
    try:
        status = jobs.queue_status(engine, settings)
        if not status.ok:
            return Finding(
                "job queue",
                False,
                f"{status.backend}: {status.reason}",
                "run `clemency db upgrade`; check CLEMENCY_JOBS_BACKEND",
            )
        try:
            with unit_of_work(engine) as session:
                counts = jobs.counts(session=session)
        except Exception as error:  # the database check above says what is wrong with it
            return Finding(
                "job queue",
                False,
                f"{status.backend}: jobs table unreadable ({type(error).__name__})",
                "run `clemency db upgrade`",
            )
    finally:
        engine.dispose()
    queued = sum(n for (_k, s), n in counts.items() if s == "queued")
    failed = sum(n for (_k, s), n in counts.items() if s == "failed")
    runs = (
        "`clemency worker` (deploy/systemd/clemency-worker.service)"
        if status.backend == "procrastinate"
        else "a thread of `clemency serve`"
    )
    return Finding(
        "job queue",
        True,
        f"{status.backend}, run by {runs}; {queued} queued, {failed} failed (Admin → Jobs)",
    )


def run_checks(settings: Settings) -> list[Finding]:
    database = check_database(settings)
    queue = (
        check_queue(settings)
        if database.ok
        else Finding(
            "job queue",
            False,
            "not checked: the database is not ready",
            "fix the database first (above)",
        )
    )
    return [
        check_environment(settings),
        check_secret(settings),
        database,
        check_files(settings),
        check_mail(settings),
        queue,
    ]
