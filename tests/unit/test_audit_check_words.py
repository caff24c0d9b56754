"""The audit check's sentence counts its entries in plain words: one entry, or all of them."""

from datetime import UTC, datetime, timedelta

from service.audit import AuditCheck
from service.record.audit_watch import ChainState


def test_one_entry_is_one_entry_and_more_are_all_of_them() -> None:
    assert AuditCheck(holds=True, entries_checked=1).describe() == (
        "The audit record holds: its one entry is unaltered."
    )
    assert AuditCheck(holds=True, entries_checked=7).describe() == (
        "The audit record holds: all 7 entries are unaltered."
    )


def test_a_page_or_a_copy_vouches_only_for_the_entries_up_to_its_check() -> None:
    checked_at = datetime(2027, 3, 28, 9, 41, tzinfo=UTC)  # 10:41am, summer time in London

    def words(entries: int, now: datetime) -> str:
        check = AuditCheck(holds=True, entries_checked=entries)
        return ChainState(check=check, checked_at=checked_at).held_words(now)

    same_day = checked_at + timedelta(hours=2)
    assert words(7, same_day) == (
        "The audit record was checked at 10:41am: its 7 entries up to then are unaltered."
    )
    assert words(1, same_day) == (
        "The audit record was checked at 10:41am: its one entry up to then is unaltered."
    )
    assert words(0, same_day) == "The audit record was checked at 10:41am: it held no entries then."
    assert words(7, checked_at + timedelta(days=1)).startswith(
        "The audit record was checked on Sunday 28 March 2027 at 10:41am:"
    )
