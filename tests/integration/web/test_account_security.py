"""Issue 12, items 1, 7 and 8, over HTTP with two organizations (``a`` and ``b``, one user
per role in each; see conftest):

1. an admin reaches only their own organization: adding an e-mail is an invitation the person
   accepts; disabling a shared account removes it from the organization instead; unlocking it
   is refused; the answer never tells an existing e-mail from an unknown one;
7. two-factor sign-in (TOTP codes computed with pyotp, replay refused, recovery codes single
   use, five wrong codes lock), the organization's policy, admin reset, the password change
   page, the common-password list and the limit on concurrent sessions;
8. the calendar-feed link: random, stored hashed, revocable, expiring, rotated with the password.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from clemency.accounts import auth
from clemency.accounts.auth_models import CalendarFeed, RecoveryCode, WebSession
from clemency.accounts.models import Invitation, Membership, Organization, User
from clemency.audit.models import AuditEvent
from clemency.db.session import unit_of_work
from tests.integration.web.conftest import PASSWORD, Site, csrf_of, sign_in

NEW_PASSWORD = "a brand new passphrase for the test"


def _uid(site: Site, org: str, role: str) -> int:
    return site.users[(org, role)][0]


def _email(site: Site, org: str, role: str) -> str:
    return site.users[(org, role)][1]


def _share(site: Site, who: tuple[str, str], into: str, role: str = "viewer") -> None:
    """Make ``who`` (an account of one organization) also a member of ``into`` (as if they had
    accepted an invitation there)."""
    with unit_of_work(site.engine) as session:
        session.add(
            Membership(user_id=site.users[who][0], organization_id=site.orgs[into], role=role)
        )


def _post(
    client: TestClient, url: str, data: dict[str, str] | None = None, page: str = "/"
) -> object:
    return client.post(url, data={"csrf_token": csrf_of(client, page), **(data or {})})


def _login(client: TestClient, email: str, password: str = PASSWORD) -> object:
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_of(client)}
    )


def _clock(site: Site, moment: datetime) -> None:
    site.app.state.clock = lambda: moment  # type: ignore[attr-defined]


# --- item 1: cross-organization reach --------------------------------------------------------


def test_adding_another_organizations_member_makes_an_invitation_not_a_membership(
    site: Site,
) -> None:
    admin_a = site.client(("a", "admin"))
    target = _email(site, "b", "attorney")
    response = _post(
        admin_a,
        f"/admin/users?org={site.orgs['a']}",
        {"email": target, "display_name": "Somebody", "role": "admin"},
        page="/admin/users",
    )
    assert response.status_code == 200  # type: ignore[attr-defined]
    with unit_of_work(site.engine) as session:
        joined = session.scalar(
            select(Membership).where(
                Membership.user_id == _uid(site, "b", "attorney"),
                Membership.organization_id == site.orgs["a"],
            )
        )
        assert joined is None  # before the fix the account was silently added
        invitation = session.scalar(select(Invitation).where(Invitation.email == target))
        assert invitation is not None
        assert invitation.accepted_at is None
        assert len(invitation.token_hash) == 64
    link = re.search(r'value="http://testserver(/invitations/[^"]+)"', response.text).group(1)  # type: ignore[attr-defined, union-attr]
    assert invitation.token_hash not in link
    # the admin lists it and can withdraw it
    page = admin_a.get("/admin/users")
    assert target in page.text
    assert "Withdraw" in page.text

    # the invited person, signed in as themselves, sees and accepts it
    invitee = site.client(("b", "attorney"))
    shown = invitee.get(link)
    assert shown.status_code == 200
    assert "as <strong>admin</strong>" in shown.text
    accepted = _post(invitee, link + "/accept", page=link)
    assert accepted.status_code == 303  # type: ignore[attr-defined]
    with unit_of_work(site.engine) as session:
        role = session.scalar(
            select(Membership.role).where(
                Membership.user_id == _uid(site, "b", "attorney"),
                Membership.organization_id == site.orgs["a"],
            )
        )
        assert role == "admin"
    assert site.client().get(link).status_code == 410  # used


def test_an_invitation_is_accepted_only_by_its_address_and_expires(site: Site) -> None:
    admin_a = site.client(("a", "admin"))
    response = _post(
        admin_a,
        "/admin/users",
        {"email": _email(site, "b", "viewer"), "display_name": "B viewer", "role": "attorney"},
        page="/admin/users",
    )
    link = re.search(r'value="http://testserver(/invitations/[^"]+)"', response.text).group(1)  # type: ignore[attr-defined, union-attr]
    other = site.client(("b", "volunteer"))
    refused = _post(other, link + "/accept", page=link)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    with unit_of_work(site.engine) as session:
        assert (
            session.scalar(
                select(Membership.id).where(
                    Membership.user_id == _uid(site, "b", "volunteer"),
                    Membership.organization_id == site.orgs["a"],
                )
            )
            is None
        )
    later = datetime.now(UTC) + timedelta(days=site.settings.invitation_days, minutes=1)
    _clock(site, later)
    assert site.client().get(link).status_code == 410


def test_a_withdrawn_invitation_stops_working(site: Site) -> None:
    admin_a = site.client(("a", "admin"))
    response = _post(
        admin_a,
        "/admin/users",
        {"email": "newcomer@example.org", "display_name": "New", "role": "viewer"},
        page="/admin/users",
    )
    link = re.search(r'value="http://testserver(/invitations/[^"]+)"', response.text).group(1)  # type: ignore[attr-defined, union-attr]
    with unit_of_work(site.engine) as session:
        invitation_id = session.scalar(
            select(Invitation.id).where(Invitation.email == "newcomer@example.org")
        )
    withdrawn = _post(admin_a, f"/admin/invitations/{invitation_id}/revoke", page="/admin/users")
    assert withdrawn.status_code == 303  # type: ignore[attr-defined]
    assert site.client().get(link).status_code == 410
    # another organization's admin cannot withdraw it
    admin_b = site.client(("b", "admin"))
    assert _post(admin_b, f"/admin/invitations/{invitation_id}/revoke").status_code == 404  # type: ignore[attr-defined]


def test_a_new_person_creates_their_account_from_the_invitation(site: Site) -> None:
    admin_a = site.client(("a", "admin"))
    response = _post(
        admin_a,
        "/admin/users",
        {"email": "Fresh.Person@Example.org", "display_name": "Fresh Person", "role": "volunteer"},
        page="/admin/users",
    )
    link = re.search(r'value="http://testserver(/invitations/[^"]+)"', response.text).group(1)  # type: ignore[attr-defined, union-attr]
    newcomer = site.client()
    page = newcomer.get(link)
    assert page.status_code == 200
    weak = _post(
        newcomer,
        link + "/register",
        {"display_name": "Fresh", "password": "password1234", "confirm": "password1234"},
        page=link,
    )
    assert weak.status_code == 422  # type: ignore[attr-defined]
    made = _post(
        newcomer,
        link + "/register",
        {"display_name": "Fresh", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        page=link,
    )
    assert made.status_code == 200  # type: ignore[attr-defined]
    sign_in(newcomer, "fresh.person@example.org", NEW_PASSWORD)
    assert newcomer.get("/api/v1/me").json()["email"] == "fresh.person@example.org"


def _invite_answer(site: Site, client: TestClient, email: str) -> str:
    response = client.post(
        "/admin/users",
        data={
            "email": email,
            "display_name": "Person",
            "role": "viewer",
            "csrf_token": csrf_of(client, "/admin/users"),
        },
    )
    assert response.status_code == 200, response.text
    # the list of open invitations grows by one each time; it is compared separately below
    text = re.sub(r"<h2>Open invitations</h2>.*?</table>", "", response.text, flags=re.S)
    return re.sub(r"/invitations/[A-Za-z0-9_\-]+", "/invitations/TOKEN", text).replace(
        email, "EMAIL"
    )


def test_invitation_answers_do_not_reveal_whether_an_email_has_an_account(site: Site) -> None:
    admin_a = site.client(("a", "admin"))
    existing = _invite_answer(site, admin_a, _email(site, "b", "volunteer"))
    unknown = _invite_answer(site, admin_a, "nobody-here@example.org")
    assert existing.replace("nobody-here@example.org", "EMAIL") == unknown.replace(
        _email(site, "b", "volunteer"), "EMAIL"
    )
    listed = admin_a.get("/admin/users").text
    rows = re.findall(r"<tr><td>([^<]*)</td><td>Person</td><td>viewer</td>", listed)
    assert sorted(rows) == sorted([_email(site, "b", "volunteer"), "nobody-here@example.org"])


def test_register_answers_the_same_for_an_existing_address_and_changes_nothing(
    site: Site,
) -> None:
    admin_a = site.client(("a", "admin"))
    answers = []
    for email in (_email(site, "b", "viewer"), "unknown-person@example.org"):
        response = _post(
            admin_a,
            "/admin/users",
            {"email": email, "display_name": "X", "role": "viewer"},
            page="/admin/users",
        )
        link = re.search(r'value="http://testserver(/invitations/[^"]+)"', response.text).group(1)  # type: ignore[attr-defined, union-attr]
        anonymous = site.client()
        answer = _post(
            anonymous,
            link + "/register",
            {"display_name": "X", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            page=link,
        )
        answers.append((answer.status_code, answer.text))  # type: ignore[attr-defined]
    assert answers[0] == answers[1]
    # the existing account's password was not changed and it did not join
    _login_ok = site.client()
    sign_in(_login_ok, _email(site, "b", "viewer"))
    with unit_of_work(site.engine) as session:
        assert (
            session.scalar(
                select(Membership.id).where(
                    Membership.user_id == _uid(site, "b", "viewer"),
                    Membership.organization_id == site.orgs["a"],
                )
            )
            is None
        )


def test_disabling_a_shared_account_removes_it_from_the_organization_only(site: Site) -> None:
    _share(site, ("b", "attorney"), "a")
    owner = site.client(("b", "attorney"))
    admin_a = site.client(("a", "admin"))
    response = _post(
        admin_a,
        f"/admin/users/{_uid(site, 'b', 'attorney')}?org={site.orgs['a']}",
        {"active": "false"},
        page="/admin/users",
    )
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "removed from this organization" in response.text  # type: ignore[attr-defined]
    assert owner.get("/api/v1/me").status_code == 200  # still signed in, still active
    with unit_of_work(site.engine) as session:
        user = session.get(User, _uid(site, "b", "attorney"))
        assert user is not None
        assert user.is_active
        orgs = set(
            session.scalars(select(Membership.organization_id).where(Membership.user_id == user.id))
        )
        assert orgs == {site.orgs["b"]}


def test_a_sole_member_is_still_disabled_by_their_admin(site: Site) -> None:
    victim = site.client(("a", "viewer"))
    admin_a = site.client(("a", "admin"))
    response = _post(
        admin_a,
        f"/admin/users/{_uid(site, 'a', 'viewer')}",
        {"active": "false"},
        page="/admin/users",
    )
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert victim.get("/api/v1/me").status_code == 401


def test_unlocking_a_shared_account_is_refused_and_audited(site: Site) -> None:
    _share(site, ("b", "attorney"), "a")
    email = _email(site, "b", "attorney")
    guesser = site.client()
    for _ in range(auth.LOCKOUT_THRESHOLD):
        assert _login(guesser, email, "not the password!").status_code == 401  # type: ignore[attr-defined]
    admin_a = site.client(("a", "admin"))
    response = _post(
        admin_a,
        f"/admin/users/{_uid(site, 'b', 'attorney')}",
        {"unlock": "1"},
        page="/admin/users",
    )
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert "system operator" in response.text  # type: ignore[attr-defined]
    assert _login(site.client(), email).status_code == 401  # type: ignore[attr-defined]  # still locked
    with unit_of_work(site.engine) as session:
        refusal = session.scalar(
            select(AuditEvent).where(
                AuditEvent.outcome == "failure", AuditEvent.detail.like("unlock refused%")
            )
        )
        assert refusal is not None
        assert refusal.actor_user_id == _uid(site, "a", "admin")


def test_the_operator_command_unlocks_and_disables_the_whole_account(
    site: Site, database_url: str
) -> None:
    from typer.testing import CliRunner

    from clemency.cli.main import app

    _share(site, ("b", "attorney"), "a")
    email = _email(site, "b", "attorney")
    for _ in range(auth.LOCKOUT_THRESHOLD):
        _login(site.client(), email, "not the password!")
    runner = CliRunner()
    result = runner.invoke(app, ["accounts", "unlock", email, "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert _login(site.client(), email).status_code == 303  # type: ignore[attr-defined]
    result = runner.invoke(app, ["accounts", "disable", email, "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert _login(site.client(), email).status_code == 401  # type: ignore[attr-defined]
    result = runner.invoke(
        app, ["accounts", "disable", "nobody@x.example", "--database-url", database_url]
    )
    assert result.exit_code == 1
    assert "no account" in result.output.lower()
    result = runner.invoke(app, ["accounts", "enable", email, "--database-url", database_url])
    assert result.exit_code == 0, result.output
    with unit_of_work(site.engine) as session:
        user = session.get(User, _uid(site, "b", "attorney"))
        assert user is not None
        user.totp_secret = "v1:sealed"
        user.mfa_enrolled_at = datetime.now(UTC)
    result = runner.invoke(app, ["accounts", "mfa-reset", email, "--database-url", database_url])
    assert result.exit_code == 0, result.output
    with unit_of_work(site.engine) as session:
        user = session.get(User, _uid(site, "b", "attorney"))
        assert user is not None
        assert user.totp_secret is None
        assert user.mfa_enrolled_at is None
        labels = {
            e.actor_label
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.detail.like("%system operator%"))
            )
        }
        assert labels
        assert all(label.startswith("cli:") for label in labels)


# --- item 8: calendar feed ---------------------------------------------------------------------


def _make_feed(client: TestClient) -> str:
    made = _post(client, "/account/calendar-feed", page="/account")
    assert made.status_code == 200  # type: ignore[attr-defined]
    return re.search(r'value="http://testserver(/deadlines/feed/[^"]+\.ics)"', made.text).group(1)  # type: ignore[attr-defined, union-attr]


def test_the_calendar_feed_token_is_random_hashed_revocable_and_expires(site: Site) -> None:
    owner = site.client(("a", "attorney"))
    feed = _make_feed(owner)
    raw = feed.removeprefix("/deadlines/feed/").removesuffix(".ics")
    anonymous = site.client()
    assert anonymous.get(feed).status_code == 200
    with unit_of_work(site.engine) as session:
        row = session.scalar(select(CalendarFeed))
        assert row is not None
        assert row.token_hash != raw
        assert raw not in row.token_hash
        user = session.get(User, _uid(site, "a", "attorney"))
        assert user is not None
        assert (user.password_hash or "")[-8:] not in raw
    # the account page shows its expiry, never the token
    page = owner.get("/account")
    assert raw not in page.text
    assert "works until" in page.text
    # renewing: a new link; the old one stops working
    renewed = _make_feed(owner)
    assert renewed != feed
    assert anonymous.get(feed).status_code == 410
    assert anonymous.get(renewed).status_code == 200
    # revoking
    assert _post(owner, "/account/calendar-feed/revoke", page="/account").status_code == 303  # type: ignore[attr-defined]
    assert anonymous.get(renewed).status_code == 410
    # expiry
    latest = _make_feed(owner)
    _clock(site, datetime.now(UTC) + timedelta(days=site.settings.calendar_feed_days, hours=1))
    assert anonymous.get(latest).status_code == 410


def test_the_old_signed_feed_links_no_longer_work(site: Site) -> None:
    from itsdangerous import URLSafeSerializer

    with unit_of_work(site.engine) as session:
        user = session.get(User, _uid(site, "a", "attorney"))
        assert user is not None
        old = URLSafeSerializer(
            site.settings.secret_key.get_secret_value(), salt="clemency-deadlines-ical"
        ).dumps([user.id, (user.password_hash or "")[-8:]])
    assert site.client().get(f"/deadlines/feed/{old}.ics").status_code == 410


# --- item 7: password change, sessions ---------------------------------------------------------


def test_changing_the_password_ends_other_sessions_and_rotates_the_feed(site: Site) -> None:
    email = _email(site, "a", "attorney")
    other_browser = site.client(("a", "attorney"))
    here = site.client(("a", "attorney"))
    feed = _make_feed(here)
    wrong = _post(
        here,
        "/account/password",
        {"current": "not my password!", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        page="/account/password",
    )
    assert wrong.status_code == 422  # type: ignore[attr-defined]
    common = _post(
        here,
        "/account/password",
        {"current": PASSWORD, "password": "iloveyou2024!", "confirm": "iloveyou2024!"},
        page="/account/password",
    )
    assert common.status_code == 422
    assert "common" in common.text
    changed = _post(
        here,
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        page="/account/password",
    )
    assert changed.status_code == 200  # type: ignore[attr-defined]
    new_feed = re.search(
        r'value="http://testserver(/deadlines/feed/[^"]+\.ics)"', changed.text
    ).group(1)  # type: ignore[attr-defined, union-attr]
    assert here.get("/api/v1/me").status_code == 200
    assert other_browser.get("/api/v1/me").status_code == 401
    assert site.client().get(feed).status_code == 410
    assert site.client().get(new_feed).status_code == 200
    assert _login(site.client(), email).status_code == 401  # type: ignore[attr-defined]
    assert _login(site.client(), email, NEW_PASSWORD).status_code == 303  # type: ignore[attr-defined]
    with unit_of_work(site.engine) as session:
        outcomes = [
            e.outcome
            for e in session.scalars(
                select(AuditEvent).where(
                    AuditEvent.entity_type == "user",
                    AuditEvent.changed_fields == "password_hash",
                )
            )
        ]
        assert outcomes == ["failure", "failure", "success"]


@pytest.mark.parametrize(
    "password",
    ["password1234", "Password12345!", "qwertyuiop123", "aaaaaaaaaaaaaaaa", "short-pass1"],
)
def test_common_short_and_repetitive_passwords_are_refused(password: str) -> None:
    from clemency.accounts.passwords import check_password_policy
    from clemency.errors import BadInput

    with pytest.raises(BadInput):
        check_password_policy(password)


def test_the_password_policy_accepts_long_unicode_and_refuses_the_email() -> None:
    from clemency.accounts.passwords import check_password_policy, common_passwords
    from clemency.errors import BadInput

    assert len(common_passwords()) > 19_000
    assert "password" in common_passwords()
    check_password_policy("ünïcødé pässphrase ✓ 12")
    check_password_policy("x" * 10 + "yzabcdefgh" * 10 + "12345678")  # 128 characters
    with pytest.raises(BadInput):
        check_password_policy("x" * 129)
    with pytest.raises(BadInput):
        check_password_policy("jane.doe@example.org", email="jane.doe@example.org")


def test_a_new_sign_in_beyond_the_limit_ends_the_oldest_session(site: Site) -> None:
    limit = site.settings.max_sessions_per_user
    email = _email(site, "a", "viewer")
    clients = []
    for _ in range(limit + 1):
        client = site.client()
        sign_in(client, email)
        clients.append(client)
    assert clients[0].get("/api/v1/me").status_code == 401
    assert all(c.get("/api/v1/me").status_code == 200 for c in clients[1:])
    with unit_of_work(site.engine) as session:
        live = session.scalar(
            select(func.count(WebSession.id)).where(
                WebSession.user_id == _uid(site, "a", "viewer"), WebSession.ended_at.is_(None)
            )
        )
        assert live == limit


# --- item 7: two-factor sign-in -----------------------------------------------------------------


def _enrol(site: Site, client: TestClient) -> tuple[str, list[str]]:
    started = _post(client, "/account/mfa/start", page="/account/mfa")
    assert started.status_code == 200, started.text  # type: ignore[attr-defined]
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', started.text).group(1)  # type: ignore[attr-defined, union-attr]
    assert "otpauth://totp/" in started.text  # type: ignore[attr-defined]
    qr = re.search(r'id="totp-qr" src="data:image/svg\+xml;base64,([^"]+)"', started.text)  # type: ignore[attr-defined]
    assert qr is not None
    import base64
    import xml.etree.ElementTree as ET

    assert ET.fromstring(base64.b64decode(qr.group(1))).tag.endswith("svg")
    wrong = _post(client, "/account/mfa/confirm", {"code": "000000"}, page="/account/mfa")
    assert wrong.status_code == 422  # type: ignore[attr-defined]
    moment = site.app.state.clock()  # type: ignore[attr-defined]
    code = pyotp.TOTP(secret).at(moment)
    confirmed = _post(client, "/account/mfa/confirm", {"code": code}, page="/account/mfa")
    assert confirmed.status_code == 200  # type: ignore[attr-defined]
    codes = re.findall(r"<li><code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</code></li>", confirmed.text)  # type: ignore[attr-defined]
    assert len(codes) == 10
    return secret, codes


def _mfa_login(site: Site, email: str, code: str) -> tuple[TestClient, int]:
    client = site.client()
    first = _login(client, email)
    assert first.status_code == 303
    assert first.headers["location"].startswith("/login/mfa")
    assert client.get("/api/v1/me").status_code == 401  # the password alone opens nothing
    assert client.get("/cases").status_code == 303
    response = client.post(
        "/login/mfa", data={"code": code, "next": "/", "csrf_token": csrf_of(client, "/login/mfa")}
    )
    return client, response.status_code


def test_mfa_enrolment_sign_in_replay_and_recovery_codes(site: Site) -> None:
    email = _email(site, "a", "attorney")
    base = datetime.now(UTC)
    _clock(site, base)
    secret, codes = _enrol(site, site.client(("a", "attorney")))
    with unit_of_work(site.engine) as session:
        user = session.get(User, _uid(site, "a", "attorney"))
        assert user is not None
        assert user.totp_secret
        assert secret not in user.totp_secret
        stored = list(session.scalars(select(RecoveryCode.code_hash)))
        assert len(stored) == 10
        assert not set(codes) & set(stored)

    _clock(site, base + timedelta(seconds=60))
    code = pyotp.TOTP(secret).at(base + timedelta(seconds=60))
    client, status = _mfa_login(site, email, code)
    assert status == 303
    assert client.get("/api/v1/me").status_code == 200
    _, replay = _mfa_login(site, email, code)  # the same code again: refused
    assert replay == 401
    _, recovered = _mfa_login(site, email, codes[0].upper())
    assert recovered == 303
    _, reused = _mfa_login(site, email, codes[0])
    assert reused == 401
    with unit_of_work(site.engine) as session:
        details = [
            e.detail or ""
            for e in session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "mfa"))
        ]
    assert any("enrolled" in d for d in details)
    assert sum("accepted" in d for d in details) == 2
    assert sum(d.startswith("second factor wrong") for d in details) == 2


def _wrong_code(client: TestClient) -> int:
    response = client.post(
        "/login/mfa", data={"code": "000000", "csrf_token": csrf_of(client, "/login/mfa")}
    )
    return response.status_code


def test_five_wrong_codes_lock_the_account_even_across_sign_ins(site: Site) -> None:
    email = _email(site, "a", "attorney")
    _enrol(site, site.client(("a", "attorney")))
    client = site.client()
    _login(client, email)
    assert [_wrong_code(client) for _ in range(4)] == [401] * 4
    again = site.client()  # signing in again with the password does not restart the count
    assert _login(again, email).status_code == 303  # type: ignore[attr-defined]
    assert _wrong_code(again) == 401
    assert _login(site.client(), email).status_code == 401  # type: ignore[attr-defined]
    with unit_of_work(site.engine) as session:
        user = session.get(User, _uid(site, "a", "attorney"))
        assert user is not None
        assert user.locked_until is not None
        assert user.mfa_failed_count == 0


def test_policy_requires_mfa_for_admins_and_attorneys_and_admin_reset(site: Site) -> None:
    with unit_of_work(site.engine) as session:
        organization = session.get(Organization, site.orgs["a"])
        assert organization is not None
        organization.mfa_policy = "privileged"
    attorney = site.client()
    first = _login(attorney, _email(site, "a", "attorney"))
    assert first.headers["location"].startswith("/account/mfa")  # type: ignore[attr-defined]
    assert attorney.get("/api/v1/cases").status_code == 403
    assert attorney.get(f"/cases/{site.cases['a_assigned']}").status_code == 403
    volunteer = site.client(("a", "volunteer"))
    assert volunteer.get("/api/v1/me").status_code == 200  # not required of volunteers
    _secret, _codes = _enrol(site, attorney)
    assert attorney.get("/api/v1/cases").status_code == 200

    # an admin of another organization cannot reset it; the attorney's own admin can
    admin_b = site.client(("b", "admin"))
    url = f"/admin/users/{_uid(site, 'a', 'attorney')}/mfa-reset"
    assert _post(admin_b, url).status_code == 404  # type: ignore[attr-defined]
    admin_a = site.client(("a", "admin"))
    # the admin must set up two-factor too before using admin pages
    assert admin_a.get("/admin/users").status_code == 403
    _enrol(site, admin_a)
    reset = _post(admin_a, url, page="/admin/users")
    assert reset.status_code == 200  # type: ignore[attr-defined]
    assert attorney.get("/api/v1/me").status_code == 401  # sessions ended
    with unit_of_work(site.engine) as session:
        user = session.get(User, _uid(site, "a", "attorney"))
        assert user is not None
        assert user.totp_secret is None
        assert session.scalar(
            select(AuditEvent.id).where(
                AuditEvent.entity_type == "mfa", AuditEvent.detail.like("reset by an organization%")
            )
        )


def test_the_default_policy_applies_in_production_only() -> None:
    from clemency.accounts.mfa import is_required

    org = Organization(slug="x", name="X", mfa_policy="default")
    assert is_required([(org, "attorney")], environment="production")
    assert is_required([(org, "admin")], environment="production")
    assert not is_required([(org, "volunteer")], environment="production")
    assert not is_required([(org, "attorney")], environment="development")
    everyone = Organization(slug="y", name="Y", mfa_policy="everyone")
    assert is_required([(everyone, "viewer")], environment="development")


def test_invitation_tokens_are_kept_out_of_the_access_log() -> None:
    import logging

    from clemency.web.pages.petition_routes import RedactLinkTokens

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        "%s %s %s",
        ("a", "POST", "/invitations/inv_SECRET/accept"),
        None,
    )
    RedactLinkTokens().filter(record)
    assert record.getMessage() == "a POST /invitations/…/accept"


def test_the_shipped_password_list_is_the_documented_one() -> None:
    """The list's README names its source and digest; the file shipped is that file."""
    import hashlib
    from importlib.resources import files

    data = files("clemency.accounts").joinpath("data")
    readme = data.joinpath("README.md").read_text()
    digest = hashlib.sha256(data.joinpath("common-passwords.txt.gz").read_bytes()).hexdigest()
    assert f"`{digest}`" in readme
    assert data.joinpath("LICENSE.common-passwords").read_text().startswith("Copyright (c) Django")


def test_a_password_that_no_longer_passes_the_policy_must_be_changed_at_sign_in(
    site: Site,
) -> None:
    """CJ-3(c): a stored hash cannot be checked against a refreshed list, so the password is
    checked when it is next typed."""
    from clemency.accounts.passwords import hash_password

    email = _email(site, "a", "volunteer")
    with unit_of_work(site.engine) as session:
        user = session.get(User, _uid(site, "a", "volunteer"))
        assert user is not None
        user.password_hash = hash_password("Password2024!")
    client = site.client()
    response = _login(client, email, "Password2024!")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/account/password?weak=1"  # type: ignore[attr-defined]
    page = client.get("/account/password?weak=1")
    assert "no longer passes" in page.text
    assert _login(site.client(), _email(site, "a", "viewer")).headers["location"] == "/"  # type: ignore[attr-defined]
