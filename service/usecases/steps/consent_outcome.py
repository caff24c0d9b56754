"""Shared steps after the family's answers change: move the request, and a no closes for good."""

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.consent import Answer, consent_outcome, event_for_outcome
from service.domain.states import Actor, RequestEvent, RequestStatus, is_finished
from service.settings import Settings
from service.store.locks import LockedConference
from service.store.tables import ConsentInvitation, ObservationRequest
from service.usecases.steps.moves import change_conference, move_request
from service.usecases.steps.outcomes import announce_outcome

# Built once: every answer runs it.
_LIVE_INVITATIONS = (
    select(ConsentInvitation)
    .where(
        col(ConsentInvitation.request_id) == bindparam("request_id"),
        col(ConsentInvitation.ended_at).is_(None),
    )
    .order_by(col(ConsentInvitation.id))
    .execution_options(populate_existing=True)
)


async def live_invitations(
    session: AsyncSession, *, request_id: int | None
) -> list[ConsentInvitation]:
    """The invitations of the people still asked about a request, oldest first."""
    return list(await session.scalars(_LIVE_INVITATIONS, {"request_id": request_id}))


async def end_request(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    request: ObservationRequest,
    event: RequestEvent,
    actor: Actor,
    actor_id: int | None,
    details: dict[str, object] | None = None,
) -> RequestStatus:
    """Move a request to a finished state, telling the trainee and QA and cancelling any invite."""
    was_confirmed = request.status == RequestStatus.CONFIRMED
    new_status = await move_request(
        session,
        settings=settings,
        request=request,
        event=event,
        actor=actor,
        actor_id=actor_id,
        now=now,
        details=details,
        calendar_sequence=request.calendar_sequence + (1 if was_confirmed else 0),
    )
    await announce_outcome(
        session, settings=settings, now=now, request=request, cancel_invite=was_confirmed
    )
    return new_status


async def close_conference_after_no(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    locked: LockedConference,
    request: ObservationRequest,
) -> None:
    """A no is final: close the conference to observers and end every other open request."""
    conference = locked.conference
    if conference.family_said_no_at is None:
        await change_conference(
            session,
            conference=conference,
            family_said_no_at=now,
            family_said_no_request_id=request.id,
        )
        await append_audit(
            session,
            now=now,
            actor_kind=Actor.SYSTEM.value,
            actor_id=None,
            action=AuditAction.CONFERENCE_CLOSED_AFTER_NO,
            request_id=request.id,
            conference_id=conference.id,
        )
    for other in locked.requests:
        if other.id == request.id or is_finished(RequestStatus(other.status)):
            continue
        await end_request(
            session,
            settings=settings,
            now=now,
            request=other,
            event=RequestEvent.FAMILY_SAID_NO_ELSEWHERE,
            actor=Actor.SYSTEM,
            actor_id=None,
        )


async def decide_if_complete(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    locked: LockedConference,
    request: ObservationRequest,
) -> RequestStatus:
    """Move the request when the answers of everyone still asked decide it; a no closes all."""
    invitations = await live_invitations(session, request_id=request.id)
    outcome = consent_outcome(
        asked_member_ids=[i.family_member_id for i in invitations],
        answers={
            i.family_member_id: Answer(i.current_answer) for i in invitations if i.current_answer
        },
    )
    status = RequestStatus(request.status)
    event = event_for_outcome(status=status, outcome=outcome)
    if event is None:
        return status
    if event is RequestEvent.EVERYONE_AGREED:
        # An invite sent before and then cancelled (someone was added) comes back with a
        # higher SEQUENCE than its cancellation; a first invite starts at 0.
        resent = 1 if request.calendar_sequence > 0 else 0
        new_status = await move_request(
            session,
            settings=settings,
            request=request,
            event=event,
            actor=Actor.SYSTEM,
            actor_id=None,
            now=now,
            calendar_sequence=request.calendar_sequence + resent,
        )
        await announce_outcome(session, settings=settings, now=now, request=request)
        return new_status
    new_status = await end_request(
        session,
        settings=settings,
        now=now,
        request=request,
        event=event,
        actor=Actor.SYSTEM,
        actor_id=None,
    )
    await close_conference_after_no(
        session, settings=settings, now=now, locked=locked, request=request
    )
    return new_status
