"""The pytest plugin collects *.tests.yaml cases and reports a failing one with file, line and reasons."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clemency.eligibility.registry import builtin_root


@pytest.mark.subprocess  # a pytest run of its own, with the plugin found by its entry point
def test_plugin_collects_cases_and_reports_failures_with_file_line_and_reasons(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "pardon"
    shutil.copytree(builtin_root() / "us-ga" / "pardon", folder)
    tests = folder / "waiting_period.tests.yaml"
    text = tests.read_text()
    tests.write_text(
        text.replace(
            'expect: {rule: fail, reason_contains: "until 2025-09-30", eligible_on: 2025-09-30}',
            'expect: {rule: pass, reason_contains: "until 2099", eligible_on: 2025-09-30}',
        )
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "-o",
            "addopts=",
            str(folder),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    out = result.stdout
    assert result.returncode == 1, out
    assert "1 failed, 33 passed" in out
    line = (
        text.splitlines().index("- name: a conviction requiring registration waits ten years") + 1
    )
    assert f"{tests}:{line}: a conviction requiring registration waits ten years" in out
    assert "rule outcome: expected pass, got fail" in out
    assert "reason should contain 'until 2099'" in out
