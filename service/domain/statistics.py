"""The rules QA's statistics follow: reporting periods, London days, notice, percentiles, and
small counts kept back from figures that will be published.

A request belongs to the period its conference falls in (London days, midnight to midnight), so
a year's figures describe that year's conferences however early trainees asked.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from service.domain.errors import DomainError
from service.domain.times import LONDON, london_time
from service.domain.working_days import BankHolidayRegion, is_working_day

FEWER_THAN_FIVE = "fewer than 5"
# The longest period one page adds up: five financial years.
MAX_PERIOD_DAYS = 5 * 366
# Working days of notice, grouped as QA reports them.
NOTICE_GROUPS = ("0 to 4", "5 to 9", "10 to 14", "15 to 19", "20 or more")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


class StatisticsPeriodInvalid(DomainError):
    """The period asked for cannot be added up: the dates are wrong, reversed or too far apart."""


class PeriodKind(StrEnum):
    """The periods QA chooses between."""

    THIS_MONTH = "this-month"
    THIS_QUARTER = "this-quarter"
    THIS_FINANCIAL_YEAR = "this-financial-year"
    LAST_FINANCIAL_YEAR = "last-financial-year"
    DATES = "dates"


@dataclass(frozen=True)
class Period:
    """London days from `first_day` to `last_day`, both included."""

    first_day: date
    last_day: date

    @property
    def starts(self) -> datetime:
        """Midnight in London at the start of the first day, as a UTC instant."""
        return london_time(self.first_day, 0)

    @property
    def ends(self) -> datetime:
        """Midnight in London at the end of the last day (the next day's start)."""
        return london_time(self.last_day + timedelta(days=1), 0)

    def months(self) -> list[tuple[int, int]]:
        """Each (year, month) the period touches, in order."""
        months, year, month = [], self.first_day.year, self.first_day.month
        while (year, month) <= (self.last_day.year, self.last_day.month):
            months.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def describe(self) -> str:
        """The period in words: "1 April 2026 to 31 March 2027"."""
        return f"{day_words(self.first_day)} to {day_words(self.last_day)}"


def day_words(day: date) -> str:
    """A day as "1 April 2026"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def month_words(year: int, month: int) -> str:
    """A month as "April 2026"."""
    return f"{_MONTHS[month - 1]} {year}"


def _financial_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _last_day_of_month(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def period_of(
    kind: PeriodKind, *, today: date, first: date | None = None, last: date | None = None
) -> Period:
    """The period QA asked for; `first` and `last` only for `DATES`."""
    if kind is PeriodKind.THIS_MONTH:
        return Period(today.replace(day=1), _last_day_of_month(today.year, today.month))
    if kind is PeriodKind.THIS_QUARTER:
        first_month = 3 * ((today.month - 1) // 3) + 1
        return Period(
            date(today.year, first_month, 1), _last_day_of_month(today.year, first_month + 2)
        )
    if kind in (PeriodKind.THIS_FINANCIAL_YEAR, PeriodKind.LAST_FINANCIAL_YEAR):
        starts = _financial_year_start(today)
        if kind is PeriodKind.LAST_FINANCIAL_YEAR:
            starts = starts.replace(year=starts.year - 1)
        return Period(starts, starts.replace(year=starts.year + 1) - timedelta(days=1))
    if first is None or last is None:
        raise StatisticsPeriodInvalid("Give both dates: the first day and the last day.")
    if last < first:
        raise StatisticsPeriodInvalid("The last day must be on or after the first day.")
    if (last - first).days >= MAX_PERIOD_DAYS:
        raise StatisticsPeriodInvalid("Choose a period of at most five years.")
    return Period(first, last)


def london_day_of(utc_day: date, late_evening: bool) -> date:
    """The London day of an instant known by its UTC day and whether it was 23:00 UTC or later.

    London is UTC or one hour ahead, so the two days differ only in that last UTC hour while
    British Summer Time is in force; this lets a database group by UTC day and still count
    London days exactly, clock changes included.
    """
    if not late_evening:
        return utc_day
    moment = datetime(utc_day.year, utc_day.month, utc_day.day, 23, 30, tzinfo=UTC)
    return moment.astimezone(LONDON).date()


class WorkingDayCounter:
    """Working days between two days of one span, each count a subtraction: a year's requests
    are counted without walking the calendar once per request."""

    def __init__(self, first: date, last: date, *, region: BankHolidayRegion) -> None:
        self.first = first
        self._running: list[int] = [0]
        day = first
        while day < last:
            day += timedelta(days=1)
            self._running.append(self._running[-1] + is_working_day(day, region=region))

    def after(self, asked: date, until: date) -> int:
        """The working days after the day of asking, up to and including `until` (0 when
        `until` is not after it)."""
        if until <= asked:
            return 0
        return self._running[(until - self.first).days] - self._running[(asked - self.first).days]


def notice_group(working_days: int) -> str:
    """Which of `NOTICE_GROUPS` a request's notice falls in."""
    return NOTICE_GROUPS[min(max(working_days, 0) // 5, len(NOTICE_GROUPS) - 1)]


def hour_percentile(hours: Mapping[int, int], fraction: float) -> int | None:
    """The nearest-rank percentile of waits counted by whole hour: the answer came within the
    returned number of hours (None when nobody answered)."""
    total = sum(hours.values())
    if total == 0:
        return None
    rank, seen = max(1, math.ceil(fraction * total)), 0
    for hour in sorted(hours):
        seen += hours[hour]
        if seen >= rank:
            return hour + 1
    raise AssertionError("the rank lies within the total")


def shown_count(count: int, *, suppress_small: bool) -> int | str:
    """A count as published: 1 to 4 become "fewer than 5" when small counts are kept back, so
    nobody in a small group can be picked out."""
    if suppress_small and 1 <= count <= 4:
        return FEWER_THAN_FIVE
    return count
