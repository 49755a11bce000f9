"""Finding 5 of issue #12: the audit trail could be rewound (delete the last rows, reset the
stored chain head, and `clemency audit verify` still passed). Now rows are keyed with a key
outside the database and signed checkpoints exported off the host pin the trail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from clemency.audit import checkpoint as checkpoints
from clemency.audit import keys
from clemency.audit import service as audit
from clemency.audit.models import AuditChain, AuditEvent
from clemency.cases import service as cases
from clemency.cli.main import app
from clemency.testing.factories import World

KEY = keys.AuditKey(bytes(range(32)))
OTHER_KEY = keys.AuditKey(bytes(range(1, 33)))


def _superuser(engine: Engine, *statements: tuple[str, dict[str, object]]) -> None:
    """Run ``statements`` as someone who can bypass the append-only triggers (a DBA)."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
        else:
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        for statement, parameters in statements:
            connection.execute(text(statement), parameters)


def _read_cases(session: Session, world: World, times: int = 3) -> None:
    for _ in range(times):
        cases.get_for_user(
            session=session, user=world.users[("a", "admin")], case_id=world.cases["a_other"].id
        )
        session.commit()


def _rewind(engine: Engine, session: Session, keep: int) -> None:
    """Delete every row after the first ``keep`` and reset the head to the new last row."""
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    last = rows[keep - 1]
    _superuser(
        engine,
        ("DELETE FROM audit_events WHERE id > :id", {"id": last.id}),
        (
            "UPDATE audit_chain SET head_hash = :head, row_count = :count WHERE id = 1",
            {"head": last.row_hash, "count": keep},
        ),
    )
    session.expire_all()


@pytest.fixture
def keyed(engine: Engine) -> Engine:
    keys.bind(engine, KEY)
    return engine


def test_rows_are_keyed_and_verify_only_with_the_key(
    keyed: Engine, session: Session, world: World
) -> None:
    _read_cases(session, world)
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert last.key_id == KEY.key_id
    assert audit.verify_chain(session=session, key=KEY).ok
    without = audit.verify_chain(session=session, key=None)
    assert not without.ok
    assert "no audit key" in (without.reason or "")
    wrong = audit.verify_chain(session=session, key=OTHER_KEY)
    assert not wrong.ok
    assert "not the configured key" in (wrong.reason or "")


def test_a_keyed_trail_refuses_writers_without_its_key(
    keyed: Engine, session: Session, world: World
) -> None:
    _read_cases(session, world, times=1)
    keys.bind(keyed, None)
    with pytest.raises(keys.AuditKeyError, match="keyed"):
        _read_cases(session, world, times=1)
    session.rollback()
    keys.bind(keyed, OTHER_KEY)
    with pytest.raises(keys.AuditKeyError, match="not with the configured key"):
        _read_cases(session, world, times=1)


def test_an_edited_row_is_detected(keyed: Engine, session: Session, world: World) -> None:
    _read_cases(session, world)
    victim = session.scalars(select(AuditEvent).order_by(AuditEvent.id).offset(3).limit(1)).one()
    _superuser(
        keyed,
        ("UPDATE audit_events SET actor_label = 'someone-else' WHERE id = :id", {"id": victim.id}),
    )
    session.expire_all()
    report = audit.verify_chain(session=session, key=KEY)
    assert (report.ok, report.first_broken_id) == (False, victim.id)


def test_an_edited_row_with_its_hash_recomputed_without_the_key_is_detected(
    keyed: Engine, session: Session, world: World
) -> None:
    """The attack the key stops: edit the last row and recompute its hash as plain SHA-256."""
    _read_cases(session, world)
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    last.actor_label = "someone-else"
    forged = audit._row_hash(last.prev_hash, last, None)
    session.expire_all()
    _superuser(
        keyed,
        (
            "UPDATE audit_events SET actor_label = 'someone-else', row_hash = :h WHERE id = :id",
            {"h": forged, "id": last.id},
        ),
        ("UPDATE audit_chain SET head_hash = :h WHERE id = 1", {"h": forged}),
    )
    session.expire_all()
    report = audit.verify_chain(session=session, key=KEY)
    assert (report.ok, report.first_broken_id) == (False, last.id)


def test_truncate_and_reset_head_is_detected_by_a_checkpoint(
    keyed: Engine, session: Session, world: World, tmp_path: Path
) -> None:
    _read_cases(session, world)
    total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    saved = tmp_path / "checkpoint.json"
    checkpoints.write_checkpoint(checkpoints.make_checkpoint(session=session, key=KEY), saved)
    _rewind(keyed, session, keep=total - 2)
    # the chain alone cannot tell (this is what passed before the fix) ...
    assert audit.verify_chain(session=session, key=KEY).ok
    # ... the checkpoint kept off the host can
    report = checkpoints.verify_against(session=session, key=KEY, checkpoint=saved)
    assert not report.ok
    assert "removed from the end" in (report.reason or "")


def test_truncate_then_new_rows_is_detected_by_a_checkpoint(
    keyed: Engine, session: Session, world: World, tmp_path: Path
) -> None:
    """Rows removed, the head reset, and new activity written on top: still detected."""
    _read_cases(session, world)
    total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    saved = tmp_path / "checkpoint.json"
    checkpoints.write_checkpoint(checkpoints.make_checkpoint(session=session, key=KEY), saved)
    _rewind(keyed, session, keep=total - 2)
    _read_cases(session, world, times=3)
    assert audit.verify_chain(session=session, key=KEY).ok
    report = checkpoints.verify_against(session=session, key=KEY, checkpoint=saved)
    assert not report.ok
    assert "removed" in (report.reason or "")


def test_rewriting_the_trail_unkeyed_is_detected_by_a_checkpoint(
    keyed: Engine, session: Session, world: World, tmp_path: Path
) -> None:
    """Someone without the key rewrites every keyed row as a plain SHA-256 (key-less) row."""
    _read_cases(session, world)
    saved = tmp_path / "checkpoint.json"
    checkpoints.write_checkpoint(checkpoints.make_checkpoint(session=session, key=KEY), saved)
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    prev = audit.GENESIS_HASH
    statements: list[tuple[str, dict[str, object]]] = []
    for row in rows:
        forged = audit._row_hash(prev, row, None)
        statements.append(
            (
                "UPDATE audit_events SET key_id = NULL, prev_hash = :p, row_hash = :h "
                "WHERE id = :id",
                {"p": prev, "h": forged, "id": row.id},
            )
        )
        prev = forged
    statements.append(
        ("UPDATE audit_chain SET head_hash = :h, key_id = NULL WHERE id = 1", {"h": prev})
    )
    session.expire_all()
    _superuser(keyed, *statements)
    session.expire_all()
    assert audit.verify_chain(session=session, key=KEY).ok  # a consistent key-less trail ...
    report = checkpoints.verify_against(session=session, key=KEY, checkpoint=saved)
    assert not report.ok  # ... that is not the one the checkpoint anchored


def test_checkpoint_round_trip_and_a_tampered_checkpoint(
    keyed: Engine, session: Session, world: World, tmp_path: Path
) -> None:
    _read_cases(session, world)
    saved = tmp_path / "checkpoint.json"
    payload = checkpoints.make_checkpoint(session=session, key=KEY)
    checkpoints.write_checkpoint(payload, saved)
    assert json.loads(saved.read_text()) == payload
    _read_cases(session, world)  # the trail grows after the checkpoint: still consistent
    report = checkpoints.verify_against(session=session, key=KEY, checkpoint=saved)
    assert report.ok
    assert report.rows_checked > payload["rows"]
    lowered = dict(payload, rows=payload["rows"] - 2, last_id=payload["last_id"] - 2)
    saved.write_text(json.dumps(lowered))
    with pytest.raises(checkpoints.CheckpointError, match="signature"):
        checkpoints.verify_against(session=session, key=KEY, checkpoint=saved)
    saved.write_text(json.dumps(payload))
    with pytest.raises(checkpoints.CheckpointError, match="key id"):
        checkpoints.verify_against(session=session, key=OTHER_KEY, checkpoint=saved)


def test_a_key_less_prefix_still_verifies_and_keying_cannot_be_undone(
    engine: Engine, session: Session, world: World, tmp_path: Path
) -> None:
    """Rows written before a key was configured keep verifying; an unkeyed row after keyed
    ones is refused by the verifier."""
    keys.bind(engine, None)
    _read_cases(session, world, times=2)
    prefix = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    keys.bind(engine, KEY)
    _read_cases(session, world, times=2)
    report = audit.verify_chain(session=session, key=KEY)
    assert report.ok
    first_keyed = session.scalars(
        select(AuditEvent.id).where(AuditEvent.key_id.is_not(None)).order_by(AuditEvent.id)
    ).first()
    assert report.first_keyed_id == first_keyed
    assert prefix == session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.key_id.is_(None))
    )
    # a DBA clears the head's key id and an unkeyed writer appends: the verifier objects
    _superuser(engine, ("UPDATE audit_chain SET key_id = NULL WHERE id = 1", {}))
    keys.bind(engine, None)
    session.expire_all()
    _read_cases(session, world, times=1)
    broken = audit.verify_chain(session=session, key=KEY)
    assert not broken.ok
    assert "unkeyed row after" in (broken.reason or "")


def test_the_cli_checkpoint_and_verify(
    database_url: str, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clemency.config import get_settings
    from clemency.db.session import session_factory
    from clemency.testing.factories import make_world

    key_file = tmp_path / "audit.key"
    monkeypatch.setenv("CLEMENCY_AUDIT_KEY_FILE", str(key_file))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        made = runner.invoke(app, ["audit", "keygen", str(key_file)])
        assert made.exit_code == 0, made.output
        assert runner.invoke(app, ["audit", "keygen", str(key_file)]).exit_code == 1
        key = keys.load_audit_key(get_settings())
        assert key is not None
        keys.bind(engine, key)
        with session_factory(engine)() as session:
            audit.set_origin(session=session, source="test")
            world = make_world(session)
            session.commit()
            _read_cases(session, world)
            out = tmp_path / "off-host" / "checkpoint.json"
            out.parent.mkdir()
            url = ["--database-url", database_url]
            wrote = runner.invoke(app, ["audit", "checkpoint", "--out", str(out), *url])
            assert wrote.exit_code == 0, wrote.output
            assert [p.name for p in out.parent.iterdir()] == ["checkpoint.json"]  # no temp left
            ok = runner.invoke(app, ["audit", "verify", *url, "--checkpoint", str(out)])
            assert ok.exit_code == 0, ok.output
            total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
            _rewind(engine, session, keep=total - 1)
            plain = runner.invoke(app, ["audit", "verify", *url])
            assert plain.exit_code == 0, plain.output  # the chain alone is consistent
            caught = runner.invoke(app, ["audit", "verify", *url, "--checkpoint", str(out)])
            assert caught.exit_code == 1
            assert "removed from the end" in caught.output
            assert "Traceback" not in caught.output
    finally:
        get_settings.cache_clear()


def test_the_chain_head_records_the_key(keyed: Engine, session: Session, world: World) -> None:
    _read_cases(session, world, times=1)
    chain = session.get(AuditChain, 1, populate_existing=True)
    assert chain is not None
    assert chain.key_id == KEY.key_id
