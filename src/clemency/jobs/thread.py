"""The thread backend: with the embedded SQLite default, jobs run in a thread of the server
process (``make demo`` needs nothing else). The thread polls the ``jobs`` table every
``POLL_SECONDS`` and is woken at once when a request commits a new job."""

from __future__ import annotations

import logging
import threading
from datetime import date

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from clemency.config import Settings
from clemency.db.session import unit_of_work

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
_WAKE = threading.Event()
_WAKE_KEY = "clemency.jobs.wake"


def wake_after_commit(*, session: Session) -> None:
    """Wake the runner when ``session`` commits (a job it queued is then visible)."""
    if session.info.get(_WAKE_KEY):
        return
    session.info[_WAKE_KEY] = True

    def _after_commit(committed: Session) -> None:
        committed.info.pop(_WAKE_KEY, None)
        _WAKE.set()

    event.listen(session, "after_commit", _after_commit, once=True)


class Runner:
    """One polling thread; :meth:`stop` ends it after the job in hand."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine, self.settings = engine, settings
        self._stop = threading.Event()
        self._scheduled_on: date | None = None
        self._thread = threading.Thread(target=self._loop, name="clemency-jobs", daemon=True)

    def start(self) -> Runner:
        self._thread.start()
        return self

    def alive(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        _WAKE.set()
        self._thread.join(timeout)

    def run_due(self) -> int:
        """Run every job due now; returns how many were run."""
        from clemency.jobs import service

        ran = 0
        while not self._stop.is_set():
            with unit_of_work(self.engine) as session:
                ids = service.due(session=session)
            if not ids:
                return ran
            for job_id in ids:
                if service.execute(self.engine, self.settings, job_id) is not None:
                    ran += 1
        return ran

    def _schedule_daily(self) -> None:
        """Queue today's reminders once it is past the sending hour (idempotent by key)."""
        from datetime import UTC, datetime

        from clemency.ops import reminders

        if self.settings.environment == "test":
            return  # tests queue reminders themselves; a test's app must not write on its own
        now = datetime.now(UTC)
        if now.hour >= reminders.SEND_HOUR_UTC and self._scheduled_on != now.date():
            reminders.queue_daily(self.engine, self.settings, now.date())
            self._scheduled_on = now.date()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._schedule_daily()
                self.run_due()
            except Exception:  # a broken poll must not kill the runner; it is logged
                log.exception("job runner poll failed")
            _WAKE.wait(POLL_SECONDS)
            _WAKE.clear()
