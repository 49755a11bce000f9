"""`clemency screen` finds rulesets in CLEMENCY_RULESETS_PATHS, as `clemency rules list` does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clemency.cli.main import app
from clemency.config import get_settings
from tests.conftest import REPO_ROOT


def test_screen_uses_a_ruleset_from_the_extra_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "rules" / "us-test" / "pardon"
    shutil.copytree(REPO_ROOT / "src" / "clemency" / "rulesets" / "us-federal" / "pardon", extra)
    for rule_file in extra.glob("*.yaml"):  # the same rules under another jurisdiction's ids
        text = rule_file.read_text(encoding="utf-8")
        rule_file.write_text(text.replace("us-federal", "us-test"), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("person_id,release_date\nA1,2010-01-01\n", encoding="utf-8")
    monkeypatch.setenv("CLEMENCY_RULESETS_PATHS", json.dumps([str(tmp_path / "rules")]))
    get_settings.cache_clear()
    try:
        listed = CliRunner().invoke(app, ["rules", "list"])
        assert "us-test/pardon" in listed.stdout
        result = CliRunner().invoke(
            app,
            ["screen", str(roster), "--ruleset", "us-test/pardon", "--as-of", "2024-01-01",
             "--out", str(tmp_path / "out.csv"), "--allow-missing-columns"],
        )  # fmt: skip
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("person_id,")
