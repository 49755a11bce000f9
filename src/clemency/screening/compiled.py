"""The compiled SQL of a ruleset, kept between runs so a run need not import sqlglot.

Compiling a ruleset imports sqlglot and walks the rules: about 0.1 s of CPU, a fixed cost of
every ``clemency screen`` run that the roster's size does not amortise on small and middling
rosters. The SQL depends only on the required rules (their expressions, parameters and
dates), the as-of date, the dialect, the query's source and carried columns, and the compiler
itself, so it is stored under a SHA-256 of all of those and read back the next time.

The key covers the rules by their full ``repr`` (not by the ruleset's hash, which a ruleset
built in memory may not keep up to date) and the compiler by the source of every module of
:mod:`clemency.eligibility` and sqlglot's version file: a changed rule, parameter or compiler
never meets an old entry.

The cache is a folder of the user's own (``CLEMENCY_CACHE_DIR``, else
``$XDG_CACHE_HOME/clemency/sql``, else ``~/.cache/clemency/sql``), created with mode 0700. A
folder that others may write to, or that cannot be created, is not used: the SQL read back is
run against the roster, so only its owner may have written it. Entries are written atomically
(a temporary file renamed into place) and the oldest are removed beyond :data:`KEEP`. Setting
``CLEMENCY_CACHE_DIR`` to an empty value turns the cache off.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clemency.eligibility import Ruleset

CACHE_ENV = "CLEMENCY_CACHE_DIR"
KEEP = 200
"""Entries kept; beyond that the least recently written are removed."""
FORMAT = "1"
"""Bumped when the layout of the key or of an entry changes."""


def compiled_sql(
    ruleset: Ruleset,
    as_of: date,
    dialect: str,
    *,
    source: str,
    passthrough: tuple[str, ...] = (),
) -> str:
    """``compile_ruleset(ruleset, as_of, dialect, source, passthrough)``, from the cache if there."""
    folder = cache_folder()
    entry = None
    if folder is not None:
        entry = folder / f"{cache_key(ruleset, as_of, dialect, source, passthrough)}.sql"
        try:
            return entry.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass
    from clemency.eligibility import compile_ruleset

    sql = compile_ruleset(ruleset, as_of, dialect, source=source, passthrough=passthrough)
    if entry is not None:
        _store(entry, sql)
    return sql


def cache_key(
    ruleset: Ruleset, as_of: date, dialect: str, source: str, passthrough: tuple[str, ...]
) -> str:
    parts = (
        FORMAT,
        compiler_fingerprint(),
        repr(ruleset.required_rules),
        as_of.isoformat(),
        dialect,
        source,
        repr(passthrough),
    )
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


@lru_cache(maxsize=1)
def compiler_fingerprint() -> str:
    """SHA-256 of the compiler's sources: every module of clemency.eligibility and sqlglot's
    version file (read, not imported)."""
    import importlib.util

    import clemency.eligibility

    digest = hashlib.sha256()
    for path in sorted(Path(clemency.eligibility.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    spec = importlib.util.find_spec("sqlglot")
    for location in (spec.submodule_search_locations or []) if spec else []:
        version = Path(location) / "_version.py"
        digest.update(version.read_bytes() if version.is_file() else b"?")
    return digest.hexdigest()


def cache_folder() -> Path | None:
    """The cache folder (created if need be), or None when it is off or not safely ours."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        if not configured.strip():
            return None
        folder = Path(configured)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "clemency" / "sql"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None
    return folder


def _store(entry: Path, sql: str) -> None:
    """Write ``entry`` atomically and keep the folder to :data:`KEEP` entries; never fails."""
    partial: Path | None = None
    try:
        handle, name = tempfile.mkstemp(dir=entry.parent, suffix=".partial")
        partial = Path(name)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(sql)
        os.replace(partial, entry)
        partial = None
        entries = sorted(entry.parent.glob("*.sql"), key=lambda path: path.stat().st_mtime)
        for old in entries[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written is only slower
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)
