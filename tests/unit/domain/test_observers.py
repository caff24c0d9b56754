"""Rules about the observer: one at a time, the promise of confidentiality, and timing."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from service.domain.allowed_now import check_before_conference
from service.domain.confidentiality import CONFIDENTIALITY_STATEMENT_VERSION
from service.domain.errors import (
    AcknowledgementMissing,
    ConferenceAlreadyTaken,
    IllegalTransition,
    InvalidConferenceTime,
    PromiseOutOfDate,
)
from service.domain.observers import (
    asked_to_promise_again,
    check_acknowledged,
    check_conference_time,
    check_observer_capacity,
    check_promise_current,
    check_promise_renewable,
)
from service.domain.states import RequestStatus

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


def test_a_promise_to_the_current_statement_lets_approval_go_ahead() -> None:
    check_promise_current(promised_version=CONFIDENTIALITY_STATEMENT_VERSION)


def test_a_promise_to_an_earlier_statement_is_refused_with_what_to_do() -> None:
    with pytest.raises(PromiseOutOfDate) as refused:
        check_promise_current(promised_version="0")
    assert "under version 0 of the confidentiality statement" in refused.value.message
    assert f"it is now version {CONFIDENTIALITY_STATEMENT_VERSION}" in refused.value.message
    assert isinstance(refused.value, AcknowledgementMissing)


def test_the_trainee_is_asked_to_promise_again_only_while_qa_can_still_decide() -> None:
    assert asked_to_promise_again(status=RequestStatus.SUBMITTED, promised_version="0")
    assert not asked_to_promise_again(
        status=RequestStatus.SUBMITTED, promised_version=CONFIDENTIALITY_STATEMENT_VERSION
    )
    for decided in set(RequestStatus) - {RequestStatus.SUBMITTED}:
        assert not asked_to_promise_again(status=decided, promised_version="0")


def test_a_new_promise_is_recorded_once_and_refused_after_the_decision() -> None:
    assert check_promise_renewable(status=RequestStatus.SUBMITTED, promised_version="0")
    assert not check_promise_renewable(
        status=RequestStatus.SUBMITTED, promised_version=CONFIDENTIALITY_STATEMENT_VERSION
    )
    with pytest.raises(IllegalTransition, match="only while the request waits for a decision"):
        check_promise_renewable(status=RequestStatus.DECLINED, promised_version="0")
