"""What a rule's citation says it has not verified.

A citation marks every statement that was not checked against the official text with
``[unverified: …]`` (docs/rules.md). :func:`unverified_notes` returns those notes, so that
``clemency rules show`` can list them and ``clemency rules list`` can count them.
"""

from __future__ import annotations

_MARK = "[unverified:"


def unverified_notes(citation: str) -> list[str]:
    """The text of each ``[unverified: …]`` note in ``citation``, in order, trimmed.

    Brackets inside a note are balanced (``[unverified: the title says "[added 2018]"]`` is one
    note); an unclosed note runs to the end of the citation.
    """
    notes: list[str] = []
    start = citation.find(_MARK)
    while start != -1:
        depth, i = 1, start + len(_MARK)
        while i < len(citation) and depth:
            depth += {"[": 1, "]": -1}.get(citation[i], 0)
            i += 1
        end = i - 1 if depth == 0 else len(citation)
        notes.append(" ".join(citation[start + len(_MARK) : end].split()))
        start = citation.find(_MARK, i)
    return notes
