"""When QA owes the chair's check: from the conference's start, for a request still going ahead."""

from datetime import UTC, datetime, timedelta

from service.domain.allowed_now import RequestNow, chair_check_due
from service.domain.states import RequestStatus

START = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def test_the_chairs_check_is_due_once_a_confirmed_conference_has_started() -> None:
    assert chair_check_due(RequestNow(RequestStatus.CONFIRMED, START, START))
    assert chair_check_due(RequestNow(RequestStatus.CONFIRMED, START, START + timedelta(days=3)))
    # On the day, before the start, it may be recorded but is not yet owed.
    assert not chair_check_due(
        RequestNow(RequestStatus.CONFIRMED, START, START - timedelta(hours=1))
    )


def test_no_chairs_check_is_owed_for_a_request_that_is_not_going_ahead() -> None:
    later = START + timedelta(hours=2)
    for status in RequestStatus:
        if status is not RequestStatus.CONFIRMED:
            assert not chair_check_due(RequestNow(status, START, later)), status
