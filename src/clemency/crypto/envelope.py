"""Envelope encryption with AES-256-GCM: each value or file gets its own random data key,
which is itself encrypted ("wrapped") under the ``data-keys`` key of the current keyring.

A text value becomes ``enc1:<key id>:<base64 wrapped data key>:<base64 nonce + ciphertext>``;
a file starts with the line ``CLEMENCY-ENC1 <key id> <base64 wrapped data key>`` followed by
nonce + ciphertext. The ``context`` (the column, e.g. ``health_notes.text``, or ``file``) is
authenticated with the value, so a ciphertext moved to another column does not decrypt, and
any changed byte makes decryption fail loudly (the GCM tag).

Values without the prefix are plaintext written before encryption was configured; they are
read as they are, and ``clemency keys rotate`` (or the migration) encrypts them.
"""

from __future__ import annotations

import base64
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from clemency.crypto import keys
from clemency.errors import ClemencyError, ErrorCode

TEXT_PREFIX = "enc1:"
FILE_MAGIC = b"CLEMENCY-ENC1 "
_NONCE = 12


class DecryptionFailed(ClemencyError):
    """A ciphertext was altered, or belongs to another column or key."""

    code = ErrorCode.INTERNAL
    http_status = 500


def _wrap(data_key: bytes, context: str) -> tuple[str, bytes]:
    kid, kek = keys.key_for("data-keys")
    nonce = secrets.token_bytes(_NONCE)
    return kid, nonce + AESGCM(kek).encrypt(nonce, data_key, b"wrap|" + context.encode())


def _unwrap(kid: str, wrapped: bytes, context: str) -> bytes:
    _, kek = keys.key_for("data-keys", kid)
    try:
        return AESGCM(kek).decrypt(wrapped[:_NONCE], wrapped[_NONCE:], b"wrap|" + context.encode())
    except InvalidTag as error:
        raise DecryptionFailed(f"the data key of an encrypted {context} does not verify") from error


def _seal(data: bytes, context: str) -> tuple[str, bytes, bytes]:
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = secrets.token_bytes(_NONCE)
    sealed = nonce + AESGCM(data_key).encrypt(nonce, data, context.encode())
    kid, wrapped = _wrap(data_key, context)
    return kid, wrapped, sealed


def _open(kid: str, wrapped: bytes, sealed: bytes, context: str) -> bytes:
    data_key = _unwrap(kid, wrapped, context)
    try:
        return AESGCM(data_key).decrypt(sealed[:_NONCE], sealed[_NONCE:], context.encode())
    except InvalidTag as error:
        raise DecryptionFailed(
            f"an encrypted {context} was altered or is not this column's"
        ) from error


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def encrypt_text(value: str, context: str) -> str:
    kid, wrapped, sealed = _seal(value.encode("utf-8"), context)
    return f"{TEXT_PREFIX}{kid}:{_b64(wrapped)}:{_b64(sealed)}"


def is_encrypted_text(value: str) -> bool:
    return value.startswith(TEXT_PREFIX)


def _parse_text(value: str, context: str) -> tuple[str, bytes, bytes]:
    try:
        kid, wrapped, sealed = value[len(TEXT_PREFIX) :].split(":")
        return (
            kid,
            base64.b64decode(wrapped, validate=True),
            base64.b64decode(sealed, validate=True),
        )
    except ValueError as error:
        raise DecryptionFailed(f"an encrypted {context} is malformed") from error


def decrypt_text(value: str, context: str) -> str:
    """The plaintext of an ``enc1:`` value (a value without the prefix is returned as is)."""
    if not is_encrypted_text(value):
        return value
    kid, wrapped, sealed = _parse_text(value, context)
    return _open(kid, wrapped, sealed, context).decode("utf-8")


def text_key_id(value: str) -> str | None:
    return value[len(TEXT_PREFIX) :].split(":", 1)[0] if is_encrypted_text(value) else None


def rewrap_text(value: str, context: str) -> str:
    """The value under the active key: plaintext is encrypted, an older key's data key is
    re-wrapped (the ciphertext itself is kept), the active key's value is returned as is."""
    keyring = keys.current()
    if not is_encrypted_text(value):
        return encrypt_text(value, context)
    kid, wrapped, sealed = _parse_text(value, context)
    if keyring is not None and kid == keyring.active:
        return value
    new_kid, new_wrapped = _wrap(_unwrap(kid, wrapped, context), context)
    return f"{TEXT_PREFIX}{new_kid}:{_b64(new_wrapped)}:{_b64(sealed)}"


FILE_CONTEXT = "file"


def encrypt_file(data: bytes) -> bytes:
    kid, wrapped, sealed = _seal(data, FILE_CONTEXT)
    return FILE_MAGIC + f"{kid} {_b64(wrapped)}\n".encode() + sealed


def is_encrypted_file(data: bytes) -> bool:
    return data.startswith(FILE_MAGIC)


def _parse_file(data: bytes) -> tuple[str, bytes, bytes]:
    header, _, sealed = data[len(FILE_MAGIC) :].partition(b"\n")
    try:
        kid, wrapped = header.decode("ascii").split(" ")
        return kid, base64.b64decode(wrapped, validate=True), sealed
    except (ValueError, UnicodeDecodeError) as error:
        raise DecryptionFailed("an encrypted file's header is malformed") from error


def decrypt_file(data: bytes) -> bytes:
    """The plaintext of an encrypted file (a file without the header is returned as is)."""
    if not is_encrypted_file(data):
        return data
    kid, wrapped, sealed = _parse_file(data)
    return _open(kid, wrapped, sealed, FILE_CONTEXT)


def file_key_id(data: bytes) -> str | None:
    return _parse_file(data)[0] if is_encrypted_file(data) else None


def rewrap_file(data: bytes) -> bytes:
    """The file under the active key (see :func:`rewrap_text`)."""
    keyring = keys.current()
    if not is_encrypted_file(data):
        return encrypt_file(data)
    kid, wrapped, sealed = _parse_file(data)
    if keyring is not None and kid == keyring.active:
        return data
    new_kid, new_wrapped = _wrap(_unwrap(kid, wrapped, FILE_CONTEXT), FILE_CONTEXT)
    return FILE_MAGIC + f"{new_kid} {_b64(new_wrapped)}\n".encode() + sealed
