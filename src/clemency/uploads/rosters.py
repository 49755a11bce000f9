"""Bulk screening from the browser: a roster upload, a run, a results file to download.

The upload is checked before it is kept: the name must end in ``.csv`` or ``.parquet``, the
content must look like it (Parquet magic bytes; CSV text without NUL bytes and with a header
line), and it must not exceed the size limit. Each run lives in its own folder under
``data_dir/screening-runs/<random id>/`` with a ``run.json`` saying who ran it; only that person
can see or download it (anyone else gets "not found"). The user's file name is never used as a
path.
"""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from clemency.accounts.models import User
from clemency.audit import service as audit
from clemency.db.base import utcnow
from clemency.errors import BadInput, ClemencyError, EmptyUpload, NotFound, UploadRejected

RUNS_FOLDER = "screening-runs"
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
                        f"The roster is larger than the limit of {max_bytes} bytes; nothing was kept.",
                        field="roster",
                    )
                out.write(chunk)
                chunk = stream.read(_CHUNK)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return run_id, target


def run(
    *,
    session: Session,
    user: User,
    data_dir: Path,
    run_id: str,
    roster: Path,
    filename: str,
    ruleset_id: str,
    as_of: date,
    extra_paths: tuple[Path, ...] = (),
    allow_missing_columns: bool = False,
) -> RunRecord:
    """Screen the stored roster into ``results.csv`` beside it and record the run.

    Errors name the uploaded file, never the server path it was stored under."""
    from clemency.eligibility import load_ruleset
    from clemency.screening import service as screening

    folder = roster.parent
    try:
        ruleset = load_ruleset(ruleset_id, extra_paths)
        out = folder / "results.csv"
        result = screening.screen(
            roster,
            ruleset,
            as_of,
            out,
            engine="duckdb",
            allow_missing_columns=allow_missing_columns,
        )
    except ClemencyError as error:
        shutil.rmtree(folder, ignore_errors=True)
        error.message = (
            error.message.replace(str(roster), repr(filename))
            .replace(str(folder), "the upload")
            .replace("pass --allow-missing-columns", 'tick "treat missing columns as unknown"')
        )
        error.args = (error.message,)
        raise
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    summary = result.summary.to_dict()
    record = RunRecord(
        id=run_id,
        user_id=user.id,
        ruleset_id=ruleset.id,
        as_of=as_of.isoformat(),
        filename=filename[:200],
        created_at=utcnow().isoformat(timespec="seconds"),
        rows=int(summary.get("rows", 0)),
        summary=summary,
        result_name=out.name,
    )
    (folder / "run.json").write_text(json.dumps(record.__dict__, default=str, indent=1))
    audit.record(
        session=session,
        actor_user_id=user.id,
        actor_label=user.email,
        action="import",
        entity_type="screening_run",
        entity_id=run_id,
        detail=f"{record.rows} rows screened with {ruleset.id} as of {as_of.isoformat()}",
    )
    return record


def _folder(data_dir: Path, run_id: str) -> Path:
    if len(run_id) != _RUN_ID_LENGTH or not all(c in "0123456789abcdef" for c in run_id):
        raise NotFound("No such screening run.", run_id=run_id)
    return data_dir / RUNS_FOLDER / run_id


def get(*, data_dir: Path, user: User, run_id: str) -> RunRecord:
    """A run of this user (another user's run is "not found", like a missing one)."""
    meta = _folder(data_dir, run_id) / "run.json"
    if not meta.is_file():
        raise NotFound("No such screening run.", run_id=run_id)
    data = json.loads(meta.read_text())
    if data.get("user_id") != user.id:
        raise NotFound("No such screening run.", run_id=run_id)
    return RunRecord(**data)


def list_runs(*, data_dir: Path, user: User, limit: int = 20) -> list[RunRecord]:
    root = data_dir / RUNS_FOLDER
    if not root.is_dir():
        return []
    found = []
    for meta in root.glob("*/run.json"):
        data = json.loads(meta.read_text())
        if data.get("user_id") == user.id:
            found.append(RunRecord(**data))
    return sorted(found, key=lambda r: r.created_at, reverse=True)[:limit]


def results_path(*, session: Session, data_dir: Path, user: User, run_id: str) -> Path:
    """The results file of a run of this user; the download is audited as an export."""
    record = get(data_dir=data_dir, user=user, run_id=run_id)
    audit.record(
        session=session,
        actor_user_id=user.id,
        actor_label=user.email,
        action="export",
        entity_type="screening_run",
        entity_id=run_id,
        detail=f"results of {record.rows} rows downloaded",
    )
    return _folder(data_dir, run_id) / record.result_name


def parse_as_of(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as error:
        raise BadInput(f"{raw!r} is not a date in the form YYYY-MM-DD.", field="as_of") from error
