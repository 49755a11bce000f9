"""The authorization matrix, generated from the application's route table.

Every route whose path holds ``{case_id}`` — page, partial, API, download — is called by each
role of the owning organization, by a user of another organization and anonymously, on a case
the caller may see and on one they may not. A new case route is covered the moment it is
registered; a route with a path parameter this file has no sample for fails loudly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from clemency.cases import service as case_service
from clemency.cases.models import SENSITIVE_PARTS
from clemency.db.session import unit_of_work
from clemency.tasks import service as task_service
from clemency.web.app import route_table
from clemency.web.deps import get_current_case
from tests.integration.web.conftest import Site, csrf_of

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
OWN_ROLES = ("admin", "attorney", "volunteer", "viewer")


def case_routes(site: Site) -> list[tuple[str, str]]:
    routes = []
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
    unchecked = [p for p, r in routes if not _depends_on(r.dependant, get_current_case)]  # type: ignore[attr-defined]
    assert unchecked == []


@pytest.fixture
def samples(site: Site) -> dict[str, dict[str, object]]:
    """A note in each case, so part routes have a real part id of the same case."""
    out: dict[str, dict[str, object]] = {}
    with unit_of_work(site.engine) as session:
        from clemency.accounts.models import User

        admin = session.get(User, site.users[("a", "admin")][0])
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
                "part_id": note.id,
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


def call(client: TestClient, token: str | None, method: str, url: str) -> object:
    headers = {"x-csrf-token": token} if token and method in UNSAFE else {}
    if method in UNSAFE and not url.startswith("/api/"):
        return client.request(method, url, data={"csrf_token": token or ""}, headers=headers)
    if method in UNSAFE:
        return client.request(method, url, json={}, headers=headers)
    return client.request(method, url, headers=headers)


def expected_visible(identity: str, case_key: str) -> bool:
    if identity == "a-volunteer":
        return case_key == "a_assigned"
    return identity.startswith("a-")


def test_authorization_matrix(
    site: Site,
    samples: dict[str, dict[str, object]],
    clients: dict[str, tuple[TestClient, str | None]],
) -> None:
    failures = []
    routes = case_routes(site)
    for path, method in routes:
        for case_key in ("a_assigned", "a_other"):
            url = fill(path, samples[case_key])
            for identity, (client, token) in clients.items():
                response = call(client, token, method, url)
                status = response.status_code  # type: ignore[attr-defined]
                body = response.text  # type: ignore[attr-defined]
                if identity == "anonymous":
                    ok = status in (401, 403) or (
                        status == 303 and "/login" in response.headers["location"]
                    )  # type: ignore[attr-defined]
                elif not expected_visible(identity, case_key):
                    ok = status == 404 and "secret-note-" not in body and "Test Person" not in body
                elif identity == "a-viewer" and (
                    method in UNSAFE or path.endswith(("/edit", "/new"))
                ):
                    ok = status == 403
                else:  # may see it; may still lack a permission for this action (403)
                    ok = status not in (401, 404) and status < 500
                if not ok:
                    failures.append(f"{identity:12} {method:6} {url:60} -> {status}")
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


@pytest.mark.parametrize("kind", sorted(SENSITIVE_PARTS))
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
            status = response.status_code  # type: ignore[attr-defined]
            leaked = canary in response.text  # type: ignore[attr-defined]
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
    """The case list reads memberships first for speed; it must select exactly the cases the
    store's own clause selects, for every user (including one with no membership at all)."""
    from sqlalchemy import select

    from clemency.accounts.models import User
    from clemency.cases import access
    from clemency.cases.models import Case
    from clemency.search.listing import visible_clause

    with unit_of_work(site.engine) as session:
        outsider = User(
            email="nobody@x.test", display_name="x", is_active=True, failed_login_count=0
        )
        session.add(outsider)
        session.flush()
        for user in [*session.scalars(select(User)), outsider]:
            mine = set(session.scalars(select(Case.id).where(visible_clause(session, user))))
            store = set(session.scalars(select(Case.id).where(access.visible_cases_clause(user))))
            assert mine == store, user.email
            user.is_active = False
            assert (
                set(session.scalars(select(Case.id).where(visible_clause(session, user)))) == set()
            )
            user.is_active = True
        session.rollback()
