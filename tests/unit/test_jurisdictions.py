"""The per-folder check of docs/jurisdictions.md: every jurisdiction folder under
``src/clemency/rulesets/`` has rule tests beside each rule, a lifecycle, an application form
per relief and its docs. The list of jurisdictions is read from disk, never written here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clemency.cases.vocab import PETITION_KINDS
from clemency.documents import forms
from clemency.eligibility import list_rulesets
from clemency.eligibility.model import Ruleset
from clemency.petitions import lifecycle

ROOT = Path(__file__).resolve().parents[2]
RULESETS_DIR = ROOT / "src" / "clemency" / "rulesets"
DOCS = ROOT / "docs"

#: Rulesets that are criteria filed on another relief's form, not a relief of their own.
FILED_WITH = {"us-federal/clemency-initiative-2014": "us-federal/commutation"}
#: Reliefs decided by a court, not by the clemency authority: a petition kind and a form, but
#: the jurisdiction's clemency lifecycle does not walk them (the granted certificate reaches the
#: Governor as a pardon application, Cal. Penal Code §4852.16).
COURT_PETITIONS = {"us-ca/certificate-of-rehabilitation"}


def jurisdiction_folders() -> list[Path]:
    return sorted(p for p in RULESETS_DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))


JURISDICTIONS = [p.name for p in jurisdiction_folders()]


def rulesets_of(jurisdiction: str) -> list[Ruleset]:
    return [r for r in list_rulesets() if r.jurisdiction == jurisdiction]


def test_the_walk_finds_the_shipped_jurisdictions() -> None:
    # Fails if the walk silently finds nothing (a moved folder would pass every check below).
    assert {"us-federal", "us-ny", "us-ga", "us-ok"} <= set(JURISDICTIONS)


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_every_ruleset_folder_is_a_ruleset_with_tests_beside_each_rule(jurisdiction: str) -> None:
    folders = sorted(p for p in (RULESETS_DIR / jurisdiction).iterdir() if p.is_dir())
    assert folders, f"{jurisdiction}: no ruleset folder"
    loaded = {r.path.resolve() for r in rulesets_of(jurisdiction)}
    for folder in folders:
        assert (folder / "ruleset.yaml").is_file(), f"write {folder}/ruleset.yaml"
        assert folder.resolve() in loaded, f"{folder}: not loaded by list_rulesets()"
    for ruleset in rulesets_of(jurisdiction):
        assert ruleset.id.startswith(jurisdiction + "/")
        assert (ruleset.path / "ruleset.tests.yaml").is_file(), (
            f"write {ruleset.id} ruleset.tests.yaml"
        )
        for rule in ruleset.rules:
            tests_file = ruleset.path / f"{rule.slug}.tests.yaml"
            assert tests_file.is_file(), f"write {tests_file}"


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_every_jurisdiction_has_a_lifecycle_covering_its_reliefs(jurisdiction: str) -> None:
    assert jurisdiction in lifecycle.available(), (
        f"write src/clemency/petitions/lifecycles/{jurisdiction}.yaml"
    )
    machine = lifecycle.load(jurisdiction)
    assert machine.spec.jurisdiction == jurisdiction
    for ruleset in rulesets_of(jurisdiction):
        if ruleset.id in FILED_WITH or ruleset.id in COURT_PETITIONS:
            continue
        assert ruleset.relief in machine.spec.kinds, (
            f"{jurisdiction}.yaml: add {ruleset.relief!r} to kinds"
        )
    for kind in machine.spec.kinds:
        assert kind in PETITION_KINDS, (
            f"{jurisdiction}.yaml: kind {kind!r} is not in cases/vocab.py PETITION_KINDS "
            "(add it there and widen the column by a migration if it is longer)"
        )


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_every_relief_is_a_petition_kind(jurisdiction: str) -> None:
    # A case can carry a petition for every relief a ruleset screens for (issue #16).
    for ruleset in rulesets_of(jurisdiction):
        if ruleset.id in FILED_WITH:
            continue
        assert ruleset.relief in PETITION_KINDS, (
            f"{ruleset.id}: relief {ruleset.relief!r} is not a petition kind; add it to "
            "cases/vocab.py PETITION_KINDS (and widen the column by a migration if it is longer)"
        )


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_every_relief_has_an_application_form(jurisdiction: str) -> None:
    available = forms.available()
    for ruleset in rulesets_of(jurisdiction):
        form_id = FILED_WITH.get(ruleset.id, f"{jurisdiction}/{ruleset.relief}")
        assert form_id in available, f"write src/clemency/documents/forms/{form_id}.yaml"
        spec, _ = forms.load(form_id)
        assert spec.jurisdiction == jurisdiction
        assert spec.kind == form_id.split("/")[1]


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_every_jurisdiction_is_documented(jurisdiction: str) -> None:
    table = (DOCS / "jurisdictions.md").read_text(encoding="utf-8")
    assert re.search(rf"^\| `{re.escape(jurisdiction)}` \|", table, re.MULTILINE), (
        f"docs/jurisdictions.md: add a row for {jurisdiction} to 'Shipped jurisdictions'"
    )
    rules_md = (DOCS / "rules.md").read_text(encoding="utf-8")
    petitions_md = (DOCS / "petitions.md").read_text(encoding="utf-8")
    for ruleset in rulesets_of(jurisdiction):
        assert f"| `{ruleset.id}` |" in rules_md, (
            f"docs/rules.md: add {ruleset.id} to 'Shipped rulesets'"
        )
    assert f"| `{jurisdiction}.yaml` |" in petitions_md, (
        f"docs/petitions.md: add {jurisdiction}.yaml to the lifecycle table"
    )


def test_forms_and_lifecycles_belong_to_a_jurisdiction_folder() -> None:
    # The other direction: a lifecycle or form without rules is a half-added state.
    assert set(lifecycle.available()) <= set(JURISDICTIONS)
    assert {f.split("/")[0] for f in forms.available()} <= set(JURISDICTIONS)
