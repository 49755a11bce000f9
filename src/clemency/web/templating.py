"""The Jinja2 environment of the pages: autoescaped, with a few formatting filters."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"


def _iso(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _yesno(value: Any) -> str:
    if value is None:
        return "unknown"
    return "yes" if value else "no"


def _label(name: str) -> str:
    """``bop_register_number`` → ``BOP register number`` (the store's one labelling rule)."""
    from clemency.cases.validation import field_label

    return field_label(name)


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.autoescape = True
    env.auto_reload = False  # templates ship with the package; no stat() per render
    env.filters["iso"] = _iso
    env.filters["yesno"] = _yesno
    env.filters["label"] = _label
    env.globals["label"] = _label
    return templates


templates = make_templates()


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    """Render a page with what every page needs: the person, their organizations, the CSRF
    token for forms and the admin flag for the navigation."""
    from clemency.web.deps import csrf_token_for

    identity = getattr(request.state, "identity", None)
    full = {
        "identity": identity,
        "is_admin": bool(identity is not None and identity.admin_organizations),
        "csrf_token": csrf_token_for(request),
        **(context or {}),
    }
    response: Response = templates.TemplateResponse(request, name, full, status_code=status_code)
    return response
