"""Where the job functions live: importing these modules registers every job kind."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def load() -> None:
    import clemency.ops.reminders
    import clemency.uploads.rosters  # noqa: F401
