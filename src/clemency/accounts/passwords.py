"""Password hashing with argon2id (RFC 9106 low-memory profile, argon2-cffi's default), and the
password policy every new password passes (security.md CJ-3, ASVS 2.1.1/2.1.2/2.1.7/2.1.9).

Plain passwords never leave this module: callers hash on the way in and verify on login.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY

from clemency.errors import BadInput

_HASHER = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)
"""Every hash and verification goes through this one hasher. The test suite swaps in one of
minimal cost (tests/conftest.py); a test in a fresh process checks that the module's own hasher
uses this profile."""
PASSWORD_MIN, PASSWORD_MAX = 12, 128
MIN_DISTINCT_CHARACTERS = 5
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def hash_password(password: str) -> str:
    """An argon2id hash string (salt and parameters included)."""
    return str(_HASHER.hash(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; a missing or malformed hash never matches."""
    if not password_hash:
        return False
    try:
        return bool(_HASHER.verify(password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's; rehash on next login."""
    return bool(_HASHER.check_needs_rehash(password_hash))


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common and breached passwords (``data/README.md`` names its source
    and licence), lower-cased."""
    raw = files("clemency.accounts").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(raw).decode().splitlines() if line)


def _forms(password: str) -> set[str]:
    """The password as a guesser would try it: lower-cased, without spaces, and with the
    digits and symbols around a word taken off (``Password2024!`` -> ``password``)."""
    lowered = password.lower()
    forms = {lowered, lowered.replace(" ", "")}
    stripped = _EDGES.sub("", lowered)
    if stripped:
        forms.add(stripped)
    return forms


def check_password_policy(password: str, *, email: str = "", display_name: str = "") -> None:
    """12 to 128 characters, anything allowed (spaces and any Unicode included), but not a
    common or breached password, nor a variation of one, nor the user's e-mail or name, nor a
    few characters repeated. Raises :class:`BadInput` naming what to change."""
    if len(password) < PASSWORD_MIN:
        raise BadInput(
            f"The password must be at least {PASSWORD_MIN} characters long.", field="password"
        )
    if len(password) > PASSWORD_MAX:
        raise BadInput(
            f"The password must be at most {PASSWORD_MAX} characters long.", field="password"
        )
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        raise BadInput(
            "The password repeats too few different characters; choose a longer phrase.",
            field="password",
        )
    forms = _forms(password)
    if forms & common_passwords():
        raise BadInput(
            "That password is on the list of common or breached passwords; choose another "
            "(a phrase of several unrelated words works well).",
            field="password",
        )
    email = email.strip().lower()
    personal = {email, email.split("@")[0], display_name.strip().lower(), "clemency"}
    personal |= {word.replace(" ", "") for word in personal}
    personal.discard("")
    if forms & personal or (email and email in password.lower()):
        raise BadInput(
            "The password must not be your e-mail address, your name or the name of this "
            "system; choose another.",
            field="password",
        )
