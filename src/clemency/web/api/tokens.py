"""REST: who am I (handy to check a token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from clemency.web.api.cases import ERRORS
from clemency.web.deps import CurrentIdentity

router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=ERRORS)


@router.get("/me")
def me(identity: CurrentIdentity) -> dict[str, Any]:
    """The signed-in user (or the token's user) and their roles."""
    return {
        "id": identity.user.id,
        "email": identity.user.email,
        "display_name": identity.user.display_name,
        "organizations": [{"id": o, "name": n, "role": r} for o, n, r in identity.organizations],
        "via": "token" if identity.via_token else "session",
    }
