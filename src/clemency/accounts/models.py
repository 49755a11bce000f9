"""Organizations, users and their memberships (one role per user per organization).

Authorization attributes (``organization_id``, ``role``) live here and are only ever changed by
``accounts.service``; request bodies never carry them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clemency.db.base import Base, TimestampMixin, VersionedMixin, enum_type

ROLES: tuple[str, ...] = ("admin", "attorney", "volunteer", "viewer")
# Who must use two-factor sign-in in an organization (docs/store.md "Accounts"):
# ``default``: admins and attorneys when the environment is production, nobody otherwise;
# ``privileged``: admins and attorneys in every environment; ``everyone``: every member.
MFA_POLICIES: tuple[str, ...] = ("default", "privileged", "everyone")
PRIVILEGED_ROLES: frozenset[str] = frozenset({"admin", "attorney"})


class Organization(TimestampMixin, VersionedMixin, Base):
    """A clinic, advocacy group or pardon office: the tenant every case belongs to."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    mfa_policy: Mapped[str] = mapped_column(
        enum_type("mfa_policy", MFA_POLICIES, 16), default="default", server_default="default"
    )

    memberships: Mapped[list[Membership]] = relationship(back_populates="organization")


class User(TimestampMixin, VersionedMixin, Base):
    """One person with one login; shared or generic accounts are not allowed (CJ-1)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Two-factor sign-in (TOTP, RFC 6238). The secrets are sealed with a key derived from
    # CLEMENCY_SECRET_KEY (accounts.mfa), never stored in the clear.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_pending_secret: Mapped[str | None] = mapped_column(String(255))  # during enrolment
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # a code is accepted once
    mfa_enrolled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    mfa_failed_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")


class Membership(TimestampMixin, VersionedMixin, Base):
    """A user's role in one organization; the role decides what the user may do there."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organization_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(enum_type("role", ROLES, 16))

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships")


class Invitation(Base):
    """An organization's offer of a role to the holder of an e-mail address. Nobody is added
    to an organization without accepting (signed in as that address, or by creating the
    account); only the SHA-256 of the link's token is stored."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(enum_type("role", ROLES, 16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
