"""Loading single rows by id. Nothing here commits."""

from sqlalchemy.ext.asyncio import AsyncSession

from service.domain.errors import NotFound
from service.store.tables import Conference, StaffUser


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
