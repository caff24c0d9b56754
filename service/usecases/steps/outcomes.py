"""Telling the trainee and QA how a request ended, and cancelling its invite when there was one."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.calendar import CalendarMethod
from notifications.emails import EmailTemplate
from service.domain.states import RequestStatus
from service.domain.times import format_moment
from service.settings import Settings
from service.store.ids import saved_id
from service.store.loading import load_conference, load_staff
from service.store.tables import ObservationRequest
from service.usecases.steps.mail import send_calendar, tell_qa, tell_trainee

_OUTCOME_BY_STATUS = {
    RequestStatus.CONFIRMED: "going_ahead",
    RequestStatus.NOT_GOING_AHEAD: "not_going_ahead",
    RequestStatus.LAPSED: "lapsed",
    RequestStatus.CANCELLED: "cancelled",
    RequestStatus.WITHDRAWN: "withdrawn",
}


async def announce_outcome(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    request: ObservationRequest,
    cancel_invite: bool = False,
) -> None:
    """Email the outcome to the trainee and QA, with the calendar invite or its cancellation."""
    status = RequestStatus(request.status)
    outcome = _OUTCOME_BY_STATUS[status]
    conference = await load_conference(session, request.conference_id)
    trainee = await load_staff(session, request.trainee_id)
    common: dict[str, object] = {
        "outcome": outcome,
        "conference_reference": conference.reference,
        "conference_when": format_moment(conference.starts_at),
        "venue": conference.venue,
        "observer_name": trainee.name,
    }
    await tell_trainee(
        session,
        settings=settings,
        now=now,
        template=EmailTemplate.TRAINEE_OUTCOME,
        trainee=trainee,
        request_id=saved_id(request),
        context={
            **common,
        },
    )
    await tell_qa(
        session,
        settings=settings,
        now=now,
        template=EmailTemplate.QA_OUTCOME,
        request_id=saved_id(request),
        context={
            **common,
        },
    )
    if status is RequestStatus.CONFIRMED or cancel_invite:
        await send_calendar(
            session,
            settings=settings,
            now=now,
            method=CalendarMethod.REQUEST
            if status is RequestStatus.CONFIRMED
            else CalendarMethod.CANCEL,
            request=request,
            conference=conference,
            observer=trainee,
        )
