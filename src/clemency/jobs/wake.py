"""The signal that wakes the thread backend's runner (``jobs.thread``) at once when a
transaction that queued a job commits, instead of at its next poll. The job service raises it;
the runner waits on it. A module of its own so that neither imports the other for it."""

from __future__ import annotations

import threading

from sqlalchemy import event
from sqlalchemy.orm import Session

SIGNAL = threading.Event()
_KEY = "clemency.jobs.wake"


def after_commit(*, session: Session) -> None:
    """Raise :data:`SIGNAL` when ``session`` commits (a job it queued is then visible)."""
    if session.info.get(_KEY):
        return
    session.info[_KEY] = True

    def _after_commit(committed: Session) -> None:
        committed.info.pop(_KEY, None)
        SIGNAL.set()

    event.listen(session, "after_commit", _after_commit, once=True)
