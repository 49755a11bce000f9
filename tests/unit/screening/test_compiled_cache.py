"""The compiled-SQL cache gives back what the compiler gives, never an entry for other rules,
and is used only from a folder nobody else can write to."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from clemency.eligibility import compile_ruleset, load_ruleset
from clemency.screening.compiled import CACHE_ENV, compiled_sql
from clemency.screening.params import with_parameter

AS_OF = date(2024, 2, 29)
CARRIED = ("invalid_reason",)


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.sql"))


def test_the_cached_sql_is_the_compiled_sql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    ruleset = load_ruleset("us-federal/commutation")
    fresh = compile_ruleset(ruleset, AS_OF, "duckdb", source="roster", passthrough=CARRIED)

    assert compiled_sql(ruleset, AS_OF, "duckdb", source="roster", passthrough=CARRIED) == fresh
    [entry] = entries(tmp_path)
    assert entry.read_text(encoding="utf-8") == fresh
    assert compiled_sql(ruleset, AS_OF, "duckdb", source="roster", passthrough=CARRIED) == fresh
    assert entries(tmp_path) == [entry]


def test_other_rules_dates_or_dialects_never_meet_an_old_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    ruleset = load_ruleset("us-federal/commutation")
    changed, _ = with_parameter(ruleset, "capital_timetable.filing_days=45")
    variants = [
        (ruleset, AS_OF, "duckdb", CARRIED),
        (changed, AS_OF, "duckdb", CARRIED),
        (ruleset, date(2024, 3, 1), "duckdb", CARRIED),
        (ruleset, AS_OF, "spark", CARRIED),
        (ruleset, AS_OF, "duckdb", ()),
    ]
    for chosen, as_of, dialect, carried in variants * 2:  # the second time from the cache
        expected = compile_ruleset(chosen, as_of, dialect, source="roster", passthrough=carried)
        assert (
            compiled_sql(chosen, as_of, dialect, source="roster", passthrough=carried) == expected
        )
    assert len(entries(tmp_path)) == len(variants)
    assert "45" in compiled_sql(changed, AS_OF, "duckdb", source="roster", passthrough=CARRIED)


def test_a_hit_does_not_import_the_compiler(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from datetime import date\n"
        "from clemency.eligibility import load_ruleset\n"
        "from clemency.screening.compiled import compiled_sql\n"
        "ruleset = load_ruleset('us-federal/commutation')\n"
        "compiled_sql(ruleset, date(2024, 2, 29), 'duckdb', source='roster')\n"
        "print('sqlglot' in sys.modules)\n"
    )
    env = {**os.environ, CACHE_ENV: str(tmp_path)}

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        )
        return done.stdout.strip()

    assert run() == "True"  # compiled, and stored
    assert run() == "False"  # read back


def test_a_folder_others_can_write_to_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv(CACHE_ENV, str(shared))
    ruleset = load_ruleset("us-federal/commutation")
    planted = "SELECT 'planted' AS person_id"
    compiled_sql(ruleset, AS_OF, "duckdb", source="roster")
    assert entries(shared) == []
    # even an entry under the right name is not read from there
    shared.chmod(0o700)
    compiled_sql(ruleset, AS_OF, "duckdb", source="roster")
    [entry] = entries(shared)
    entry.write_text(planted, encoding="utf-8")
    shared.chmod(0o777)
    assert compiled_sql(ruleset, AS_OF, "duckdb", source="roster") != planted


def test_an_empty_setting_turns_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    ruleset = load_ruleset("us-federal/commutation")
    compiled_sql(ruleset, AS_OF, "duckdb", source="roster")
    assert list(tmp_path.rglob("*.sql")) == []
