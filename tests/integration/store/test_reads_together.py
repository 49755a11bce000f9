"""Page views hand their reads over to be chained together (``audit.record_reads``).

What must hold: every read handed over is in the trail when ``record_reads`` returns, the chain
verifies, reads that arrive while a group is being written go into one later transaction (the
point of the group commit), and when a group's transaction fails every thread of the group is
told so (its page is not shown) and nothing of the group is written.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine, event, select, text, update
from sqlalchemy.orm import Session

from clemency.accounts.models import User
from clemency.audit import service as audit
from clemency.audit.keys import AuditKeyError
from clemency.audit.models import AuditChain, AuditEvent
from clemency.cases import service as cases
from clemency.db.session import session_factory
from clemency.testing.factories import World


def _reads_of(engine: Engine, user_id: int, case_id: int, source: str) -> list[AuditEvent]:
    """The reads one page view of the case would record, taken out of its unit of work."""
    with session_factory(engine)() as session:
        audit.set_origin(session=session, source=source)
        cases.get_for_user(session=session, user=session.get_one(User, user_id), case_id=case_id)
        reads = audit.take_pending_reads(session=session)
        session.commit()
    return reads


def _hand_over_while_the_chain_is_held(
    engine: Engine, world: World, count: int, before_release: str | None = None
) -> tuple[list[BaseException | None], int]:
    """``count`` threads hand reads over while another transaction holds the chain head: the
    first waits on the lock with its own reads, the others queue behind it. Returns each
    thread's outcome and the number of transactions the writers committed."""
    user = world.users[("a", "attorney")].id
    case = world.cases["a_other"].id
    handed = [_reads_of(engine, user, case, f"thread-{i}") for i in range(count)]
    outcomes: list[BaseException | None] = [None] * count
    commits = 0

    def counted(_connection: object) -> None:
        nonlocal commits
        commits += 1

    def hand_over(i: int) -> None:
        try:
            audit.record_reads(engine=engine, reads=handed[i])
        except BaseException as error:  # reported in the test's thread
            outcomes[i] = error

    writer = audit._writer_for(engine)
    with Session(engine) as holder:
        holder.execute(
            update(AuditChain).where(AuditChain.id == 1).values(head_hash=AuditChain.head_hash)
        )
        event.listen(engine, "commit", counted)
        try:
            threads = [threading.Thread(target=hand_over, args=(i,)) for i in range(count)]
            threads[0].start()
            _wait_for(lambda: writer._writing and not writer._waiting)  # the leader took its own
            for thread in threads[1:]:
                thread.start()
            _wait_for(lambda: len(writer._waiting) == count - 1)
            if before_release is not None:
                holder.execute(text(before_release))
            holder.commit()
            for thread in threads:
                thread.join(timeout=60)
        finally:
            event.remove(engine, "commit", counted)
    return outcomes, commits - 1  # the holder's own commit


def _wait_for(condition: object) -> None:
    deadline = time.monotonic() + 30
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the writers did not get there in 30 s"
        time.sleep(0.005)


def test_reads_handed_over_together_are_chained_in_one_transaction_per_group(
    engine: Engine, world: World
) -> None:
    with session_factory(engine)() as session:
        before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    outcomes, commits = _hand_over_while_the_chain_is_held(engine, world, 6)
    assert outcomes == [None] * 6
    assert commits == 2  # the leader's own read, then the five that queued behind it
    with session_factory(engine)() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > (before or 0)).order_by(AuditEvent.id)
        ).all()
        assert audit.verify_chain(session=session).ok
    assert sorted(r.source for r in rows) == sorted(f"thread-{i}" for i in range(6))
    assert {(r.action, r.case_id) for r in rows} == {("read", world.cases["a_other"].id)}
    assert rows[0].source == "thread-0"


def test_when_a_group_cannot_be_written_every_thread_of_it_fails_and_nothing_is_written(
    engine: Engine, world: World
) -> None:
    """The trail was keyed meanwhile and this process has no key: the writers fail closed."""
    with session_factory(engine)() as session:
        count = session.scalar(select(AuditChain.row_count))
    outcomes, _commits = _hand_over_while_the_chain_is_held(
        engine, world, 4, before_release="UPDATE audit_chain SET key_id = 'k-elsewhere'"
    )
    assert all(isinstance(outcome, AuditKeyError) for outcome in outcomes), outcomes
    with session_factory(engine)() as session:
        assert session.scalar(select(AuditChain.row_count)) == count
        assert (
            session.scalars(select(AuditEvent).where(AuditEvent.source.like("thread-%"))).all()
            == []
        )


def test_many_threads_handing_over_at_once_lose_no_read(engine: Engine, world: World) -> None:
    user = world.users[("b", "admin")].id
    case = world.cases["b_case"].id
    handed = [_reads_of(engine, user, case, "many") for _ in range(40)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(part: list[list[AuditEvent]]) -> None:
        try:
            barrier.wait()
            for reads in part:
                audit.record_reads(engine=engine, reads=reads)
        except BaseException as error:  # reported in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(handed[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with session_factory(engine)() as session:
        assert (
            len(session.scalars(select(AuditEvent).where(AuditEvent.source == "many")).all()) == 40
        )
        assert audit.verify_chain(session=session).ok
