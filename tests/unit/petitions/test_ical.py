from datetime import UTC, date, datetime

from clemency.petitions.deadlines import Deadline
from clemency.petitions.ical import calendar, escape_text, fold


def test_calendar_is_rfc5545_shaped() -> None:
    d = Deadline(
        key="k",
        title="Follow up; letter, from O'Brien",
        due_on=date(2024, 2, 29),
        kind="follow_up",
        citation="28 CFR 1.2",
        explanation="x\ny",
        case_ref="c1",
        subject_ref="s",
    )
    text = calendar([d, d], name="Deadlines for Ann", stamp=datetime(2026, 1, 1, 12, 0, tzinfo=UTC))
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "DTSTART;VALUE=DATE:20240229\r\n" in text
    assert "DTEND;VALUE=DATE:20240301\r\n" in text
    assert "SUMMARY:Follow up\\; letter\\, from O'Brien\r\n" in text
    assert "DTSTAMP:20260101T120000Z" in text
    assert text.count("BEGIN:VEVENT") == 2
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75


def test_fold_never_splits_a_multibyte_character() -> None:
    line = "DESCRIPTION:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_escape_text() -> None:
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
