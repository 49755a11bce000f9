"""Running the Alembic migrations from code (``clemency db upgrade``, the demo, the tests).

An upgrade is all or nothing on every backend:

* PostgreSQL runs DDL in transactions natively; Alembic wraps the whole upgrade in one.
* SQLite's Python driver (pysqlite, in its legacy transaction mode) commits each DDL statement
  on its own, so a killed upgrade used to leave new tables under the old version stamp. The
  migration engine here takes transaction control away from the driver (``isolation_level =
  None``) and emits ``BEGIN`` itself (SQLAlchemy's documented workaround), so every statement
  of every pending migration, and the new version stamp, commit together or not at all.
  Foreign keys are switched off for the upgrade (batch migrations copy and drop tables) and
  checked with ``PRAGMA foreign_key_check`` before the commit.
* Before upgrading a SQLite file that has data, a consistent copy is taken with SQLite's
  backup API beside it (``<file>.before-upgrade-<revision>``), and any error names it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config

from clemency.errors import ClemencyError, ErrorCode

if TYPE_CHECKING:
    from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class UpgradeFailed(ClemencyError):
    """A migration failed; the database was rolled back to where it was."""

    code = ErrorCode.INTERNAL
    http_status = 500


FOREIGN_PREFIXES = ("procrastinate_",)
"""Tables and types owned by a library, not by our models (the job queue's own schema, created
by migration ``ops_jobs_mail``): comparisons of the models with the database leave them out."""


def ours(name: str | None, type_: str, _parent_names: object = None) -> bool:
    """Alembic's ``include_name`` hook: False for a library's own tables (see above)."""
    return not (type_ == "table" and name is not None and name.startswith(FOREIGN_PREFIXES))


def alembic_config(url: str) -> Config:
    """An Alembic config for ``url`` without any alembic.ini on disk."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["database_url"] = url
    return config


def migration_engine(url: str) -> Engine:
    """An engine whose transactions really enclose DDL, also on SQLite (see the module doc)."""
    from sqlalchemy import event

    from clemency.db.session import make_engine

    engine = make_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _driver_leaves_transactions_to_us(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA foreign_keys=OFF")

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def script_heads(url: str) -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config(url)).get_heads())


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` in one transaction.

    On failure raises :class:`UpgradeFailed` saying what happened and how to recover; the
    database is left at the revision it was at.
    """
    from sqlalchemy import text

    engine = migration_engine(url)
    copy: Path | None = None
    try:
        before = _heads(engine)
        if before == script_heads(url) and revision == "head":
            return
        copy = _copy_before_upgrade(engine, before)
        config = alembic_config(url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            if engine.dialect.name == "sqlite":
                broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
                if broken:
                    raise RuntimeError(
                        f"the upgrade would leave {len(broken)} broken foreign keys "
                        f"(first in table {broken[0][0]})"
                    )
    except ClemencyError:
        raise
    except Exception as error:
        raise UpgradeFailed(
            _failure_message(url, engine, before_heads(engine), error, copy)
        ) from error
    finally:
        engine.dispose()


def before_heads(engine: Engine) -> set[str]:
    try:
        return _heads(engine)
    except Exception:
        return set()


def _heads(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def _sqlite_path(engine: Engine) -> Path | None:
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _copy_before_upgrade(engine: Engine, heads: set[str]) -> Path | None:
    """A consistent copy of a SQLite file that holds data, taken with the backup API."""
    import sqlite3

    path = _sqlite_path(engine)
    if path is None or not path.is_file() or path.stat().st_size == 0:
        return None
    with engine.connect() as connection:
        tables = connection.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).scalar_one()
    if not tables:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    label = "-".join(sorted(heads)) or "unversioned"
    copy = path.with_name(f"{path.name}.before-upgrade-{label}-{stamp}")
    source = sqlite3.connect(path)
    target = sqlite3.connect(copy)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()
    return copy


def _failure_message(
    url: str, engine: Engine, heads: set[str], error: BaseException, copy: Path | None
) -> str:
    from sqlalchemy.engine import make_url

    cause = getattr(error, "orig", None) or error
    first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    shown = make_url(url).render_as_string(hide_password=True)
    at = ", ".join(sorted(heads)) or "no revision (empty)"
    message = (
        f"the upgrade of {shown} failed ({first}) and was rolled back: the database is "
        f"unchanged, still at {at}."
    )
    if copy is not None:
        message += f" A copy taken before the upgrade is at {copy}."
    if "already exists" in first:
        message += (
            " A table the upgrade creates is already there: the database was half-migrated by "
            "an interrupted upgrade of an older Clemency. Restore the last backup "
            "(`clemency restore`, docs/operations.md) and upgrade again."
        )
    else:
        message += " Fix the cause named above and run `clemency db upgrade` again."
    return message


def current_heads(url: str) -> set[str]:
    """The revisions the database at ``url`` is at (empty for a fresh database)."""
    from clemency.db.session import make_engine

    engine = make_engine(url)
    try:
        return _heads(engine)
    finally:
        engine.dispose()
