"""Column types shared by every table: the one the outbox defines, so both agree on instants."""

from notifications.columns import UtcDateTime

__all__ = ["UtcDateTime"]
