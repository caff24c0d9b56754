"""Instants are kept in UTC and read, computed and shown in London time."""

from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from service.domain.errors import InvalidConferenceTime

LONDON = ZoneInfo("Europe/London")

# Spelt out rather than taken from strftime, whose names follow the process locale.
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _is_aware(moment: datetime) -> bool:
    return moment.tzinfo is not None and moment.tzinfo.utcoffset(moment) is not None


def require_aware(moment: datetime, *, what: str) -> datetime:
    """The moment in UTC, or InvalidConferenceTime when it carries no timezone."""
    if not _is_aware(moment):
        raise InvalidConferenceTime(
            f"The {what} must include a timezone, for example 2026-12-07T10:00:00+00:00 "
            "or 2026-06-08T10:00:00+01:00."
        )
    # No real conference sits at the edges of the calendar, where converting between
    # timezones overflows (year 1 with a positive offset, say).
    if not 1900 <= moment.year <= 9000:
        raise InvalidConferenceTime(f"The {what} is not a date the service can use.")
    return moment.astimezone(UTC)


def _in_london(moment: datetime) -> datetime:
    # A naive time here is a programming mistake, not something a person typed.
    if not _is_aware(moment):
        raise ValueError("Times given to the domain must carry a timezone.")
    return moment.astimezone(LONDON)


def london_day(moment: datetime) -> date:
    """The calendar day in London at this moment."""
    return _in_london(moment).date()


def london_time(day: date, hour: int, minute: int = 0) -> datetime:
    """The moment (in UTC) when London clocks show `hour`:`minute` on `day`."""
    wall_clock = datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)
    return wall_clock.astimezone(UTC)


class ClockChange(StrEnum):
    """What the London clocks do at a wall-clock time on the night they change."""

    FORWARD = "forward"  # the time is skipped: it never shows on a London clock
    BACK = "back"  # the time shows twice, an hour apart


def clock_change_at(wall_clock: datetime) -> ClockChange | None:
    """Whether London clocks skip or repeat this naive wall-clock time; None when it shows once."""
    first = wall_clock.replace(tzinfo=LONDON, fold=0)
    second = wall_clock.replace(tzinfo=LONDON, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    # In the repeated hour, the first reading survives a round trip; in the skipped one, not.
    if first.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) == wall_clock:
        return ClockChange.BACK
    return ClockChange.FORWARD


def format_day(day: date) -> str:
    """The day as people write it, for example "Monday 7 December 2026"."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_clock(moment: datetime) -> str:
    """The London clock time alone, for example "10:00am"."""
    local = _in_london(moment)
    # GOV.UK style: "midday" and "midnight" rather than the ambiguous 12:00pm and 12:00am.
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def format_moment(moment: datetime) -> str:
    """The London time, for example "Monday 7 December 2026 at 10:00am"."""
    return f"{format_day(london_day(moment))} at {format_clock(moment)}"
