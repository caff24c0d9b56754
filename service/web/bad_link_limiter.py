"""Slowing down anyone who tries many bad consent links from one address."""

from collections import deque
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=1)
_MAX_TRACKED_ADDRESSES = 10_000


class BadLinkLimiter:
    """Counts bad link attempts per client address over the last minute, in this process."""

    def __init__(self, limit_per_minute: int) -> None:
        self.limit = limit_per_minute
        self._attempts: dict[str, deque[datetime]] = {}

    def _recent(self, address: str, now: datetime) -> deque[datetime]:
        attempts = self._attempts.get(address)
        if attempts is None:
            return deque()
        while attempts and now - attempts[0] >= WINDOW:
            attempts.popleft()
        if not attempts:
            del self._attempts[address]
        return attempts

    def is_blocked(self, address: str, now: datetime) -> bool:
        """True when this address has had more than the limit of bad attempts in a minute."""
        return len(self._recent(address, now)) >= self.limit

    def record_bad_attempt(self, address: str, now: datetime) -> None:
        """Count one bad attempt."""
        if len(self._attempts) >= _MAX_TRACKED_ADDRESSES and address not in self._attempts:
            # Under a flood from many addresses, forget the oldest rather than grow without end.
            self._attempts.pop(next(iter(self._attempts)))
        self._recent(address, now)
        self._attempts.setdefault(address, deque()).append(now)
