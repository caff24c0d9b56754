"""Dispatcher processes reporting in, and what readiness reads of them."""

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.store.results import rows_changed
from service.store.tables import DispatcherHeartbeat

# A process gone for a day is not coming back under the same pid; its row is of no more use.
_FORGOTTEN_AFTER = timedelta(days=1)


def this_process() -> str:
    """How this process is named in the heartbeat table: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


async def report_in(session: AsyncSession, *, process: str, now: datetime) -> None:
    """Say that `process` is dispatching now (the caller commits)."""
    updated = await session.execute(
        update(DispatcherHeartbeat)
        .where(col(DispatcherHeartbeat.process) == process)
        .values(seen_at=now)
    )
    if not rows_changed(updated):
        session.add(DispatcherHeartbeat(process=process, seen_at=now))
    await session.execute(
        delete(DispatcherHeartbeat).where(col(DispatcherHeartbeat.seen_at) < now - _FORGOTTEN_AFTER)
    )


async def last_report(session: AsyncSession) -> datetime | None:
    """When any dispatcher last reported in, or None when none ever has."""
    return await session.scalar(select(func.max(col(DispatcherHeartbeat.seen_at))))
