"""Rule files for tests: a shipped ruleset copied under another jurisdiction, and a small
example ruleset written rule by rule."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from clemency.eligibility.registry import builtin_root


def federal_pardon_as(jurisdiction: str, folder: Path) -> Path:
    """Copy the federal pardon ruleset to ``folder`` as ``<jurisdiction>/pardon`` (its id, its
    jurisdiction and every rule id renamed) and return ``folder``."""
    shutil.copytree(builtin_root() / "us-federal" / "pardon", folder)
    manifest = folder / "ruleset.yaml"
    manifest.write_text(
        manifest.read_text()
        .replace("id: us-federal/pardon", f"id: {jurisdiction}/pardon")
        .replace("jurisdiction: us-federal", f"jurisdiction: {jurisdiction}")
    )
    for rule in folder.glob("*.yaml"):
        rule.write_text(
            rule.read_text().replace("id: us-federal.pardon.", f"id: {jurisdiction}.pardon.")
        )
    return folder


def example_ruleset(folder: Path, rules: Mapping[str, str]) -> Path:
    """Write the ruleset ``ex/pardon`` to ``folder`` and return ``folder``: for each ``slug:
    body`` a rule ``ex.pardon.<slug>`` titled ``slug``, with a citation, ``body`` (its kind,
    effective dates, parameters and condition, as rule-file lines) and plain explanations."""
    folder.mkdir(parents=True)
    (folder / "ruleset.yaml").write_text(
        "id: ex/pardon\ntitle: Example\njurisdiction: ex\nrelief: pardon\nversion: '1'\n"
        f"rules: [{', '.join(rules)}]\n"
    )
    for slug, body in rules.items():
        (folder / f"{slug}.yaml").write_text(
            f"id: ex.pardon.{slug}\ntitle: {slug}\nreference: {{citation: Ex. Rule 1}}\n"
            + body
            + "explain: {pass: met, fail: not met, unknown: 'missing {missing}'}\n"
        )
    return folder
