"""The Jinja2 environment of the pages: autoescaped, with a few formatting filters."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.templating import Jinja2Templates

from clemency import dates
from clemency.eligibility import strip

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


#: Words for the codes people meet on the pages (enum members of the fact vocabulary and of the
#: case records); a code not listed reads as its words (``on_supervision`` → "on supervision").
VALUE_LABELS: dict[str, str] = {
    "federal_district": "federal district court",
    "dc_superior": "D.C. Superior Court",
    "court_martial": "court-martial",
    "state": "state court",
    "territorial": "territorial court",
    "fine_only": "fine only",
    "needs_review": "needs review",
    "public_trust": "public trust",
    "us-federal": "federal",
    "us-ca": "California",
    "us-fl": "Florida",
    "us-ga": "Georgia",
    "us-il": "Illinois",
    "us-ny": "New York",
    "us-ok": "Oklahoma",
    "us-pa": "Pennsylvania",
    "us-tx": "Texas",
}


def _readable(value: Any, precision: str = "day") -> str:
    """A date as people write it: ``4 December 2026`` (a time in UTC after a comma); at a
    month's precision ``December 2026``, a year's ``2026`` (:func:`clemency.dates.written`,
    the packets' formatter too)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return f"{dates.written(value)}, {value:%H:%M} UTC"
    if isinstance(value, date):
        return dates.written(value, precision)
    return str(value)


def _date_or_none(value: object) -> date | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _dollars(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}${whole:,}" + (f".{part:02d}" if part else "")


def _plain(value: Any, name: str = "", precision: Any = "day") -> str:
    """One value in words: dates readable (at ``precision``, e.g. a row's
    ``decided_on_precision``: "January 2017" when only the month is known), booleans yes/no,
    cents in dollars (``name`` ending in ``_cents``), codes as words. The codes themselves stay
    in the API and the details."""
    if value is None or value == "":
        return "—"
    if name == "value_json" and isinstance(value, str):  # an asserted fact's stored value
        import json

        decoded = json.loads(value)
        parsed = _date_or_none(decoded)
        return _plain(parsed if parsed is not None else decoded)
    if value is True or value is False:
        return "yes" if value else "no"
    if isinstance(value, date):
        return _readable(value, precision if isinstance(precision, str) else "day")
    if isinstance(value, int) and name.endswith("_cents"):
        return _dollars(value)
    if isinstance(value, str):
        day = _date_or_none(value)
        if day is not None:
            return _readable(day)
        if value in VALUE_LABELS:
            return VALUE_LABELS[value]
        if value.replace("_", "").isalnum() and value == value.lower() and "_" in value:
            return value.replace("_", " ")
    return str(value)


def _fact_label(name: str) -> str:
    """A fact of the vocabulary in words (its description), e.g. ``on_supervision`` →
    "Currently on probation, parole or supervised release"."""
    from clemency.eligibility import FACTS

    spec = FACTS.get(name)
    if spec is None:
        return _label(name)
    return spec.description.split(": `")[0].rstrip(".")


def _question(name: str) -> str:
    """What to ask to learn a fact (the guided interview's wording)."""
    from clemency.petitions.intake import prompt_for

    return prompt_for(name)


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
    env.filters["readable"] = _readable
    env.filters["plain"] = _plain
    env.filters["fact_label"] = _fact_label
    env.filters["question"] = _question
    env.globals["label"] = _label
    env.globals["in_force"] = strip.in_force
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
