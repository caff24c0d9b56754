"""A trainee asks to observe; QA declines; either withdraws; QA records the chair's check."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from notifications.emails import EmailTemplate
from service.audit import append_audit
from service.domain.allowed_now import check_before_conference, check_chair_check_day
from service.domain.asking import check_not_asked_already
from service.domain.audit_actions import AuditAction
from service.domain.conferences import ChairCheck
from service.domain.confidentiality import CONFIDENTIALITY_STATEMENT_VERSION
from service.domain.errors import InvalidInput, NotFound
from service.domain.notice import check_request_in_time
from service.domain.observers import (
    check_acknowledged,
    check_family_has_not_said_no,
    check_no_web_address,
    check_observer_capacity,
)
from service.domain.staff import StaffRole, may_see_request, normalise_email
from service.domain.states import Actor, RequestEvent, RequestStatus, is_finished
from service.domain.times import format_moment
from service.settings import Settings
from service.store.ids import saved_id
from service.store.loading import check_open_to_observers, load_conference, load_staff
from service.store.locks import lock_conference, lock_request
from service.store.tables import ObservationRequest
from service.usecases.steps.consent_outcome import close_conference_after_no, end_request
from service.usecases.steps.mail import tell_qa, tell_trainee
from service.usecases.steps.moves import move_request
from service.usecases.steps.outcome_webhooks import announce_outcome_change


def _required(value: str, message: str, field: str) -> str:
    if not value or not value.strip():
        raise InvalidInput(message, field=field)
    return value.strip()


async def ask_to_observe(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    trainee_id: int,
    conference_id: int,
    role: str,
    organisation: str,
    purpose: str,
    supervisor_name: str,
    supervisor_email: str,
    confidentiality_acknowledged: bool,
) -> ObservationRequest:
    """Record a trainee's request after the notice, capacity and promise checks; commits."""
    locked = await lock_conference(session, conference_id)
    conference = locked.conference
    check_open_to_observers(conference)
    check_family_has_not_said_no(family_said_no=conference.family_said_no_at is not None)
    check_not_asked_already(
        asked_by_you=any(
            r.trainee_id == trainee_id and not is_finished(RequestStatus(r.status))
            for r in locked.requests
        )
    )
    supervisor_address = normalise_email(
        _required(supervisor_email, "Enter your supervisor's email address.", "supervisor_email"),
        field="supervisor_email",
    )
    check_acknowledged(acknowledged=confidentiality_acknowledged)
    for text, field, what in (
        (role, "role", "your role"),
        (organisation, "organisation", "your organisation"),
        (purpose, "purpose", "why you want to observe"),
    ):
        check_no_web_address(text, field=field, what=what)
    check_request_in_time(
        now=now,
        conference_start=conference.starts_at,
        min_notice_working_days=settings.min_notice_working_days,
        region=settings.bank_holiday_region,
    )
    check_observer_capacity(
        open_requests_for_conference=sum(
            not is_finished(RequestStatus(r.status)) for r in locked.requests
        ),
        max_observers=settings.max_observers_per_conference,
    )
    trainee = await load_staff(session, trainee_id)
    request = ObservationRequest(
        conference_id=conference_id,
        trainee_id=trainee_id,
        status=RequestStatus.SUBMITTED.value,
        role=_required(role, "Enter your role.", "role"),
        organisation=_required(organisation, "Enter your organisation.", "organisation"),
        purpose=_required(
            purpose, "Say why you want to observe. The family will read this.", "purpose"
        ),
        supervisor_name=_required(
            supervisor_name, "Enter your supervisor's name.", "supervisor_name"
        ),
        supervisor_email=supervisor_address,
        confidentiality_acknowledged=True,
        confidentiality_statement_version=CONFIDENTIALITY_STATEMENT_VERSION,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    await session.flush()
    await append_audit(
        session,
        now=now,
        actor_kind=Actor.TRAINEE.value,
        actor_id=trainee_id,
        action=AuditAction.ASKED_TO_OBSERVE,
        request_id=saved_id(request),
        conference_id=conference_id,
        to_status=RequestStatus.SUBMITTED.value,
        details={"confidentiality_statement_version": CONFIDENTIALITY_STATEMENT_VERSION},
    )
    await announce_outcome_change(session, settings=settings, now=now, request=request)
    common = {
        "conference_reference": conference.reference,
        "conference_when": format_moment(conference.starts_at),
        "observer_name": trainee.name,
    }
    await tell_trainee(
        session,
        settings=settings,
        now=now,
        template=EmailTemplate.TRAINEE_REQUEST_RECEIVED,
        trainee=trainee,
        request_id=saved_id(request),
        context={
            **common,
            "venue": conference.venue,
        },
    )
    await tell_qa(
        session,
        settings=settings,
        now=now,
        template=EmailTemplate.QA_NEW_REQUEST,
        request_id=saved_id(request),
        context={
            **common,
            "observer_role": request.role,
            "observer_organisation": request.organisation,
        },
    )
    await session.commit()
    return request


async def decline_request(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    request_id: int,
    reason: str,
) -> ObservationRequest:
    """QA declines a request with a reason the trainee will read; commits."""
    reason = _required(reason, "Give a reason. The trainee will see it.", "reason")
    request = (await lock_request(session, request_id)).request
    await move_request(
        session,
        settings=settings,
        request=request,
        event=RequestEvent.DECLINE,
        actor=Actor.QA,
        actor_id=qa_user_id,
        now=now,
        details={"reason": reason},
        decline_reason=reason,
    )
    conference = await load_conference(session, request.conference_id)
    trainee = await load_staff(session, request.trainee_id)
    await tell_trainee(
        session,
        settings=settings,
        now=now,
        template=EmailTemplate.TRAINEE_REQUEST_DECIDED,
        trainee=trainee,
        request_id=request_id,
        context={
            "decision": "declined",
            "reason": reason,
            "observer_name": trainee.name,
            "conference_reference": conference.reference,
            "conference_when": format_moment(conference.starts_at),
            "venue": conference.venue,
        },
    )
    await session.commit()
    return request


async def withdraw_request(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    actor: Actor,
    actor_id: int,
    request_id: int,
) -> ObservationRequest:
    """The trainee who asked, or QA, withdraws a request before the conference; commits."""
    held = await lock_request(session, request_id)
    request = held.request
    if not may_see_request(
        role=StaffRole(actor.value), viewer_id=actor_id, trainee_id=request.trainee_id
    ):
        raise NotFound("There is no such request.")
    check_before_conference(now=now, conference_start=held.conference.starts_at, action="withdraw")
    await end_request(
        session,
        settings=settings,
        now=now,
        request=request,
        event=RequestEvent.WITHDRAW,
        actor=actor,
        actor_id=actor_id,
    )
    await session.commit()
    return request


async def record_chair_check(
    session: AsyncSession,
    *,
    settings: Settings,
    now: datetime,
    qa_user_id: int,
    request_id: int,
    outcome: str,
) -> ObservationRequest:
    """QA records what the chair found on the day, which finishes the request; commits."""
    try:
        check = ChairCheck(outcome)
    except ValueError:
        raise InvalidInput(
            "Choose what happened when the chair asked the family.", field="outcome"
        ) from None
    held = await lock_request(session, request_id)
    request, conference = held.request, held.conference
    check_chair_check_day(now=now, conference_start=conference.starts_at)
    event = (
        RequestEvent.CHAIR_CONFIRMED_OBSERVED
        if check is ChairCheck.OBSERVED
        else RequestEvent.CHAIR_FAMILY_WITHDREW
    )
    await move_request(
        session,
        settings=settings,
        request=request,
        event=event,
        actor=Actor.QA,
        actor_id=qa_user_id,
        now=now,
        chair_check=check.value,
    )
    if check is ChairCheck.FAMILY_WITHDREW:
        await close_conference_after_no(
            session, settings=settings, now=now, locked=held.locked, request=request
        )
    await session.commit()
    return request
