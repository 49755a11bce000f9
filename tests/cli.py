"""Run the ``clemency`` command in the test process, as a user's shell would run it.

``run_cli("export", "cases", "--out", path)`` calls the console script's entry function
(``clemency.cli.main:run``, so a command's uncaught error gets the same one-line report as in
a real process) with that argv, and returns the exit status and what it wrote on stdout and
stderr. A subprocess costs a Python start and every import again (one to two seconds of CPU
each); this costs neither.

A run starts as a new process would, and leaves nothing behind: the environment (``env``
entries are set, ``None`` removes one), the working directory, ``sys.argv``, the cached
settings, the process keyring (read afresh from the run's settings), ``--debug`` and the root
logger's handlers are all put back afterwards. An error the entry function does not turn into
an exit status (a real process would print a traceback) is raised in the test.

Tests where the process boundary itself is under test run ``clemency`` as a real subprocess
and say so with the ``subprocess`` marker: the installed script starts, imports stay lazy at
start-up, a worker stops on SIGTERM, an upgrade is killed part-way, a disk fills in a mount
namespace.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from typer.testing import CliRunner


@dataclass(frozen=True)
class Ran:
    """What one run of ``clemency`` did: its exit status and its two output streams."""

    returncode: int
    stdout_bytes: bytes
    stderr_bytes: bytes

    @property
    def stdout(self) -> str:
        return self.stdout_bytes.decode("utf-8")

    @property
    def stderr(self) -> str:
        return self.stderr_bytes.decode("utf-8", errors="backslashreplace")


def run_cli(
    *args: str,
    env: Mapping[str, str | None] | None = None,
    cwd: Path | None = None,
    input: str | bytes | None = None,
    timeout: float = 120,
) -> Ran:
    """Run ``clemency *args`` in this process; see the module's docstring.

    ``timeout`` (seconds) fails a run that hangs, as a subprocess's time limit would.
    """
    from clemency.cli import common, main

    with (
        CliRunner().isolation(input=input, env=env) as (stdout, stderr, _),
        _fresh_process_state(),
        _time_limit(timeout, args),
    ):
        if cwd is not None:
            os.chdir(cwd)
        sys.argv = ["clemency", *args]
        common.DEBUG["on"] = False
        try:
            main.run()
            status = 0  # pragma: no cover - the command line always ends in SystemExit
        except SystemExit as end:
            status = _exit_status(end.code)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        return Ran(status, stdout.getvalue(), stderr.getvalue())


def _exit_status(code: object) -> int:
    """The status a process gets from ``sys.exit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # sys.exit("message") prints it and exits 1
    return 1


@contextmanager
def _fresh_process_state() -> Iterator[None]:
    """Settings and keyring as a new process finds them; everything put back afterwards."""
    from clemency.cli import common
    from clemency.config import get_settings
    from clemency.crypto import keys

    cwd, argv, debug, keyring = os.getcwd(), sys.argv, dict(common.DEBUG), keys._current
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    get_settings.cache_clear()
    keys._current = keys._Unset()
    try:
        yield
    finally:
        os.chdir(cwd)
        sys.argv = argv
        common.DEBUG.clear()
        common.DEBUG.update(debug)
        keys._current = keyring
        get_settings.cache_clear()
        root.handlers = handlers
        root.setLevel(level)


@contextmanager
def _time_limit(seconds: float, args: tuple[str, ...]) -> Iterator[None]:
    """Raise in the run after ``seconds`` (only the main thread can take a signal)."""
    if threading.current_thread() is not threading.main_thread():  # pragma: no cover
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"clemency {' '.join(args)} ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
