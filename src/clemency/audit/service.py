"""Writing and checking the audit trail. There is no update or delete here, on purpose.

Services call :func:`record` inside the same transaction as the change it describes, so a
change never commits without its audit row and vice versa (security.md RL-2). Where a request
or command came from (client IP or ``cli``) and its request id are set once per unit of work
with :func:`set_origin`.

A change is chained at once: it holds the chain head until its transaction ends, which it would
anyway for the rows it wrote. A *read* changes nothing, so it is chained when the unit of work
commits: the chain head is then held for the commit alone, not for the whole request, and
concurrent page views do not queue behind one another. A read that is rolled back (the request
failed, or its savepoint was rolled back) is dropped with the rest of the transaction, and the
same read of the same record by the same actor is recorded once per unit of work (a case page
and the parts it shows are one read of the case).

Rows are keyed (HMAC-SHA256) with the key :mod:`clemency.audit.keys` gives for the session's
engine. A trail whose head is keyed refuses writers without that key (fail closed): one
unkeyed row after keyed ones would break the chain. Rows written before any key was configured
are the key-less prefix; :func:`verify_chain` accepts unkeyed rows only before the first keyed
one, and a checkpoint (:mod:`clemency.audit.checkpoint`) pins where keying began.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Literal

from sqlalchemy import Engine, event, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, SessionTransaction

from clemency.audit.keys import ROW_LABEL, AuditKey, AuditKeyError, key_for_session
from clemency.audit.models import AuditChain, AuditEvent
from clemency.db.base import utcnow
from clemency.db.session import unit_of_work, unit_of_work_key

GENESIS_HASH = "0" * 64
_ORIGIN_KEY = "clemency.audit.origin"
# Both end with the outermost transaction: its connection is back in the pool, its reads
# chained or dropped.
_CONNECTED_KEY = unit_of_work_key("clemency.audit.connected")
_PENDING_KEY = unit_of_work_key("clemency.audit.pending_reads")
#: Refusals to write once the unit of work has ended (popped by :func:`_write_deferred`).
_DEFERRED_KEY = "clemency.audit.deferred_refusals"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Origin:
    """Where the current unit of work comes from: an IP address or ``cli``, and a request id."""

    source: str = "unknown"
    request_id: str | None = None


def set_origin(*, session: Session, source: str, request_id: str | None = None) -> None:
    """Record the origin of every audit row this session writes (call once per request)."""
    session.info[_ORIGIN_KEY] = Origin(source=source, request_id=request_id)


def origin_of(*, session: Session) -> Origin:
    origin = session.info.get(_ORIGIN_KEY)
    return origin if isinstance(origin, Origin) else Origin()


def _canonical(event: AuditEvent) -> str:
    occurred = event.occurred_at
    if occurred.tzinfo is None:  # SQLite returns naive datetimes; they were stored as UTC
        occurred = occurred.replace(tzinfo=UTC)
    payload: dict[str, Any] = {
        "occurred_at": occurred.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_user_id": event.actor_user_id,
        "actor_label": event.actor_label,
        "organization_id": event.organization_id,
        "action": event.action,
        "outcome": event.outcome,
        "entity_type": event.entity_type,
        "entity_id": event.entity_id,
        "case_id": event.case_id,
        "source": event.source,
        "request_id": event.request_id,
        "changed_fields": event.changed_fields,
        "detail": event.detail,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


def _row_hash(prev_hash: str, event: AuditEvent, key: AuditKey | None) -> str:
    message = prev_hash + _canonical(event)
    if key is None:
        return hashlib.sha256(message.encode()).hexdigest()
    return key.mac(ROW_LABEL, message)


def _lock_chain(session: Session) -> tuple[str, int, str | None]:
    """Lock the chain head for this transaction and return ``(head hash, row count, key id)``.

    The no-op UPDATE takes the write lock (a row lock on PostgreSQL, the database's RESERVED
    lock on SQLite) *and* reads the head in one statement, so concurrent writers queue instead
    of forking the chain. The lock is held until the unit of work commits.
    """
    head = session.execute(
        update(AuditChain)
        .where(AuditChain.id == 1)
        .values(head_hash=AuditChain.head_hash)
        .returning(AuditChain.head_hash, AuditChain.row_count, AuditChain.key_id)
        .execution_options(synchronize_session=False)
    ).first()
    if head is None:
        session.add(AuditChain(id=1, head_hash=GENESIS_HASH, row_count=0))
        session.flush()
        return GENESIS_HASH, 0, None
    return str(head[0]), int(head[1]), head[2]


def record(
    *,
    session: Session,
    actor_user_id: int | None,
    actor_label: str,
    action: str,
    entity_type: str,
    entity_id: object = None,
    organization_id: int | None = None,
    case_id: int | None = None,
    changed_fields: Iterable[str] = (),
    detail: str | None = None,
    outcome: str = "success",
) -> None:
    """Append one audit row in the caller's transaction: a change at once, a read when the
    transaction commits (see the module's docstring)."""
    origin = origin_of(session=session)
    fields = sorted(set(changed_fields))
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_user_id=actor_user_id,
        actor_label=actor_label,
        organization_id=organization_id,
        action=action,
        outcome=outcome,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        case_id=case_id,
        source=origin.source,
        request_id=origin.request_id,
        changed_fields=",".join(fields) if fields else None,
        detail=detail,
    )
    if action == "read" and outcome == "success":
        pending: list[tuple[SessionTransaction | None, AuditEvent]]
        pending = session.info.setdefault(_PENDING_KEY, [])
        if any(_same_read(event, earlier) for _transaction, earlier in pending):
            return  # one row per record read in one unit of work (a page and its parts)
        pending.append((session.get_nested_transaction() or session.get_transaction(), event))
        return
    _append(session, event)


def _same_read(one: AuditEvent, other: AuditEvent) -> bool:
    return all(
        getattr(one, name) == getattr(other, name)
        for name in (
            "actor_user_id",
            "actor_label",
            "entity_type",
            "entity_id",
            "case_id",
            "detail",
        )
    )


def _append(session: Session, *events: AuditEvent) -> None:
    """Chain ``events`` to the head, in order, and insert them (the caller's transaction keeps
    the lock on the head until it ends)."""
    key = key_for_session(session=session)
    session.flush()  # earlier rows of this transaction first, so the chain order is the id order
    head, count, head_key_id = _lock_chain(session)
    _check_writer_key(head_key_id, key)
    for appended in events:
        appended.prev_hash = head
        appended.key_id = None if key is None else key.key_id
        appended.row_hash = head = _row_hash(head, appended, key)
    session.add_all(events)  # one flush inserts them in the order added
    session.flush()
    session.execute(
        update(AuditChain)
        .where(AuditChain.id == 1)
        .values(
            head_hash=head,
            row_count=count + len(events),
            key_id=None if key is None else key.key_id,
        )
        .execution_options(synchronize_session=False)
    )


def _check_writer_key(head_key_id: str | None, key: AuditKey | None) -> None:
    """Refuse to extend a keyed trail without its key, or with another key (fail closed)."""
    if head_key_id is None:
        return
    if key is None:
        raise AuditKeyError(
            f"The audit trail is keyed (key id {head_key_id}) and this process has no audit key; "
            "nothing was changed. Set CLEMENCY_AUDIT_KEY_FILE to the trail's key file."
        )
    if key.key_id != head_key_id:
        raise AuditKeyError(
            f"The audit trail is keyed with key id {head_key_id}, not with the configured key "
            f"(key id {key.key_id}); nothing was changed. Point CLEMENCY_AUDIT_KEY_FILE at the "
            "trail's key file."
        )


def pending_reads(*, session: Session) -> list[AuditEvent]:
    """The reads of this transaction that will be chained when it commits."""
    return [event for _transaction, event in session.info.get(_PENDING_KEY, [])]


def take_pending_reads(*, session: Session) -> list[AuditEvent]:
    """Take this unit of work's reads out of it: its commit no longer chains them, and the
    caller hands them to :func:`record_reads` once the unit of work has committed."""
    return [event for _transaction, event in session.info.pop(_PENDING_KEY, [])]


def record_reads(*, engine: Engine, reads: Sequence[AuditEvent]) -> None:
    """Chain ``reads`` and commit them, together with the reads other threads of this process
    hand over meanwhile (group commit), and return once they are committed.

    A page view (web/deps.py, ``get_db``) records its reads this way after its own commit and
    before it answers, so every read is still recorded before anyone sees the page: if this
    raises, the request fails. What changes is the cost: one lock of the chain head, one
    commit and one fsync for all the page views waiting at that moment, where each took its
    own in its own commit and queued on the head for it.
    """
    if reads:
        _writer_for(engine).write(list(reads))


class _Batch:
    """The reads one thread handed over, and how their commit ended."""

    def __init__(self, reads: list[AuditEvent]) -> None:
        self.reads = reads
        self.ended = threading.Event()
        self.leads = False  # woken to write the next group, not because this one was written
        self.error: BaseException | None = None


class _GroupWriter:
    """Group commit of handed-over reads for one engine.

    The first thread to hand reads over while nobody writes becomes the leader: it takes every
    batch waiting, writes them in one transaction, wakes their threads with the outcome, and
    makes the oldest batch that arrived meanwhile the next leader. A thread waits for at most
    the group being written and its own.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._waiting: list[_Batch] = []
        self._writing = False

    def write(self, reads: list[AuditEvent]) -> None:
        mine = _Batch(reads)
        with self._lock:
            self._waiting.append(mine)
            leads = not self._writing
            self._writing = True
        if not leads:
            mine.ended.wait()
            if not mine.leads:
                if mine.error is not None:
                    raise mine.error
                return
        with self._lock:
            group, self._waiting = self._waiting, []
        error: BaseException | None = None
        try:
            with unit_of_work(self._engine) as session:
                _append(session, *(read for batch in group for read in batch.reads))
        except BaseException as failed:
            error = failed
        with self._lock:
            if self._waiting:
                self._waiting[0].leads = True
                self._waiting[0].ended.set()
            else:
                self._writing = False
        for batch in group:
            if batch is not mine:
                batch.error = error
                batch.ended.set()
        if error is not None:
            raise error


_WRITERS: weakref.WeakKeyDictionary[Engine, _GroupWriter] = weakref.WeakKeyDictionary()
_WRITERS_LOCK = threading.Lock()


def _writer_for(engine: Engine) -> _GroupWriter:
    with _WRITERS_LOCK:
        writer = _WRITERS.get(engine)
        if writer is None:
            writer = _WRITERS[engine] = _GroupWriter(engine)
        return writer


@event.listens_for(Session, "before_commit")
def _chain_pending_reads(session: Session) -> None:
    pending = session.info.pop(_PENDING_KEY, None)
    if pending:
        _append(session, *(read for _transaction, read in pending))


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back_reads(session: Session, previous_transaction: SessionTransaction) -> None:
    """Reads recorded inside a transaction (or savepoint) that was rolled back are dropped."""
    pending = session.info.get(_PENDING_KEY)
    if not pending:
        return

    def inside(transaction: SessionTransaction | None) -> bool:
        while transaction is not None:
            if transaction is previous_transaction:
                return True
            transaction = transaction.parent
        return previous_transaction.parent is None  # the outermost one: every read goes

    session.info[_PENDING_KEY] = [entry for entry in pending if not inside(entry[0])]


def record_refusal(
    *,
    session: Session,
    actor_user_id: int | None,
    actor_label: str,
    action: str,
    entity_type: str,
    entity_id: object = None,
    case_id: int | None = None,
    detail: str | None = None,
) -> None:
    """Record a refused access (outcome ``failure``) in its own short transaction, so that it
    survives the rollback of the request that was refused.

    The refusal never waits for what the refused request holds. Once the request's
    transaction has a connection, the refusal is written when that transaction ends,
    committed or rolled back, with its connection back in the pool. Writing it earlier would
    wait:

    - on a second connection from a pool that concurrent requests may have used up, each
      waiting in the same way (PostgreSQL: 500s after the pool's 30 s timeout, under 24
      concurrent sign-ins);
    - on SQLite's one write lock, when the request has written (a session's idle clock);
    - on the audit chain's lock, when the request has appended audit rows.

    A request that has not touched the database yet has its refusal written at once. Best
    effort: a lock wait longer than a few seconds is logged, not raised.
    """
    what = f"refused {action} on {entity_type} {entity_id} by {actor_label}"
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    refusal = {
        "actor_user_id": actor_user_id,
        "actor_label": actor_label,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "case_id": case_id,
        "detail": detail,
    }
    origin = origin_of(session=session)
    if session.info.get(_CONNECTED_KEY):
        session.info.setdefault(_DEFERRED_KEY, []).append((engine, origin, refusal, what))
        return
    _write_refusal(engine, origin, refusal, what)


def _write_refusal(engine: Engine, origin: Origin, refusal: dict[str, Any], what: str) -> None:
    try:
        with Session(engine) as side:
            side.info[_ORIGIN_KEY] = origin
            if engine.dialect.name == "postgresql":
                side.execute(text("SET LOCAL lock_timeout = '3s'"))
            record(session=side, outcome="failure", **refusal)
            side.commit()
    except OperationalError as error:
        logger.warning("%s not audited: %s", what, error)


@event.listens_for(Session, "after_begin")
def _note_a_connection(session: Session, _transaction: object, _connection: object) -> None:
    session.info[_CONNECTED_KEY] = True


@event.listens_for(Session, "after_transaction_end")
def _write_deferred(session: Session, transaction: SessionTransaction) -> None:
    """Refusals deferred by :func:`record_refusal`, once the outermost transaction has ended
    and given its connection back (SQLAlchemy closes it before this event)."""
    if transaction.parent is not None:
        return
    for engine, origin, refusal, what in session.info.pop(_DEFERRED_KEY, []):
        _write_refusal(engine, origin, refusal, what)


@dataclass(frozen=True)
class ChainReport:
    """Result of :func:`verify_chain`: ``first_broken_id`` is None when the chain holds.

    ``last_id`` and ``head_hash`` are the last row read and its hash; ``first_keyed_id`` is the
    first keyed row (None while the whole trail is the key-less prefix).
    """

    rows_checked: int
    first_broken_id: int | None
    reason: str | None = None
    last_id: int | None = None
    head_hash: str = GENESIS_HASH
    first_keyed_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None and self.reason is None


def verify_chain(
    *,
    session: Session,
    key: AuditKey | Literal["configured"] | None = "configured",
    anchor: Anchor | None = None,
) -> ChainReport:
    """Recompute every row's hash in id order and report the first row that does not match.

    ``key`` defaults to the key configured for the session's engine. With ``anchor`` (from a
    checkpoint), the trail must also hold exactly the anchored rows up to the anchored row,
    with the anchored hash, and begin keying where it began then.
    """
    audit_key = key_for_session(session=session) if key == "configured" else key
    prev = GENESIS_HASH
    checked = 0
    last_id: int | None = None
    first_keyed: int | None = None
    anchor_seen = anchor is None

    def report(row_id: int | None, reason: str | None) -> ChainReport:
        return ChainReport(checked, row_id, reason, last_id, prev, first_keyed)

    for row in session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        checked += 1
        if row.key_id is None:
            if first_keyed is not None:
                return report(
                    row.id, f"unkeyed row after the keyed rows that begin at {first_keyed}"
                )
        else:
            if first_keyed is None:
                first_keyed = row.id
            if audit_key is None:
                return report(
                    row.id,
                    f"the row is keyed (key id {row.key_id}) and no audit key is configured; "
                    "set CLEMENCY_AUDIT_KEY_FILE",
                )
            if row.key_id != audit_key.key_id:
                return report(
                    row.id,
                    f"the row is keyed with key id {row.key_id}, not the configured key "
                    f"{audit_key.key_id}",
                )
        if row.prev_hash != prev:
            return report(row.id, "prev_hash does not match the previous row")
        if _row_hash(prev, row, audit_key if row.key_id else None) != row.row_hash:
            return report(row.id, "row content does not match its hash")
        prev = row.row_hash
        last_id = row.id
        if anchor is not None and row.id >= anchor.last_id and not anchor_seen:
            anchor_seen = True
            problem = anchor.mismatch(row.id, checked, prev, first_keyed)
            if problem:
                return report(row.id, problem)
    if not anchor_seen:
        assert anchor is not None
        return report(
            None,
            f"the trail ends at row {last_id} ({checked} rows) but the checkpoint covers "
            f"{anchor.rows} rows up to row {anchor.last_id}: rows were removed from the end",
        )
    chain = session.get(AuditChain, 1, populate_existing=True)
    if chain is not None and (chain.head_hash, chain.row_count) != (prev, checked):
        return report(None, "rows were removed from the end of the chain")
    return report(None, None)


@dataclass(frozen=True)
class Anchor:
    """What a checkpoint says about the trail: its first ``rows`` rows end at row ``last_id``
    with hash ``head_hash``, and keying began at ``first_keyed_id``."""

    rows: int
    last_id: int
    head_hash: str
    first_keyed_id: int | None

    def mismatch(
        self, row_id: int, rows: int, head_hash: str, first_keyed_id: int | None
    ) -> str | None:
        """Why the trail read up to ``row_id`` disagrees with the anchor (None: it agrees)."""
        if row_id != self.last_id:
            return f"the checkpoint's last row {self.last_id} is missing: rows were removed"
        if rows != self.rows:
            return (
                f"{rows} rows up to row {row_id}, the checkpoint counted {self.rows}: rows were "
                "removed or inserted before the checkpoint"
            )
        if head_hash != self.head_hash:
            return (
                f"row {row_id} has not the hash the checkpoint recorded: the trail up to the "
                "checkpoint was rewritten, or rows were removed and others written in their place"
            )
        if first_keyed_id != self.first_keyed_id:
            return (
                f"keying begins at row {first_keyed_id}, the checkpoint says "
                f"{self.first_keyed_id}: the trail was rewritten without its key"
            )
        return None


def events_for_case(*, session: Session, case_id: int) -> list[AuditEvent]:
    """The audit rows about one case, oldest first (callers check access first)."""
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)
        )
    )
