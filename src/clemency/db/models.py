"""Imports every model module so that ``Base.metadata`` is complete (migrations, create_all)."""

from __future__ import annotations

from clemency.accounts import models as accounts_models
from clemency.audit import models as audit_models
from clemency.cases import models as cases_models
from clemency.db.base import Base
from clemency.screening import models as screening_models

__all__ = ["Base", "accounts_models", "audit_models", "cases_models", "screening_models"]
