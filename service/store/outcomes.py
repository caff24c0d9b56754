"""Queries for outcomes told to the case-management system: the feed, and webhooks that failed.
Nothing here commits."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from notifications.outbox import Channel, DeliveryStatus, OutboxMessage
from service.store.tables import Conference, ObservationRequest


@dataclass(frozen=True)
class OutcomeRow:
    """A request and its conference, as the feed needs them."""

    request: ObservationRequest
    conference: Conference


async def outcomes_changed_since(
    session: AsyncSession,
    *,
    changed_since: datetime,
    after_id: int | None,
    limit: int,
) -> list[OutcomeRow]:
    """Requests whose outcome changed at or after `changed_since`, in (changed_at, id) order.

    With `after_id`, those changed at exactly `changed_since` come only after that request, so
    a page boundary inside one instant neither repeats nor misses a request.
    """
    changed_at, request_id = col(ObservationRequest.updated_at), col(ObservationRequest.id)
    if after_id is None:
        since = changed_at >= changed_since
    else:
        since = or_(
            changed_at > changed_since,
            and_(changed_at == changed_since, request_id > after_id),
        )
    rows = await session.execute(
        select(ObservationRequest, Conference)
        .join(Conference, col(Conference.id) == col(ObservationRequest.conference_id))
        .where(since)
        .order_by(changed_at, request_id)
        .limit(limit)
    )
    return [OutcomeRow(request, conference) for request, conference in rows]


@dataclass(frozen=True)
class FailedWebhook:
    """A change of outcome the case-management system was never told of."""

    message_id: int
    request_id: int
    conference_id: int
    conference_reference: str
    written_at: datetime
    last_error: str | None


# A later message than the one in hand; made once, because building an alias builds its
# columns anew and gives the statement a new cache key each time.
_LATER_WEBHOOK = aliased(OutboxMessage)
# A webhook that failed for good, unless a later one about the same request went: the
# case-management system then holds the request's current outcome.
_UNSETTLED = and_(
    col(OutboxMessage.channel) == Channel.WEBHOOK.value,
    col(OutboxMessage.status) == DeliveryStatus.PERMANENT_FAILURE.value,
    ~exists().where(
        col(_LATER_WEBHOOK.channel) == Channel.WEBHOOK.value,
        col(_LATER_WEBHOOK.request_id) == col(OutboxMessage.request_id),
        col(_LATER_WEBHOOK.id) > col(OutboxMessage.id),
        col(_LATER_WEBHOOK.status) == DeliveryStatus.SENT.value,
    ),
)
# Built once: QA's every list runs it, and building costs more than running.
_NEWEST_UNSETTLED = (
    select(
        col(OutboxMessage.id),
        col(ObservationRequest.id),
        col(Conference.id),
        col(Conference.reference),
        col(OutboxMessage.created_at),
        col(OutboxMessage.last_error),
    )
    .join(ObservationRequest, col(ObservationRequest.id) == col(OutboxMessage.request_id))
    .join(Conference, col(Conference.id) == col(ObservationRequest.conference_id))
    .where(_UNSETTLED)
    .order_by(col(OutboxMessage.id).desc())
    .limit(bindparam("limit"))
)
_UNSETTLED_COUNT = select(func.count()).select_from(OutboxMessage).where(_UNSETTLED)


async def failed_webhooks(session: AsyncSession, *, limit: int) -> tuple[list[FailedWebhook], int]:
    """The newest webhooks that failed for good and were not settled since, and how many."""
    rows = await session.execute(_NEWEST_UNSETTLED, {"limit": limit})
    found = [
        FailedWebhook(message_id, request_id, conference_id, reference, written_at, error)
        for message_id, request_id, conference_id, reference, written_at, error in rows
        if message_id is not None and request_id is not None and conference_id is not None
    ]
    if len(found) < limit:
        return found, len(found)
    total = await session.scalar(_UNSETTLED_COUNT)
    return found, total or 0
