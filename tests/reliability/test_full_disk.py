"""Finding 6: `export` and `packet` on a full disk say so in one line and leave nothing behind.

The disk is real: a 16 KiB tmpfs mounted in a private user and mount namespace
(``unshare -rm``, no root needed), which the outputs (about 23 KB and 40 KB) do not fit in.
Before the fix the packet left a truncated PDF and the export a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import missing
from tests.sweeps import sampled

from .conftest import Store


def _unshare_available() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        [
            "unshare",
            "-rm",
            "sh",
            "-c",
            "mount -t tmpfs -o size=16k tmpfs /mnt 2>/dev/null || "
            'mount -t tmpfs -o size=16k tmpfs "$TMPDIR"',
        ],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def _on_full_disk(store: Store, small: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    small.mkdir()
    (small / "old.out").write_text("previous export\n")
    script = (
        f'mount -t tmpfs -o size=16k tmpfs "{small}" && '
        f'printf "previous export\\n" > "{small}/old.out" && '
        f'"{sys.executable}" -m clemency.cli.main "$@"; rc=$?; '
        f'ls -A "{small}"; cat "{small}/old.out"; exit $rc'
    )
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **store.env()},
        cwd=store.folder,
        timeout=120,
    )


#: The commands, each writing onto a full disk; the loop (``make test-fast``) runs one of them.
FULL_DISK_COMMANDS = {
    "export json": ["export", "cases", "--out", "{small}/old.out"],
    "export csv": ["export", "cases", "--format", "csv", "--out", "{small}/old.out"],
    "packet pdf": [
        "petition",
        "packet",
        "1",
        "--form",
        "us-federal/commutation",
        "--out",
        "{small}/old.out",
    ],
    "packet docx": [
        "petition",
        "packet",
        "1",
        "--form",
        "us-federal/pardon",
        "--format",
        "docx",
        "--out",
        "{small}/new.docx",
    ],
}


@pytest.mark.subprocess  # the command runs in a mount namespace with a full tmpfs
@pytest.mark.parametrize("command", sampled(FULL_DISK_COMMANDS, loop=["export json"], ids=str))
def test_a_full_disk_is_one_line_and_leaves_the_old_file(store: Store, command: str) -> None:
    args = FULL_DISK_COMMANDS[command]
    if not _unshare_available():
        missing("cannot mount a tmpfs in a user namespace (unshare -rm) on this machine")
    small = store.folder / "small"
    completed = _on_full_disk(store, small, [a.format(small=small) for a in args])
    assert completed.returncode == 1, completed.stderr
    errors = completed.stderr.strip().splitlines()
    assert len(errors) == 1, completed.stderr
    assert errors[0].startswith("error: could not write"), completed.stderr
    assert "No space left on device" in errors[0]
    # After the command, the tmpfs holds only the previous file, whole.
    assert completed.stdout.splitlines() == ["old.out", "previous export"]
