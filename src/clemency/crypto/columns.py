"""Encrypted text columns: encrypted on the way into the database, decrypted on the way out,
transparently for every query, service and page (SQLite and PostgreSQL alike).

Such a column can be neither searched nor sorted by its content (the stored value is random
each time); only columns nobody searches are encrypted. With no keyring configured (a
development database without keys) values are stored as written; production refuses to start
without keys.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from clemency.crypto import envelope, keys


class EncryptedText(TypeDecorator[str]):
    """Text stored as ``enc1:…`` envelope ciphertext, authenticated with ``context`` (the
    column's ``table.column`` name)."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str, multiline: bool = True) -> None:
        super().__init__()
        self.context = context
        self.multiline = multiline  # False: a short field (a name), for forms

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or keys.current() is None:
            return value
        return envelope.encrypt_text(str(value), self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return envelope.decrypt_text(value, self.context)

    def copy(self, **kw: Any) -> EncryptedText:
        return EncryptedText(self.context, self.multiline)


#: Every encrypted column, as (table, column): what ``clemency keys rotate`` and the migration
#: walk. Kept beside the type so a new encrypted column is one line here and one in the model.
ENCRYPTED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("health_notes", "text"),
    ("victim_records", "full_name"),
    ("victim_records", "relation_detail"),
    ("victim_records", "contact_details"),
    ("victim_records", "notified_by"),
    ("victim_records", "statement"),
    ("victim_records", "source"),
)
