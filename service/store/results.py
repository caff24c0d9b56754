"""How many rows an UPDATE or DELETE changed: the answer every compare-and-set rests on."""

from sqlalchemy import CursorResult, Result


def rows_changed(result: Result[object]) -> int:
    """The row count of a statement's result (an UPDATE or DELETE always has one)."""
    if not isinstance(result, CursorResult):
        raise TypeError("Only an UPDATE or DELETE says how many rows it changed.")
    return result.rowcount
