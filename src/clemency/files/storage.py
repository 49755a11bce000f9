"""Stored files: bytes under a random key inside the data folder, never a user-chosen path.

The one store of every file a ``Document`` row points at (uploaded documents, support
letters, exhibits): ``<data_dir>/documents/<2 hex>/<key>``.

Keys are random UUIDs (security.md test 30), the folder is outside any web root, and a file
is written to a temporary name and renamed into place, so a crash never leaves half a file
under a real key. The database row (``Document``) records the key, type, size and sha256 (of
the plaintext).

With a keyring configured (``clemency.crypto``) every file is written encrypted (AES-256-GCM
under its own data key, wrapped by the key file's active key) and decrypted on reading; a file
written before encryption was configured is read as it is until ``clemency keys rotate``
encrypts it.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path

from clemency import datadir
from clemency.crypto import envelope, keys
from clemency.errors import NotFound

_KEY = re.compile(r"^[0-9a-f]{32}$")


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root / datadir.DOCUMENTS

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise NotFound(f"no stored file {key!r}")
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        """Store ``data`` under a new random key and return the key."""
        key = uuid.uuid4().hex
        path = self._path(key)
        if keys.current() is not None:
            data = envelope.encrypt_file(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".partial")
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        return key

    def get(self, key: str, *, sha256: str | None = None) -> bytes:
        """The bytes under ``key``; with ``sha256``, refuse a file that has changed."""
        path = self._path(key)
        if not path.is_file():
            raise NotFound(f"stored file {key} is missing from {self.root}")
        data = envelope.decrypt_file(path.read_bytes())
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
            raise NotFound(f"stored file {key} does not match its recorded sha256")
        return data

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
