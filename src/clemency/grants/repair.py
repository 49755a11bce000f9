"""Repair of character-encoding damage ("mojibake") in hand-copied grant records.

The FiveThirtyEight copy of the Obama commutation page went through two wrong decodings:
text typed in Windows-1252 was read as Mac Roman, written out as UTF-8, and that UTF-8 was
read again as Windows-1252. So "§" (cp1252 byte A7) became "ß" (Mac Roman A7), whose UTF-8
bytes C3 9F read as cp1252 give "ÃŸ". The repair undoes the steps in reverse for each damaged
run, and keeps a run as it is when the reversal does not give a known character:

=========  =============  ======================================================
damaged    repaired       how
=========  =============  ======================================================
``ÃŸ``     ``§``          cp1252 → UTF-8 → Mac Roman → cp1252
``Ã¬``     ``“``          same
``Ã®``     ``”``          same
``Ã±``     ``–``          same
``Ã_``     ``’``          same, with "_" standing for the lost soft-hyphen byte (AD)
``â€\\xa0``  (space)        the cp1252 no-break space (A0) read as Mac Roman "†"
``Â©``     ``©``          one wrong decoding; "924©" after a section number is the
                          word processor's autocorrection of "924(c)" and becomes it
=========  =============  ======================================================

Nothing else is changed: correct UTF-8 text (curly quotes, en dashes, "•") passes through.
"""

from __future__ import annotations

import re

# A damaged run: a UTF-8 lead byte shown in cp1252 ("Ã", "Â", "â") and its continuation
# bytes, also shown in cp1252. "_" after "Ã" is a continuation byte that was lost (see above).
_DAMAGED = re.compile(
    r"(?:â[\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]{2}|[ÃÂ][\x80-\xbf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ_])"
)
_SECTION_C = re.compile(r"(?<=\d)©")
_SPACES = re.compile(r"[ \t\xa0]+")


def _undo(run: str) -> str | None:
    """The character a damaged run stood for, or None when it cannot be worked out."""
    if run == "Ã_":
        run = "Ã\xad"
    try:
        once = run.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    try:
        twice = once.encode("mac_roman").decode("cp1252")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return once
    # The second step is taken only when it gives punctuation or a space, which is what the
    # typist wrote; a letter ("ß", "í") is the intermediate damage, never the intent.
    if twice in {"§", "“", "”", "‘", "’", "–", "—", "\xa0", "©", "•", "…"}:
        return twice
    return once


def repair_text(text: str) -> tuple[str, bool]:
    """``text`` with encoding damage repaired, and whether anything was repaired."""
    changed = False

    def fix(match: re.Match[str]) -> str:
        nonlocal changed
        fixed = _undo(match.group(0))
        if fixed is None:
            return match.group(0)
        changed = True
        return fixed

    repaired = _DAMAGED.sub(fix, text)
    if "©" in repaired and changed:
        repaired = _SECTION_C.sub("(c)", repaired)
    if "\xa0" in repaired:
        repaired = repaired.replace("\xa0", " ")
    return repaired, changed


def clean(text: str) -> str:
    """Repaired text with runs of spaces collapsed and the ends trimmed."""
    repaired, _ = repair_text(text)
    return _SPACES.sub(" ", repaired).strip()
