"""Loading single rows by id. Nothing here commits."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.domain.errors import NotFound
from service.store.tables import Conference, ObservationRequest, StaffUser


async def load_request(session: AsyncSession, request_id: int) -> ObservationRequest:
    """The request with this id, or NotFound."""
    request = await session.get(ObservationRequest, request_id)
    if request is None:
        raise NotFound("There is no such request.")
    return request


async def load_conference(session: AsyncSession, conference_id: int) -> Conference:
    """The conference with this id, or NotFound."""
    conference = await session.get(Conference, conference_id)
    if conference is None:
        raise NotFound("There is no such conference.")
    return conference


async def load_conference_open_to_observers(
    session: AsyncSession, conference_id: int
) -> Conference:
    """The conference, or NotFound when it is unknown, closed to observers or cancelled: to a
    trainee, a conference they cannot ask about does not exist."""
    conference = await load_conference(session, conference_id)
    check_open_to_observers(conference)
    return conference


def check_open_to_observers(conference: Conference) -> None:
    """NotFound unless QA opened the conference to observers and it is not cancelled."""
    if not conference.open_to_observers or conference.cancelled_at is not None:
        raise NotFound("This conference is not open to observers.")


async def load_staff(session: AsyncSession, user_id: int) -> StaffUser:
    """The staff member with this id, or NotFound."""
    user = await session.get(StaffUser, user_id)
    if user is None:
        raise NotFound("There is no such member of staff.")
    return user


async def load_request_for_update(session: AsyncSession, request_id: int) -> ObservationRequest:
    """The request, locked until commit on PostgreSQL so answers to it are counted one at a time.

    SQLite needs no lock: its write transactions already begin IMMEDIATE, one at a time.
    """
    request = await session.scalar(
        select(ObservationRequest)
        .where(col(ObservationRequest.id) == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if request is None:
        raise NotFound("There is no such request.")
    return request
