"""The dispatcher: claims due outbox rows, sends each under a lease it holds, records the result.

One sender per message. A round claims a batch (marks the rows `sending` with a lease), then
renews each message's lease immediately before sending it, in the same short transaction that
records the result of the one before, and keeps renewing it while the SMTP conversation lasts.
A message whose lease could not be renewed (it ran out and another dispatcher took the message
back) is left to that dispatcher. Each claim raises `attempts`, and every later write about the
message names the claim by that number, so a dispatcher that lost its claim changes nothing.

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
from typing import Any, cast

from sqlalchemy import CursorResult, Table, and_, exists, func, inspect, select, update
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

# Results and lease renewals are written as plain table updates: the ORM's bulk-update path
# cost more CPU per message than the rest of the dispatcher together.
_TABLE = cast(Table, inspect(OutboxMessage).local_table)

FailureHook = Callable[[AsyncSession, OutboxMessage], Awaitable[None]]


@dataclass(frozen=True)
class _Result:
    status: DeliveryStatus
    error: str | None = None
    provider_id: str | None = None


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
        on_result: Callable[[str, DeliveryStatus], None] | None = None,
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
        # Told each attempt's channel and result once it is recorded (for the service's metrics).
        self.on_result = on_result

    async def run_once(self) -> int:
        """Claim a batch of due messages and send each under a lease renewed just before it."""
        rows = await self._claim_batch()
        finished: tuple[OutboxMessage, _Result] | None = None
        for position, row in enumerate(rows):
            # The first was claimed a moment ago; each later one is renewed now, or skipped
            # if its lease ran out and another dispatcher has it.
            if position > 0 and not await self._record_and_renew(finished, row):
                finished = None
                logger.warning("outbox %s: taken back by another dispatcher; skipped", row.id)
                continue
            finished = None
            result = await self._send_holding_lease(row)
            if result is not None:
                finished = (row, result)
        if finished is not None:
            await self._record_and_renew(finished, None)
        return len(rows)

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
        the oldest, which grows with a backlog; each of these stops after one batch.
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
            # PostgreSQL: concurrent dispatchers skip each other's rows instead of sharing
            # them. SQLite ignores this; there write transactions begin IMMEDIATE, one at a time.
            .with_for_update(skip_locked=True)
            for due in ways_to_be_due
        ]

    async def _claim_batch(self) -> list[OutboxMessage]:
        """Mark the oldest due messages `sending` under a fresh lease, oldest first."""
        now = self.clock()
        async with self.sessions() as session, session.begin():
            found: dict[int, OutboxMessage] = {}
            for query in self._due_queries(now):
                for row in await session.scalars(query.limit(self.batch_size)):
                    found[row.id or 0] = row
            rows = [found[key] for key in sorted(found)[: self.batch_size]]
            for row in rows:
                row.status = DeliveryStatus.SENDING.value
                row.lease_until = now + self.lease
                row.attempts += 1
            await session.flush()
            # Detached with their loaded values, so sending needs no database connection.
            session.expunge_all()
        return rows

    async def _record_and_renew(
        self, finished: tuple[OutboxMessage, _Result] | None, upcoming: OutboxMessage | None
    ) -> bool:
        """Record one result and renew the next message's lease in one short transaction.

        True when the next message's lease is this dispatcher's (or there is none).
        """
        async with self.sessions() as session, session.begin():
            if finished is not None:
                await self._record(session, *finished)
            if upcoming is None:
                return True
            return await self._extend_lease(session, upcoming)

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
            _TABLE.c.id == row.id,
            _TABLE.c.status == DeliveryStatus.SENDING.value,
            _TABLE.c.attempts == row.attempts,
        )

    async def _extend_lease(self, session: AsyncSession, row: OutboxMessage) -> bool:
        """Extend this dispatcher's lease on `row`; False if the claim is no longer this one."""
        lease_until = self.clock() + self.lease
        renewed = await session.execute(
            update(_TABLE).where(self._this_claim(row)).values(lease_until=lease_until)
        )
        if not isinstance(renewed, CursorResult) or renewed.rowcount != 1:
            return False
        row.lease_until = lease_until
        return True

    async def _renew(self, row: OutboxMessage) -> bool:
        """Renew the lease while a message is on its way, in a transaction of its own."""
        try:
            async with self.sessions() as session, session.begin():
                return await self._extend_lease(session, row)
        except Exception as error:
            # Without the database the lease cannot be shown to hold: stop rather than risk
            # a second sender once it runs out.
            logger.error("outbox %s: lease renewal failed: %s", row.id, type(error).__name__)
            return False

    async def _attempt(self, row: OutboxMessage) -> _Result:
        try:
            provider_id = await self.transport.send(row)
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
        return _Result(DeliveryStatus.SENT, provider_id=provider_id)

    async def _record(self, session: AsyncSession, row: OutboxMessage, result: _Result) -> None:
        """Write one result in the caller's transaction, if the claim is still this one's."""
        now = self.clock()
        status, error = result.status, result.error
        values: dict[str, Any] = {"lease_until": None, "last_error": error}
        if status is DeliveryStatus.SENT:
            values["sent_at"] = now
            values["provider_id"] = result.provider_id
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
            update(_TABLE).where(self._this_claim(row)).values(**values)
        )
        if not isinstance(written, CursorResult) or written.rowcount != 1:
            logger.warning("outbox %s: lease lost before the result was recorded", row.id)
            return
        for name, value in values.items():
            setattr(row, name, value)
        if status is DeliveryStatus.PERMANENT_FAILURE and self.on_permanent_failure:
            await self._after_permanent_failure(session, row)
        logger.info("outbox %s (%s): %s, attempt %s", row.id, row.template, status, row.attempts)
        if self.on_result is not None:
            self.on_result(row.channel, status)

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
