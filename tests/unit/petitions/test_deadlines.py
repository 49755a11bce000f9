import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from clemency.petitions import deadlines as dl
from clemency.petitions import lifecycle
from clemency.petitions.deadlines import Deadline, DeadlineInputs, LetterSnapshot, PetitionSnapshot


def fed(stage: str, kind: str = "commutation", **dates: date) -> PetitionSnapshot:
    return PetitionSnapshot(id="p1", jurisdiction="us-federal", kind=kind, stage=stage, **dates)


def one(items: list[Deadline], key: str) -> Deadline:
    found = [d for d in items if d.key == key]
    assert len(found) == 1, [d.key for d in items]
    return found[0]


def assert_boundary(d: Deadline, due: date) -> None:
    """The day before is upcoming, the day itself is due, the day after has passed."""
    assert d.due_on == due
    assert d.status(due - timedelta(days=1)) == "upcoming"
    assert d.status(due) == "due"
    assert d.status(due + timedelta(days=1)) == "passed"
    assert d.days_left(due - timedelta(days=1)) == 1


AS_OF = date(2019, 1, 1)
#: The federal lifecycle's calendar names the ruleset whose waiting periods open a petition.
(FED_PARDON,) = lifecycle.load("us-federal").spec.calendar.eligibility


def pardon_opens(facts: dict[str, object]) -> Deadline | None:
    return dl.eligibility_opens(FED_PARDON, facts, AS_OF)


def test_pardon_eligibility_five_years_after_release() -> None:
    d = pardon_opens(
        {"latest_release_date": "2018-06-06", "sentence_type": "prison", "is_in_custody": False}
    )
    assert d is not None
    assert d.citation.startswith("28 CFR 1.2")
    assert_boundary(d, date(2023, 6, 6))


def test_pardon_eligibility_leap_day_release() -> None:
    facts = {"latest_release_date": date(2020, 2, 29), "sentence_type": "prison"}
    d = pardon_opens({**facts, "is_in_custody": False})
    assert d is not None
    assert_boundary(d, date(2025, 2, 28))


def test_pardon_eligibility_from_sentencing_without_prison_and_after_supervision() -> None:
    facts = {
        "sentence_type": "probation",
        "was_confined": False,
        "sentence_date": "2019-03-31",
        "is_in_custody": False,
        "on_supervision": True,
        "supervision_end_date": "2022-03-30",
    }
    d = pardon_opens(facts)
    assert d is not None
    assert_boundary(d, date(2024, 3, 31))
    # supervision ending after the five years moves the day (28 CFR 1.2, second sentence)
    later = pardon_opens({**facts, "supervision_end_date": "2025-06-30"})
    assert later is not None
    assert later.due_on == date(2025, 7, 1)


def test_probation_revoked_into_prison_counts_from_release_not_sentencing() -> None:
    """Issue #11 item 10: the calendar used sentencing for any probation sentence."""
    facts = {
        "sentence_type": "probation",
        "sentence_date": "2012-03-01",
        "was_confined": True,
        "latest_release_date": "2018-09-30",
        "is_in_custody": False,
        "on_supervision": False,
    }
    d = pardon_opens(facts)
    assert d is not None
    assert d.due_on == date(2023, 9, 30)


def test_no_pardon_date_while_in_custody_or_unknown() -> None:
    assert pardon_opens({"is_in_custody": True, "latest_release_date": "2018-06-06"}) is None
    assert pardon_opens({"sentence_type": "prison", "is_in_custody": False}) is None


def test_no_pardon_date_without_as_of_in_the_inputs() -> None:
    facts = {
        "jurisdiction": "us-federal",
        "latest_release_date": "2018-06-06",
        "sentence_type": "prison",
        "is_in_custody": False,
    }
    assert dl.compute(DeadlineInputs(facts=facts)) == []
    (d,) = dl.compute(DeadlineInputs(facts=facts, as_of=AS_OF))
    assert d.key == "us-federal.pardon_eligible_on"
    assert d.due_on == date(2023, 6, 6)


def test_the_eligibility_date_comes_only_from_the_lifecycle_calendar() -> None:
    """No jurisdiction is named in Python: a state whose lifecycle declares no eligibility
    ruleset gets no such date for the same facts, and a pardon on record makes it moot."""
    facts = {"latest_release_date": "2018-06-06", "sentence_type": "prison", "is_in_custody": False}
    for state in ("us-ny", "us-ok", "us-ga"):
        assert dl.compute(DeadlineInputs(facts={**facts, "jurisdiction": state}, as_of=AS_OF)) == []
    pardoned = DeadlineInputs(
        facts={**facts, "jurisdiction": "us-federal"},
        as_of=AS_OF,
        grants=[dl.GrantSnapshot("pardon", date(2020, 8, 28))],
    )
    assert dl.compute(pardoned) == []


def test_deemed_denial_window_is_thirty_days_from_the_adverse_recommendation() -> None:
    p = fed(
        "at_white_house",
        adverse_recommendation_on=date(2026, 1, 31),
    )
    d = one(dl.compute(DeadlineInputs(petitions=[p])), "us-federal.deemed_denial_on")
    assert d.citation == "28 CFR 1.8(b)"
    assert_boundary(d, date(2026, 3, 2))
    assert "90-day window is proposed" in d.explanation


def test_no_deemed_denial_in_capital_cases_or_when_closed() -> None:
    p = fed(
        "at_white_house",
        adverse_recommendation_on=date(2026, 1, 31),
    )
    assert dl.compute(DeadlineInputs(facts={"is_capital_case": True}, petitions=[p])) == []
    closed = fed(
        "granted",
        adverse_recommendation_on=date(2026, 1, 31),
    )
    assert dl.compute(DeadlineInputs(petitions=[closed])) == []


def test_the_capital_timetable_is_the_lifecycles_not_every_jurisdictions() -> None:
    """28 CFR 1.10 binds federal petitions only: a Texas petition with an execution notice
    gets no federal capital deadlines (its own window is a rule of us-tx/commutation)."""
    p = PetitionSnapshot(
        id="p",
        jurisdiction="us-tx",
        kind="commutation",
        stage="submitted",
        execution_notice_on=date(2024, 1, 31),
        filed_on=date(2024, 2, 20),
        execution_on=date(2024, 5, 1),
    )
    assert dl.compute(DeadlineInputs(petitions=[p])) == []


def test_capital_timetable() -> None:
    p = fed(
        "submitted",
        kind="reprieve",
        execution_notice_on=date(2024, 1, 31),
        filed_on=date(2024, 2, 20),
        execution_on=date(2024, 5, 1),
    )
    items = dl.compute(DeadlineInputs(petitions=[p]))
    assert_boundary(one(items, "us-federal.capital_petition_due_on"), date(2024, 3, 1))  # leap year
    assert_boundary(one(items, "us-federal.capital_supporting_papers_due_on"), date(2024, 3, 6))
    execution = one(items, "us-federal.execution_on")
    assert execution.warning is not None
    assert "2024-05-30" in execution.warning
    ok = fed(
        "submitted",
        kind="reprieve",
        execution_notice_on=date(2024, 1, 31),
        execution_on=date(2024, 5, 30),
    )
    assert (
        one(dl.compute(DeadlineInputs(petitions=[ok])), "us-federal.execution_on").warning is None
    )


def test_docketing_inquiry_eight_weeks_after_submission() -> None:
    p = fed(
        "submitted",
        filed_on=date(2026, 1, 5),
    )
    assert_boundary(
        one(dl.compute(DeadlineInputs(petitions=[p])), "us-federal.docketing_inquiry_on"),
        date(2026, 3, 2),
    )
    docketed = fed(
        "docketed",
        filed_on=date(2026, 1, 5),
    )
    assert dl.compute(DeadlineInputs(petitions=[docketed])) == []


NO_OK_EXCEPTION = {
    "governor_recommended_reapplication": False,
    "penalty_changed_since_denial": False,
}


@pytest.mark.parametrize(
    ("jurisdiction", "kind", "denied_on", "facts", "expected"),
    [
        # OPA FAQ: "you are welcome to reapply now. You do NOT need to wait."
        ("us-federal", "commutation", date(2025, 5, 1), {}, date(2025, 5, 1)),
        ("us-federal", "pardon", date(2028, 2, 29), {}, date(2028, 2, 29)),
        # NY guidelines: "after one year from the date of the notification" of the denial
        (
            "us-ny",
            "commutation",
            date(2024, 2, 1),
            {"denial_notice_date": "2024-02-29"},
            date(2025, 2, 28),
        ),
        (
            "us-ny",
            "commutation",
            date(2023, 3, 1),
            {"denial_notice_date": "2023-03-20"},
            date(2024, 3, 20),
        ),
        # OAC 515:15-15-1: "three years from the last date of denial"
        ("us-ok", "commutation", date(2023, 8, 31), NO_OK_EXCEPTION, date(2026, 8, 31)),
        ("us-ok", "commutation", date(2024, 2, 29), NO_OK_EXCEPTION, date(2027, 2, 28)),
        # 730 ILCS 5/3-3-13(a-5): "one full year has elapsed from the date of the denial"
        (
            "us-il",
            "pardon",
            date(2024, 2, 29),
            {"eligibility_waiver_granted": False},
            date(2025, 2, 28),
        ),
        (
            "us-il",
            "commutation",
            date(2025, 5, 1),
            {"eligibility_waiver_granted": False},
            date(2026, 5, 1),
        ),
    ],
)
def test_reapplication_per_jurisdiction(
    jurisdiction: str, kind: str, denied_on: date, facts: dict[str, object], expected: date
) -> None:
    p = PetitionSnapshot(
        id="p", jurisdiction=jurisdiction, kind=kind, stage="denied", decided_on=denied_on
    )
    inputs = DeadlineInputs(facts={"jurisdiction": jurisdiction, **facts}, petitions=[p])
    d = one(dl.compute(inputs), f"{jurisdiction}.reapply_on")
    assert_boundary(d, expected)
    assert d.citation.startswith(f"{jurisdiction}.{kind}.reapply_after_denial")
    assert d.warning is None


def test_reapplication_exceptions_open_at_once() -> None:
    """OAC 515:15-15-1(1)-(2) and 730 ILCS 5/3-3-13(a-5): the Governor's recommendation, a
    statutory change in the penalty, the Chairman's waiver."""
    ok = PetitionSnapshot(
        id="p",
        jurisdiction="us-ok",
        kind="commutation",
        stage="denied",
        decided_on=date(2024, 3, 1),
    )
    for exception in ("governor_recommended_reapplication", "penalty_changed_since_denial"):
        inputs = DeadlineInputs(facts={"jurisdiction": "us-ok", exception: True}, petitions=[ok])
        assert one(dl.compute(inputs), "us-ok.reapply_on").due_on == date(2024, 3, 1)
    il = PetitionSnapshot(
        id="p", jurisdiction="us-il", kind="pardon", stage="denied", decided_on=date(2024, 3, 1)
    )
    waived = DeadlineInputs(
        facts={"jurisdiction": "us-il", "eligibility_waiver_granted": True}, petitions=[il]
    )
    assert one(dl.compute(waived), "us-il.reapply_on").due_on == date(2024, 3, 1)


def test_reapplication_facts_not_on_record_are_named() -> None:
    """NY counts from the notice of denial: without it, the calendar counts from the decision
    (the notice cannot come before it) and says so; an exception not on record is taken as
    not applying (the latest day) and named."""
    ny = PetitionSnapshot(
        id="p",
        jurisdiction="us-ny",
        kind="commutation",
        stage="denied",
        decided_on=date(2024, 3, 1),
    )
    d = one(dl.compute(DeadlineInputs(petitions=[ny])), "us-ny.reapply_on")
    assert d.due_on == date(2025, 3, 1)
    assert d.warning is not None
    assert "denial_notice_date = the decision day" in d.warning
    # a notice on record from an earlier denial is not this denial's notice
    older = DeadlineInputs(facts={"denial_notice_date": "2020-01-10"}, petitions=[ny])
    assert one(dl.compute(older), "us-ny.reapply_on").due_on == date(2025, 3, 1)
    ok = PetitionSnapshot(
        id="p",
        jurisdiction="us-ok",
        kind="commutation",
        stage="denied",
        decided_on=date(2024, 3, 1),
    )
    d = one(dl.compute(DeadlineInputs(petitions=[ok])), "us-ok.reapply_on")
    assert d.due_on == date(2027, 3, 1)
    assert d.warning is not None
    assert "governor_recommended_reapplication = no" in d.warning


def test_federal_denials_before_the_vouched_period_open_on_its_first_day() -> None:
    """The OPA answer is vouched for from 2024-05-31; before it Clemency cannot say, and the
    warning says so."""
    p = fed("denied", decided_on=date(2017, 1, 13))
    d = one(dl.compute(DeadlineInputs(petitions=[p])), "us-federal.reapply_on")
    assert d.due_on == date(2024, 5, 31)
    assert d.warning is not None
    assert "does not vouch for us-federal.commutation.reapply_after_denial" in d.warning


def test_a_later_grant_of_the_same_kind_makes_reapplication_moot() -> None:
    p = fed("denied", decided_on=date(2025, 5, 1))
    grant = dl.GrantSnapshot("commutation", date(2025, 6, 1))
    assert dl.compute(DeadlineInputs(petitions=[p], grants=[grant])) == []


def test_georgia_has_no_reapplication_rule_encoded() -> None:
    p = PetitionSnapshot(
        id="p", jurisdiction="us-ga", kind="pardon", stage="denied", decided_on=date(2024, 1, 1)
    )
    assert dl.compute(DeadlineInputs(facts={"jurisdiction": "us-ga"}, petitions=[p])) == []


def test_letter_follow_up_after_14_days_and_link_expiry() -> None:
    letter = LetterSnapshot(
        id="l1", author="Warden", requested_on=date(2026, 2, 10), expires_on=date(2026, 3, 12)
    )
    items = dl.letter_deadlines(letter)
    assert_boundary(one(items, "letters.follow_up_on"), date(2026, 2, 24))
    assert_boundary(one(items, "letters.link_expires_on"), date(2026, 3, 12))
    received = LetterSnapshot(
        id="l1", author="Warden", requested_on=date(2026, 2, 10), received_on=date(2026, 2, 20)
    )
    assert dl.letter_deadlines(received) == []


def test_state_notice_period_before_a_hearing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A notice period in a lifecycle file yields a dated deadline before each hearing."""
    from clemency.petitions import lifecycle

    base = lifecycle.load("us-ok")
    spec = base.spec.model_copy(
        update={
            "notice_periods": (
                lifecycle.NoticePeriodSpec(
                    key="notice_to_da",
                    title="Notice to the district attorney",
                    days_before=30,
                    citation="test rule",
                ),
            )
        }
    )
    monkeypatch.setattr(lifecycle, "load", lambda j: lifecycle.Lifecycle(spec=spec, sha256="x"))
    p = PetitionSnapshot(
        id="p",
        jurisdiction="us-ok",
        kind="commutation",
        stage="hearing_scheduled",
        hearing_on=date(2026, 3, 1),
    )
    items = dl.compute(DeadlineInputs(facts={"jurisdiction": "us-ok"}, petitions=[p]))
    assert_boundary(one(items, "us-ok.notice_to_da"), date(2026, 1, 30))
    assert_boundary(one(items, "us-ok.hearing_on"), date(2026, 3, 1))


def test_any_ruleset_with_a_reapplication_rule_gets_a_date_without_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The convention of docs/rules.md: a Georgia pardon ruleset (which has none) gaining a
    ``reapply_after_denial`` rule gives ``us-ga.reapply_on`` with no
    change in Python or in the lifecycle file. The wait here is a test value, not the law."""
    from clemency.eligibility.registry import builtin_root

    folder = tmp_path / "us-ga" / "pardon"
    shutil.copytree(builtin_root() / "us-ga" / "pardon", folder)
    manifest = folder / "ruleset.yaml"
    manifest.write_text(manifest.read_text().rstrip("\n") + "\n  - reapply_after_denial\n")
    (folder / "reapply_after_denial.yaml").write_text(
        """id: us-ga.pardon.reapply_after_denial
title: Test wait after a denial
kind: required
reference:
  citation: test value
  url: https://example.org
effective: {from: 2000-01-01, basis: law}
parameters:
  reapply_years:
    description: test
    values: {2000-01-01: 2}
wait_until: "if(has_prior_denial, add_years(last_denial_date, reapply_years), as_of)"
explain:
  pass: "ok"
  fail: "wait until {wait_until}"
  unknown: "unknown ({missing})"
"""
    )
    monkeypatch.setattr(dl, "builtin_root", lambda: tmp_path)
    p = PetitionSnapshot(
        id="p", jurisdiction="us-ga", kind="pardon", stage="denied", decided_on=date(2024, 2, 29)
    )
    d = one(dl.compute(DeadlineInputs(petitions=[p])), "us-ga.reapply_on")
    assert_boundary(d, date(2026, 2, 28))
    assert d.citation.startswith("us-ga.pardon.reapply_after_denial")
