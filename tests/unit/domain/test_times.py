"""Times are stored in UTC and shown in London time, in plain words."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from service.domain.errors import InvalidConferenceTime
from service.domain.times import (
    LONDON,
    format_day,
    format_moment,
    london_day,
    london_time,
    require_aware,
)


def test_days_are_written_out_in_full() -> None:
    assert format_day(date(2026, 12, 7)) == "Monday 7 December 2026"


def test_moments_are_shown_in_london_time() -> None:
    assert format_moment(datetime(2026, 12, 7, 10, tzinfo=UTC)) == (
        "Monday 7 December 2026 at 10:00am"
    )
    assert format_moment(datetime(2026, 6, 8, 16, tzinfo=UTC)) == "Monday 8 June 2026 at 5:00pm"
    assert format_moment(datetime(2026, 6, 8, 11, tzinfo=UTC)) == "Monday 8 June 2026 at midday"
    assert format_moment(datetime(2026, 12, 7, 0, 5, tzinfo=UTC)) == (
        "Monday 7 December 2026 at 12:05am"
    )


def test_a_time_without_a_timezone_is_refused_with_an_example() -> None:
    with pytest.raises(InvalidConferenceTime, match="The conference start must include a timezone"):
        require_aware(datetime(2026, 12, 7, 10), what="conference start")


def test_a_time_with_a_timezone_comes_back_in_utc() -> None:
    plus_one = timezone(timedelta(hours=1))
    moment = require_aware(datetime(2026, 6, 8, 10, tzinfo=plus_one), what="start")
    assert moment == datetime(2026, 6, 8, 9, tzinfo=UTC)
    assert moment.tzinfo is UTC


def test_the_london_day_can_differ_from_the_utc_day_in_summer() -> None:
    assert london_day(datetime(2026, 10, 19, 23, 30, tzinfo=UTC)) == date(2026, 10, 20)
    assert london_day(datetime(2026, 12, 7, 23, 30, tzinfo=UTC)) == date(2026, 12, 7)


def test_ten_oclock_in_london_is_ten_oclock_either_side_of_a_clock_change() -> None:
    assert london_time(date(2026, 3, 27), 10) == datetime(2026, 3, 27, 10, tzinfo=UTC)
    assert london_time(date(2026, 3, 30), 10) == datetime(2026, 3, 30, 9, tzinfo=UTC)
    assert london_time(date(2026, 10, 29), 10, 30) == datetime(2026, 10, 29, 10, 30, tzinfo=UTC)


def test_london_is_europe_london() -> None:
    assert ZoneInfo("Europe/London") == LONDON
