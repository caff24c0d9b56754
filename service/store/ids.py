"""A saved row's id, never optional.

SQLModel declares every primary key `int | None`, because a row has none until it is first
written. Code that reads a row back from the database, or has flushed it, asks for the id here:
a row that somehow has none is a bug, and it stops here rather than becoming "user 0".
"""

from typing import Protocol


class _HasId(Protocol):
    @property
    def id(self) -> int | None: ...


class UnsavedRow(RuntimeError):
    """A row was used as if saved before it was written to the database."""


def saved_id(row: _HasId) -> int:
    """The id of a row that has been written (or flushed), or UnsavedRow."""
    if row.id is None:
        raise UnsavedRow(f"{type(row).__name__} has no id: it has not been saved yet.")
    return row.id
