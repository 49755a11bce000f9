"""Reading the audit trail of one organization, newest first, for its administrators.

Looking at the trail is itself audited (security.md CJ-9: access to the audit log).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.accounts.models import Membership, User
from clemency.audit import service as audit
from clemency.audit.models import AuditEvent

PAGE_SIZE = 100


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    before: int | None  # id to continue from (keyset: stable while new rows arrive)


def events(
    *,
    session: Session,
    admin: User,
    organization_id: int,
    before_id: int | None = None,
    case_id: int | None = None,
    action: str = "",
) -> AuditPage:
    """Rows about this organization (its cases and its members' sign-ins)."""
    member_ids = select(Membership.user_id).where(Membership.organization_id == organization_id)
    query = select(AuditEvent).where(
        (AuditEvent.organization_id == organization_id)
        | ((AuditEvent.organization_id.is_(None)) & AuditEvent.actor_user_id.in_(member_ids))
    )
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    if case_id is not None:
        query = query.where(AuditEvent.case_id == case_id)
    if action:
        query = query.where(AuditEvent.action == action)
    rows = list(session.scalars(query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1)))
    audit.record(
        session=session,
        actor_user_id=admin.id,
        actor_label=admin.email,
        action="read",
        entity_type="audit_log",
        organization_id=organization_id,
        detail=f"{min(len(rows), PAGE_SIZE)} rows",
    )
    page = rows[:PAGE_SIZE]
    return AuditPage(page, page[-1].id if len(rows) > PAGE_SIZE else None)
