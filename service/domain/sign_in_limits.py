"""How many failed sign-ins an account or an address may have before it must wait."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
FAILURES_PER_ACCOUNT = 5
# An address may be a whole office behind one gateway: more room, but not unlimited.
FAILURES_PER_ADDRESS = 50


@dataclass(frozen=True)
class Wait:
    """A sign-in that must wait, and until when."""

    until: datetime

    def seconds_from(self, now: datetime) -> int:
        """Whole seconds left, at least one."""
        return max(1, int((self.until - now).total_seconds() + 0.999))


def must_wait(
    *, now: datetime, account_failures: Sequence[datetime], address_failures: Sequence[datetime]
) -> Wait | None:
    """A Wait when the account or the address had too many recent failures, else None.

    Each list holds the times of failures not cleared, newest first. The wait ends when the
    oldest failure that counts against the limit leaves the window.
    """
    waits = [
        failures[limit - 1] + WINDOW
        for failures, limit in (
            (account_failures, FAILURES_PER_ACCOUNT),
            (address_failures, FAILURES_PER_ADDRESS),
        )
        if len(failures) >= limit and failures[limit - 1] + WINDOW > now
    ]
    return Wait(max(waits)) if waits else None
