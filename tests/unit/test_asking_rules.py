"""Whether a trainee may ask now, and why not: the order of the reasons and the closing day."""

from datetime import UTC, date, datetime

import pytest

from service.domain.asking import NotOpen, asking_now, check_not_asked_already
from service.domain.errors import AlreadyAsked
from service.domain.working_days import BankHolidayRegion

ENGLAND = BankHolidayRegion.ENGLAND_AND_WALES
# Friday 4 June 2027, 10:00 London (09:00 UTC), the week after the Spring bank holiday.
CONFERENCE = datetime(2027, 6, 4, 9, 0, tzinfo=UTC)


def test_requests_close_five_working_days_before_across_the_spring_bank_holiday() -> None:
    # Five working days after the last day, up to the conference's own: 4, 3, 2 and 1 June, then
    # (Monday 31 May being the Spring bank holiday) Friday 28 May. So Thursday 27 May is last.
    asking = asking_now(now=datetime(2027, 5, 11, 9, 0, tzinfo=UTC), conference_start=CONFERENCE,
                        min_notice_working_days=5, region=ENGLAND, asked_by_you=False,
                        open_requests=0, max_observers=1)  # fmt: skip
    assert asking.is_open
    assert asking.last_day == date(2027, 5, 27)


def test_the_last_day_is_open_and_the_next_morning_is_too_soon() -> None:
    last_evening = datetime(2027, 5, 27, 22, 59, tzinfo=UTC)  # 23:59 London, summer time
    next_midnight = datetime(2027, 5, 27, 23, 0, tzinfo=UTC)  # 00:00 London on Friday
    assert asking_now(now=last_evening, conference_start=CONFERENCE, min_notice_working_days=5,
                      region=ENGLAND, asked_by_you=False, open_requests=0,
                      max_observers=1).is_open  # fmt: skip
    too_soon = asking_now(now=next_midnight, conference_start=CONFERENCE,
                          min_notice_working_days=5, region=ENGLAND, asked_by_you=False,
                          open_requests=0, max_observers=1)  # fmt: skip
    assert too_soon.not_open is NotOpen.TOO_SOON


@pytest.mark.parametrize(
    ("asked_by_you", "open_requests", "in_time", "expected"),
    [
        (True, 1, True, NotOpen.ASKED_BY_YOU),  # their own request, not "another trainee"
        (True, 1, False, NotOpen.ASKED_BY_YOU),
        (False, 1, False, NotOpen.TOO_SOON),
        (False, 1, True, NotOpen.TAKEN),
        (False, 0, True, None),
    ],
)
def test_reasons_come_in_the_order_a_request_would_be_refused(
    asked_by_you: bool, open_requests: int, in_time: bool, expected: NotOpen | None
) -> None:
    now = (
        datetime(2027, 5, 11, 9, 0, tzinfo=UTC)
        if in_time
        else datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
    )
    asking = asking_now(now=now, conference_start=CONFERENCE, min_notice_working_days=5,
                        region=ENGLAND, asked_by_you=asked_by_you, open_requests=open_requests,
                        max_observers=1)  # fmt: skip
    assert asking.not_open is expected


def test_two_observers_allowed_leaves_room_after_one() -> None:
    now = datetime(2027, 5, 11, 9, 0, tzinfo=UTC)
    asking = asking_now(now=now, conference_start=CONFERENCE, min_notice_working_days=5,
                        region=ENGLAND, asked_by_you=False, open_requests=1,
                        max_observers=2)  # fmt: skip
    assert asking.is_open


def test_asking_twice_is_refused_in_words_about_the_trainee_themselves() -> None:
    check_not_asked_already(asked_by_you=False)
    with pytest.raises(AlreadyAsked, match="You have already asked"):
        check_not_asked_already(asked_by_you=True)
