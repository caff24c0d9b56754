"""Slowing down anyone who tries many bad consent links from one address.

Only bad attempts are counted, and a valid link is never refused: a family behind the same
address as someone guessing (a family centre, a mobile network) still gets its page. Counts live
in the database, so every process sees the same number. The address a request came from is the
peer's own, or, behind a proxy listed in CPC_TRUSTED_PROXIES, the one that proxy reports; a
forwarded header from anyone else is ignored (see `cli.py`).
"""

from datetime import datetime, timedelta

from service.signing import keyed_digest
from service.store.bad_links import bad_links_in_window, count_bad_link
from service.store.database import Database

WINDOW = timedelta(minutes=1)


class BadLinkLimiter:
    """Counts bad link attempts per client address per minute, across processes."""

    def __init__(self, database: Database, *, limit_per_minute: int, key: str) -> None:
        self.database = database
        self.limit = limit_per_minute
        self._key = key

    def _address_key(self, address: str) -> str:
        # A keyed hash: enough to count by, without keeping anyone's address.
        return keyed_digest(self._key, address)

    @staticmethod
    def _window(now: datetime) -> datetime:
        return now.replace(second=0, microsecond=0)

    async def is_blocked(self, address: str, now: datetime) -> bool:
        """True when this address has had the limit of bad attempts this minute."""
        async with self.database.read_session() as session:
            made = await bad_links_in_window(
                session, address_key=self._address_key(address), window_start=self._window(now)
            )
        return made >= self.limit

    async def record_bad_attempt(self, address: str, now: datetime) -> None:
        """Count one bad attempt."""
        async with self.database.write_session() as session:
            await count_bad_link(
                session, address_key=self._address_key(address), window_start=self._window(now)
            )
            await session.commit()
