"""The facts behind QA's work list, in a fixed handful of queries however much is open."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, cast, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notifications.outbox import PERSON_PREFIX, OutboxMessage
from service.domain.states import OPEN_STATUSES, RequestStatus
from service.domain.work_list import WorkItem, WorkKind
from service.store.tables import Conference, ConsentInvitation, FamilyMember, ObservationRequest
from service.store.undelivered_mail import UNDELIVERED_TO_THE_FAMILY

# Far more than a QA Service has open at once; the work list says when it shows only some.
LIMIT = 200

# Each kind of work is one condition, shared by the work list and the count in the navigation.
_WAITING = col(ObservationRequest.status) == RequestStatus.SUBMITTED.value
_STILL_OPEN = col(ObservationRequest.status).in_(sorted(s.value for s in OPEN_STATUSES))
_FAMILY_LISTED = exists().where(
    col(FamilyMember.conference_id) == col(Conference.id),
    col(FamilyMember.removed_at).is_(None),
)
_FAMILY_NOT_LISTED = and_(
    col(ObservationRequest.status).in_(
        [RequestStatus.SUBMITTED.value, RequestStatus.SEEKING_CONSENT.value]
    ),
    col(Conference.cancelled_at).is_(None),
    ~_FAMILY_LISTED,
)
# The person a family message was for answered after it failed (their answer given to QA in
# person, say): asking them in person is done. Their receipt, written with the answer, counts
# as after it, so its own failure does not ask for them again.
_ANSWERED_SINCE = exists().where(
    col(ConsentInvitation.request_id) == col(OutboxMessage.request_id),
    col(FamilyMember.id) == col(ConsentInvitation.family_member_id),
    or_(
        col(FamilyMember.email) == col(OutboxMessage.to_address),
        col(FamilyMember.mobile_number) == col(OutboxMessage.to_address),
        literal(PERSON_PREFIX, String) + cast(col(FamilyMember.id), String)
        == col(OutboxMessage.to_address),
    ),
    col(ConsentInvitation.answered_at) >= col(OutboxMessage.created_at),
)
_TO_ASK_IN_PERSON = and_(UNDELIVERED_TO_THE_FAMILY, _STILL_OPEN, ~_ANSWERED_SINCE)
_UNDER_WAY = col(ObservationRequest.status).in_(
    [RequestStatus.SEEKING_CONSENT.value, RequestStatus.CONFIRMED.value]
)


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
        .where(_WAITING)
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
        .where(_TO_ASK_IN_PERSON)
        .group_by(col(ObservationRequest.id), col(Conference.reference)).limit(LIMIT)
    )  # fmt: skip
    return [WorkItem(WorkKind.ASK_IN_PERSON, since, reference, request_id=request_id)
            for request_id, since, reference in rows if request_id is not None]  # fmt: skip


async def families_not_listed(session: AsyncSession) -> list[WorkItem]:
    """Conferences a trainee asked about whose family nobody has listed yet."""
    rows = await session.execute(
        select(col(Conference.id), func.min(col(ObservationRequest.created_at)),
               col(Conference.reference))
        .join(ObservationRequest, col(ObservationRequest.conference_id) == col(Conference.id))
        .where(_FAMILY_NOT_LISTED)
        .group_by(col(Conference.id), col(Conference.reference)).limit(LIMIT)
    )  # fmt: skip
    return [WorkItem(WorkKind.FAMILY_LIST, since, reference, conference_id=conference_id)
            for conference_id, since, reference in rows if conference_id is not None]  # fmt: skip


async def under_way(session: AsyncSession, *, starting_before: datetime) -> list[UnderWay]:
    """Requests going ahead or asking the family whose conference starts before the given
    moment, for the chair's checks and answers due: none further off can be either."""
    rows = await session.execute(
        select(col(ObservationRequest.id), col(ObservationRequest.status),
               col(Conference.reference), col(Conference.starts_at),
               col(ObservationRequest.updated_at))
        .join(Conference, col(Conference.id) == col(ObservationRequest.conference_id))
        .where(_UNDER_WAY, col(Conference.starts_at) < starting_before)
        .order_by(col(Conference.starts_at)).limit(LIMIT)
    )  # fmt: skip
    return [
        UnderWay(request_id, status, reference, starts_at, updated_at)
        for request_id, status, reference, starts_at, updated_at in rows
        if request_id is not None
    ]


@dataclass(frozen=True)
class WorkCounts:
    """How many of each kind of work there is, without reading each one."""

    decide: int
    ask_in_person: int
    family_list: int

    @property
    def total(self) -> int:
        """All of them together."""
        return self.decide + self.ask_in_person + self.family_list


async def work_counts(session: AsyncSession) -> WorkCounts:
    """The kinds of work the store alone decides, counted in one statement."""
    decide = select(func.count()).select_from(ObservationRequest).where(_WAITING)
    ask_in_person = (
        select(func.count(func.distinct(col(ObservationRequest.id))))
        .select_from(OutboxMessage)
        .join(ObservationRequest, col(ObservationRequest.id) == col(OutboxMessage.request_id))
        .where(_TO_ASK_IN_PERSON)
    )
    family_list = (
        select(func.count(func.distinct(col(Conference.id))))
        .select_from(Conference)
        .join(ObservationRequest, col(ObservationRequest.conference_id) == col(Conference.id))
        .where(_FAMILY_NOT_LISTED)
    )
    row = (
        await session.execute(
            select(
                decide.scalar_subquery(),
                ask_in_person.scalar_subquery(),
                family_list.scalar_subquery(),
            )
        )
    ).one()
    return WorkCounts(decide=row[0], ask_in_person=row[1], family_list=row[2])
