"""Delivery receipts from GOV.UK Notify: what became of a text, letter or email it took from us.

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
    # Notify's own fault; it does not try again, so neither would the message arrive.
    TECHNICAL_FAILURE = "technical-failure"
    # Letters: the printer has it (printed and posted), or it never will.
    RECEIVED = "received"
    VALIDATION_FAILED = "validation-failed"
    VIRUS_SCAN_FAILED = "virus-scan-failed"


FINAL_FAILURES = frozenset(
    {
        NotifyStatus.PERMANENT_FAILURE,
        NotifyStatus.TEMPORARY_FAILURE,
        NotifyStatus.TECHNICAL_FAILURE,
        NotifyStatus.VALIDATION_FAILED,
        NotifyStatus.VIRUS_SCAN_FAILED,
    }
)
_REFERENCE_PREFIX = "outbox-"


def _outbox_id(reference: str | None) -> int | None:
    """The outbox row a reference we gave Notify names ("outbox-42"), or None."""
    number = (reference or "").removeprefix(_REFERENCE_PREFIX)
    if not reference or not reference.startswith(_REFERENCE_PREFIX) or not number.isdigit():
        return None
    return int(number) if len(number) < 12 else None


async def record_receipt(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    notification_id: str,
    status: NotifyStatus,
    reference: str | None = None,
) -> bool:
    """Record Notify's word on one message; False when no message is known by its id or our
    reference. The reference is ours from the start, so a receipt that comes before the
    dispatcher has written Notify's id still finds its message. Commits."""
    outbox_id = _outbox_id(reference)
    message = await session.scalar(
        select(OutboxMessage)
        .where(
            (col(OutboxMessage.provider_id) == notification_id)
            | (col(OutboxMessage.id) == (outbox_id if outbox_id is not None else -1))
        )
        .with_for_update()
    )
    if message is None:
        return False
    if message.provider_id is None:
        message.provider_id = notification_id
    already_failed = message.status == DeliveryStatus.PERMANENT_FAILURE
    message.provider_status = status.value
    if status in FINAL_FAILURES and not already_failed:
        message.status = DeliveryStatus.PERMANENT_FAILURE.value
        message.last_error = f"Notify: {status.value}"
        await tell_qa_email_undeliverable(session, settings=settings, now=now, message=message)
    await session.commit()
    return True
