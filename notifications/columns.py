"""Column types for the outbox table, kept here so `notifications` needs nothing from `service`."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC and always read back timezone-aware.

    SQLite has no timezone type, so values are kept there as naive UTC; PostgreSQL keeps
    `timestamptz`. Naive values are refused so a wall-clock time can never slip in unlabelled.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Check the value carries a timezone and convert it to UTC for storage."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Times must carry a timezone before they are stored.")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Return the stored instant as an aware UTC datetime."""
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"Expected a datetime from the database, got {type(value).__name__}.")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
