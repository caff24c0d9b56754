"""The facts behind QA's work list, in a fixed handful of queries however much is open."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notifications.outbox import OutboxMessage
from service.domain.states import OPEN_STATUSES, RequestStatus
from service.domain.work_list import WorkItem, WorkKind
from service.store.tables import Conference, FamilyMember, ObservationRequest
from service.store.views import UNDELIVERED_TO_THE_FAMILY

# Far more than a QA Service has open at once; the work list says when it shows only some.
LIMIT = 200


@dataclass(frozen=True)
class UnderWay:
    """A request going ahead or asking the family."""

    request_id: int
    status: str
    reference: str
    starts_at: datetime
    updated_at: datetime


async def waiting_for_a_decision(session: AsyncSession) -> list[WorkItem]:
    """Requests nobody has decided yet, oldest first."""
    rows = await session.execute(
        select(col(ObservationRequest.id), col(ObservationRequest.created_at),
               col(Conference.reference))
        .join(Conference, col(Conference.id) == col(ObservationRequest.conference_id))
        .where(col(ObservationRequest.status) == RequestStatus.SUBMITTED.value)
        .order_by(col(ObservationRequest.created_at)).limit(LIMIT)
    )  # fmt: skip
    return [WorkItem(WorkKind.DECIDE, asked, reference, request_id=request_id)
            for request_id, asked, reference in rows]  # fmt: skip


async def undelivered_to_the_family(session: AsyncSession) -> list[WorkItem]:
    """Open requests with a family message that could not be delivered and was not sent
    again since."""
    failed = OutboxMessage
    rows = await session.execute(
        select(col(ObservationRequest.id), func.min(col(failed.created_at)),
               col(Conference.reference))
        .join(ObservationRequest, col(ObservationRequest.id) == col(failed.request_id))
        .join(Conference, col(Conference.id) == col(ObservationRequest.conference_id))
        .where(UNDELIVERED_TO_THE_FAMILY,
               col(ObservationRequest.status).in_(sorted(s.value for s in OPEN_STATUSES)))
        .group_by(col(ObservationRequest.id), col(Conference.reference)).limit(LIMIT)
    )  # fmt: skip
    return [WorkItem(WorkKind.ASK_IN_PERSON, since, reference, request_id=request_id)
            for request_id, since, reference in rows if request_id is not None]  # fmt: skip


async def families_not_listed(session: AsyncSession) -> list[WorkItem]:
    """Conferences a trainee asked about whose family nobody has listed yet."""
    listed = exists().where(
        col(FamilyMember.conference_id) == col(Conference.id),
        col(FamilyMember.removed_at).is_(None),
    )
    rows = await session.execute(
        select(col(Conference.id), func.min(col(ObservationRequest.created_at)),
               col(Conference.reference))
        .join(ObservationRequest, col(ObservationRequest.conference_id) == col(Conference.id))
        .where(col(ObservationRequest.status).in_([RequestStatus.SUBMITTED.value,
                                                   RequestStatus.SEEKING_CONSENT.value]),
               col(Conference.cancelled_at).is_(None), ~listed)
        .group_by(col(Conference.id), col(Conference.reference)).limit(LIMIT)
    )  # fmt: skip
    return [WorkItem(WorkKind.FAMILY_LIST, since, reference, conference_id=conference_id)
            for conference_id, since, reference in rows if conference_id is not None]  # fmt: skip


async def under_way(session: AsyncSession) -> list[UnderWay]:
    """Requests going ahead or asking the family, for the chair's checks and answers due."""
    rows = await session.execute(
        select(col(ObservationRequest.id), col(ObservationRequest.status),
               col(Conference.reference), col(Conference.starts_at),
               col(ObservationRequest.updated_at))
        .join(Conference, col(Conference.id) == col(ObservationRequest.conference_id))
        .where(col(ObservationRequest.status).in_([RequestStatus.SEEKING_CONSENT.value,
                                                   RequestStatus.CONFIRMED.value]))
        .order_by(col(Conference.starts_at)).limit(LIMIT)
    )  # fmt: skip
    return [
        UnderWay(request_id, status, reference, starts_at, updated_at)
        for request_id, status, reference, starts_at, updated_at in rows
        if request_id is not None
    ]
