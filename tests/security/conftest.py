"""Fixtures for the security suite: the store's migrated databases (``engine``, ``session``,
``world``) and the web application over a real database (``site``), on SQLite and PostgreSQL.

They are the same fixtures the store and web tests use, imported rather than copied.
"""

from __future__ import annotations

from tests.integration.store.conftest import engine, session, world
from tests.integration.web.conftest import site

__all__ = ["engine", "session", "site", "world"]
