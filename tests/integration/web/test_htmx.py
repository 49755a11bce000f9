"""Partial updates with htmx: the vendored file, its CSP-safe configuration, and the routes
that answer an ``HX-Request`` with a fragment and everything else with the page or redirect
they always gave (so the pages keep working with JavaScript off)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from fastapi.testclient import TestClient

from clemency.config import Settings
from clemency.web.app import create_app
from clemency.web.templating import STATIC_DIR, TEMPLATES_DIR


def _recorded_sha256(file_name: str) -> str:
    notes = (STATIC_DIR / "THIRD_PARTY.md").read_text(encoding="utf-8")
    row = next(line for line in notes.splitlines() if line.startswith(f"| `{file_name}` |"))
    found = re.findall(r"`([0-9a-f]{64})`", row)
    assert len(found) == 1, row
    return found[0]


def test_the_vendored_htmx_is_served_and_matches_its_recorded_sha256(tmp_path: Path) -> None:
    settings = Settings(
        environment="test",
        database_url=f"sqlite:///{tmp_path / 'unused.db'}",
        data_dir=tmp_path / "data",
    )
    client = TestClient(create_app(settings))
    response = client.get("/static/htmx.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        ("text/javascript", "application/javascript")
    )
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert hashlib.sha256(response.content).hexdigest() == _recorded_sha256("htmx.min.js")
    assert b"htmx" in response.content[:200]
    notes = (STATIC_DIR / "THIRD_PARTY.md").read_text(encoding="utf-8")
    assert "| 2.0.11 | 0BSD" in notes  # name, version and licence are recorded beside it


# Style attributes are refused by the CSP (style-src 'self'), so they do nothing. The case
# page still has one (the margin above its columns): move it into clemency.css when that
# template is next changed.
STYLE_ATTRIBUTES_LEFT = {"cases/detail.html"}


def test_templates_have_no_style_attribute_the_csp_would_refuse() -> None:
    for template in TEMPLATES_DIR.rglob("*.html"):
        if template.relative_to(TEMPLATES_DIR).as_posix() not in STYLE_ATTRIBUTES_LEFT:
            assert not re.search(r"\sstyle=", template.read_text(encoding="utf-8")), template
