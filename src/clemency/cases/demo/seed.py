"""Seeding the demo database: two organizations, a user per role in each, Alice Marie
Johnson's case and a few hundred synthetic cases, all through the import service (so the demo
also exercises the import path and writes its audit rows)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from clemency.accounts import mfa
from clemency.accounts import service as accounts
from clemency.accounts.models import ROLES, Organization
from clemency.accounts.passwords import hash_password
from clemency.audit import service as audit
from clemency.cases import transfer
from clemency.cases.access import Operator
from clemency.cases.demo.alice import alice_document
from clemency.cases.demo.states import state_demo_documents
from clemency.cases.demo.synthetic import synthetic_documents
from clemency.config import get_settings

DEMO_PASSWORD = "clemency-demo"  # noqa: S105 - documented in docs/demo.md, demo database only
# One extra demo login with two-factor sign-in enrolled; its TOTP secret is published in
# docs/demo.md (demo database only: anyone can compute its codes).
DEMO_MFA_EMAIL = "mfa-attorney@justice-clinic.example"
DEMO_MFA_ORGANIZATION = "justice-clinic"
DEMO_MFA_ROLE = "attorney"
DEMO_TOTP_SECRET = "DEMOCLEMENCYMFADEMOCLEMENCYMFA23"  # noqa: S105 - published, demo only
DEMO_ORGANIZATIONS = (
    ("justice-clinic", "Memphis Justice Clinic (demo)"),
    ("pardon-project", "Second Chance Pardon Project (demo)"),
)
DEFAULT_SEED = 2018
DEFAULT_COUNT = 300


def demo_email(organization_slug: str, role: str) -> str:
    return f"{role}@{organization_slug}.example"


@dataclass(frozen=True)
class DemoSummary:
    organizations: list[str]
    logins: list[tuple[str, str, str]]  # (email, role, organization slug)
    cases: int


def is_seeded(*, session: Session) -> bool:
    slug = DEMO_ORGANIZATIONS[0][0]
    return session.scalar(select(Organization.id).where(Organization.slug == slug)) is not None


def seed_accounts(
    *, session: Session, password: str | None = DEMO_PASSWORD, secret_key: str | None = None
) -> list[tuple[str, str, str]]:
    """The two demo organizations with one user per role in each (``password=None``: users
    without a password, which cannot log in; tests use it to skip the slow hashing), and, with
    a password, one more attorney of the clinic with two-factor sign-in enrolled
    (:data:`DEMO_MFA_EMAIL`; its secret is sealed with ``secret_key``, by default the
    process's ``CLEMENCY_SECRET_KEY``, which the demo server must share)."""
    logins = []
    # Every demo user has the same published password, so one hash serves them all
    # (argon2id is deliberately slow; eight hashes would slow every demo start).
    shared_hash = hash_password(password) if password else None
    for slug, name in DEMO_ORGANIZATIONS:
        organization = accounts.create_organization(session=session, slug=slug, name=name)
        for role in ROLES:
            email = demo_email(slug, role)
            user = accounts.create_user(
                session=session,
                email=email,
                display_name=f"Demo {role} ({name})",
            )
            user.password_hash = shared_hash
            accounts.add_membership(
                session=session, organization=organization, user=user, role=role
            )
            logins.append((email, role, slug))
    if shared_hash is not None:
        logins.append(_seed_mfa_user(session, shared_hash, secret_key))
    return logins


def _seed_mfa_user(
    session: Session, password_hash: str, secret_key: str | None
) -> tuple[str, str, str]:
    from datetime import UTC, datetime

    key = secret_key if secret_key is not None else get_settings().secret_key.get_secret_value()
    name = dict(DEMO_ORGANIZATIONS)[DEMO_MFA_ORGANIZATION]
    organization = accounts.get_organization_by_slug(session=session, slug=DEMO_MFA_ORGANIZATION)
    user = accounts.create_user(
        session=session,
        email=DEMO_MFA_EMAIL,
        display_name=f"Demo MFA attorney ({name})",
    )
    user.password_hash = password_hash
    user.totp_secret = mfa.seal(key, user.id, DEMO_TOTP_SECRET)
    user.mfa_enrolled_at = datetime.now(UTC)
    accounts.add_membership(
        session=session, organization=organization, user=user, role=DEMO_MFA_ROLE
    )
    return (DEMO_MFA_EMAIL, DEMO_MFA_ROLE, DEMO_MFA_ORGANIZATION)


def seed_demo(
    *,
    session: Session,
    seed: int = DEFAULT_SEED,
    count: int = DEFAULT_COUNT,
    password: str | None = DEMO_PASSWORD,
    secret_key: str | None = None,
) -> DemoSummary:
    """Fill an empty database with the demo (flushes; the caller commits)."""
    audit.set_origin(session=session, source="cli")
    logins = seed_accounts(session=session, password=password, secret_key=secret_key)
    slugs = [slug for slug, _ in DEMO_ORGANIZATIONS]
    documents = [alice_document(slugs[0])]
    documents += synthetic_documents(
        seed=seed,
        count=count,
        organizations=slugs,
        volunteers={slug: demo_email(slug, "volunteer") for slug in slugs},
    )
    documents += state_demo_documents(slugs[1])  # one synthetic case per state (issue #16)
    report = transfer.import_cases(
        session=session,
        user=Operator("cli:demo-seed"),
        rows=list(enumerate(documents, start=1)),
        mode="all_or_nothing",
        source_name="demo seed",
    )
    return DemoSummary(organizations=slugs, logins=logins, cases=len(report.imported))
