"""The audit trail's key: where it comes from, and what it computes.

The key never lives in the database. It is read from one setting, ``CLEMENCY_AUDIT_KEY_FILE``
(a file holding 64 hexadecimal characters, 32 random bytes) or ``CLEMENCY_AUDIT_KEY`` (the same
text in the environment), by :func:`load_audit_key`, the one place that knows where keys come
from: pointing it at a shared keyring later changes this function only.

With a key, each audit row's hash is an HMAC-SHA256 over the previous hash and the row, so
someone who can write to the database but does not hold the key cannot rewrite rows and
recompute the chain; checkpoints (``clemency audit checkpoint``) are signed with the same key
(a different label), so truncation up to a checkpoint kept off the host is detected too.

Which key an engine's writers use is bound once per engine (:func:`bind`, done by the web
application for its settings); an engine nobody bound uses the process settings.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from clemency.errors import BadInput

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from clemency.config import Settings

KEY_BYTES = 32
ROW_LABEL = b"clemency-audit-row"
CHECKPOINT_LABEL = b"clemency-audit-checkpoint"
_KEY_ID_LABEL = b"clemency-audit-key-id"


class AuditKeyError(BadInput):
    """The audit key setting is unusable (missing file, wrong length, not hexadecimal)."""


@dataclass(frozen=True)
class AuditKey:
    """A secret for HMAC-SHA256; ``key_id`` names it in rows and checkpoints without revealing it."""

    secret: bytes = field(repr=False)

    @property
    def key_id(self) -> str:
        return hmac.new(self.secret, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]

    def mac(self, label: bytes, message: str) -> str:
        """HMAC-SHA256 of ``message`` under this key, separated by ``label`` from other uses."""
        return hmac.new(self.secret, label + b"\0" + message.encode(), hashlib.sha256).hexdigest()


def parse_key(text: str, *, where: str) -> AuditKey:
    """A key from its text form (64 hexadecimal characters; surrounding blanks ignored)."""
    value = text.strip()
    try:
        secret = bytes.fromhex(value)
    except ValueError:
        secret = b""
    if len(secret) != KEY_BYTES:
        raise AuditKeyError(
            f"{where}: the audit key must be {KEY_BYTES * 2} hexadecimal characters "
            f"({KEY_BYTES} random bytes); make one with `clemency audit keygen FILE`."
        )
    return AuditKey(secret)


def load_audit_key(settings: Settings) -> AuditKey | None:
    """The audit key named by ``settings``, or None when none is configured."""
    if settings.audit_key is not None:
        return parse_key(settings.audit_key.get_secret_value(), where="CLEMENCY_AUDIT_KEY")
    path = settings.audit_key_file
    if path is None:
        return None
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise AuditKeyError(
            f"{path}: cannot read the audit key ({error.__class__.__name__}); check "
            "CLEMENCY_AUDIT_KEY_FILE or make a key with `clemency audit keygen FILE`."
        ) from error
    return parse_key(text, where=str(path))


def write_new_key(path: Path) -> AuditKey:
    """Create a new random key in ``path`` (owner-only, written atomically); refuse to
    overwrite an existing file, whose key may still be needed to verify the trail."""
    if path.exists():
        raise AuditKeyError(f"{path} exists already; a key is never overwritten.")
    key = AuditKey(secrets.token_bytes(KEY_BYTES))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key.secret.hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)  # fails if someone created the file meanwhile
    finally:
        os.unlink(temporary)
    return key


_BOUND: WeakKeyDictionary[Engine, AuditKey | None] = WeakKeyDictionary()


def bind(engine: Engine, key: AuditKey | None) -> None:
    """Have audit rows written through ``engine`` keyed with ``key`` (None: unkeyed)."""
    _BOUND[engine] = key


def key_for_session(*, session: Session) -> AuditKey | None:
    """The key for audit rows written through ``session``: the one bound to its engine, else
    the one the process settings name."""
    from sqlalchemy import Engine

    from clemency.config import get_settings

    bind_ = session.get_bind()
    engine = bind_ if isinstance(bind_, Engine) else bind_.engine
    if engine in _BOUND:
        return _BOUND[engine]
    key = key_for_engine(get_settings(), engine)
    _BOUND[engine] = key
    return key


def key_for_engine(settings: Settings, engine: Engine) -> AuditKey | None:
    """The key ``settings`` name; failing that, in the development profile only, the demo key
    beside a SQLite database (see :func:`demo_key_file`)."""
    key = load_audit_key(settings)
    if key is None and settings.environment == "development":
        key = _demo_key_beside(engine)
    return key


def demo_key_file(database: Path) -> Path:
    """Where ``clemency demo`` keeps the demo database's audit key: beside it."""
    return database.with_name(database.name + ".audit-key")


def _demo_key_beside(engine: Engine) -> AuditKey | None:
    """In the development profile only, a SQLite database's demo key file, if there is one
    (so commands run on the demo database need no setting). Never used in production, where
    the key must not sit beside the data it protects."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    path = demo_key_file(Path(database))
    return parse_key(path.read_text(encoding="ascii"), where=str(path)) if path.exists() else None
