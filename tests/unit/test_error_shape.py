"""Every ClemencyError has one pinned JSON shape: ok, code, message, details.

The expected code and HTTP status of each error kind are written out below by hand, from the
contract (docs/web.md: "Every error, on every route, has one shape …", the statuses it and
docs/security.md name) and otherwise from what the HTTP status means (RFC 9110), never read
from the classes: a changed code or status is a changed contract and must change this table.
"""

from __future__ import annotations

import importlib
import pkgutil
from html import escape

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from clemency import errors
from clemency.web.errors import install

#: Error kind → (code, HTTP status), as the API documents them.
CONTRACT: dict[str, tuple[str, int]] = {
    # The base class: a user's mistake the request cannot be served with.
    "ClemencyError": ("bad_input", 400),
    # docs/web.md: `bad_input` with `details.fields`; unprocessable content.
    "BadInput": ("bad_input", 422),
    "NotFound": ("not_found", 404),
    # docs/security.md: 404 both for a missing case and for one the user may not see.
    "CaseNotFound": ("case_not_found", 404),
    # docs/security.md: "A stale write gets 409/412, never a silent overwrite."
    "StaleWrite": ("stale_write", 409),
    # docs/web.md: "sensitive kinds answer 403 `permission_denied`".
    "PermissionDenied": ("permission_denied", 403),
    "NotAuthenticated": ("not_authenticated", 401),
    # A broken rule file shipped with the server is the server's fault, not the caller's.
    "RuleFileError": ("rule_file_error", 500),
    "FactsError": ("facts_error", 422),
    # docs/web.md lists `unknown_ruleset`: a ruleset id that names nothing is "not found".
    "UnknownRuleset": ("unknown_ruleset", 404),
    "RosterError": ("roster_error", 422),
    "DataImportError": ("import_error", 422),
    # A stage change the case's current stage does not allow: a conflict with its state.
    "IllegalTransition": ("illegal_transition", 409),
    # docs/web.md: uploads refused "415/413/422 with the message next to the field".
    "UploadRejected": ("upload_rejected", 413),
    "UploadTypeRejected": ("upload_rejected", 415),
    "UploadTooLarge": ("upload_rejected", 413),
    "UploadWrongType": ("upload_rejected", 415),
    "UploadUnreadable": ("upload_rejected", 422),
    "EmptyUpload": ("empty_upload", 422),
    "MethodNotAllowed": ("method_not_allowed", 405),
    "UnsupportedMediaType": ("unsupported_media_type", 415),
    "InternalError": ("internal_error", 500),
    # A private letter link that was used, revoked or expired is gone for good.
    "LinkInvalid": ("link_invalid", 410),
    "ParseError": ("parse_error", 422),
    # docs/web.md: "A lost or busy database answers `503 database_unavailable`".
    "DatabaseUnavailable": ("database_unavailable", 503),
    # docs/store.md: a new case whose person looks like an existing one's is a conflict.
    "DuplicatePerson": ("conflict", 409),
    # Asking for the Spark engine where it is not installed: a request this server cannot take.
    "SparkUnavailable": ("bad_input", 400),
    # Commands' inputs that are unusable (an output path, an audit key, a checkpoint file).
    "UnsafeOutput": ("bad_input", 422),
    "AuditKeyError": ("bad_input", 422),
    "CheckpointError": ("bad_input", 422),
    # Failures on the server's side (a key file, a stored file, a migration, a backup): the
    # caller did nothing wrong, and docs/web.md answers a 500 as `internal_error`.
    "DecryptionFailed": ("internal_error", 500),
    "KeyError_": ("internal_error", 500),
    "StoredFileCorrupt": ("internal_error", 500),
    "StagedFileMissing": ("internal_error", 500),
    "UpgradeFailed": ("internal_error", 500),
    "BackupError": ("internal_error", 500),
}
#: Failures on the server's side: answered like any unexpected error (docs/web.md, "an
#: unexpected error answers 500 with a request id and nothing else"), since their message may
#: name a key file's or a stored file's path. They answered the code of a caller's mistake with
#: the message until issue #18's review of this test.
SERVER_SIDE = {
    kind
    for kind, (code, _status) in CONTRACT.items()
    if code == "internal_error" and kind != "InternalError"  # that one carries the request id
}


MESSAGE = "Something is wrong with <this> & that; here is how to fix it."


def _kinds() -> list[object]:
    return [
        pytest.param(
            kind,
            expected,
            id=kind,
        )
        for kind, expected in sorted(CONTRACT.items())
    ]


def _all_error_classes() -> dict[str, type[errors.ClemencyError]]:
    """Every subclass of ClemencyError in the package: kinds are defined beside their code too
    (crypto, uploads), so every module is imported first (migrations are scripts, not code)."""
    import clemency

    for module in pkgutil.walk_packages(clemency.__path__, "clemency."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found: dict[str, type[errors.ClemencyError]] = {}
    pending: list[type[errors.ClemencyError]] = [errors.ClemencyError]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls
        pending.extend(cls.__subclasses__())
    return found


ERROR_CLASSES = _all_error_classes()


def _app() -> FastAPI:
    """The application's error handlers on a route that raises the error kind named."""
    app = FastAPI()
    install(app)

    def raise_it(kind: str) -> None:
        raise ERROR_CLASSES[kind](MESSAGE, field="x")

    app.add_api_route("/api/v1/raise/{kind}", raise_it)
    app.add_api_route("/raise/{kind}", raise_it)
    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(_app(), follow_redirects=False)


def test_every_error_kind_is_in_the_contract() -> None:
    """A new error kind must be given its documented code and status here."""
    assert set(ERROR_CLASSES) == set(CONTRACT)


def test_every_documented_code_is_an_error_code() -> None:
    assert {code for code, _status in CONTRACT.values()} == {c.value for c in errors.ErrorCode}


@pytest.mark.parametrize(("kind", "expected"), _kinds())
def test_the_api_answers_each_error_kind_in_the_pinned_shape(
    client: TestClient, kind: str, expected: tuple[str, int]
) -> None:
    code, status = expected
    answer = client.get(f"/api/v1/raise/{kind}")
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/json"
    body = answer.json()
    if kind in SERVER_SIDE:  # a request id only, never the error's own message
        assert body["code"] == "internal_error"
        assert MESSAGE not in answer.text
        assert body["message"].startswith("Something went wrong on our side")
        assert set(body["details"]) == {"request_id"}
        return
    details = {"field": "x"}
    if status == 403:  # docs/web.md: a refusal says whom to ask for access
        details["ask"] = "To be given access, ask an administrator of your organization."
    assert body == {"ok": False, "code": code, "message": MESSAGE, "details": details}
    if status == 401:
        assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("kind", "expected"), sorted(CONTRACT.items()))
def test_a_page_answers_each_error_kind_with_its_status_and_message(
    client: TestClient, kind: str, expected: tuple[str, int]
) -> None:
    _code, status = expected
    answer = client.get(f"/raise/{kind}?x=1", headers={"accept": "text/html"})
    if status == 401:  # a person who is not signed in is sent to the sign-in page
        assert answer.status_code == 303
        assert answer.headers["location"] == "/login?next=%2Fraise%2F" + kind + "%3Fx%3D1"
        return
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    if kind in SERVER_SIDE:
        assert escape(MESSAGE) not in answer.text
        assert "Something went wrong on our side" in answer.text
        return
    assert f"<p>{escape(MESSAGE)}</p>" in answer.text
    assert MESSAGE not in answer.text  # escaped, never raw HTML


def test_error_codes_are_stable_snake_case() -> None:
    for code in errors.ErrorCode:
        assert code.value == code.value.lower()
        assert " " not in code.value
