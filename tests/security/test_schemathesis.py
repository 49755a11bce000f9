"""Schemathesis against the OpenAPI document (security.md test 24; issue #12 "Also"): every
operation with generated inputs, once as a signed-in program (bearer token of an organization
admin) and once anonymously. No answer may be a 5xx; the anonymous caller never gets data.

Bounded (``MAX_EXAMPLES`` per operation) so both runs take a minute or two; SQLite only (the
PostgreSQL store is exercised by the rest of the suite; raise it here for a deeper run).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clemency.accounts import auth
from clemency.accounts.models import User
from clemency.config import Settings
from clemency.db.session import unit_of_work
from clemency.testing import factories
from clemency.web.app import create_app
from tests.integration.web.conftest import create_schema

MAX_EXAMPLES = 12


@dataclass
class Api:
    schema: Any
    token: str
    case_ids: list[int]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder: Path = tmp_path_factory.mktemp("schemathesis")
    url = f"sqlite:///{folder / 'api.db'}"
    engine = create_schema(url)
    with unit_of_work(engine) as session:
        world = factories.make_world(session)
        admin = session.get(User, world.users[("a", "admin")].id)
        assert admin is not None
        token, _row = auth.create_api_token(
            session=session, user=admin, name="schemathesis", now=datetime.now(UTC)
        )
        case_ids = [case.id for case in world.cases.values()]
    app = create_app(Settings(environment="test", database_url=url, data_dir=folder / "data"))
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    yield Api(schema, token, case_ids)
    app.state.engine.dispose()
    engine.dispose()


def _operations(api: Api) -> list[Any]:
    operations = [result.ok() for result in api.schema.get_all_operations()]
    assert len(operations) >= 20
    return operations


def _exercise(api: Api, headers: dict[str, str], judge: Any) -> tuple[list[str], Counter[int]]:
    """Call every operation with generated inputs; the problems ``judge`` finds, and how many
    answers of each status there were."""
    problems: list[str] = []
    statuses: Counter[int] = Counter()
    for operation in _operations(api):
        strategy = operation.as_strategy()

        @given(case=strategy, case_id=st.sampled_from(api.case_ids))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any, case_id: int) -> None:
            if case.path_parameters and "case_id" in case.path_parameters:
                case.path_parameters["case_id"] = case_id  # real cases too, not only misses
            response = case.call(headers=headers)
            statuses[response.status_code] += 1
            problem = judge(case.operation, response)
            if problem:
                where = f"{case.method.upper()} {case.formatted_path}"
                problems.append(f"{where}: {problem}")

        run()
    return problems, statuses


# about 8 s of fuzzing: `make test` and CI; the loop fuzzes the anonymous caller below
@pytest.mark.slow
def test_a_signed_in_program_never_gets_a_server_error(api: Api) -> None:
    def judge(_operation: Any, response: Any) -> str | None:
        if response.status_code >= 500:
            return f"{response.status_code} {response.text[:200]}"
        return None

    problems, statuses = _exercise(api, {"authorization": f"Bearer {api.token}"}, judge)
    assert problems == [], "\n".join(sorted(set(problems))[:40])
    successes = sum(n for status, n in statuses.items() if status < 300)
    assert successes >= 50, statuses  # the token works: much of it got past the checks
    print(dict(sorted(statuses.items())))


def test_an_anonymous_caller_gets_no_data_and_no_server_error(api: Api) -> None:
    def judge(operation: Any, response: Any) -> str | None:
        status = response.status_code
        if status >= 500 or status < 400:
            return f"{status} {response.text[:200]}"
        if operation.method.upper() == "GET" and status != 401:
            return f"{status} (a read without credentials must be 401)"
        return None

    problems, statuses = _exercise(api, {}, judge)
    assert problems == [], "\n".join(sorted(set(problems))[:40])
    assert statuses[401] >= 100, statuses
    print(dict(sorted(statuses.items())))
