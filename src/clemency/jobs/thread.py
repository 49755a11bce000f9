"""The thread backend: with the embedded SQLite default, jobs run in a thread of the server
process (``make demo`` needs nothing else). The thread polls the ``jobs`` table every
``POLL_SECONDS`` and is woken at once when a request commits a new job."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, date, datetime

from sqlalchemy import Engine

from clemency.config import Settings
from clemency.db.session import unit_of_work
from clemency.jobs import service, wake

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0


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
        wake.SIGNAL.set()
        self._thread.join(timeout)

    def run_due(self) -> int:
        """Run every job due now; returns how many were run."""
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
            wake.SIGNAL.wait(POLL_SECONDS)
            wake.SIGNAL.clear()
