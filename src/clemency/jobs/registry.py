"""The one registry of job kinds. A job is a function in the domain that owns the work,
registered once with :func:`job`; :mod:`clemency.jobs.catalog` imports those modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from clemency.config import Settings


@dataclass(frozen=True)
class JobContext:
    """What a job function gets. ``session`` is its unit of work (committed with the job's
    "done"); ``progress(fraction)`` is written at once in its own transaction, so report it
    before reading or writing through ``session`` (SQLite allows one writer at a time)."""

    session: Session
    settings: Settings
    public_id: str
    payload: dict[str, Any]
    user_id: int | None
    attempt: int
    progress: Callable[[float], None]


JobFunction = Callable[[JobContext], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    name: str
    function: JobFunction
    title: str


_KINDS: dict[str, JobKind] = {}


def job(name: str, *, title: str) -> Callable[[JobFunction], JobFunction]:
    """Register ``function`` as job kind ``name`` (once: a second registration is a bug).

    The function must be idempotent: it may run again after a failure part-way, or after a
    worker died before recording "done"."""

    def register(function: JobFunction) -> JobFunction:
        existing = _KINDS.get(name)
        if existing is not None and existing.function is not function:
            raise RuntimeError(f"job kind {name!r} is registered twice")
        _KINDS[name] = JobKind(name, function, title)
        return function

    return register


def _load() -> None:
    from clemency.jobs import catalog

    catalog.load()
    for name, title, function in catalog.lower():
        job(name, title=title)(function)


def kind(name: str) -> JobKind:
    _load()
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r}; known: {', '.join(sorted(_KINDS))}") from None


def kinds() -> dict[str, JobKind]:
    _load()
    return dict(_KINDS)
