"""A small RFC 5545 writer: one all-day VEVENT per deadline.

Written here rather than pulled in as a dependency: we only need VCALENDAR/VEVENT with
DATE values, line folding at 75 octets, CRLF line ends and TEXT escaping.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from clemency.eligibility.dates import add_days
from clemency.petitions.deadlines import Deadline

PRODID = "-//Clemency//Petition deadlines//EN"


def escape_text(value: str) -> str:
    """RFC 5545 §3.3.11: backslash, semicolon, comma and newline are escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets (RFC 5545 §3.1), never splitting a character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def _uid(d: Deadline) -> str:
    basis = f"{d.case_ref}|{d.subject_ref}|{d.key}|{d.due_on.isoformat()}"
    return hashlib.sha256(basis.encode()).hexdigest()[:32] + "@clemency"


def calendar(deadlines: Sequence[Deadline], *, name: str, stamp: datetime) -> str:
    """The iCalendar text for ``deadlines``; ``stamp`` (UTC) becomes every DTSTAMP."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    dtstamp = stamp.strftime("%Y%m%dT%H%M%SZ")
    for d in deadlines:
        description = f"{d.explanation} Rule: {d.citation}."
        if d.warning:
            description += f" Warning: {d.warning}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(d)}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{d.due_on.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{add_days(d.due_on, 1).strftime('%Y%m%d')}",
            f"SUMMARY:{escape_text(d.title)}",
            f"DESCRIPTION:{escape_text(description)}",
            f"CATEGORIES:{escape_text(d.kind.upper())}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
