"""Family messages that could not be delivered: QA asks those people in person instead."""

from sqlalchemy import and_, bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from notifications.outbox import DeliveryStatus, OutboxMessage

# A later message than the one in hand; made once, because building an alias builds its
# columns anew and gives the statement a new cache key each time.
_LATER_MESSAGE = aliased(OutboxMessage)
# A family message that could not be delivered and was not sent again since: a later message to
# the same address for the same request that went (a new link after QA fixed a typo, say)
# settles it. Read by QA's lists and by the work list.
UNDELIVERED_TO_THE_FAMILY = and_(
    col(OutboxMessage.recipient_role) == "family",
    col(OutboxMessage.status) == DeliveryStatus.PERMANENT_FAILURE.value,
    ~exists().where(
        col(_LATER_MESSAGE.request_id) == col(OutboxMessage.request_id),
        col(_LATER_MESSAGE.to_address) == col(OutboxMessage.to_address),
        col(_LATER_MESSAGE.id) > col(OutboxMessage.id),
        col(_LATER_MESSAGE.status) == DeliveryStatus.SENT.value,
    ),
)
# Built once: every list of requests runs it, and building costs more than running.
_UNDELIVERED_AMONG = (
    select(col(OutboxMessage.request_id))
    .where(
        col(OutboxMessage.request_id).in_(bindparam("request_ids", expanding=True)),
        UNDELIVERED_TO_THE_FAMILY,
    )
    .distinct()
)


async def requests_with_undelivered_family_mail(
    session: AsyncSession, *, request_ids: list[int]
) -> set[int]:
    """Which of these requests have a family message that could not be delivered and was not
    sent again since."""
    if not request_ids:
        return set()
    rows = await session.scalars(_UNDELIVERED_AMONG, {"request_ids": request_ids})
    return {request_id for request_id in rows if request_id is not None}
