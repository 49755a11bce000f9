"""What a server or a worker does once it has started, before its first request or job.

:func:`warm_up` renders one empty packet (WeasyPrint, its fonts, pypdf: the first packet of a
process then costs what the later ones do), imports every job's module (the job catalog), and
freezes the objects alive at that point (:func:`gc.freeze`): the modules, the mapped models
and the application stay for the life of the process, and without the freeze each full pass
of the collector walks all of them again (0.15 s of CPU on a packet request now and then,
measured 2026-12-05; see docs/performance.md, "Start-up and packets").
"""

from __future__ import annotations

import gc

from clemency.documents import render_pdf
from clemency.jobs import registry


def warm_up() -> None:
    """Load what the first request or job would load, then freeze the start-up heap."""
    render_pdf.warm_up()
    registry.kinds()
    gc.collect()  # garbage made while starting is freed, not frozen
    gc.freeze()
