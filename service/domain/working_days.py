"""Working days: Monday to Friday, less the bank holidays of one UK nation."""

from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays


class BankHolidayRegion(StrEnum):
    """The UK nation whose bank holidays are not working days."""

    ENGLAND_AND_WALES = "england-and-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"


# England and Wales share one calendar of bank holidays; the England subdivision stands for both.
_SUBDIVISION: dict[BankHolidayRegion, str] = {
    BankHolidayRegion.ENGLAND_AND_WALES: "ENG",
    BankHolidayRegion.SCOTLAND: "SCT",
    BankHolidayRegion.NORTHERN_IRELAND: "NIR",
}
_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=256)
def _bank_holidays(region: BankHolidayRegion, year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("GB", subdiv=_SUBDIVISION[region], years=year)
    return frozenset(calendar.keys())


def is_working_day(day: date, *, region: BankHolidayRegion) -> bool:
    """True from Monday to Friday, unless the day is a bank holiday in `region`."""
    return day.weekday() < 5 and day not in _bank_holidays(region, day.year)


def _step_working_days(
    day: date, count: int, *, step: timedelta, region: BankHolidayRegion
) -> date:
    if count < 0:
        raise ValueError(f"A count of working days cannot be negative (got {count}).")
    remaining = count
    while remaining:
        day += step
        if is_working_day(day, region=region):
            remaining -= 1
    return day


def add_working_days(day: date, count: int, *, region: BankHolidayRegion) -> date:
    """The `count`-th working day after `day` (`day` itself when `count` is 0)."""
    return _step_working_days(day, count, step=_ONE_DAY, region=region)


def subtract_working_days(day: date, count: int, *, region: BankHolidayRegion) -> date:
    """The `count`-th working day before `day` (`day` itself when `count` is 0)."""
    return _step_working_days(day, count, step=-_ONE_DAY, region=region)
