"""Figures an operator watches, read from the database so every process reports the same."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notifications.outbox import UNFINISHED_STATUSES, OutboxMessage
from service.store.tables import ConsentAnswer


async def oldest_due_message(session: AsyncSession, *, now: datetime) -> datetime | None:
    """When the oldest message that is due for sending and not yet sent was written."""
    return await session.scalar(
        select(func.min(col(OutboxMessage.created_at))).where(
            col(OutboxMessage.status).in_([status.value for status in UNFINISHED_STATUSES]),
            col(OutboxMessage.next_attempt_at) <= now,
        )
    )


async def outbox_by_channel_and_state(session: AsyncSession) -> dict[tuple[str, str], int]:
    """How many messages the outbox holds, by channel and delivery state."""
    rows = await session.execute(
        select(col(OutboxMessage.channel), col(OutboxMessage.status), func.count()).group_by(
            col(OutboxMessage.channel), col(OutboxMessage.status)
        )
    )
    return {(channel, status): count for channel, status, count in rows}


async def answers_by_kind_and_channel(session: AsyncSession) -> dict[tuple[str, str], int]:
    """How many answers have been recorded, by answer and by how they were given."""
    rows = await session.execute(
        select(col(ConsentAnswer.answer), col(ConsentAnswer.channel), func.count()).group_by(
            col(ConsentAnswer.answer), col(ConsentAnswer.channel)
        )
    )
    return {(answer, channel): count for answer, channel, count in rows}
