"""Structured logs: one JSON object per line, carrying the request id of the current request.

Records hold what happened (route template, status, duration, request id), never personal data:
no client address, no query string, no raw path (private letter links carry their token in it).
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

REQUEST_ID: ContextVar[str | None] = ContextVar("clemency_request_id", default=None)

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", "request_id", ...extra fields}``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(log_format: str = "json", level: int = logging.INFO) -> None:
    """Send Clemency's, uvicorn's and gunicorn's logs to stderr in ``log_format``.

    uvicorn's own access log is silenced: it prints the raw path and the client address; the
    request middleware logs one line per request instead (``clemency.access``).
    """
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "gunicorn.error", "clemency"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    # WeasyPrint and fontTools report every font and stylesheet step at INFO (a dozen lines
    # per packet); their warnings and errors still reach the log.
    for chatty in ("weasyprint", "fontTools"):
        logging.getLogger(chatty).setLevel(max(level, logging.WARNING))
    access = logging.getLogger("uvicorn.access")
    access.handlers = []
    access.propagate = False
    access.disabled = True
