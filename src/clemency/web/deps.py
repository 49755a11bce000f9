"""Typed dependencies every router shares: the database session, who is asking, the case.

- :data:`SessionDep` is one unit of work per request: committed when the route returns,
  rolled back when it raises (before the response is sent, so a redirect never races a commit).
- :data:`CurrentUser` is the signed-in person (session cookie) or program (bearer token);
  :data:`MaybeUser` allows anonymous requests.
- :data:`CurrentCase` is **the** authorization check of every case route: it calls
  ``cases.service.get_for_user``, which answers "not found" both for a missing case and for a
  case the user may not see, and it audits the read. :data:`WritableCase` adds the write
  permission. A route under ``/cases/{case_id}`` that does not depend on one of these fails
  the route-table test.
- :func:`csrf_protect` runs on every request of the application (see :func:`create_app`).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from clemency.accounts import auth
from clemency.accounts.auth_models import WebSession
from clemency.accounts.models import User
from clemency.audit import service as audit
from clemency.audit.models import AuditEvent
from clemency.cases import access
from clemency.cases import service as case_service
from clemency.cases.access import Permission
from clemency.cases.models import Case
from clemency.config import Settings
from clemency.db.session import unit_of_work
from clemency.digits import whole_number
from clemency.errors import NotAuthenticated, PermissionDenied
from clemency.files import service as files

SESSION_COOKIE = "clemency_session"
SECURE_SESSION_COOKIE = "__Host-clemency_session"
PRELOGIN_COOKIE = "clemency_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_settings(request: Request) -> Settings:
    """Dependencies that do no I/O are ``async``: no thread-pool hop per request."""
    return settings_of(request)


def now(request: Request) -> datetime:
    """The application clock (tests replace ``app.state.clock`` to simulate idle time)."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def get_db(request: Request) -> Iterator[Session]:
    """The request's one unit of work: committed when the route returns, rolled back if it
    raises (the same :func:`~clemency.db.session.unit_of_work` the CLI uses).

    A page view (GET or HEAD) then records what it read with the reads of the page views
    answering at the same time (``audit.record_reads``, a group commit) before it answers;
    other requests chain their reads in their own commit, with the changes they made.
    """
    engine: Engine = request.app.state.engine
    request_id = getattr(request.state, "request_id", None) or secrets.token_hex(8)
    request.state.request_id = request_id
    reads: list[AuditEvent] = []
    with unit_of_work(engine) as session:
        audit.set_origin(session=session, source=client_address(request), request_id=request_id)
        files.bind_store(session=session, data_dir=request.app.state.settings.data_dir)
        yield session
        if request.method in ("GET", "HEAD"):
            reads = audit.take_pending_reads(session=session)
    audit.record_reads(engine=engine, reads=reads)


SessionDep = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def cookie_is_secure(request: Request) -> bool:
    """Secure cookies in production and on HTTPS; plain-HTTP development on loopback works."""
    settings = settings_of(request)
    return settings.environment == "production" or request.url.scheme == "https"


def session_cookie_name(request: Request) -> str:
    return SECURE_SESSION_COOKIE if cookie_is_secure(request) else SESSION_COOKIE


@dataclass
class Identity:
    """Who is asking, and how: a browser session (``web_session``) or an API token."""

    user: User
    web_session: WebSession | None = None
    organizations: list[tuple[int, str, str]] = field(default_factory=list)  # id, name, role
    display_name: str = ""  # plain copies: error pages render after the session is closed
    csrf_token: str = ""
    # an organization's policy asks for two-factor sign-in and the user has not set it up: only
    # the set-up pages (MFA_SETUP_PATHS) open until they do
    mfa_setup_required: bool = False

    @property
    def via_token(self) -> bool:
        return self.web_session is None

    def role_in(self, organization_id: int) -> str | None:
        for org_id, _name, role in self.organizations:
            if org_id == organization_id:
                return role
        return None

    @property
    def admin_organizations(self) -> list[tuple[int, str]]:
        return [(org_id, name) for org_id, name, role in self.organizations if role == "admin"]


def get_identity(request: Request, db: SessionDep) -> Identity | None:
    """Resolve the bearer token or the session cookie; remember the result on the request."""
    if hasattr(request.state, "identity"):
        cached: Identity | None = request.state.identity
        return cached
    identity: Identity | None = None
    moment = now(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = auth.resolve_api_token(session=db, raw=header[7:].strip(), now=moment)
        if user is not None:
            identity = Identity(user=user)
    else:
        raw = request.cookies.get(session_cookie_name(request))
        if raw:
            idle = timedelta(minutes=settings_of(request).session_idle_minutes)
            found = auth.resolve_session(session=db, raw=raw, now=moment, idle=idle)
            if found is not None:
                identity = Identity(user=found[1], web_session=found[0])
    if identity is not None:
        from clemency.accounts import mfa

        memberships = auth.memberships_of(session=db, user=identity.user)
        identity.organizations = [(org.id, org.name, role) for org, role in memberships]
        access.remember_roles(
            session=db, user=identity.user, roles={org.id: role for org, role in memberships}
        )
        identity.mfa_setup_required = identity.user.mfa_enrolled_at is None and mfa.is_required(
            memberships, environment=settings_of(request).environment
        )
        identity.display_name = identity.user.display_name
        if identity.web_session is not None:
            identity.csrf_token = identity.web_session.csrf_token
        request.state.user = identity.user
    request.state.identity = identity
    return identity


MaybeIdentity = Annotated[Identity | None, Depends(get_identity)]


# What a user whose organization requires two-factor sign-in may open before setting it up.
MFA_SETUP_PATHS = ("/account/mfa", "/logout", "/account/password", "/invitations/")


async def require_identity(request: Request, identity: MaybeIdentity) -> Identity:
    if identity is None:
        raise NotAuthenticated("Sign in to continue (or send a valid API token).")
    if identity.mfa_setup_required and not request.url.path.startswith(MFA_SETUP_PATHS):
        raise PermissionDenied(
            "Your organization requires two-factor sign-in: set it up at /account/mfa first.",
            setup="/account/mfa",
        )
    return identity


CurrentIdentity = Annotated[Identity, Depends(require_identity)]


async def require_user(identity: CurrentIdentity) -> User:
    return identity.user


CurrentUser = Annotated[User, Depends(require_user)]


def csrf_token_for(request: Request) -> str:
    """The token forms of this page must carry: the session's, or before sign-in the value of
    the pre-sign-in cookie (set by the sign-in page)."""
    identity: Identity | None = getattr(request.state, "identity", None)
    if identity is not None and identity.web_session is not None:
        return identity.csrf_token
    token: str = getattr(request.state, "prelogin_csrf", None) or request.cookies.get(
        PRELOGIN_COOKIE, ""
    )
    return token


def _origin_matches(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


async def close_form(request: Request) -> AsyncIterator[None]:
    """Close the files of a form that a page read with ``request.form()`` once it has answered.
    FastAPI closes only the forms it parses for ``Form``/``File`` parameters; an upload's
    temporary file would otherwise be left to the garbage collector (a ResourceWarning). Also
    when the request is refused (a dependency or the route raised) after the form was read."""
    try:
        yield
    finally:
        await request.close()


async def csrf_protect(request: Request, identity: MaybeIdentity) -> None:
    """Unsafe requests from a browser must carry the session's CSRF token (form field or
    ``X-CSRF-Token`` header) and, if the browser sends an Origin, come from this site.
    Programs using a bearer token are not browsers and are exempt."""
    if request.method not in UNSAFE_METHODS:
        return
    if identity is not None and identity.via_token:
        return
    if not _origin_matches(request):
        raise PermissionDenied("This form was sent from another site and was refused.")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    expected = csrf_token_for(request)
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise PermissionDenied(
            "The form's security token is missing or out of date; reload the page and try again.",
            field=CSRF_FIELD,
        )


@dataclass(frozen=True)
class CaseAccess:
    """A case the user may see, and what else they may do with it."""

    case: Case
    permissions: frozenset[Permission]
    role: str | None

    @property
    def id(self) -> int:
        return self.case.id

    @property
    def may_write(self) -> bool:
        return Permission.WRITE in self.permissions

    @property
    def may_see_sensitive(self) -> bool:
        return Permission.SENSITIVE in self.permissions


#: The largest row id the databases store (PostgreSQL INTEGER). A larger id names no row; it
#: is refused as invalid input (422) instead of overflowing in the database driver (a 500).
MAX_ROW_ID = 2**31 - 1
#: A row id in a URL path: every route's ``…_id`` path parameter uses it.
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


def get_current_case(
    case_id: RowId, request: Request, db: SessionDep, identity: CurrentIdentity
) -> CaseAccess:
    """The one authorization check of every case route (404 when not visible)."""
    case, allowed = case_service.open_for_user(session=db, user=identity.user, case_id=case_id)
    result = CaseAccess(case=case, permissions=allowed, role=identity.role_in(case.organization_id))
    request.state.case_access = result
    return result


CurrentCase = Annotated[CaseAccess, Depends(get_current_case)]


async def get_writable_case(case: CurrentCase) -> CaseAccess:
    if not case.may_write:
        raise PermissionDenied("Your role may read this case but not change it.")
    return case


WritableCase = Annotated[CaseAccess, Depends(get_writable_case)]


async def get_admin_organization(request: Request, identity: CurrentIdentity) -> int:
    """The organization an admin page is about: ``?org=`` or the admin's first one."""
    administered = [org_id for org_id, _name in identity.admin_organizations]
    if not administered:
        raise PermissionDenied("Only an organization's administrators may open this page.")
    wanted = request.query_params.get("org")
    wanted_id = whole_number(wanted)
    if wanted_id is not None and wanted_id in administered:
        return wanted_id
    return administered[0]


AdminOrganization = Annotated[int, Depends(get_admin_organization)]
