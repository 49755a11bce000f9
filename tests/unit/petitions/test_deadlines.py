from datetime import date, timedelta

import pytest

from clemency.petitions import deadlines as dl
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


def test_pardon_eligibility_five_years_after_release() -> None:
    d = dl.pardon_eligibility(
        {"latest_release_date": "2018-06-06", "sentence_type": "prison", "is_in_custody": False},
        AS_OF,
    )
    assert d is not None
    assert d.citation.startswith("28 CFR 1.2")
    assert_boundary(d, date(2023, 6, 6))


def test_pardon_eligibility_leap_day_release() -> None:
    facts = {"latest_release_date": date(2020, 2, 29), "sentence_type": "prison"}
    d = dl.pardon_eligibility({**facts, "is_in_custody": False}, AS_OF)
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
    d = dl.pardon_eligibility(facts, AS_OF)
    assert d is not None
    assert_boundary(d, date(2024, 3, 31))
    # supervision ending after the five years moves the day (28 CFR 1.2, second sentence)
    later = dl.pardon_eligibility({**facts, "supervision_end_date": "2025-06-30"}, AS_OF)
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
    d = dl.pardon_eligibility(facts, AS_OF)
    assert d is not None
    assert d.due_on == date(2023, 9, 30)


def test_no_pardon_date_while_in_custody_or_unknown() -> None:
    assert (
        dl.pardon_eligibility({"is_in_custody": True, "latest_release_date": "2018-06-06"}, AS_OF)
        is None
    )
    assert dl.pardon_eligibility({"sentence_type": "prison", "is_in_custody": False}, AS_OF) is None


def test_no_pardon_date_without_as_of_in_the_inputs() -> None:
    facts = {"latest_release_date": "2018-06-06", "sentence_type": "prison", "is_in_custody": False}
    assert dl.compute(DeadlineInputs(facts=facts)) == []
    (d,) = dl.compute(DeadlineInputs(facts=facts, as_of=AS_OF))
    assert d.due_on == date(2023, 6, 6)


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


@pytest.mark.parametrize(
    ("jurisdiction", "kind", "denied_on", "expected"),
    [
        ("us-federal", "commutation", date(2017, 1, 13), date(2018, 1, 13)),  # practice before 2024
        ("us-federal", "pardon", date(2020, 2, 29), date(2022, 2, 28)),
        ("us-federal", "commutation", date(2025, 5, 1), date(2025, 5, 1)),  # no waiting since 2024
        ("us-ny", "commutation", date(2024, 2, 29), date(2025, 2, 28)),
        ("us-ok", "commutation", date(2023, 8, 31), date(2026, 8, 31)),
    ],
)
def test_reapplication_per_jurisdiction(
    jurisdiction: str, kind: str, denied_on: date, expected: date
) -> None:
    p = PetitionSnapshot(
        id="p", jurisdiction=jurisdiction, kind=kind, stage="denied", decided_on=denied_on
    )
    d = one(dl.compute(DeadlineInputs(petitions=[p])), f"{jurisdiction}.reapply_on")
    assert_boundary(d, expected)
    assert d.citation


def test_georgia_has_no_reapplication_rule_encoded() -> None:
    p = PetitionSnapshot(
        id="p", jurisdiction="us-ga", kind="pardon", stage="denied", decided_on=date(2024, 1, 1)
    )
    assert dl.compute(DeadlineInputs(facts={"jurisdiction": "us-ga"}, petitions=[p])) == []


def test_letter_follow_up_after_21_days_and_link_expiry() -> None:
    letter = LetterSnapshot(
        id="l1", author="Warden", requested_on=date(2026, 2, 10), expires_on=date(2026, 3, 12)
    )
    items = dl.letter_deadlines(letter)
    assert_boundary(one(items, "letters.follow_up_on"), date(2026, 3, 3))
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
