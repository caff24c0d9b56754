"""The rules under QA's statistics: periods, London days at the clock changes, notice, ranks."""

from collections import Counter
from datetime import UTC, date, datetime

import pytest

from service.domain.statistics import (
    FEWER_THAN_FIVE,
    PeriodKind,
    StatisticsPeriodInvalid,
    WorkingDayCounter,
    hour_percentile,
    london_day_of,
    notice_group,
    period_of,
    shown_count,
)
from service.domain.working_days import BankHolidayRegion

ENGLAND = BankHolidayRegion.ENGLAND_AND_WALES


@pytest.mark.parametrize(
    ("today", "kind", "first", "last"),
    [
        (date(2026, 11, 23), PeriodKind.THIS_MONTH, date(2026, 11, 1), date(2026, 11, 30)),
        (date(2028, 2, 29), PeriodKind.THIS_MONTH, date(2028, 2, 1), date(2028, 2, 29)),
        (date(2026, 11, 23), PeriodKind.THIS_QUARTER, date(2026, 10, 1), date(2026, 12, 31)),
        (date(2026, 1, 1), PeriodKind.THIS_QUARTER, date(2026, 1, 1), date(2026, 3, 31)),
        # The financial year turns on 1 April.
        (date(2026, 3, 31), PeriodKind.THIS_FINANCIAL_YEAR, date(2025, 4, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), PeriodKind.THIS_FINANCIAL_YEAR, date(2026, 4, 1), date(2027, 3, 31)),
        (date(2026, 4, 1), PeriodKind.LAST_FINANCIAL_YEAR, date(2025, 4, 1), date(2026, 3, 31)),
    ],
)
def test_periods(today: date, kind: PeriodKind, first: date, last: date) -> None:
    period = period_of(kind, today=today)
    assert (period.first_day, period.last_day) == (first, last)


def test_a_period_runs_from_midnight_to_midnight_in_london() -> None:
    summer = period_of(PeriodKind.DATES, today=date(2026, 1, 1), first=date(2026, 4, 1),
                       last=date(2026, 10, 25))  # fmt: skip
    assert summer.starts == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)  # BST
    assert summer.ends == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)  # GMT again
    assert len(summer.months()) == 7


@pytest.mark.parametrize(
    ("first", "last", "problem"),
    [
        (date(2026, 4, 2), date(2026, 4, 1), "on or after"),
        (date(2020, 1, 1), date(2026, 4, 1), "five years"),
        (None, date(2026, 4, 1), "both dates"),
    ],
)
def test_periods_that_cannot_be_added_up(first: date | None, last: date, problem: str) -> None:
    with pytest.raises(StatisticsPeriodInvalid, match=problem):
        period_of(PeriodKind.DATES, today=date(2026, 1, 1), first=first, last=last)


@pytest.mark.parametrize(
    ("utc_day", "late", "london"),
    [
        (date(2026, 3, 28), True, date(2026, 3, 28)),  # GMT: 23:30 UTC is 23:30 in London
        (date(2026, 3, 29), True, date(2026, 3, 30)),  # clocks went forward that morning
        (date(2026, 10, 24), True, date(2026, 10, 25)),  # still BST that evening
        (date(2026, 10, 25), True, date(2026, 10, 25)),  # clocks went back that morning
        (date(2026, 7, 1), False, date(2026, 7, 1)),
    ],
)
def test_london_days_from_utc_days_across_both_clock_changes(
    utc_day: date, late: bool, london: date
) -> None:
    assert london_day_of(utc_day, late) == london


def test_notice_counts_working_days_after_asking_up_to_the_conference() -> None:
    counter = WorkingDayCounter(date(2026, 5, 1), date(2026, 12, 31), region=ENGLAND)
    # Tuesday to Tuesday over the Spring bank holiday: Wed, Thu, Fri and the Tuesday itself.
    assert counter.after(date(2026, 5, 19), date(2026, 5, 26)) == 4
    # Asked on a Saturday for the Monday: one working day; the same day or before: none.
    assert counter.after(date(2026, 6, 6), date(2026, 6, 8)) == 1
    assert counter.after(date(2026, 6, 8), date(2026, 6, 8)) == 0
    assert counter.after(date(2026, 6, 9), date(2026, 6, 8)) == 0
    # Christmas Day and Boxing Day (a Saturday, so Monday 28 December) are not working days.
    assert counter.after(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert [notice_group(n) for n in (0, 4, 5, 19, 20, 90, -1)] == [
        "0 to 4", "0 to 4", "5 to 9", "15 to 19", "20 or more", "20 or more", "0 to 4"]  # fmt: skip


def test_percentiles_by_nearest_rank_over_whole_hours() -> None:
    assert hour_percentile(Counter(), 0.5) is None
    waits = Counter({0: 1, 2: 1, 5: 1, 30: 1})
    assert hour_percentile(waits, 0.5) == 3
    assert hour_percentile(waits, 0.9) == 31
    assert hour_percentile(Counter({4: 9, 100: 1}), 0.9) == 5


def test_small_counts_are_kept_back_only_when_asked() -> None:
    assert [shown_count(n, suppress_small=True) for n in (0, 1, 4, 5)] == [
        0, FEWER_THAN_FIVE, FEWER_THAN_FIVE, 5]  # fmt: skip
    assert shown_count(3, suppress_small=False) == 3
