"""Signed checkpoints of the audit trail, to keep off the host.

A checkpoint says "the trail's first N rows end at row I with hash H, and keying began at row
K", signed with HMAC-SHA256 under the audit key (a label distinct from the rows'). Stored
somewhere the database's administrators cannot write (another host, write-once storage, a
printed copy), it lets ``clemency audit verify --checkpoint FILE`` detect what the chain alone
cannot: rows removed from the end together with a reset of the stored chain head, or the whole
trail recomputed without its key.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from clemency.audit.keys import CHECKPOINT_LABEL, AuditKey
from clemency.audit.service import Anchor, ChainReport, verify_chain
from clemency.errors import BadInput
from clemency.outputs import atomic_text

FORMAT = "clemency-audit-checkpoint/1"
_FIELDS = ("format", "created_at", "rows", "last_id", "head_hash", "first_keyed_id", "key_id")


class CheckpointError(BadInput):
    """A checkpoint cannot be made (the trail is broken) or read (bad file, bad signature)."""


def _signed_text(payload: dict[str, Any]) -> str:
    return json.dumps({name: payload[name] for name in _FIELDS}, sort_keys=True)


def make_checkpoint(*, session: Session, key: AuditKey) -> dict[str, Any]:
    """Verify the whole trail with ``key`` and return a signed checkpoint of its head."""
    report = verify_chain(session=session, key=key)
    if not report.ok:
        where = f"row {report.first_broken_id}" if report.first_broken_id else "the end"
        raise CheckpointError(
            f"the audit trail does not verify (at {where}: {report.reason}); no checkpoint "
            "was written. Investigate before anchoring it."
        )
    if report.last_id is None:
        raise CheckpointError("the audit trail is empty; there is nothing to anchor yet.")
    payload: dict[str, Any] = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": report.rows_checked,
        "last_id": report.last_id,
        "head_hash": report.head_hash,
        "first_keyed_id": report.first_keyed_id,
        "key_id": key.key_id,
    }
    payload["mac"] = key.mac(CHECKPOINT_LABEL, _signed_text(payload))
    return payload


def write_checkpoint(payload: dict[str, Any], path: Path) -> None:
    """Write ``payload`` to ``path`` atomically (a temporary file in the same folder, synced,
    then renamed over): a crash leaves the old file or the new one, never half of one."""
    with atomic_text(path) as stream:
        stream.write(json.dumps(payload, indent=2, sort_keys=True) + "\n")


def read_checkpoint(path: Path, *, key: AuditKey) -> Anchor:
    """The anchor in the checkpoint file ``path``, after checking its format and signature."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise CheckpointError(
            f"{path}: not a readable checkpoint ({error.__class__.__name__})"
        ) from error
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a Clemency audit checkpoint (format {FORMAT})")
    missing = [name for name in (*_FIELDS, "mac") if name not in payload]
    if missing:
        raise CheckpointError(f"{path}: the checkpoint lacks {', '.join(missing)}")
    if payload["key_id"] != key.key_id:
        raise CheckpointError(
            f"{path}: signed with key id {payload['key_id']}, the configured key is "
            f"{key.key_id}; point CLEMENCY_AUDIT_KEY_FILE at the key it was made with"
        )
    import hmac

    if not hmac.compare_digest(
        str(payload["mac"]), key.mac(CHECKPOINT_LABEL, _signed_text(payload))
    ):
        raise CheckpointError(f"{path}: the checkpoint's signature does not match: it was altered")
    try:
        return Anchor(
            rows=int(payload["rows"]),
            last_id=int(payload["last_id"]),
            head_hash=str(payload["head_hash"]),
            first_keyed_id=(
                None if payload["first_keyed_id"] is None else int(payload["first_keyed_id"])
            ),
        )
    except (TypeError, ValueError) as error:
        raise CheckpointError(f"{path}: a checkpoint field has the wrong type") from error


def verify_against(*, session: Session, key: AuditKey, checkpoint: Path) -> ChainReport:
    """Verify the trail with ``key`` and against the checkpoint file."""
    return verify_chain(session=session, key=key, anchor=read_checkpoint(checkpoint, key=key))
