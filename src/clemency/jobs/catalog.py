"""Where the job functions live: importing these modules registers every job kind.

Two kinds of entry, because of the layers (pyproject's import-linter contract): modules above
``jobs`` (``uploads.rosters``, ``ops.reminders``) register themselves with
``@jobs.registry.job``; modules below it (``documents``, ``grants``) cannot import the registry,
so their job functions are listed here by :func:`lower` and registered by the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def load() -> None:
    import clemency.ops.reminders
    import clemency.uploads.rosters  # noqa: F401


@lru_cache(maxsize=1)
def lower() -> tuple[tuple[str, str, Callable[[Any], dict[str, Any]]], ...]:
    """``(kind, title, function)`` of the jobs of the domains below ``jobs``."""
    from clemency.documents import packet_job
    from clemency.grants import import_job

    return (
        (packet_job.KIND, packet_job.TITLE, packet_job.run),
        (import_job.KIND, import_job.TITLE, import_job.run),
    )
