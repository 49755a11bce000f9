"""The evaluator and the determination: Alice Marie Johnson's case, the §5.2 shape, combination."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from clemency.eligibility import (
    Determination,
    Ruleset,
    evaluate,
    list_rulesets,
    load_folder,
    load_ruleset,
)
from clemency.eligibility.determination import ROW_COLUMNS, GrantedRelief
from clemency.eligibility.registry import builtin_root
from clemency.errors import FactsError, UnknownRuleset
from tests.property.sql_backends import DuckdbBackend, SqliteBackend, normalise
from tests.rulesets import example_ruleset, federal_pardon_as

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def alice(after_commutation: bool = False) -> dict[str, object]:
    name = "alice-johnson-after-commutation" if after_commutation else "alice-johnson"
    facts: dict[str, object] = json.loads((EXAMPLES / f"{name}.facts.json").read_text())
    return facts


def test_alice_johnson_could_petition_for_commutation_on_2018_06_01() -> None:
    d = evaluate(load_ruleset("us-federal/commutation"), alice(), date(2018, 6, 1))
    assert d.outcome == "eligible"
    assert d.eligible_on is None
    assert d.missing_facts == []
    assert d.failed_rule_ids == d.unknown_rule_ids == []
    advisory = {r.id: r.outcome for r in d.rules if not r.required}
    assert advisory["us-federal.commutation.sentence_disparity"] == "unknown"  # advisory: no effect


def test_alice_johnson_pardon_in_2019_waits_five_years_from_release() -> None:
    d = evaluate(load_ruleset("us-federal/pardon"), alice(after_commutation=True), date(2019, 1, 1))
    assert d.outcome == "ineligible"
    # the wait ends 2023-06-06, a day on which the residence rule is not yet vouched for
    # (knowledge from 2024-05-31): the ruleset would not say eligible then, so no eligible_on
    assert d.eligible_on is None
    assert d.failed_rule_ids == ["us-federal.pardon.waiting_period"]
    waiting = next(r for r in d.rules if r.id == "us-federal.pardon.waiting_period")
    assert "Clock started 2018-06-06" in waiting.explanation
    assert "until 2023-06-06" in waiting.explanation
    assert d.missing_facts == ["on_supervision"]  # not public: whether supervision followed


def test_alice_johnson_under_the_2014_initiative_turns_on_three_disputed_facts() -> None:
    d = evaluate(load_ruleset("us-federal/clemency-initiative-2014"), alice(), date(2016, 8, 1))
    assert d.outcome == "needs_review"
    assert [r.outcome for r in d.rules] == ["unknown", "unknown", "pass", "pass", "pass", "pass"]
    assert d.missing_facts == [
        "gang_or_cartel_ties",
        "is_low_level_offender",
        "likely_lower_sentence_today",
    ]
    assert "19 years served" in d.rules[2].explanation
    assert all(r.explanation and r.citation.startswith("DOJ press release") for r in d.rules)
    settled = {
        **alice(),
        "likely_lower_sentence_today": True,
        "is_low_level_offender": True,
        "gang_or_cartel_ties": False,
    }
    assert (
        evaluate(
            load_ruleset("us-federal/clemency-initiative-2014"), settled, date(2016, 8, 1)
        ).outcome
        == "eligible"
    )


def test_the_json_is_exactly_the_determination_shape() -> None:
    d = evaluate(load_ruleset("us-federal/pardon"), alice(after_commutation=True), date(2019, 1, 1))
    data = d.to_json()
    assert data == d.model_dump(mode="json")
    assert list(data) == [
        "ruleset",
        "as_of",
        "outcome",
        "eligible_on",
        "missing_facts",
        "rules",
        "granted",  # additive: grants on a stored case record (empty for facts alone)
    ]
    assert data["ruleset"]["id"] == "us-federal/pardon"
    assert data["ruleset"]["version"] == "2026.1"
    assert len(data["ruleset"]["sha256"]) == 64
    assert data["as_of"] == "2019-01-01"
    assert data["eligible_on"] is None
    assert set(data["rules"][0]) >= {
        "id",
        "title",
        "outcome",
        "explanation",
        "citation",
        "required",
    }
    assert Determination.model_validate(data).to_json() == data
    json.dumps(data)


def test_the_text_tree_shows_outcome_date_and_every_rule_with_its_source() -> None:
    d = evaluate(load_ruleset("us-federal/pardon"), alice(after_commutation=True), date(2019, 1, 1))
    text = d.to_text()
    assert "Outcome: INELIGIBLE" in text
    assert "Eligible on:" not in text  # 2023-06-06 is before the residence rule's horizon
    assert "[NOT VOUCHED]" in text  # the residence rule, vouched for from 2024-05-31 only
    assert "[FAIL] Five years since the later of release from confinement and sentencing" in text
    assert text.count("Source: ") == len(d.rules)


def test_as_row_has_the_six_screening_columns() -> None:
    d = evaluate(load_ruleset("us-federal/pardon"), alice(after_commutation=True), date(2019, 1, 1))
    row = d.as_row()
    assert tuple(row) == ROW_COLUMNS
    assert row == {
        "person_id": "alice-marie-johnson",
        "outcome": "ineligible",
        "eligible_on": None,  # 2023-06-06 falls before the residence rule's horizon
        "failed_rules": "us-federal.pardon.waiting_period",
        # resides_in_us is vouched for from 2024-05-31 only (basis: knowledge): unknown in 2019
        "unknown_rules": "us-federal.pardon.not_on_supervision;us-federal.pardon.resides_in_us",
        "missing_facts": "on_supervision",
    }
    assert d.as_row("other")["person_id"] == "other"
    assert d.unvouched_rule_ids == ["us-federal.pardon.resides_in_us"]


def test_a_failure_that_is_not_only_time_gives_no_eligible_on() -> None:
    facts = {**alice(after_commutation=True), "conviction_court": "state"}
    d = evaluate(load_ruleset("us-federal/pardon"), facts, date(2019, 1, 1))
    assert d.outcome == "ineligible"
    assert d.eligible_on is None
    assert d.failed_rule_ids == [
        "us-federal.pardon.federal_conviction",
        "us-federal.pardon.waiting_period",
    ]
    # on supervision with no end date: unknown, asking for the end date (not a silent fail)
    on_supervision = {**alice(after_commutation=True), "on_supervision": True}
    d = evaluate(load_ruleset("us-federal/pardon"), on_supervision, date(2019, 1, 1))
    assert "supervision_end_date" in d.missing_facts


def test_evaluation_never_reads_the_clock() -> None:
    ruleset = load_ruleset("us-federal/pardon")
    facts = alice(after_commutation=True)
    assert evaluate(ruleset, facts, date(2023, 6, 5)).outcome == "ineligible"
    assert (
        evaluate(ruleset, facts, date(2023, 6, 6)).outcome == "needs_review"
    )  # supervision unknown
    settled = {**facts, "on_supervision": False}
    # the residence rule is vouched for only from 2024-05-31 (basis: knowledge): before, unknown
    assert evaluate(ruleset, settled, date(2023, 6, 6)).outcome == "needs_review"
    assert evaluate(ruleset, settled, date(2023, 6, 6)).missing_facts == []
    assert evaluate(ruleset, settled, date(2024, 5, 31)).outcome == "eligible"


def test_bad_facts_are_refused_with_the_fact_name() -> None:
    with pytest.raises(FactsError, match="release_date"):
        evaluate(load_ruleset("us-federal/pardon"), {"release_date": "June 6"}, date(2019, 1, 1))


def test_unknown_ruleset_lists_the_known_ones() -> None:
    with pytest.raises(UnknownRuleset) as caught:
        load_ruleset("us-zz/pardon")
    for known in (
        "us-federal/pardon",
        "us-federal/commutation",
        "us-federal/clemency-initiative-2014",
        "us-ny/commutation",
        "us-ga/pardon",
        "us-ok/commutation",
    ):
        assert known in caught.value.message


def test_the_shipped_rulesets_and_their_facts() -> None:
    ids = [r.id for r in list_rulesets()]
    assert ids == sorted(ids)
    on_disk = sorted(
        str(p.parent.relative_to(builtin_root())) for p in builtin_root().glob("*/*/ruleset.yaml")
    )
    assert len(ids) >= 6
    assert ids == on_disk
    pardon = load_ruleset("us-federal/pardon")
    assert pardon.facts_used()[:3] == ["conviction_court", "is_in_custody", "sentence_type"]
    assert all(rule.id.startswith("us-federal.pardon.") for rule in pardon.rules)


def test_the_hash_changes_when_a_rule_file_changes_and_extra_paths_are_searched(
    tmp_path: Path,
) -> None:
    copy = federal_pardon_as("us-test", tmp_path / "mine" / "pardon")
    ruleset = load_ruleset("us-test/pardon", [tmp_path])
    before = ruleset.sha256
    waiting = copy / "waiting_period.yaml"
    waiting.write_text(
        waiting.read_text().replace("{1993-10-18: 5}", "{1993-10-18: 5, 2020-01-01: 3}")
    )
    changed = load_folder(copy)
    assert changed.sha256 != before
    facts = {**alice(after_commutation=True), "latest_release_date": "2021-06-06"}
    assert evaluate(changed, facts, date(2021, 12, 31)).eligible_on == date(2024, 6, 6)
    # parameters as of as_of; a value ahead that lengthens the wait drops the day (item 2)
    waiting.write_text(
        waiting.read_text().replace("2020-01-01: 3}", "2020-01-01: 3, 2024-01-01: 5}")
    )
    longer = load_folder(copy)
    assert evaluate(longer, facts, date(2021, 12, 31)).eligible_on is None


def test_an_unchanged_folder_is_not_read_again_but_an_edit_of_the_same_size_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The registry hashes a folder's files again only when their stat signature changed (the
    case page lists the rulesets on every request); an edit that keeps a file's size still
    changes its modification time, and is picked up."""
    from clemency.eligibility import registry

    copy = tmp_path / "pardon"
    shutil.copytree(builtin_root() / "us-federal" / "pardon", copy)
    hashed: list[Path] = []
    real_hash = registry.ruleset_sha256

    def counting(folder: Path) -> str:
        hashed.append(folder)
        return real_hash(folder)

    monkeypatch.setattr(registry, "ruleset_sha256", counting)
    first = load_folder(copy)
    assert load_folder(copy) is first
    assert len(hashed) == 1
    waiting = copy / "waiting_period.yaml"
    text = waiting.read_text()
    assert "{1993-10-18: 5}" in text
    stat = waiting.stat()
    waiting.write_text(text.replace("{1993-10-18: 5}", "{1993-10-18: 3}"))  # same size
    os.utime(waiting, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    edited = load_folder(copy)
    assert len(hashed) == 2
    assert edited.sha256 != first.sha256
    facts = {**alice(after_commutation=True), "latest_release_date": "2021-06-06"}
    assert evaluate(edited, facts, date(2021, 12, 31)).eligible_on == date(2024, 6, 6)


def test_inside_a_snapshot_the_files_are_looked_at_once_and_an_edit_shows_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A web request runs in one ``registry.snapshot()``: its lookups see one version of the
    rule files, a folder added or edited meanwhile shows in the next block, and outside a
    block every lookup looks at the files again."""
    from clemency.eligibility import registry

    root = tmp_path / "extra"
    shutil.copytree(builtin_root() / "us-federal" / "pardon", root / "ex" / "pardon")
    signatures: list[Path] = []
    real_signature = registry._signature

    def counting(folder: Path) -> registry._Signature:
        signatures.append(folder)
        return real_signature(folder)

    monkeypatch.setattr(registry, "_signature", counting)
    folder = root / "ex" / "pardon"
    waiting = folder / "waiting_period.yaml"
    with registry.snapshot():
        first = load_folder(folder)
        ids = [r.id for r in list_rulesets([root])]
        looked = len(signatures)
        shutil.copytree(folder, root / "ex" / "copy")
        waiting.write_text(waiting.read_text().replace("{1993-10-18: 5}", "{1993-10-18: 9}"))
        assert load_folder(folder) is first
        assert [r.id for r in list_rulesets([root])] == ids
        assert "copy" not in [f.name for f in registry._folders([root])]
        assert len(signatures) == looked  # nothing looked at again
    assert "copy" in [f.name for f in registry._folders([root])]
    with registry.snapshot():
        assert load_folder(folder).sha256 != first.sha256
    before = len(signatures)
    load_folder(folder)
    load_folder(folder)
    assert len(signatures) == before + 2  # outside a snapshot, every lookup looks


def _one_rule_ruleset(tmp_path: Path, basis: str) -> Path:
    return example_ruleset(
        tmp_path / basis / "pardon",
        {
            "not_on_supervision": f"effective: {{from: 2010-01-01, basis: {basis}}}\n"
            "when: on_supervision == false\n"
        },
    )


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite"])
def test_before_a_knowledge_start_a_rule_is_unknown_never_a_silent_pass(
    tmp_path: Path, dialect: str
) -> None:
    """Issue #11 item 1: a New York parolee screened in 2009 came out eligible. Before the
    earliest date a ruleset vouches for, the rule is unknown (and says why); before a rule's
    true start (basis: law) it is simply not in force."""
    facts = {"person_id": "p1", "on_supervision": True}
    knowledge = load_folder(_one_rule_ruleset(tmp_path, "knowledge"))
    law = load_folder(_one_rule_ruleset(tmp_path, "law"))
    before, on = date(2009, 12, 31), date(2010, 1, 1)
    d = evaluate(knowledge, facts, before)
    assert (d.outcome, d.rules[0].outcome, d.rules[0].vouched) == ("needs_review", "unknown", False)
    assert d.missing_facts == []
    assert d.eligible_on is None
    assert "does not vouch for this rule before 2010-01-01" in d.rules[0].explanation
    assert d.unvouched_rule_ids == ["ex.pardon.not_on_supervision"]
    assert "[NOT VOUCHED]" in d.to_text()
    assert evaluate(knowledge, facts, on).outcome == "ineligible"  # from the start: read
    d_law = evaluate(law, facts, before)
    assert (d_law.outcome, d_law.rules[0].vouched) == ("eligible", True)  # not yet in force
    backend = DuckdbBackend() if dialect == "duckdb" else SqliteBackend()
    for ruleset in (knowledge, law):
        for as_of in (before, on):
            assert backend.run(ruleset, [facts], as_of) == [
                normalise(evaluate(ruleset, facts, as_of).as_row())
            ]


def test_the_determination_names_the_person_its_facts_name() -> None:
    """``person_id`` is the fact of that name (Alice's facts file names her), else None."""
    ruleset = load_ruleset("us-federal/pardon")
    assert evaluate(ruleset, alice(), date(2019, 1, 1)).person_id == "alice-marie-johnson"
    facts = {k: v for k, v in alice().items() if k != "person_id"}
    assert evaluate(ruleset, facts, date(2019, 1, 1)).person_id is None


def _ruleset(tmp_path: Path, rule: str, kind: str = "required") -> Ruleset:
    """A ruleset ``ex/pardon`` of one rule ``ex.pardon.r`` whose condition lines are ``rule``."""
    body = f"kind: {kind}\neffective: {{from: 2000-01-01, basis: law}}\n" + rule
    return load_folder(example_ruleset(tmp_path / "ex" / "pardon", {"r": body}))


FIVE_YEARS_AFTER_RELEASE = (
    "parameters:\n"
    "  waiting_years: {description: Years after release, values: {2000-01-01: 5}}\n"
    'wait_until: "add_years(release_date, waiting_years)"\n'
)


def test_the_text_tree_states_the_grants_on_record_and_the_day_only_time_stands_in_the_way(
    tmp_path: Path,
) -> None:
    """Released 2015-03-01, five years end 2020-03-01: on 2019-08-01 only time fails. A
    commutation of 2016-01-04 is on record by then (another relief: it does not bar a pardon);
    a pardon of 2025-01-01 is not, as it was decided after the day screened."""
    ruleset = _ruleset(tmp_path, FIVE_YEARS_AFTER_RELEASE)
    grants = [
        GrantedRelief(kind="commutation", decided_on=date(2016, 1, 4)),
        GrantedRelief(kind="pardon", decided_on=date(2025, 1, 1)),
    ]
    d = evaluate(ruleset, {"release_date": "2015-03-01"}, date(2019, 8, 1), granted=grants)
    assert (d.outcome, d.eligible_on) == ("ineligible", date(2020, 3, 1))
    lines = d.to_text().splitlines()
    assert lines[1:4] == [
        "Outcome: INELIGIBLE",
        "Record: commutation granted on 2016-01-04",
        "Eligible on: 2020-03-01 (only time stands in the way)",
    ]
    assert not any("pardon granted" in line for line in lines)


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite"])
def test_a_date_valued_parameter_compiles_to_a_date_in_sql(tmp_path: Path, dialect: str) -> None:
    """``sentence_date >= cutoff`` with the cutoff 2014-04-23: sentenced that day passes, the
    day before fails, no sentence date is unknown; the query says so as Python does."""
    ruleset = _ruleset(
        tmp_path,
        "parameters:\n"
        "  cutoff: {description: First day sentenced, values: {2000-01-01: 2014-04-23}}\n"
        'when: "sentence_date >= cutoff"\n',
    )
    rows: list[dict[str, object]] = [
        {"person_id": "on", "sentence_date": date(2014, 4, 23)},
        {"person_id": "before", "sentence_date": date(2014, 4, 22)},
        {"person_id": "unknown"},
    ]
    expected = [
        ("on", "eligible", "", "", ""),
        ("before", "ineligible", "ex.pardon.r", "", ""),
        ("unknown", "needs_review", "", "ex.pardon.r", "sentence_date"),
    ]
    as_of = date(2020, 1, 1)
    backend = DuckdbBackend() if dialect == "duckdb" else SqliteBackend()
    got = backend.run(ruleset, rows, as_of)
    assert [
        (r["person_id"], r["outcome"], r["failed_rules"], r["unknown_rules"], r["missing_facts"])
        for r in got
    ] == expected
    assert all(r["eligible_on"] is None for r in got)
    assert got == [normalise(evaluate(ruleset, row, as_of).as_row()) for row in rows]


@pytest.mark.parametrize("dialect", ["duckdb", "sqlite"])
def test_a_ruleset_of_advisory_rules_only_is_eligible_in_sql_too(
    tmp_path: Path, dialect: str
) -> None:
    """With no required rule nothing can fail or be unknown, so every row is eligible with
    empty lists, whatever the advisory rule says (docs/rules.md: advisory rules never change
    the outcome)."""
    ruleset = _ruleset(tmp_path, 'when: "on_supervision == false"\n', kind="advisory")
    rows: list[dict[str, object]] = [
        {"person_id": "fails", "on_supervision": True},
        {"person_id": "unknown"},
    ]
    as_of = date(2020, 1, 1)
    backend = DuckdbBackend() if dialect == "duckdb" else SqliteBackend()
    got = backend.run(ruleset, rows, as_of)
    assert got == [
        {
            "person_id": person,
            "outcome": "eligible",
            "eligible_on": None,
            "failed_rules": "",
            "unknown_rules": "",
            "missing_facts": "",
        }
        for person in ("fails", "unknown")
    ]
    assert [evaluate(ruleset, row, as_of).rules[0].outcome for row in rows] == ["fail", "unknown"]
    assert got == [normalise(evaluate(ruleset, row, as_of).as_row()) for row in rows]


def test_a_hash_taken_while_the_folder_is_written_is_not_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The registry remembers a folder's hash against the stat signature it took before
    hashing, but only if the files still have that signature afterwards: a rule written
    meanwhile may be half in the hash. The next lookup hashes again (and sees the edit); from
    then on the folder is unchanged and is not hashed again."""
    from clemency.eligibility import registry
    from clemency.eligibility.model import ruleset_sha256

    copy = (tmp_path / "pardon").resolve()
    shutil.copytree(builtin_root() / "us-federal" / "pardon", copy)
    waiting = copy / "waiting_period.yaml"
    hashed: list[Path] = []
    real_hash = ruleset_sha256

    def hashing_while_written(folder: Path) -> str:
        digest = real_hash(folder)
        if not hashed:
            waiting.write_text(waiting.read_text().replace("{1993-10-18: 5}", "{1993-10-18: 7}"))
        hashed.append(folder)
        return digest

    monkeypatch.setattr(registry, "ruleset_sha256", hashing_while_written)
    load_folder(copy)
    assert copy not in registry._HASHES
    edited = load_folder(copy)
    assert len(hashed) == 2
    assert edited.rule("waiting_period").parameters["waiting_years"].values[0][1] == 7
    assert load_folder(copy) is edited
    assert len(hashed) == 2


def test_only_the_yaml_files_of_a_folder_are_watched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hash covers the folder's YAML files only, so a note written beside them cannot
    change it: the folder is not hashed again and the same ruleset is returned."""
    from clemency.eligibility import registry
    from clemency.eligibility.model import ruleset_sha256

    copy = (tmp_path / "pardon").resolve()
    shutil.copytree(builtin_root() / "us-federal" / "pardon", copy)
    hashed: list[Path] = []
    real_hash = ruleset_sha256

    def counting(folder: Path) -> str:
        hashed.append(folder)
        return real_hash(folder)

    monkeypatch.setattr(registry, "ruleset_sha256", counting)
    first = load_folder(copy)
    (copy / "NOTES.md").write_text("reviewed 2024\n")
    assert load_folder(copy) is first
    assert len(hashed) == 1
