"""What QA's page may say about the last audit chain check: when it ran, and how far it reached."""

from datetime import UTC, datetime, timedelta

from service.audit import AuditCheck, ChainPoint
from service.domain.times import format_clock
from service.record.audit_watch import ChainState

CHECKED = datetime(2026, 11, 23, 10, 41, tzinfo=UTC)
STATE = ChainState(AuditCheck(True, 7, last=ChainPoint(7, "hash", 7)), CHECKED)


def test_the_check_time_is_a_london_clock_time_today_and_carries_its_day_after() -> None:
    assert STATE.checked_when(CHECKED + timedelta(minutes=5)) == "at 10:41am"
    assert (
        STATE.checked_when(CHECKED + timedelta(days=1)) == "on Monday 23 November 2026 at 10:41am"
    )
    assert format_clock(datetime(2026, 7, 1, 11, 0, tzinfo=UTC)) == "midday"


def test_entries_past_the_checked_point_are_not_yet_checked() -> None:
    assert STATE.not_yet_checked([3, None, 15, 7, 9]) == [9, 15]
    assert STATE.reached(7) and not STATE.reached(8)
    broken = ChainState(AuditCheck(False, 3, first_altered_id=3, problem="was changed"), CHECKED)
    assert not broken.reached(1)
