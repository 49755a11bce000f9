"""Errors as data: a stable code, an HTTP status (as an attribute only), a message and fields.

Every error a user can cause is a :class:`ClemencyError`. The web layer turns it into
``{"ok": false, "code": ..., "message": ..., "details": {...}}`` or an HTML page; the CLI
prints the message on one line and exits with status 1.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar


class ErrorCode(StrEnum):
    BAD_INPUT = "bad_input"
    NOT_FOUND = "not_found"
    CASE_NOT_FOUND = "case_not_found"
    STALE_WRITE = "stale_write"
    PERMISSION_DENIED = "permission_denied"
    NOT_AUTHENTICATED = "not_authenticated"
    RULE_FILE = "rule_file_error"
    FACTS = "facts_error"
    UNKNOWN_RULESET = "unknown_ruleset"
    ROSTER = "roster_error"
    IMPORT = "import_error"
    TRANSITION = "illegal_transition"
    UPLOAD = "upload_rejected"
    LINK = "link_invalid"
    PARSE = "parse_error"
    CONFLICT = "conflict"
    DATABASE_UNAVAILABLE = "database_unavailable"
    # issue #12 (sec-audit): each HTTP-level error its own code
    METHOD_NOT_ALLOWED = "method_not_allowed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    INTERNAL = "internal_error"
    EMPTY_UPLOAD = "empty_upload"


class ClemencyError(Exception):
    """Base of every error a user can cause. Subclasses set ``code`` and ``http_status``."""

    code: ClassVar[ErrorCode] = ErrorCode.BAD_INPUT
    http_status: ClassVar[int] = 400

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, Any] = fields

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": False,
            "code": str(self.code),
            "message": self.message,
            "details": self.fields,
        }


class BadInput(ClemencyError):
    code = ErrorCode.BAD_INPUT
    http_status = 422


class NotFound(ClemencyError):
    code = ErrorCode.NOT_FOUND
    http_status = 404


class CaseNotFound(NotFound):
    """Raised both when a case does not exist and when the user may not see it."""

    code = ErrorCode.CASE_NOT_FOUND


class StaleWrite(ClemencyError):
    """Someone else saved the record first; ``fields`` carries the current version."""

    code = ErrorCode.STALE_WRITE
    http_status = 409


class PermissionDenied(ClemencyError):
    code = ErrorCode.PERMISSION_DENIED
    http_status = 403


class NotAuthenticated(ClemencyError):
    code = ErrorCode.NOT_AUTHENTICATED
    http_status = 401


class RuleFileError(ClemencyError):
    """A rule or manifest file is broken. The message names the file, the line and the fix."""

    code = ErrorCode.RULE_FILE
    http_status = 500


class FactsError(ClemencyError):
    code = ErrorCode.FACTS
    http_status = 422


class UnknownRuleset(NotFound):
    code = ErrorCode.UNKNOWN_RULESET


class RosterError(ClemencyError):
    code = ErrorCode.ROSTER
    http_status = 422


class DataImportError(ClemencyError):
    code = ErrorCode.IMPORT
    http_status = 422


class IllegalTransition(ClemencyError):
    code = ErrorCode.TRANSITION
    http_status = 409


class UploadRejected(ClemencyError):
    code = ErrorCode.UPLOAD
    http_status = 413


class UploadTypeRejected(UploadRejected):
    """The file's contents are not of an accepted type, whatever its name says."""

    http_status = 415


class EmptyUpload(UploadRejected):
    """The upload has no content: the request is understood but cannot be processed (422),
    not too large (413)."""

    code = ErrorCode.EMPTY_UPLOAD
    http_status = 422


class MethodNotAllowed(ClemencyError):
    """The address exists but not for this HTTP method; ``allow`` lists the ones it takes."""

    code = ErrorCode.METHOD_NOT_ALLOWED
    http_status = 405


class UnsupportedMediaType(ClemencyError):
    """The request body is not in the media type the operation takes (e.g. JSON)."""

    code = ErrorCode.UNSUPPORTED_MEDIA_TYPE
    http_status = 415


class InternalError(ClemencyError):
    """Something unexpected failed on the server; the message carries only a request id."""

    code = ErrorCode.INTERNAL
    http_status = 500


class LinkInvalid(ClemencyError):
    code = ErrorCode.LINK
    http_status = 410


class ParseError(ClemencyError):
    code = ErrorCode.PARSE
    http_status = 422


class DatabaseUnavailable(ClemencyError):
    """The database connection was lost or the database is busy: retry in a moment."""

    code = ErrorCode.DATABASE_UNAVAILABLE
    http_status = 503
