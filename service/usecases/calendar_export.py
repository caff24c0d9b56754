"""The observation's calendar invite as a file, for the trainee who asked and for QA."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.domain.errors import IllegalTransition, NotFound
from service.domain.staff import StaffRole
from service.domain.states import RequestStatus
from service.settings import Settings
from service.store.tables import StaffUser
from service.store.views import request_row
from service.usecases.steps.mail import observation_invite


async def calendar_for_request(
    session: AsyncSession, *, settings: Settings, now: datetime, user: StaffUser, request_id: int
) -> str:
    """The iCalendar text of a confirmed observation; NotFound for another trainee's request."""
    row = await request_row(session, request_id=request_id)
    if row is None or (user.role == StaffRole.TRAINEE and row.request.trainee_id != user.id):
        raise NotFound("There is no such request.")
    if row.request.status not in (RequestStatus.CONFIRMED, RequestStatus.COMPLETED):
        raise IllegalTransition("There is no invite yet: the observation is not confirmed.")
    invite = observation_invite(
        settings,
        method="REQUEST",
        request=row.request,
        conference=row.conference,
        observer=row.trainee,
        now=now,
    )
    return invite.ics
