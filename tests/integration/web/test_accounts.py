"""Sign-in, lockout, sessions (idle timeout, logout, fixation, cookie attributes), CSRF and
API tokens, against the real application and database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clemency.accounts import auth
from clemency.accounts.models import User
from clemency.db.session import unit_of_work
from tests.integration.web.conftest import PASSWORD, Site, csrf_of, sign_in


def _post_login(client, email: str, password: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def test_five_failures_lock_the_account_even_for_the_right_password(site: Site) -> None:
    email = site.users[("a", "attorney")][1]
    client = site.client()
    for _ in range(auth.LOCKOUT_THRESHOLD):
        response = _post_login(client, email, "wrong password!!")
        assert response.status_code == 401
        assert auth.FAILED_SIGN_IN in response.text
    assert _post_login(client, email, PASSWORD).status_code == 401
    clock = site.app.state.clock  # type: ignore[attr-defined]
    site.app.state.clock = lambda: clock() + auth.LOCKOUT_DURATION + timedelta(seconds=1)  # type: ignore[attr-defined]
    assert _post_login(client, email, PASSWORD).status_code == 303
    with unit_of_work(site.engine) as session:
        from sqlalchemy import select

        from clemency.audit.models import AuditEvent

        outcomes = [
            e.outcome
            for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "login"))
        ]
        assert outcomes.count("failure") == auth.LOCKOUT_THRESHOLD + 1
        assert outcomes[-1] == "success"


def test_an_unknown_email_fails_like_a_wrong_password(site: Site) -> None:
    response = _post_login(site.client(), "nobody@example.org", PASSWORD)
    assert response.status_code == 401
    assert auth.FAILED_SIGN_IN in response.text


def test_idle_session_ends_and_logout_invalidates_the_cookie(site: Site) -> None:
    client = site.client(("a", "admin"))
    assert client.get("/cases").status_code == 200
    clock = site.app.state.clock  # type: ignore[attr-defined]
    idle = timedelta(minutes=site.settings.session_idle_minutes)
    site.app.state.clock = lambda: clock() + idle - timedelta(minutes=1)  # type: ignore[attr-defined]
    assert client.get("/cases").status_code == 200
    site.app.state.clock = lambda: clock() + 2 * idle  # type: ignore[attr-defined]
    response = client.get("/cases")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert client.get("/api/v1/me").status_code == 401

    site.app.state.clock = clock  # type: ignore[attr-defined]
    client = site.client(("a", "admin"))
    cookie = client.cookies.get("clemency_session")
    token = csrf_of(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    replay = site.client()
    replay.cookies.set("clemency_session", cookie)
    assert replay.get("/api/v1/me").status_code == 401


def test_a_new_session_id_at_every_sign_in(site: Site) -> None:
    client = site.client()
    client.cookies.set("clemency_session", "attacker-chosen-value", domain="testserver.local")
    sign_in(client, site.users[("a", "admin")][1])
    values = {c.value for c in client.cookies.jar if c.name == "clemency_session"}
    assert values
    assert "attacker-chosen-value" not in values
    fixed = site.client()
    fixed.cookies.set("clemency_session", "attacker-chosen-value")
    assert fixed.get("/api/v1/me").status_code == 401


def test_cookie_attributes_over_https(site: Site) -> None:
    client = site.client(base_url="https://testserver")
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"email": site.users[("a", "admin")][1], "password": PASSWORD, "csrf_token": token},
    )
    [cookie] = [c for c in response.headers.get_list("set-cookie") if c.startswith("__Host-")]
    assert cookie.startswith("__Host-clemency_session=")
    for attribute in ("HttpOnly", "Path=/", "SameSite=lax", "Secure"):
        assert attribute in cookie
    assert "Domain" not in cookie
    assert "Max-Age" not in cookie


def test_forms_without_the_csrf_token_or_from_another_site_are_refused(site: Site) -> None:
    client = site.client(("a", "admin"))
    case_id = site.cases["a_assigned"]
    no_token = client.post(f"/cases/{case_id}/edit", data={"version": "1", "stage": "closed"})
    assert no_token.status_code == 403
    token = csrf_of(client, "/")
    foreign = client.post(
        f"/cases/{case_id}/edit",
        data={"version": "1", "stage": "closed", "csrf_token": token},
        headers={"origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    login_without_token = site.client().post(
        "/login", data={"email": site.users[("a", "admin")][1], "password": PASSWORD}
    )
    assert login_without_token.status_code == 403


def test_api_tokens_authenticate_programs_without_csrf(site: Site) -> None:
    with unit_of_work(site.engine) as session:
        user = session.get(User, site.users[("a", "attorney")][0])
        raw, _row = auth.create_api_token(
            session=session, user=user, name="nightly", now=datetime.now(UTC)
        )
    client = site.client()
    headers = {"authorization": f"Bearer {raw}"}
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["via"] == "token"
    case_id = site.cases["a_assigned"]
    created = client.post(
        f"/api/v1/cases/{case_id}/parts/notes",
        json={"values": {"text": "from a program"}},
        headers=headers,
    )
    assert created.status_code == 201
    assert (
        client.get("/api/v1/me", headers={"authorization": "Bearer clm_wrong"}).status_code == 401
    )
    assert client.get(f"/api/v1/cases/{site.cases['b_case']}", headers=headers).status_code == 404


def test_disabling_a_user_ends_their_sessions(site: Site) -> None:
    victim = site.client(("a", "viewer"))
    assert victim.get("/api/v1/me").status_code == 200
    admin = site.client(("a", "admin"))
    token = csrf_of(admin, "/")
    response = admin.post(
        f"/admin/users/{site.users[('a', 'viewer')][0]}?org={site.orgs['a']}",
        data={"active": "false", "csrf_token": token},
    )
    assert response.status_code == 303
    assert victim.get("/api/v1/me").status_code == 401


def test_security_headers(site: Site) -> None:
    response = site.client().get("/login")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
