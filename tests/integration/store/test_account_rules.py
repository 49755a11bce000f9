"""Accounts: organizations, users and memberships (accounts.service), and the sign-in, session,
token and member-administration rules of accounts.auth (its module docstring, security.md)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.accounts import auth
from clemency.accounts import service as accounts
from clemency.accounts.auth_models import WebSession
from clemency.accounts.passwords import needs_rehash, verify_password
from clemency.audit.models import AuditEvent
from clemency.errors import BadInput, NotFound, PermissionDenied
from clemency.testing.factories import TEST_PASSWORD, World, make_organization, make_user

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _audit(session: Session, **where: object) -> list[AuditEvent]:
    query = select(AuditEvent).filter_by(**where).order_by(AuditEvent.id)
    return list(session.scalars(query))


def test_an_organization_slug_is_unique_and_finds_it(session: Session) -> None:
    made = accounts.create_organization(session=session, slug="clinic", name="The Clinic")
    assert accounts.get_organization_by_slug(session=session, slug="clinic") is made
    with pytest.raises(BadInput, match="'clinic' already exists") as caught:
        accounts.create_organization(session=session, slug="clinic", name="Another")
    assert caught.value.fields == {"field": "slug"}
    with pytest.raises(NotFound, match="No organization 'elsewhere'"):
        accounts.get_organization_by_slug(session=session, slug="elsewhere")


def test_a_user_is_known_by_one_e_mail_address_whatever_its_case(session: Session) -> None:
    user = accounts.create_user(session=session, email="  Ana@Clinic.Example ", display_name="Ana")
    assert user.email == "ana@clinic.example"
    assert user.password_hash is None  # no password: cannot sign in until one is set
    assert accounts.get_user_by_email(session=session, email="ANA@clinic.example") is user
    with pytest.raises(BadInput, match=re.escape("ana@clinic.example already exists")):
        accounts.create_user(session=session, email="ana@CLINIC.example", display_name="Ana 2")
    with pytest.raises(
        BadInput, match=re.escape("'ana.clinic.example' is not an e-mail address")
    ) as caught:
        accounts.create_user(session=session, email="ana.clinic.example", display_name="Ana")
    assert caught.value.fields == {"field": "email"}
    assert not auth.authenticate(
        session=session, email="ana@clinic.example", password="", now=NOW
    ).user


def test_setting_a_password_is_audited_without_the_password_or_its_hash(session: Session) -> None:
    user = accounts.create_user(session=session, email="bo@clinic.example", display_name="Bo")
    accounts.set_password(session=session, user=user, password=TEST_PASSWORD)
    assert verify_password(user.password_hash, TEST_PASSWORD)
    assert user.password_changed_at is not None
    (row,) = _audit(session, entity_type="user", action="update")
    assert (row.actor_user_id, row.entity_id, row.changed_fields) == (
        user.id,
        str(user.id),
        "password_hash",
    )
    assert TEST_PASSWORD not in (row.detail or "")
    assert user.password_hash not in (row.detail or "")


def test_a_membership_is_one_role_per_organization_and_every_change_is_audited(
    session: Session,
) -> None:
    organization = make_organization(session)
    admin = make_user(session, organization, "admin")
    user = accounts.create_user(session=session, email="cy@clinic.example", display_name="Cy")
    with pytest.raises(BadInput, match="Unknown role 'owner'; roles are: admin, attorney"):
        accounts.add_membership(session=session, organization=organization, user=user, role="owner")
    first = accounts.add_membership(
        session=session, organization=organization, user=user, role="viewer"
    )
    again = accounts.add_membership(
        session=session, organization=organization, user=user, role="attorney", granted_by=admin
    )
    assert again.id == first.id
    assert [
        (m.organization_id, m.role) for m in accounts.memberships_of(session=session, user=user)
    ] == [(organization.id, "attorney")]
    rows = _audit(session, entity_type="membership", entity_id=str(first.id))
    assert [(row.actor_label, row.detail) for row in rows] == [
        ("system", f"user {user.id} role viewer"),
        (admin.email, f"user {user.id} role attorney"),
    ]


def test_a_hash_made_with_weaker_parameters_is_replaced_at_sign_in(session: Session) -> None:
    user = accounts.create_user(session=session, email="di@clinic.example", display_name="Di")
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(TEST_PASSWORD)
    user.password_hash = weak
    assert needs_rehash(weak)
    signed_in = auth.authenticate(
        session=session, email=user.email, password=TEST_PASSWORD, now=NOW
    )
    assert signed_in.user is user
    assert user.password_hash != weak
    assert not needs_rehash(user.password_hash)
    assert verify_password(user.password_hash, TEST_PASSWORD)


def test_a_session_opens_nothing_once_its_user_is_disabled_or_for_a_cookie_never_issued(
    session: Session, world: World
) -> None:
    user = world.users[("a", "viewer")]
    raw, _row = auth.start_session(session=session, user=user, now=NOW)
    idle = timedelta(minutes=30)
    assert auth.resolve_session(session=session, raw=raw, now=NOW, idle=idle) is not None
    # Checked on every request: however the account was disabled, its sessions stop at once.
    user.is_active = False
    assert auth.resolve_session(session=session, raw=raw, now=NOW, idle=idle) is None
    user.is_active = True
    assert auth.resolve_session(session=session, raw=raw + "x", now=NOW, idle=idle) is None


def test_an_api_token_works_until_it_expires_is_revoked_or_its_user_is_disabled(
    session: Session, world: World
) -> None:
    user = world.users[("a", "attorney")]
    with pytest.raises(BadInput, match="Give the token a name"):
        auth.create_api_token(session=session, user=user, name="   ", now=NOW)
    raw, row = auth.create_api_token(session=session, user=user, name=" sync ", now=NOW, days=30)
    assert raw.startswith(auth.TOKEN_PREFIX)
    assert row.name == "sync"
    assert auth.resolve_api_token(session=session, raw=raw, now=NOW) is user
    assert auth.resolve_api_token(session=session, raw=raw, now=NOW + timedelta(days=30)) is None
    user.is_active = False
    assert auth.resolve_api_token(session=session, raw=raw, now=NOW) is None
    user.is_active = True
    # Only its owner revokes a token; to anyone else it does not exist.
    other = world.users[("a", "admin")]
    with pytest.raises(NotFound, match="No such token"):
        auth.revoke_api_token(session=session, user=other, token_id=row.id, now=NOW)
    with pytest.raises(NotFound, match="No such token"):
        auth.revoke_api_token(session=session, user=user, token_id=row.id + 1000, now=NOW)
    auth.revoke_api_token(session=session, user=user, token_id=row.id, now=NOW)
    assert auth.resolve_api_token(session=session, raw=raw, now=NOW) is None
    assert [token.id for token in auth.tokens_of(session=session, user=user)] == [row.id]
    assert [r.action for r in _audit(session, entity_type="api_token")] == ["create", "delete"]


def test_an_admin_changes_roles_and_access_of_others_but_never_their_own(
    session: Session, world: World
) -> None:
    organization = world.orgs["a"]
    admin = world.users[("a", "admin")]
    volunteer = world.users[("a", "volunteer")]

    def change(user_id: int, **what: object) -> str:
        return auth.change_member(
            session=session,
            admin=admin,
            organization_id=organization.id,
            user_id=user_id,
            now=NOW,
            **what,  # type: ignore[arg-type]
        )

    with pytest.raises(NotFound, match="not a member of this organization"):
        change(world.users[("b", "volunteer")].id, role="viewer")
    with pytest.raises(BadInput, match="Unknown role 'owner'"):
        change(volunteer.id, role="owner")
    with pytest.raises(BadInput, match="cannot change your own role"):
        change(admin.id, role="viewer")
    with pytest.raises(BadInput, match="cannot disable your own account"):
        change(admin.id, is_active=False)
    with pytest.raises(BadInput, match="cannot remove yourself"):
        auth.remove_member(
            session=session, admin=admin, organization_id=organization.id, user_id=admin.id
        )
    assert change(volunteer.id, role="volunteer", is_active=True) == "Saved."  # nothing to do
    assert _audit(session, entity_type="user", action="permission") == []

    _raw, web_session = auth.start_session(session=session, user=volunteer, now=NOW)
    assert change(volunteer.id, role="attorney", is_active=False) == "Saved."
    assert not volunteer.is_active
    # Disabling ends the person's sessions at once.
    ended = select(WebSession.ended_at).where(WebSession.id == web_session.id)
    assert session.scalar(ended) is not None
    (row,) = _audit(session, entity_type="user", action="permission")
    assert (row.entity_id, row.changed_fields) == (str(volunteer.id), "is_active,role")
    change(volunteer.id, is_active=True)
    assert volunteer.is_active


def test_an_admin_lifts_a_lockout_of_an_account_used_only_in_their_organization(
    session: Session, world: World
) -> None:
    organization = world.orgs["a"]
    admin = world.users[("a", "admin")]
    viewer = world.users[("a", "viewer")]
    viewer.locked_until = NOW + timedelta(minutes=10)
    viewer.failed_login_count = 3
    viewer.mfa_failed_count = 2
    auth.change_member(
        session=session,
        admin=admin,
        organization_id=organization.id,
        user_id=viewer.id,
        unlock=True,
        now=NOW,
    )
    assert (viewer.locked_until, viewer.failed_login_count, viewer.mfa_failed_count) == (None, 0, 0)
    (row,) = _audit(session, entity_type="user", action="permission")
    assert row.changed_fields == "locked_until"


def test_an_account_shared_with_another_organization_is_enabled_only_by_an_operator(
    session: Session, world: World
) -> None:
    organization = world.orgs["a"]
    admin = world.users[("a", "admin")]
    shared = world.users[("a", "attorney")]
    accounts.add_membership(
        session=session, organization=world.orgs["b"], user=shared, role="viewer"
    )
    shared.is_active = False
    with pytest.raises(PermissionDenied, match="only a system operator can enable it"):
        auth.change_member(
            session=session,
            admin=admin,
            organization_id=organization.id,
            user_id=shared.id,
            is_active=True,
            now=NOW,
        )
    assert not shared.is_active
    (row,) = _audit(session, entity_type="user", outcome="failure")
    assert row.detail == "enable refused: account shared with other organizations"
    with pytest.raises(NotFound, match=re.escape("No account with e-mail nobody@clinic.example")):
        auth.operator_unlock(session=session, email=" Nobody@Clinic.example", operator="cli:root")
    auth.operator_set_active(
        session=session, email=shared.email, active=True, operator="cli:root", now=NOW
    )
    assert shared.is_active


def test_changing_ones_password_needs_the_current_one_and_a_new_confirmed_different_one(
    session: Session, world: World
) -> None:
    user = world.users[("a", "volunteer")]
    accounts.set_password(session=session, user=user, password=TEST_PASSWORD)
    new = "a different long passphrase"

    def change(current: str, confirm: str = new, password: str = new) -> auth.PasswordChanged:
        return auth.change_password(
            session=session,
            user=user,
            current=current,
            new=password,
            confirm=confirm,
            keep_session_id=None,
            now=NOW,
        )

    with pytest.raises(BadInput, match="two new passwords differ"):
        change(TEST_PASSWORD, confirm=new + "!")
    with pytest.raises(BadInput, match="not been using"):
        change(TEST_PASSWORD, confirm=TEST_PASSWORD, password=TEST_PASSWORD)
    # A wrong current password counts towards the lockout, like a failed sign-in.
    for _attempt in range(auth.LOCKOUT_THRESHOLD):
        with pytest.raises(BadInput, match="current password is not right"):
            change("not the password")
    assert user.locked_until == NOW + auth.LOCKOUT_DURATION
    assert verify_password(user.password_hash, TEST_PASSWORD)
    details = [
        row.detail
        for row in _audit(session, entity_type="user", action="update", outcome="failure")
    ]
    assert details == [
        "confirmation differs",
        "unchanged",
        *["current password wrong"] * auth.LOCKOUT_THRESHOLD,
    ]
