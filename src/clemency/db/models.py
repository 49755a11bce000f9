"""Imports every model module so that ``Base.metadata`` is complete (migrations, create_all)."""

from __future__ import annotations

from clemency.accounts import auth_models as auth_models
from clemency.accounts import models as accounts_models
from clemency.audit import models as audit_models
from clemency.cases import models as cases_models
from clemency.db.base import Base
from clemency.documents import models as documents_models
from clemency.files import models as files_models
from clemency.grants import models as grants_models
from clemency.jobs import models as jobs_models
from clemency.ops import models as ops_models
from clemency.petitions import models as petitions_models
from clemency.queues import models as queues_models
from clemency.reviews import models as reviews_models
from clemency.screening import models as screening_models
from clemency.search import models as search_models

# Not models: the flush listener that keeps the search words and the name sort key of each
# case in step with its record. Registered here, with the models every session loads, so that
# it runs wherever cases are written (an import or demo seeding from the command line too),
# not only in processes that happen to import the search.
from clemency.search import service as search_service
from clemency.tasks import models as tasks_models

__all__ = [
    "Base",
    "accounts_models",
    "audit_models",
    "auth_models",
    "cases_models",
    "documents_models",
    "files_models",
    "grants_models",
    "jobs_models",
    "ops_models",
    "petitions_models",
    "queues_models",
    "reviews_models",
    "screening_models",
    "search_models",
    "search_service",
    "tasks_models",
]
