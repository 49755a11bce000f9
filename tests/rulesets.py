"""Rule files for tests: a shipped ruleset copied under another jurisdiction."""

from __future__ import annotations

import shutil
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
