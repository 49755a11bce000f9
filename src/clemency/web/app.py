"""The web application factory.

MINIMAL PLACEHOLDER (case-store issue): one page listing the cases, so that `clemency demo`
has something to show until the web application issue replaces this module. It has no login,
so it refuses to list anything outside the development environment.
"""

from __future__ import annotations

from html import escape

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from clemency.audit import service as audit
from clemency.cases import service as case_service
from clemency.cases.access import Operator
from clemency.config import Settings, get_settings
from clemency.db.session import engine_for, unit_of_work

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clemency demo: cases</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}}
.synthetic{{background:#eee;border-radius:.3rem;font-size:.8em;padding:0 .3rem}}</style></head>
<body><h1>Clemency demo</h1>
<p>{count} cases. People marked <span class="synthetic">synthetic</span> are fictitious;
Alice Marie Johnson's case is built from public facts only.</p>
<table><thead><tr><th scope="col">Reference</th><th scope="col">Person</th>
<th scope="col">Stage</th><th scope="col">Jurisdiction</th></tr></thead><tbody>
{rows}
</tbody></table></body></html>"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for ``settings`` (read from the environment when omitted)."""
    settings = settings or get_settings()
    app = FastAPI(title="Clemency", docs_url=None, redoc_url=None)
    engine = engine_for(settings.database_url)

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/", response_class=HTMLResponse)
    def case_list() -> HTMLResponse:
        if settings.environment != "development":
            return HTMLResponse(
                "<p>This placeholder page is only available in development.</p>", 404
            )
        with unit_of_work(engine) as session:
            audit.set_origin(session, source="web-demo")
            cases = case_service.list_for_user(
                session=session, user=Operator("web:demo-index"), limit=1000
            )
            rows = "\n".join(
                "<tr><td>{ref}</td><td>{name}{badge}</td><td>{stage}</td><td>{jur}</td></tr>".format(
                    ref=escape(case.reference),
                    name=escape(case.person.full_name),
                    badge=' <span class="synthetic">synthetic</span>' if case.is_synthetic else "",
                    stage=escape(case.stage),
                    jur=escape(case.jurisdiction),
                )
                for case in sorted(cases, key=lambda c: (c.is_synthetic, c.reference))
            )
        return HTMLResponse(_PAGE.format(count=len(cases), rows=rows))

    return app
