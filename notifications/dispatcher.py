"""The dispatcher: claims due outbox rows, sends them, and records what happened to each.

Claiming, sending and recording are separate steps: a claim is a short transaction that marks
rows `sending` with a lease, the SMTP conversation holds no database lock, and each result is
written in its own transaction. A dispatcher that dies mid-batch leaves rows whose lease runs
out, and the next round takes them back.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, inspect, or_, select, update
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
        lease_seconds: float = 300,
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
        """Claim one batch of due messages, send each, record each result; returns the count."""
        rows = await self._claim()
        # Each result is written while the next message is on its way: the SMTP conversation
        # and the write overlap, but results are still recorded one at a time, in order, and
        # every one before this round returns.
        recording: asyncio.Task[None] | None = None
        try:
            for row in rows:
                if recording is not None and recording.done():
                    recording.result()  # a failed write stops the round before the next send
                result = await self._attempt(row)
                if recording is not None:
                    await recording
                recording = asyncio.create_task(self._record(row, result))
        finally:
            if recording is not None:
                await recording
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

    async def _claim(self) -> list[OutboxMessage]:
        now = self.clock()
        earlier = inspect(OutboxMessage).local_table.alias("earlier")
        # A message waits while an earlier one with its ordering key is still on its way, so a
        # calendar CANCEL never overtakes the REQUEST it cancels.
        blocked = exists().where(
            earlier.c.ordering_key == col(OutboxMessage.ordering_key),
            earlier.c.id < col(OutboxMessage.id),
            earlier.c.status.in_([status.value for status in UNFINISHED_STATUSES]),
        )
        due = or_(
            and_(
                col(OutboxMessage.status).in_(
                    [DeliveryStatus.PENDING.value, DeliveryStatus.TEMPORARY_FAILURE.value]
                ),
                col(OutboxMessage.next_attempt_at) <= now,
            ),
            # A dispatcher that died mid-send left these; its lease has run out.
            and_(
                col(OutboxMessage.status) == DeliveryStatus.SENDING.value,
                col(OutboxMessage.lease_until) < now,
            ),
        )
        query = (
            select(OutboxMessage)
            .where(due, ~blocked)
            .order_by(col(OutboxMessage.id))
            .limit(self.batch_size)
            # PostgreSQL: concurrent dispatchers skip each other's rows instead of sharing them.
            # SQLite ignores this; there write transactions begin IMMEDIATE and so take turns.
            .with_for_update(skip_locked=True)
        )
        async with self.sessions() as session, session.begin():
            rows = list((await session.scalars(query)).all())
            for row in rows:
                row.status = DeliveryStatus.SENDING.value
                row.lease_until = now + self.lease
                row.attempts += 1
            await session.flush()
            # Detached with their loaded values, so sending needs no database connection.
            session.expunge_all()
        return rows

    async def _attempt(self, row: OutboxMessage) -> _Result:
        try:
            await self.transport.send(row)
        except TemporaryDeliveryError as error:
            return _Result(DeliveryStatus.TEMPORARY_FAILURE, str(error))
        except PermanentDeliveryError as error:
            return _Result(DeliveryStatus.PERMANENT_FAILURE, str(error))
        except UncertainDeliveryError as error:
            return _Result(DeliveryStatus.UNCERTAIN, str(error))
        except Exception as error:
            # A fault in a transport is retried like an outage; the type is logged, never the
            # text, which could quote the message.
            logger.error("outbox %s: unexpected %s while sending", row.id, type(error).__name__)
            return _Result(DeliveryStatus.TEMPORARY_FAILURE, f"unexpected {type(error).__name__}")
        return _Result(DeliveryStatus.SENT)

    async def _record(self, row: OutboxMessage, result: _Result) -> None:
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
        async with self.sessions() as session, session.begin():
            # Compare-and-set on our own lease: if it ran out and another dispatcher took the
            # row back, that dispatcher's result stands.
            written = await session.execute(
                update(OutboxMessage)
                .where(
                    col(OutboxMessage.id) == row.id,
                    col(OutboxMessage.status) == DeliveryStatus.SENDING.value,
                    col(OutboxMessage.lease_until) == row.lease_until,
                )
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
