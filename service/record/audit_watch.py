"""The audit chain's state for QA's pages: the walk of `cpc-observers verify-audit`, carried on
from where it last stopped, at most once a minute per process, or sooner when a page is about to
show entries the last walk did not reach.

The first walk reads every entry (about 0.1 ms each: some 10 seconds at 100,000 entries); each
later one checks that the last entry it saw is unchanged and walks only what was added since,
hashing in a worker thread. Pages show the last result while a walk runs in the background;
only the first page after the process starts waits for it, and never for more than a moment.
A full walk of the whole chain is `cpc-observers verify-audit`.
"""

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager, suppress
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.audit import AuditCheck, verify_audit_chain
from service.domain.times import format_clock, format_moment, london_day

logger = logging.getLogger("cpc_observers.audit")

SessionFactory = Callable[[], AbstractAsyncContextManager[AsyncSession]]


@dataclass(frozen=True)
class ChainState:
    """The last completed check and when it finished; no check while the first is running."""

    check: AuditCheck | None = None
    checked_at: datetime | None = None

    def reached(self, entry_id: int) -> bool:
        """Whether the last check walked as far as this entry and found the chain holding."""
        if self.check is None or not self.check.holds:
            return False
        return self.check.last is not None and self.check.last.entry_id >= entry_id

    def not_yet_checked(self, entry_ids: Iterable[int | None]) -> list[int]:
        """Those of these entries written after the last check's point, oldest first: a page
        must not say they are unaltered."""
        return sorted(i for i in entry_ids if i is not None and not self.reached(i))

    def held_words(self, now: datetime) -> str:
        """What a holding check vouches for, and no more: "The audit record was checked at
        10:41am: its 7 entries up to then are unaltered." Entries written since are not in it."""
        count = self.check.entries_checked if self.check else 0
        if not count:
            return (
                f"The audit record was checked {self.checked_when(now)}: it held no entries then."
            )
        entries = (
            "its one entry up to then is" if count == 1 else f"its {count} entries up to then are"
        )
        return f"The audit record was checked {self.checked_when(now)}: {entries} unaltered."

    def checked_when(self, now: datetime) -> str:
        """When the last check finished, in London: "at 10:41am" today, else with its day."""
        if self.checked_at is None:
            return ""
        if london_day(self.checked_at) == london_day(now):
            return f"at {format_clock(self.checked_at)}"
        return f"on {format_moment(self.checked_at)}"


class AuditChainWatch:
    """Walks the chain at most once per `max_age_seconds`; one walk at a time."""

    def __init__(
        self,
        sessions: SessionFactory,
        *,
        clock: Callable[[], datetime],
        max_age_seconds: float = 60.0,
        first_wait_seconds: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._max_age = max_age_seconds
        self._first_wait = first_wait_seconds
        self._monotonic = monotonic
        self._state = ChainState()
        self._walked_at: float | None = None
        self._walk: asyncio.Task[None] | None = None

    async def state(self, *, up_to: int | None = None) -> ChainState:
        """The latest result; starts a fresh walk when it is stale.

        `up_to` is the newest entry the caller will show: a result that stops short of it is
        stale whatever its age, and is waited for as the first walk is. Walking on from the last
        point costs only the entries added since.
        """
        check = self._state.check
        # A broken chain is walked again from its start, so only once a minute, not per page.
        behind = (
            up_to is not None and check is not None and check.holds
        ) and not self._state.reached(up_to)
        stale = self._walked_at is None or self._monotonic() - self._walked_at >= self._max_age
        if (stale or behind) and self._walk is None:
            self._walk = asyncio.create_task(self._run())
        if (self._state.check is None or behind) and self._walk is not None:
            # Shielded: a page that stops waiting must not cancel the walk for everyone else.
            with suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._walk), self._first_wait)
        return self._state

    async def _run(self) -> None:
        try:
            # Carry on from the last point that held; after a break, walk it all again.
            previous = self._state.check
            after = previous.last if previous is not None and previous.holds else None
            async with self._sessions() as session:
                check = await verify_audit_chain(session, after=after)
            self._state = ChainState(check, self._clock())
            self._walked_at = self._monotonic()
        except Exception:
            # The page keeps showing the last result with its time; the next view tries again.
            logger.exception("checking the audit chain failed")
        finally:
            self._walk = None
