"""The observation's calendar invite as a file, for the trainee who asked and for QA."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.calendar import CalendarMethod
from service.domain.errors import IllegalTransition
from service.domain.staff import StaffMember
from service.domain.states import RequestStatus
from service.settings import Settings
from service.usecases.steps.mail import observation_invite
from service.usecases.steps.visible_requests import load_visible_request


async def calendar_for_request(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    viewer: StaffMember,
    request_id: int,
) -> str:
    """The iCalendar text of a confirmed observation; NotFound for another trainee's request."""
    row = await load_visible_request(session, viewer=viewer, request_id=request_id)
    if row.request.status not in (RequestStatus.CONFIRMED, RequestStatus.COMPLETED):
        raise IllegalTransition("There is no invite yet: the observation is not confirmed.")
    invite = observation_invite(
        settings,
        method=CalendarMethod.REQUEST,
        request=row.request,
        conference=row.conference,
        observer=row.trainee,
        now=now,
    )
    return invite.ics
