"""Heavy libraries are loaded by the work that needs them, not by importing a module."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# What a fresh interpreter has imported: only a new process starts from nothing.
pytestmark = pytest.mark.subprocess

HEAVY = ("matplotlib", "weasyprint", "docx", "pypdf")


def _loaded_after(code: str) -> list[str]:
    probe = f"import json, sys\n{code}\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    completed = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return list(json.loads(completed.stdout))


def test_a_web_worker_starts_without_charts_or_document_renderers() -> None:
    assert _loaded_after("import clemency.web.app, clemency.web.pages.statistics") == []


def test_the_pdf_renderer_module_loads_its_libraries_when_it_renders() -> None:
    assert _loaded_after("import clemency.documents.render_pdf, clemency.grants.charts") == []


def test_warm_up_loads_weasyprint_before_the_first_packet() -> None:
    pytest.importorskip("weasyprint", reason="the documents extra is not installed")
    loaded = _loaded_after("from clemency.documents import render_pdf\nrender_pdf.warm_up()")
    assert loaded == ["pypdf", "weasyprint"]
