"""Clearing what emails said once they are no longer needed, keeping that they were sent."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notifications.outbox import DeliveryStatus, OutboxMessage
from service.store.tables import Conference, ObservationRequest

# Only messages the dispatcher has finished with: clearing the body of one still waiting to
# go would send an empty email.
FINISHED_DELIVERY = (
    DeliveryStatus.SENT.value,
    DeliveryStatus.PERMANENT_FAILURE.value,
)


@dataclass(frozen=True)
class ClearedBodies:
    """Which messages had their bodies cleared, and the requests they were about."""

    message_ids: list[int]
    request_ids: list[int]


async def clear_bodies_after_conferences(
    session: AsyncSession, *, conferences_before: datetime, now: datetime
) -> ClearedBodies:
    """Blank the bodies of finished emails about conferences that started before the cutoff.

    Never commits. Only rows this statement changed are returned, so two processes running it
    at once each report only their own work.
    """
    past_requests = (
        select(col(ObservationRequest.id))
        .join(Conference, col(Conference.id) == col(ObservationRequest.conference_id))
        .where(col(Conference.starts_at) < conferences_before)
    )
    result = await session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.request_id).in_(past_requests),
            col(OutboxMessage.bodies_cleared_at).is_(None),
            col(OutboxMessage.status).in_(FINISHED_DELIVERY),
        )
        .values(body_text=None, body_html=None, calendar_ics=None, bodies_cleared_at=now)
        .returning(col(OutboxMessage.id), col(OutboxMessage.request_id))
    )
    rows = result.all()
    return ClearedBodies(
        message_ids=sorted(message_id for message_id, _ in rows if message_id is not None),
        request_ids=sorted({request_id for _, request_id in rows if request_id is not None}),
    )
