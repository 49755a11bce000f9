"""Administrators' pages: the audit log, users and roles; and everyone's API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from clemency.accounts import auth, invitations, mfa
from clemency.accounts.models import ROLES
from clemency.audit.models import AUDIT_ACTIONS
from clemency.config import Settings
from clemency.digits import whole_number
from clemency.errors import BadInput, PermissionDenied
from clemency.search import audit_log
from clemency.web.deps import (
    AdminOrganization,
    CurrentIdentity,
    RowId,
    SessionDep,
    now,
    settings_of,
)
from clemency.web.templating import render

router = APIRouter(tags=["pages: administration"], include_in_schema=False)


@router.get("/admin/audit")
def audit_page(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    org: AdminOrganization,
    before: int | None = None,
    case: Annotated[str, Query(max_length=12)] = "",
    action: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    page = audit_log.events(
        session=db,
        admin=identity.user,
        organization_id=org,
        before_id=before,
        case_id=whole_number(case),
        action=action if action in AUDIT_ACTIONS else "",
    )
    return render(
        request,
        "admin/audit.html",
        {
            "nav": "audit",
            "page": page,
            "org": org,
            "case": case,
            "action": action,
            "actions": AUDIT_ACTIONS,
        },
    )


def _users_page(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    org: int,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
    notice: str | None = None,
    invitation_link: str | None = None,
) -> Response:
    from clemency.accounts.models import MFA_POLICIES, Organization

    organization = db.get(Organization, org)
    return render(
        request,
        "admin/users.html",
        {
            "nav": "users",
            "org": org,
            "org_name": dict(identity.admin_organizations).get(org, ""),
            "members": auth.members(session=db, organization_id=org, now=now(request)),
            "invitations": invitations.pending(session=db, organization_id=org, now=now(request)),
            "roles": ROLES,
            "mfa_policy": organization.mfa_policy if organization else "default",
            "mfa_policies": MFA_POLICIES,
            "environment": settings_of(request).environment,
            "errors": errors or {},
            "values": values or {},
            "notice": notice,
            "invitation_link": invitation_link,
        },
        status_code=status_code,
    )


@router.get("/admin/jobs")
def jobs_page(request: Request, db: SessionDep, org: AdminOrganization) -> Response:
    """Background jobs (state, attempts, progress, the reason of a failure) and e-mail sent."""
    from sqlalchemy import select

    from clemency.jobs import service as jobs
    from clemency.ops.models import SentEmail

    return render(
        request,
        "admin/jobs.html",
        {
            "nav": "jobs",
            "org": org,
            "jobs": jobs.recent(session=db, organization_id=org),
            "backend": jobs.backend_of(settings_of(request)),
            "mails": list(db.scalars(select(SentEmail).order_by(SentEmail.id.desc()).limit(100))),
        },
    )


@router.get("/admin/users")
def users_page(
    request: Request, db: SessionDep, identity: CurrentIdentity, org: AdminOrganization
) -> Response:
    return _users_page(request, db, identity, org)


@router.post("/admin/users/{user_id}")
def change_user(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    org: AdminOrganization,
    user_id: RowId,
    role: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
    unlock: Annotated[str, Form()] = "",
) -> Response:
    try:
        done = auth.change_member(
            session=db,
            admin=identity.user,
            organization_id=org,
            user_id=user_id,
            role=role or None,
            is_active=None if active == "" else active == "true",
            unlock=unlock == "1",
            now=now(request),
        )
    except BadInput as error:
        db.rollback()
        return _users_page(
            request, db, identity, org, errors={f"user-{user_id}": error.message}, status_code=422
        )
    except PermissionDenied as error:  # nothing was changed; the refusal's audit row stays
        return _users_page(
            request, db, identity, org, errors={f"user-{user_id}": error.message}, status_code=403
        )
    if done != "Saved.":
        return _users_page(request, db, identity, org, notice=done)
    return RedirectResponse(f"/admin/users?org={org}&saved=1", status_code=303)


@router.post("/admin/users/{user_id}/remove")
def remove_user(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    org: AdminOrganization,
    user_id: RowId,
) -> Response:
    try:
        auth.remove_member(session=db, admin=identity.user, organization_id=org, user_id=user_id)
    except BadInput as error:
        db.rollback()
        return _users_page(
            request, db, identity, org, errors={f"user-{user_id}": error.message}, status_code=422
        )
    return RedirectResponse(f"/admin/users?org={org}&saved=1", status_code=303)


@router.post("/admin/users/{user_id}/mfa-reset")
def reset_user_mfa(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    org: AdminOrganization,
    user_id: RowId,
) -> Response:
    try:
        mfa.reset_by_admin(
            session=db, admin=identity.user, organization_id=org, user_id=user_id, now=now(request)
        )
    except PermissionDenied as error:
        return _users_page(
            request, db, identity, org, errors={f"user-{user_id}": error.message}, status_code=403
        )
    return _users_page(
        request,
        db,
        identity,
        org,
        notice="Two-factor sign-in was reset; the person sets it up again at their next sign-in.",
    )


@router.post("/admin/mfa-policy")
def set_mfa_policy(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    org: AdminOrganization,
    mfa_policy: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    try:
        mfa.set_policy(session=db, admin=identity.user, organization_id=org, policy=mfa_policy)
    except BadInput as error:
        db.rollback()
        return _users_page(
            request, db, identity, org, errors={"mfa_policy": error.message}, status_code=422
        )
    return RedirectResponse(f"/admin/users?org={org}&saved=1", status_code=303)


@router.post("/admin/users")
def invite_user(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    org: AdminOrganization,
    email: Annotated[str, Form(max_length=254)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form()] = "viewer",
) -> Response:
    """Invite a person (whether or not the e-mail has an account: the answer is the same)."""
    try:
        raw = invitations.invite(
            session=db,
            admin=identity.user,
            organization_id=org,
            email=email,
            display_name=display_name,
            role=role,
            now=now(request),
            days=settings_of(request).invitation_days,
        )
    except BadInput as error:
        db.rollback()
        return _users_page(
            request,
            db,
            identity,
            org,
            errors={str(error.fields.get("field", "email")): error.message},
            values={"email": email, "display_name": display_name, "role": role},
            status_code=422,
        )
    settings = settings_of(request)
    link = (settings.public_url or str(request.base_url)).rstrip("/") + f"/invitations/{raw}"
    mailed = _mail_invitation(db, settings, org, email, link, now(request))
    return _users_page(
        request,
        db,
        identity,
        org,
        notice=INVITED + (f" It was e-mailed to {mailed}." if mailed else ""),
        invitation_link=link,
    )


def _mail_invitation(
    db: Session, settings: Settings, org: int, email: str, link: str, at: datetime
) -> str | None:
    """E-mail the invitation link (the organization's name only); the address it went to,
    or None when mail is off or failed (the link is on the page either way)."""
    from datetime import timedelta

    from clemency.accounts.models import Organization
    from clemency.ops import mail

    organization = db.get(Organization, org)
    if settings.mail_backend == "none" or organization is None:
        return None
    sent = mail.send(
        session=db,
        settings=settings,
        outgoing=mail.invitation(
            to=email,
            link=link,
            organization=organization.name,
            expires_at=at + timedelta(days=settings.invitation_days),
        ),
    )
    return sent.recipient if sent.status in ("sent", "written") else None


INVITED = (
    "Invitation made. Send this link to the person (it is shown only this once); they join "
    "when they open it and accept, with their existing account or a new one."
)


@router.post("/admin/invitations/{invitation_id}/revoke")
def revoke_invitation(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    org: AdminOrganization,
    invitation_id: RowId,
) -> Response:
    invitations.revoke(
        session=db,
        admin=identity.user,
        organization_id=org,
        invitation_id=invitation_id,
        now=now(request),
    )
    return RedirectResponse(f"/admin/users?org={org}&saved=1", status_code=303)


_DEADLINE_CHOICES = {
    "digest": "One message a day listing how many tasks are due and when",
    "each": "One message for each task due soon",
    "off": "No e-mail (the Deadlines page and calendar link still show them)",
}


@router.get("/account/mail")
def mail_preference_page(request: Request, db: SessionDep, identity: CurrentIdentity) -> Response:
    from clemency.ops import reminders

    return render(
        request,
        "admin/mail_preference.html",
        {
            "nav": "",
            "choice": reminders.preference(session=db, user_id=identity.user.id),
            "choices": _DEADLINE_CHOICES,
            "saved": request.query_params.get("saved") == "1",
            "days": reminders.DEADLINE_DAYS,
        },
    )


@router.post("/account/mail")
def set_mail_preference(
    db: SessionDep, identity: CurrentIdentity, deadlines: Annotated[str, Form(max_length=8)] = ""
) -> Response:
    from clemency.ops import reminders

    reminders.set_preference(session=db, user_id=identity.user.id, deadlines=deadlines)
    return RedirectResponse("/account/mail?saved=1", status_code=303)


@router.get("/account/tokens")
def tokens_page(request: Request, db: SessionDep, identity: CurrentIdentity) -> Response:
    return render(
        request,
        "admin/tokens.html",
        {
            "nav": "",
            "tokens": auth.tokens_of(session=db, user=identity.user),
            "new_token": None,
            "errors": {},
        },
    )


@router.post("/account/tokens")
def create_token(
    request: Request,
    db: SessionDep,
    identity: CurrentIdentity,
    name: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        raw, _row = auth.create_api_token(
            session=db, user=identity.user, name=name, now=now(request)
        )
    except BadInput as error:
        return render(
            request,
            "admin/tokens.html",
            {
                "tokens": auth.tokens_of(session=db, user=identity.user),
                "new_token": None,
                "errors": {"name": error.message},
            },
            status_code=422,
        )
    return render(
        request,
        "admin/tokens.html",
        {"tokens": auth.tokens_of(session=db, user=identity.user), "new_token": raw, "errors": {}},
    )


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, db: SessionDep, identity: CurrentIdentity, token_id: RowId
) -> Response:
    auth.revoke_api_token(session=db, user=identity.user, token_id=token_id, now=now(request))
    return RedirectResponse("/account/tokens?saved=1", status_code=303)
