"""Hostile inputs to `clemency grants import` (issue #13, item 6): each fails with one clear
line and exit status 1, stores nothing (not even an empty source) and never hangs; a UTF-16
page with its byte-order mark is read as the page it is."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from clemency.cli.main import app
from clemency.db import migrate
from clemency.db.session import make_engine
from clemency.grants.models import GrantSource
from tests.conftest import DOJ_PAGES
from tests.sweeps import sampled

runner = CliRunner()
GWB = DOJ_PAGES / "George_W_Bush_2001-2009.html"


def _deep(depth: int) -> bytes:
    return ("<html><body>" + "<div>" * depth + "x" + "</div>" * depth + "</body></html>").encode()


def _not_a_grant_page() -> bytes:
    return (
        b"<html><head><title>Recipes</title></head><body><h1>Soup</h1>"
        b"<p>Boil water. Add salt.</p><table><tr><td>Salt</td><td>1 tsp</td></tr></table>"
        b"</body></html>"
    )


DEEPEST = "HTML nested 200,000 deep"
HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "binary garbage with NUL bytes": (lambda: bytes(range(256)) * 64, "binary data"),
    "binary garbage without NUL bytes": (lambda: bytes(range(1, 256)) * 64, "binary data"),
    "UTF-16 without a byte-order mark": (
        lambda: GWB.read_text(encoding="utf-8").encode("utf-16-le"),
        "UTF-16 text without a byte-order mark",
    ),
    "UTF-16 page that is not a grant page": (
        lambda: _not_a_grant_page().decode().encode("utf-16"),
        "no grant found on the page",
    ),
    "a page that is not a grant page": (_not_a_grant_page, "no grant found on the page"),
    DEEPEST: (lambda: _deep(200_000), "nests its elements too deeply"),
    "an empty file": (lambda: b"", "the file is empty"),
    "plain text": (lambda: b"just some words\nand more\n", "not an HTML page or a commutation CSV"),
    "a CSV of something else": (
        lambda: b"key,info\nfoo,bar\nbaz,qux\n",
        "the CSV holds no person with an offense",
    ),
}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'grants.db'}"
    migrate.upgrade(url)
    return url


def _sources(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(GrantSource)) or 0)
    finally:
        engine.dispose()


_RUNS = [(store, case) for store in (False, True) for case in HOSTILE]


@pytest.mark.parametrize(
    ("store", "case"),
    sampled(
        _RUNS,
        # the deepest page costs about 3 s a run: the loop parses it once, without storing
        loop=[run for run in _RUNS if run != (True, DEEPEST)],
        ids=lambda value: f"{'store' if value[0] else 'print'}-{value[1]}",
    ),
)
def test_hostile_input_fails_with_one_line(
    case: str, store: bool, tmp_path: Path, database: str
) -> None:
    make, expected = HOSTILE[case]
    path = tmp_path / "input.html"
    path.write_bytes(make())
    args = ["grants", "import", str(path)] + (["--db", database] if store else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path.name}: ")
    assert expected in lines[0]
    assert "Traceback" not in result.output
    assert _sources(database) == 0


def test_a_utf16_page_with_its_byte_order_mark_is_read(tmp_path: Path, database: str) -> None:
    if not GWB.exists():
        pytest.skip(f"no page at {GWB}")
    for encoding in ("utf-16", "utf-16-be"):
        path = tmp_path / f"page-{encoding}.html"
        text = GWB.read_text(encoding="utf-8")
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        path.write_bytes(data)
        result = runner.invoke(app, ["grants", "import", str(path)])
        assert result.exit_code == 0, result.output
        page = json.loads(result.stdout)
        assert len(page["grants"]) == 189
        assert page["grants"][0]["name"] == "Kenneth Franklin Copley"
