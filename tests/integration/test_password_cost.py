"""Passwords are hashed at the production cost outside the test suite.

The suite swaps in a cheap hasher (tests/conftest.py), so this check runs in a fresh process,
as the server and the commands do.
"""

from __future__ import annotations

import subprocess
import sys

import argon2
import pytest
from argon2.profiles import RFC_9106_LOW_MEMORY

pytestmark = pytest.mark.subprocess

_PROGRAM = """
from clemency.accounts.passwords import hash_password, needs_rehash, verify_password
stored = hash_password("correct horse battery staple")
assert verify_password(stored, "correct horse battery staple")
assert not verify_password(stored, "correct horse battery stapler")
assert not needs_rehash(stored)
print(stored)
"""


def test_a_fresh_process_hashes_with_the_rfc_9106_low_memory_profile() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    stored = done.stdout.strip()
    assert stored.startswith("$argon2id$"), stored
    got = argon2.extract_parameters(stored)
    assert (got.time_cost, got.memory_cost, got.parallelism) == (3, 65536, 4)
    assert got == RFC_9106_LOW_MEMORY


def test_a_hash_of_the_suites_cheap_hasher_would_be_replaced_in_production() -> None:
    """What the suite stores would not pass for a production hash: sign-in would rehash it."""
    from clemency.accounts.passwords import hash_password

    cheap = hash_password("correct horse battery staple")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from clemency.accounts.passwords import needs_rehash; "
            "print(needs_rehash(sys.argv[1]))",
            cheap,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
