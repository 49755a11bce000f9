"""`clemency grants import` and `clemency grants stats` through the real command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clemency.cli.main import app
from clemency.db.base import Base
from clemency.db.session import make_engine
from clemency.grants.models import TABLES
from tests.conftest import DOJ_PAGES

PAGES = DOJ_PAGES
GWB = PAGES / "George_W_Bush_2001-2009.html"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _pages() -> None:
    if not GWB.exists():
        pytest.skip(f"shared data missing: {PAGES}")


def test_import_prints_every_grant_as_json() -> None:
    result = runner.invoke(app, ["grants", "import", str(GWB)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["president"] == "George W. Bush"
    assert len(data["grants"]) == 189
    first = data["grants"][0]
    assert first["name"] == "Kenneth Franklin Copley"
    assert first["source_file"] == GWB.name
    assert len(first["source_sha256"]) == 64
    assert first["convictions"][0]["court_id"] == "tnmd"
    # provenance: the page, its hash and licence, and the element the name stands in
    assert first["provenance"]["location"] == "table 1, row 2, column-table"
    assert first["provenance"]["source_sha256"] == first["source_sha256"]
    assert first["provenance"]["licence"].startswith("public domain")


def test_import_as_text() -> None:
    result = runner.invoke(app, ["grants", "import", str(GWB), "--format", "text"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "2002-12-20" in lines[1]
    assert "Kenneth Franklin Copley" in lines[1]
    assert lines[190] == "189 grants in 18 sections"
    assert lines[191].startswith(
        "189 grants parsed, 0 of them named in warnings, 0 without a grant date"
    )
    assert lines[192].startswith("source: the Justice Department page")
    assert "public domain" in lines[192]


def test_import_into_a_database_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'grants.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine, tables=list(TABLES))
    engine.dispose()
    first = runner.invoke(app, ["grants", "import", str(GWB), "--db", url])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["created"] is True
    second = runner.invoke(app, ["grants", "import", str(GWB), "--db", url, "--format", "text"])
    assert second.exit_code == 0
    assert "was imported before" in second.stdout


def test_user_errors_exit_1_with_one_line(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["grants", "import", str(tmp_path / "none.html")])
    assert missing.exit_code == 1
    assert missing.stderr.strip() == f"error: {tmp_path / 'none.html'}: no such file"
    not_html = tmp_path / "notes.txt"
    not_html.write_text("plain words\n")
    refused = runner.invoke(app, ["grants", "import", str(not_html)])
    assert refused.exit_code == 1
    assert "not an HTML page" in refused.stderr
    assert "Traceback" not in refused.output
    empty_db = runner.invoke(
        app, ["grants", "import", str(GWB), "--db", f"sqlite:///{tmp_path / 'empty.db'}"]
    )
    assert empty_db.exit_code == 1
    assert "run `clemency db upgrade` first" in empty_db.stderr
    bad_usage = runner.invoke(app, ["grants", "import", str(GWB), "--format", "xml"])
    assert bad_usage.exit_code == 2


def test_stats_writes_csv_and_charts(tmp_path: Path) -> None:
    out = tmp_path / "stats"
    result = runner.invoke(
        app, ["grants", "stats", *map(str, sorted(PAGES.glob("*.html"))), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "George W. Bush: 189 pardons parsed, 189 published" in result.stderr
    for name in (
        "grants.csv",
        "by_category.csv",
        "comparison_with_published.csv",
        "by_year.png",
        "by_year.svg",
    ):
        assert (out / name).stat().st_size > 0, name
    assert (out / "by_year.png").read_bytes().startswith(b"\x89PNG")
    assert len((out / "grants.csv").read_text(encoding="utf-8").splitlines()) == 475 + 1
