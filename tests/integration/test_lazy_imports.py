"""Heavy libraries are loaded by the work that needs them, not by importing a module."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

# What a fresh interpreter has imported: only a new process starts from nothing.
pytestmark = pytest.mark.subprocess

HEAVY = ("matplotlib", "weasyprint", "docx", "pypdf")


def _probe(code: str) -> Any:
    """What ``code``, run in a fresh interpreter, prints as JSON on its last line."""
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return json.loads(completed.stdout.rstrip().rpartition("\n")[2])


def _loaded_after(code: str) -> list[str]:
    return list(
        _probe(
            f"import json, sys\n{code}\n"
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
        )
    )


def test_a_web_worker_starts_without_charts_or_document_renderers() -> None:
    assert _loaded_after("import clemency.web.app, clemency.web.pages.statistics") == []


def test_the_pdf_renderer_module_loads_its_libraries_when_it_renders() -> None:
    assert _loaded_after("import clemency.documents.render_pdf, clemency.grants.charts") == []


def test_weasyprint_finds_its_libraries_with_one_read_of_the_linker_cache() -> None:
    # cffi asks ctypes.util.find_library for every name WeasyPrint tries; the standard
    # look-up runs ldconfig, gcc and ld for each name it cannot find (0.3 s per process).
    pytest.importorskip("weasyprint", reason="the documents extra is not installed")
    from clemency.documents import render_pdf

    if render_pdf.linker_cache_lookup() is None:
        pytest.skip("no ldconfig here: WeasyPrint is imported with the standard look-up")
    probe = (
        "import json, subprocess\n"
        "calls = []\n"
        "standard = subprocess.Popen.__init__\n"
        "def spy(self, args, *rest, **options):\n"
        "    calls.append(args)\n"
        "    standard(self, args, *rest, **options)\n"
        "subprocess.Popen.__init__ = spy\n"
        "from clemency.documents import render_pdf\n"
        "render_pdf.import_weasyprint()\n"
        "import ctypes.util\n"
        "assert ctypes.util.find_library.__module__ == 'ctypes.util'\n"
        "print(json.dumps(calls))"
    )
    assert _probe(probe) == [[render_pdf.LDCONFIG, "-p"]]


def test_the_linker_cache_look_up_answers_as_the_standard_one() -> None:
    import ctypes.util

    from clemency.documents import render_pdf

    lookup = render_pdf.linker_cache_lookup()
    if lookup is None:
        pytest.skip("no ldconfig here")
    names = ("c", "m", "z", "gobject-2.0", "pango-1.0", "fontconfig", "libgobject-2.0-0")
    assert [lookup(n) for n in names] == [ctypes.util.find_library(n) for n in names]
    assert lookup("c") is not None
    assert lookup("no-such-library-here") is None


def test_a_started_server_has_loaded_the_renderer_and_the_jobs_and_frozen_its_heap() -> None:
    pytest.importorskip("weasyprint", reason="the documents extra is not installed")
    probe = (
        "import gc, json, sys\n"
        "from clemency.jobs import warmup\n"
        "before = gc.get_freeze_count()\n"
        "warmup.warm_up()\n"
        "print(json.dumps([before, gc.get_freeze_count(), sorted(\n"
        "    m for m in ('weasyprint', 'pypdf', 'clemency.grants.import_job') if m in sys.modules\n"
        ")]))"
    )
    before, frozen, loaded = _probe(probe)
    assert before == 0
    assert frozen > 10_000  # the modules, models and renderer of a started process
    assert loaded == ["clemency.grants.import_job", "pypdf", "weasyprint"]
