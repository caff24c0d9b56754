"""Working days in each UK nation: weekends and that nation's bank holidays are skipped."""

from datetime import date

import pytest

from service.domain.working_days import (
    BankHolidayRegion,
    add_working_days,
    is_working_day,
    subtract_working_days,
)

EW = BankHolidayRegion.ENGLAND_AND_WALES
SCOTLAND = BankHolidayRegion.SCOTLAND
NI = BankHolidayRegion.NORTHERN_IRELAND


@pytest.mark.parametrize("region", list(BankHolidayRegion))
def test_weekends_are_never_working_days(region: BankHolidayRegion) -> None:
    assert not is_working_day(date(2026, 12, 5), region=region)  # Saturday
    assert not is_working_day(date(2026, 12, 6), region=region)  # Sunday
    assert is_working_day(date(2026, 12, 7), region=region)  # Monday


@pytest.mark.parametrize("region", list(BankHolidayRegion))
def test_christmas_boxing_day_and_its_substitute_are_holidays_everywhere(
    region: BankHolidayRegion,
) -> None:
    assert not is_working_day(date(2026, 12, 25), region=region)  # Friday
    assert not is_working_day(date(2026, 12, 28), region=region)  # Monday, for Boxing Day
    assert is_working_day(date(2026, 12, 29), region=region)


@pytest.mark.parametrize("region", list(BankHolidayRegion))
def test_good_friday_is_a_holiday_in_every_nation(region: BankHolidayRegion) -> None:
    assert not is_working_day(date(2026, 4, 3), region=region)


def test_easter_monday_is_a_holiday_in_england_wales_and_northern_ireland_only() -> None:
    easter_monday = date(2026, 4, 6)
    assert not is_working_day(easter_monday, region=EW)
    assert not is_working_day(easter_monday, region=NI)
    assert is_working_day(easter_monday, region=SCOTLAND)


def test_the_second_of_january_is_a_holiday_only_in_scotland() -> None:
    assert not is_working_day(date(2026, 1, 2), region=SCOTLAND)
    assert is_working_day(date(2026, 1, 2), region=EW)
    assert is_working_day(date(2026, 1, 2), region=NI)


def test_st_patricks_day_is_a_holiday_only_in_northern_ireland() -> None:
    assert not is_working_day(date(2026, 3, 17), region=NI)
    assert is_working_day(date(2026, 3, 17), region=EW)
    assert is_working_day(date(2026, 3, 17), region=SCOTLAND)


def test_the_battle_of_the_boyne_holiday_moves_to_monday_in_northern_ireland() -> None:
    assert not is_working_day(date(2026, 7, 13), region=NI)  # 12 July 2026 is a Sunday
    assert is_working_day(date(2026, 7, 13), region=EW)


def test_adding_no_working_days_gives_the_same_day_even_at_a_weekend() -> None:
    saturday = date(2026, 12, 5)
    assert add_working_days(saturday, 0, region=EW) == saturday
    assert subtract_working_days(saturday, 0, region=EW) == saturday


def test_adding_working_days_steps_over_the_weekend() -> None:
    assert add_working_days(date(2026, 12, 4), 1, region=EW) == date(2026, 12, 7)
    assert add_working_days(date(2026, 12, 5), 1, region=EW) == date(2026, 12, 7)
    assert add_working_days(date(2026, 12, 7), 5, region=EW) == date(2026, 12, 14)


def test_subtracting_working_days_steps_back_over_the_weekend() -> None:
    assert subtract_working_days(date(2026, 12, 14), 1, region=EW) == date(2026, 12, 11)
    assert subtract_working_days(date(2026, 12, 14), 5, region=EW) == date(2026, 12, 7)


def test_adding_working_days_skips_christmas_and_the_boxing_day_substitute() -> None:
    assert add_working_days(date(2026, 12, 24), 1, region=EW) == date(2026, 12, 29)
    assert subtract_working_days(date(2026, 12, 29), 1, region=EW) == date(2026, 12, 24)


def test_the_new_year_differs_between_scotland_and_england() -> None:
    # 2027: 1 January is a Friday; Scotland also has 2 January, moved to Monday 4 January.
    assert add_working_days(date(2026, 12, 31), 1, region=EW) == date(2027, 1, 4)
    assert add_working_days(date(2026, 12, 31), 1, region=SCOTLAND) == date(2027, 1, 5)


def test_easter_is_two_days_off_in_england_and_one_in_scotland() -> None:
    assert add_working_days(date(2026, 4, 2), 1, region=EW) == date(2026, 4, 7)
    assert add_working_days(date(2026, 4, 2), 1, region=NI) == date(2026, 4, 7)
    assert add_working_days(date(2026, 4, 2), 1, region=SCOTLAND) == date(2026, 4, 6)


def test_a_negative_count_is_a_programming_mistake() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 12, 7), -1, region=EW)


@pytest.mark.parametrize("region", list(BankHolidayRegion))
def test_adding_then_subtracting_returns_to_a_working_day(region: BankHolidayRegion) -> None:
    day = date(2026, 1, 1)
    while day.year == 2026:
        if is_working_day(day, region=region):
            forward = add_working_days(day, 7, region=region)
            assert subtract_working_days(forward, 7, region=region) == day
        day = add_working_days(day, 1, region=region)
