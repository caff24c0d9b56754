"""The dispatcher: claims one due outbox row at a time, sends it, and records what happened.

One sender per message. A message is claimed (marked `sending`, with a lease) in the same short
transaction that records the result of the one before, immediately before it is sent, so a
claim never waits behind a slow batch. While the SMTP conversation lasts, the lease is renewed;
a dispatcher that cannot renew it (its database connection gone, or the row taken back) stops
sending that message. Each claim raises `attempts`, and every later write about the message
names the claim by that number, so a dispatcher whose claim was taken back changes nothing.

A message whose fate is unknown (the connection broke after the data, the reply never came, or
the dispatcher died mid-send) is tried again with the same Message-ID, as mail servers do, until
it is sent or its attempts run out; then it is undeliverable and the failure hook runs.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from notifications.errors import (
    PermanentDeliveryError,
    TemporaryDeliveryError,
    UncertainDeliveryError,
)
from notifications.outbox import UNFINISHED_STATUSES, DeliveryStatus, OutboxMessage
from notifications.transport import Transport

# Bodies and links (which carry secret tokens) are never logged: only ids, template and status.
logger = logging.getLogger("cpc_observers.notifications")

FailureHook = Callable[[AsyncSession, OutboxMessage], Awaitable[None]]


@dataclass(frozen=True)
class _Result:
    status: DeliveryStatus
    error: str | None = None


class Dispatcher:
    """Sends the outbox through one transport; several may run against one PostgreSQL database."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        transport: Transport,
        *,
        clock: Callable[[], datetime],
        batch_size: int = 50,
        lease_seconds: float = 120,
        backoff_base_seconds: float = 30,
        backoff_cap_seconds: float = 3600,
        max_attempts: int | None = None,
        on_permanent_failure: FailureHook | None = None,
    ) -> None:
        self.sessions = sessions
        self.transport = transport
        self.clock = clock
        self.batch_size = batch_size
        self.lease = timedelta(seconds=lease_seconds)
        self.backoff_base_seconds = backoff_base_seconds
        self.backoff_cap_seconds = backoff_cap_seconds
        self.max_attempts = max_attempts
        # Called in the transaction that records a permanent failure, so the service can tell
        # QA (for example that a family member's email bounced) atomically with the record.
        self.on_permanent_failure = on_permanent_failure

    async def run_once(self) -> int:
        """Send due messages, each claimed just before it goes, up to one batch; the count."""
        handled = 0
        row = await self._finish_and_claim(None, None, claim_next=True)
        while row is not None:
            handled += 1
            result = await self._send_holding_lease(row)
            row = await self._finish_and_claim(row, result, claim_next=handled < self.batch_size)
        return handled

    async def run_forever(self, stop: asyncio.Event, interval_seconds: float) -> None:
        """Send due messages until `stop` is set, pausing between rounds when the queue is empty."""
        try:
            while not stop.is_set():
                claimed = 0
                try:
                    claimed = await self.run_once()
                except Exception as error:
                    # One bad round (say the database restarting) must not stop delivery.
                    logger.error("outbox round failed: %s", type(error).__name__)
                if claimed < self.batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
        finally:
            await self.close()

    async def close(self) -> None:
        """Close the transport's connection."""
        await self.transport.close()

    def backoff(self, attempts: int) -> timedelta:
        """How long to wait after the `attempts`-th failed try: doubling from the base, capped."""
        exponent = min(max(attempts - 1, 0), 32)
        return timedelta(
            seconds=min(self.backoff_cap_seconds, self.backoff_base_seconds * 2**exponent)
        )

    def _due_queries(self, now: datetime) -> list[Any]:
        """One query per way a message can be due, each walking the (status, id) index.

        Asked as one query with OR, the database gathers and sorts every due message to find
        the oldest: cheap for one claim a batch, but a claim per message made that sort the
        dispatcher's main cost whenever a backlog had built up.
        """
        earlier = inspect(OutboxMessage).local_table.alias("earlier")
        # A message waits while an earlier one with its ordering key is still on its way, so a
        # calendar CANCEL never overtakes the REQUEST it cancels.
        blocked = exists().where(
            earlier.c.ordering_key == col(OutboxMessage.ordering_key),
            earlier.c.id < col(OutboxMessage.id),
            earlier.c.status.in_([status.value for status in UNFINISHED_STATUSES]),
        )
        status = col(OutboxMessage.status)
        # Compared through coalesce so that SQLite, which keeps no statistics, walks the
        # (status, id) index in id order rather than sorting what (status, next_attempt_at)
        # finds.
        due_now = func.coalesce(col(OutboxMessage.next_attempt_at), now) <= now
        ways_to_be_due = [
            and_(status == DeliveryStatus.PENDING.value, due_now),
            and_(status == DeliveryStatus.TEMPORARY_FAILURE.value, due_now),
            # A dispatcher that died mid-send left these; its lease has run out.
            and_(status == DeliveryStatus.SENDING.value, col(OutboxMessage.lease_until) < now),
        ]
        return [
            select(OutboxMessage)
            .where(due, ~blocked)
            .order_by(col(OutboxMessage.id))
            .limit(1)
            # PostgreSQL: concurrent dispatchers skip each other's rows instead of sharing
            # them. SQLite ignores this; there write transactions begin IMMEDIATE, one at a time.
            .with_for_update(skip_locked=True)
            for due in ways_to_be_due
        ]

    async def _claim_oldest_due(self, session: AsyncSession) -> OutboxMessage | None:
        """Mark the oldest due message `sending` under a fresh lease (caller's transaction)."""
        now = self.clock()
        candidates: list[OutboxMessage] = [
            row
            for query in self._due_queries(now)
            if (row := await session.scalar(query)) is not None
        ]
        if not candidates:
            return None
        claimed = min(candidates, key=lambda row: row.id or 0)
        claimed.status = DeliveryStatus.SENDING.value
        claimed.lease_until = now + self.lease
        claimed.attempts += 1
        await session.flush()
        # Detached with its loaded values: sending needs no database connection.
        session.expunge(claimed)
        return claimed

    async def _finish_and_claim(
        self, row: OutboxMessage | None, result: _Result | None, *, claim_next: bool
    ) -> OutboxMessage | None:
        """Record `row`'s result and claim the next due message, in one short transaction."""
        claimed: OutboxMessage | None = None
        async with self.sessions() as session, session.begin():
            if row is not None and result is not None:
                await self._record(session, row, result)
            if claim_next:
                claimed = await self._claim_oldest_due(session)
        return claimed

    async def _send_holding_lease(self, row: OutboxMessage) -> _Result | None:
        """Send, renewing the lease meanwhile; None when the lease was lost and sending stopped."""
        sending = asyncio.create_task(self._attempt(row))
        renew_every = self.lease.total_seconds() / 3
        while True:
            done, _ = await asyncio.wait({sending}, timeout=renew_every)
            if done:
                return sending.result()
            if not await self._renew(row):
                sending.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sending
                logger.warning("outbox %s: lease lost while sending; stopped", row.id)
                return None

    def _this_claim(self, row: OutboxMessage) -> Any:
        # Every claim raises `attempts`, so the pair names one claim of one message.
        return and_(
            col(OutboxMessage.id) == row.id,
            col(OutboxMessage.status) == DeliveryStatus.SENDING.value,
            col(OutboxMessage.attempts) == row.attempts,
        )

    async def _renew(self, row: OutboxMessage) -> bool:
        """Extend this dispatcher's lease on `row`; False if the claim is no longer ours."""
        lease_until = self.clock() + self.lease
        try:
            async with self.sessions() as session, session.begin():
                renewed = await session.execute(
                    update(OutboxMessage)
                    .where(self._this_claim(row))
                    .values(lease_until=lease_until)
                    .execution_options(synchronize_session=False)
                )
        except Exception as error:
            # Without the database the lease cannot be shown to hold: stop rather than risk
            # a second sender once it runs out.
            logger.error("outbox %s: lease renewal failed: %s", row.id, type(error).__name__)
            return False
        if renewed.rowcount != 1:  # type: ignore[attr-defined]
            return False
        row.lease_until = lease_until
        return True

    async def _attempt(self, row: OutboxMessage) -> _Result:
        try:
            await self.transport.send(row)
        except TemporaryDeliveryError as error:
            return _Result(DeliveryStatus.TEMPORARY_FAILURE, str(error))
        except PermanentDeliveryError as error:
            return _Result(DeliveryStatus.PERMANENT_FAILURE, str(error))
        except UncertainDeliveryError as error:
            # It may have arrived, or not: tried again with the same Message-ID, which lets
            # the receiving side recognise a repeat, rather than never arriving anywhere.
            return _Result(DeliveryStatus.TEMPORARY_FAILURE, f"delivery uncertain: {error}")
        except Exception as error:
            # A fault in a transport is retried like an outage; the type is logged, never the
            # text, which could quote the message.
            logger.error("outbox %s: unexpected %s while sending", row.id, type(error).__name__)
            return _Result(DeliveryStatus.TEMPORARY_FAILURE, f"unexpected {type(error).__name__}")
        return _Result(DeliveryStatus.SENT)

    async def _record(self, session: AsyncSession, row: OutboxMessage, result: _Result) -> None:
        """Write one result in the caller's transaction, if the claim is still this one's."""
        now = self.clock()
        status, error = result.status, result.error
        values: dict[str, Any] = {"lease_until": None, "last_error": error}
        if status is DeliveryStatus.SENT:
            values["sent_at"] = now
        elif status is DeliveryStatus.TEMPORARY_FAILURE:
            if self.max_attempts is not None and row.attempts >= self.max_attempts:
                status = DeliveryStatus.PERMANENT_FAILURE
                values["last_error"] = f"gave up after {row.attempts} attempts: {error}"
            else:
                values["next_attempt_at"] = now + self.backoff(row.attempts)
        values["status"] = status.value
        if values["last_error"] is not None:
            values["last_error"] = values["last_error"][:500]
        written = await session.execute(
            update(OutboxMessage)
            .where(self._this_claim(row))
            .values(**values)
            # Nothing in this session holds the row, so there is nothing to bring up to date.
            .execution_options(synchronize_session=False)
        )
        if written.rowcount != 1:  # type: ignore[attr-defined]
            logger.warning("outbox %s: lease lost before the result was recorded", row.id)
            return
        for name, value in values.items():
            setattr(row, name, value)
        if status is DeliveryStatus.PERMANENT_FAILURE and self.on_permanent_failure:
            await self._after_permanent_failure(session, row)
        logger.info("outbox %s (%s): %s, attempt %s", row.id, row.template, status, row.attempts)

    async def _after_permanent_failure(self, session: AsyncSession, row: OutboxMessage) -> None:
        assert self.on_permanent_failure is not None
        try:
            # A savepoint, so a failing hook loses only its own writes: the failure itself is
            # still recorded, rather than the row staying `sending` and going out again.
            async with session.begin_nested():
                await self.on_permanent_failure(session, row)
        except Exception as error:
            logger.error(
                "outbox %s: permanent-failure hook failed: %s", row.id, type(error).__name__
            )
