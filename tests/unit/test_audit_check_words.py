"""The audit check's sentence counts its entries in plain words: one entry, or all of them."""

from service.audit import AuditCheck


def test_one_entry_is_one_entry_and_more_are_all_of_them() -> None:
    assert AuditCheck(holds=True, entries_checked=1).describe() == (
        "The audit record holds: its one entry is unaltered."
    )
    assert AuditCheck(holds=True, entries_checked=7).describe() == (
        "The audit record holds: all 7 entries are unaltered."
    )
