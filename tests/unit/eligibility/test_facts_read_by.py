"""The "Read by rulesets" column of docs/facts.md is computed from the rulesets, so it cannot go
stale: every fact row's last cell must list exactly the rulesets whose rules read the fact.

After changing a rule, rewrite the column with
``.venv/bin/python tests/unit/eligibility/test_facts_read_by.py`` and review the diff.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

from clemency.eligibility import FACTS, list_rulesets

FACTS_MD = Path(__file__).resolve().parents[3] / "docs" / "facts.md"
ROW = re.compile(r"^\| `(?P<fact>[a-z0-9_]+)` \|(?P<middle>.*)\| (?P<read_by>[^|]*) \|$")
NONE = "—"


def readers() -> dict[str, list[str]]:
    """Fact name -> the ids of the rulesets that read it, sorted."""
    found: dict[str, set[str]] = defaultdict(set)
    for ruleset in list_rulesets():
        for fact in ruleset.facts_used():
            found[fact].add(ruleset.id)
    return {fact: sorted(ids) for fact, ids in found.items()}


def cell(fact: str, read: dict[str, list[str]]) -> str:
    return ", ".join(read.get(fact, [])) or NONE


def rewritten(text: str) -> str:
    read = readers()
    lines = []
    for line in text.splitlines():
        match = ROW.match(line)
        if match and match["fact"] in FACTS:
            line = f"| `{match['fact']}` |{match['middle']}| {cell(match['fact'], read)} |"
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_the_walk_finds_facts_read_by_rulesets() -> None:
    # Fails if nothing is found (a broken walk would make every row "—" and the check vacuous).
    read = readers()
    assert "us-federal/pardon" in read["conviction_court"]
    assert set(read) <= set(FACTS), f"rulesets read unknown facts: {set(read) - set(FACTS)}"


def test_every_fact_row_names_exactly_the_rulesets_that_read_it() -> None:
    text = FACTS_MD.read_text(encoding="utf-8")
    read = readers()
    rows = {m["fact"]: m["read_by"].strip() for m in map(ROW.match, text.splitlines()) if m}
    assert set(FACTS) <= set(rows), f"docs/facts.md: no row for {sorted(set(FACTS) - set(rows))}"
    wrong = {
        fact: (rows[fact], cell(fact, read))
        for fact in FACTS
        if fact in rows and rows[fact] != cell(fact, read)
    }
    assert not wrong, (
        "docs/facts.md 'Read by rulesets' is stale (fact: (written, computed)); rewrite it with "
        f"`.venv/bin/python {Path(__file__).relative_to(FACTS_MD.parents[1])}`:\n"
        + "\n".join(f"  {fact}: {pair}" for fact, pair in sorted(wrong.items()))
    )


if __name__ == "__main__":
    FACTS_MD.write_text(rewritten(FACTS_MD.read_text(encoding="utf-8")), encoding="utf-8")
    sys.stdout.write(f"rewrote the 'Read by rulesets' column of {FACTS_MD}\n")
