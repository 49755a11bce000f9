"""Bulk screening from the browser: a roster upload, a run, a results file to download.

The upload is checked before it is kept: the name must end in ``.csv`` or ``.parquet``, the
content must look like it (Parquet magic bytes; CSV text without NUL bytes and with a header
line), and it must not exceed the size limit. The roster and its results live in a folder
``data_dir/screening-runs/<random id>/``; the run is a background job of kind ``screen_roster``
(:mod:`clemency.jobs`, whose public id is that random id and which says who ran it) and, once
screened, a :class:`~clemency.screening.models.ScreeningRun` row like the CLI's. A roster above
``CLEMENCY_JOBS_SCREENING_THRESHOLD_BYTES`` is queued (the page shows progress); a smaller one
runs at once through the same job function. Only the person who ran it can see or download it
(anyone else gets "not found"). The user's file name is never used as a path.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from clemency import datadir
from clemency.accounts.models import User
from clemency.audit import service as audit
from clemency.config import Settings
from clemency.errors import BadInput, ClemencyError, EmptyUpload, NotFound, UploadRejected
from clemency.jobs.models import Job
from clemency.jobs.registry import JobContext, job

RUNS_FOLDER = datadir.SCREENING_RUNS
RESULTS_NAME = "results.csv"
SCREEN_JOB = "screen_roster"
_CHUNK = 1024 * 1024
_RUN_ID_LENGTH = 32


@dataclass(frozen=True)
class RunRecord:
    id: str
    user_id: int
    ruleset_id: str
    as_of: str
    filename: str
    created_at: str
    rows: int
    summary: dict[str, Any]
    result_name: str
    status: str = "done"
    """The job's state: queued, running, done or failed."""
    progress: float = 1.0
    error: str | None = None
    screening_run_id: int | None = None


def _kind_of(filename: str) -> str:
    lowered = filename.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith(".parquet"):
        return "parquet"
    raise UploadRejected(
        f"{filename!r} is neither a .csv nor a .parquet file; export the roster as CSV (UTF-8, "
        "a header line of fact names) or Parquet.",
        field="roster",
    )


def _check_content(kind: str, head: bytes, filename: str) -> None:
    if kind == "parquet":
        if not head.startswith(b"PAR1"):
            raise UploadRejected(
                f"{filename!r} is named .parquet but is not a Parquet file.", field="roster"
            )
        return
    if b"\x00" in head:
        raise UploadRejected(
            f"{filename!r} is named .csv but contains binary data.", field="roster"
        )
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # a cut multi-byte character at the end is fine
            raise UploadRejected(
                f"{filename!r} is not UTF-8 text (byte {error.start}); save it as CSV UTF-8.",
                field="roster",
            ) from error
        text = head[: error.start].decode("utf-8")
    if not text.strip() or ("\n" not in text and len(head) == _CHUNK):
        raise UploadRejected(
            f"{filename!r} has no header line (or one longer than {_CHUNK:,} bytes).",
            field="roster",
        )
    _check_header_columns(text.splitlines()[0], filename)


def _check_header_columns(line: str, filename: str) -> None:
    """Refuse a header with more columns than a roster may have, before keeping the file."""
    import csv

    from clemency.screening.roster import MAX_COLUMNS

    header = next(csv.reader([line]), [])
    if len(header) > MAX_COLUMNS:
        raise UploadRejected(
            f"{filename!r} has {len(header):,} columns; at most {MAX_COLUMNS:,} are allowed "
            "(keep the fact columns, see docs/facts.md).",
            field="roster",
        )


def store_upload(
    *, data_dir: Path, stream: IO[bytes], filename: str, max_bytes: int
) -> tuple[str, Path]:
    """Check and keep an uploaded roster; returns the new run id and the stored path."""
    kind = _kind_of(filename)
    head = stream.read(_CHUNK)
    if not head:
        raise EmptyUpload("The roster file is empty; choose the file again.", field="roster")
    _check_content(kind, head, filename)
    run_id = secrets.token_hex(_RUN_ID_LENGTH // 2)
    folder = data_dir / RUNS_FOLDER / run_id
    folder.mkdir(parents=True, exist_ok=False)
    target = folder / f"roster.{kind}"
    written = 0
    try:
        with target.open("wb") as out:
            chunk = head
            while chunk:
                written += len(chunk)
                if written > max_bytes:
                    raise UploadRejected(
                        f"The roster is larger than the upload limit of "
                        f"{max(1, round(max_bytes / 1_048_576))} MB ({max_bytes:,} bytes); "
                        "nothing was kept. Split it into smaller files (the same header row "
                        "in each) and screen them one after another, or ask your "
                        "organization's administrator.",
                        field="roster",
                    )
                out.write(chunk)
                chunk = stream.read(_CHUNK)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return run_id, target


def _friendly(error: ClemencyError, roster: Path, filename: str) -> ClemencyError:
    """Errors name the uploaded file, never the server path it was stored under."""
    error.message = (
        error.message.replace(str(roster), repr(filename))
        .replace(str(roster.parent), "the upload")
        .replace("pass --allow-missing-columns", 'tick "treat missing columns as unknown"')
    )
    error.args = (error.message,)
    return error


def run(
    *,
    session: Session,
    settings: Settings,
    user: User,
    run_id: str,
    roster: Path,
    filename: str,
    ruleset_id: str,
    as_of: date,
    allow_missing_columns: bool = False,
) -> RunRecord:
    """Screen the stored roster: at once when it is small, else as a queued job.

    What can be checked without reading rows (the ruleset, the roster's columns) is checked
    here, so a mistake is reported on the form, not as a failed job."""
    from clemency.jobs import service as jobs
    from clemency.screening import service as screening

    try:
        ruleset = screening.load(ruleset_id, tuple(settings.rulesets_paths))
        screening.plan(
            roster,
            ruleset,
            as_of,
            roster.parent / RESULTS_NAME,
            allow_missing_columns=allow_missing_columns,
        )
    except ClemencyError as error:
        shutil.rmtree(roster.parent, ignore_errors=True)
        raise _friendly(error, roster, filename) from None
    except BaseException:
        shutil.rmtree(roster.parent, ignore_errors=True)
        raise
    payload = {
        "roster": roster.name,
        "filename": filename[:200],
        "ruleset_id": ruleset.id,
        "as_of": as_of.isoformat(),
        "allow_missing_columns": allow_missing_columns,
    }
    arguments: dict[str, Any] = {
        "session": session,
        "settings": settings,
        "kind": SCREEN_JOB,
        "payload": payload,
        "user_id": user.id,
        "actor_label": user.email,
        "public_id": run_id,
    }
    if roster.stat().st_size > settings.jobs_screening_threshold_bytes:
        job = jobs.enqueue(**arguments)
    else:
        try:
            job = jobs.run_now(**arguments)
        except BaseException:
            shutil.rmtree(roster.parent, ignore_errors=True)
            raise
    return _record(session, job)


@job(SCREEN_JOB, title="Screen an uploaded roster")
def screen_job(context: JobContext) -> dict[str, Any]:
    """Screen the roster of upload ``public_id`` into ``results.csv`` and record a
    ``ScreeningRun``. Idempotent: a run already recorded for that results file is returned."""
    from sqlalchemy import select

    from clemency.accounts.models import User
    from clemency.ops import metrics
    from clemency.screening import record as records
    from clemency.screening import service as screening
    from clemency.screening.models import ScreeningRun

    settings, payload = context.settings, context.payload
    folder = settings.data_dir / RUNS_FOLDER / context.public_id
    roster, out = folder / str(payload["roster"]), folder / RESULTS_NAME
    existing = context.session.scalar(
        select(ScreeningRun.id).where(ScreeningRun.output_path == str(out.resolve()))
    )
    if existing is not None:
        return {"screening_run_id": existing}
    context.progress(0.02)
    try:
        result = screening.screen(
            roster,
            screening.load(str(payload["ruleset_id"]), tuple(settings.rulesets_paths)),
            date.fromisoformat(str(payload["as_of"])),
            out,
            engine="duckdb",
            allow_missing_columns=bool(payload.get("allow_missing_columns")),
            progress=lambda fraction: context.progress(0.02 + 0.93 * fraction),
        )
    except ClemencyError as error:
        raise _friendly(error, roster, str(payload["filename"])) from None
    user = context.session.get(User, context.user_id) if context.user_id else None
    who = user.email if user is not None else "unknown"
    stored = records.record_run(session=context.session, result=result, run_by=who)
    metrics.SCREENING_ROWS.inc(stored.rows)
    audit.record(
        session=context.session,
        actor_user_id=context.user_id,
        actor_label=who,
        action="import",
        entity_type="screening_run",
        entity_id=stored.id,
        detail=f"{stored.rows} rows screened with {stored.ruleset_id} as of {stored.as_of} "
        f"(upload {context.public_id})",
    )
    return {"screening_run_id": stored.id}


def _record(session: Session, job_row: Job) -> RunRecord:
    from clemency.screening.models import ScreeningRun

    payload = job_row.payload or {}
    run_row = None
    if job_row.status == "done" and job_row.result:
        run_row = session.get(ScreeningRun, int(job_row.result["screening_run_id"]))
    summary: dict[str, Any] = dict(run_row.summary) if run_row is not None else {}
    return RunRecord(
        id=job_row.public_id,
        user_id=job_row.user_id or 0,
        ruleset_id=str(payload.get("ruleset_id", "")),
        as_of=str(payload.get("as_of", "")),
        filename=str(payload.get("filename", "")),
        created_at=job_row.created_at.isoformat(timespec="seconds"),
        rows=run_row.rows if run_row is not None else 0,
        summary=summary,
        result_name=RESULTS_NAME,
        status=job_row.status,
        progress=round(job_row.progress, 3),
        error=job_row.error if job_row.status == "failed" else None,
        screening_run_id=run_row.id if run_row is not None else None,
    )


def _check_id(run_id: str) -> None:
    if len(run_id) != _RUN_ID_LENGTH or not all(c in "0123456789abcdef" for c in run_id):
        raise NotFound("No such screening run.", run_id=run_id)


def get(*, session: Session, user: User, run_id: str) -> RunRecord:
    """A run of this user (another user's run is "not found", like a missing one)."""
    from clemency.jobs import service as jobs

    _check_id(run_id)
    try:
        job_row = jobs.get_for_user(session=session, public_id=run_id, user_id=user.id)
    except NotFound:
        raise NotFound("No such screening run.", run_id=run_id) from None
    if job_row.kind != SCREEN_JOB:
        raise NotFound("No such screening run.", run_id=run_id)
    return _record(session, job_row)


def list_runs(*, session: Session, user: User, limit: int = 20) -> list[RunRecord]:
    from sqlalchemy import select

    rows = session.scalars(
        select(Job)
        .where(Job.kind == SCREEN_JOB, Job.user_id == user.id)
        .order_by(Job.id.desc())
        .limit(limit)
    )
    return [_record(session, row) for row in rows]


def results_path(*, session: Session, data_dir: Path, user: User, run_id: str) -> Path:
    """The results file of a finished run of this user; the download is audited as an export."""
    record = get(session=session, user=user, run_id=run_id)
    if record.status != "done":
        raise NotFound("The results of this run are not ready.", run_id=run_id)
    audit.record(
        session=session,
        actor_user_id=user.id,
        actor_label=user.email,
        action="export",
        entity_type="screening_run",
        entity_id=record.screening_run_id,
        detail=f"results of {record.rows} rows downloaded (upload {run_id})",
    )
    return data_dir / RUNS_FOLDER / run_id / record.result_name


def parse_as_of(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as error:
        raise BadInput(f"{raw!r} is not a date in the form YYYY-MM-DD.", field="as_of") from error
