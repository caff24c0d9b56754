"""The consent deadline: 17:00 London on a working day before the conference."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.consent import (
    check_can_approve,
    consent_deadline,
    latest_start_with_answers_due_on,
)
from service.domain.errors import IllegalTransition
from service.domain.times import london_day
from service.domain.working_days import BankHolidayRegion

LONDON = ZoneInfo("Europe/London")
EW = BankHolidayRegion.ENGLAND_AND_WALES


def deadline(conference: datetime, *, days: int = 1, region: BankHolidayRegion = EW) -> datetime:
    return consent_deadline(conference_start=conference, deadline_working_days=days, region=region)


def test_five_pm_in_summer_is_four_pm_utc() -> None:
    conference = datetime(2026, 6, 10, 10, tzinfo=LONDON)  # Wednesday
    assert deadline(conference) == datetime(2026, 6, 9, 16, tzinfo=UTC)


def test_five_pm_in_winter_is_five_pm_utc() -> None:
    conference = datetime(2026, 12, 9, 10, tzinfo=LONDON)
    assert deadline(conference) == datetime(2026, 12, 8, 17, tzinfo=UTC)


def test_the_deadline_comes_back_to_utc() -> None:
    assert deadline(datetime(2026, 6, 10, 10, tzinfo=LONDON)).tzinfo is UTC


def test_the_deadline_skips_the_weekend() -> None:
    conference = datetime(2026, 12, 14, 10, tzinfo=LONDON)  # Monday
    assert deadline(conference) == datetime(2026, 12, 11, 17, tzinfo=UTC)


def test_the_deadline_skips_easter_in_england_but_not_easter_monday_in_scotland() -> None:
    conference = datetime(2026, 4, 7, 10, tzinfo=LONDON)  # Tuesday after Easter Monday
    assert deadline(conference) == datetime(2026, 4, 2, 16, tzinfo=UTC)  # Thursday, summer time
    assert deadline(conference, region=BankHolidayRegion.SCOTLAND) == datetime(
        2026, 4, 6, 16, tzinfo=UTC
    )


def test_the_deadline_before_the_clocks_go_forward_is_in_winter_time() -> None:
    conference = datetime(2026, 3, 30, 10, tzinfo=LONDON)  # Monday, summer time
    assert deadline(conference) == datetime(2026, 3, 27, 17, tzinfo=UTC)


def test_the_deadline_before_the_clocks_go_back_is_in_summer_time() -> None:
    conference = datetime(2026, 10, 26, 10, tzinfo=LONDON)  # Monday, winter time
    assert deadline(conference) == datetime(2026, 10, 23, 16, tzinfo=UTC)


def test_more_working_days_move_the_deadline_further_back() -> None:
    conference = datetime(2026, 12, 16, 10, tzinfo=LONDON)  # Wednesday
    assert deadline(conference, days=3) == datetime(2026, 12, 11, 17, tzinfo=UTC)


def test_no_working_days_means_five_pm_on_the_day_or_the_start_if_sooner() -> None:
    morning = datetime(2026, 12, 14, 10, tzinfo=LONDON)
    evening = datetime(2026, 12, 14, 18, tzinfo=LONDON)
    assert deadline(morning, days=0) == morning
    assert deadline(evening, days=0) == datetime(2026, 12, 14, 17, tzinfo=UTC)


def test_qa_can_approve_until_the_deadline() -> None:
    due = datetime(2026, 12, 11, 17, tzinfo=UTC)
    check_can_approve(now=datetime(2026, 12, 11, 16, 59, tzinfo=UTC), deadline=due)


def test_qa_cannot_approve_once_the_deadline_has_passed() -> None:
    due = datetime(2026, 12, 11, 17, tzinfo=UTC)
    with pytest.raises(IllegalTransition) as refused:
        check_can_approve(now=due, deadline=due)
    assert refused.value.message == (
        "It is too late to ask the family: their answers were needed by "
        "Friday 11 December 2026 at 5:00pm."
    )


@settings(max_examples=400, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(LONDON)
    ),
    days=st.integers(min_value=0, max_value=10),
    region=st.sampled_from(list(BankHolidayRegion)),
)
def test_no_conference_whose_answers_are_due_on_a_day_starts_after_the_latest_start(
    start: datetime, days: int, region: BankHolidayRegion
) -> None:
    # The work list reads only conferences up to this day for answers due today: it must never
    # leave out one whose answers are due, across weekends, bank holidays and clock changes.
    due_day = london_day(deadline(start, days=days, region=region))
    latest = latest_start_with_answers_due_on(due_day, deadline_working_days=days, region=region)
    assert london_day(start) <= latest
