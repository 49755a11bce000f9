"""Keys: one key file (or environment variable) holding key-encryption keys, never the database.

A key file is JSON::

    {"format": "clemency-keys/1", "active": "k-20261204-1a2b",
     "keys": {"k-20261204-1a2b": "<base64 of 32 random bytes>", ...}}

Every key ever active stays in the file until nothing is encrypted under it (``clemency keys
rotate`` re-wraps everything under the active key and can then drop the old ones). Each key is a
root key: the key actually used for a job is derived from it for a named purpose with HKDF
(:func:`Keyring.key_for`), so wrapping data keys and, say, keying the audit trail's HMAC never
share key material. Key ids travel with every ciphertext.

The process has one current keyring (:func:`current`): installed explicitly (the web app, the
demo, tests) or loaded once from the settings (``CLEMENCY_KEY_FILE`` or ``CLEMENCY_KEYS``).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from clemency.errors import ClemencyError, ErrorCode

if TYPE_CHECKING:
    from clemency.config import Settings

FORMAT = "clemency-keys/1"
KEY_BYTES = 32

#: The named purposes keys are derived for. ``data-keys`` wraps the per-value data keys of
#: encrypted columns and files; ``audit-hmac`` keys the audit trail's chain.
Purpose = Literal["data-keys", "audit-hmac"]
PURPOSES: tuple[Purpose, ...] = ("data-keys", "audit-hmac")


class KeyError_(ClemencyError):
    """A key file is missing, unreadable, or lacks a key that a ciphertext names."""

    code = ErrorCode.INTERNAL
    http_status = 500


@dataclass(frozen=True)
class Keyring:
    active: str
    keys: dict[str, bytes]
    source: str = "(in memory)"

    def key_for(self, purpose: Purpose, key_id: str | None = None) -> tuple[str, bytes]:
        """``(key id, 32-byte key)`` for ``purpose``: from the active root key, or from the
        root key ``key_id`` (to read what an older key wrote)."""
        if purpose not in PURPOSES:
            raise KeyError_(f"unknown key purpose {purpose!r}; purposes are {PURPOSES}")
        kid = key_id or self.active
        root = self.keys.get(kid)
        if root is None:
            raise KeyError_(
                f"the key file {self.source} has no key {kid!r}, which encrypted this data; "
                "restore the key file that held it (keys are never kept in the database)."
            )
        derived = HKDF(
            algorithm=hashes.SHA256(),
            length=KEY_BYTES,
            salt=None,
            info=b"clemency/" + purpose.encode(),
        ).derive(root)
        return kid, derived

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "active": self.active,
                "keys": {kid: base64.b64encode(k).decode() for kid, k in self.keys.items()},
            },
            indent=2,
        )

    def with_new_active(self) -> Keyring:
        """This keyring plus a fresh key, made active (the old keys still decrypt)."""
        kid = new_key_id()
        return Keyring(
            active=kid, keys={**self.keys, kid: secrets.token_bytes(KEY_BYTES)}, source=self.source
        )

    def only_active(self) -> Keyring:
        return Keyring(
            active=self.active, keys={self.active: self.keys[self.active]}, source=self.source
        )


def new_key_id() -> str:
    return f"k-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(3)}"


def generate() -> Keyring:
    kid = new_key_id()
    return Keyring(active=kid, keys={kid: secrets.token_bytes(KEY_BYTES)})


def parse(text: str, source: str) -> Keyring:
    """A keyring from key-file JSON; a bad file is one clear error naming ``source``."""
    try:
        raw = json.loads(text)
        if raw.get("format") != FORMAT:
            raise ValueError(f"format is {raw.get('format')!r}, not {FORMAT!r}")
        keys = {
            str(kid): base64.b64decode(value, validate=True) for kid, value in raw["keys"].items()
        }
        active = str(raw["active"])
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise KeyError_(
            f"{source} is not a Clemency key file ({error}); make one with `clemency keys generate`."
        ) from error
    if active not in keys or any(len(k) != KEY_BYTES for k in keys.values()):
        raise KeyError_(f"{source}: the active key is missing or a key is not {KEY_BYTES} bytes.")
    return Keyring(active=active, keys=keys, source=source)


def read(path: Path) -> Keyring:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise KeyError_(f"cannot read the key file {path}: {error.strerror or error}") from error
    return parse(text, str(path))


def write(keyring: Keyring, path: Path, *, overwrite: bool = False) -> None:
    """Write the key file atomically, readable by its owner only."""
    if path.exists() and not overwrite:
        raise KeyError_(f"{path} already exists; keys are never overwritten (choose another path).")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(keyring.to_json() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def from_settings(settings: Settings) -> Keyring | None:
    """The keyring the settings name (``keys`` wins over ``key_file``), or None."""
    if settings.keys is not None:
        return parse(settings.keys.get_secret_value(), "CLEMENCY_KEYS")
    if settings.key_file is not None:
        return read(settings.key_file)
    return None


class _Unset:
    pass


_current: Keyring | _Unset | None = _Unset()


def install(keyring: Keyring | None) -> None:
    """Make ``keyring`` this process's keyring (None: no encryption configured)."""
    global _current
    _current = keyring


def current() -> Keyring | None:
    """The process's keyring: installed, or read once from the environment's settings."""
    global _current
    if isinstance(_current, _Unset):
        from clemency.config import get_settings

        _current = from_settings(get_settings())
    return _current


def key_for(purpose: Purpose, key_id: str | None = None) -> tuple[str, bytes]:
    """``(key id, key)`` for a named purpose from the current keyring; an error if none is
    configured (the audit trail's HMAC, for one, needs this)."""
    keyring = current()
    if keyring is None:
        raise KeyError_(
            "no keys are configured: set CLEMENCY_KEY_FILE to a file made by "
            "`clemency keys generate` (or CLEMENCY_KEYS to its content)."
        )
    return keyring.key_for(purpose, key_id)
