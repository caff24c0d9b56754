"""The notice window: how far ahead of a conference a trainee must ask to observe it."""

from datetime import date, datetime, timedelta

from service.domain.errors import RequestTooLate
from service.domain.times import format_day, london_day, london_time
from service.domain.working_days import (
    BankHolidayRegion,
    add_working_days,
    is_working_day,
    subtract_working_days,
)

# The rule: counting the working days strictly after the London day a request is made, up to
# and including the London day of the conference, there must be at least N.

_ONE_DAY = timedelta(days=1)


def _check_count(min_notice_working_days: int) -> None:
    if min_notice_working_days < 0:
        raise ValueError("The notice window cannot be a negative number of working days.")


def latest_request_day(
    *, conference_start: datetime, min_notice_working_days: int, region: BankHolidayRegion
) -> date:
    """The last London day on which a request for this conference is still in time."""
    _check_count(min_notice_working_days)
    conference_day = london_day(conference_start)
    if min_notice_working_days == 0:
        return conference_day
    last_working_day = conference_day
    while not is_working_day(last_working_day, region=region):
        last_working_day -= _ONE_DAY
    latest = subtract_working_days(last_working_day, min_notice_working_days, region=region)
    # A weekend or bank holiday straight after that day adds no working day to the count, so a
    # request made on it leaves the Service exactly as much time as one made the evening before.
    while not is_working_day(latest + _ONE_DAY, region=region):
        latest += _ONE_DAY
    return latest


def latest_request_time(
    *, conference_start: datetime, min_notice_working_days: int, region: BankHolidayRegion
) -> datetime:
    """The first moment (UTC) at which a request for this conference is too late."""
    last_day = latest_request_day(
        conference_start=conference_start,
        min_notice_working_days=min_notice_working_days,
        region=region,
    )
    return london_time(last_day + _ONE_DAY, 0)


def earliest_conference_start(
    *, now: datetime, min_notice_working_days: int, region: BankHolidayRegion
) -> datetime:
    """The earliest start (UTC) of a conference that a request made `now` is in time for."""
    _check_count(min_notice_working_days)
    if min_notice_working_days == 0:
        # A conference starting at this very moment has already started.
        return now + timedelta(microseconds=1)
    first_day = add_working_days(london_day(now), min_notice_working_days, region=region)
    return london_time(first_day, 0)


def _working_days_phrase(count: int) -> str:
    return f"{count} working day" if count == 1 else f"{count} working days"


def check_request_in_time(
    *,
    now: datetime,
    conference_start: datetime,
    min_notice_working_days: int,
    region: BankHolidayRegion,
) -> None:
    """Refuse with RequestTooLate a request made inside the notice window."""
    if now >= conference_start:
        raise RequestTooLate("This conference has already started, so it cannot be observed.")
    last_day = latest_request_day(
        conference_start=conference_start,
        min_notice_working_days=min_notice_working_days,
        region=region,
    )
    if london_day(now) > last_day:
        raise RequestTooLate(
            "This conference is too soon to ask the family. Requests must reach the "
            "Safeguarding Quality Assurance Service at least "
            f"{_working_days_phrase(min_notice_working_days)} before the conference, so a "
            f"request for this one had to arrive by the end of {format_day(last_day)}."
        )
