"""The authorization matrix, generated from the application's route table.

Every route whose path holds ``{case_id}`` — page, partial, API, download — is called by each
role of the owning organization, by a user of another organization and anonymously, on a case
the caller may see and on one they may not. Each call is a *valid* request (``BUILDERS``: the
form a browser would send, read from the page, or a JSON body), so an allowed caller must get
2xx/3xx (issue #12: a wrongly refused route used to pass) and a refusal is the access rule's,
not the validator's. Who may do what beyond the default is in ``ROLES_ALLOWED``; allowed callers
that still get another answer are in ``REVIEWED_EXCEPTIONS`` with the reason. A new case route
is covered the moment it is registered; one taking input without a builder, or a path parameter
this file has no sample for, fails loudly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from clemency.cases import service as case_service
from clemency.cases.models import SENSITIVE_PARTS
from clemency.db.session import unit_of_work
from clemency.tasks import service as task_service
from clemency.web.deps import get_current_case
from clemency.web.routing import route_table
from tests.integration.web.conftest import Site, csrf_of
from tests.sweeps import sampled

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
OWN_ROLES = ("admin", "attorney", "volunteer", "viewer")


def case_routes(site: Site) -> list[tuple[str, str]]:
    routes: list[tuple[str, str]] = []
    for path, methods, _route in route_table(site.app):  # type: ignore[arg-type]
        if "{case_id}" in path:
            routes.extend((path, method) for method in sorted(methods - {"HEAD"}))
    return routes


def _depends_on(dependant: object, target: object) -> bool:
    for sub in getattr(dependant, "dependencies", []):
        if sub.call is target or _depends_on(sub, target):
            return True
    return False


def test_every_case_route_goes_through_the_case_check(site: Site) -> None:
    """Statically: each route under /cases/{case_id} depends on deps.get_current_case."""
    routes = [(p, r) for p, _m, r in route_table(site.app) if "{case_id}" in p]  # type: ignore[arg-type]
    assert len(routes) >= 20
    unchecked = [p for p, r in routes if not _depends_on(r.dependant, get_current_case)]
    assert unchecked == []


@pytest.fixture
def samples(site: Site) -> dict[str, dict[str, object]]:
    """A note in each case, so part routes have a real part id of the same case."""
    out: dict[str, dict[str, object]] = {}
    with unit_of_work(site.engine) as session:
        from clemency.accounts.models import User

        admin = session.get(User, site.users[("a", "admin")][0])
        assert admin is not None
        for key in ("a_assigned", "a_other"):
            note = case_service.add_part(
                session=session,
                user=admin,
                case_id=site.cases[key],
                kind="notes",
                values={"text": "secret-note-" + key},
            )
            task = task_service.create(
                session=session, user=admin, case_id=site.cases[key], title="sample task"
            )
            out[key] = {
                "case_id": site.cases[key],
                "kind": "notes",
                "part_id": note.id,  # type: ignore[attr-defined]
                "task_id": task.id,
            }
    return out


def fill(path: str, values: dict[str, object]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"{path}: add a sample value for path parameter {{{name}}} here"
        return str(values[name])

    return re.sub(r"\{(\w+)(?::\w+)?\}", replace, path)


@pytest.fixture
def clients(site: Site) -> Iterator[dict[str, tuple[TestClient, str | None]]]:
    """Signed-in clients with their CSRF tokens, and an anonymous one."""
    out: dict[str, tuple[TestClient, str | None]] = {"anonymous": (site.client(), None)}
    for role in OWN_ROLES:
        client = site.client(("a", role))
        out[f"a-{role}"] = (client, csrf_of(client, "/"))
    client = site.client(("b", "admin"))
    out["b-admin"] = (client, csrf_of(client, "/"))
    yield out
    for client, _token in out.values():
        client.close()


class _Forms(HTMLParser):
    """The forms of a page: action, and each field's name, value and whether it is required."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self._chosen: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}, "required": set()})
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                form["fields"].setdefault(name, "")
                if kind == "radio" and not form["fields"][name]:
                    form["fields"][name] = a.get("value", "")
                return
            if kind == "file":
                return
            form["fields"][name] = a.get("value", "")
            if "required" in a:
                form["required"].add((name, kind))
        elif tag == "select" and name:
            self._select = name
            form["fields"][name] = ""
            if "required" in a:
                form["required"].add((name, "select"))
        elif tag == "option" and self._select:
            self._option = (a.get("value"), "selected" in a)
            self._option_text = ""
        elif tag == "textarea" and name:
            self._textarea = name
            form["fields"][name] = ""
            form["required"].add((name, "textarea"))  # free text: always give some

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._select and self._option is not None:
            value, selected = self._option
            value = self._option_text.strip() if value is None else value
            fields = self.forms[-1]["fields"]
            if selected or self._select not in self._chosen:  # the first option is the default
                fields[self._select] = value
                self._chosen.add(self._select)
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option_text += data
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


_SAMPLE_BY_KIND = {"date": "2020-01-02", "number": "3", "email": "matrix@example.org"}


def form_of(page: str, action: str, match: dict[str, str] | None = None) -> dict[str, str]:
    """The fields a browser would send for the form posting to ``action`` on ``page`` (its
    current values, required empty fields filled with a plausible sample)."""
    parser = _Forms()
    parser.feed(page)
    for form in parser.forms:
        if form["action"] != action:
            continue
        fields: dict[str, str] = dict(form["fields"])
        if match and any(fields.get(k) != v for k, v in match.items()):
            continue
        for name, kind in form["required"]:
            if not fields.get(name):
                fields[name] = _SAMPLE_BY_KIND.get(kind, "matrix sample")
        return fields
    raise AssertionError(f"no form posting to {action} (matching {match}) on the page")


@dataclass
class Ctx:
    """Builds a valid request for one route on one case: the objects it needs are made
    afresh for each call (as the organization's admin), forms are read from the page the
    admin would fill them in."""

    site: Site
    case_key: str
    admin: TestClient

    @property
    def case_id(self) -> int:
        return self.site.cases[self.case_key]

    def _user(self, session: Session) -> Any:
        from clemency.accounts.models import User

        return session.get(User, self.site.users[("a", "admin")][0])

    def note(self) -> tuple[int, int]:
        with unit_of_work(self.site.engine) as session:
            note = case_service.add_part(
                session=session,
                user=self._user(session),
                case_id=self.case_id,
                kind="notes",
                values={"text": "secret-note-matrix"},
            )
            return note.id, note.version  # type: ignore[attr-defined]

    def versions(self) -> tuple[int, int]:
        from clemency.cases.models import Case

        with unit_of_work(self.site.engine) as session:
            case = session.get(Case, self.case_id)
            assert case is not None
            return case.version, case.person.version

    def petition(self) -> int:
        from clemency.petitions import service as petitions

        with unit_of_work(self.site.engine) as session:
            return petitions.start(
                session=session, user=self._user(session), case_id=self.case_id, kind="pardon"
            ).id

    def letter(self, *, received: bool) -> int:
        from clemency.petitions import letters

        with unit_of_work(self.site.engine) as session:
            asked = letters.request_letter(
                session=session,
                user=self._user(session),
                case_id=self.case_id,
                author_name="Matrix Supporter",
                relationship="friend",
                is_relative=False,
                contact=None,
                message=None,
                now=datetime.now(UTC),
            )
            if received:
                letters.upload_via_link(
                    session=session,
                    token=asked.token,
                    now=datetime.now(UTC),
                    settings=self.site.settings,
                    typed_text="I support this petition.",
                )
            return asked.letter.id

    def document(self) -> int:
        from clemency.files import service as files

        with unit_of_work(self.site.engine) as session:
            return files.store_document(
                session=session,
                user=self._user(session),
                case_id=self.case_id,
                filename="matrix.txt",
                content=b"a plain text document",
                doc_type="other",
                data_dir=self.site.settings.data_dir,
                max_bytes=self.site.settings.max_upload_bytes,
            ).id

    def fresh_case(self) -> int:
        """A new case of organization a, assigned to its volunteer when ``case_key`` is."""
        from clemency.accounts.models import Organization, User
        from clemency.testing import factories

        with unit_of_work(self.site.engine) as session:
            admin = self._user(session)
            organization = session.get(Organization, self.site.orgs["a"])
            assert organization is not None
            case = factories.make_case(session, admin, organization)
            if self.case_key == "a_assigned":
                volunteer = session.get(User, self.site.users[("a", "volunteer")][0])
                assert volunteer is not None
                case_service.assign(
                    session=session, user=admin, case_id=case.id, assignee_id=volunteer.id
                )
            return case.id

    def page_form(self, page: str, action: str, **match: str) -> dict[str, str]:
        answer = self.admin.get(page)
        assert answer.status_code == 200, (page, answer.status_code)
        return form_of(answer.text, action, match or None)


Builder = Callable[[Ctx, str], dict[str, Any]]  # (ctx, url) -> request keyword arguments


def _edit_form(ctx: Ctx, url: str) -> dict[str, Any]:
    return {"data": ctx.page_form(url, url)}


def _new_part(ctx: Ctx, url: str) -> dict[str, Any]:
    return {"data": ctx.page_form(url, url)}


def _page_part_url(url: str, part_id: int) -> str:
    """``/cases/C/parts/K/P/edit`` with part ``part_id`` instead of ``P``."""
    segments = url.split("/")
    segments[5] = str(part_id)
    return "/".join(segments)


def _edit_note(ctx: Ctx, url: str) -> dict[str, Any]:
    note_id, _version = ctx.note()
    target = _page_part_url(url, note_id)
    return {"url": target, "data": ctx.page_form(target, target)}


def _delete_note(ctx: Ctx, url: str) -> dict[str, Any]:
    note_id, version = ctx.note()
    return {"url": _page_part_url(url, note_id), "data": {"version": str(version)}}


def _on_petitions_page(prepare: Callable[[Ctx], dict[str, str]]) -> Builder:
    def builder(ctx: Ctx, url: str) -> dict[str, Any]:
        match = prepare(ctx)
        return {"data": ctx.page_form(f"/cases/{ctx.case_id}/petitions", url, **match)}

    return builder


def _on_screening_page(ctx: Ctx, url: str) -> dict[str, Any]:
    return {"data": ctx.page_form(f"/cases/{ctx.case_id}/screening", url)}


def _override_form(ctx: Ctx, url: str) -> dict[str, Any]:
    data = _on_screening_page(ctx, url)["data"]
    data.update(outcome="needs_review", reason="matrix review")
    return {"data": data}


def _interview(ctx: Ctx, url: str) -> dict[str, Any]:
    return {"data": ctx.page_form(url, url)}


def _api_case_patch(ctx: Ctx, url: str) -> dict[str, Any]:
    version, _person = ctx.versions()
    return {"json": {"expected_version": version, "changes": {}}}


def _api_person_patch(ctx: Ctx, url: str) -> dict[str, Any]:
    _case, person = ctx.versions()
    return {"json": {"expected_version": person, "changes": {}}}


def _api_delete_case(ctx: Ctx, url: str) -> dict[str, Any]:
    case_id = ctx.fresh_case()
    return {"url": f"/api/v1/cases/{case_id}", "params": {"expected_version": 1}}


# Every case route taking input, with a valid request for it. A new such route fails the
# matrix until it gets an entry here (or in REVIEWED_EXCEPTIONS).
def _snooze_until() -> str:
    """A month from today: snoozes run after today and for at most ten years."""
    from datetime import date, timedelta

    return (date.today() + timedelta(days=30)).isoformat()


BUILDERS: dict[tuple[str, str], Builder] = {
    ("PATCH", "/api/v1/cases/{case_id}"): _api_case_patch,
    ("DELETE", "/api/v1/cases/{case_id}"): _api_delete_case,
    ("PATCH", "/api/v1/cases/{case_id}/person"): _api_person_patch,
    ("PATCH", "/api/v1/cases/{case_id}/facts"): lambda ctx, url: {
        "json": {"expected_version": ctx.versions()[0], "facts": {}}
    },
    ("POST", "/api/v1/cases/{case_id}/overrides"): lambda ctx, url: {
        "json": {
            "ruleset_id": "us-federal/pardon",
            "outcome": "needs_review",
            "reason": "matrix review",
            "as_of": "2024-01-01",
        }
    },
    ("POST", "/api/v1/cases/{case_id}/parts/{kind}"): lambda ctx, url: {
        "json": {"values": {"text": "matrix note"}}
    },
    ("PATCH", "/api/v1/cases/{case_id}/parts/{kind}/{part_id}"): lambda ctx, url: (
        lambda note: {
            "url": url.rsplit("/", 1)[0] + f"/{note[0]}",
            "json": {"expected_version": note[1], "changes": {"text": "changed"}},
        }
    )(ctx.note()),
    ("DELETE", "/api/v1/cases/{case_id}/parts/{kind}/{part_id}"): lambda ctx, url: (
        lambda note: {
            "url": url.rsplit("/", 1)[0] + f"/{note[0]}",
            "params": {"expected_version": note[1]},
        }
    )(ctx.note()),
    ("POST", "/api/v1/cases/{case_id}/petitions/transitions"): lambda ctx, url: {
        "json": {"petition_id": ctx.petition(), "transition": "withdraw", "on": "2024-01-02"}
    },
    ("POST", "/cases/{case_id}/edit"): _edit_form,
    ("POST", "/cases/{case_id}/person/edit"): _edit_form,
    ("POST", "/cases/{case_id}/parts/{kind}/new"): _new_part,
    ("POST", "/cases/{case_id}/parts/{kind}/{part_id}/edit"): _edit_note,
    ("POST", "/cases/{case_id}/parts/{kind}/{part_id}/delete"): _delete_note,
    ("POST", "/cases/{case_id}/interview"): _interview,
    ("POST", "/cases/{case_id}/petition-answers"): _edit_form,
    ("POST", "/cases/{case_id}/facts"): _on_screening_page,
    ("POST", "/cases/{case_id}/overrides"): _override_form,
    ("POST", "/cases/{case_id}/petitions"): _on_petitions_page(lambda ctx: {}),
    ("POST", "/cases/{case_id}/petitions/transition"): lambda ctx, url: {
        "data": dict(
            ctx.page_form(f"/cases/{ctx.case_id}/petitions", url, petition_id=str(ctx.petition())),
            transition="withdraw",  # a step staff may take from draft
        )
    },
    ("POST", "/cases/{case_id}/petitions/observe"): lambda ctx, url: {
        "data": dict(
            ctx.page_form(f"/cases/{ctx.case_id}/petitions", url, petition_id=str(ctx.petition())),
            status="received",
        )
    },
    ("POST", "/cases/{case_id}/letters"): _on_petitions_page(lambda ctx: {}),
    # queueing a packet (issue #15): the form of the petitions page; the job page and its
    # status without ?id= send back to that page (a job is only its requester's)
    ("POST", "/cases/{case_id}/packet"): _on_petitions_page(lambda ctx: {}),
    ("POST", "/cases/{case_id}/letters/reminded"): lambda ctx, url: {
        "data": {"letter_id": str(ctx.letter(received=False))}
    },
    ("POST", "/cases/{case_id}/letters/revoke"): lambda ctx, url: {
        "data": {"letter_id": str(ctx.letter(received=False))}
    },
    ("POST", "/cases/{case_id}/letters/review"): lambda ctx, url: {
        "data": {"letter_id": str(ctx.letter(received=True)), "decision": "accept"}
    },
    ("GET", "/cases/{case_id}/letters/file"): lambda ctx, url: {
        "params": {"letter": ctx.letter(received=True)}
    },
    ("POST", "/cases/{case_id}/documents"): lambda ctx, url: {
        "data": {"doc_type": "other"},
        "files": {"file": ("matrix.txt", b"a plain text document", "text/plain")},
    },
    ("GET", "/cases/{case_id}/documents/file"): lambda ctx, url: {
        "params": {"document": ctx.document()}
    },
    # Tasks and the screening queue (issue #14): completing the sample task again is a no-op.
    ("POST", "/cases/{case_id}/tasks"): lambda ctx, url: {"data": {"title": "matrix task"}},
    ("POST", "/cases/{case_id}/tasks/{task_id}/done"): lambda ctx, url: {"data": {}},
    ("POST", "/api/v1/cases/{case_id}/tasks"): lambda ctx, url: {"json": {"title": "matrix task"}},
    ("POST", "/api/v1/cases/{case_id}/tasks/{task_id}/complete"): lambda ctx, url: {},
    ("POST", "/queues/{case_id}/dismiss"): lambda ctx, url: {
        "data": {"reason": "represented_elsewhere"}
    },
    ("POST", "/queues/{case_id}/snooze"): lambda ctx, url: {"data": {"until": _snooze_until()}},
    ("POST", "/queues/{case_id}/restore"): lambda ctx, url: {"data": {}},
    ("POST", "/api/v1/cases/{case_id}/queue/dismiss"): lambda ctx, url: {
        "json": {"reason": "represented_elsewhere"}
    },
    ("POST", "/api/v1/cases/{case_id}/queue/snooze"): lambda ctx, url: {
        "json": {"until": _snooze_until()}
    },
    ("POST", "/api/v1/cases/{case_id}/queue/restore"): lambda ctx, url: {"json": {}},
}

# Who may use a route on a case they can see, where it is not the default (every role reads;
# admins, attorneys and volunteers write: docs/store.md "Access matrix"). Reviewed: each entry
# says which rule of the access matrix refuses the others.
ROLES_ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    # delete case: admins only (Permission.DELETE)
    ("DELETE", "/api/v1/cases/{case_id}"): frozenset({"admin"}),
    # overriding a determination: attorneys and admins (reviews.service)
    ("POST", "/cases/{case_id}/overrides"): frozenset({"admin", "attorney"}),
    ("POST", "/api/v1/cases/{case_id}/overrides"): frozenset({"admin", "attorney"}),
    # the guided interview's steps end in saving to the case: not opened for a viewer
    # (Permission.WRITE; issue #14, viewers are not offered what they cannot do)
    ("GET", "/cases/{case_id}/interview"): frozenset({"admin", "attorney", "volunteer"}),
}

# Callers who may use the route yet do not get 2xx/3xx for the sample request, with the status
# they get and why (reviewed; keep this list short). Keyed by (method, path, role).
REVIEWED_EXCEPTIONS: dict[tuple[str, str, str], tuple[int, str]] = {
    # Petition transitions carry their own roles (petitions/lifecycles/*.yaml): withdrawing is
    # for staff; a volunteer is refused with illegal_transition naming the role, not 403.
    ("POST", "/cases/{case_id}/petitions/transition", "volunteer"): (409, "staff-only step"),
    ("POST", "/api/v1/cases/{case_id}/petitions/transitions", "volunteer"): (
        409,
        "staff-only step",
    ),
}

WRITE_ROLES = frozenset({"admin", "attorney", "volunteer"})


def roles_allowed(method: str, path: str) -> frozenset[str]:
    if (method, path) in ROLES_ALLOWED:
        return ROLES_ALLOWED[(method, path)]
    if method in UNSAFE or path.endswith(("/edit", "/new", "/petition-answers")):
        return WRITE_ROLES
    return frozenset(OWN_ROLES)


def call(client: TestClient, token: str | None, method: str, url: str, **request: Any) -> Any:
    url = request.pop("url", url)
    headers = {"x-csrf-token": token} if token and method in UNSAFE else {}
    if method in UNSAFE and not url.startswith("/api/"):
        data = dict(request.pop("data", {}))
        data["csrf_token"] = token or ""
        return client.request(method, url, data=data, headers=headers, **request)
    if method in UNSAFE and "json" not in request and method != "DELETE":
        request["json"] = {}
    return client.request(method, url, headers=headers, **request)


def _why(body: str) -> str:
    """The refusal's message, from a JSON error or an HTML page's alert."""
    found = re.search(r'"message":\s*"([^"]*)"', body) or re.search(
        r'role="alert"[^>]*>(?:<p>)?(.*?)</', body, re.S
    )
    return (found.group(1) if found else body[:120]).strip()[:200]


def expected_visible(identity: str, case_key: str) -> bool:
    if identity == "a-volunteer":
        return case_key == "a_assigned"
    return identity.startswith("a-")


def test_authorization_matrix(
    site: Site,
    samples: dict[str, dict[str, object]],
    clients: dict[str, tuple[TestClient, str | None]],
) -> None:
    """Every case route × {a case the caller may see, one they may not} × every identity, each
    call a *valid* request (so a refusal is the access rule's, not the validator's): denied
    cells get 404 (or the sign-in answer) and no data; allowed cells must succeed (2xx/3xx)."""
    failures = []
    routes = case_routes(site)
    unbuilt = [
        (m, p) for p, m in routes if (m in UNSAFE or "/file" in p) and (m, p) not in BUILDERS
    ]
    assert unbuilt == [], f"give these routes a valid request in BUILDERS: {unbuilt}"
    admin = clients["a-admin"][0]
    for path, method in routes:
        for case_key in ("a_assigned", "a_other"):
            url = fill(path, samples[case_key])
            for identity, (client, token) in clients.items():
                build = BUILDERS.get((method, path))
                request = build(Ctx(site, case_key, admin), url) if build else {}
                target = request.pop("url", url)
                response = call(client, token, method, target, **request)
                status = response.status_code
                body = response.text
                role = identity.removeprefix("a-")
                if identity == "anonymous":
                    ok = status in (401, 403) or (
                        status == 303 and "/login" in response.headers["location"]
                    )
                elif not expected_visible(identity, case_key):
                    ok = status == 404 and "secret-note-" not in body and "Test Person" not in body
                elif role not in roles_allowed(method, path):
                    ok = status == 403
                elif (method, path, role) in REVIEWED_EXCEPTIONS:
                    ok = status == REVIEWED_EXCEPTIONS[(method, path, role)][0]
                else:
                    ok = 200 <= status < 400
                if not ok:
                    failures.append(f"{identity:12} {method:6} {url:60} -> {status} {_why(body)}")
    assert len(routes) >= 20
    assert failures == [], "\n".join(failures)


def test_lists_and_search_show_only_visible_cases(
    site: Site, samples: dict[str, dict[str, object]]
) -> None:
    expectations = {
        ("a", "admin"): {"a_assigned", "a_other"},
        ("a", "viewer"): {"a_assigned", "a_other"},
        ("a", "volunteer"): {"a_assigned"},
        ("b", "admin"): {"b_case"},
    }
    for who, visible in expectations.items():
        client = site.client(who)
        got = {
            item["id"]
            for item in client.get("/api/v1/cases", params={"q": "person"}).json()["items"]
        }
        assert got == {site.cases[k] for k in visible}, who
        page = client.get("/cases", params={"q": "test"}).text
        for key, case_id in site.cases.items():
            assert (f'href="/cases/{case_id}"' in page) == (key in visible), (who, key)


def test_sensitive_parts_need_a_role(site: Site) -> None:
    case_id = site.cases["a_assigned"]
    attorney = site.client(("a", "attorney"))
    token = csrf_of(attorney, "/")
    created = attorney.post(
        f"/api/v1/cases/{case_id}/parts/health_notes",
        json={"values": {"text": "canary-diagnosis", "is_critical_illness": True}},
        headers={"x-csrf-token": token},
    )
    assert created.status_code == 201, created.text
    assert "canary-diagnosis" in attorney.get(f"/cases/{case_id}").text
    for role in ("volunteer", "viewer"):
        client = site.client(("a", role))
        assert "canary-diagnosis" not in client.get(f"/cases/{case_id}").text
        assert client.get(f"/api/v1/cases/{case_id}/parts/health_notes").status_code == 403


# A canary per sensitive part, in the values that part needs. A part added to SENSITIVE_PARTS
# without an entry here fails the test below until it gets one.
SENSITIVE_SAMPLES: dict[str, dict[str, object]] = {
    "health_notes": {"text": "CANARY-MEDICAL-7f3a", "is_critical_illness": True},
    "victim_records": {
        "identity": "named",
        "full_name": "CANARY-VICTIM-91c2",
        "relation_to_offense": "direct_victim",
        "contact_details": "CANARY-VICTIM-91c2 contact",
        "views_on_clemency": "opposes",
        "statement": "CANARY-VICTIM-91c2 statement",
    },
}
GRANTED = ("a-admin", "a-attorney")  # the roles of org a with Permission.SENSITIVE


# the loop (make test-fast) checks one kind; the kinds share the mechanism, `make test` checks all
@pytest.mark.parametrize("kind", sampled(sorted(SENSITIVE_PARTS), loop=["victim_records"]))
def test_sensitive_parts_are_confined_on_every_case_route(
    site: Site, clients: dict[str, tuple[TestClient, str | None]], kind: str
) -> None:
    """security.md test 40 for each sensitive part: with a canary in the part, every case route
    (page, partial, API, download) is called by every identity; the canary reaches only the
    roles with the sensitive grant, and the part's own routes refuse the others (403)."""
    assert kind in SENSITIVE_SAMPLES, f"add sample values for the sensitive part {kind!r}"
    values = SENSITIVE_SAMPLES[kind]
    canary = str(values.get("full_name") or values.get("text"))
    case_id = site.cases["a_assigned"]  # every role of org a may open it
    with unit_of_work(site.engine) as session:
        from clemency.accounts.models import User

        attorney = session.get(User, site.users[("a", "attorney")][0])
        assert attorney is not None
        part = case_service.add_part(
            session=session, user=attorney, case_id=case_id, kind=kind, values=values
        )
        task = task_service.create(session=session, user=attorney, case_id=case_id, title="t")
        sample = {"case_id": case_id, "kind": kind, "part_id": part.id, "task_id": task.id}  # type: ignore[attr-defined]
    failures = []
    seen_by_granted = set()
    for path, method in case_routes(site):
        url = fill(path, sample)
        for identity, (client, token) in clients.items():
            response = call(client, token, method, url)
            status = response.status_code
            leaked = canary in response.text
            own_route = "{kind}" in path
            if identity == "anonymous":
                ok = not leaked and status in (401, 403, 303)
            elif identity == "b-admin":
                ok = not leaked and status == 404
            elif identity not in GRANTED:
                ok = not leaked and status < 500 and (status == 403 or not own_route)
            else:
                ok = status < 500 and (status not in (401, 403, 404) or not own_route)
                if leaked:
                    seen_by_granted.add((identity, method, path))
            if not ok:
                failures.append(f"{identity:12} {method:6} {url:60} -> {status} leaked={leaked}")
    assert failures == [], "\n".join(failures)
    for identity in GRANTED:  # and the granted roles really get it: page, form and API
        for method, path in (
            ("GET", "/cases/{case_id}"),
            ("GET", "/cases/{case_id}/parts/{kind}/{part_id}/edit"),
            ("GET", "/api/v1/cases/{case_id}/parts/{kind}"),
            ("GET", "/api/v1/cases/{case_id}/parts/{kind}/{part_id}"),
        ):
            assert (identity, method, path) in seen_by_granted, (identity, path)


def test_the_list_visibility_is_the_store_policy(site: Site) -> None:
    """The list's clause (both of its SQL forms: the plain one, and the one the name sort uses
    on SQLite) selects exactly the cases the per-case check (``access.can_see``, what
    ``get_for_user`` asks) lets each user open, for every user
    (including one with no membership at all, and each user once disabled)."""
    from sqlalchemy import select

    from clemency.accounts.models import User
    from clemency.cases import access
    from clemency.cases.models import Case
    from clemency.search.listing import visible_clause

    def openable(session: Session, user: User) -> set[int]:
        return {
            case.id
            for case in session.scalars(select(Case))
            if access.can_see(session=session, actor=user, case=case)
        }

    with unit_of_work(site.engine) as session:
        outsider = User(
            email="nobody@x.test", display_name="x", is_active=True, failed_login_count=0
        )
        session.add(outsider)
        session.flush()
        for user in [*session.scalars(select(User)), outsider]:
            expected = openable(session, user)
            for walk_names in (False, True):
                clause = visible_clause(session=session, user=user, walk_names=walk_names)
                assert set(session.scalars(select(Case.id).where(clause))) == expected, user.email
            user.is_active = False
            assert (
                set(
                    session.scalars(
                        select(Case.id).where(visible_clause(session=session, user=user))
                    )
                )
                == set()
            )
            user.is_active = True
        session.rollback()
