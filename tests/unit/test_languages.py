"""Dates in each language a family reads, in London time across the clock changes."""

from datetime import UTC, datetime

from service.domain.times import format_moment
from service.languages import Language, day_in, moment_in, parse_language


def test_welsh_writes_the_day_in_lower_case_and_mutates_it_after_on() -> None:
    moment = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    assert moment_in(Language.WELSH, moment) == "dydd Mawrth 8 Rhagfyr 2026 am 10:00"
    assert moment_in(Language.WELSH, moment, on=True) == "ddydd Mawrth 8 Rhagfyr 2026 am 10:00"


def test_welsh_times_are_london_times_on_both_sides_of_the_clock_changes() -> None:
    # 09:00 UTC is 10:00 in London in summer time, and 09:00 in winter.
    summer = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
    winter = datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    assert moment_in(Language.WELSH, summer).endswith("am 10:00")
    assert moment_in(Language.WELSH, winter).endswith("am 09:00")


def test_english_is_unchanged_by_on_and_matches_the_service_everywhere() -> None:
    moment = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    assert moment_in(Language.ENGLISH, moment, on=True) == format_moment(moment)
    assert day_in(Language.WELSH, moment) == "Dydd Mawrth 8 Rhagfyr 2026"


def test_only_english_and_welsh_are_languages() -> None:
    assert parse_language(" CY ") is Language.WELSH
    assert parse_language("en") is Language.ENGLISH
    assert parse_language("fr") is None
    assert parse_language(None) is None
    assert parse_language("") is None
