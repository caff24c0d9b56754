"""Rules about the observer: one at a time, the promise of confidentiality, and timing."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from service.domain.allowed_now import check_before_conference
from service.domain.errors import (
    AcknowledgementMissing,
    ConferenceAlreadyTaken,
    IllegalTransition,
    InvalidConferenceTime,
)
from service.domain.observers import (
    check_acknowledged,
    check_conference_time,
    check_observer_capacity,
)

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)


def test_the_first_trainee_to_ask_may_observe() -> None:
    check_observer_capacity(open_requests_for_conference=0, max_observers=1)


def test_a_second_trainee_is_told_only_one_observer_can_attend() -> None:
    with pytest.raises(ConferenceAlreadyTaken) as refused:
        check_observer_capacity(open_requests_for_conference=1, max_observers=1)
    assert refused.value.message == (
        "Another trainee has already asked to observe this conference. "
        "Only one observer can attend."
    )


def test_a_larger_limit_is_named_in_the_refusal() -> None:
    check_observer_capacity(open_requests_for_conference=1, max_observers=2)
    with pytest.raises(ConferenceAlreadyTaken, match="Only 2 observers can attend"):
        check_observer_capacity(open_requests_for_conference=2, max_observers=2)


def test_the_confidentiality_statement_must_be_acknowledged() -> None:
    check_acknowledged(acknowledged=True)
    with pytest.raises(AcknowledgementMissing, match="confidentiality statement"):
        check_acknowledged(acknowledged=False)


def test_a_future_conference_time_comes_back_in_utc() -> None:
    plus_one = timezone(timedelta(hours=1))
    start = check_conference_time(starts_at=datetime(2027, 6, 8, 10, tzinfo=plus_one), now=NOW)
    assert start == datetime(2027, 6, 8, 9, tzinfo=UTC)


def test_a_conference_time_without_a_timezone_is_refused() -> None:
    with pytest.raises(InvalidConferenceTime, match="must include a timezone"):
        check_conference_time(starts_at=datetime(2027, 6, 8, 10), now=NOW)


def test_a_conference_time_in_the_past_is_refused_and_named() -> None:
    with pytest.raises(
        InvalidConferenceTime, match="Monday 7 December 2026 at 9:00am has already passed"
    ):
        check_conference_time(starts_at=NOW, now=NOW)


def test_actions_that_need_the_conference_ahead_are_refused_once_it_starts() -> None:
    check_before_conference(now=NOW, conference_start=NOW + timedelta(minutes=1), action="withdraw")
    with pytest.raises(IllegalTransition) as refused:
        check_before_conference(now=NOW, conference_start=NOW, action="withdraw")
    assert refused.value.message == "You cannot withdraw after the conference has started."
