"""`clemency audit`: verify the trail, export signed checkpoints, make a key."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clemency.cli.common import fail, report
from clemency.config import get_settings
from clemency.errors import ClemencyError

audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)

_DATABASE = typer.Option("--database-url", help="Default: CLEMENCY_DATABASE_URL.")


@audit_app.command("verify")
def verify_audit(
    database_url: Annotated[str | None, _DATABASE] = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint",
            help="Also check the trail against this checkpoint (from `clemency audit "
            "checkpoint`): detects rows removed from the end or rewritten up to it.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Recompute the audit trail's hash chain (with CLEMENCY_AUDIT_KEY_FILE's key); exit 1
    naming the first row that does not match."""
    from clemency.audit import checkpoint as checkpoints
    from clemency.audit import keys
    from clemency.audit import service as audit
    from clemency.db.session import make_engine, session_factory

    settings = get_settings()
    try:
        engine = make_engine(database_url or settings.database_url)
        try:
            key = keys.key_for_engine(settings, engine)
            if checkpoint is not None and key is None:
                fail("--checkpoint needs the audit key: set CLEMENCY_AUDIT_KEY_FILE.")
            with session_factory(engine)() as session:
                if checkpoint is not None and key is not None:
                    result = checkpoints.verify_against(
                        session=session, key=key, checkpoint=checkpoint
                    )
                else:
                    result = audit.verify_chain(session=session, key=key)
        finally:
            engine.dispose()
    except ClemencyError as error:
        report(error)
    if not result.ok:
        where = f"row {result.first_broken_id}" if result.first_broken_id else "the end"
        fail(f"audit trail broken at {where}: {result.reason} ({result.rows_checked} rows read)")
    anchored = f", consistent with {checkpoint}" if checkpoint is not None else ""
    keyed = (
        f" (keyed from row {result.first_keyed_id})"
        if result.first_keyed_id is not None
        else " (no keyed rows)"
    )
    typer.echo(f"audit trail intact: {result.rows_checked} rows{keyed}{anchored}")


@audit_app.command("checkpoint")
def checkpoint_audit(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Where to write the signed checkpoint (JSON; replaced atomically)."
        ),
    ],
    database_url: Annotated[str | None, _DATABASE] = None,
) -> None:
    """Verify the trail and write a signed checkpoint of its head; keep it off this host."""
    from sqlalchemy.engine import make_url

    from clemency.audit import checkpoint as checkpoints
    from clemency.audit import keys
    from clemency.db.session import make_engine, session_factory

    settings = get_settings()
    url = database_url or settings.database_url
    database = make_url(url).database
    if database and Path(database).resolve() == out.resolve():
        fail(f"--out {out} is the database itself; choose another file.")
    try:
        engine = make_engine(url)
        try:
            key = keys.key_for_engine(settings, engine)
            if key is None:
                fail("a checkpoint is signed with the audit key: set CLEMENCY_AUDIT_KEY_FILE.")
            with session_factory(engine)() as session:
                payload = checkpoints.make_checkpoint(session=session, key=key)
        finally:
            engine.dispose()
        checkpoints.write_checkpoint(payload, out)
    except ClemencyError as error:
        report(error)
    except OSError as error:
        fail(f"{out}: cannot write the checkpoint ({error.strerror}); nothing was written.")
    typer.echo(
        f"checkpoint written to {out}: {payload['rows']} rows up to row {payload['last_id']}. "
        "Copy it off this host."
    )


@audit_app.command("keygen")
def keygen(
    path: Annotated[Path, typer.Argument(help="The new key file (must not exist).")],
) -> None:
    """Make a new random audit key file (owner-only); point CLEMENCY_AUDIT_KEY_FILE at it."""
    from clemency.audit import keys

    try:
        key = keys.write_new_key(path)
    except ClemencyError as error:
        report(error)
    typer.echo(
        f"audit key {key.key_id} written to {path}. Back it up apart from the database: "
        "without it the trail's keyed rows cannot be verified."
    )


def register(app: typer.Typer) -> None:
    """Attach `clemency audit`."""
    app.add_typer(audit_app, name="audit")
