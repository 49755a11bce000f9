"""Plain builders for tests and demos: organizations, users in roles, and cases.

They go through the real services (audit rows included) so tests exercise the real code
path. Every builder flushes and never commits; the caller owns the transaction.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from clemency.accounts import service as accounts
from clemency.accounts.models import ROLES, Organization, User
from clemency.cases import service as cases
from clemency.cases.models import Case

TEST_PASSWORD = "correct horse battery staple"  # noqa: S105 - a fixed test password
_serial = itertools.count(1)


def make_organization(session: Session, slug: str | None = None) -> Organization:
    slug = slug or f"org-{next(_serial)}"
    return accounts.create_organization(session=session, slug=slug, name=slug.title())


def make_user(
    session: Session,
    organization: Organization,
    role: str,
    email: str | None = None,
    password: str | None = None,
) -> User:
    """A user with ``role`` in ``organization`` (no password unless given: hashing is slow)."""
    email = email or f"{role}-{next(_serial)}@{organization.slug}.test"
    user = accounts.create_user(
        session=session, email=email, display_name=email.split("@")[0], password=password
    )
    accounts.add_membership(session=session, organization=organization, user=user, role=role)
    return user


def make_case(
    session: Session, actor: cases.Actor, organization: Organization, **overrides: Any
) -> Case:
    """A minimal case (person with a name) opened by ``actor``; override any create_case arg."""
    serial = next(_serial)
    arguments: dict[str, Any] = {
        "reference": f"T-{serial:05d}",
        "person": {"given_name": "Test", "family_name": f"Person{serial}"},
        "jurisdiction": "us-federal",
        "stage": "intake",
        "is_synthetic": True,
    }
    arguments.update(overrides)
    return cases.create_case(
        session=session, user=actor, organization_id=organization.id, **arguments
    )


@dataclass
class World:
    """Two organizations, one user per role in each, and cases to test access with."""

    orgs: dict[str, Organization] = field(default_factory=dict)
    users: dict[tuple[str, str], User] = field(default_factory=dict)  # (org slug, role)
    cases: dict[str, Case] = field(default_factory=dict)


def make_world(session: Session) -> World:
    """Orgs ``a`` and ``b``; in each a user per role; cases ``a_assigned`` (the volunteer of
    ``a`` is on it), ``a_other`` (nobody assigned) and ``b_case``."""
    world = World()
    for slug in ("a", "b"):
        organization = make_organization(session, f"{slug}-{next(_serial)}")
        world.orgs[slug] = organization
        for role in ROLES:
            world.users[(slug, role)] = make_user(session, organization, role)
    admin_a = world.users[("a", "admin")]
    world.cases["a_assigned"] = make_case(session, admin_a, world.orgs["a"])
    world.cases["a_other"] = make_case(session, admin_a, world.orgs["a"])
    world.cases["b_case"] = make_case(session, world.users[("b", "admin")], world.orgs["b"])
    cases.assign(
        session=session,
        user=admin_a,
        case_id=world.cases["a_assigned"].id,
        assignee_id=world.users[("a", "volunteer")].id,
    )
    return world
