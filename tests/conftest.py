"""Shared fixtures: database URLs for SQLite and PostgreSQL, and the --e2e switch.

PostgreSQL tests run when ``CLEMENCY_TEST_PG_URL`` names a server (CI sets it to the local
server); without it they skip with the reason. With ``CLEMENCY_TEST_REQUIRE_ALL=1`` (CI) a
missing component fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from argon2 import PasswordHasher

import clemency.accounts.passwords

# Argon2id at its production cost takes about 70 ms of CPU a hash or verification on these two
# cores, and the suite signs in several hundred times. In this test process (the app under
# TestClient, in-process commands) passwords are hashed with argon2id at its minimum cost: the
# same code and checks, cheaper work. Servers and commands the tests start as real processes
# keep the production cost, and tests/integration/test_password_cost.py checks it in a fresh
# process. The memory cost differs from test_account_rules' "weaker" hash, which must still be
# replaced at sign-in.
clemency.accounts.passwords._HASHER = PasswordHasher(time_cost=1, memory_cost=16, parallelism=1)

T = TypeVar("T")

REQUIRE_ALL = os.environ.get("CLEMENCY_TEST_REQUIRE_ALL") == "1"
PG_URL = os.environ.get("CLEMENCY_TEST_PG_URL", "")
REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
BUNDLED_DOJ_PAGES = REPO_ROOT / "src" / "clemency" / "grants" / "pages"
# The Justice Department's grant pages: the shared data folder beside the checkout when it is
# there, else the same three pages bundled with the package (a test checks they are identical).
DOJ_PAGES = (
    SHARED_DATA / "doj-pardon-pages"
    if (SHARED_DATA / "doj-pardon-pages").is_dir()
    else BUNDLED_DOJ_PAGES
)


def missing(reason: str) -> None:
    """Skip (on a developer's machine) or fail (in CI) because a component is absent."""
    if REQUIRE_ALL:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


#: Set by this conftest when it chose the test processes' default database (never by a user).
_OWN_DEFAULT = "CLEMENCY_TEST_OWN_DEFAULT_DATABASE"


def pytest_collection_finish(session: pytest.Session) -> None:
    """The garbage collector in a test process: what exists once the tests are collected
    (modules, the app's code, the collected items) is frozen out of every later collection, and
    a young collection waits for 10,000 new objects rather than 700. The suite allocates
    heavily (every web test builds an app); with the defaults about a quarter of a web test's
    time went to collections (9.9 s of 40 s on a sample of web and store tests; 4.3 s with
    this). Cycles are still collected, only less often."""
    import gc

    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def pytest_configure(config: pytest.Config) -> None:
    """Tests get a temporary database by default: a command or app started without
    ``--database-url`` or ``CLEMENCY_DATABASE_URL`` uses a file in a temporary folder of this
    process (each xdist worker its own), never ``./clemency.db`` in the checkout. A URL the
    user set before running pytest is kept. The compiled-SQL cache of screening goes to the
    same temporary folder, never to the user's ``~/.cache``."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="clemency-tests-"))
    os.environ["CLEMENCY_CACHE_DIR"] = str(folder / "cache")
    os.environ["CLEMENCY_TEST_TEMPLATES"] = str(folder)  # fill_from_template's SQLite files
    if "CLEMENCY_DATABASE_URL" in os.environ and not os.environ.get(_OWN_DEFAULT):
        return
    os.environ["CLEMENCY_DATABASE_URL"] = f"sqlite:///{folder / 'clemency.db'}"
    os.environ[_OWN_DEFAULT] = "1"


@pytest.fixture(autouse=True)
def _no_database_in_the_checkout() -> Iterator[None]:
    """Fails the test that leaves a ``clemency.db`` in the checkout's root."""
    stray = REPO_ROOT / "clemency.db"
    existed = stray.exists()
    yield
    if not existed and stray.exists():
        stray.unlink()
        pytest.fail(f"this test wrote {stray}: give it a temporary database")


@pytest.fixture(scope="session", autouse=True)
def _session_keyring() -> object:
    """This process's keyring before any fixture ran (session fixtures come first)."""
    from clemency.crypto import keys

    return keys._current


@pytest.fixture(autouse=True)
def _process_keyring_restored(_session_keyring: object) -> Iterator[None]:
    """A command run in-process (``clemency demo``, ``doctor``) installs this process's
    encryption keyring and the settings it read stay cached; put both back after the test, so
    a later test in the same worker does not store its files encrypted with a key it never
    chose. A fixture of wider scope (module, session) that leaves a keyring installed would
    escape that, and which later tests it spoils depends on how xdist deals them out: such a
    leak fails the first test that inherits it, naming the cause."""
    from clemency.config import get_settings
    from clemency.crypto import keys

    inherited = keys._current
    keys._current = _session_keyring  # type: ignore[assignment]
    get_settings.cache_clear()
    if isinstance(inherited, keys.Keyring) and inherited is not _session_keyring:
        # None is what a wider fixture's first encrypted-or-not decision reads from settings
        # that name no key (keys.current() caches it): harmless, and reset above all the same
        pytest.fail(
            "a fixture of module or session scope left an encryption keyring installed in "
            "this process: run its in-process commands through tests.cli.run_cli"
        )
    yield
    keys._current = _session_keyring  # type: ignore[assignment]
    get_settings.cache_clear()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--e2e", action="store_true", help="run the browser tests (Playwright + chromium)"
    )


#: Modules holding tests of many seconds each (the authorization matrix, the Spark agreement,
#: the every-rule-case SQL agreement): run first, whole, in this order.
_LONG_MODULES = (
    "tests/property/test_spark_agreement.py",
    "tests/integration/web/test_authorization.py",
    "tests/property/test_sql_agreement.py",
    "tests/reliability/test_read_only_gets.py",
    "tests/integration/screening/test_engines_agree.py",
    "tests/security/test_schemathesis.py",
    "tests/property/test_deadline_agreement.py",
)


def _long_modules_first(items: list[pytest.Item]) -> None:
    """xdist's ``worksteal`` gives each worker half of the list and lets one take work from the
    other's end: a long test near the end keeps one worker busy while the other waits. Whole
    modules move (their module-scoped fixtures are set up once, as before); the order within
    them and of everything else is kept."""
    rank = {module: index for index, module in enumerate(_LONG_MODULES)}

    def key(item: pytest.Item) -> int:
        module = item.nodeid.split("::", 1)[0]
        return rank.get(module, len(rank))

    items.sort(key=key)  # stable


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _long_modules_first(items)
    if config.getoption("--e2e"):
        return
    skip = pytest.mark.skip(reason="browser test: run with --e2e (make test does in CI)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


def _worker_suffix() -> str:
    """Unique per checkout and xdist worker, so parallel runs never share a database."""
    import hashlib

    checkout = hashlib.sha1(str(REPO_ROOT).encode(), usedforsecurity=False).hexdigest()[:8]
    return checkout + "_" + re.sub(r"\W", "", os.environ.get("PYTEST_XDIST_WORKER", "main"))


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """URL of the PostgreSQL server's maintenance database, or skip."""
    if not PG_URL:
        missing(
            "PostgreSQL not configured: set CLEMENCY_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )
    return PG_URL


def fresh_pg_database(server_url: str, name: str) -> str:
    """Drop and recreate database ``name`` on the server; return its URL."""
    import sqlalchemy as sa

    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        missing(f"PostgreSQL at {server_url} is not reachable: {error.orig}")
    finally:
        admin.dispose()
    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)


_TEMPLATES: dict[tuple[str, str], tuple[str, Any]] = {}
"""(kind, backend) -> (where the template is, what its build returned), per test process."""


def fill_from_template(
    database_url: str, kind: str, build: Callable[[str], T], request: pytest.FixtureRequest
) -> T:
    """Make the database at ``database_url`` a copy of this process's template ``kind``, and
    return what ``build`` returned when it made the template.

    ``build(url)`` fills an empty database once per test process and backend (it must close its
    connections); every test then gets a copy: SQLite's backup API on a file, ``CREATE DATABASE
    … TEMPLATE`` on PostgreSQL. Migrating or creating the schema and seeding costs far more than
    the copy.
    """
    import sqlalchemy as sa

    url = sa.engine.make_url(database_url)
    backend = url.get_backend_name()
    key = (kind, backend)
    if backend == "sqlite":
        if key not in _TEMPLATES:
            template = Path(os.environ["CLEMENCY_TEST_TEMPLATES"]) / f"{kind}.db"
            template.unlink(missing_ok=True)
            _TEMPLATES[key] = (str(template), build(f"sqlite:///{template}"))
        import sqlite3

        with (
            sqlite3.connect(_TEMPLATES[key][0]) as source,
            sqlite3.connect(url.database or "") as target,
        ):
            source.backup(target)
        source.close()
        target.close()
        return _TEMPLATES[key][1]  # type: ignore[no-any-return]
    target_name = url.database or ""
    admin = sa.create_engine(request.getfixturevalue("pg_server_url"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if key not in _TEMPLATES:
                template = f"clemency_template_{kind.replace('-', '_')}_{_worker_suffix()}"
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
                connection.execute(sa.text(f'CREATE DATABASE "{template}"'))
                built = build(url.set(database=template).render_as_string(hide_password=False))
                _TEMPLATES[key] = (template, built)
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)'))
            connection.execute(
                sa.text(f'CREATE DATABASE "{target_name}" TEMPLATE "{_TEMPLATES[key][0]}"')
            )
    finally:
        admin.dispose()
    return _TEMPLATES[key][1]  # type: ignore[no-any-return]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'clemency-test.db'}"
        return
    server = request.getfixturevalue("pg_server_url")
    yield fresh_pg_database(server, f"clemency_test_{_worker_suffix()}")


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session per test process (a JVM start costs seconds): 1 core, 1 shuffle
    partition, no UI. Every Spark test uses this one; none stops it early."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        missing("PySpark is not installed (pip install 'clemency[spark]')")
    if shutil.which("java") is None:
        missing("no Java runtime on PATH; Spark needs Java 17")
    session = (
        SparkSession.builder.master("local[1]")
        .appName("clemency-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
