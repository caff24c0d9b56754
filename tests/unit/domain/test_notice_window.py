"""The notice window: a request must come at least N working days before the conference."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from service.domain.errors import RequestTooLate
from service.domain.notice import (
    check_request_in_time,
    earliest_conference_start,
    latest_request_day,
    latest_request_time,
)
from service.domain.working_days import BankHolidayRegion

LONDON = ZoneInfo("Europe/London")
EW = BankHolidayRegion.ENGLAND_AND_WALES
SCOTLAND = BankHolidayRegion.SCOTLAND
NI = BankHolidayRegion.NORTHERN_IRELAND


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def last_day(conference: datetime, *, region: BankHolidayRegion = EW, notice: int = 5) -> date:
    return latest_request_day(
        conference_start=conference, min_notice_working_days=notice, region=region
    )


def check(
    now: datetime, conference: datetime, *, region: BankHolidayRegion = EW, notice: int = 5
) -> None:
    check_request_in_time(
        now=now, conference_start=conference, min_notice_working_days=notice, region=region
    )


def test_a_request_any_time_on_the_last_day_is_in_time() -> None:
    conference = london(2026, 12, 14, 10)  # Monday
    assert last_day(conference) == date(2026, 12, 7)
    check(london(2026, 12, 7, 0, 0), conference)
    check(london(2026, 12, 7, 23, 59), conference)


def test_a_request_on_the_next_day_is_too_late_and_names_the_last_day() -> None:
    with pytest.raises(RequestTooLate) as refused:
        check(london(2026, 12, 8, 9), london(2026, 12, 14, 10))
    assert refused.value.message == (
        "This conference is too soon to ask the family. Requests must reach the Safeguarding "
        "Quality Assurance Service at least 5 working days before the conference, so a request "
        "for this one had to arrive by the end of Monday 7 December 2026."
    )


def test_a_weekend_before_the_last_day_is_in_time() -> None:
    check(london(2026, 12, 5, 12), london(2026, 12, 14, 10))


def test_a_weekend_straight_after_the_last_working_day_adds_no_working_day() -> None:
    conference = london(2026, 12, 18, 10)  # Friday: the five working days are 14-18 December
    assert last_day(conference) == date(2026, 12, 13)
    check(london(2026, 12, 13, 23, 30), conference)
    with pytest.raises(RequestTooLate, match="by the end of Sunday 13 December 2026"):
        check(london(2026, 12, 14, 0, 30), conference)


def test_a_request_for_a_conference_that_has_started_is_refused_plainly() -> None:
    conference = london(2026, 12, 14, 10)
    with pytest.raises(RequestTooLate, match="already started, so it cannot be observed"):
        check(conference, conference)
    with pytest.raises(RequestTooLate, match="already started"):
        check(conference + timedelta(days=3), conference)


def test_one_working_day_is_written_in_the_singular() -> None:
    with pytest.raises(RequestTooLate, match="at least 1 working day before"):
        check(london(2026, 12, 14, 9), london(2026, 12, 14, 10), notice=1)


def test_with_no_notice_a_request_is_in_time_until_the_conference_starts() -> None:
    conference = london(2026, 12, 14, 10)
    assert last_day(conference, notice=0) == date(2026, 12, 14)
    check(london(2026, 12, 14, 9, 59), conference, notice=0)


@pytest.mark.parametrize(
    ("region", "expected"),
    # Conference Tuesday 5 January 2027. In England, Wales and Northern Ireland the five working
    # days are 29, 30, 31 December, 4 and 5 January, so Christmas up to the Boxing Day substitute
    # is still in time. Scotland also has 2 January (moved to Monday 4th).
    [(EW, date(2026, 12, 28)), (NI, date(2026, 12, 28)), (SCOTLAND, date(2026, 12, 23))],
)
def test_the_window_stretches_over_christmas_and_new_year(
    region: BankHolidayRegion, expected: date
) -> None:
    assert last_day(london(2027, 1, 5, 10), region=region) == expected


def test_a_request_over_christmas_is_in_time_but_not_after_the_holidays() -> None:
    conference = london(2027, 1, 5, 10)
    check(london(2026, 12, 25, 11), conference)
    with pytest.raises(RequestTooLate, match="by the end of Monday 28 December 2026"):
        check(london(2026, 12, 29, 9), conference)
    with pytest.raises(RequestTooLate, match="by the end of Wednesday 23 December 2026"):
        check(london(2026, 12, 24, 9), conference, region=SCOTLAND)


@pytest.mark.parametrize(
    ("region", "expected"),
    [(EW, date(2026, 3, 31)), (NI, date(2026, 3, 31)), (SCOTLAND, date(2026, 4, 1))],
)
def test_the_window_stretches_over_easter_except_easter_monday_in_scotland(
    region: BankHolidayRegion, expected: date
) -> None:
    assert last_day(london(2026, 4, 9, 10), region=region) == expected  # Thursday after Easter


@pytest.mark.parametrize(
    ("region", "expected"),
    # Northern Ireland loses 17 March, so its last working day is Friday 13 March and the
    # weekend after it is still in time.
    [(EW, date(2026, 3, 16)), (SCOTLAND, date(2026, 3, 16)), (NI, date(2026, 3, 15))],
)
def test_st_patricks_day_shortens_the_window_only_in_northern_ireland(
    region: BankHolidayRegion, expected: date
) -> None:
    assert last_day(london(2026, 3, 23, 10), region=region) == expected


def test_the_battle_of_the_boyne_holiday_counts_only_in_northern_ireland() -> None:
    conference = london(2026, 7, 17, 10)  # Friday; Monday 13 July is the holiday in NI
    assert last_day(conference, region=EW) == date(2026, 7, 12)
    assert last_day(conference, region=NI) == date(2026, 7, 9)


@pytest.mark.parametrize(
    ("conference", "last_allowed"),
    [
        (london(2026, 3, 30, 10), date(2026, 3, 23)),  # Monday after the clocks go forward
        (london(2026, 10, 26, 10), date(2026, 10, 19)),  # Monday after the clocks go back
    ],
)
@pytest.mark.parametrize("as_utc", [False, True])
def test_the_london_day_decides_either_side_of_a_clock_change(
    conference: datetime, last_allowed: date, as_utc: bool
) -> None:
    late_evening = datetime.combine(last_allowed, datetime.min.time(), LONDON).replace(
        hour=23, minute=30
    )
    just_after_midnight = late_evening + timedelta(hours=1)
    if as_utc:
        conference, late_evening, just_after_midnight = (
            moment.astimezone(UTC) for moment in (conference, late_evening, just_after_midnight)
        )
    check(late_evening, conference)
    with pytest.raises(RequestTooLate, match=f"end of Monday {last_allowed.day}"):
        check(just_after_midnight, conference)


def test_in_october_half_past_midnight_in_london_is_still_the_previous_day_in_utc() -> None:
    just_after_midnight = london(2026, 10, 20, 0, 30).astimezone(UTC)
    assert just_after_midnight.date() == date(2026, 10, 19)
    with pytest.raises(RequestTooLate):
        check(just_after_midnight, london(2026, 10, 26, 10))


def test_the_latest_request_time_is_london_midnight_after_the_last_day() -> None:
    summer = latest_request_time(
        conference_start=london(2026, 10, 26, 10), min_notice_working_days=5, region=EW
    )
    assert summer == datetime(2026, 10, 19, 23, tzinfo=UTC)
    winter = latest_request_time(
        conference_start=london(2026, 12, 14, 10), min_notice_working_days=5, region=EW
    )
    assert winter == datetime(2026, 12, 8, 0, tzinfo=UTC)


def test_the_earliest_conference_for_a_request_made_now() -> None:
    earliest = earliest_conference_start(
        now=london(2026, 12, 7, 16), min_notice_working_days=5, region=EW
    )
    assert earliest == datetime(2026, 12, 14, 0, tzinfo=UTC)
    over_easter = earliest_conference_start(
        now=london(2026, 3, 31, 16), min_notice_working_days=5, region=EW
    )
    assert over_easter == london(2026, 4, 9).astimezone(UTC)


@pytest.mark.parametrize("region", list(BankHolidayRegion))
@pytest.mark.parametrize("notice", [0, 1, 5, 10])
def test_the_earliest_conference_and_the_check_agree_all_year(
    region: BankHolidayRegion, notice: int
) -> None:
    now = london(2026, 1, 1, 20)
    while now.year == 2026:
        earliest = earliest_conference_start(now=now, min_notice_working_days=notice, region=region)
        check(now, earliest, region=region, notice=notice)
        with pytest.raises(RequestTooLate):
            check(now, earliest - timedelta(microseconds=1), region=region, notice=notice)
        assert now < latest_request_time(
            conference_start=earliest, min_notice_working_days=notice, region=region
        )
        now += timedelta(days=1)
