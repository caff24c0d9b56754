"""Jobs the dispatcher runs on a timer: lapse at the deadline, remind once, flag missing checks.

Each request is handled in its own transaction with compare-and-set, so several processes can
run these at once: the second to arrive finds the work done and moves on.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from notifications.emails import EmailTemplate
from service.audit import append_audit
from service.domain.audit_actions import AuditAction
from service.domain.errors import ConcurrentChange, IllegalTransition
from service.domain.reminders import reminder_due
from service.domain.states import Actor, RequestEvent, RequestStatus
from service.domain.times import format_moment
from service.settings import Settings
from service.store.bad_links import forget_bad_links_before
from service.store.ids import saved_id
from service.store.loading import load_staff
from service.store.locks import lock_request
from service.store.tables import Conference, ConsentInvitation, FamilyMember, ObservationRequest
from service.usecases.audit_seal import send_daily_seal
from service.usecases.mail_retention import clear_expired_mail_bodies
from service.usecases.steps.deadlines import answers_needed_by
from service.usecases.steps.family_links import can_be_reminded, send_family_link
from service.usecases.steps.family_mail import LinkEmail
from service.usecases.steps.mail import tell_qa
from service.usecases.steps.moves import move_request
from service.usecases.steps.outcomes import announce_outcome

# Conferences further ahead than this cannot reach their deadline today.
_HORIZON = timedelta(days=60)


def _deadline(settings: Settings, conference: Conference) -> datetime:
    return answers_needed_by(settings, conference)


async def _candidates(
    session: AsyncSession, *, statuses: list[RequestStatus], now: datetime, horizon: timedelta
) -> list[tuple[int, Conference]]:
    result = await session.execute(
        select(col(ObservationRequest.id), Conference)
        .join(Conference, col(Conference.id) == col(ObservationRequest.conference_id))
        .where(
            col(ObservationRequest.status).in_([s.value for s in statuses]),
            col(Conference.starts_at) <= now + horizon,
        )
    )
    return [(request_id, conference) for request_id, conference in result if request_id]


async def lapse_overdue_requests(
    sessions: async_sessionmaker[AsyncSession], *, settings: Settings, now: datetime
) -> int:
    """Close requests still waiting at the consent deadline: silence is never consent."""
    lapsed = 0
    async with sessions() as session:
        candidates = await _candidates(
            session,
            statuses=[RequestStatus.SUBMITTED, RequestStatus.SEEKING_CONSENT],
            now=now,
            horizon=_HORIZON,
        )
    for request_id, conference in candidates:
        if now < _deadline(settings, conference):
            continue
        async with sessions() as session:
            held = await lock_request(session, request_id)
            request, conference = held.request, held.conference
            if now < _deadline(settings, conference):
                continue  # the conference moved later meanwhile
            try:
                await move_request(
                    session,
                    settings=settings,
                    request=request,
                    event=RequestEvent.DEADLINE_PASSED,
                    actor=Actor.SYSTEM,
                    actor_id=None,
                    now=now,
                    details={"deadline": _deadline(settings, conference).isoformat()},
                )
            except (IllegalTransition, ConcurrentChange):
                continue  # answered, withdrawn or lapsed by another process meanwhile
            await announce_outcome(session, settings=settings, now=now, request=request)
            await session.commit()
            lapsed += 1
    return lapsed


async def send_due_reminders(
    sessions: async_sessionmaker[AsyncSession], *, settings: Settings, now: datetime
) -> int:
    """Send the one neutral reminder to each emailed person who has not answered yet."""
    if settings.max_reminders == 0:
        return 0
    sent = 0
    async with sessions() as session:
        candidates = await _candidates(
            session, statuses=[RequestStatus.SEEKING_CONSENT], now=now, horizon=_HORIZON
        )
    for request_id, _ in candidates:
        async with sessions() as session:
            held = await lock_request(session, request_id)
            request, conference = held.request, held.conference
            if request.status != RequestStatus.SEEKING_CONSENT:
                continue
            deadline = _deadline(settings, conference)
            rows = await session.execute(
                select(ConsentInvitation, FamilyMember)
                .join(FamilyMember, col(FamilyMember.id) == col(ConsentInvitation.family_member_id))
                .where(
                    col(ConsentInvitation.request_id) == request_id,
                    col(ConsentInvitation.ended_at).is_(None),
                )
                .execution_options(populate_existing=True)
            )
            observer = await load_staff(session, request.trainee_id)
            for invitation, member in rows:
                if (
                    invitation.ask_in_person
                    or not can_be_reminded(settings, member)
                    or not reminder_due(
                        now=now,
                        deadline=deadline,
                        invited_at=invitation.created_at,
                        reminders_sent=invitation.reminders_sent,
                        max_reminders=settings.max_reminders,
                        has_answered=invitation.current_answer is not None,
                        working_days_before=settings.reminder_working_days_before_deadline,
                        region=settings.bank_holiday_region,
                    )
                ):
                    continue
                invitation.reminders_sent += 1
                await send_family_link(
                    session,
                    settings=settings,
                    now=now,
                    purpose=LinkEmail.REMINDER,
                    invitation=invitation,
                    member=member,
                    request=request,
                    conference=conference,
                    observer=observer,
                    deadline=deadline,
                )
                await append_audit(
                    session,
                    now=now,
                    actor_kind=Actor.SYSTEM.value,
                    actor_id=None,
                    action=AuditAction.REMINDER_SENT,
                    request_id=request_id,
                    conference_id=conference.id,
                    details={"invitation_id": saved_id(invitation)},
                )
                sent += 1
            await session.commit()
    return sent


async def flag_missing_chair_checks(
    sessions: async_sessionmaker[AsyncSession], *, settings: Settings, now: datetime
) -> int:
    """Tell QA once about each confirmed observation whose conference ended without a check."""
    flagged = 0
    async with sessions() as session:
        result = await session.execute(
            select(col(ObservationRequest.id), Conference)
            .join(Conference, col(Conference.id) == col(ObservationRequest.conference_id))
            .where(
                col(ObservationRequest.status) == RequestStatus.CONFIRMED.value,
                col(ObservationRequest.chair_check_flagged_at).is_(None),
                col(Conference.starts_at) <= now,
            )
        )
        candidates = [(request_id, conference) for request_id, conference in result if request_id]
    for request_id, conference in candidates:
        if now < conference.starts_at + timedelta(minutes=conference.duration_minutes):
            continue
        async with sessions() as session:
            request = (await lock_request(session, request_id)).request
            if request.status != RequestStatus.CONFIRMED or request.chair_check_flagged_at:
                continue
            request.chair_check_flagged_at = now
            await append_audit(
                session,
                now=now,
                actor_kind=Actor.SYSTEM.value,
                actor_id=None,
                action=AuditAction.CHAIR_CHECK_MISSING,
                request_id=request_id,
                conference_id=conference.id,
            )
            await tell_qa(
                session,
                settings=settings,
                now=now,
                template=EmailTemplate.QA_CHAIR_CHECK_DUE,
                request_id=request_id,
                context={
                    "conference_reference": conference.reference,
                    "conference_when": format_moment(conference.starts_at),
                },
            )
            await session.commit()
            flagged += 1
    return flagged


async def run_scheduled_jobs(
    sessions: async_sessionmaker[AsyncSession], *, settings: Settings, now: datetime
) -> dict[str, int]:
    """Run every job once; returns how much each did."""
    return {
        "lapsed": await lapse_overdue_requests(sessions, settings=settings, now=now),
        "reminded": await send_due_reminders(sessions, settings=settings, now=now),
        "flagged": await flag_missing_chair_checks(sessions, settings=settings, now=now),
        "cleared": await clear_expired_mail_bodies(sessions, settings=settings, now=now),
        "forgotten": await forget_old_bad_link_counts(sessions, now=now),
        "sealed": await send_daily_seal(sessions, settings=settings, now=now),
    }


async def forget_old_bad_link_counts(
    sessions: async_sessionmaker[AsyncSession], *, now: datetime
) -> int:
    """Drop bad-link counts older than an hour: they slow nobody any more."""
    async with sessions() as session:
        forgotten = await forget_bad_links_before(session, before=now - timedelta(hours=1))
        await session.commit()
    return forgotten
