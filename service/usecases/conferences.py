"""QA records conferences, reschedules and cancels them."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.calendar import CalendarMethod
from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.conferences import check_short_notice
from service.domain.errors import ConcurrentChange, IllegalTransition
from service.domain.observers import check_conference_time
from service.domain.states import Actor, RequestEvent, RequestStatus, is_finished
from service.settings import Settings
from service.store.ids import saved_id
from service.store.loading import load_staff
from service.store.locks import LockedConference, lock_conference
from service.store.requests import bump_calendar_sequence
from service.store.tables import Conference, ObservationRequest
from service.usecases.steps.consent_outcome import end_request
from service.usecases.steps.deadlines import answers_needed_by, answers_needed_for_start
from service.usecases.steps.family_news import tell_family_conference_moved
from service.usecases.steps.mail import send_calendar
from service.usecases.steps.moves import change_conference
from service.usecases.steps.new_conferences import add_conference

_WAITING_FOR_ANSWERS = (RequestStatus.SUBMITTED, RequestStatus.SEEKING_CONSENT)


async def record_conference(
    session: AsyncSession,
    *,
    now: datetime,
    qa_user_id: int,
    reference: str,
    kind: str,
    starts_at: datetime,
    duration_minutes: int,
    venue: str,
    open_to_observers: bool,
) -> Conference:
    """Record a conference after checking its time, kind, length and reference; commits."""
    conference = await add_conference(
        session,
        now=now,
        qa_user_id=qa_user_id,
        reference=reference,
        kind=kind,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        venue=venue,
        open_to_observers=open_to_observers,
    )
    await session.commit()
    return conference


async def reschedule_conference(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    conference_id: int,
    starts_at: datetime,
    venue: str | None = None,
    confirm_short_notice: bool = False,
) -> Conference:
    """Move a conference: invites follow, the family is told, short notice lapses; commits."""
    conference = await move_conference(
        session,
        settings=settings,
        now=now,
        qa_user_id=qa_user_id,
        locked=await lock_conference(session, conference_id),
        starts_at=starts_at,
        venue=venue,
        confirm_short_notice=confirm_short_notice,
    )
    await session.commit()
    return conference


async def move_conference(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    locked: LockedConference,
    starts_at: datetime,
    venue: str | None = None,
    confirm_short_notice: bool = False,
) -> Conference:
    """`reschedule_conference` on a conference already locked, without the commit."""
    conference, conference_id = locked.conference, locked.conference_id
    if conference.cancelled_at is not None:
        raise IllegalTransition("This conference was cancelled, so it cannot be moved.")
    previous = conference.starts_at
    new_start = check_conference_time(starts_at=starts_at, now=now)
    new_deadline = answers_needed_for_start(settings, new_start)
    waiting = [r for r in locked.requests if RequestStatus(r.status) in _WAITING_FOR_ANSWERS]
    # Only a new time can leave the family without time to answer; a new venue alone cannot.
    too_late = new_start != previous and check_short_notice(
        now=now, new_deadline=new_deadline, waiting=len(waiting), confirmed=confirm_short_notice
    )
    previous_venue = conference.venue
    await change_conference(
        session,
        conference=conference,
        starts_at=new_start,
        venue=venue.strip() if venue and venue.strip() else conference.venue,
    )
    details: dict[str, object] = {
        "from": previous.isoformat(),
        "to": conference.starts_at.isoformat(),
        "short_notice_confirmed": too_late,
    }
    if conference.venue != previous_venue:
        details |= {"venue_from": previous_venue, "venue_to": conference.venue}
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.QA.value,
        actor_id=qa_user_id,
        action=AuditAction.CONFERENCE_RESCHEDULED,
        conference_id=conference_id,
        details=details,
    )
    for request in waiting if too_late else []:
        # The deadline rule: at the deadline, anyone not yet answered means the request lapses.
        await end_request(
            session,
            settings=settings,
            now=now,
            request=request,
            event=RequestEvent.DEADLINE_PASSED,
            actor=Actor.SYSTEM,
            actor_id=None,
            details={
                "deadline": new_deadline.isoformat(),
                "because": AuditAction.CONFERENCE_RESCHEDULED,
            },
        )
    for request in locked.requests:
        await _tell_about_the_move(
            session, settings=settings, now=now, conference=conference, request=request
        )
    return conference


async def _tell_about_the_move(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    conference: Conference,
    request: ObservationRequest,
) -> None:
    """The invite moves with the conference; everyone asked hears of it, with their same link."""
    status = RequestStatus(request.status)
    if status not in (RequestStatus.SEEKING_CONSENT, RequestStatus.CONFIRMED):
        return
    trainee = await load_staff(session, request.trainee_id)
    if status is RequestStatus.CONFIRMED:
        if not await bump_calendar_sequence(
            session,
            request_id=saved_id(request),
            expected_status=RequestStatus.CONFIRMED,
            expected_version=request.version,
        ):
            raise ConcurrentChange(
                "Someone else changed a request for this conference at the same moment. "
                "Look at it again and retry."
            )
        await session.refresh(request)
        await send_calendar(
            session,
            settings=settings,
            now=now,
            method=CalendarMethod.REQUEST,
            request=request,
            conference=conference,
            observer=trainee,
        )
    await tell_family_conference_moved(
        session,
        settings=settings,
        now=now,
        request=request,
        conference=conference,
        deadline=answers_needed_by(settings, conference),
    )


async def cancel_conference(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    conference_id: int,
) -> Conference:
    """Cancel a conference and every open request for it, cancelling any invite; commits."""
    locked = await lock_conference(session, conference_id)
    conference = locked.conference
    if conference.cancelled_at is not None:
        raise IllegalTransition("This conference is already cancelled.")
    await change_conference(
        session, conference=conference, cancelled_at=now, open_to_observers=False
    )
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.QA.value,
        actor_id=qa_user_id,
        action=AuditAction.CONFERENCE_CANCELLED,
        conference_id=conference_id,
    )
    for request in locked.requests:
        if is_finished(RequestStatus(request.status)):
            continue
        await end_request(
            session,
            settings=settings,
            now=now,
            request=request,
            event=RequestEvent.CONFERENCE_CANCELLED,
            actor=Actor.QA,
            actor_id=qa_user_id,
        )
    await session.commit()
    return conference
