"""Delivery receipts from GOV.UK Notify: what became of a text (or email) it took from us.

Notify takes a message at once and tells us later whether the phone got it. A final failure
is handled like a bounced email: the message is recorded undeliverable, QA is told, and the
person is asked in person.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notifications.outbox import DeliveryStatus, OutboxMessage
from service.settings import Settings
from service.usecases.undeliverable import tell_qa_email_undeliverable


class NotifyStatus(StrEnum):
    """Notify's delivery states that a receipt can carry."""

    DELIVERED = "delivered"
    PERMANENT_FAILURE = "permanent-failure"
    # Notify tried for 72 hours (a phone switched off, say) and stopped: for us, also final.
    TEMPORARY_FAILURE = "temporary-failure"
    TECHNICAL_FAILURE = "technical-failure"


FINAL_FAILURES = frozenset({NotifyStatus.PERMANENT_FAILURE, NotifyStatus.TEMPORARY_FAILURE})


async def record_receipt(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    notification_id: str,
    status: NotifyStatus,
) -> bool:
    """Record Notify's word on one message; False when no message has that id. Commits."""
    message = await session.scalar(
        select(OutboxMessage)
        .where(col(OutboxMessage.provider_id) == notification_id)
        .with_for_update()
    )
    if message is None:
        return False
    already_failed = message.status == DeliveryStatus.PERMANENT_FAILURE
    message.provider_status = status.value
    if status in FINAL_FAILURES and not already_failed:
        message.status = DeliveryStatus.PERMANENT_FAILURE.value
        message.last_error = f"Notify: {status.value}"
        await tell_qa_email_undeliverable(session, settings=settings, now=now, message=message)
    await session.commit()
    return True
